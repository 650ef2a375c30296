// Package appproxytest drives the app proxy and port forwarding end to end:
// a coderdtest server, a workspace from the echo provisioner and the real
// agent running in-process, reaching HTTP and WebSocket services that the
// test starts on loopback (the "workspace" is this machine).
package appproxytest_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/agent"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }

// seen is what the app was sent.
type seen struct {
	Path          string            `json:"path"`
	Query         string            `json:"query"`
	Headers       map[string]string `json:"headers"`
	Cookies       []string          `json:"cookies"`
	ForwardedFor  string            `json:"forwarded_for"`
	ForwardedHost string            `json:"forwarded_host"`
}

// startApp serves, on loopback, a JSON echo of each request and a
// WebSocket echo at /ws. It returns the port.
func startApp(t testing.TB) int {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		for {
			typ, msg, err := c.Read(r.Context())
			if err != nil {
				return
			}
			if err := c.Write(r.Context(), typ, msg); err != nil {
				return
			}
		}
	})
	// /base/big?n=N answers N bytes, for throughput.
	mux.HandleFunc("/base/big", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		chunk := make([]byte, 256<<10)
		w.Header().Set("Content-Length", strconv.Itoa(n))
		for n > 0 {
			k := min(n, len(chunk))
			if _, err := w.Write(chunk[:k]); err != nil {
				return
			}
			n -= k
		}
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s := seen{Path: r.URL.Path, Query: r.URL.RawQuery, Headers: map[string]string{},
			ForwardedFor: r.Header.Get("X-Forwarded-For"), ForwardedHost: r.Header.Get("X-Forwarded-Host")}
		for k := range r.Header {
			s.Headers[k] = r.Header.Get(k)
		}
		for _, c := range r.Cookies() {
			s.Cookies = append(s.Cookies, c.Name)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	require.NoError(t, err)
	p, err := strconv.Atoi(port)
	require.NoError(t, err)
	return p
}

type env struct {
	client    *codersdk.Client
	orgID     uuid.UUID
	owner     codersdk.User
	workspace codersdk.Workspace
	agentID   uuid.UUID
	appPort   int
	db        database.Store // raw, for checking what was recorded
}

// newEnv starts a server, a workspace whose agent declares apps at every
// sharing level on the test's app, and the agent.
func newEnv(t testing.TB, opts *coderdtest.Options) env {
	t.Helper()
	return newEnvTunnel(t, opts, false)
}

// newEnvTunnel is newEnv with the agent's tunnel over a WebSocket when
// webSocketOnly (as through a proxy that passes nothing else), instead of
// the raw upgrade.
func newEnvTunnel(t testing.TB, opts *coderdtest.Options, webSocketOnly bool) env {
	t.Helper()
	if opts == nil {
		opts = &coderdtest.Options{}
	}
	opts.IncludeProvisionerDaemon = true
	client, _, db := coderdtest.NewWithDatabase(t, opts)
	first := coderdtest.CreateFirstUser(t, client)
	port := startApp(t)
	appURL := "http://localhost:" + strconv.Itoa(port) + "/base"
	token := uuid.NewString()
	ag := echo.Agent{
		Name: "main", OS: "linux", Arch: "amd64", Token: token, ConnectionTimeoutSeconds: 600,
		Apps: []echo.App{
			{Slug: "owner-app", URL: appURL, SharingLevel: "owner"},
			{Slug: "authed-app", URL: appURL, SharingLevel: "authenticated"},
			{Slug: "org-app", URL: appURL, SharingLevel: "organization"},
			{Slug: "public-app", URL: appURL, SharingLevel: "public"},
			{Slug: "sub-app", URL: appURL, SharingLevel: "owner", Subdomain: true},
		},
	}
	spec := echo.Spec{Start: echo.Phase{Resources: []echo.Resource{{Name: "dev", Type: "null_resource", Agents: []echo.Agent{ag}}}}}
	archive, err := echo.Template(spec)
	require.NoError(t, err)
	version := coderdtest.CreateTemplateVersion(t, client, first.OrganizationID, archive, uuid.Nil)
	coderdtest.AwaitTemplateVersionJobCompleted(t, client, version.ID)
	template := coderdtest.CreateTemplate(t, client, first.OrganizationID, version.ID)
	public := codersdk.WorkspaceAgentPortShareLevelPublic
	_, err = client.UpdateTemplateMeta(context.Background(), template.ID, codersdk.UpdateTemplateMeta{MaxPortShareLevel: &public})
	require.NoError(t, err)
	ws := coderdtest.CreateWorkspace(t, client, template.ID)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, client, ws.LatestBuild.ID)
	ws, err = client.Workspace(context.Background(), ws.ID)
	require.NoError(t, err)
	agentID := ws.LatestBuild.Resources[0].Agents[0].ID

	coderdtest.RunAgent(t, client.URL, token, func(o *agent.Options) { o.Client.WebSocketOnly = webSocketOnly })
	coderdtest.AwaitAgentConnected(t, client, agentID)

	me, err := client.User(context.Background(), codersdk.Me)
	require.NoError(t, err)
	return env{client: client, orgID: first.OrganizationID, owner: me, workspace: ws, agentID: agentID, appPort: port, db: db}
}

// get requests path on the server, with the client's token when it has one.
func get(t testing.TB, c *codersdk.Client, path string, mod ...func(*http.Request)) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, c.URL.String()+path, nil)
	require.NoError(t, err)
	if tok := c.SessionToken(); tok != "" {
		req.Header.Set(codersdk.SessionTokenHeader, tok)
	}
	for _, m := range mod {
		m(req)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = res.Body.Close() })
	return res
}

func decodeSeen(t testing.TB, res *http.Response) seen {
	t.Helper()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var s seen
	require.NoError(t, json.NewDecoder(res.Body).Decode(&s))
	return s
}
