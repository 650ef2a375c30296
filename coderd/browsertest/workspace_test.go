package browsertest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
)

// hangGuard only keeps a broken test from hanging; no assertion depends on
// it.
const hangGuard = 2 * time.Minute

// shortTimeouts stand in for the minutes a real server allows.
var shortTimeouts = httpmw.Timeouts{Body: time.Second, MinBodyRate: 1 << 30, Write: 500 * time.Millisecond}

type fixture struct {
	owner, member *codersdk.Client
	memberUser    codersdk.User
	template      codersdk.Template
}

// newFixture is a server with a daemon, an echo template and a member.
func newFixture(t *testing.T, opts *coderdtest.Options) fixture {
	t.Helper()
	if opts == nil {
		opts = &coderdtest.Options{}
	}
	opts.IncludeProvisionerDaemon = true
	owner := coderdtest.New(t, opts)
	first := coderdtest.CreateFirstUser(t, owner)
	v := coderdtest.CreateTemplateVersion(t, owner, first.OrganizationID, nil, uuid.Nil)
	coderdtest.AwaitTemplateVersionJobCompleted(t, owner, v.ID)
	tpl := coderdtest.CreateTemplate(t, owner, first.OrganizationID, v.ID)
	member, memberUser := coderdtest.CreateAnotherUser(t, owner, first.OrganizationID)
	return fixture{owner: owner, member: member, memberUser: memberUser, template: tpl}
}

func (f fixture) runningWorkspace(t *testing.T) codersdk.Workspace {
	t.Helper()
	w := coderdtest.CreateWorkspace(t, f.member, f.template.ID)
	b := coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, w.LatestBuild.ID)
	require.Equal(t, codersdk.WorkspaceStatusRunning, b.Status, b.Job.Error)
	return w
}

func (f fixture) build(t *testing.T, w codersdk.Workspace, transition codersdk.WorkspaceTransition) codersdk.WorkspaceBuild {
	t.Helper()
	b, err := f.member.CreateWorkspaceBuild(t.Context(), w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: transition})
	require.NoError(t, err)
	return coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, b.ID)
}

// TestDeleteUserWithWorkspaces: a user who owns live workspaces cannot be
// deleted (409, naming how many); once they are deleted, the user can be.
func TestDeleteUserWithWorkspaces(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	ws := []codersdk.Workspace{f.runningWorkspace(t), f.runningWorkspace(t)}

	err := f.owner.DeleteUser(t.Context(), f.memberUser.ID.String())
	var sdkErr *codersdk.Error
	require.ErrorAs(t, err, &sdkErr)
	require.Equal(t, http.StatusConflict, sdkErr.StatusCode())
	assert.Contains(t, sdkErr.Message, "owns 2")
	_, err = f.owner.User(t.Context(), f.memberUser.ID.String())
	require.NoError(t, err, "the user is still there")
	_, err = f.member.User(t.Context(), codersdk.Me)
	require.NoError(t, err, "and can still sign in")

	f.build(t, ws[0], codersdk.WorkspaceTransitionDelete)
	err = f.owner.DeleteUser(t.Context(), f.memberUser.ID.String())
	require.ErrorAs(t, err, &sdkErr)
	require.Equal(t, http.StatusConflict, sdkErr.StatusCode())
	assert.Contains(t, sdkErr.Message, "owns 1")

	f.build(t, ws[1], codersdk.WorkspaceTransitionDelete)
	require.NoError(t, f.owner.DeleteUser(t.Context(), f.memberUser.ID.String()))
	_, err = f.owner.User(t.Context(), f.memberUser.ID.String())
	require.ErrorAs(t, err, &sdkErr)
	assert.Equal(t, http.StatusNotFound, sdkErr.StatusCode())
}

// TestQueryTokenOnStreams: browsers cannot set headers on EventSource or
// WebSocket, so the streams take the token in the query string: the SSE
// watch, the websocket watch and build logs with ?follow; without follow
// the logs route is ordinary and refuses it.
func TestQueryTokenOnStreams(t *testing.T) {
	t.Parallel()
	f := newFixture(t, nil)
	w := f.runningWorkspace(t)
	b := browser(t, f.owner)
	token := codersdk.WithQueryParam(codersdk.SessionTokenQueryParam, f.member.SessionToken())
	ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
	defer cancel()

	// SSE watch: the stream opens and sends the workspace.
	res, err := b.Request(ctx, http.MethodGet, fmt.Sprintf("/api/v2/workspaces/%s/watch", w.ID), nil, token)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "text/event-stream", res.Header.Get("Content-Type"))
	line, err := bufio.NewReader(res.Body).ReadString('\n')
	require.NoError(t, err)
	assert.NotEmpty(t, strings.TrimSpace(line))
	res.Body.Close()

	// Websocket watch.
	wsURL := *f.owner.URL
	wsURL.Scheme = "ws"
	wsURL.Path = fmt.Sprintf("/api/v2/workspaces/%s/watch-ws", w.ID)
	wsURL.RawQuery = codersdk.SessionTokenQueryParam + "=" + f.member.SessionToken()
	conn, _, err := websocket.Dial(ctx, wsURL.String(), &websocket.DialOptions{HTTPClient: b.HTTPClient})
	require.NoError(t, err)
	_, msg, err := conn.Read(ctx)
	require.NoError(t, err)
	assert.Contains(t, string(msg), w.ID.String())
	_ = conn.Close(websocket.StatusNormalClosure, "")

	// Build logs: followed over a websocket with the query token ...
	wsURL.Path = fmt.Sprintf("/api/v2/workspacebuilds/%s/logs", w.LatestBuild.ID)
	wsURL.RawQuery = "follow&" + codersdk.SessionTokenQueryParam + "=" + f.member.SessionToken()
	conn, _, err = websocket.Dial(ctx, wsURL.String(), &websocket.DialOptions{HTTPClient: b.HTTPClient})
	require.NoError(t, err)
	for {
		// The build is done: the server sends its logs and closes.
		if _, _, err := conn.Read(ctx); err != nil {
			assert.Equal(t, websocket.StatusNormalClosure, websocket.CloseStatus(err), err)
			break
		}
	}
	// ... but not read whole as an ordinary request.
	r := coderdtest.RawRequest(t, b, http.MethodGet, fmt.Sprintf("/api/v2/workspacebuilds/%s/logs", w.LatestBuild.ID), nil, token)
	require.Equal(t, http.StatusUnauthorized, r.Status, string(r.Body))
}

