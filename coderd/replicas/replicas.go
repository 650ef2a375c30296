// Package replicas keeps this server process's row in the replica
// registry and watches the others.
//
// Each server process (replica) sharing the database registers at start,
// heartbeats every Interval and marks itself stopped on a clean shutdown.
// A replica is live while its heartbeat is younger than LostAfter
// (3 intervals). On every tick each replica also looks for lost ones: the
// first to see one marks it stopped (a conditional UPDATE, so exactly one
// replica does) and the jobs its provisioner daemons held are settled
// (provisionerd.SettleLostReplicaJobs), so their workspaces take new builds
// seconds after the replica died instead of after the hang timeout.
package replicas

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/connlog"
	"github.com/devplane/devplane/coderd/provisionerd"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/pubsub"
)

// DefaultInterval is the heartbeat interval unless configured.
const DefaultInterval = 3 * time.Second

// missedHeartbeats is how many heartbeats a replica may miss before it is
// presumed lost.
const missedHeartbeats = 3

// Options configure a Manager.
type Options struct {
	// ID is the process's replica id, stable across its restarts.
	ID           uuid.UUID
	Hostname     string
	RegionID     int32
	RelayAddress string
	Version      string
	// Interval between heartbeats (default DefaultInterval).
	Interval time.Duration
	// DB must be dbauthz-wrapped.
	DB     database.Store
	Pubsub pubsub.Pubsub
	Logger slog.Logger
	// Now is the clock (default dbtime.Now); tests move it.
	Now func() time.Time
}

// Manager registers this replica and runs its heartbeat and failover loop.
type Manager struct {
	opts Options
	log  slog.Logger
	ctx  context.Context // carries the registry actor; never canceled

	mu      sync.Mutex
	started bool
	cancel  context.CancelFunc
	done    chan struct{}
}

// New prepares a Manager; Start registers it.
func New(opts Options) *Manager {
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.Now == nil {
		opts.Now = dbtime.Now
	}
	return &Manager{
		opts: opts,
		log:  opts.Logger.Named("replicas").With(slog.F("replica_id", opts.ID)),
		ctx:  dbauthz.AsReplicaRegistry(context.Background()),
		done: make(chan struct{}),
	}
}

// ID is this replica's id.
func (m *Manager) ID() uuid.UUID { return m.opts.ID }

// Hostname is the host this replica registered with.
func (m *Manager) Hostname() string { return m.opts.Hostname }

// Version is this replica's version, to compare with the others'.
func (m *Manager) Version() string { return m.opts.Version }

// LostAfter is how long a replica may go without a heartbeat before it is
// presumed lost and its jobs are settled.
func (m *Manager) LostAfter() time.Duration { return missedHeartbeats * m.opts.Interval }

// LiveSince is the oldest heartbeat of a live replica, now.
func (m *Manager) LiveSince() time.Time { return m.opts.Now().Add(-m.LostAfter()) }

// Start registers the replica and starts heartbeating until ctx is done or
// Close is called. A canceled ctx stops the loop without marking the
// replica stopped, as a crash would: others then find it lost.
func (m *Manager) Start(ctx context.Context) error {
	// Sessions still open under this replica id were a previous process's
	// (ids are kept across restarts): they ended when it did.
	now := m.opts.Now()
	if n, err := connlog.CloseSessionsOfReplica(ctx, m.opts.DB, m.opts.ID, now, now, "the server replica serving this session ("+m.opts.Hostname+") restarted"); err != nil {
		m.log.Warn(ctx, "close the sessions of this replica's previous process", slog.Error(err))
	} else if n > 0 {
		m.log.Warn(ctx, "closed the sessions of this replica's previous process", slog.F("sessions", n))
	}
	if _, err := m.register(ctx); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.started {
		return xerrors.New("replicas: already started")
	}
	m.started = true
	loopCtx, cancel := context.WithCancel(ctx)
	m.cancel = cancel
	go func() {
		defer close(m.done)
		m.loop(loopCtx)
	}()
	return nil
}

// Close stops the loop and marks the replica stopped: a clean shutdown,
// after this process's daemons have settled their jobs.
func (m *Manager) Close(ctx context.Context) error {
	m.mu.Lock()
	started, cancel := m.started, m.cancel
	m.mu.Unlock()
	if !started {
		return nil
	}
	cancel()
	select {
	case <-m.done:
	case <-ctx.Done():
		return ctx.Err()
	}
	// The agents' connections are closed by now, and with them the
	// sessions; those whose end could not be recorded are closed here.
	now := m.opts.Now()
	if n, err := connlog.CloseSessionsOfReplica(ctx, m.opts.DB, m.opts.ID, now, now, "the server replica serving this session ("+m.opts.Hostname+") shut down"); err != nil {
		m.log.Warn(ctx, "close the sessions still open on this replica", slog.Error(err))
	} else if n > 0 {
		m.log.Info(ctx, "closed the sessions still open on this replica", slog.F("sessions", n))
	}
	err := m.opts.DB.UpdateReplicaStopped(dbauthz.AsReplicaRegistry(ctx), database.UpdateReplicaStoppedParams{
		ID: m.opts.ID, Now: m.opts.Now(),
	})
	if err != nil {
		return xerrors.Errorf("mark replica stopped: %w", err)
	}
	return nil
}

