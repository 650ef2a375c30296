// Package pubsub carries change notifications between goroutines and
// between server replicas through PostgreSQL LISTEN/NOTIFY, so replicas
// sharing one database hear each other without another moving part.
package pubsub

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cdr.dev/slog"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/xerrors"
)

// Listener receives one message of an event. It runs on the delivery
// goroutine: keep it short (signal a channel, do not block).
//
// After the pubsub's connection to the database was lost and is back, every
// listener is called once more with a message for which IsReconnected is
// true: whatever was published meanwhile is lost, so the listener must look
// again at what it follows. A listener that treats every message as "look
// again" (all of ours do) needs no special case.
type Listener func(ctx context.Context, message []byte)

// reconnectedMessage is delivered to every listener after a reconnect.
// PostgreSQL refuses NUL bytes in a NOTIFY payload, so no published message
// can be mistaken for it.
const reconnectedMessage = "\x00pubsub reconnected"

// IsReconnected reports whether message is the notice that the pubsub
// reconnected and messages may have been missed, rather than a published
// message.
func IsReconnected(message []byte) bool { return string(message) == reconnectedMessage }

// Pubsub publishes and subscribes to named events.
type Pubsub interface {
	Publish(event string, message []byte) error
	// Subscribe returns a function that ends the subscription.
	Subscribe(event string, listener Listener) (cancel func(), err error)
	Close() error
}

// commandTimeout bounds a LISTEN, UNLISTEN or NOTIFY, so that a connection
// to a database that went silent (a host gone, not a refused connection)
// cannot block its caller for the minutes TCP takes to notice.
const commandTimeout = 10 * time.Second

// maxMessageBytes is PostgreSQL's NOTIFY payload limit (less one byte).
const maxMessageBytes = 7999

// PG is a Pubsub over one dedicated LISTEN connection and the pool for
// NOTIFY. Only the loop goroutine touches the listening connection (pgx
// connections are not safe for concurrent use); Subscribe hands it LISTEN
// commands over a channel and interrupts its wait. The connection reconnects
// by itself; messages sent while it was down are lost, which is why
// subscribers treat a message as "look again", never as the data itself.
type PG struct {
	log  slog.Logger
	pool *pgxpool.Pool
	cfg  *pgx.ConnConfig

	mu        sync.Mutex
	listeners map[string]map[*Listener]struct{}
	// queued LISTEN/UNLISTEN commands, drained by the loop before each
	// wait. A command is queued before the wake is sent, so a wake lost to
	// a wait that had already ended cannot strand it.
	queued []command

	wake chan struct{}

	// listenerPID is the backend process id of the listening connection
	// (0 while there is none), for operators and tests that need to find
	// it in pg_stat_activity.
	listenerPID atomic.Uint32
	// Counters for Stats.
	disconnections  atomic.Uint64
	publishes       atomic.Uint64
	publishFailures atomic.Uint64

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

type command struct {
	sql  string
	done chan error
}

var _ Pubsub = (*PG)(nil)

// New starts listening. connURL is the database's URL (LISTEN needs a
// connection of its own, outside the pool).
func New(ctx context.Context, log slog.Logger, pool *pgxpool.Pool, connURL string) (*PG, error) {
	cfg, err := pgx.ParseConfig(connURL)
	if err != nil {
		return nil, xerrors.Errorf("parse pubsub url: %w", err)
	}
	// Interrupting a wait must leave the connection usable and be quick:
	// a deadline does both (the default sends a cancel request first).
	cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.DeadlineContextWatcherHandler{Conn: c.Conn()}
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = commandTimeout
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, xerrors.Errorf("connect pubsub listener: %w", err)
	}
	loopCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p := &PG{
		log: log, pool: pool, cfg: cfg,
		listeners: map[string]map[*Listener]struct{}{},
		wake:      make(chan struct{}, 1),
		ctx:       loopCtx, cancel: cancel,
		done: make(chan struct{}),
	}
	p.listenerPID.Store(conn.PgConn().PID())
	go p.loop(conn)
	return p, nil
}

// Publish sends message to every subscriber of event, on every replica.
func (p *PG) Publish(event string, message []byte) error {
	if len(message) > maxMessageBytes {
		return xerrors.Errorf("pubsub message of %d bytes is over the %d byte limit", len(message), maxMessageBytes)
	}
	if strings.IndexByte(string(message), 0) >= 0 {
		return xerrors.New("pubsub message must not contain a NUL byte")
	}
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	_, err := p.pool.Exec(ctx, "SELECT pg_notify($1, $2)", event, string(message))
	if err != nil {
		p.publishFailures.Add(1)
		return xerrors.Errorf("publish %s: %w", event, err)
	}
	p.publishes.Add(1)
	return nil
}

