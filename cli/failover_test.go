package cli_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
)

// TestReplicaKilledFailover: two server processes share one database; the
// one running a workspace build is killed with SIGKILL and does not come
// back. The other, with default settings, fails the build with a message
// naming the dead replica, and a new build is accepted. It logs the
// failover time: from the dead replica's last heartbeat to the build's job
// settled (see docs/operations.md).
func TestReplicaKilledFailover(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the server binary")
	}
	ctx := context.Background()
	bin := buildServerBinary(t)
	pgURL := dbtestutil.Open(t)
	args := func(daemons string) []string {
		dir := configDir(t)
		return []string{"server", "--http-address", "127.0.0.1:0", "--config-dir", dir,
			"--cache-dir", filepath.Join(dir, "cache"), "--postgres-url", pgURL, "--provisioner-daemons", daemons}
	}
	doomed := startServerProcess(t, bin, args("1")...)
	survivor := startServerProcess(t, bin, args("0")...)
	client := doomed.client
	owner := coderdtest.CreateFirstUser(t, client)
	survivor.client.SetSessionToken(client.SessionToken())

	rs, err := survivor.client.Replicas(ctx)
	require.NoError(t, err)
	require.Len(t, rs, 2)

	blocking, err := echo.Template(echo.Spec{Start: echo.Phase{Delay: time.Hour}})
	require.NoError(t, err)
	version := coderdtest.CreateTemplateVersion(t, client, owner.OrganizationID, blocking, uuid0)
	version = coderdtest.AwaitTemplateVersionJobCompleted(t, client, version.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, version.Job.Status)
	template := coderdtest.CreateTemplate(t, client, owner.OrganizationID, version.ID)
	workspace := coderdtest.CreateWorkspace(t, client, template.ID)
	require.Eventually(t, func() bool {
		b, err := survivor.client.WorkspaceBuild(ctx, workspace.LatestBuild.ID)
		require.NoError(t, err)
		return b.Job.Status == codersdk.ProvisionerJobRunning
	}, 2*time.Minute, 20*time.Millisecond, "the build runs on the doomed replica")

	doomed.kill(t)
	killedAt := time.Now()

	var failed codersdk.WorkspaceBuild
	var seenAfter time.Duration
	require.Eventually(t, func() bool {
		failed, err = survivor.client.WorkspaceBuild(ctx, workspace.LatestBuild.ID)
		require.NoError(t, err)
		seenAfter = time.Since(killedAt)
		return failed.Job.Status == codersdk.ProvisionerJobFailed
	}, 5*time.Minute, 50*time.Millisecond, "the survivor settles the build")
	assert.Contains(t, failed.Job.Error, "stopped responding while the job ran")

	require.NotNil(t, failed.Job.WorkerID, "the job names its daemon")
	conn, err := pgx.Connect(ctx, pgURL)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var lastHeartbeat time.Time
	var hostname, replicaID string
	require.NoError(t, conn.QueryRow(ctx, `SELECT r.updated_at, r.hostname, r.id::text FROM replicas r
		JOIN provisioner_daemons d ON d.replica_id = r.id WHERE d.id = $1`, *failed.Job.WorkerID).
		Scan(&lastHeartbeat, &hostname, &replicaID))
	assert.Contains(t, failed.Job.Error, replicaID, "the message names the dead replica")
	require.NotNil(t, failed.Job.CompletedAt)
	t.Logf("failover: build settled %s after the killed replica's last heartbeat (%s after SIGKILL)",
		failed.Job.CompletedAt.Sub(lastHeartbeat).Round(time.Millisecond), seenAfter.Round(100*time.Millisecond))

	next, err := survivor.client.CreateWorkspaceBuild(ctx, workspace.ID, codersdk.CreateWorkspaceBuildRequest{
		Transition: codersdk.WorkspaceTransitionStop,
	})
	require.NoError(t, err, "a new build is accepted")
	assert.Equal(t, failed.BuildNumber+1, next.BuildNumber)
	rs, err = survivor.client.Replicas(ctx)
	require.NoError(t, err)
	assert.Len(t, rs, 1, "only the survivor is live")

	survivor.stop(t)
}
