package apifuzz_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/archive"
	"github.com/devplane/devplane/codersdk"
)

// TestHostileTemplateArchiveFailsCleanly: a template whose content puts
// text PostgreSQL cannot store into the job's results fails its import with
// a message that says so, never with the database's own text.
func TestHostileTemplateArchiveFailsCleanly(t *testing.T) {
	t.Parallel()
	// The daemon logs the cause at error level, as it should.
	logger := slogtest.Make(t, &slogtest.Options{IgnoreErrors: true})
	owner := coderdtest.New(t, &coderdtest.Options{IncludeProvisionerDaemon: true, Logger: &logger})
	first := coderdtest.CreateFirstUser(t, owner)
	ctx := context.Background()

	data, err := archive.CreateTar(map[string]string{"echo.yaml": "parameters:\n  - name: \"a\\0b\"\n"})
	require.NoError(t, err)
	file, err := owner.Upload(ctx, codersdk.ContentTypeTar, bytes.NewReader(data))
	require.NoError(t, err)
	version, err := owner.CreateTemplateVersion(ctx, first.OrganizationID, codersdk.CreateTemplateVersionRequest{
		StorageMethod: codersdk.ProvisionerStorageMethodFile, FileID: file.ID, Provisioner: codersdk.ProvisionerTypeEcho,
	})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		version, err = owner.TemplateVersion(ctx, version.ID)
		return err == nil && !version.Job.Status.Active()
	}, time.Minute, 50*time.Millisecond)

	assert.Equal(t, codersdk.ProvisionerJobFailed, version.Job.Status)
	assert.Contains(t, version.Job.Error, "cannot store")
	assert.NotContains(t, version.Job.Error, "SQLSTATE")
	assert.NotContains(t, version.Job.Error, "ERROR:")
}
