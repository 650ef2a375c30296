package coderd

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"cdr.dev/slog"
	"github.com/coder/websocket"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/pubsub"
	"github.com/devplane/devplane/rbac"
)

const (
	// workspaceWatchPingInterval is how often a watch stream gets a ping, so
	// proxies keep an idle stream open and a client can tell a quiet server
	// from a dead one. Upstream Coder pings every 15 seconds too.
	workspaceWatchPingInterval = 15 * time.Second
	// workspaceWatchWriteTimeout bounds one write to a watcher: a client that
	// stops reading is dropped rather than left holding its handler.
	workspaceWatchWriteTimeout = 10 * time.Second
	// workspaceWatchMinReadGap spaces the re-reads notifications cause. A
	// running build notifies on every log batch (up to ten a second); a
	// watcher wants the workspace's state, not one read per batch.
	workspaceWatchMinReadGap = 250 * time.Millisecond
	// workspaceWatchReadTimeout bounds one read of the workspace on a
	// hijacked connection, which has no request context to end it.
	workspaceWatchReadTimeout = time.Minute
)

// @Summary Watch workspace by ID
// @Description Server-Sent Events: a "data" event with the workspace at once
// @Description and after every change, and a "ping" event every 15 seconds.
// @Description The stream ends after the workspace is deleted.
// @ID watch-workspace-by-id
// @Security CoderSessionToken
// @Produce text/event-stream
// @Tags Workspaces
// @Param workspace path string true "Workspace ID" format(uuid)
// @Success 200 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/watch [get]
func (api *API) watchWorkspaceSSE(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	watch, err := api.startWorkspaceWatch(ctx, httpmw.WorkspaceParam(r), auth.Key.UserID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}

	h := rw.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	// Proxies such as nginx would otherwise hold events back in a buffer.
	h.Set("X-Accel-Buffering", "no")

	// On HTTP/1.1 the connection is taken from net/http and served by one
	// small goroutine of our own: a handler goroutine (its stack grown by
	// the middleware chain) and net/http's buffers and background reader
	// would cost an idle watcher about ten times as much.
	if r.ProtoAtLeast(1, 1) && r.ProtoMajor == 1 {
		conn, _, err := http.NewResponseController(rw).Hijack()
		if err == nil {
			if err := writeSSEHead(conn, h); err != nil {
				_ = conn.Close()
				watch.stop()
				return
			}
			go watch.serveConn(conn, auth.Subject)
			return
		}
	}

	// HTTP/2 (and HTTP/1.0) keep the handler: net/http frames the stream.
	// The request context ends when the client disconnects.
	defer watch.stop()
	rw.WriteHeader(http.StatusOK)
	watch.run(ctx, &sseStream{rw: rw, rc: http.NewResponseController(rw)})
}

