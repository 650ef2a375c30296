package connaccesstest_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
)

const wildcard = "apps.test"

// in is the expectation "gets in": a WebSocket path upgrades and carries
// the service's bytes, an HTTP path answers 200 from the app.
const in = http.StatusOK

// startService serves, on loopback, a page naming itself. It returns the
// port.
func startService(t *testing.T, name string) int {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "service "+name)
	}))
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().(*net.TCPAddr).Port
}

type env struct {
	server    *codersdk.Client // signed out; the users' clients share its URL
	workspace codersdk.Workspace
	owner     codersdk.User
	agentID   uuid.UUID
	appPort   int // the apps' service; also shared at the authenticated level
	otherPort int // a service on a port nobody shared
}

// newEnv: the site admin makes a template whose agent declares an app at
// each sharing level and a subdomain app; a member (the owner) makes a
// workspace from it, shares appPort at the authenticated level, and its
// agent runs in-process.
func newEnv(t *testing.T, admin *codersdk.Client, orgID uuid.UUID, owner *codersdk.Client) env {
	t.Helper()
	ctx := context.Background()
	appPort := startService(t, "app")
	appURL := "http://127.0.0.1:" + strconv.Itoa(appPort)
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
	version := coderdtest.CreateTemplateVersion(t, admin, orgID, archive, uuid.Nil)
	coderdtest.AwaitTemplateVersionJobCompleted(t, admin, version.ID)
	template := coderdtest.CreateTemplate(t, admin, orgID, version.ID)
	public := codersdk.WorkspaceAgentPortShareLevelPublic
	_, err = admin.UpdateTemplateMeta(ctx, template.ID, codersdk.UpdateTemplateMeta{MaxPortShareLevel: &public})
	require.NoError(t, err)

	ws := coderdtest.CreateWorkspace(t, owner, template.ID)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, owner, ws.LatestBuild.ID)
	ws, err = owner.Workspace(ctx, ws.ID)
	require.NoError(t, err)
	agentID := ws.LatestBuild.Resources[0].Agents[0].ID

	coderdtest.RunAgent(t, owner.URL, token)
	coderdtest.AwaitAgentConnected(t, owner, agentID)

	_, err = owner.UpsertWorkspaceAgentPortShare(ctx, ws.ID, codersdk.UpsertWorkspaceAgentPortShareRequest{
		AgentName: "main", Port: int32(appPort), ShareLevel: codersdk.WorkspaceAgentPortShareLevelAuthenticated,
		Protocol: codersdk.WorkspaceAgentPortShareProtocolHTTP,
	})
	require.NoError(t, err)
	me, err := owner.User(ctx, codersdk.Me)
	require.NoError(t, err)
	return env{
		server: coderdtest.Anonymous(owner), workspace: ws, owner: me, agentID: agentID,
		appPort: appPort, otherPort: startService(t, "other"),
	}
}

// A path is one way into the workspace; try answers in for a way in, or
// the refusal's status.
type path struct {
	name string
	try  func(t *testing.T, e env, c *codersdk.Client, browser bool) int
}

func paths() []path {
	app := func(slug string, withAgent bool) func(*testing.T, env, *codersdk.Client, bool) int {
		return func(t *testing.T, e env, c *codersdk.Client, browser bool) int {
			ws := e.workspace.Name
			if withAgent {
				ws += ".main"
			}
			return httpGet(t, c, c.URL.String(), "/@"+e.owner.Username+"/"+ws+"/apps/"+slug+"/", browser)
		}
	}
	return []path{
		{"terminal", tryTerminal},
		{"ssh", trySSH},
		{"port-forward", tryPortForward},
		{"listening-ports", func(t *testing.T, e env, c *codersdk.Client, _ bool) int {
			return httpGet(t, c, c.URL.String(), "/api/v2/workspaceagents/"+e.agentID.String()+"/listening-ports", false)
		}},
		{"owner-app", app("owner-app", true)},
		{"owner-app (single agent)", app("owner-app", false)},
		{"authed-app", app("authed-app", true)},
		{"org-app", app("org-app", false)},
		{"public-app", app("public-app", true)},
		{"shared port", func(t *testing.T, e env, c *codersdk.Client, browser bool) int {
			return app(strconv.Itoa(e.appPort), false)(t, e, c, browser)
		}},
		{"unshared port", func(t *testing.T, e env, c *codersdk.Client, browser bool) int {
			return app(strconv.Itoa(e.otherPort), true)(t, e, c, browser)
		}},
		{"subdomain app", func(t *testing.T, e env, c *codersdk.Client, browser bool) int {
			host := "sub-app--main--" + e.workspace.Name + "--" + e.owner.Username + "." + wildcard
			return httpGet(t, c, "http://"+host, "/", browser)
		}},
	}
}

