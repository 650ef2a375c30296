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
// State is per replica, in memory, bounded by Config.MaxKeys; a key is
// forgotten once it has seen no failure for Config.Forget.
package loginlimit

import (
	"sync"
	"time"
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
	// MaxKeys bounds memory; past it, forgotten keys are swept and then
	// arbitrary idle keys dropped.
	MaxKeys int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Limiter counts failed attempts per key. It is safe for concurrent use.
type Limiter struct {
	cfg       Config
	mu        sync.Mutex
	keys      map[string]*state
	lastSweep time.Time
}

type state struct {
	failures     int
	inFlight     int
	lastFailure  time.Time
	blockedUntil time.Time
}

// New returns a Limiter with the given policy.
func New(cfg Config) *Limiter {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.FreeFailures = max(cfg.FreeFailures, 1)
	cfg.MaxKeys = max(cfg.MaxKeys, 1)
	return &Limiter{cfg: cfg, keys: map[string]*state{}}
}

// inFlightRetry is the wait suggested when a key is past its free failures
// and another attempt on it is still being checked.
const inFlightRetry = time.Second

// Reserve takes one attempt on key. It returns the attempt, to be settled
// exactly once, or nil and how long to wait before trying again.
func (l *Limiter) Reserve(key string) (*Attempt, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.cfg.Now()
	s := l.keys[key]
	if s == nil {
		l.makeRoom(now)
		s = &state{}
		l.keys[key] = s
	} else if l.forgotten(s, now) {
		*s = state{}
	}
	switch {
	case s.failures+s.inFlight < l.cfg.FreeFailures:
	case s.inFlight == 0 && !now.Before(s.blockedUntil):
		// Past the free failures: one attempt at a time, after the delay.
	case now.Before(s.blockedUntil):
		return nil, s.blockedUntil.Sub(now)
	default:
		return nil, inFlightRetry
	}
	s.inFlight++
	return &Attempt{l: l, key: key}, 0
}

// Len returns how many keys the Limiter holds, for tests and metrics.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.keys)
}

func (l *Limiter) forgotten(s *state, now time.Time) bool {
	return s.inFlight == 0 && now.Sub(s.lastFailure) >= l.cfg.Forget && !now.Before(s.blockedUntil)
}

// sweepInterval keeps a full table from being swept on every new key.
const sweepInterval = 10 * time.Second

// makeRoom keeps the table under MaxKeys before a key is added; the caller
// holds mu.
func (l *Limiter) makeRoom(now time.Time) {
	if len(l.keys) < l.cfg.MaxKeys {
		return
	}
	if now.Sub(l.lastSweep) >= sweepInterval {
		l.lastSweep = now
		for k, s := range l.keys {
			if l.forgotten(s, now) {
				delete(l.keys, k)
			}
		}
	}
	// Still full: drop an idle key (map order is random). Only someone
	// holding MaxKeys keys at once can do this to a key, and what it costs
	// that key is its count, not a lock-out.
	for k, s := range l.keys {
		if len(l.keys) < l.cfg.MaxKeys {
			return
		}
		if s.inFlight == 0 {
			delete(l.keys, k)
		}
	}
}

// Attempt is one reserved try on a key.
type Attempt struct {
	l       *Limiter
	key     string
	settled bool
}

// Fail records a failed attempt: the password was wrong.
func (a *Attempt) Fail() {
	a.settle(func(s *state, now time.Time) {
		s.failures++
		s.lastFailure = now
		if over := s.failures - a.l.cfg.FreeFailures; over >= 0 {
			s.blockedUntil = now.Add(a.l.delay(over))
		}
	})
}

// Succeed clears the key: the password was right.
func (a *Attempt) Succeed() {
	a.settle(func(s *state, _ time.Time) {
		s.failures = 0
		s.blockedUntil = time.Time{}
	})
}

// Release gives the attempt back without a verdict (the request failed for
// another reason, or the key is not the kind a success clears).
func (a *Attempt) Release() {
	a.settle(func(*state, time.Time) {})
}

func (a *Attempt) settle(update func(*state, time.Time)) {
	if a == nil || a.settled {
		return
	}
	a.settled = true
	l := a.l
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.keys[a.key]
	if s == nil {
		// Dropped by makeRoom while in flight cannot happen (it skips
		// in-flight keys); be safe anyway.
		return
	}
	s.inFlight--
	update(s, l.cfg.Now())
	if s.inFlight == 0 && s.failures == 0 {
		delete(l.keys, a.key)
	}
}

// delay is BaseDelay doubled over times, capped at MaxDelay.
func (l *Limiter) delay(over int) time.Duration {
	d := l.cfg.BaseDelay
	for range over {
		if d >= l.cfg.MaxDelay/2 {
			return l.cfg.MaxDelay
		}
		d *= 2
	}
	return min(d, l.cfg.MaxDelay)
}
