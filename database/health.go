package database

import (
	"context"
	"errors"
	"net"
	"sync"
	"syscall"
	"time"

	"cdr.dev/slog"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Defaults of the HealthMonitor.
const (
	DefaultHealthInterval    = time.Second
	DefaultHealthPingTimeout = 5 * time.Second
)

// HealthStatus is what a HealthMonitor last saw.
type HealthStatus struct {
	Healthy bool
	// Reason says why the database is unreachable, in words safe to show
	// anyone: no user, host, port or password ("" while healthy).
	Reason string
	// Since is when the database became unreachable (or reachable again).
	Since time.Time
}

// HealthMonitor pings the database on an interval, and at once when a
// connection cannot be acquired, so that the API can answer 503 at once
// while the database is gone instead of letting requests pile up on
// connection attempts. It never caches a dead state: every ping decides.
type HealthMonitor struct {
	log         slog.Logger
	interval    time.Duration
	pingTimeout time.Duration
	kick        chan struct{}

	mu     sync.Mutex
	status HealthStatus
}

// NewHealthMonitor returns a monitor that reports healthy until Run's
// first ping says otherwise. interval <= 0 means DefaultHealthInterval.
func NewHealthMonitor(log slog.Logger, interval time.Duration) *HealthMonitor {
	if interval <= 0 {
		interval = DefaultHealthInterval
	}
	return &HealthMonitor{
		log:         log,
		interval:    interval,
		pingTimeout: DefaultHealthPingTimeout,
		kick:        make(chan struct{}, 1),
		status:      HealthStatus{Healthy: true, Since: time.Now()},
	}
}

// Status is the result of the last ping.
func (m *HealthMonitor) Status() HealthStatus {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.status
}

// Check asks for a ping now, without waiting for it.
func (m *HealthMonitor) Check() {
	select {
	case m.kick <- struct{}{}:
	default:
	}
}

// Trace makes a failed connection acquire on the pool trigger a ping; pass
// it to Open.
func (m *HealthMonitor) Trace(cfg *pgxpool.Config) {
	if cfg.ConnConfig.Tracer == nil {
		cfg.ConnConfig.Tracer = acquireTracer{m}
	}
}

// Run pings with ping every interval, and when asked by Check, until ctx
// is done.
func (m *HealthMonitor) Run(ctx context.Context, ping func(context.Context) error) {
	t := time.NewTicker(m.interval)
	defer t.Stop()
	for {
		m.probe(ctx, ping)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-m.kick:
		}
	}
}

func (m *HealthMonitor) probe(ctx context.Context, ping func(context.Context) error) {
	pctx, cancel := context.WithTimeout(ctx, m.pingTimeout)
	err := ping(pctx)
	cancel()
	if ctx.Err() != nil {
		return
	}
	m.mu.Lock()
	was := m.status
	now := time.Now()
	if err == nil {
		if !was.Healthy {
			m.status = HealthStatus{Healthy: true, Since: now}
		}
	} else {
		since := was.Since
		if was.Healthy {
			since = now
		}
		m.status = HealthStatus{Healthy: false, Reason: OutageReason(err), Since: since}
	}
	status := m.status
	m.mu.Unlock()

	switch {
	case was.Healthy && !status.Healthy:
		m.log.Error(ctx, "database unreachable; the API answers 503 until it is back",
			slog.F("reason", status.Reason), slog.Error(err))
	case !was.Healthy && status.Healthy:
		m.log.Info(ctx, "database reachable again", slog.F("down_for", now.Sub(was.Since).Round(time.Millisecond).String()))
	}
}

// OutageReason describes why the database cannot be used, in a few words
// that carry no connection details (pgx errors name the user, host and
// port).
func OutageReason(err error) string {
	var pgErr *pgconn.PgError
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &pgErr):
		switch {
		case pgErr.Code == "57P01" || pgErr.Code == "57P02":
			return "the database server ended the connection (shutting down or crashed)"
		case pgErr.Code == "57P03":
			return "the database is starting up"
		case pgErr.Code == "53300":
			return "too many connections"
		case len(pgErr.Code) == 5 && pgErr.Code[:2] == "28":
			return "authentication failed"
		default:
			return "database error (SQLSTATE " + pgErr.Code + ")"
		}
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "host unreachable"
	case errors.As(err, &dnsErr):
		return "host name not found"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "no answer in time"
	default:
		return "cannot connect"
	}
}

// acquireTracer kicks the monitor when the pool cannot hand out a
// connection.
type acquireTracer struct{ m *HealthMonitor }

func (acquireTracer) TraceAcquireStart(ctx context.Context, _ *pgxpool.Pool, _ pgxpool.TraceAcquireStartData) context.Context {
	return ctx
}

func (t acquireTracer) TraceAcquireEnd(ctx context.Context, _ *pgxpool.Pool, data pgxpool.TraceAcquireEndData) {
	if data.Err != nil && ctx.Err() == nil {
		t.m.Check()
	}
}

// QueryTracer is required for a ConnConfig.Tracer; queries are not traced.
func (acquireTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	return ctx
}

func (acquireTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// DedicatedPinger pings over a connection of its own, outside the pool, so
// that a pool saturated by a burst of requests (a busy but healthy
// database) is not taken for an outage: the pool's Ping would wait for a
// free connection and time out. The connection is redialed after any
// failure.
type DedicatedPinger struct {
	cfg *pgx.ConnConfig

	mu   sync.Mutex
	conn *pgx.Conn
}

// NewDedicatedPinger parses url as Open does (connect timeout 10 s unless
// the URL sets one).
func NewDedicatedPinger(url string) (*DedicatedPinger, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = 10 * time.Second
	}
	return &DedicatedPinger{cfg: cfg}, nil
}

// Ping dials if needed and pings; pass it to HealthMonitor.Run.
func (p *DedicatedPinger) Ping(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn == nil || p.conn.IsClosed() {
		conn, err := pgx.ConnectConfig(ctx, p.cfg)
		if err != nil {
			return err
		}
		p.conn = conn
	}
	if err := p.conn.Ping(ctx); err != nil {
		_ = p.conn.Close(context.WithoutCancel(ctx))
		p.conn = nil
		return err
	}
	return nil
}

// Close ends the connection.
func (p *DedicatedPinger) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn != nil {
		_ = p.conn.Close(context.Background())
		p.conn = nil
	}
}