// httpGet requests path at base, sent to the test server (base's host is
// only the Host header), with the client's token if any; browser asks for
// HTML as a browser does. An app's own page is in.
func httpGet(t *testing.T, c *codersdk.Client, base, path string, browser bool) int {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, c.URL.String()+path, nil)
	require.NoError(t, err)
	req.Host = strings.TrimPrefix(base, "http://")
	if tok := c.SessionToken(); tok != "" {
		req.Header.Set(codersdk.SessionTokenHeader, tok)
	}
	if browser {
		req.Header.Set("Accept", "text/html")
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 500 {
		t.Errorf("%s: %d %s", path, res.StatusCode, body)
	}
	if res.StatusCode == http.StatusOK && strings.Contains(path, "/apps/") && !strings.HasPrefix(string(body), "service ") {
		t.Errorf("%s: 200 but not the service: %s", path, body)
	}
	if res.StatusCode == http.StatusOK && req.Host != c.URL.Host && string(body) != "service app" {
		t.Errorf("subdomain: 200 but not the app: %s", body)
	}
	return res.StatusCode
}

// refusal is the status of a refused WebSocket dial.
func refusal(t *testing.T, err error) int {
	t.Helper()
	var sdkErr *codersdk.Error
	require.True(t, errors.As(err, &sdkErr), "not an API refusal: %v", err)
	if sdkErr.StatusCode() >= 500 {
		t.Errorf("refused with %d: %s", sdkErr.StatusCode(), sdkErr.Message)
	}
	return sdkErr.StatusCode()
}

func tryTerminal(t *testing.T, e env, c *codersdk.Client, _ bool) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := c.WorkspaceAgentReconnectingPTY(ctx, codersdk.WorkspaceAgentReconnectingPTYOpts{
		AgentID: e.agentID, Reconnect: uuid.New(), Height: 24, Width: 80, Command: "/bin/sh",
	})
	if err != nil {
		return refusal(t, err)
	}
	defer conn.Close()
	_, err = fmt.Fprintf(conn, `{"data":"echo in-$((20+22))\r"}`)
	require.NoError(t, err)
	_ = conn.SetReadDeadline(time.Now().Add(60 * time.Second))
	var out strings.Builder
	buf := make([]byte, 4096)
	for !strings.Contains(out.String(), "in-42") {
		n, err := conn.Read(buf)
		out.Write(buf[:n])
		require.NoError(t, err, "terminal output so far: %q", out.String())
	}
	return in
}

func trySSH(t *testing.T, e env, c *codersdk.Client, _ bool) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := c.DialWorkspaceAgentSSH(ctx, e.agentID)
	if err != nil {
		return refusal(t, err)
	}
	defer conn.Close()
	_ = conn.SetReadDeadline(time.Now().Add(60 * time.Second))
	banner, err := bufio.NewReader(conn).ReadString('\n')
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(banner, "SSH-2.0-"), "banner %q", banner)
	return in
}

