package coderd_test

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"cdr.dev/slog"
	"github.com/coder/websocket"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/pubsub"
)

// watchHangGuard only stops a broken test from hanging; no assertion
// depends on it.
const watchHangGuard = 2 * time.Minute

// newRunningWorkspace is the workspace fixture with one of the member's
// workspaces built and running.
func newRunningWorkspace(t *testing.T) (*provFixture, codersdk.Workspace) {
	t.Helper()
	f, tpl := newWorkspaceFixture(t)
	w := coderdtest.CreateWorkspace(t, f.member, tpl.ID)
	b := coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, w.LatestBuild.ID)
	require.Equal(t, codersdk.WorkspaceStatusRunning, b.Status, b.Job.Error)
	w, err := f.member.Workspace(t.Context(), w.ID)
	require.NoError(t, err)
	return f, w
}

// awaitWatched reads workspaces from a watch until one satisfies done.
func awaitWatched(ctx context.Context, t *testing.T, ch <-chan codersdk.Workspace, what string, done func(codersdk.Workspace) bool) codersdk.Workspace {
	t.Helper()
	for {
		select {
		case w, ok := <-ch:
			if !ok {
				t.Fatalf("the watch ended before %s", what)
			}
			if done(w) {
				return w
			}
		case <-ctx.Done():
			t.Fatalf("no event with %s before the hang guard", what)
		}
	}
}

func withStatus(s codersdk.WorkspaceStatus) func(codersdk.Workspace) bool {
	return func(w codersdk.Workspace) bool { return w.LatestBuild.Status == s }
}

// TestWatchWorkspaceSSE follows a stop and a delete over Server-Sent
// Events: the workspace at once, its build's progress, and the end of the
// stream after the deletion.
func TestWatchWorkspaceSSE(t *testing.T) {
	t.Parallel()
	f, w := newRunningWorkspace(t)
	ctx, cancel := context.WithTimeout(t.Context(), watchHangGuard)
	defer cancel()

	// The wire format, as a browser's EventSource sees it.
	res, err := f.member.Request(ctx, http.MethodGet, fmt.Sprintf("/api/v2/workspaces/%s/watch", w.ID), nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "text/event-stream", res.Header.Get("Content-Type"))
	assert.Equal(t, "no-cache", res.Header.Get("Cache-Control"))
	lines := bufio.NewReader(res.Body)
	event, err := lines.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "event: data\n", event)
	data, err := lines.ReadString('\n')
	require.NoError(t, err)
	payload, ok := strings.CutPrefix(data, "data: ")
	require.True(t, ok, "second line: %q", data)
	var first codersdk.Workspace
	require.NoError(t, json.Unmarshal([]byte(payload), &first))
	assert.Equal(t, w.ID, first.ID)
	assert.Equal(t, w.LatestBuild.ID, first.LatestBuild.ID)
	blank, err := lines.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "\n", blank)
	_ = res.Body.Close()

	// HTTP/1.0 cannot be chunked: net/http frames that stream (as it does
	// HTTP/2's) and the handler serves it.
	conn, err := net.Dial("tcp", f.member.URL.Host)
	require.NoError(t, err)
	defer conn.Close()
	_, err = fmt.Fprintf(conn, "GET /api/v2/workspaces/%s/watch HTTP/1.0\r\nHost: %s\r\n%s: %s\r\n\r\n",
		w.ID, f.member.URL.Host, codersdk.SessionTokenHeader, f.member.SessionToken())
	require.NoError(t, err)
	res, err = http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "text/event-stream", res.Header.Get("Content-Type"))
	lines = bufio.NewReader(res.Body)
	event, err = lines.ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "event: data\n", event)
	data, err = lines.ReadString('\n')
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(strings.TrimPrefix(data, "data: ")), &first))
	assert.Equal(t, w.ID, first.ID)
	_ = conn.Close()

	// The client.
	ch, err := f.member.WatchWorkspace(ctx, w.ID)
	require.NoError(t, err)
	got := awaitWatched(ctx, t, ch, "the initial workspace", func(codersdk.Workspace) bool { return true })
	assert.Equal(t, w.ID, got.ID)
	assert.Equal(t, codersdk.WorkspaceStatusRunning, got.LatestBuild.Status)

	stop, err := f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop})
	require.NoError(t, err)
	got = awaitWatched(ctx, t, ch, "status stopped", withStatus(codersdk.WorkspaceStatusStopped))
	assert.Equal(t, stop.ID, got.LatestBuild.ID)
	assert.Equal(t, codersdk.ProvisionerJobSucceeded, got.LatestBuild.Job.Status)

	_, err = f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionDelete})
	require.NoError(t, err)
	awaitWatched(ctx, t, ch, "status deleted", withStatus(codersdk.WorkspaceStatusDeleted))
	// The deleted workspace was the last event.
	select {
	case extra, ok := <-ch:
		require.False(t, ok, "an event after the deletion: %s", extra.LatestBuild.Status)
	case <-ctx.Done():
		t.Fatal("the stream did not end after the deletion")
	}
}