// Subscribe calls listener for every message of event until canceled. The
// subscription is active when Subscribe returns.
func (p *PG) Subscribe(event string, listener Listener) (func(), error) {
	key := &listener
	p.mu.Lock()
	set, listening := p.listeners[event]
	if !listening {
		set = map[*Listener]struct{}{}
		p.listeners[event] = set
	}
	set[key] = struct{}{}
	var cmd *command
	if !listening {
		// Queued under the same lock that changed the set, so LISTEN and
		// UNLISTEN reach the connection in the order the set changed.
		cmd = p.enqueueLocked("LISTEN " + pgx.Identifier{event}.Sanitize())
	}
	p.mu.Unlock()

	if cmd != nil {
		if err := p.await(cmd); err != nil {
			p.remove(event, key)
			return nil, err
		}
	}
	var once sync.Once
	return func() { once.Do(func() { p.remove(event, key) }) }, nil
}

func (p *PG) remove(event string, key *Listener) {
	p.mu.Lock()
	set := p.listeners[event]
	delete(set, key)
	var cmd *command
	if len(set) == 0 {
		delete(p.listeners, event)
		cmd = p.enqueueLocked("UNLISTEN " + pgx.Identifier{event}.Sanitize())
	}
	p.mu.Unlock()
	if cmd != nil {
		// Not awaited: an UNLISTEN only saves traffic, and waiting for it
		// would block the caller (a daemon shutting down, a finished
		// request) for as long as the database is unreachable.
		p.poke()
	}
}

// enqueueLocked queues sql for the loop; the caller holds p.mu.
func (p *PG) enqueueLocked(sql string) *command {
	cmd := &command{sql: sql, done: make(chan error, 1)}
	p.queued = append(p.queued, *cmd)
	return cmd
}

// poke wakes the loop to serve queued commands.
func (p *PG) poke() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// await wakes the loop and waits until it has run cmd. While the connection
// is down the loop answers at once: the reconnect listens to every event
// that has subscribers.
func (p *PG) await(cmd *command) error {
	p.poke()
	select {
	case err := <-cmd.done:
		return err
	case <-p.ctx.Done():
		return xerrors.New("pubsub is closed")
	}
}

func (p *PG) loop(conn *pgx.Conn) {
	defer close(p.done)
	defer func() {
		if conn != nil {
			closeConn(conn)
		}
	}()
	for p.ctx.Err() == nil {
		if conn == nil {
			p.listenerPID.Store(0)
			p.disconnections.Add(1)
			conn = p.reconnect()
			if conn != nil {
				p.listenerPID.Store(conn.PgConn().PID())
				// Only now, with every LISTEN in place: a listener that
				// looks again from here on misses nothing.
				p.deliverAll(reconnectedMessage)
			}
			continue
		}
		// Commands first: a LISTEN must be in place before Subscribe
		// returns.
		p.mu.Lock()
		cmds := p.queued
		p.queued = nil
		p.mu.Unlock()
		if len(cmds) > 0 {
			for _, cmd := range cmds {
				ctx, cancel := context.WithTimeout(p.ctx, commandTimeout)
				_, err := conn.Exec(ctx, cmd.sql)
				cancel()
				if err != nil && conn.IsClosed() {
					// The connection died under the command: the
					// reconnect listens to every event that has
					// subscribers, so the command is not lost.
					err = nil
				}
				cmd.done <- err
			}
			if conn.IsClosed() {
				p.log.Warn(p.ctx, "pubsub connection lost; reconnecting")
				conn = nil
			}
			continue
		}

		waitCtx, cancel := context.WithCancel(p.ctx)
		stop := make(chan struct{})
		waiterDone := make(chan struct{})
		go func() {
			defer close(waiterDone)
			select {
			case <-p.wake:
				cancel()
			case <-stop:
			}
		}()
		n, err := conn.WaitForNotification(waitCtx)
		close(stop)
		// Join the waiter so it cannot take a wake meant for the next wait.
		<-waiterDone
		interrupted := waitCtx.Err() != nil
		cancel()
		switch {
		case err == nil:
			p.deliver(n)
		case p.ctx.Err() != nil:
			return
		case interrupted:
			// Woken for a command; serve it on the next turn.
		default:
			p.log.Warn(p.ctx, "pubsub connection lost; reconnecting", slog.Error(err))
			closeConn(conn)
			conn = nil
		}
	}
}

// closeConn closes a connection that may be dead without waiting long for
// its goodbye.
func closeConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = conn.Close(ctx)
}