func tryPortForward(t *testing.T, e env, c *codersdk.Client, _ bool) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ws, err := c.DialWorkspaceAgentPort(ctx, e.agentID, "tcp", uint16(e.otherPort))
	if err != nil {
		return refusal(t, err)
	}
	conn := websocket.NetConn(context.WithoutCancel(ctx), ws, websocket.MessageBinary)
	defer conn.Close()
	_, err = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
	require.NoError(t, err)
	_ = conn.SetReadDeadline(time.Now().Add(60 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	require.Equal(t, "service other", string(body))
	return in
}

// TestAccessOnEveryPath is issue 19's "done when": a member without access
// gets 404 on every connection path, users the workspace is shared with
// (workspace ACL, "use" or "admin") get in, and a public app is reachable
// signed out. Per Coder's sharing levels, apps shared wider than the owner
// are reachable by whom their level names, and a port the owner shared at
// the authenticated level by every signed-in user.
func TestAccessOnEveryPath(t *testing.T) {
	t.Parallel()
	vals, optSet := coderdtest.DeploymentValues(t)
	require.NoError(t, vals.WildcardAccessURL.Set("*."+wildcard))
	admin := coderdtest.New(t, &coderdtest.Options{DeploymentValues: vals, DeploymentOptions: optSet, IncludeProvisionerDaemon: true})
	first := coderdtest.CreateFirstUser(t, admin)
	ctx := context.Background()

	owner, _ := coderdtest.CreateAnotherUser(t, admin, first.OrganizationID)
	e := newEnv(t, admin, first.OrganizationID, owner)
	sharedUse, useUser := coderdtest.CreateAnotherUser(t, admin, first.OrganizationID)
	sharedAdmin, adminUser := coderdtest.CreateAnotherUser(t, admin, first.OrganizationID)
	// The owner shares the workspace; "use" and "admin" are the roles.
	require.NoError(t, owner.UpdateWorkspaceACL(ctx, e.workspace.ID, codersdk.UpdateWorkspaceACL{
		UserRoles: map[string]codersdk.WorkspaceRole{
			useUser.ID.String():   codersdk.WorkspaceRoleUse,
			adminUser.ID.String(): codersdk.WorkspaceRoleAdmin,
		},
	}))
	outsider, _ := coderdtest.CreateAnotherUser(t, admin, first.OrganizationID)
	// A template admin reads every workspace but may not connect.
	reader, _ := coderdtest.CreateAnotherUser(t, admin, first.OrganizationID, "template-admin")
	otherOrg, err := admin.CreateOrganization(ctx, codersdk.CreateOrganizationRequest{Name: "elsewhere"})
	require.NoError(t, err)
	stranger, _ := coderdtest.CreateAnotherUser(t, admin, otherOrg.ID)
	anonymous := e.server

	const (
		no     = http.StatusNotFound
		denied = http.StatusForbidden
		out    = http.StatusUnauthorized
		login  = http.StatusSeeOther
	)
	everywhere := []int{in, in, in, in, in, in, in, in, in, in, in, in}
	cases := []struct {
		user    string
		client  *codersdk.Client
		browser bool
		// terminal, ssh, port-forward, listening-ports, owner-app,
		// owner-app (single agent), authed-app, org-app, public-app,
		// shared port, unshared port, subdomain app
		want []int
	}{
		{"owner", owner, false, everywhere},
		{"site admin", admin, false, everywhere},
		{"shared (use)", sharedUse, false, everywhere},
		{"shared (admin)", sharedAdmin, false, everywhere},
		{"member without access", outsider, false, []int{no, no, no, no, no, no, in, in, in, in, no, no}},
		{"member of another organization", stranger, false, []int{no, no, no, no, no, no, in, no, in, in, no, no}},
		{"reader who may not connect", reader, false, []int{denied, denied, denied, in, no, no, in, in, in, in, no, no}},
		{"signed out", anonymous, false, []int{out, out, out, out, out, out, out, out, in, out, out, out}},
		{"signed out browser", anonymous, true, []int{out, out, out, out, login, login, login, login, in, login, login, login}},
	}
	for _, tc := range cases {
		t.Run(tc.user, func(t *testing.T) {
			for i, p := range paths() {
				assert.Equal(t, tc.want[i], p.try(t, e, tc.client, tc.browser), "%s: %s", tc.user, p.name)
			}
		})
	}
}