// dialWatchWS opens watch-ws as client.
func dialWatchWS(ctx context.Context, client *codersdk.Client, id uuid.UUID) (*websocket.Conn, *http.Response, error) {
	u, err := client.URL.Parse(fmt.Sprintf("/api/v2/workspaces/%s/watch-ws", id))
	if err != nil {
		return nil, nil, err
	}
	return websocket.Dial(ctx, u.String(), &websocket.DialOptions{
		HTTPClient: client.HTTPClient,
		HTTPHeader: http.Header{codersdk.SessionTokenHeader: []string{client.SessionToken()}},
	})
}

// TestWatchWorkspaceWS follows a stop and a delete over a WebSocket.
func TestWatchWorkspaceWS(t *testing.T) {
	t.Parallel()
	f, w := newRunningWorkspace(t)
	ctx, cancel := context.WithTimeout(t.Context(), watchHangGuard)
	defer cancel()

	conn, _, err := dialWatchWS(ctx, f.member, w.ID)
	require.NoError(t, err)
	defer conn.CloseNow()

	// next returns the next data event's workspace; a read error (the
	// server closing) is returned as is.
	next := func() (codersdk.Workspace, error) {
		for {
			typ, msg, err := conn.Read(ctx)
			if err != nil {
				return codersdk.Workspace{}, err
			}
			require.Equal(t, websocket.MessageText, typ)
			var ev struct {
				Type codersdk.ServerSentEventType `json:"type"`
				Data json.RawMessage              `json:"data"`
			}
			require.NoError(t, json.Unmarshal(msg, &ev), string(msg))
			switch ev.Type {
			case codersdk.ServerSentEventTypePing:
				continue
			case codersdk.ServerSentEventTypeData:
				var got codersdk.Workspace
				require.NoError(t, json.Unmarshal(ev.Data, &got))
				return got, nil
			default:
				t.Fatalf("unexpected event: %s", msg)
			}
		}
	}
	await := func(want codersdk.WorkspaceStatus) codersdk.Workspace {
		for {
			got, err := next()
			require.NoError(t, err, "waiting for status %s", want)
			if got.LatestBuild.Status == want {
				return got
			}
		}
	}

	got, err := next()
	require.NoError(t, err)
	assert.Equal(t, w.ID, got.ID)
	assert.Equal(t, codersdk.WorkspaceStatusRunning, got.LatestBuild.Status)

	stop, err := f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop})
	require.NoError(t, err)
	got = await(codersdk.WorkspaceStatusStopped)
	assert.Equal(t, stop.ID, got.LatestBuild.ID)

	_, err = f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionDelete})
	require.NoError(t, err)
	await(codersdk.WorkspaceStatusDeleted)
	_, err = next()
	require.Equal(t, websocket.StatusNormalClosure, websocket.CloseStatus(err), "the server closes after the deletion: %v", err)
}

