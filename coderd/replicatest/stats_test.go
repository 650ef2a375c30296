package replicatest_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
)

// TestDeploymentStatsCountsWorkspaces: /deployment/stats counts the
// deployment's workspaces by the state of their latest build, the same on
// every replica; deleted workspaces are not counted.
func TestDeploymentStatsCountsWorkspaces(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := dbtestutil.Open(t)
	a := coderdtest.New(t, &coderdtest.Options{DatabaseURL: url, IncludeProvisionerDaemon: true})
	b := coderdtest.New(t, &coderdtest.Options{DatabaseURL: url})
	owner := coderdtest.CreateFirstUser(t, a)
	b.SetSessionToken(a.SessionToken())

	stats, err := b.DeploymentStats(ctx)
	require.NoError(t, err)
	assert.Equal(t, codersdk.WorkspaceDeploymentStats{}, stats.Workspaces, "no workspaces yet")

	template := func(archive []byte) uuid.UUID {
		v := coderdtest.CreateTemplateVersion(t, a, owner.OrganizationID, archive, uuid.Nil)
		v = coderdtest.AwaitTemplateVersionJobCompleted(t, a, v.ID)
		require.Equal(t, codersdk.ProvisionerJobSucceeded, v.Job.Status)
		return coderdtest.CreateTemplate(t, a, owner.OrganizationID, v.ID).ID
	}
	good := template(nil)
	failingArchive, err := echo.Template(echo.Spec{Start: echo.Phase{Fail: "no capacity"}})
	require.NoError(t, err)
	bad := template(failingArchive)

	build := func(w codersdk.Workspace, transition codersdk.WorkspaceTransition) {
		next, err := a.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: transition})
		require.NoError(t, err)
		coderdtest.AwaitWorkspaceBuildJobCompleted(t, a, next.ID)
	}
	create := func(templateID uuid.UUID) codersdk.Workspace {
		w := coderdtest.CreateWorkspace(t, a, templateID)
		coderdtest.AwaitWorkspaceBuildJobCompleted(t, a, w.LatestBuild.ID)
		return w
	}
	create(good)
	create(good)
	build(create(good), codersdk.WorkspaceTransitionStop)
	create(bad)
	build(create(good), codersdk.WorkspaceTransitionDelete)

	for _, c := range []*codersdk.Client{a, b} {
		stats, err := c.DeploymentStats(ctx)
		require.NoError(t, err)
		assert.Equal(t, codersdk.WorkspaceDeploymentStats{Running: 2, Stopped: 1, Failed: 1}, stats.Workspaces)
	}
}
