package coderd_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
)

// TestTemplateImportJourney is the pipeline end to end through the API and a
// real in-process daemon: upload an echo template, create a version, follow
// its import logs over the websocket until the job succeeds, and read the
// parameters and resources the import found.
func TestTemplateImportJourney(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client := coderdtest.New(t, &coderdtest.Options{IncludeProvisionerDaemon: true})
	first := coderdtest.CreateFirstUser(t, client)

	file, err := client.Upload(ctx, "application/x-tar", bytes.NewReader(echo.SimpleTemplate()))
	require.NoError(t, err)
	version, err := client.CreateTemplateVersion(ctx, first.OrganizationID, codersdk.CreateTemplateVersionRequest{
		StorageMethod: codersdk.ProvisionerStorageMethodFile,
		FileID:        file.ID,
		Provisioner:   codersdk.ProvisionerTypeEcho,
	})
	require.NoError(t, err)

	logs, closer, err := client.TemplateVersionLogsAfter(ctx, version.ID, 0)
	require.NoError(t, err)
	defer closer.Close()
	var lines int
	for range logs {
		lines++
	}
	assert.Positive(t, lines, "the import streamed its logs")

	version, err = client.TemplateVersion(ctx, version.ID)
	require.NoError(t, err)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, version.Job.Status, "job error: %s", version.Job.Error)

	params, err := client.TemplateVersionRichParameters(ctx, version.ID)
	require.NoError(t, err)
	assert.NotEmpty(t, params, "the echo template declares parameters")
	resources, err := client.TemplateVersionResources(ctx, version.ID)
	require.NoError(t, err)
	require.NotEmpty(t, resources)
	assert.NotEmpty(t, resources[0].Agents, "the start resource has an agent")
}

// TestTerraformImportJourney imports a real Terraform template (the built-in
// offline starter) through the API: terraform init and plan run against the
// coder provider from the local mirror, and the version shows the
// template's parameters and the agent the start would create.
func TestTerraformImportJourney(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client := coderdtest.New(t, &coderdtest.Options{IncludeProvisionerDaemon: true})
	first := coderdtest.CreateFirstUser(t, client)

	version, err := client.CreateTemplateVersion(ctx, first.OrganizationID, codersdk.CreateTemplateVersionRequest{
		StorageMethod: codersdk.ProvisionerStorageMethodFile,
		ExampleID:     "terraform-offline",
		Provisioner:   codersdk.ProvisionerTypeTerraform,
	})
	require.NoError(t, err)
	version = coderdtest.AwaitTemplateVersionJobCompleted(t, client, version.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, version.Job.Status, "job error: %s", version.Job.Error)
	logs, err := client.TemplateVersionLogs(ctx, version.ID, 0)
	require.NoError(t, err)
	var sawTerraform bool
	for _, l := range logs {
		sawTerraform = sawTerraform || l.Source == codersdk.LogSourceProvisioner
	}
	assert.True(t, sawTerraform, "terraform's own output is in the logs")

	params, err := client.TemplateVersionRichParameters(ctx, version.ID)
	require.NoError(t, err)
	names := []string{}
	for _, p := range params {
		names = append(names, p.Name)
	}
	assert.ElementsMatch(t, []string{"cpu", "editor"}, names)
	resources, err := client.TemplateVersionResources(ctx, version.ID)
	require.NoError(t, err)
	var agents int
	for _, r := range resources {
		agents += len(r.Agents)
	}
	assert.Equal(t, 1, agents, "the start plan attaches coder_agent.main to its resource")

	tpl := coderdtest.CreateTemplate(t, client, first.OrganizationID, version.ID)
	assert.Equal(t, codersdk.ProvisionerTypeTerraform, tpl.Provisioner)
}