// TestWatchWorkspaceOtherReplica: a change this server did not make (a
// raw database write, as another replica or a background loop would do)
// reaches watchers through the PostgreSQL notification alone.
func TestWatchWorkspaceOtherReplica(t *testing.T) {
	t.Parallel()
	f, w := newRunningWorkspace(t)
	ctx, cancel := context.WithTimeout(t.Context(), watchHangGuard)
	defer cancel()

	ch, err := f.member.WatchWorkspace(ctx, w.ID)
	require.NoError(t, err)
	awaitWatched(ctx, t, ch, "the initial workspace", func(codersdk.Workspace) bool { return true })

	conn, _, err := dialWatchWS(ctx, f.member, w.ID)
	require.NoError(t, err)
	defer conn.CloseNow()
	_, _, err = conn.Read(ctx) // the initial workspace
	require.NoError(t, err)

	require.NoError(t, f.db.UpdateWorkspaceName(ctx, database.UpdateWorkspaceNameParams{
		ID: w.ID, Name: "renamed-elsewhere", UpdatedAt: dbtime.Now(),
	}))
	require.NoError(t, f.api.Pubsub.Publish(pubsub.EventWorkspace(w.ID.String()), nil))

	got := awaitWatched(ctx, t, ch, "the new name", func(w codersdk.Workspace) bool { return w.Name == "renamed-elsewhere" })
	assert.Equal(t, w.ID, got.ID)
	for {
		_, msg, err := conn.Read(ctx)
		require.NoError(t, err)
		if strings.Contains(string(msg), `"name":"renamed-elsewhere"`) {
			break
		}
	}
}

// TestWatchWorkspaceAuthorization: a member who cannot read the workspace
// gets the same 404 as for a missing one, on both transports.
func TestWatchWorkspaceAuthorization(t *testing.T) {
	t.Parallel()
	f, w := newRunningWorkspace(t)
	ctx, cancel := context.WithTimeout(t.Context(), watchHangGuard)
	defer cancel()
	other, _ := coderdtest.CreateAnotherUser(t, f.owner, f.orgID)

	_, err := other.WatchWorkspace(ctx, w.ID)
	pvRequireStatus(t, err, http.StatusNotFound)

	_, res, err := dialWatchWS(ctx, other, w.ID)
	require.Error(t, err)
	require.NotNil(t, res)
	assert.Equal(t, http.StatusNotFound, res.StatusCode)

	_, err = other.WatchWorkspace(ctx, uuid.New())
	pvRequireStatus(t, err, http.StatusNotFound)

	// The owner of the deployment may watch it.
	ch, err := f.owner.WatchWorkspace(ctx, w.ID)
	require.NoError(t, err)
	awaitWatched(ctx, t, ch, "the initial workspace", func(got codersdk.Workspace) bool { return got.ID == w.ID })
}

// rawWatch is an SSE watch on a connection of its own, read by hand with
// tiny buffers: thousands of them cost the test process no goroutines and
// little memory.
type rawWatch struct {
	conn   net.Conn
	events *bufio.Reader
}

// openRawWatch sends a watch request and reads the response head; the
// events are left unread.
func openRawWatch(client *codersdk.Client, id uuid.UUID) (*rawWatch, error) {
	conn, err := net.Dial("tcp", client.URL.Host)
	if err != nil {
		return nil, err
	}
	_, err = fmt.Fprintf(conn, "GET /api/v2/workspaces/%s/watch HTTP/1.1\r\nHost: %s\r\n%s: %s\r\nAccept: text/event-stream\r\n\r\n",
		id, client.URL.Host, codersdk.SessionTokenHeader, client.SessionToken())
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	head := bufio.NewReaderSize(conn, 16)
	status, err := head.ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 200 ") {
		_ = conn.Close()
		return nil, fmt.Errorf("watch answered %q: %v", status, err)
	}
	chunked := false
	for {
		line, err := head.ReadString('\n')
		if err != nil {
			_ = conn.Close()
			return nil, err
		}
		if line == "\r\n" {
			break
		}
		chunked = chunked || strings.EqualFold(strings.TrimSpace(line), "Transfer-Encoding: chunked")
	}
	if !chunked {
		_ = conn.Close()
		return nil, fmt.Errorf("the stream is not chunked")
	}
	return &rawWatch{conn: conn, events: bufio.NewReaderSize(httputil.NewChunkedReader(head), 16)}, nil
}

