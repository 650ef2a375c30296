package provisionerd_test

import (
	"context"
	"testing"
	"time"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/pubsub"
)

func TestCancelRunning(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", nil)
	slow, _ := e.enqueue(jobSpec{fileID: e.specFile(echo.Spec{Import: echo.Phase{Delay: time.Hour}})})
	e.waitJob(slow.ID, started)

	now := dbtime.Now()
	require.NoError(t, e.raw.UpdateProvisionerJobWithCancelByID(e.ctx, database.UpdateProvisionerJobWithCancelByIDParams{
		ID: slow.ID, CanceledAt: &now,
	}))
	require.NoError(t, e.ps.Publish(pubsub.EventProvisionerJobLogs(slow.ID.String()), nil))
	slow = e.waitJob(slow.ID, completed)
	require.NotNil(t, slow.CanceledAt)
	require.Equal(t, "canceled", deref(slow.Error))
	var outputs []string
	for _, l := range e.logs(slow.ID) {
		outputs = append(outputs, l.Output)
	}
	require.Contains(t, outputs, "The job was canceled")

	// The daemon is free again.
	next, _ := e.enqueue(jobSpec{fileID: e.file(echo.SimpleTemplate(), "application/x-tar")})
	requireSucceeded(t, e.waitJob(next.ID, completed))
}

func TestCanceledWhilePendingNeverRuns(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := newCountingProvisioner()
	file := e.file(echo.SimpleTemplate(), "application/x-tar")
	pending, _ := e.enqueue(jobSpec{fileID: file, version: "canceled"})
	now := dbtime.Now()
	require.NoError(t, e.raw.UpdateProvisionerJobWithCancelByID(e.ctx, database.UpdateProvisionerJobWithCancelByIDParams{
		ID: pending.ID, CanceledAt: &now,
	}))

	e.daemon("test-1", prov)
	next, _ := e.enqueue(jobSpec{fileID: file, version: "runs"})
	requireSucceeded(t, e.waitJob(next.ID, completed))

	pending, err := e.raw.GetProvisionerJobByID(e.ctx, pending.ID)
	require.NoError(t, err)
	require.Nil(t, pending.StartedAt)
	require.False(t, pending.WorkerID.Valid)
	require.Empty(t, e.logs(pending.ID))
	require.Equal(t, map[string]int{"runs": 1}, prov.snapshot())
}

func TestCloseWhileRunning(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.daemon("test-1", nil)
	slow, _ := e.enqueue(jobSpec{fileID: e.specFile(echo.Spec{Import: echo.Phase{Delay: time.Hour}})})
	e.waitJob(slow.ID, started)

	require.NoError(t, d.Close())
	slow, err := e.raw.GetProvisionerJobByID(e.ctx, slow.ID)
	require.NoError(t, err)
	require.NotNil(t, slow.CompletedAt, "Close returns after the job is completed")
	require.Nil(t, slow.CanceledAt)
	require.Equal(t, "provisioner daemon shut down", deref(slow.Error))
	require.NoError(t, d.Close(), "Close is idempotent")

	// A closed daemon takes no more jobs.
	later, _ := e.enqueue(jobSpec{fileID: e.file(echo.SimpleTemplate(), "application/x-tar")})
	// A second daemon takes it; the first never did.
	e.daemon("test-2", nil)
	later = e.waitJob(later.ID, completed)
	requireSucceeded(t, later)
	require.NotEqual(t, d.ID(), later.WorkerID.UUID)
}

func TestContextCancelStopsDaemon(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithCancel(e.ctx)
	d, err := provisionerd.New(ctx, provisionerd.Options{
		Logger:         slogtest.Make(t, &slogtest.Options{IgnoreErrors: true}),
		DB:             e.db,
		Pubsub:         e.ps,
		Provisioners:   map[database.ProvisionerType]provisioner.Provisioner{database.ProvisionerTypeEcho: echo.New()},
		OrganizationID: e.org.ID,
		Name:           "ctx",
		WorkDir:        t.TempDir(),
	})
	require.NoError(t, err)
	slow, _ := e.enqueue(jobSpec{fileID: e.specFile(echo.Spec{Import: echo.Phase{Delay: time.Hour}})})
	e.waitJob(slow.ID, started)
	cancel()
	slow = e.waitJob(slow.ID, completed)
	require.Equal(t, "provisioner daemon shut down", deref(slow.Error))
	require.NoError(t, d.Close())
}