// answerQueued answers the queued commands while there is no connection:
// the next connection listens to the events subscribed to by then, which
// is what the commands would have made of the old one.
func (p *PG) answerQueued() {
	p.mu.Lock()
	cmds := p.queued
	p.queued = nil
	p.mu.Unlock()
	for _, cmd := range cmds {
		cmd.done <- nil
	}
}

// maxReconnectBackoff bounds the wait between reconnect attempts, so that
// subscribers catch up within about a second of the database coming back.
// An attempt against a database that refuses connections is cheap.
const maxReconnectBackoff = time.Second

// reconnect dials until it has a connection listening to every event that
// has subscribers, or the pubsub closes.
func (p *PG) reconnect() *pgx.Conn {
	for backoff := 50 * time.Millisecond; p.ctx.Err() == nil; backoff = min(backoff*2, maxReconnectBackoff) {
		p.answerQueued()
		conn, err := pgx.ConnectConfig(p.ctx, p.cfg)
		if err == nil {
			p.mu.Lock()
			events := make([]string, 0, len(p.listeners))
			for e := range p.listeners {
				events = append(events, e)
			}
			p.mu.Unlock()
			for _, e := range events {
				ctx, cancel := context.WithTimeout(p.ctx, commandTimeout)
				_, err = conn.Exec(ctx, "LISTEN "+pgx.Identifier{e}.Sanitize())
				cancel()
				if err != nil {
					break
				}
			}
			if err == nil {
				p.log.Info(p.ctx, "pubsub reconnected", slog.F("events", len(events)))
				return conn
			}
			closeConn(conn)
		}
		p.log.Warn(p.ctx, "pubsub reconnect failed", slog.Error(err), slog.F("retry_in", backoff.String()))
		timer := time.NewTimer(backoff)
	wait:
		for {
			select {
			case <-timer.C:
				break wait
			case <-p.wake:
				p.answerQueued()
			case <-p.ctx.Done():
				timer.Stop()
				break wait
			}
		}
	}
	return nil
}

func (p *PG) deliver(n *pgconn.Notification) {
	p.mu.Lock()
	set := p.listeners[n.Channel]
	fns := make([]Listener, 0, len(set))
	for l := range set {
		fns = append(fns, *l)
	}
	p.mu.Unlock()
	for _, fn := range fns {
		fn(p.ctx, []byte(n.Payload))
	}
}

// deliverAll gives message to every listener of every event.
func (p *PG) deliverAll(message string) {
	p.mu.Lock()
	var fns []Listener
	for _, set := range p.listeners {
		for l := range set {
			fns = append(fns, *l)
		}
	}
	p.mu.Unlock()
	for _, fn := range fns {
		fn(p.ctx, []byte(message))
	}
}

// ListenerPID returns the PostgreSQL backend process id of the listening
// connection, or 0 while it is reconnecting. Operators find the connection
// in pg_stat_activity by it; tests end it with pg_terminate_backend.
func (p *PG) ListenerPID() uint32 { return p.listenerPID.Load() }

// Stats is what the pubsub has done so far, for metrics and health.
type Stats struct {
	// Connected is true while the listening connection is up.
	Connected bool
	// Disconnections counts the times the listening connection was lost.
	Disconnections uint64
	// Events and Subscribers count the events listened to and the
	// listeners of all of them.
	Events, Subscribers int
	// Publishes and PublishFailures count Publish calls by outcome.
	Publishes, PublishFailures uint64
}

// Stats reads the pubsub's counters.
func (p *PG) Stats() Stats {
	p.mu.Lock()
	events, subscribers := len(p.listeners), 0
	for _, set := range p.listeners {
		subscribers += len(set)
	}
	p.mu.Unlock()
	return Stats{
		Connected:       p.listenerPID.Load() != 0,
		Disconnections:  p.disconnections.Load(),
		Events:          events,
		Subscribers:     subscribers,
		Publishes:       p.publishes.Load(),
		PublishFailures: p.publishFailures.Load(),
	}
}

// Close stops listening. Publish keeps working until the pool closes.
func (p *PG) Close() error {
	p.cancel()
	<-p.done
	return nil
}

// Events shared across packages.
const (
	// EventProvisionerJobPosted wakes idle daemons: a job was enqueued.
	EventProvisionerJobPosted = "provisioner_job_posted"
)

// EventProvisionerJobLogs is published (with no payload) when new logs of a
// job are stored or the job's state changes, for log followers.
func EventProvisionerJobLogs(jobID string) string { return "provisioner_job_logs:" + jobID }
