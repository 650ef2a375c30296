package replicatest_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"cdr.dev/slog"
	"cdr.dev/slog/sloggers/slogtest"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
)

// TestFailover: replica A runs a workspace build, a build being canceled
// and a template import on its daemons, then loses its database for good
// (as a crashed or partitioned process would: no clean shutdown, its
// heartbeats stop). Replica B, with the default heartbeat interval and no
// daemons of its own, settles A's jobs within seconds, as A's own restart
// would: the build fails with a message naming A, the cancel completes, the
// import is queued again. A new build of the workspace is then accepted and
// runs on B's daemons. The test logs the failover time: from A's last
// heartbeat to the build's job settled.
func TestFailover(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := dbtestutil.Open(t)
	proxy := dbtestutil.NewProxy(t, url)
	// A's errors while it is cut off are expected.
	quietA := slogtest.Make(t, &slogtest.Options{IgnoreErrors: true}).Leveled(slog.LevelDebug)
	a, apiA := coderdtest.NewWithAPI(t, &coderdtest.Options{DatabaseURL: proxy.URL(), Logger: &quietA})
	b, apiB := coderdtest.NewWithAPI(t, &coderdtest.Options{DatabaseURL: url})
	stopA, err := apiA.StartProvisionerDaemons(ctx, coderd.ProvisionerDaemonsOptions{Count: 3, WorkDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(stopA)

	owner := coderdtest.CreateFirstUser(t, a)
	b.SetSessionToken(a.SessionToken())
	// Builds of this template block for an hour; stopping is instant.
	blocking, err := echo.Template(echo.Spec{Start: echo.Phase{Delay: time.Hour}})
	require.NoError(t, err)
	version := coderdtest.AwaitTemplateVersionJobCompleted(t, a, coderdtest.CreateTemplateVersion(t, a, owner.OrganizationID, blocking, uuid.Nil).ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, version.Job.Status)
	template := coderdtest.CreateTemplate(t, a, owner.OrganizationID, version.ID)
	failing := coderdtest.CreateWorkspace(t, a, template.ID)
	canceling := coderdtest.CreateWorkspace(t, a, template.ID)
	slowImport, err := echo.Template(echo.Spec{Import: echo.Phase{Delay: time.Hour}})
	require.NoError(t, err)
	importing := coderdtest.CreateTemplateVersion(t, a, owner.OrganizationID, slowImport, template.ID)

	require.Eventually(t, func() bool {
		for _, id := range []uuid.UUID{failing.LatestBuild.ID, canceling.LatestBuild.ID} {
			build, err := b.WorkspaceBuild(ctx, id)
			require.NoError(t, err)
			if build.Job.Status != codersdk.ProvisionerJobRunning {
				return false
			}
		}
		v, err := b.TemplateVersion(ctx, importing.ID)
		require.NoError(t, err)
		return v.Job.Status == codersdk.ProvisionerJobRunning
	}, time.Minute, 20*time.Millisecond, "A's daemons run all three jobs")

	proxy.SetDown(true) // A is gone

	// The cancel reaches the job, but A's daemon cannot act on it.
	require.NoError(t, b.CancelWorkspaceBuild(ctx, canceling.LatestBuild.ID))
	build, err := b.WorkspaceBuild(ctx, canceling.LatestBuild.ID)
	require.NoError(t, err)
	assert.Equal(t, codersdk.ProvisionerJobCanceling, build.Job.Status)

	var failed codersdk.WorkspaceBuild
	require.Eventually(t, func() bool {
		failed, err = b.WorkspaceBuild(ctx, failing.LatestBuild.ID)
		require.NoError(t, err)
		return failed.Job.Status == codersdk.ProvisionerJobFailed
	}, 2*time.Minute, 20*time.Millisecond, "B settles A's build")
	assert.Equal(t, provisionerd.MessageReplicaLost(apiA.Replicas.Hostname(), apiA.ReplicaID), failed.Job.Error)
	assert.Contains(t, failed.Job.Error, apiA.ReplicaID.String(), "the message names the lost replica")

	// How long after A's last heartbeat the build was settled.
	lost := replicaRow(t, url, apiA.ReplicaID)
	require.NotNil(t, lost.stoppedAt, "B marked A stopped")
	assert.Contains(t, lost.errorText, apiB.ReplicaID.String(), "A's row says which replica found it lost")
	lastHeartbeat := lost.updatedAt
	require.NotNil(t, failed.Job.CompletedAt)
	t.Logf("failover: the lost replica's build was settled %s after its last heartbeat (heartbeat interval %s, lost after %s)",
		failed.Job.CompletedAt.Sub(lastHeartbeat).Round(time.Millisecond), apiB.DeploymentValues.Replicas.HeartbeatInterval.Value(), apiB.Replicas.LostAfter())

	require.Eventually(t, func() bool {
		build, err := b.WorkspaceBuild(ctx, canceling.LatestBuild.ID)
		require.NoError(t, err)
		return build.Job.Status == codersdk.ProvisionerJobCanceled
	}, time.Minute, 20*time.Millisecond, "the cancel completes")
	require.Eventually(t, func() bool {
		v, err := b.TemplateVersion(ctx, importing.ID)
		require.NoError(t, err)
		return v.Job.Status == codersdk.ProvisionerJobPending
	}, time.Minute, 20*time.Millisecond, "the import is queued again")

	rs, err := b.Replicas(ctx)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{apiB.ReplicaID}, replicaIDs(rs))

	// The workspace is free: a new build is accepted, and B's daemons run
	// it (one of them takes the requeued import, which blocks).
	next, err := b.CreateWorkspaceBuild(ctx, failing.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop})
	require.NoError(t, err, "a new build is accepted")
	assert.Equal(t, failed.BuildNumber+1, next.BuildNumber)
	stopB, err := apiB.StartProvisionerDaemons(ctx, coderd.ProvisionerDaemonsOptions{Count: 2, WorkDir: t.TempDir()})
	require.NoError(t, err)
	t.Cleanup(stopB)
	next = coderdtest.AwaitWorkspaceBuildJobCompleted(t, b, next.ID)
	assert.Equal(t, codersdk.ProvisionerJobSucceeded, next.Job.Status)
	require.NotNil(t, next.Job.WorkerID)
	daemons, err := b.OrganizationProvisionerDaemons(ctx, owner.OrganizationID)
	require.NoError(t, err)
	for _, d := range daemons {
		if d.ID == *next.Job.WorkerID {
			assert.True(t, strings.Contains(d.Name, apiB.ReplicaID.String()[:8]), "the worker names B: %s", d.Name)
		}
	}
}

