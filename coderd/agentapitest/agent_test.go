package agentapitest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// TestAgentConnectsAndReports walks one agent through its life: it
// connects, reads its manifest, reports startup and lifecycle, and the
// agent reads back connected and ready with its scripts and sources.
func TestAgentConnectsAndReports(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := ctxT(t)

	before := agentOf(t, e.client, e.agentID)
	assert.Equal(t, codersdk.WorkspaceAgentConnecting, before.Status)
	assert.False(t, before.Health.Healthy)
	require.Len(t, before.Scripts, 1)
	require.Len(t, before.LogSources, 1)
	assert.Equal(t, before.Scripts[0].LogSourceID, before.LogSources[0].ID)
	assert.Equal(t, codersdk.WorkspaceAppHealthInitializing, before.Apps[0].Health)

	conn := connect(t, e.client, e.token)
	m, err := conn.Manifest(ctx)
	require.NoError(t, err)
	assert.Equal(t, e.agentID, m.AgentID)
	assert.Equal(t, e.workspace.ID, m.WorkspaceID)
	assert.Equal(t, e.workspace.Name, m.WorkspaceName)
	require.Len(t, m.Scripts, 1)
	assert.Equal(t, "echo hi", m.Scripts[0].Script)
	require.Len(t, m.Metadata, 1)
	assert.Equal(t, "load", m.Metadata[0].Key)
	require.Len(t, m.Apps, 1)

	require.NoError(t, conn.PostStartup(ctx, agentsdk.PostStartupRequest{
		Version: "v2.0.0", ExpandedDirectory: "/home/coder/src", OperatingSystem: "linux", Architecture: "amd64",
	}))
	eventually(t, func() bool { return agentOf(t, e.client, e.agentID).Status == codersdk.WorkspaceAgentConnected }, "agent connected")

	require.NoError(t, conn.PostLifecycle(ctx, agentsdk.PostLifecycleRequest{State: codersdk.WorkspaceAgentLifecycleStarting, ChangedAt: time.Now()}))
	require.NoError(t, conn.PostLifecycle(ctx, agentsdk.PostLifecycleRequest{State: codersdk.WorkspaceAgentLifecycleReady, ChangedAt: time.Now()}))
	a := agentOf(t, e.client, e.agentID)
	assert.Equal(t, codersdk.WorkspaceAgentLifecycleReady, a.LifecycleState)
	assert.NotNil(t, a.StartedAt)
	assert.NotNil(t, a.ReadyAt)
	assert.NotNil(t, a.FirstConnectedAt)
	assert.Equal(t, "v2.0.0", a.Version)
	assert.Equal(t, "/home/coder/src", a.ExpandedDirectory)
	assert.True(t, a.Health.Healthy)

	ws, err := e.client.Workspace(ctx, e.workspace.ID)
	require.NoError(t, err)
	assert.True(t, ws.Health.Healthy)
	assert.Empty(t, ws.Health.FailingAgents)
	wa := ws.LatestBuild.Resources[0].Agents[0]
	assert.Equal(t, codersdk.WorkspaceAgentConnected, wa.Status)
	require.Len(t, wa.LogSources, 1)
	require.Len(t, wa.Scripts, 1)
	assert.Equal(t, before.Scripts[0], wa.Scripts[0])
	assert.Equal(t, before.LogSources[0].ID, wa.LogSources[0].ID)
	healthy, err := e.client.Workspaces(ctx, codersdk.WorkspaceFilter{FilterQuery: "has-agent:connected"})
	require.NoError(t, err)
	assert.Len(t, healthy.Workspaces, 1)

	// Backwards is refused.
	err = conn.PostLifecycle(ctx, agentsdk.PostLifecycleRequest{State: codersdk.WorkspaceAgentLifecycleStartTimeout})
	requireStatus(t, err, http.StatusConflict)

	require.NoError(t, conn.PostAppHealth(ctx, agentsdk.PostAppHealthsRequest{
		Healths: map[uuid.UUID]codersdk.WorkspaceAppHealth{e.appID: codersdk.WorkspaceAppHealthHealthy},
	}))
	assert.Equal(t, codersdk.WorkspaceAppHealthHealthy, agentOf(t, e.client, e.agentID).Apps[0].Health)

	require.NoError(t, conn.PostListeningPorts(ctx, agentsdk.PostListeningPortsRequest{
		Ports: []agentsdk.ListeningPort{{ProcessName: "node", Network: "tcp", Port: 3000}},
	}))
	ports, err := e.client.WorkspaceAgentListeningPorts(ctx, e.agentID)
	require.NoError(t, err)
	require.Equal(t, []codersdk.WorkspaceAgentListeningPort{{ProcessName: "node", Network: "tcp", Port: 3000}}, ports.Ports)

	res, err := conn.PostStats(ctx, agentsdk.Stats{ConnectionCount: 1, SessionCountSSH: 1})
	require.NoError(t, err)
	assert.Equal(t, 30*time.Second, res.ReportInterval)

	_, err = conn.GitSSHKey(ctx)
	require.NoError(t, err)

	// Closing the connection is a clean disconnect.
	require.NoError(t, conn.Close())
	eventually(t, func() bool { return agentOf(t, e.client, e.agentID).Status == codersdk.WorkspaceAgentDisconnected }, "agent disconnected")
	ws, err = e.client.Workspace(ctx, e.workspace.ID)
	require.NoError(t, err)
	assert.False(t, ws.Health.Healthy)
	assert.Equal(t, []uuid.UUID{e.agentID}, ws.Health.FailingAgents)
}

