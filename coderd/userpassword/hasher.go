package userpassword

import (
	"context"
	"errors"
	"runtime"
)

// ErrBusy is returned by a Hasher that is already hashing as many passwords
// as it runs at once and has a full queue. Callers answer 503 with
// Retry-After: the request was refused before any hashing memory was taken.
var ErrBusy = errors.New("too many passwords are being hashed at once; try again shortly")

// Hasher runs Hash and Compare on a bounded pool: at most workers hashes at
// once, at most queue more waiting for a turn, and ErrBusy at once for
// anything beyond. Each argon2id hash takes DefaultArgon2Memory while it
// runs, so this bounds both the memory and the CPU that logins can take,
// and the time a queued request waits (about queue/workers hash times).
type Hasher struct {
	// admitted holds a token for every call running or queued.
	admitted chan struct{}
	// running holds a token for every call hashing now.
	running chan struct{}
}

// NewHasher returns a Hasher with the given number of concurrent hashes
// (at least 1) and waiting places (at least 0).
func NewHasher(workers, queue int) *Hasher {
	workers = max(workers, 1)
	queue = max(queue, 0)
	return &Hasher{
		admitted: make(chan struct{}, workers+queue),
		running:  make(chan struct{}, workers),
	}
}

// DefaultHasherQueuePerWorker sizes the queue of NewDefaultHasher: with
// hashes of about 20 ms, a queued request waits well under half a second.
const DefaultHasherQueuePerWorker = 4

// NewDefaultHasher sizes a Hasher to the cores the process may use.
func NewDefaultHasher() *Hasher {
	n := runtime.GOMAXPROCS(0)
	return NewHasher(n, DefaultHasherQueuePerWorker*n)
}

// Hash is the package's Hash, run on the pool.
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	var hashed string
	err := h.Do(ctx, func() error {
		var err error
		hashed, err = Hash(password)
		return err
	})
	return hashed, err
}

// Compare is the package's Compare, run on the pool.
func (h *Hasher) Compare(ctx context.Context, hashed, password string) (bool, error) {
	var ok bool
	err := h.Do(ctx, func() error {
		var err error
		ok, err = Compare(hashed, password)
		return err
	})
	return ok, err
}

// InUse returns how many calls are hashing or waiting now.
func (h *Hasher) InUse() int {
	return len(h.admitted)
}

// Do runs fn when a worker is free, waiting in the queue if need be, or
// returns ErrBusy at once when the queue is full. A caller that gives up
// (ctx done) while queued leaves without hashing: nobody waits for it.
func (h *Hasher) Do(ctx context.Context, fn func() error) error {
	select {
	case h.admitted <- struct{}{}:
	default:
		return ErrBusy
	}
	defer func() { <-h.admitted }()
	select {
	case h.running <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-h.running }()
	return fn()
}
