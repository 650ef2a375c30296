// Package provisionerd runs provisioner jobs inside the server process.
//
// A provisioner job (a template version import, a dry run, a workspace
// build) is a row in provisioner_jobs. A Daemon acquires pending jobs one at
// a time with AcquireProvisionerJob (FOR UPDATE SKIP LOCKED, so any number of
// daemons on any number of replicas take each job exactly once), runs the
// job's provisioner in a fresh work directory, streams the provisioner's
// logs into provisioner_job_logs, stores what the job produced and completes
// the job. Run several daemons for parallelism.
//
// An import stores what a template version declares (parameters,
// variables, presets, the resources of a start and a stop build). A dry run
// stores the resources a start build would create. A workspace build
// applies its transition from the previous build's provisioner state and
// stores the new state, the resources, the daily cost and the deadline; a
// successful delete marks the workspace deleted. A build that fails keeps
// whatever state its provisioner reports (or else the previous one), so
// resources created before the failure are not forgotten.
//
// Daemons learn about work from pubsub.EventProvisionerJobPosted and fall
// back to polling, so a missed notification only costs PollInterval. While a
// job runs, the daemon heartbeats it (updated_at) and re-reads it on every
// pubsub.EventProvisionerJobLogs notification, which is how a cancel from
// the API reaches it within milliseconds. A job whose daemon died stops
// heartbeating; the hang detector (RunHangDetector) fails it.
package provisionerd

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"sort"
	"sync"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/buildinfo"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/pubsub"
)

// APIVersion is the provisioner protocol version daemons register with.
const APIVersion = "1.0"

// Defaults for Options.
const (
	DefaultPollInterval      = time.Second
	DefaultHeartbeatInterval = 5 * time.Second
)

// Options configures a Daemon.
type Options struct {
	Logger slog.Logger
	// DB must be dbauthz-wrapped: the daemon acts as dbauthz.AsProvisionerd.
	DB     database.Store
	Pubsub pubsub.Pubsub
	// Provisioners the daemon offers, by type. Only jobs of these types
	// are acquired.
	Provisioners map[database.ProvisionerType]provisioner.Provisioner
	// OrganizationID is where the daemon registers. It acquires jobs of
	// every organization.
	OrganizationID uuid.UUID
	// Name is unique per organization; registering a name again takes over
	// the earlier daemon's row.
	Name string
	// ReplicaID identifies the server process running the daemon, stable
	// across its restarts: at its next start, RecoverJobs settles the jobs
	// its daemons held. uuid.Nil records none.
	ReplicaID uuid.UUID
	// Tags the daemon offers; a job matches when all its tags are offered.
	// A missing "scope" is "organization", as for the jobs the API creates.
	Tags map[string]string
	// WorkDir holds the per-job directories; default os.TempDir().
	WorkDir string
	// PollInterval is how often an idle daemon looks for work without
	// being woken (default 1s).
	PollInterval time.Duration
	// HeartbeatInterval is how often a running job's updated_at and the
	// daemon's last_seen_at are refreshed (default 5s). The hang
	// detector's threshold must be well above it.
	HeartbeatInterval time.Duration
	// AccessURL is the deployment's URL as workspaces reach it; builds
	// hand it to templates (provisioner.Metadata.CoderURL) so agents know
	// where to connect.
	AccessURL string
	// Observer, when set, hears of each job the daemon runs (metrics).
	Observer JobObserver
}

// Daemon acquires and runs provisioner jobs, one at a time.
type Daemon struct {
	opts   Options
	log    slog.Logger
	db     database.Store
	id     uuid.UUID
	types  []string
	tags   json.RawMessage
	dbCtx  context.Context // never canceled; carries the provisionerd actor
	wake   chan struct{}
	closed chan struct{}
	done   chan struct{}

	closeOnce sync.Once
	mu        sync.Mutex
	closing   bool
	cancelJob context.CancelCauseFunc // of the running job, if any

	lastSeen time.Time // loop goroutine only
}