// @Summary Watch workspace by ID via WebSockets
// @Description Each message is a JSON codersdk.ServerSentEvent: "data" with
// @Description the workspace at once and after every change, "ping" every 15
// @Description seconds. The server closes normally after the workspace is
// @Description deleted.
// @ID watch-workspace-by-id-via-websockets
// @Security CoderSessionToken
// @Produce json
// @Tags Workspaces
// @Param workspace path string true "Workspace ID" format(uuid)
// @Success 200 {object} codersdk.ServerSentEvent
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/watch-ws [get]
func (api *API) watchWorkspaceWS(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !httpapi.RequireUpgrade(ctx, rw, r) {
		return
	}
	watch, err := api.startWorkspaceWatch(ctx, httpmw.WorkspaceParam(r), httpmw.APIKeyAuthorization(r).Key.UserID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	defer watch.stop()

	conn, err := websocket.Accept(rw, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		// Accept has answered the request.
		return
	}
	// Nothing is read from the client; CloseRead ends ctx when it goes.
	ctx = conn.CloseRead(ctx)
	switch watch.run(ctx, &wsStream{ctx: ctx, conn: conn}) {
	case watchEndDeleted:
		_ = conn.Close(websocket.StatusNormalClosure, "workspace deleted")
	case watchEndHidden:
		_ = conn.Close(websocket.StatusNormalClosure, "workspace not found")
	default:
		// Gone or too slow: there is nobody to hand-shake the close with.
		_ = conn.CloseNow()
	}
}

// workspaceStream writes events to one watcher, in its transport's framing.
type workspaceStream interface {
	// send writes one event; data is JSON or nil. An error means the client
	// is gone or too slow, and ends the watch.
	send(typ codersdk.ServerSentEventType, data []byte) error
}

// sseStream frames events as text/event-stream.
type sseStream struct {
	rw http.ResponseWriter
	rc *http.ResponseController
}

func (s *sseStream) send(typ codersdk.ServerSentEventType, data []byte) error {
	// The deadline is cleared after each write: net/http keeps no deadline
	// of its own when the server has no WriteTimeout, and a stale one would
	// break a kept-alive connection's next response.
	if err := s.rc.SetWriteDeadline(time.Now().Add(workspaceWatchWriteTimeout)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	buf := appendSSEEvent(nil, typ, data)
	if _, err := s.rw.Write(buf); err != nil {
		return err
	}
	if err := s.rc.Flush(); err != nil {
		return err
	}
	if err := s.rc.SetWriteDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}

// appendSSEEvent appends one text/event-stream event to buf.
func appendSSEEvent(buf []byte, typ codersdk.ServerSentEventType, data []byte) []byte {
	buf = slices.Grow(buf, len(typ)+len(data)+16)
	buf = append(buf, "event: "...)
	buf = append(buf, typ...)
	buf = append(buf, '\n')
	if data != nil {
		buf = append(buf, "data: "...)
		buf = append(buf, data...)
		buf = append(buf, '\n')
	}
	return append(buf, '\n')
}

// writeSSEHead starts the response on a hijacked HTTP/1.1 connection: the
// headers set so far (the middleware's and the stream's) and chunked
// framing, since the length is unknown. The connection closes when the
// stream ends, so no client tries to reuse it.
func writeSSEHead(conn net.Conn, h http.Header) error {
	var head bytes.Buffer
	head.WriteString("HTTP/1.1 200 OK\r\n")
	if err := h.Write(&head); err != nil {
		return err
	}
	head.WriteString("Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
	if err := conn.SetWriteDeadline(time.Now().Add(workspaceWatchWriteTimeout)); err != nil {
		return err
	}
	_, err := conn.Write(head.Bytes())
	return err
}

// connStream writes events to a hijacked connection, one HTTP chunk each.
type connStream struct {
	conn net.Conn
}

func (s *connStream) send(typ codersdk.ServerSentEventType, data []byte) error {
	event := appendSSEEvent(nil, typ, data)
	buf := make([]byte, 0, len(event)+16)
	buf = strconv.AppendInt(buf, int64(len(event)), 16)
	buf = append(buf, "\r\n"...)
	buf = append(buf, event...)
	buf = append(buf, "\r\n"...)
	if err := s.conn.SetWriteDeadline(time.Now().Add(workspaceWatchWriteTimeout)); err != nil {
		return err
	}
	_, err := s.conn.Write(buf)
	return err
}

// end writes the last chunk, which ends the response cleanly.
func (s *connStream) end() {
	if s.conn.SetWriteDeadline(time.Now().Add(workspaceWatchWriteTimeout)) == nil {
		_, _ = s.conn.Write([]byte("0\r\n\r\n"))
	}
}

// wsStream sends each event as one JSON codersdk.ServerSentEvent message.
type wsStream struct {
	ctx  context.Context
	conn *websocket.Conn
}

func (s *wsStream) send(typ codersdk.ServerSentEventType, data []byte) error {
	if data == nil {
		data = []byte("null")
	}
	msg, err := json.Marshal(codersdk.ServerSentEvent{Type: typ, Data: json.RawMessage(data)})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(s.ctx, workspaceWatchWriteTimeout)
	defer cancel()
	return s.conn.Write(ctx, websocket.MessageText, msg)
}

// watchEnd is why a watch ended.
type watchEnd int

const (
	// watchEndClient: the client left, or a write to it failed.
	watchEndClient watchEnd = iota
	// watchEndDeleted: the workspace was deleted; its last state was sent.
	watchEndDeleted
	// watchEndHidden: the caller can no longer read the workspace.
	watchEndHidden
)

// workspaceWatch is one watcher's state. It is kept small: an idle server
// may hold tens of thousands of them.
type workspaceWatch struct {
	api         *API
	workspaceID uuid.UUID
	requester   uuid.UUID
	// notify has room for one signal: a burst of notifications while a
	// read is under way costs one more read, not one per notification.
	notify chan struct{}
	// conn is the hijacked connection of an SSE watch, whose read deadline
	// a notification moves to now to wake serveConn.
	conn            atomic.Pointer[net.Conn]
	cancelWorkspace func()
	// jobID is the job of the latest build seen, whose channel is followed
	// for build progress.
	jobID     uuid.UUID
	cancelJob func()
	// sum is the SHA-256 of the last workspace JSON sent: a change is a
	// different sum, at 32 bytes instead of a copy of the JSON.
	sum  [sha256.Size]byte
	sent bool
}

// startWorkspaceWatch subscribes to the workspace's channel and its latest
// build's job channel, before anything is read, so no change after the first
// read can be missed.
func (api *API) startWorkspaceWatch(ctx context.Context, w database.Workspace, requester uuid.UUID) (*workspaceWatch, error) {
	watch := &workspaceWatch{
		api: api, workspaceID: w.ID, requester: requester,
		notify: make(chan struct{}, 1),
	}
	var err error
	watch.cancelWorkspace, err = api.Pubsub.Subscribe(pubsub.EventWorkspace(w.ID.String()), watch.listen)
	if err != nil {
		return nil, xerrors.Errorf("subscribe to workspace: %w", err)
	}
	latest, err := api.Database.GetLatestWorkspaceBuildByWorkspaceID(ctx, w.ID)
	if err == nil {
		err = watch.followJob(latest.JobID)
	}
	if err != nil {
		watch.stop()
		return nil, xerrors.Errorf("follow latest build: %w", err)
	}
	return watch, nil
}

// listen runs on the pubsub's delivery goroutine, so it must never block:
// a signal already waiting covers this one, and moving a deadline does not
// wait for anything. The pubsub's reconnect notice (pubsub.IsReconnected)
// lands here too: the re-read it causes covers what was missed.
func (w *workspaceWatch) listen(context.Context, []byte) {
	select {
	case w.notify <- struct{}{}:
	default:
	}
	if c := w.conn.Load(); c != nil {
		_ = (*c).SetReadDeadline(time.Now())
	}
}

// followJob moves the job subscription to jobID. The new subscription is in
// place before the old one ends, so there is no gap.
func (w *workspaceWatch) followJob(jobID uuid.UUID) error {
	cancel, err := w.api.Pubsub.Subscribe(pubsub.EventProvisionerJobLogs(jobID.String()), w.listen)
	if err != nil {
		return err
	}
	if w.cancelJob != nil {
		w.cancelJob()
	}
	w.jobID, w.cancelJob = jobID, cancel
	return nil
}

func (w *workspaceWatch) stop() {
	if w.cancelJob != nil {
		w.cancelJob()
	}
	w.cancelWorkspace()
}

// run sends the workspace, then each change, until the client leaves or the
// workspace is deleted or hidden from the caller.
func (w *workspaceWatch) run(ctx context.Context, out workspaceStream) watchEnd {
	ping := time.NewTicker(workspaceWatchPingInterval)
	defer ping.Stop()
	for {
		// Take the pending signal first: the read below covers it, and
		// anything after it signals again.
		select {
		case <-w.notify:
		default:
		}
		lastRead := time.Now()
		retry, end, err := w.refresh(ctx, out)
		if err != nil {
			return watchEndClient
		}
		if end != watchEndClient {
			return end
		}

	wait:
		for {
			select {
			case <-ctx.Done():
				return watchEndClient
			case <-ping.C:
				if err := out.send(codersdk.ServerSentEventTypePing, nil); err != nil {
					return watchEndClient
				}
				// A notification lost while the pubsub reconnected would
				// leave a build looking stuck; while one is in progress,
				// each ping reads again.
				if retry {
					break wait
				}
			case <-w.notify:
				if gap := workspaceWatchMinReadGap - time.Since(lastRead); gap > 0 {
					t := time.NewTimer(gap)
					select {
					case <-ctx.Done():
						t.Stop()
						return watchEndClient
					case <-t.C:
					}
				}
				break wait
			}
		}
	}
}

// serveConn runs a watch on a hijacked connection, on the one goroutine an
// idle watcher costs. That goroutine waits in a read of the connection: the
// read ends when the client leaves, at the deadline of the next ping or
// read, or when listen moves the deadline to now. The client sends nothing
// more; anything it does send is ignored.
func (w *workspaceWatch) serveConn(conn net.Conn, subject rbac.Subject) {
	out := &connStream{conn: conn}
	end := watchEndClient
	defer func() {
		w.stop()
		if end != watchEndClient {
			out.end()
		}
		_ = conn.Close()
	}()
	w.conn.Store(&conn)

	var (
		buf      [64]byte
		nextPing = time.Now().Add(workspaceWatchPingInterval)
		lastRead time.Time
		// due: a read is wanted, at lastRead+workspaceWatchMinReadGap
		// at the earliest. The first read is due at once.
		due   = true
		retry bool
	)
	for {
		wake := nextPing
		if due {
			wake = lastRead.Add(workspaceWatchMinReadGap)
		}
		// The deadline is set before the signal is looked at: a signal
		// that comes after the look also moves the deadline, so the read
		// below returns at once and the next turn sees it.
		if err := conn.SetReadDeadline(wake); err != nil {
			return
		}
		select {
		case <-w.notify:
			if !due {
				due = true
				continue
			}
		default:
		}
		now := time.Now()
		switch {
		case due && !now.Before(lastRead.Add(workspaceWatchMinReadGap)):
			due, lastRead = false, now
			var err error
			retry, end, err = w.refreshAs(subject, out)
			if err != nil || end != watchEndClient {
				return
			}
			continue
		case !now.Before(nextPing):
			if err := out.send(codersdk.ServerSentEventTypePing, nil); err != nil {
				return
			}
			nextPing = now.Add(workspaceWatchPingInterval)
			// A notification lost while the pubsub reconnected would
			// leave a build looking stuck; while one is in progress, each
			// ping reads again.
			due = due || retry
			continue
		}
		if _, err := conn.Read(buf[:]); err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			return
		}
	}
}

// refreshAs runs refresh for serveConn, as subject, on a goroutine of its
// own: the reads and encoding need a deep stack, and serveConn's stack
// stays as small as its wait needs while thousands of watchers idle.
func (w *workspaceWatch) refreshAs(subject rbac.Subject, out workspaceStream) (retry bool, end watchEnd, err error) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(dbauthz.As(context.Background(), rbac.Prepare(subject)), workspaceWatchReadTimeout)
		defer cancel()
		retry, end, err = w.refresh(ctx, out)
	}()
	<-done
	return retry, end, err
}

