package appproxytest_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
	"github.com/devplane/devplane/database"
)

func appPath(e env, slug string) string {
	return "/@" + e.owner.Username + "/" + e.workspace.Name + "/apps/" + slug
}

// TestPathAppServesAndHidesCredentials: the owner reaches the app by path,
// with and without the agent's name; the app gets the path below its base
// URL, X-Forwarded-* headers, and never the session token (header, cookie
// or query parameter), while other cookies pass.
func TestPathAppServesAndHidesCredentials(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)

	res := get(t, e.client, appPath(e, "owner-app")+"/some/page?x=1&"+codersdk.SessionTokenQueryParam+"=leak", func(r *http.Request) {
		r.AddCookie(&http.Cookie{Name: codersdk.SessionTokenCookie, Value: e.client.SessionToken()})
		r.AddCookie(&http.Cookie{Name: "keep", Value: "1"})
	})
	s := decodeSeen(t, res)
	assert.Equal(t, "/base/some/page", s.Path)
	assert.Equal(t, "x=1", s.Query)
	assert.Equal(t, []string{"keep"}, s.Cookies)
	for k, v := range s.Headers {
		assert.NotContains(t, v, e.client.SessionToken(), "header %s carries the token", k)
	}
	_, hasToken := s.Headers[http.CanonicalHeaderKey(codersdk.SessionTokenHeader)]
	assert.False(t, hasToken)
	assert.NotEmpty(t, s.ForwardedFor)
	assert.Equal(t, e.client.URL.Host, s.ForwardedHost)

	// With the agent named.
	res = get(t, e.client, "/@"+e.owner.Username+"/"+e.workspace.Name+".main/apps/owner-app/")
	assert.Equal(t, "/base/", decodeSeen(t, res).Path)

	// Without the trailing slash: redirected to it.
	res = get(t, e.client, appPath(e, "owner-app"))
	assert.Equal(t, http.StatusTemporaryRedirect, res.StatusCode)
	assert.True(t, strings.HasSuffix(res.Header.Get("Location"), "/apps/owner-app/"))

	// Unknown app and workspace: 404.
	assert.Equal(t, http.StatusNotFound, get(t, e.client, appPath(e, "nope")+"/").StatusCode)
	assert.Equal(t, http.StatusNotFound, get(t, e.client, "/@"+e.owner.Username+"/nope/apps/owner-app/").StatusCode)
}

// TestAppsOverEitherTunnel: the server takes the agent's tunnel as a raw
// upgrade (what the agent asks for) or as a WebSocket (what a proxy that
// passes nothing else leaves), and apps answer through both, down to a
// download several stream windows long.
func TestAppsOverEitherTunnel(t *testing.T) {
	t.Parallel()
	for _, webSocketOnly := range []bool{false, true} {
		name := "raw"
		if webSocketOnly {
			name = "websocket"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnvTunnel(t, nil, webSocketOnly)
			res := get(t, e.client, appPath(e, "owner-app")+"/page")
			assert.Equal(t, "/base/page", decodeSeen(t, res).Path)

			const size = 3*agentsdk.StreamWindowSize + 1234
			res = get(t, e.client, appPath(e, "owner-app")+"/big?n="+strconv.Itoa(size))
			defer res.Body.Close()
			require.Equal(t, http.StatusOK, res.StatusCode)
			n, err := io.Copy(io.Discard, res.Body)
			require.NoError(t, err)
			assert.EqualValues(t, size, n)
		})
	}
}

// TestPathAppWebSocket: a WebSocket echo in the workspace answers through
// the proxy.
func TestPathAppWebSocket(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// The declared apps' base is /base; the port app reaches the root.
	u := strings.Replace(e.client.URL.String(), "http", "ws", 1) + appPath(e, strconv.Itoa(e.appPort)) + "/ws"
	c, res, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: http.Header{codersdk.SessionTokenHeader: {e.client.SessionToken()}}})
	require.NoError(t, err)
	if res != nil && res.Body != nil {
		_ = res.Body.Close()
	}
	defer c.CloseNow()
	for _, msg := range []string{"hello", "world"} {
		require.NoError(t, c.Write(ctx, websocket.MessageText, []byte(msg)))
		_, got, err := c.Read(ctx)
		require.NoError(t, err)
		assert.Equal(t, msg, string(got))
	}
}

