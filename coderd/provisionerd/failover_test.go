package provisionerd_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
)

// registerReplica writes a replica's row with its last heartbeat at
// heartbeat.
func (e *env) registerReplica(host string, heartbeat time.Time) uuid.UUID {
	e.t.Helper()
	r, err := e.raw.UpsertReplica(e.ctx, database.UpsertReplicaParams{ID: uuid.New(), Now: heartbeat, Hostname: host, Version: "v0"})
	require.NoError(e.t, err)
	return r.ID
}

// TestSettleLostReplicaJobsOnce: several surviving replicas look at once
// for lost replicas; each lost replica is marked stopped by exactly one,
// and each of its jobs is settled exactly once (the build failed naming
// the replica, the import queued again once). A live replica's job is
// left alone, and so is a lost replica's job heartbeated after the cutoff.
func TestSettleLostReplicaJobsOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	log := slogtest.Make(t, nil)

	live := e.daemon("live-1", nil)
	iv := e.importTemplate(echo.SimpleSpec(), time.Hour, nil)
	ws := e.newWorkspace(e.user, iv, nil)
	_, job := e.runBuild(ws, iv, database.WorkspaceTransitionStart, nil)
	requireSucceeded(t, job)
	require.NoError(t, live.Close())

	now := dbtime.Now()
	lostID := e.registerReplica("gone-host", now.Add(-time.Minute))
	aliveID := e.registerReplica("alive-host", now.Add(time.Hour))
	lostDaemon := e.registerDaemon("gone-host-1", lostID)
	aliveDaemon := e.registerDaemon("alive-host-1", aliveID)

	build := e.enqueueBuild(ws, iv, database.WorkspaceTransitionStop, nil)
	e.acquireAs(lostDaemon, build.JobID)
	imp, _ := e.enqueue(jobSpec{fileID: iv.fileID})
	e.acquireAs(lostDaemon, imp.ID)
	fresh, _ := e.enqueue(jobSpec{fileID: iv.fileID})
	e.acquireAs(lostDaemon, fresh.ID)
	elsewhere, _ := e.enqueue(jobSpec{fileID: iv.fileID})
	e.acquireAs(aliveDaemon, elsewhere.ID)
	cutoff := dbtime.Now()
	for id, heartbeat := range map[uuid.UUID]time.Time{
		build.JobID: cutoff.Add(-time.Second), imp.ID: cutoff.Add(-time.Second),
		elsewhere.ID: cutoff.Add(-time.Second), fresh.ID: cutoff.Add(time.Hour),
	} {
		require.NoError(t, e.raw.UpdateProvisionerJobByID(e.ctx, database.UpdateProvisionerJobByIDParams{
			ID: id, UpdatedAt: heartbeat,
		}))
	}

	const survivors = 4
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		marked []database.Replica
		total  provisionerd.Recovered
	)
	for range survivors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			self := uuid.New()
			lost, err := e.db.MarkLostReplicas(dbauthz.AsReplicaRegistry(e.ctx), database.MarkLostReplicasParams{
				SelfID: self, Now: dbtime.Now(), UpdatedBefore: cutoff.Add(-30 * time.Second), Error: "lost",
			})
			require.NoError(t, err)
			got, err := provisionerd.SettleLostReplicaJobs(e.ctx, e.db, e.ps, log, self, cutoff)
			require.NoError(t, err)
			mu.Lock()
			defer mu.Unlock()
			marked = append(marked, lost...)
			total.Failed += got.Failed
			total.Requeued += got.Requeued
			total.Canceled += got.Canceled
		}()
	}
	wg.Wait()

	require.Len(t, marked, 1, "one survivor marks the lost replica")
	require.Equal(t, lostID, marked[0].ID)
	require.Equal(t, provisionerd.Recovered{Failed: 1, Requeued: 1}, total, "each job settled once")

	j := e.job(build.JobID)
	require.NotNil(t, j.CompletedAt)
	require.Equal(t, provisionerd.MessageReplicaLost("gone-host", lostID), deref(j.Error))
	j = e.job(imp.ID)
	require.Nil(t, j.StartedAt, "the import is queued again")
	requeued := 0
	for _, l := range e.logs(imp.ID) {
		if strings.HasSuffix(l.Output, "the job is queued again.") {
			requeued++
		}
	}
	require.Equal(t, 1, requeued)
	require.Nil(t, e.job(fresh.ID).CompletedAt, "heartbeated after the cutoff: not yet")
	require.NotNil(t, e.job(fresh.ID).StartedAt)
	require.Nil(t, e.job(elsewhere.ID).CompletedAt, "a live replica's job is left alone")
	require.NotNil(t, e.job(elsewhere.ID).StartedAt)
}