// next reads up to the next data event and returns its data.
func (r *rawWatch) next() (string, error) {
	for {
		line, err := r.events.ReadString('\n')
		if err != nil {
			return "", err
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			return data, nil
		}
	}
}

// TestWatchWorkspaceStalledClients: watchers that never read do not hold
// up the server, other watchers, or other requests.
func TestWatchWorkspaceStalledClients(t *testing.T) {
	t.Parallel()
	f, w := newRunningWorkspace(t)
	ctx, cancel := context.WithTimeout(t.Context(), watchHangGuard)
	defer cancel()

	// Stalled watchers: after the first event nothing is ever read again.
	for range 8 {
		raw, err := openRawWatch(f.member, w.ID)
		require.NoError(t, err)
		defer raw.conn.Close()
		_, err = raw.next()
		require.NoError(t, err)
	}
	// One more stalls on the WebSocket.
	stalledWS, _, err := dialWatchWS(ctx, f.member, w.ID)
	require.NoError(t, err)
	defer stalledWS.CloseNow()

	ch, err := f.member.WatchWorkspace(ctx, w.ID)
	require.NoError(t, err)
	awaitWatched(ctx, t, ch, "the initial workspace", func(codersdk.Workspace) bool { return true })

	// Changes the stalled watchers are sent but do not take.
	for i := range 20 {
		name := fmt.Sprintf("name-%d", i)
		require.NoError(t, f.db.UpdateWorkspaceName(ctx, database.UpdateWorkspaceNameParams{ID: w.ID, Name: name, UpdatedAt: dbtime.Now()}))
		require.NoError(t, f.api.Pubsub.Publish(pubsub.EventWorkspace(w.ID.String()), nil))
		awaitWatched(ctx, t, ch, name, func(got codersdk.Workspace) bool { return got.Name == name })
	}
	stop, err := f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop})
	require.NoError(t, err)
	awaitWatched(ctx, t, ch, "status stopped", withStatus(codersdk.WorkspaceStatusStopped))

	// Other requests still complete.
	got, err := f.member.Workspace(ctx, w.ID)
	require.NoError(t, err)
	assert.Equal(t, stop.ID, got.LatestBuild.ID)
	_, err = f.owner.Workspaces(ctx, codersdk.WorkspaceFilter{})
	require.NoError(t, err)
	fresh, err := f.owner.WatchWorkspace(ctx, w.ID)
	require.NoError(t, err)
	awaitWatched(ctx, t, fresh, "status stopped", withStatus(codersdk.WorkspaceStatusStopped))
}

