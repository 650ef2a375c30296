package provisionerd_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/provisionerd"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
)

// registerDaemon inserts a daemon row of a server process, as
// provisionerd.New does, without running it.
func (e *env) registerDaemon(name string, replicaID uuid.UUID) database.ProvisionerDaemon {
	e.t.Helper()
	d, err := e.raw.UpsertProvisionerDaemon(e.ctx, database.UpsertProvisionerDaemonParams{
		ID: uuid.New(), OrganizationID: e.org.ID, Name: name, CreatedAt: dbtime.Now(),
		Provisioners: []string{"echo"}, Tags: json.RawMessage(`{"scope":"organization"}`),
		ReplicaID: uuid.NullUUID{UUID: replicaID, Valid: true},
	})
	require.NoError(e.t, err)
	return d
}

// acquireAs takes the oldest pending job for daemon, as if it ran it.
func (e *env) acquireAs(daemon database.ProvisionerDaemon, want uuid.UUID) {
	e.t.Helper()
	job, err := e.raw.AcquireProvisionerJob(e.ctx, database.AcquireProvisionerJobParams{
		StartedAt: ptr(dbtime.Now()), WorkerID: uuid.NullUUID{UUID: daemon.ID, Valid: true},
		Types: []string{"echo"}, Tags: json.RawMessage(`{"scope":"organization"}`),
	})
	require.NoError(e.t, err)
	require.Equal(e.t, want, job.ID)
}

func (e *env) job(id uuid.UUID) database.ProvisionerJob {
	e.t.Helper()
	job, err := e.raw.GetProvisionerJobByID(e.ctx, id)
	require.NoError(e.t, err)
	return job
}

// TestRecoverJobs: the jobs a server process's daemons held when it died
// are settled by RecoverJobs at its next start, by kind; another process's
// jobs are left alone.
func TestRecoverJobs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	log := slogtest.Make(t, nil)

	// A workspace with a successful first build, made by a live daemon.
	live := e.daemon("live-1", nil)
	iv := e.importTemplate(echo.SimpleSpec(), time.Hour, nil)
	ws := e.newWorkspace(e.user, iv, nil)
	first, job := e.runBuild(ws, iv, database.WorkspaceTransitionStart, nil)
	requireSucceeded(t, job)
	require.NotEmpty(t, first.ProvisionerState)
	require.NoError(t, live.Close())

	mine, other := uuid.New(), uuid.New()
	ours := e.registerDaemon("host-1", mine)
	theirs := e.registerDaemon("host-2", other)

	build := e.enqueueBuild(ws, iv, database.WorkspaceTransitionStop, nil)
	e.acquireAs(ours, build.JobID)
	imp, _ := e.enqueue(jobSpec{fileID: iv.fileID})
	e.acquireAs(ours, imp.ID)
	canceling, _ := e.enqueue(jobSpec{fileID: iv.fileID})
	e.acquireAs(ours, canceling.ID)
	require.NoError(t, e.raw.UpdateProvisionerJobWithCancelByID(e.ctx, database.UpdateProvisionerJobWithCancelByIDParams{
		ID: canceling.ID, CanceledAt: ptr(dbtime.Now()),
	}))
	require.Nil(t, e.job(canceling.ID).CompletedAt, "its daemon heartbeated just now: canceling")
	elsewhere, _ := e.enqueue(jobSpec{fileID: iv.fileID})
	e.acquireAs(theirs, elsewhere.ID)

	got, err := provisionerd.RecoverJobs(e.ctx, e.db, e.ps, log, mine)
	require.NoError(t, err)
	require.Equal(t, provisionerd.Recovered{Failed: 1, Requeued: 1, Canceled: 1}, got)

	j := e.job(build.JobID)
	require.NotNil(t, j.CompletedAt)
	require.Equal(t, provisionerd.MessageServerRestarted, deref(j.Error))
	stopped, err := e.raw.GetWorkspaceBuildByID(e.ctx, build.ID)
	require.NoError(t, err)
	require.Equal(t, first.ProvisionerState, stopped.ProvisionerState, "the failed build keeps the previous state")

	j = e.job(imp.ID)
	require.Nil(t, j.StartedAt, "the import is queued again")
	require.False(t, j.WorkerID.Valid)
	require.Nil(t, j.CompletedAt)

	j = e.job(canceling.ID)
	require.NotNil(t, j.CompletedAt)
	require.NotNil(t, j.CanceledAt)
	require.Equal(t, provisionerd.MessageCanceled, deref(j.Error))

	j = e.job(elsewhere.ID)
	require.NotNil(t, j.StartedAt, "another process's job is left alone")
	require.Nil(t, j.CompletedAt)

	// Requeued once only: dying again while running it fails it.
	e.acquireAs(ours, imp.ID)
	got, err = provisionerd.RecoverJobs(e.ctx, e.db, e.ps, log, mine)
	require.NoError(t, err)
	require.Equal(t, provisionerd.Recovered{Failed: 1}, got)
	j = e.job(imp.ID)
	require.NotNil(t, j.CompletedAt)
	require.Equal(t, provisionerd.MessageServerRestarted, deref(j.Error))
}

