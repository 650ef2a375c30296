// Package loginlimit slows password guessing down without letting anyone
// lock a user out from elsewhere.
//
// A Limiter counts failed attempts per key. The server keys one Limiter by
// (client address, account) and another by client address alone, never by
// account alone: failures from address X against account A slow down X's
// guesses at A (and X's guesses overall), while A's owner at address Y logs
// in as usual.
//
// Each key has a few free failures; after them every further failure blocks
// the key for a delay that doubles up to a cap, and only one attempt at a
// time may run. Checking and counting is one step: Reserve takes an attempt
// before the password is compared, and the attempt is then settled with
// Fail, Succeed or Release, so concurrent guesses cannot all slip through
// before the first failure is recorded.
//
// NewShared keeps the counts in PostgreSQL, so every replica counts against
// the same keys and a restart forgets nothing; New keeps them in memory,
// bounded by Config.MaxKeys. Either way a key is forgotten once it has seen
// no failure for Config.Forget.
package loginlimit

import (
	"context"
	"time"

	"cdr.dev/slog"
)

// Config is one Limiter's policy.
type Config struct {
	// FreeFailures is how many failures a key may collect before delays
	// start.
	FreeFailures int
	// BaseDelay is the delay after the first failure past FreeFailures; it
	// doubles with each further failure, up to MaxDelay.
	BaseDelay time.Duration
	MaxDelay  time.Duration
	// Forget drops a key's failures once it has had none for this long.
	Forget time.Duration
	// MaxKeys bounds memory of an in-memory Limiter; past it, forgotten
	// keys are swept and then arbitrary idle keys dropped.
	MaxKeys int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger hears about counts a shared Limiter could not store.
	Logger slog.Logger
}

// store keeps the counts; the Limiter holds the policy around it.
type store interface {
	// reserve takes an attempt on key, or says how long to wait.
	reserve(ctx context.Context, key string, now time.Time) (granted bool, wait time.Duration, err error)
	settle(ctx context.Context, key string, v verdict, now time.Time) error
}

type verdict int

const (
	verdictRelease verdict = iota
	verdictFail
	verdictSucceed
)

// Limiter counts failed attempts per key. It is safe for concurrent use.
type Limiter struct {
	cfg   Config
	store store
}

func withDefaults(cfg Config) Config {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.FreeFailures = max(cfg.FreeFailures, 1)
	cfg.MaxKeys = max(cfg.MaxKeys, 1)
	return cfg
}

// New returns a Limiter that counts in this process's memory.
func New(cfg Config) *Limiter {
	cfg = withDefaults(cfg)
	return &Limiter{cfg: cfg, store: newMemoryStore(cfg)}
}

// inFlightRetry is the wait suggested when a key is past its free failures
// and another attempt on it is still being checked.
const inFlightRetry = time.Second

// Reserve takes one attempt on key. It returns the attempt, to be settled
// exactly once, or nil and how long to wait before trying again. An error
// means the count could not be read (a shared store is unreachable); the
// caller must then refuse the attempt, or guessing would be unlimited
// while the database is down.
func (l *Limiter) Reserve(ctx context.Context, key string) (*Attempt, time.Duration, error) {
	granted, wait, err := l.store.reserve(ctx, key, l.cfg.Now())
	if err != nil || !granted {
		return nil, wait, err
	}
	// Settling must happen even when the request that reserved ends
	// first, or the attempt would hold the key until it expires.
	return &Attempt{l: l, ctx: context.WithoutCancel(ctx), key: key}, 0, nil
}

// Len returns how many keys an in-memory Limiter holds, for tests and
// metrics; a shared Limiter holds none in memory.
func (l *Limiter) Len() int {
	if m, ok := l.store.(*memoryStore); ok {
		return m.len()
	}
	return 0
}

// Attempt is one reserved try on a key.
type Attempt struct {
	l       *Limiter
	ctx     context.Context
	key     string
	settled bool
}

// Fail records a failed attempt: the password was wrong.
func (a *Attempt) Fail() { a.settle(verdictFail) }

// Succeed clears the key: the password was right.
func (a *Attempt) Succeed() { a.settle(verdictSucceed) }

// Release gives the attempt back without a verdict (the request failed for
// another reason, or the key is not the kind a success clears).
func (a *Attempt) Release() { a.settle(verdictRelease) }

// settleTimeout bounds storing a verdict; a shared store that cannot be
// reached in that time loses the verdict, and the reservation expires.
const settleTimeout = 10 * time.Second

func (a *Attempt) settle(v verdict) {
	if a == nil || a.settled {
		return
	}
	a.settled = true
	ctx, cancel := context.WithTimeout(a.ctx, settleTimeout)
	defer cancel()
	if err := a.l.store.settle(ctx, a.key, v, a.l.cfg.Now()); err != nil {
		a.l.cfg.Logger.Warn(ctx, "store login attempt verdict", slog.F("verdict", int(v)), slog.Error(err))
	}
}

// delay is BaseDelay doubled over times, capped at MaxDelay.
func delay(cfg Config, over int) time.Duration {
	d := cfg.BaseDelay
	for range over {
		if d >= cfg.MaxDelay/2 {
			return cfg.MaxDelay
		}
		d *= 2
	}
	return min(d, cfg.MaxDelay)
}
