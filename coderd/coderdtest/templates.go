package coderdtest

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
)

// CreateTemplateVersion uploads an echo template archive (the simple one
// when archive is nil) and creates a version from it, optionally for a
// template. The import runs on a daemon: use a server with
// IncludeProvisionerDaemon, then AwaitTemplateVersionJobCompleted.
func CreateTemplateVersion(t testing.TB, client *codersdk.Client, orgID uuid.UUID, archive []byte, templateID uuid.UUID) codersdk.TemplateVersion {
	t.Helper()
	ctx := context.Background()
	if archive == nil {
		archive = echo.SimpleTemplate()
	}
	file, err := client.Upload(ctx, codersdk.ContentTypeTar, bytes.NewReader(archive))
	if err != nil {
		t.Fatalf("upload template: %v", err)
	}
	v, err := client.CreateTemplateVersion(ctx, orgID, codersdk.CreateTemplateVersionRequest{
		StorageMethod: codersdk.ProvisionerStorageMethodFile, FileID: file.ID,
		Provisioner: codersdk.ProvisionerTypeEcho, TemplateID: templateID,
	})
	if err != nil {
		t.Fatalf("create template version: %v", err)
	}
	return v
}

// AwaitTemplateVersionJobCompleted follows the version's import logs until
// the job ends (the server closes the stream then) and returns the
// version as it is afterwards.
func AwaitTemplateVersionJobCompleted(t testing.TB, client *codersdk.Client, versionID uuid.UUID) codersdk.TemplateVersion {
	t.Helper()
	ctx := context.Background()
	logs, closer, err := client.TemplateVersionLogsAfter(ctx, versionID, 0)
	if err != nil {
		t.Fatalf("follow template version logs: %v", err)
	}
	for range logs {
	}
	_ = closer.Close()
	v, err := client.TemplateVersion(ctx, versionID)
	if err != nil {
		t.Fatalf("read template version: %v", err)
	}
	if v.Job.Status.Active() {
		t.Fatalf("the log stream ended while the import is %s", v.Job.Status)
	}
	return v
}

// CreateTemplate makes a template from an imported version; mutate may
// change the request first.
func CreateTemplate(t testing.TB, client *codersdk.Client, orgID, versionID uuid.UUID, mutate ...func(*codersdk.CreateTemplateRequest)) codersdk.Template {
	t.Helper()
	req := codersdk.CreateTemplateRequest{Name: "tpl-" + uuid.NewString()[:8], VersionID: versionID}
	for _, m := range mutate {
		if m != nil {
			m(&req)
		}
	}
	tpl, err := client.CreateTemplate(context.Background(), orgID, req)
	if err != nil {
		t.Fatalf("create template: %v", err)
	}
	return tpl
}
