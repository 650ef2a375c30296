package coderd_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// TestTerraformWorkspaceJourney runs the built-in Terraform starter through
// a workspace's life with real terraform: start (apply), stop, start with a
// changed parameter, delete (destroy). State flows from build to build.
func TestTerraformWorkspaceJourney(t *testing.T) {
	t.Parallel()
	f := newProvFixtureWith(t, &coderdtest.Options{IncludeProvisionerDaemon: true})
	ctx := t.Context()
	v, err := f.templateAdmin.CreateTemplateVersion(ctx, f.orgID, codersdk.CreateTemplateVersionRequest{
		StorageMethod: codersdk.ProvisionerStorageMethodFile, ExampleID: "terraform-offline", Provisioner: codersdk.ProvisionerTypeTerraform,
	})
	require.NoError(t, err)
	v = coderdtest.AwaitTemplateVersionJobCompleted(t, f.templateAdmin, v.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, v.Job.Status, v.Job.Error)
	tpl := coderdtest.CreateTemplate(t, f.templateAdmin, f.orgID, v.ID)

	w := coderdtest.CreateWorkspace(t, f.member, tpl.ID, func(r *codersdk.CreateWorkspaceRequest) {
		r.RichParameterValues = []codersdk.WorkspaceBuildParameter{{Name: "cpu", Value: "2"}}
	})
	b := coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, w.LatestBuild.ID)
	require.Equal(t, codersdk.WorkspaceStatusRunning, b.Status, b.Job.Error)
	var agents int
	var cpu string
	for _, r := range b.Resources {
		agents += len(r.Agents)
		for _, m := range r.Metadata {
			if m.Key == "cpu" {
				cpu = m.Value
			}
		}
	}
	assert.Equal(t, 1, agents, "coder_agent.main is attached to the workspace resource")
	assert.Equal(t, "2", cpu, "the parameter value reached terraform")
	state, err := f.member.WorkspaceBuildState(ctx, b.ID)
	require.NoError(t, err)
	assert.Contains(t, string(state), "terraform_data", "the Terraform state is stored")
	timings, err := f.member.WorkspaceTimings(ctx, w.ID)
	require.NoError(t, err)
	assert.NotEmpty(t, timings.ProvisionerTimings, "terraform's stages are timed")

	stop, err := f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop})
	require.NoError(t, err)
	stop = coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, stop.ID)
	require.Equal(t, codersdk.WorkspaceStatusStopped, stop.Status, stop.Job.Error)

	start, err := f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{
		Transition: codersdk.WorkspaceTransitionStart, RichParameterValues: []codersdk.WorkspaceBuildParameter{{Name: "cpu", Value: "4"}},
	})
	require.NoError(t, err)
	start = coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, start.ID)
	require.Equal(t, codersdk.WorkspaceStatusRunning, start.Status, start.Job.Error)

	del, err := f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionDelete})
	require.NoError(t, err)
	del = coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, del.ID)
	require.Equal(t, codersdk.WorkspaceStatusDeleted, del.Status, del.Job.Error)
	assert.Empty(t, del.Resources)
}