// TestCancelOfDeadJob: a cancel of a running job whose daemon stopped
// heartbeating completes it at once; a build keeps the previous state.
func TestCancelOfDeadJob(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	live := e.daemon("live-1", nil)
	iv := e.importTemplate(echo.SimpleSpec(), time.Hour, nil)
	ws := e.newWorkspace(e.user, iv, nil)
	first, job := e.runBuild(ws, iv, database.WorkspaceTransitionStart, nil)
	requireSucceeded(t, job)
	require.NoError(t, live.Close())

	gone := e.registerDaemon("gone-1", uuid.New())
	build := e.enqueueBuild(ws, iv, database.WorkspaceTransitionStop, nil)
	e.acquireAs(gone, build.JobID)
	require.NoError(t, e.raw.UpdateProvisionerJobByID(e.ctx, database.UpdateProvisionerJobByIDParams{
		ID: build.JobID, UpdatedAt: dbtime.Now().Add(-time.Minute),
	}))

	require.NoError(t, e.raw.UpdateProvisionerJobWithCancelByID(e.ctx, database.UpdateProvisionerJobWithCancelByIDParams{
		ID: build.JobID, CanceledAt: ptr(dbtime.Now()),
	}))
	j := e.job(build.JobID)
	require.NotNil(t, j.CanceledAt)
	require.NotNil(t, j.CompletedAt, "canceled at once")
	canceled, err := e.raw.GetWorkspaceBuildByID(e.ctx, build.ID)
	require.NoError(t, err)
	require.Equal(t, first.ProvisionerState, canceled.ProvisionerState)
}

// failingAcquire is a store whose acquire fails, as while the database is
// down, recording when it was called.
type failingAcquire struct {
	database.Store
	mu    sync.Mutex
	calls []time.Time
}

func (f *failingAcquire) AcquireProvisionerJob(context.Context, database.AcquireProvisionerJobParams) (database.ProvisionerJob, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, time.Now())
	return database.ProvisionerJob{}, xerrors.New("connection refused")
}

func (f *failingAcquire) times() []time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Time(nil), f.calls...)
}

// TestDaemonBacksOffWhileDatabaseFails: a daemon whose acquires fail waits
// longer and longer between them instead of spinning.
func TestDaemonBacksOffWhileDatabaseFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	store := &failingAcquire{Store: e.db}
	const poll = 10 * time.Millisecond
	e.daemon("backoff-1", nil, func(o *provisionerd.Options) {
		o.DB = store
		o.PollInterval = poll
		o.HeartbeatInterval = time.Hour
	})
	require.Eventually(t, func() bool { return len(store.times()) >= 5 }, testTimeout, time.Millisecond)
	calls := store.times()
	for i := 1; i < 5; i++ {
		// Timers never fire early: a lower bound is safe to assert.
		want := poll << (i - 1)
		require.GreaterOrEqual(t, calls[i].Sub(calls[i-1]), want, "attempt %d", i)
	}
}

// TestHangDetectorCompletesCanceledJobs: a job canceled while its daemon
// was still heartbeating, whose daemon then died, is completed as canceled
// by the hang detector after CanceledHangThreshold, not the hang threshold.
func TestHangDetectorCompletesCanceledJobs(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	gone := e.registerDaemon("gone-1", uuid.New())
	job, _ := e.enqueue(jobSpec{fileID: e.specFile(echo.SimpleSpec())})
	e.acquireAs(gone, job.ID)
	require.NoError(t, e.raw.UpdateProvisionerJobWithCancelByID(e.ctx, database.UpdateProvisionerJobWithCancelByIDParams{
		ID: job.ID, CanceledAt: ptr(dbtime.Now()),
	}))
	require.Nil(t, e.job(job.ID).CompletedAt)

	n, err := provisionerd.DetectHungJobs(e.ctx, e.db, e.ps, dbtime.Now().Add(provisionerd.CanceledHangThreshold/2), 5*time.Minute)
	require.NoError(t, err)
	require.Zero(t, n, "still within the threshold")
	n, err = provisionerd.DetectHungJobs(e.ctx, e.db, e.ps, dbtime.Now().Add(2*provisionerd.CanceledHangThreshold), 5*time.Minute)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	j := e.job(job.ID)
	require.NotNil(t, j.CompletedAt)
	require.Equal(t, provisionerd.MessageCanceled, deref(j.Error))
	require.Nil(t, j.ErrorCode)
}
