package ptytest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/testutil/ptyterm"
)

// env is a server, its owner, and a running workspace whose agent runs in
// this process once startAgent is called.
type env struct {
	client    *codersdk.Client
	api       *coderd.API
	db        database.Store
	orgID     uuid.UUID
	workspace codersdk.Workspace
	agentID   uuid.UUID
	token     string
}

func newEnv(t *testing.T) env {
	t.Helper()
	client, api, db := coderdtest.NewWithDatabase(t, &coderdtest.Options{IncludeProvisionerDaemon: true})
	first := coderdtest.CreateFirstUser(t, client)
	token := uuid.NewString()
	spec := echo.Spec{Start: echo.Phase{Resources: []echo.Resource{{
		Name: "dev", Type: "null_resource",
		Agents: []echo.Agent{{Name: "main", OS: "linux", Arch: "amd64", Token: token, ConnectionTimeoutSeconds: 600}},
	}}}}
	archive, err := echo.Template(spec)
	require.NoError(t, err)
	version := coderdtest.CreateTemplateVersion(t, client, first.OrganizationID, archive, uuid.Nil)
	coderdtest.AwaitTemplateVersionJobCompleted(t, client, version.ID)
	template := coderdtest.CreateTemplate(t, client, first.OrganizationID, version.ID)
	ws := coderdtest.CreateWorkspace(t, client, template.ID)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, client, ws.LatestBuild.ID)
	ws, err = client.Workspace(context.Background(), ws.ID)
	require.NoError(t, err)
	var agentID uuid.UUID
	for _, r := range ws.LatestBuild.Resources {
		for _, a := range r.Agents {
			agentID = a.ID
		}
	}
	require.NotEqual(t, uuid.Nil, agentID)
	return env{client: client, api: api, db: db, orgID: first.OrganizationID, workspace: ws, agentID: agentID, token: token}
}

// startAgent runs the agent in-process until the test ends and waits for
// it to be connected.
func (e env) startAgent(t *testing.T) {
	t.Helper()
	coderdtest.RunAgent(t, e.client.URL, e.token)
	coderdtest.AwaitAgentConnected(t, e.client, e.agentID)
}

// term is one client connection to a terminal, collecting its output.
func open(t *testing.T, client *codersdk.Client, agentID, id uuid.UUID) *ptyterm.Terminal {
	t.Helper()
	return ptyterm.Open(t, client, codersdk.WorkspaceAgentReconnectingPTYOpts{
		AgentID: agentID, Reconnect: id, Height: 24, Width: 80, Command: "/bin/sh",
	})
}

// TestTerminal: type a command and read its output; a second connection
// with the same id replays it and shares the shell; a resize reaches the
// PTY.
func TestTerminal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startAgent(t)
	id := uuid.New()

	first := open(t, e.client, e.agentID, id)
	first.Send(t, codersdk.ReconnectingPTYRequest{Data: "echo hello-$((6*7))\r"})
	first.Await(t, "hello-42")
	_ = first.Conn.Close()

	// Reattach: the recent output is replayed, and the same shell answers.
	again := open(t, e.client, e.agentID, id)
	again.Await(t, "hello-42")
	again.Send(t, codersdk.ReconnectingPTYRequest{Data: "X=kept; echo var-$X\r"})
	again.Await(t, "var-kept")

	// A second client on the same terminal sees the same output.
	other := open(t, e.client, e.agentID, id)
	again.Send(t, codersdk.ReconnectingPTYRequest{Height: 41, Width: 101})
	again.Send(t, codersdk.ReconnectingPTYRequest{Data: "stty size\r"})
	again.Await(t, "41 101")
	other.Await(t, "41 101")

	// A different id is a different shell.
	fresh := open(t, e.client, e.agentID, uuid.New())
	fresh.Send(t, codersdk.ReconnectingPTYRequest{Data: "echo var-${X:-unset}\r"})
	fresh.Await(t, "var-unset")
}

