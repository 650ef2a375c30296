package postgres

import (
	"context"
	"time"

	"cdr.dev/slog"
)

// Backoff between attempts to restart a postmaster that died.
const (
	restartBackoffMin = 100 * time.Millisecond
	restartBackoffMax = 10 * time.Second
)

// postmaster is the current postmaster process.
func (s *Server) postmaster() *child {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pm
}

// supervise restarts the postmaster whenever it exits without being asked
// to, until Stop.
func (s *Server) supervise(pm *child, logStart int64) {
	defer close(s.supervised)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.stopping:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		select {
		case <-s.stopping:
			return
		case <-pm.exited:
		}
		if ctx.Err() != nil {
			return
		}
		s.logger.Error(ctx, "built-in postgres exited unexpectedly; restarting it",
			slog.F("pid", pm.pid), slog.Error(pm.waitErr), slog.F("log", logTail(s.logFile, logStart)))
		next, nextLogStart, ok := s.restart(ctx)
		if !ok {
			return
		}
		s.mu.Lock()
		s.pm = next
		s.mu.Unlock()
		pm, logStart = next, nextLogStart
	}
}

// restart starts a postmaster again, retrying with a growing backoff until
// it is up or ctx (Stop) ends.
func (s *Server) restart(ctx context.Context) (*child, int64, bool) {
	backoff := restartBackoffMin
	for attempt := 1; ; attempt++ {
		select {
		case <-ctx.Done():
			return nil, 0, false
		case <-time.After(backoff):
		}
		started := time.Now()
		pm, logStart, err := s.launch(ctx)
		if err == nil {
			s.logger.Info(ctx, "built-in postgres restarted",
				slog.F("port", s.port), slog.F("pid", pm.pid), slog.F("attempt", attempt), slog.F("took", time.Since(started)))
			return pm, logStart, true
		}
		if ctx.Err() != nil {
			return nil, 0, false
		}
		backoff = min(backoff*2, restartBackoffMax)
		s.logger.Error(ctx, "restart of built-in postgres failed",
			slog.F("attempt", attempt), slog.F("retry_in", backoff.String()), slog.Error(err))
	}
}