func (m *Manager) register(ctx context.Context) (database.Replica, error) {
	ctx = dbauthz.AsReplicaRegistry(ctx)
	latency, _ := m.opts.DB.Ping(ctx)
	row, err := m.opts.DB.UpsertReplica(ctx, database.UpsertReplicaParams{
		ID:              m.opts.ID,
		Now:             m.opts.Now(),
		Hostname:        m.opts.Hostname,
		RegionID:        m.opts.RegionID,
		RelayAddress:    m.opts.RelayAddress,
		Version:         m.opts.Version,
		DatabaseLatency: int32(min(latency.Microseconds(), 1<<31-1)), //nolint:gosec // bounded
	})
	if err != nil {
		return row, xerrors.Errorf("register replica: %w", err)
	}
	return row, nil
}

func (m *Manager) loop(ctx context.Context) {
	t := time.NewTicker(m.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := m.heartbeat(ctx); err != nil {
			if ctx.Err() == nil {
				// Warn, not error: the database health monitor reports
				// outages; this only says the heartbeat was missed.
				m.log.Warn(ctx, "replica heartbeat failed", slog.Error(err))
			}
			// Judging others needs the database too.
			continue
		}
		if err := m.failover(ctx); err != nil && ctx.Err() == nil {
			m.log.Warn(ctx, "settle the jobs of lost replicas", slog.Error(err))
		}
	}
}

func (m *Manager) heartbeat(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(dbauthz.AsReplicaRegistry(ctx), max(m.opts.Interval, time.Second))
	defer cancel()
	latency, err := m.opts.DB.Ping(ctx)
	if err != nil {
		return err
	}
	before, err := m.opts.DB.UpdateReplicaHeartbeat(ctx, database.UpdateReplicaHeartbeatParams{
		ID: m.opts.ID, Now: m.opts.Now(), DatabaseLatency: int32(min(latency.Microseconds(), 1<<31-1)), //nolint:gosec // bounded
	})
	if errors.Is(err, database.ErrNoRows) {
		// Someone removed the row: register again.
		_, err = m.register(ctx)
		return err
	}
	if err != nil {
		return err
	}
	if before.StoppedAt != nil {
		m.log.Warn(ctx, "this replica was presumed lost by another and its unfinished jobs were settled; it is live again",
			slog.F("reason", before.Error))
	}
	return nil
}

// failover marks lost replicas stopped and settles the jobs their daemons
// held.
func (m *Manager) failover(ctx context.Context) error {
	now := m.opts.Now()
	cutoff := now.Add(-m.LostAfter())
	lost, err := m.opts.DB.MarkLostReplicas(dbauthz.AsReplicaRegistry(ctx), database.MarkLostReplicasParams{
		SelfID: m.opts.ID, Now: now, UpdatedBefore: cutoff,
		Error: fmt.Sprintf("no heartbeat for %s; presumed lost by replica %s (%s)", m.LostAfter(), m.opts.Hostname, m.opts.ID),
	})
	if err != nil {
		return xerrors.Errorf("mark lost replicas: %w", err)
	}
	for _, r := range lost {
		m.log.Warn(ctx, "a replica stopped heartbeating; settling the jobs it held",
			slog.F("lost_replica_id", r.ID), slog.F("lost_hostname", r.Hostname),
			slog.F("last_heartbeat", r.UpdatedAt), slog.F("silent_for", now.Sub(r.UpdatedAt).String()))
	}
	if len(lost) > 0 {
		// Their agents' connections died with them; the agents reconnect
		// through a live replica.
		ids := make([]uuid.UUID, 0, len(lost))
		for _, r := range lost {
			ids = append(ids, r.ID)
		}
		agents, err := m.opts.DB.DisconnectWorkspaceAgentsOfReplicas(dbauthz.AsReplicaRegistry(ctx), database.DisconnectWorkspaceAgentsOfReplicasParams{
			ReplicaIds: ids, Now: now,
		})
		if err != nil {
			m.log.Warn(ctx, "mark the agents of lost replicas disconnected", slog.Error(err))
		} else if len(agents) > 0 {
			m.log.Warn(ctx, "marked the agents of lost replicas disconnected", slog.F("agents", len(agents)))
		}
	}
	// Sessions served by stopped replicas ended with them. Every tick, as
	// for jobs below: the replica that marked one lost may have died
	// before closing them.
	if n, err := connlog.CloseSessionsOfStoppedReplicas(ctx, m.opts.DB, m.opts.ID); err != nil {
		m.log.Warn(ctx, "close the sessions of stopped replicas", slog.Error(err))
	} else if n > 0 {
		m.log.Warn(ctx, "closed the sessions of stopped replicas", slog.F("sessions", n))
	}
	// Every tick, not only when a replica was just marked: the replica
	// that marked it may have died before settling everything, and a job
	// heartbeated shortly before the replica died becomes due a little
	// later.
	settled, err := provisionerd.SettleLostReplicaJobs(ctx, m.opts.DB, m.opts.Pubsub, m.log, m.opts.ID, cutoff)
	if settled != (provisionerd.Recovered{}) {
		m.log.Warn(ctx, "settled the jobs of lost replicas",
			slog.F("failed", settled.Failed), slog.F("requeued", settled.Requeued), slog.F("canceled", settled.Canceled))
	}
	return err
}