// TestWatchOutlivesWriteDeadline: watches (SSE and websocket) stay open
// and deliver changes long after the write deadline that ends ordinary
// responses.
//
// The watches go to a replica with the short deadlines; the setup (users,
// whose password hashing alone takes over a second under -race on a busy
// machine, the import and the builds) goes through a replica with the
// default ones, so only the streams meet the short deadline.
func TestWatchOutlivesWriteDeadline(t *testing.T) {
	t.Parallel()
	dbURL := dbtestutil.Open(t)
	f := newFixture(t, &coderdtest.Options{DatabaseURL: dbURL})
	short := coderdtest.New(t, &coderdtest.Options{DatabaseURL: dbURL, HTTPTimeouts: shortTimeouts})
	short.SetSessionToken(f.member.SessionToken())
	w := f.runningWorkspace(t)
	ctx, cancel := context.WithTimeout(t.Context(), hangGuard)
	defer cancel()

	events, err := short.WatchWorkspace(ctx, w.ID)
	require.NoError(t, err)
	<-events // the workspace as it is now
	wsURL := *short.URL
	wsURL.Scheme = "ws"
	wsURL.Path = fmt.Sprintf("/api/v2/workspaces/%s/watch-ws", w.ID)
	conn, _, err := websocket.Dial(ctx, wsURL.String(), &websocket.DialOptions{
		HTTPHeader: http.Header{codersdk.SessionTokenHeader: []string{short.SessionToken()}},
	})
	require.NoError(t, err)
	defer conn.CloseNow()
	_, _, err = conn.Read(ctx) // the workspace as it is now
	require.NoError(t, err)

	// Well past the write deadline before anything changes.
	time.Sleep(4 * shortTimeouts.Write)
	f.build(t, w, codersdk.WorkspaceTransitionStop)
	stopped := func(got codersdk.Workspace) bool {
		return got.LatestBuild.Transition == codersdk.WorkspaceTransitionStop && !got.LatestBuild.Job.Status.Active()
	}
	for sawSSE := false; !sawSSE; {
		select {
		case got, ok := <-events:
			require.True(t, ok, "the SSE watch ended early")
			sawSSE = stopped(got)
		case <-ctx.Done():
			t.Fatal("the stop never reached the SSE watch")
		}
	}
	for {
		_, msg, err := conn.Read(ctx)
		require.NoError(t, err, "the websocket watch ended early")
		var ev codersdk.ServerSentEvent
		require.NoError(t, json.Unmarshal(msg, &ev))
		if ev.Type != codersdk.ServerSentEventTypeData {
			continue
		}
		data, err := json.Marshal(ev.Data)
		require.NoError(t, err)
		var got codersdk.Workspace
		require.NoError(t, json.Unmarshal(data, &got))
		if stopped(got) {
			return
		}
	}
}

// TestSlowBodyCutOff: a client that sends its headers and then one byte at
// a time is answered 400 and disconnected once the body deadline passes.
func TestSlowBodyCutOff(t *testing.T) {
	t.Parallel()
	// Only the body deadline is short: the 400 is written after it passed,
	// and a stall of half a second on a busy machine must not cut that
	// answer off too.
	client := coderdtest.New(t, &coderdtest.Options{HTTPTimeouts: httpmw.Timeouts{Body: shortTimeouts.Body, MinBodyRate: shortTimeouts.MinBodyRate}})
	conns := make([]net.Conn, 3)
	for i := range conns {
		conn, err := net.Dial("tcp", client.URL.Host)
		require.NoError(t, err)
		defer conn.Close()
		_ = conn.SetDeadline(time.Now().Add(hangGuard))
		_, err = fmt.Fprintf(conn, "POST /api/v2/users/login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n", client.URL.Host)
		require.NoError(t, err)
		conns[i] = conn
		go func() {
			for range 4096 {
				if _, err := conn.Write([]byte(" ")); err != nil {
					return
				}
				time.Sleep(200 * time.Millisecond)
			}
		}()
	}
	for i, conn := range conns {
		br := bufio.NewReader(conn)
		res, err := http.ReadResponse(br, nil)
		require.NoError(t, err, "connection %d", i)
		body, _ := io.ReadAll(res.Body)
		assert.Equal(t, http.StatusBadRequest, res.StatusCode, string(body))
		assert.Contains(t, string(body), "did not arrive within")
		// Closed: EOF, or a reset because the client was still writing.
		_, err = br.ReadByte()
		require.Error(t, err, "connection %d is still open", i)
		var netErr net.Error
		assert.False(t, errors.As(err, &netErr) && netErr.Timeout(), "connection %d is still open: %v", i, err)
	}
}
