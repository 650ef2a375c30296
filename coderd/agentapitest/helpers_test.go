package agentapitest_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
	"github.com/devplane/devplane/database/dbtestutil"
)

// env is a server with a running workspace whose agent token is known.
type env struct {
	client    *codersdk.Client // the owner (first user)
	orgID     uuid.UUID
	workspace codersdk.Workspace
	agentID   uuid.UUID
	token     string
	appID     uuid.UUID
}

func agentSpec(token string) echo.Spec {
	agent := echo.Agent{
		Name: "main", OS: "linux", Arch: "amd64", Directory: "~/src", Token: token,
		ConnectionTimeoutSeconds: 600,
		Scripts:                  []echo.Script{{DisplayName: "Startup", Script: "echo hi", RunOnStart: true}},
		Metadata:                 []echo.AgentMetadata{{Key: "load", DisplayName: "Load", Script: "uptime", Interval: 10, Timeout: 1}},
		Apps: []echo.App{{Slug: "code", DisplayName: "Code", URL: "http://localhost:8080",
			Healthcheck: &echo.Healthcheck{URL: "http://localhost:8080/healthz", Interval: 5, Threshold: 6}}},
	}
	res := echo.Resource{Name: "dev", Type: "docker_container", Agents: []echo.Agent{agent}}
	return echo.Spec{Start: echo.Phase{Resources: []echo.Resource{res}}}
}

func newEnv(t *testing.T, opts *coderdtest.Options) env {
	t.Helper()
	if opts == nil {
		opts = &coderdtest.Options{}
	}
	opts.IncludeProvisionerDaemon = true
	client := coderdtest.New(t, opts)
	first := coderdtest.CreateFirstUser(t, client)
	return setupWorkspace(t, client, first.OrganizationID)
}

func setupWorkspace(t *testing.T, client *codersdk.Client, orgID uuid.UUID) env {
	t.Helper()
	token := uuid.NewString()
	archive, err := echo.Template(agentSpec(token))
	require.NoError(t, err)
	version := coderdtest.CreateTemplateVersion(t, client, orgID, archive, uuid.Nil)
	coderdtest.AwaitTemplateVersionJobCompleted(t, client, version.ID)
	template := coderdtest.CreateTemplate(t, client, orgID, version.ID)
	ws := coderdtest.CreateWorkspace(t, client, template.ID)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, client, ws.LatestBuild.ID)
	ws, err = client.Workspace(context.Background(), ws.ID)
	require.NoError(t, err)
	var agentID, appID uuid.UUID
	for _, r := range ws.LatestBuild.Resources {
		for _, a := range r.Agents {
			agentID = a.ID
			if len(a.Apps) > 0 {
				appID = a.Apps[0].ID
			}
		}
	}
	require.NotEqual(t, uuid.Nil, agentID)
	return env{client: client, orgID: orgID, workspace: ws, agentID: agentID, token: token, appID: appID}
}

func connect(t *testing.T, client *codersdk.Client, token string) *agentsdk.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ac := &agentsdk.Client{URL: client.URL, Token: token}
	conn, err := ac.Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// eventually polls cond until it holds; the deadline only avoids a hang.
func eventually(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	require.Eventually(t, cond, 60*time.Second, 50*time.Millisecond, msg)
}

func agentOf(t *testing.T, client *codersdk.Client, id uuid.UUID) codersdk.WorkspaceAgent {
	t.Helper()
	a, err := client.WorkspaceAgent(context.Background(), id)
	require.NoError(t, err)
	return a
}

func dbtestutilOpen(t *testing.T) string {
	t.Helper()
	return dbtestutil.Open(t)
}
