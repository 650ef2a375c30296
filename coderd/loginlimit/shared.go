package loginlimit

import (
	"context"
	"sync"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
)

// NewShared returns a Limiter whose counts live in PostgreSQL (table
// login_limits), shared by every replica on db and kept across restarts.
// name keeps this Limiter's keys apart from other Limiters' in the table.
// Each Reserve and each verdict is one statement.
func NewShared(cfg Config, db database.Store, name string) *Limiter {
	cfg = withDefaults(cfg)
	return &Limiter{cfg: cfg, store: &sharedStore{cfg: cfg, db: db, prefix: name + ":"}}
}

// reservationHold is how long a reserved attempt counts as in flight
// without a verdict: longer than any login request may take (their bodies
// and writes are bounded at a minute each), short enough that a replica
// that died mid-login does not hold a key for long.
const reservationHold = 2 * time.Minute

// forgetSweepInterval spaces this replica's deletes of forgotten keys.
const forgetSweepInterval = 10 * time.Minute

type sharedStore struct {
	cfg    Config
	db     database.Store
	prefix string

	mu        sync.Mutex
	lastSweep time.Time
}

func (s *sharedStore) reserve(ctx context.Context, key string, now time.Time) (bool, time.Duration, error) {
	s.maybeSweep(ctx, now)
	reservation := uuid.New()
	row, err := s.db.ReserveLoginAttempt(dbauthz.AsLimiter(ctx), database.ReserveLoginAttemptParams{
		Key:          s.prefix + key,
		Now:          now,
		HoldUntil:    now.Add(reservationHold),
		Reservation:  reservation,
		FreeFailures: int32(min(s.cfg.FreeFailures, 1<<30)), //nolint:gosec // bounded above
	})
	if err != nil {
		return false, 0, err
	}
	if row.Reservation == reservation {
		return true, 0, nil
	}
	if wait := row.BlockedUntil.Sub(now); wait > 0 {
		return false, wait, nil
	}
	return false, inFlightRetry, nil
}

func (s *sharedStore) settle(ctx context.Context, key string, v verdict, now time.Time) error {
	ctx = dbauthz.AsLimiter(ctx)
	key = s.prefix + key
	switch v {
	case verdictFail:
		return s.db.FailLoginAttempt(ctx, database.FailLoginAttemptParams{
			Key:          key,
			Now:          now,
			FreeFailures: int32(min(s.cfg.FreeFailures, 1<<30)), //nolint:gosec // bounded above
			BaseDelayMs:  float64(s.cfg.BaseDelay.Milliseconds()),
			MaxDelayMs:   float64(s.cfg.MaxDelay.Milliseconds()),
			// Never forgotten while still blocked.
			ForgetAfter: now.Add(max(s.cfg.Forget, s.cfg.MaxDelay)),
		})
	case verdictSucceed:
		return s.db.SucceedLoginAttempt(ctx, database.SucceedLoginAttemptParams{Key: key, Now: now})
	default:
		return s.db.ReleaseLoginAttempt(ctx, key)
	}
}

// maybeSweep deletes forgotten keys, at most once per forgetSweepInterval
// on this replica. Forgotten rows count for nothing (a reserve resets
// them), so the sweep only bounds the table; it runs in the request that
// finds it due (one indexed delete), so no goroutine outlives the server.
func (s *sharedStore) maybeSweep(ctx context.Context, now time.Time) {
	s.mu.Lock()
	due := now.Sub(s.lastSweep) >= forgetSweepInterval
	if due {
		s.lastSweep = now
	}
	s.mu.Unlock()
	if !due {
		return
	}
	if _, err := s.db.DeleteForgottenLoginLimits(dbauthz.AsLimiter(ctx), now); err != nil {
		s.cfg.Logger.Warn(ctx, "delete forgotten login limits", slog.Error(err))
	}
}
