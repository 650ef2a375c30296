package coderdtest

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/devplane/devplane/codersdk"
)

// CreateWorkspace creates a workspace of the template for the client's
// user; mutate may change the request first.
func CreateWorkspace(t testing.TB, client *codersdk.Client, templateID uuid.UUID, mutate ...func(*codersdk.CreateWorkspaceRequest)) codersdk.Workspace {
	t.Helper()
	req := codersdk.CreateWorkspaceRequest{TemplateID: templateID, Name: "ws-" + uuid.NewString()[:8]}
	for _, m := range mutate {
		if m != nil {
			m(&req)
		}
	}
	w, err := client.CreateUserWorkspace(context.Background(), codersdk.Me, req)
	if err != nil {
		t.Fatalf("create workspace: %v", err)
	}
	return w
}

// AwaitWorkspaceBuildJobCompleted follows the build's logs until its job
// ends and returns the build as it is afterwards.
func AwaitWorkspaceBuildJobCompleted(t testing.TB, client *codersdk.Client, buildID uuid.UUID) codersdk.WorkspaceBuild {
	t.Helper()
	ctx := context.Background()
	logs, closer, err := client.WorkspaceBuildLogsAfter(ctx, buildID, 0)
	if err != nil {
		t.Fatalf("follow workspace build logs: %v", err)
	}
	for range logs {
	}
	_ = closer.Close()
	b, err := client.WorkspaceBuild(ctx, buildID)
	if err != nil {
		t.Fatalf("read workspace build: %v", err)
	}
	if b.Job.Status.Active() {
		t.Fatalf("the log stream ended while the build is %s", b.Job.Status)
	}
	return b
}