// refresh reads the workspace as the caller and sends it if it changed.
// retry says a later ping should read again even without a notification (a
// build is in progress, or the read failed); end is watchEndClient unless the
// stream should end. err is a failed write.
func (w *workspaceWatch) refresh(ctx context.Context, out workspaceStream) (retry bool, end watchEnd, err error) {
	ws, deleted, err := w.read(ctx)
	switch {
	case ctx.Err() != nil:
		return false, watchEndClient, ctx.Err()
	case httpapi.IsUnauthorizedOrNotFound(err):
		err = out.send(codersdk.ServerSentEventTypeError, mustJSON(codersdk.Response{
			Message: "Resource not found or you do not have access to this resource",
		}))
		return false, watchEndHidden, err
	case err != nil:
		w.api.Logger.Warn(ctx, "watch workspace: read workspace", slog.F("workspace_id", w.workspaceID), slog.Error(err))
		err = out.send(codersdk.ServerSentEventTypeError, mustJSON(codersdk.Response{
			// The cause is in the log above; clients never see driver text.
			Message: "Internal error reading workspace.",
		}))
		return true, watchEndClient, err
	}

	build := ws.LatestBuild
	retry = build.Job.Status.Active()
	if build.Job.ID != w.jobID {
		if err := w.followJob(build.Job.ID); err != nil {
			w.api.Logger.Warn(ctx, "watch workspace: follow build job", slog.F("workspace_id", w.workspaceID), slog.Error(err))
			retry = true
		} else if retry {
			// The job may have moved on between the read and the
			// subscription; read once more now that it is followed.
			w.listen(ctx, nil)
		}
	}

	data, err := encodeJSON(ws)
	if err != nil {
		return false, watchEndClient, err
	}
	sum := sha256.Sum256(data)
	// A deleted workspace is always sent: it is the last event.
	if w.sent && sum == w.sum && !deleted {
		return retry, watchEndClient, nil
	}
	if err := out.send(codersdk.ServerSentEventTypeData, data); err != nil {
		return false, watchEndClient, err
	}
	w.sum, w.sent = sum, true
	if deleted {
		return false, watchEndDeleted, nil
	}
	return retry, watchEndClient, nil
}

// read loads the workspace as the API shows it to the watcher. A workspace
// whose latest build the caller cannot read counts as not found, as it does
// in lists.
func (w *workspaceWatch) read(ctx context.Context) (codersdk.Workspace, bool, error) {
	row, err := w.api.Database.GetWorkspaceByID(ctx, w.workspaceID)
	if err != nil {
		return codersdk.Workspace{}, false, err
	}
	list, err := w.api.loadWorkspaces(ctx, w.requester, []database.Workspace{row})
	if err != nil {
		return codersdk.Workspace{}, false, err
	}
	if len(list) == 0 {
		return codersdk.Workspace{}, false, database.ErrNoRows
	}
	return list[0], row.Deleted, nil
}

// encodeJSON is json.Marshal as httpapi.Write encodes (no HTML escaping), so
// a watcher gets the same bytes GET /workspaces/{workspace} answers with.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// mustJSON encodes a value that cannot fail to encode.
func mustJSON(v any) []byte {
	data, err := encodeJSON(v)
	if err != nil {
		panic(err)
	}
	return data
}