// New registers the daemon (UpsertProvisionerDaemon) and starts acquiring
// jobs. It stops when Close is called or ctx is done.
func New(ctx context.Context, opts Options) (*Daemon, error) {
	if opts.DB == nil || opts.Pubsub == nil {
		return nil, xerrors.New("provisionerd: DB and Pubsub are required")
	}
	if len(opts.Provisioners) == 0 {
		return nil, xerrors.New("provisionerd: no provisioners")
	}
	if opts.Name == "" {
		return nil, xerrors.New("provisionerd: a name is required")
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.HeartbeatInterval <= 0 {
		opts.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if opts.WorkDir == "" {
		opts.WorkDir = os.TempDir()
	}
	if err := os.MkdirAll(opts.WorkDir, 0o700); err != nil {
		return nil, xerrors.Errorf("provisionerd: create work directory: %w", err)
	}
	types := make([]string, 0, len(opts.Provisioners))
	for t, p := range opts.Provisioners {
		if p == nil {
			return nil, xerrors.Errorf("provisionerd: provisioner %q is nil", t)
		}
		types = append(types, string(t))
	}
	sort.Strings(types)
	tags := make(map[string]string, len(opts.Tags)+1)
	for k, v := range opts.Tags {
		tags[k] = v
	}
	if tags["scope"] == "" {
		tags["scope"] = "organization"
	}
	tagsJSON, err := json.Marshal(tags)
	if err != nil {
		return nil, xerrors.Errorf("provisionerd: encode tags: %w", err)
	}

	d := &Daemon{
		opts:   opts,
		log:    opts.Logger.Named("provisionerd").With(slog.F("daemon", opts.Name)),
		db:     opts.DB,
		types:  types,
		tags:   tagsJSON,
		dbCtx:  dbauthz.AsProvisionerd(context.WithoutCancel(ctx)),
		wake:   make(chan struct{}, 1),
		closed: make(chan struct{}),
		done:   make(chan struct{}),
	}
	now := dbtime.Now()
	row, err := d.db.UpsertProvisionerDaemon(dbauthz.AsProvisionerd(ctx), database.UpsertProvisionerDaemonParams{
		ID:             uuid.New(),
		OrganizationID: opts.OrganizationID,
		Name:           opts.Name,
		CreatedAt:      now,
		Provisioners:   types,
		Tags:           tagsJSON,
		Version:        buildinfo.Version(),
		ApiVersion:     APIVersion,
		ReplicaID:      uuid.NullUUID{UUID: opts.ReplicaID, Valid: opts.ReplicaID != uuid.Nil},
	})
	if err != nil {
		return nil, xerrors.Errorf("provisionerd: register daemon: %w", err)
	}
	d.id = row.ID
	d.lastSeen = now
	d.log = d.log.With(slog.F("daemon_id", d.id))

	// Subscribe before the first acquire so no posting falls in between.
	// The pubsub's reconnect notice wakes the daemon too: a posting may have
	// been lost while it reconnected.
	unsubscribe, err := opts.Pubsub.Subscribe(pubsub.EventProvisionerJobPosted, func(context.Context, []byte) {
		d.poke()
	})
	if err != nil {
		return nil, xerrors.Errorf("provisionerd: subscribe to job postings: %w", err)
	}
	go func() {
		select {
		case <-ctx.Done():
			d.shutdown()
		case <-d.closed:
		}
	}()
	go func() {
		defer close(d.done)
		defer unsubscribe()
		d.loop()
	}()
	return d, nil
}

// ID is the daemon's row in provisioner_daemons (a job's worker_id).
func (d *Daemon) ID() uuid.UUID { return d.id }

// Close stops acquiring jobs. A running job's provisioner is canceled and
// the job fails with "provisioner daemon shut down". Close returns when the
// daemon has stopped.
func (d *Daemon) Close() error {
	d.shutdown()
	<-d.done
	return nil
}

func (d *Daemon) shutdown() {
	d.closeOnce.Do(func() {
		d.mu.Lock()
		d.closing = true
		if d.cancelJob != nil {
			d.cancelJob(errShutdown)
		}
		d.mu.Unlock()
		close(d.closed)
	})
}

// poke wakes the loop without blocking; one pending wake is enough.
func (d *Daemon) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// maxErrorBackoff bounds the wait between acquire attempts while the
// database fails, so a daemon neither spins on a database that is down nor
// sleeps long after it is back (a job posting wakes it at once anyway).
const maxErrorBackoff = 10 * time.Second

func (d *Daemon) loop() {
	var backoff time.Duration
	for {
		select {
		case <-d.closed:
			return
		default:
		}
		// The acquire is never interrupted: a canceled statement may still
		// have committed, which would leave a job acquired by no one.
		job, err := d.db.AcquireProvisionerJob(d.dbCtx, database.AcquireProvisionerJobParams{
			StartedAt:      ptr(dbtime.Now()),
			WorkerID:       uuid.NullUUID{UUID: d.id, Valid: true},
			OrganizationID: uuid.Nil,
			Types:          d.types,
			Tags:           d.tags,
		})
		switch {
		case err == nil:
			backoff = 0
			d.runJob(job)
			d.lastSeen = dbtime.Now() // the job heartbeats the daemon too
			continue
		case errors.Is(err, database.ErrNoRows):
			backoff = 0
		default:
			backoff = min(max(backoff*2, d.opts.PollInterval), maxErrorBackoff)
			d.log.Error(d.dbCtx, "acquire provisioner job", slog.Error(err), slog.F("retry_in", backoff.String()))
		}
		d.idle(max(backoff, d.opts.PollInterval))
	}
}

// idle waits for a wake-up, wait or Close, refreshing the daemon's
// last_seen_at when it is due.
func (d *Daemon) idle(wait time.Duration) {
	if due := time.Until(d.lastSeen.Add(d.opts.HeartbeatInterval)); due < wait {
		wait = max(due, 0)
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-d.closed:
	case <-d.wake:
	case <-timer.C:
	}
	if time.Since(d.lastSeen) >= d.opts.HeartbeatInterval {
		d.markSeen()
	}
}

func (d *Daemon) markSeen() {
	now := dbtime.Now()
	ctx, cancel := context.WithTimeout(d.dbCtx, dbTimeout)
	defer cancel()
	// Counted as done even when it fails: the next try is one interval
	// away, not at once, which would spin while the database is down.
	d.lastSeen = now
	if err := d.db.UpdateProvisionerDaemonLastSeenAt(ctx, database.UpdateProvisionerDaemonLastSeenAtParams{
		ID: d.id, LastSeenAt: &now,
	}); err != nil {
		d.log.Warn(ctx, "update daemon last seen", slog.Error(err))
	}
}

// setRunning records the running job's cancel function so Close can stop
// it; it reports false (and cancels) when the daemon is already closing.
func (d *Daemon) setRunning(cancel context.CancelCauseFunc) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cancelJob = cancel
	if cancel != nil && d.closing {
		cancel(errShutdown)
	}
}

func ptr[T any](v T) *T { return &v }
