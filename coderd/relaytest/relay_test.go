package relaytest_test

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd"
	"github.com/devplane/devplane/coderd/agentconn"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtestutil"
	"github.com/devplane/devplane/testutil/ptyterm"
	"github.com/devplane/devplane/testutil/tcpproxy"
)

// replica is one server of the deployment, reached directly by users and
// by the other replicas through relay, a proxy the test can cut.
type replica struct {
	client *codersdk.Client
	api    *coderd.API
	db     database.Store
	relay  *tcpproxy.Proxy
}

func newReplica(t *testing.T, dbURL string, provisioner bool) replica {
	t.Helper()
	relay := tcpproxy.New(t)
	vals, _ := coderdtest.DeploymentValues(t)
	require.NoError(t, vals.Replicas.RelayURL.Set(relay.URL()))
	client, api, db := coderdtest.NewWithDatabase(t, &coderdtest.Options{
		DatabaseURL: dbURL, DeploymentValues: vals, IncludeProvisionerDaemon: provisioner,
	})
	relay.SetTarget(client.URL.Host)
	return replica{client: client, api: api, db: db, relay: relay}
}

// env: replicas A and B on one database, a running workspace, and a load
// balancer the agent dials, sending it to A.
type env struct {
	a, b    replica
	lb      *tcpproxy.Proxy
	agentID uuid.UUID
	token   string
}

func newEnv(t *testing.T) env {
	t.Helper()
	dbURL := dbtestutil.Open(t)
	a := newReplica(t, dbURL, true)
	b := newReplica(t, dbURL, false)
	first := coderdtest.CreateFirstUser(t, a.client)
	b.client.SetSessionToken(a.client.SessionToken())

	token := uuid.NewString()
	spec := echo.Spec{Start: echo.Phase{Resources: []echo.Resource{{
		Name: "dev", Type: "null_resource",
		Agents: []echo.Agent{{Name: "main", OS: "linux", Arch: "amd64", Token: token, ConnectionTimeoutSeconds: 600}},
	}}}}
	archive, err := echo.Template(spec)
	require.NoError(t, err)
	version := coderdtest.CreateTemplateVersion(t, a.client, first.OrganizationID, archive, uuid.Nil)
	coderdtest.AwaitTemplateVersionJobCompleted(t, a.client, version.ID)
	template := coderdtest.CreateTemplate(t, a.client, first.OrganizationID, version.ID)
	ws := coderdtest.CreateWorkspace(t, a.client, template.ID)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, a.client, ws.LatestBuild.ID)
	ws, err = a.client.Workspace(context.Background(), ws.ID)
	require.NoError(t, err)
	var agentID uuid.UUID
	for _, r := range ws.LatestBuild.Resources {
		for _, ag := range r.Agents {
			agentID = ag.ID
		}
	}
	require.NotEqual(t, uuid.Nil, agentID)

	lb := tcpproxy.New(t)
	lb.SetTarget(a.client.URL.Host)
	return env{a: a, b: b, lb: lb, agentID: agentID, token: token}
}

// startAgent runs the agent in-process behind the load balancer and waits
// until replica A holds its connection.
func (e env) startAgent(t *testing.T) {
	t.Helper()
	lbURL, err := url.Parse(e.lb.URL())
	require.NoError(t, err)
	coderdtest.RunAgent(t, lbURL, e.token)
	require.Eventually(t, func() bool { return e.a.api.AgentConns.Get(e.agentID) != nil }, 60*time.Second, 20*time.Millisecond,
		"the agent connects to replica A")
}

// term is one client connection to a terminal, collecting its output.
func open(t *testing.T, client *codersdk.Client, agentID uuid.UUID) *ptyterm.Terminal {
	t.Helper()
	return ptyterm.Open(t, client, codersdk.WorkspaceAgentReconnectingPTYOpts{
		AgentID: agentID, Reconnect: uuid.New(), Height: 24, Width: 80, Command: "/bin/sh",
	})
}

func ptyPath(agentID uuid.UUID) string {
	return "/api/v2/workspaceagents/" + agentID.String() + "/pty?reconnect=" + uuid.NewString()
}

// TestTerminalThroughOtherReplica: the agent is connected to A; a terminal
// opened through B is relayed to A and works both ways; the session is on
// record once, by B.
func TestTerminalThroughOtherReplica(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startAgent(t)
	require.Nil(t, e.b.api.AgentConns.Get(e.agentID), "the agent is not connected to B")

	tm := open(t, e.b.client, e.agentID)
	tm.Type(t, "echo relayed-$((6*7))\r")
	tm.Await(t, "relayed-42")
	// Input that waits for the end of a line still comes back whole.
	tm.Type(t, "read X; echo got-$X\r")
	tm.Type(t, "typed\r")
	tm.Await(t, "got-typed")
	_ = tm.Conn.Close()

	// The session was authorized and recorded by B, once; A's relay only
	// carried it.
	require.Eventually(t, func() bool {
		logs, err := e.b.client.AuditLogs(context.Background(), codersdk.AuditLogsRequest{SearchQuery: "resource_type:workspace_agent"})
		if err != nil {
			return false
		}
		actions := []codersdk.AuditAction{}
		for _, l := range logs.AuditLogs {
			actions = append(actions, l.Action)
		}
		slices.Sort(actions)
		return slices.Equal([]codersdk.AuditAction{codersdk.AuditActionConnect, codersdk.AuditActionDisconnect}, actions)
	}, 30*time.Second, 50*time.Millisecond, "one connect and one disconnect on record")
}

