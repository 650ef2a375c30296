// Package agentconn keeps this replica's live workspace agent connections:
// one yamux session per agent, over the WebSocket the agent dialed. Other
// code opens streams to an agent through Get (terminals, SSH, ports); the
// registry also keeps the agents' presence in the database fresh with one
// batched statement per refresh period instead of a write per agent.
package agentconn

import (
	"context"
	"errors"
	"sync"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"github.com/hashicorp/yamux"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
)

// RefreshInterval is how often last_connected_at of connected agents is
// refreshed. An agent whose last_connected_at is older than StaleAfter is
// shown disconnected: its replica died without saying so.
const (
	RefreshInterval = 30 * time.Second
	StaleAfter      = 2*RefreshInterval + 10*time.Second
)

// Session is one agent's live connection.
type Session struct {
	AgentID     uuid.UUID
	WorkspaceID uuid.UUID
	Mux         *yamux.Session
}

// Registry is the set of agents connected to this replica.
type Registry struct {
	db        database.Store
	replicaID uuid.UUID
	log       slog.Logger
	now       func() time.Time

	// Connected, when set, follows the number of connected agents (the
	// coderd_agents_connected metric).
	Connected interface{ Set(float64) }

	mu       sync.Mutex
	sessions map[uuid.UUID]*Session

	// relay reaches agents connected to other replicas (SetRelay); nil:
	// only this replica's.
	relay *RelayOptions
}

// countLocked reports the number of sessions to Connected; r.mu is held.
func (r *Registry) countLocked() {
	if r.Connected != nil {
		r.Connected.Set(float64(len(r.sessions)))
	}
}

// New makes a registry; Run keeps presence fresh.
func New(db database.Store, replicaID uuid.UUID, log slog.Logger, now func() time.Time) *Registry {
	return &Registry{db: db, replicaID: replicaID, log: log, now: now, sessions: map[uuid.UUID]*Session{}}
}

// Add records a session, replacing (and closing) an older session of the
// same agent: an agent that reconnects before its old connection timed out
// keeps only the new one.
func (r *Registry) Add(s *Session) {
	r.mu.Lock()
	old := r.sessions[s.AgentID]
	r.sessions[s.AgentID] = s
	r.countLocked()
	r.mu.Unlock()
	if old != nil && old != s {
		_ = old.Mux.Close()
	}
}

// Remove forgets s if it is still the agent's current session, and reports
// whether it was.
func (r *Registry) Remove(s *Session) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.sessions[s.AgentID] != s {
		return false
	}
	delete(r.sessions, s.AgentID)
	r.countLocked()
	return true
}

// Get returns the agent's session on this replica, or nil.
func (r *Registry) Get(agentID uuid.UUID) *Session {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.sessions[agentID]
}

// Len is the number of connected agents.
func (r *Registry) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sessions)
}

func (r *Registry) ids() []uuid.UUID {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]uuid.UUID, 0, len(r.sessions))
	for id := range r.sessions {
		out = append(out, id)
	}
	return out
}

// KeepAliveInterval is how often every session is pinged; sessions are
// made with yamux's own keepalive off (see ServerYamuxConfig).
const KeepAliveInterval = 15 * time.Second

// keepAliveWorkers bounds the pings in flight: a dead peer's ping waits
// for the write timeout, and must not hold up the others.
const keepAliveWorkers = 64

// ServerYamuxConfig is the agents' configuration with yamux's per-session
// keepalive goroutine off: the registry pings all sessions from one loop
// instead (a goroutine and a timer less per agent). The wire protocol is
// unchanged; the agent still pings on its own.
func ServerYamuxConfig(base *yamux.Config) *yamux.Config {
	cfg := *base
	cfg.EnableKeepAlive = false
	return &cfg
}

// Run refreshes the presence of connected agents, and pings them, until
// ctx ends.
func (r *Registry) Run(ctx context.Context) {
	refresh := time.NewTicker(RefreshInterval)
	defer refresh.Stop()
	ping := time.NewTicker(KeepAliveInterval)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-refresh.C:
			r.Refresh(ctx)
		case <-ping.C:
			r.PingAll(ctx)
		}
	}
}

// PingAll pings every session and closes those whose peer does not answer
// (a killed agent whose TCP connection lingers), as yamux's keepalive
// would.
func (r *Registry) PingAll(ctx context.Context) {
	r.mu.Lock()
	all := make([]*Session, 0, len(r.sessions))
	for _, s := range r.sessions {
		all = append(all, s)
	}
	r.mu.Unlock()
	work := make(chan *Session)
	var wg sync.WaitGroup
	for range min(keepAliveWorkers, len(all)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range work {
				if _, err := s.Mux.Ping(); err != nil && !errors.Is(err, yamux.ErrSessionShutdown) {
					r.log.Info(ctx, "agent did not answer the keepalive; closing its connection",
						slog.F("agent_id", s.AgentID), slog.Error(err))
					_ = s.Mux.Close()
				}
			}
		}()
	}
	for _, s := range all {
		select {
		case work <- s:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
	}
	close(work)
	wg.Wait()
}

// Refresh writes last_connected_at of every connected agent, in one
// statement.
func (r *Registry) Refresh(ctx context.Context) {
	ids := r.ids()
	if len(ids) == 0 {
		return
	}
	err := r.db.RefreshWorkspaceAgentsLastConnected(dbauthz.AsWorkspaceAgent(ctx), database.RefreshWorkspaceAgentsLastConnectedParams{
		Ids: ids, Now: r.now(), ReplicaID: r.replicaID,
	})
	if err != nil && ctx.Err() == nil {
		r.log.Warn(ctx, "refresh connected agents", slog.F("agents", len(ids)), slog.Error(err))
	}
}

// CloseAll ends every session, as a stopping replica does: the agents
// reconnect through another replica.
func (r *Registry) CloseAll() {
	r.mu.Lock()
	all := make([]*Session, 0, len(r.sessions))
	for _, s := range r.sessions {
		all = append(all, s)
	}
	r.mu.Unlock()
	for _, s := range all {
		_ = s.Mux.Close()
	}
}
