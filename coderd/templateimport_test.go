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