// TestRelayRefusesWrongSecret: the relay route answers 404 (JSON, like any
// unknown route) without the deployment's secret, 404 for an agent not
// connected to that replica, and hands out a stream with it.
func TestRelayRefusesWrongSecret(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startAgent(t)
	relayPath := agentconn.RelayPathPrefix + e.agentID.String()
	upgrade := func(secret string) codersdk.RequestOption {
		return func(r *http.Request) {
			r.Header.Set("Connection", "Upgrade")
			r.Header.Set("Upgrade", agentconn.RelayUpgrade)
			if secret != "" {
				r.Header.Set(agentconn.RelaySecretHeader, secret)
			}
		}
	}
	anon := coderdtest.Anonymous(e.a.client)
	for _, secret := range []string{"", "wrong", strings.Repeat("0", 64)} {
		res := coderdtest.RawRequest(t, anon, http.MethodGet, relayPath, nil, upgrade(secret))
		assert.Equal(t, http.StatusNotFound, res.Status, "secret %q", secret)
	}

	secret, err := e.a.db.GetReplicaRelaySecret(context.Background())
	require.NoError(t, err)
	require.Len(t, secret, 64, "32 random bytes, hex")
	// Both replicas use the one secret of the deployment.
	require.True(t, e.b.api.AgentConns.RelayAuthorized(withSecret(secret)))

	// B does not hold the agent.
	res := coderdtest.RawRequest(t, coderdtest.Anonymous(e.b.client), http.MethodGet, relayPath, nil, upgrade(secret))
	assert.Equal(t, http.StatusNotFound, res.Status)
	assert.Contains(t, string(res.Body), "not connected to this replica")
	// Not an upgrade.
	res = coderdtest.RawRequest(t, anon, http.MethodGet, relayPath, nil, func(r *http.Request) {
		r.Header.Set(agentconn.RelaySecretHeader, secret)
	})
	assert.Equal(t, http.StatusUpgradeRequired, res.Status)

	// B's registry dials the agent through A's relay, with the secret.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	stream, err := e.b.api.AgentConns.Dial(ctx, e.agentID, agentsdk.AgentPTYPath+"?reconnect="+uuid.NewString()+"&command=/bin/sh")
	require.NoError(t, err)
	_ = stream.Close()
}

func withSecret(secret string) *http.Request {
	r, _ := http.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set(agentconn.RelaySecretHeader, secret)
	return r
}

// TestOwningReplicaGone: when A's relay address stops answering, B says
// clearly that the agent cannot be reached (502, not a 500 or a hang);
// once A is stopped the same; when the agent reconnects (through the load
// balancer, now to B) the terminal through B works again.
func TestOwningReplicaGone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.startAgent(t)
	tm := open(t, e.b.client, e.agentID)
	tm.Type(t, "echo before-$((1+1))\r")
	tm.Await(t, "before-2")

	// A unreachable, still registered live and holding the agent.
	e.a.relay.Close()
	res := coderdtest.RawRequest(t, e.b.client, http.MethodGet, ptyPath(e.agentID), nil)
	assert.Equal(t, http.StatusBadGateway, res.Status)
	// Named by A's hostname, not its relay address.
	assert.Equal(t, `The workspace agent is connected to server replica "`+e.a.api.Replicas.Hostname()+`", which cannot be reached.`, res.Response(t).Message)
	assert.NotContains(t, string(res.Body), e.a.relay.URL())
	// The running session through the cut relay ended instead of hanging.
	_, err := readUntilClosed(tm.Conn)
	assert.Error(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = e.b.api.AgentConns.Dial(ctx, e.agentID, agentsdk.AgentPTYPath)
	require.ErrorIs(t, err, agentconn.ErrAgentNotConnected)
	require.ErrorIs(t, err, agentconn.ErrReplicaUnreachable)
	assert.Contains(t, err.Error(), "unreachable")

	// A stops: its row says so, so B no longer even tries it.
	require.NoError(t, e.a.api.Replicas.Close(ctx))
	_, err = e.b.api.AgentConns.Dial(ctx, e.agentID, agentsdk.AgentPTYPath)
	require.ErrorIs(t, err, agentconn.ErrAgentNotConnected)
	assert.NotErrorIs(t, err, agentconn.ErrReplicaUnreachable)
	res = coderdtest.RawRequest(t, e.b.client, http.MethodGet, ptyPath(e.agentID), nil)
	assert.Equal(t, http.StatusBadGateway, res.Status)

	// The load balancer now sends the agent to B, which serves it locally.
	e.lb.SetTarget(e.b.client.URL.Host)
	require.Eventually(t, func() bool { return e.b.api.AgentConns.Get(e.agentID) != nil }, 60*time.Second, 20*time.Millisecond,
		"the agent reconnects to B")
	again := open(t, e.b.client, e.agentID)
	again.Type(t, "echo after-$((2+2))\r")
	again.Await(t, "after-4")
}

// readUntilClosed drains conn until it fails, with a generous bound so a
// hang fails the test instead of stalling it.
func readUntilClosed(conn net.Conn) (int, error) {
	_ = conn.SetReadDeadline(time.Now().Add(60 * time.Second))
	buf := make([]byte, 4096)
	total := 0
	for {
		n, err := conn.Read(buf)
		total += n
		if err != nil {
			return total, err
		}
	}
}
