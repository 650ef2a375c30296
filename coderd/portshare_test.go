package coderd_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

func TestPortShare(t *testing.T) {
	t.Parallel()
	f, tpl := newWorkspaceFixture(t)
	ctx := t.Context()
	w := coderdtest.CreateWorkspace(t, f.member, tpl.ID)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, w.LatestBuild.ID)

	// The template allows only the owner by default.
	_, err := f.member.UpsertWorkspaceAgentPortShare(ctx, w.ID, codersdk.UpsertWorkspaceAgentPortShareRequest{
		AgentName: "main", Port: 8080, ShareLevel: codersdk.WorkspaceAgentPortShareLevelAuthenticated,
	})
	pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), "share_level")
	public := codersdk.WorkspaceAgentPortShareLevelPublic
	_, err = f.templateAdmin.UpdateTemplateMeta(ctx, tpl.ID, codersdk.UpdateTemplateMeta{MaxPortShareLevel: &public})
	require.NoError(t, err)

	for _, bad := range []struct {
		req   codersdk.UpsertWorkspaceAgentPortShareRequest
		field string
	}{
		{codersdk.UpsertWorkspaceAgentPortShareRequest{AgentName: "nope", Port: 8080, ShareLevel: public}, "agent_name"},
		{codersdk.UpsertWorkspaceAgentPortShareRequest{AgentName: "main", Port: 70000, ShareLevel: public}, "port"},
		{codersdk.UpsertWorkspaceAgentPortShareRequest{AgentName: "main", Port: 8080, ShareLevel: "everyone"}, "share_level"},
		{codersdk.UpsertWorkspaceAgentPortShareRequest{AgentName: "main", Port: 8080, ShareLevel: public, Protocol: "ftp"}, "protocol"},
	} {
		_, err := f.member.UpsertWorkspaceAgentPortShare(ctx, w.ID, bad.req)
		pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), bad.field)
	}

	share, err := f.member.UpsertWorkspaceAgentPortShare(ctx, w.ID, codersdk.UpsertWorkspaceAgentPortShareRequest{
		AgentName: "main", Port: 8080, ShareLevel: codersdk.WorkspaceAgentPortShareLevelOrganization,
		Protocol: codersdk.WorkspaceAgentPortShareProtocolHTTPS,
	})
	require.NoError(t, err)
	assert.Equal(t, codersdk.WorkspaceAgentPortShareLevelOrganization, share.ShareLevel)
	_, err = f.member.UpsertWorkspaceAgentPortShare(ctx, w.ID, codersdk.UpsertWorkspaceAgentPortShareRequest{
		AgentName: "main", Port: 8080, ShareLevel: public,
	})
	require.NoError(t, err, "upsert changes the level")
	shares, err := f.member.GetWorkspaceAgentPortShares(ctx, w.ID)
	require.NoError(t, err)
	require.Len(t, shares.Shares, 1)
	assert.Equal(t, public, shares.Shares[0].ShareLevel)

	// Readers see shares; only those who may share the workspace change them.
	_, err = f.templateAdmin.GetWorkspaceAgentPortShares(ctx, w.ID)
	require.NoError(t, err)
	err = f.templateAdmin.DeleteWorkspaceAgentPortShare(ctx, w.ID, codersdk.DeleteWorkspaceAgentPortShareRequest{AgentName: "main", Port: 8080})
	pvRequireStatus(t, err, http.StatusForbidden)
	_, err = f.outsider.GetWorkspaceAgentPortShares(ctx, w.ID)
	pvRequireStatus(t, err, http.StatusNotFound)

	require.NoError(t, f.member.DeleteWorkspaceAgentPortShare(ctx, w.ID, codersdk.DeleteWorkspaceAgentPortShareRequest{AgentName: "main", Port: 8080}))
	err = f.member.DeleteWorkspaceAgentPortShare(ctx, w.ID, codersdk.DeleteWorkspaceAgentPortShareRequest{AgentName: "main", Port: 8080})
	pvRequireStatus(t, err, http.StatusBadRequest)
}

func TestWorkspaceTimings(t *testing.T) {
	t.Parallel()
	f, tpl := newWorkspaceFixture(t)
	ctx := t.Context()
	w := coderdtest.CreateWorkspace(t, f.member, tpl.ID)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, w.LatestBuild.ID)
	timings, err := f.member.WorkspaceTimings(ctx, w.ID)
	require.NoError(t, err)
	require.NotEmpty(t, timings.ProvisionerTimings, "the echo provisioner reports its stages")
	for _, pt := range timings.ProvisionerTimings {
		assert.Equal(t, w.LatestBuild.Job.ID, pt.JobID)
		assert.False(t, pt.EndedAt.Before(pt.StartedAt))
	}
	assert.NotNil(t, timings.AgentScriptTimings)
}
