package provisionerd_test

import (
	"context"
	"encoding/json"
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

func TestHangDetection(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	file := e.file(echo.SimpleTemplate(), "application/x-tar")
	hung, _ := e.enqueue(jobSpec{fileID: file})
	hourAgo := dbtime.Now().Add(-time.Hour)
	acquired, err := e.raw.AcquireProvisionerJob(e.ctx, database.AcquireProvisionerJobParams{
		StartedAt: &hourAgo, Types: []string{"echo"}, Tags: json.RawMessage(`{"scope":"organization"}`),
	})
	require.NoError(t, err)
	require.Equal(t, hung.ID, acquired.ID)
	fresh, _ := e.enqueue(jobSpec{fileID: file})
	now := dbtime.Now()
	_, err = e.raw.AcquireProvisionerJob(e.ctx, database.AcquireProvisionerJobParams{
		StartedAt: &now, Types: []string{"echo"}, Tags: json.RawMessage(`{"scope":"organization"}`),
	})
	require.NoError(t, err)

	notified := make(chan struct{}, 1)
	unsubscribe, err := e.ps.Subscribe(pubsub.EventProvisionerJobLogs(hung.ID.String()), func(context.Context, []byte) {
		select {
		case notified <- struct{}{}:
		default:
		}
	})
	require.NoError(t, err)
	defer unsubscribe()

	n, err := provisionerd.DetectHungJobs(e.ctx, e.db, e.ps, dbtime.Now(), 5*time.Minute)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	select {
	case <-notified:
	case <-e.ctx.Done():
		t.Fatal("no notification for the hung job")
	}

	hung, err = e.raw.GetProvisionerJobByID(e.ctx, hung.ID)
	require.NoError(t, err)
	require.NotNil(t, hung.CompletedAt)
	require.Equal(t, provisionerd.ErrorCodeHung, deref(hung.ErrorCode))
	require.Contains(t, deref(hung.Error), "no heartbeat from its provisioner daemon for 5m")
	logs := e.logs(hung.ID)
	require.Len(t, logs, 1)
	require.Equal(t, database.LogLevelError, logs[0].Level)
	require.Equal(t, "Job marked as failed: no heartbeat from its provisioner daemon for 5m.", logs[0].Output)

	fresh, err = e.raw.GetProvisionerJobByID(e.ctx, fresh.ID)
	require.NoError(t, err)
	require.Nil(t, fresh.CompletedAt, "a job heartbeated within the threshold keeps running")

	n, err = provisionerd.DetectHungJobs(e.ctx, e.db, e.ps, dbtime.Now(), 5*time.Minute)
	require.NoError(t, err)
	require.Zero(t, n, "a failed job is not failed twice")
}

func TestRunHangDetectorAndDaemonReaction(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// A running job whose heartbeat is older than the threshold: the
	// detector fails it and the daemon running it lets go.
	d := e.daemon("test-1", nil, func(o *provisionerd.Options) { o.HeartbeatInterval = time.Hour })
	slow, _ := e.enqueue(jobSpec{fileID: e.specFile(echo.Spec{Import: echo.Phase{Delay: time.Hour}})})
	e.waitJob(slow.ID, started)

	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		provisionerd.RunHangDetector(ctx, provisionerd.HangDetectorOptions{
			Logger: slogtest.Make(t, &slogtest.Options{IgnoreErrors: true}), DB: e.db, Pubsub: e.ps,
			Threshold: time.Nanosecond, Interval: time.Hour,
		})
	}()
	slow = e.waitJob(slow.ID, completed)
	cancel()
	<-done
	require.Equal(t, provisionerd.ErrorCodeHung, deref(slow.ErrorCode))
	require.Contains(t, deref(slow.Error), "no heartbeat from its provisioner daemon for 1ns")

	// The daemon stopped the provisioner and is free for the next job.
	next, _ := e.enqueue(jobSpec{fileID: e.file(echo.SimpleTemplate(), "application/x-tar")})
	next = e.waitJob(next.ID, completed)
	requireSucceeded(t, next)
	require.Equal(t, d.ID(), next.WorkerID.UUID)
	slow, err := e.raw.GetProvisionerJobByID(e.ctx, slow.ID)
	require.NoError(t, err)
	require.Equal(t, provisionerd.ErrorCodeHung, deref(slow.ErrorCode), "the daemon does not overwrite the detector's verdict")
}

func TestHeartbeat(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := &blockingProvisioner{Provisioner: echo.New(), release: make(chan struct{})}
	d := e.daemon("test-1", prov, func(o *provisionerd.Options) { o.HeartbeatInterval = 10 * time.Millisecond })
	job, _ := e.enqueue(jobSpec{fileID: e.file(echo.SimpleTemplate(), "application/x-tar")})
	job = e.waitJob(job.ID, started)
	daemonRow := func() database.ProvisionerDaemon {
		rows, err := e.raw.GetProvisionerDaemonsByOrganization(e.ctx, e.org.ID)
		require.NoError(t, err)
		require.Len(t, rows, 1)
		return rows[0].ProvisionerDaemon
	}
	seen := deref(daemonRow().LastSeenAt)

	// Heartbeats publish nothing, so look again on a ticker until both
	// timestamps move (or the test's deadline passes).
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		current, err := e.raw.GetProvisionerJobByID(e.ctx, job.ID)
		require.NoError(t, err)
		row := daemonRow()
		if current.UpdatedAt.After(*job.StartedAt) && deref(row.LastSeenAt).After(seen) {
			require.Equal(t, d.ID(), row.ID)
			rows, err := e.raw.GetProvisionerDaemonsByOrganization(e.ctx, e.org.ID)
			require.NoError(t, err)
			require.Equal(t, job.ID, rows[0].CurrentJobID, "the daemon shows the job it runs")
			break
		}
		select {
		case <-tick.C:
		case <-e.ctx.Done():
			t.Fatal("no heartbeat")
		}
	}
	close(prov.release)
	requireSucceeded(t, e.waitJob(job.ID, completed))
}

// blockingProvisioner is echo whose imports wait for release.
type blockingProvisioner struct {
	provisioner.Provisioner
	release chan struct{}
}

func (b *blockingProvisioner) Import(ctx context.Context, req provisioner.ImportRequest, log provisioner.Logger) (provisioner.ImportResult, error) {
	select {
	case <-b.release:
	case <-ctx.Done():
		return provisioner.ImportResult{}, ctx.Err()
	}
	return b.Provisioner.Import(ctx, req, log)
}