// TestTerminalAccess: a member the workspace is not shared with gets 404;
// a user it is shared with (use) gets in; each session is a connection
// row with connect and disconnect audit entries.
func TestTerminalAccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startAgent(t)
	ctx := context.Background()
	path := "/api/v2/workspaceagents/" + e.agentID.String() + "/pty?reconnect=" + uuid.NewString()

	other, _ := coderdtest.CreateAnotherUser(t, e.client, e.orgID)
	res := coderdtest.RawRequest(t, other, http.MethodGet, path, nil)
	assert.Equal(t, http.StatusNotFound, res.Status)

	res = coderdtest.RawRequest(t, e.client, http.MethodGet, "/api/v2/workspaceagents/"+e.agentID.String()+"/pty?reconnect=nope", nil)
	assert.Equal(t, http.StatusBadRequest, res.Status)
	res = coderdtest.RawRequest(t, e.client, http.MethodGet, path+"&height=-1", nil)
	assert.Equal(t, http.StatusBadRequest, res.Status)

	// A template admin reads the workspace but may not connect to it.
	reader, _ := coderdtest.CreateAnotherUser(t, e.client, e.orgID, "template-admin")
	res = coderdtest.RawRequest(t, reader, http.MethodGet, path, nil)
	assert.Equal(t, http.StatusForbidden, res.Status)

	shared, sharedUser := coderdtest.CreateAnotherUser(t, e.client, e.orgID)
	admin, adminUser := coderdtest.CreateAnotherUser(t, e.client, e.orgID)
	require.NoError(t, e.client.UpdateWorkspaceACL(ctx, e.workspace.ID, codersdk.UpdateWorkspaceACL{
		UserRoles: map[string]codersdk.WorkspaceRole{
			sharedUser.ID.String(): codersdk.WorkspaceRoleUse,
			adminUser.ID.String():  codersdk.WorkspaceRoleAdmin,
		},
	}))
	// Shared as admin: in too (this session is not checked below).
	byAdmin := open(t, admin, e.agentID, uuid.New())
	byAdmin.Send(t, codersdk.ReconnectingPTYRequest{Data: "echo admin-$((2+2))\r"})
	byAdmin.Await(t, "admin-4")
	_ = byAdmin.Conn.Close()
	tm := open(t, shared, e.agentID, uuid.New())
	tm.Send(t, codersdk.ReconnectingPTYRequest{Data: "echo shared-$((1+1))\r"})
	tm.Await(t, "shared-2")
	_ = tm.Conn.Close()

	// The session is on record, with its end, as the shared user's.
	// The raw store: there is no API for the connection log yet.
	raw := ctx
	var rows []database.ConnectionLog
	require.Eventually(t, func() bool {
		var err error
		rows, err = e.db.GetConnectionLogsOffset(raw, database.GetConnectionLogsOffsetParams{
			WorkspaceID: e.workspace.ID, UserID: sharedUser.ID, AuthAll: true,
		})
		return err == nil && len(rows) == 1 && rows[0].DisconnectTime != nil
	}, 60*time.Second, 50*time.Millisecond, "connection row closed")
	assert.Equal(t, "reconnecting_pty", rows[0].Type)
	assert.Equal(t, sharedUser.ID, rows[0].UserID.UUID)
	assert.Equal(t, e.agentID, rows[0].AgentID)
	assert.Equal(t, "main", rows[0].AgentName)
	assert.Equal(t, e.workspace.Name, rows[0].WorkspaceName)

	logs, err := e.client.AuditLogs(ctx, codersdk.AuditLogsRequest{SearchQuery: "resource_type:workspace_agent username:" + sharedUser.Username})
	require.NoError(t, err)
	actions := []codersdk.AuditAction{}
	for _, l := range logs.AuditLogs {
		actions = append(actions, l.Action)
		assert.Equal(t, e.agentID, l.ResourceID)
		assert.Equal(t, sharedUser.ID, l.User.ID)
	}
	assert.ElementsMatch(t, []codersdk.AuditAction{codersdk.AuditActionConnect, codersdk.AuditActionDisconnect}, actions)
}

// TestTerminalAgentNotConnected: without a connected agent the answer is a
// clear 502, before any upgrade.
func TestTerminalAgentNotConnected(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res := coderdtest.RawRequest(t, e.client, http.MethodGet,
		"/api/v2/workspaceagents/"+e.agentID.String()+"/pty?reconnect="+uuid.NewString(), nil)
	assert.Equal(t, http.StatusBadGateway, res.Status)
	assert.Contains(t, string(res.Body), "not connected")
}

// TestTerminalPlainRequest: a request that is not a WebSocket gets a 426
// with a codersdk.Response, and no session is put on record for it.
func TestTerminalPlainRequest(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startAgent(t)
	res := coderdtest.RawRequest(t, e.client, http.MethodGet,
		"/api/v2/workspaceagents/"+e.agentID.String()+"/pty?reconnect="+uuid.NewString(), nil)
	assert.Equal(t, http.StatusUpgradeRequired, res.Status)
	assert.Contains(t, res.Response(t).Message, "WebSocket")

	rows, err := e.db.GetConnectionLogsOffset(context.Background(), database.GetConnectionLogsOffsetParams{
		WorkspaceID: e.workspace.ID, AuthAll: true,
	})
	require.NoError(t, err)
	assert.Empty(t, rows)
}