type replica struct {
	updatedAt time.Time
	stoppedAt *time.Time
	errorText string
}

// replicaRow reads a replica's row as it is, stopped or not: what only
// the database knows.
func replicaRow(t *testing.T, url string, id uuid.UUID) replica {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var r replica
	require.NoError(t, conn.QueryRow(ctx, "SELECT updated_at, stopped_at, error FROM replicas WHERE id = $1", id).
		Scan(&r.updatedAt, &r.stoppedAt, &r.errorText))
	return r
}

// TestHangTimeoutOption: the hang timeout is an option, refused below the
// point where live jobs (heartbeating every 5s) would be failed as hung.
func TestHangTimeoutOption(t *testing.T) {
	t.Parallel()
	db, ps := dbtestutil.NewDBWithPubsub(t)
	vals, _ := coderdtest.DeploymentValues(t)
	assert.Equal(t, 5*time.Minute, vals.Provisioner.HangTimeout.Value(), "the default")
	require.NoError(t, vals.Provisioner.HangTimeout.Set("5s"))
	_, err := coderd.New(context.Background(), &coderd.Options{
		Database: db, Pubsub: ps, AccessURL: &url.URL{Scheme: "http", Host: "localhost"}, DeploymentValues: vals,
	})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--provisioner-hang-timeout")
}