// TestSharingLevels: owner-only apps are 404 to another member; the
// authenticated and organization apps are open to members; a public app is
// open signed out; a signed-out browser on a private app is sent to login.
func TestSharingLevels(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	member, _ := coderdtest.CreateAnotherUser(t, e.client, e.orgID)
	anon := coderdtest.Anonymous(e.client)

	assert.Equal(t, http.StatusNotFound, get(t, member, appPath(e, "owner-app")+"/").StatusCode)
	assert.Equal(t, http.StatusNotFound, get(t, member, appPath(e, strconv.Itoa(e.appPort))+"/").StatusCode)
	decodeSeen(t, get(t, member, appPath(e, "authed-app")+"/"))
	decodeSeen(t, get(t, member, appPath(e, "org-app")+"/"))
	decodeSeen(t, get(t, member, appPath(e, "public-app")+"/"))

	decodeSeen(t, get(t, anon, appPath(e, "public-app")+"/"))
	assert.Equal(t, http.StatusUnauthorized, get(t, anon, appPath(e, "authed-app")+"/").StatusCode)
	res := get(t, anon, appPath(e, "owner-app")+"/page", func(r *http.Request) { r.Header.Set("Accept", "text/html") })
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Contains(t, res.Header.Get("Location"), "/login?redirect=")
	assert.Contains(t, res.Header.Get("Location"), "owner-app%2Fpage")
}

// TestPortShare: a port nobody shared is the owner's; shared at
// authenticated, another member reaches it; unshared, not any more.
func TestPortShare(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	member, _ := coderdtest.CreateAnotherUser(t, e.client, e.orgID)
	path := appPath(e, strconv.Itoa(e.appPort)) + "/x"

	assert.Equal(t, "/x", decodeSeen(t, get(t, e.client, path)).Path)
	assert.Equal(t, http.StatusNotFound, get(t, member, path).StatusCode)

	ctx := context.Background()
	_, err := e.client.UpsertWorkspaceAgentPortShare(ctx, e.workspace.ID, codersdk.UpsertWorkspaceAgentPortShareRequest{
		AgentName: "main", Port: int32(e.appPort), ShareLevel: codersdk.WorkspaceAgentPortShareLevelAuthenticated,
		Protocol: codersdk.WorkspaceAgentPortShareProtocolHTTP,
	})
	require.NoError(t, err)
	decodeSeen(t, get(t, member, path))

	require.NoError(t, e.client.DeleteWorkspaceAgentPortShare(ctx, e.workspace.ID, codersdk.DeleteWorkspaceAgentPortShareRequest{
		AgentName: "main", Port: int32(e.appPort),
	}))
	assert.Equal(t, http.StatusNotFound, get(t, member, path).StatusCode)
}

// TestUnreachable: a port nothing listens on and an agent that left give
// 502 with a clear message, never a 500.
func TestUnreachable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	res := get(t, e.client, appPath(e, "1")+"/")
	require.Equal(t, http.StatusBadGateway, res.StatusCode)
	body, _ := io.ReadAll(res.Body)
	assert.Contains(t, string(body), "Connection refused to port 1 in the workspace.")

	res = get(t, e.client, appPath(e, "1")+"/", func(r *http.Request) { r.Header.Set("Accept", "text/html") })
	require.Equal(t, http.StatusBadGateway, res.StatusCode)
	assert.Contains(t, res.Header.Get("Content-Type"), "text/html")
}

// TestAppSessionsRecorded: several requests of one user to one app are one
// workspace_app connection on record, not one per request.
func TestAppSessionsRecorded(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for range 3 {
		decodeSeen(t, get(t, e.client, appPath(e, "owner-app")+"/"))
	}
	decodeSeen(t, get(t, e.client, appPath(e, "public-app")+"/"))
	logs, err := e.db.GetConnectionLogsOffset(context.Background(), database.GetConnectionLogsOffsetParams{
		WorkspaceID: e.workspace.ID, AuthAll: true, LimitOpt: 100,
	})
	require.NoError(t, err)
	bySlug := map[string]int{}
	for _, l := range logs {
		assert.Equal(t, string(codersdk.ConnectionTypeWorkspaceApp), l.Type)
		assert.Equal(t, e.owner.ID, l.UserID.UUID)
		bySlug[l.SlugOrPort]++
	}
	assert.Equal(t, map[string]int{"owner-app": 1, "public-app": 1}, bySlug)
}
