package workspaceapps

import (
	"context"
	"net/netip"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
)

// SessionKey identifies one person's use of one app: every request of a
// browser session shares it, so a page load of fifty requests is one
// recorded session.
type SessionKey struct {
	UserID      uuid.UUID // uuid.Nil for signed-out users of public apps
	WorkspaceID uuid.UUID
	AgentID     uuid.UUID
	SlugOrPort  string
}

// SessionInfo is what a session's first request tells about it.
type SessionInfo struct {
	Workspace database.Workspace
	Agent     database.WorkspaceAgent
	AppID     uuid.UUID // uuid.Nil for a port
	IP        netip.Addr
	UserAgent string
}

// SessionRecorder is told of every proxied request.
type SessionRecorder interface {
	Touch(ctx context.Context, key SessionKey, info SessionInfo)
}

// IdleSessions turns requests into sessions: the first request of a key
// starts one (Start), and a key without requests for Idle ends it (the
// function Start returned).
type IdleSessions struct {
	Idle  time.Duration
	Start func(ctx context.Context, key SessionKey, info SessionInfo) (end func())

	mu   sync.Mutex
	live map[SessionKey]*idleSession
}

type idleSession struct {
	last  time.Time
	end   func()
	timer *time.Timer
}

// Touch starts or extends the session of key.
func (s *IdleSessions) Touch(ctx context.Context, key SessionKey, info SessionInfo) {
	now := time.Now()
	s.mu.Lock()
	if s.live == nil {
		s.live = map[SessionKey]*idleSession{}
	}
	if live, ok := s.live[key]; ok {
		live.last = now
		s.mu.Unlock()
		return
	}
	live := &idleSession{last: now}
	s.live[key] = live
	s.mu.Unlock()

	// Recording outlives the request that started it.
	live.end = s.Start(context.WithoutCancel(ctx), key, info)
	s.mu.Lock()
	live.timer = time.AfterFunc(s.Idle, func() { s.expire(key, live) })
	s.mu.Unlock()
}

func (s *IdleSessions) expire(key SessionKey, live *idleSession) {
	s.mu.Lock()
	if wait := s.Idle - time.Since(live.last); wait > 0 {
		live.timer.Reset(wait)
		s.mu.Unlock()
		return
	}
	delete(s.live, key)
	s.mu.Unlock()
	if live.end != nil {
		live.end()
	}
}

// Close ends every live session (at shutdown).
func (s *IdleSessions) Close() {
	s.mu.Lock()
	live := s.live
	s.live = nil
	s.mu.Unlock()
	for _, l := range live {
		if l.timer != nil {
			l.timer.Stop()
		}
		if l.end != nil {
			l.end()
		}
	}
}
