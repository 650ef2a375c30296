package connfailtest_test

import (
	"context"
	"net"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// ws is a running workspace with one agent.
type ws struct {
	id, agentID uuid.UUID
	token       string
}

// workspace creates it through client, whose server runs a provisioner
// daemon.
func workspace(t *testing.T, client *codersdk.Client, orgID uuid.UUID) ws {
	t.Helper()
	token := uuid.NewString()
	spec := echo.Spec{Start: echo.Phase{Resources: []echo.Resource{{
		Name: "dev", Type: "null_resource",
		Agents: []echo.Agent{{Name: "main", OS: "linux", Arch: "amd64", Token: token, ConnectionTimeoutSeconds: 600}},
	}}}}
	archive, err := echo.Template(spec)
	require.NoError(t, err)
	version := coderdtest.CreateTemplateVersion(t, client, orgID, archive, uuid.Nil)
	coderdtest.AwaitTemplateVersionJobCompleted(t, client, version.ID)
	template := coderdtest.CreateTemplate(t, client, orgID, version.ID)
	w := coderdtest.CreateWorkspace(t, client, template.ID)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, client, w.LatestBuild.ID)
	w, err = client.Workspace(context.Background(), w.ID)
	require.NoError(t, err)
	return ws{id: w.ID, agentID: w.LatestBuild.Resources[0].Agents[0].ID, token: token}
}

// startAgent runs the agent in-process against serverURL until the test
// ends (or stop is called) and waits until client sees it connected.
func startAgent(t *testing.T, client *codersdk.Client, serverURL *url.URL, w ws) (stop func()) {
	t.Helper()
	stop = coderdtest.RunAgent(t, serverURL, w.token)
	coderdtest.AwaitAgentConnected(t, client, w.agentID)
	return stop
}

// openTerminal opens a terminal session and returns its connection; the
// session is on record once this returns.
func openTerminal(t *testing.T, client *codersdk.Client, agentID uuid.UUID) net.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := client.WorkspaceAgentReconnectingPTY(ctx, codersdk.WorkspaceAgentReconnectingPTYOpts{
		AgentID: agentID, Reconnect: uuid.New(), Height: 24, Width: 80, Command: "/bin/sh",
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// sessions are the connection_logs rows of the workspace, newest first.
func sessions(t *testing.T, db database.Store, workspaceID uuid.UUID) []database.ConnectionLog {
	t.Helper()
	rows, err := db.GetConnectionLogsOffset(context.Background(), database.GetConnectionLogsOffsetParams{WorkspaceID: workspaceID, AuthAll: true})
	require.NoError(t, err)
	return rows
}

// endEntries are the disconnect audit entries of a session.
func endEntries(t *testing.T, db database.Store, connectionID uuid.UUID) []database.GetAuditLogsOffsetRow {
	t.Helper()
	rows, err := db.GetAuditLogsOffset(context.Background(), database.GetAuditLogsOffsetParams{
		RequestID: connectionID, Action: string(codersdk.AuditActionDisconnect), AuthAll: true,
	})
	require.NoError(t, err)
	return rows
}