func requireStatus(t *testing.T, err error, status int) {
	t.Helper()
	var sdkErr *codersdk.Error
	require.ErrorAs(t, err, &sdkErr)
	require.Equal(t, status, sdkErr.StatusCode(), sdkErr.Error())
}

// TestAgentTokenRefused: unknown tokens, stopped workspaces and superseded
// builds are refused with 401.
func TestAgentTokenRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := ctxT(t)

	_, err := (&agentsdk.Client{URL: e.client.URL, Token: "nope"}).Connect(ctx)
	requireStatus(t, err, http.StatusUnauthorized)

	// The token also works over plain HTTP.
	res := coderdtest.RawRequest(t, e.client, http.MethodGet, agentsdk.ManifestPath, nil, withToken(e.token))
	require.Equal(t, http.StatusOK, res.Status)

	build, err := e.client.CreateWorkspaceBuild(ctx, e.workspace.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop})
	require.NoError(t, err)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, e.client, build.ID)
	_, err = (&agentsdk.Client{URL: e.client.URL, Token: e.token}).Connect(ctx)
	requireStatus(t, err, http.StatusUnauthorized)
	res = coderdtest.RawRequest(t, e.client, http.MethodGet, agentsdk.ManifestPath, nil, withToken(e.token))
	require.Equal(t, http.StatusUnauthorized, res.Status)
	assert.True(t, strings.Contains(res.Response(t).Message, "superseded") || strings.Contains(res.Response(t).Message, "not started"), res.Response(t).Message)

	// Started again: the same token works for the new build's agent.
	build, err = e.client.CreateWorkspaceBuild(ctx, e.workspace.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStart})
	require.NoError(t, err)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, e.client, build.ID)
	conn := connect(t, e.client, e.token)
	m, err := conn.Manifest(ctx)
	require.NoError(t, err)
	assert.NotEqual(t, e.agentID, m.AgentID, "the new build has its own agent row")
}

// TestAgentTunnelRawUpgrade: the server switches the agent's connection
// to a raw stream when asked (agentsdk.TunnelUpgrade), and refuses a bad
// token before switching.
func TestAgentTunnelRawUpgrade(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := ctxT(t)
	upgrade := func(token string) *http.Response {
		u, err := e.client.URL.Parse(agentsdk.ConnectPath)
		require.NoError(t, err)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
		require.NoError(t, err)
		req.Header.Set(codersdk.SessionTokenHeader, token)
		req.Header.Set("Connection", "Upgrade")
		req.Header.Set("Upgrade", agentsdk.TunnelUpgrade)
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		t.Cleanup(func() { _ = res.Body.Close() })
		return res
	}
	res := upgrade("nope")
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	res = upgrade(e.token)
	assert.Equal(t, http.StatusSwitchingProtocols, res.StatusCode)
	assert.Equal(t, agentsdk.TunnelUpgrade, res.Header.Get("Upgrade"))
	eventually(t, func() bool {
		return agentOf(t, e.client, e.agentID).Status == codersdk.WorkspaceAgentConnected
	}, "the agent connected over the raw tunnel")
}

func withToken(token string) codersdk.RequestOption {
	return func(r *http.Request) { r.Header.Set(codersdk.SessionTokenHeader, token) }
}
