package agent

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"cdr.dev/slog"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// maxQueuedReports bounds what a long disconnection can pile up. Past it,
// new reports other than lifecycle changes are dropped: lifecycle is what
// the server and its users rely on most.
const maxQueuedReports = 10000

// report is one call to the server. It is retried, in order, until the
// server answers; an answer that is an API error (4xx) is final.
type report struct {
	name      string
	lifecycle bool
	send      func(ctx context.Context, conn *agentsdk.Conn) error
}

// connHolder is the current connection (nil while disconnected) and a
// channel closed whenever it changes.
type connHolder struct {
	mu      sync.Mutex
	conn    *agentsdk.Conn
	changed chan struct{}
}

func newConnHolder() *connHolder {
	return &connHolder{changed: make(chan struct{})}
}

func (h *connHolder) set(c *agentsdk.Conn) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.conn = c
	close(h.changed)
	h.changed = make(chan struct{})
}

func (h *connHolder) get() (*agentsdk.Conn, <-chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.conn, h.changed
}

// reportQueue sends reports one at a time in the order they were made,
// holding them while the agent is disconnected, so a reconnect resends
// what the server has not acknowledged.
type reportQueue struct {
	logger slog.Logger
	conns  *connHolder

	mu      sync.Mutex
	items   []report
	busy    bool
	notify  chan struct{}
	dropped int
}

func newReportQueue(logger slog.Logger, conns *connHolder) *reportQueue {
	return &reportQueue{logger: logger, conns: conns, notify: make(chan struct{}, 1)}
}

func (q *reportQueue) push(r report) {
	q.mu.Lock()
	if len(q.items) >= maxQueuedReports && !r.lifecycle {
		q.dropped++
		if q.dropped == 1 || q.dropped%1000 == 0 {
			q.logger.Warn(context.Background(), "report queue full while disconnected; dropping reports", slog.F("dropped", q.dropped))
		}
		q.mu.Unlock()
		return
	}
	q.items = append(q.items, r)
	q.mu.Unlock()
	q.wake()
}

func (q *reportQueue) wake() {
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

// idle reports whether nothing is queued or being sent.
func (q *reportQueue) idle() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) == 0 && !q.busy
}

func (q *reportQueue) front() (report, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return report{}, false
	}
	q.busy = true
	return q.items[0], true
}

func (q *reportQueue) pop() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items[0] = report{}
	q.items = q.items[1:]
	q.busy = false
}

// run sends reports until ctx ends.
func (q *reportQueue) run(ctx context.Context) {
	for {
		r, ok := q.front()
		if !ok {
			select {
			case <-ctx.Done():
				return
			case <-q.notify:
				continue
			}
		}
		if !q.deliver(ctx, r) {
			return
		}
		q.pop()
	}
}

// deliver retries r until it is sent or refused; false when ctx ended.
func (q *reportQueue) deliver(ctx context.Context, r report) bool {
	for {
		conn, changed := q.conns.get()
		if conn == nil {
			select {
			case <-ctx.Done():
				return false
			case <-changed:
				continue
			}
		}
		reqCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := r.send(reqCtx, conn)
		cancel()
		if err == nil {
			q.logger.Debug(ctx, "report sent", slog.F("report", r.name))
			return true
		}
		var apiErr *codersdk.Error
		if errors.As(err, &apiErr) && apiErr.StatusCode() < http.StatusInternalServerError {
			q.logger.Warn(ctx, "the server refused a report; dropping it", slog.F("report", r.name), slog.Error(err))
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		q.logger.Debug(ctx, "report failed; retrying", slog.F("report", r.name), slog.Error(err))
		// A broken connection is noticed by the connect loop, which
		// installs a new one; a server error is retried after a pause.
		select {
		case <-ctx.Done():
			return false
		case <-changed:
		case <-time.After(time.Second):
		}
	}
}