// BenchmarkWorkspaceWatchers measures what idle SSE watchers cost the
// server: heap and goroutine stack bytes per watcher, and goroutines per
// watcher, after a full GC. Each watcher has had its first event and one
// update (so each has done the reads an update costs), then idles. The
// watchers are raw connections read by hand with 16-byte buffers, so the
// benchmark's own side adds no goroutines and well under 1 KiB a watcher,
// which is counted with the server's.
//
//	go test -run '^$' -bench BenchmarkWorkspaceWatchers -benchtime 1x ./coderd/
func BenchmarkWorkspaceWatchers(b *testing.B) {
	const workspaces = 10
	ctx := context.Background()
	discard := slog.Make()
	client, api, db := coderdtest.NewWithDatabase(b, &coderdtest.Options{IncludeProvisionerDaemon: true, Logger: &discard})
	first := coderdtest.CreateFirstUser(b, client)
	member, _ := coderdtest.CreateAnotherUser(b, client, first.OrganizationID)
	v := coderdtest.CreateTemplateVersion(b, client, first.OrganizationID, nil, uuid.Nil)
	coderdtest.AwaitTemplateVersionJobCompleted(b, client, v.ID)
	tpl := coderdtest.CreateTemplate(b, client, first.OrganizationID, v.ID)
	ids := make([]uuid.UUID, 0, workspaces)
	for range workspaces {
		w := coderdtest.CreateWorkspace(b, member, tpl.ID)
		coderdtest.AwaitWorkspaceBuildJobCompleted(b, member, w.LatestBuild.ID)
		ids = append(ids, w.ID)
	}
	// update renames every workspace and tells its watchers.
	round := 0
	update := func() string {
		round++
		suffix := fmt.Sprintf("-r%d", round)
		for i, id := range ids {
			err := db.UpdateWorkspaceName(ctx, database.UpdateWorkspaceNameParams{ID: id, Name: fmt.Sprintf("ws%d%s", i, suffix), UpdatedAt: dbtime.Now()})
			if err != nil {
				b.Fatal(err)
			}
			if err := api.Pubsub.Publish(pubsub.EventWorkspace(id.String()), nil); err != nil {
				b.Fatal(err)
			}
		}
		return suffix
	}

	for _, n := range []int{2000, 8000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for range b.N {
				heap, stack, goroutines := measureWatchers(b, member, ids, n, update)
				b.ReportMetric(heap, "heap-B/watcher")
				b.ReportMetric(stack, "stack-B/watcher")
				b.ReportMetric(heap+stack, "B/watcher")
				b.ReportMetric(goroutines, "goroutines/watcher")
				b.ReportMetric(0, "ns/op")
			}
		})
	}
}

// measureWatchers opens n watchers spread over the workspaces, lets each
// take one update, measures, and closes them.
func measureWatchers(b *testing.B, client *codersdk.Client, ids []uuid.UUID, n int, update func() string) (heap, stack, goroutines float64) {
	b.Helper()
	settle := func() runtime.MemStats {
		// Stacks shrink by half per cycle while mostly unused, and a
		// cycle's finalizers free more in the next: a few cycles settle.
		for range 4 {
			runtime.GC()
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m
	}
	before := settle()
	goBefore := runtime.NumGoroutine()

	watches := make([]*rawWatch, n)
	defer func() {
		for _, w := range watches {
			if w != nil {
				_ = w.conn.Close()
			}
		}
		// The server's side must notice and end (and before the next
		// measurement starts).
		deadline := time.Now().Add(time.Minute)
		for runtime.NumGoroutine() > goBefore+10 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if left := runtime.NumGoroutine() - goBefore; left > 10 {
			b.Errorf("%d goroutines still running a minute after the watchers left", left)
		}
	}()
	// each runs fn over the watchers on a few goroutines.
	each := func(fn func(i int) error) {
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			firstErr error
		)
		next := make(chan int)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					if err := fn(i); err != nil {
						mu.Lock()
						firstErr = cmp.Or(firstErr, err)
						mu.Unlock()
					}
				}
			}()
		}
		for i := range n {
			next <- i
		}
		close(next)
		wg.Wait()
		if firstErr != nil {
			b.Fatal(firstErr)
		}
	}
	each(func(i int) error {
		w, err := openRawWatch(client, ids[i%len(ids)])
		if err != nil {
			return err
		}
		watches[i] = w
		_, err = w.next()
		return err
	})
	suffix := update()
	each(func(i int) error {
		for {
			data, err := watches[i].next()
			if err != nil {
				return err
			}
			if strings.Contains(data, suffix+`"`) {
				return nil
			}
		}
	})

	after := settle()
	goroutines = float64(runtime.NumGoroutine()-goBefore) / float64(n)
	heap = float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
	stack = float64(int64(after.StackInuse)-int64(before.StackInuse)) / float64(n)
	runtime.KeepAlive(watches)
	return heap, stack, goroutines
}
