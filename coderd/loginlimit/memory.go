package loginlimit

import (
	"context"
	"sync"
	"time"
)

// memoryStore counts in this process, for a single server and tests.
type memoryStore struct {
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

func newMemoryStore(cfg Config) *memoryStore {
	return &memoryStore{cfg: cfg, keys: map[string]*state{}}
}

func (m *memoryStore) reserve(_ context.Context, key string, now time.Time) (bool, time.Duration, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.keys[key]
	if s == nil {
		m.makeRoom(now)
		s = &state{}
		m.keys[key] = s
	} else if m.forgotten(s, now) {
		*s = state{}
	}
	switch {
	case s.failures+s.inFlight < m.cfg.FreeFailures:
	case s.inFlight == 0 && !now.Before(s.blockedUntil):
		// Past the free failures: one attempt at a time, after the delay.
	case now.Before(s.blockedUntil):
		return false, s.blockedUntil.Sub(now), nil
	default:
		return false, inFlightRetry, nil
	}
	s.inFlight++
	return true, 0, nil
}

func (m *memoryStore) settle(_ context.Context, key string, v verdict, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.keys[key]
	if s == nil {
		// Dropped by makeRoom while in flight cannot happen (it skips
		// in-flight keys); be safe anyway.
		return nil
	}
	s.inFlight--
	switch v {
	case verdictFail:
		s.failures++
		s.lastFailure = now
		if over := s.failures - m.cfg.FreeFailures; over >= 0 {
			s.blockedUntil = now.Add(delay(m.cfg, over))
		}
	case verdictSucceed:
		s.failures = 0
		s.blockedUntil = time.Time{}
	case verdictRelease:
	}
	if s.inFlight == 0 && s.failures == 0 {
		delete(m.keys, key)
	}
	return nil
}

func (m *memoryStore) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.keys)
}

func (m *memoryStore) forgotten(s *state, now time.Time) bool {
	return s.inFlight == 0 && now.Sub(s.lastFailure) >= m.cfg.Forget && !now.Before(s.blockedUntil)
}

// sweepInterval keeps a full table from being swept on every new key.
const sweepInterval = 10 * time.Second

// makeRoom keeps the table under MaxKeys before a key is added; the caller
// holds mu.
func (m *memoryStore) makeRoom(now time.Time) {
	if len(m.keys) < m.cfg.MaxKeys {
		return
	}
	if now.Sub(m.lastSweep) >= sweepInterval {
		m.lastSweep = now
		for k, s := range m.keys {
			if m.forgotten(s, now) {
				delete(m.keys, k)
			}
		}
	}
	// Still full: drop an idle key (map order is random). Only someone
	// holding MaxKeys keys at once can do this to a key, and what it costs
	// that key is its count, not a lock-out.
	for k, s := range m.keys {
		if len(m.keys) < m.cfg.MaxKeys {
			return
		}
		if s.inFlight == 0 {
			delete(m.keys, k)
		}
	}
}
