// Package agent is the workspace agent (`coder agent`): the process inside
// a workspace that keeps one connection to the server, runs the template's
// scripts, and reports lifecycle, logs, metadata, app health, listening
// ports and stats.
//
// The agent's life is longer than any connection: scripts run once per
// process, reports made while disconnected are queued and sent in order
// after the next connect, and a server restart or a replica change only
// means dialing again.
package agent

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"cdr.dev/slog"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/buildinfo"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// Options configures an agent.
type Options struct {
	Client *agentsdk.Client
	Logger slog.Logger
	// Stats supplies connection and traffic counters; nil reports zeros
	// (connections through the agent come later).
	Stats StatsSource
	// Environ is the environment scripts inherit; nil means os.Environ().
	Environ []string
	// MinBackoff and MaxBackoff bound the wait between connection
	// attempts (defaults 1s and 30s).
	MinBackoff, MaxBackoff time.Duration
	// StatsInterval is the first interval between stats reports; the
	// server's answer sets the next ones (default 30s, Coder's).
	StatsInterval time.Duration
	// PortsInterval is how often listening ports are scanned (default 5s).
	PortsInterval time.Duration
	// ProcDir is where the ports scanner reads from (default /proc).
	ProcDir string
	// LogDir, when set, receives a copy of each script's output in
	// coder-script-<log source id>.log.
	LogDir string
	// PTYTimeout is how long a browser terminal outlives its last client
	// (default 5m, DefaultPTYTimeout).
	PTYTimeout time.Duration
}

// StatsSource supplies the counters of a stats report.
type StatsSource interface {
	Stats() agentsdk.Stats
}

type zeroStats struct{}

func (zeroStats) Stats() agentsdk.Stats {
	return agentsdk.Stats{ConnectionsByProto: map[string]int64{}, ConnectionMedianLatencyMS: -1}
}

// Agent is one agent process's state across connections.
type Agent struct {
	opts   Options
	logger slog.Logger
	conns  *connHolder
	queue  *reportQueue
	logs   *logSender
	ssh    *sshServer
	ptys   *ptyManager

	mu        sync.Mutex
	lifecycle codersdk.WorkspaceAgentLifecycle
	manifest  *agentsdk.Manifest
	started   chan struct{} // closed when the first manifest arrived
	directory string
}

// New returns an agent; Run starts it.
func New(opts Options) *Agent {
	if opts.Stats == nil {
		opts.Stats = zeroStats{}
	}
	if opts.Environ == nil {
		opts.Environ = os.Environ()
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = time.Second
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 30 * time.Second
	}
	if opts.StatsInterval <= 0 {
		opts.StatsInterval = 30 * time.Second
	}
	if opts.PortsInterval <= 0 {
		opts.PortsInterval = 5 * time.Second
	}
	if opts.ProcDir == "" {
		opts.ProcDir = "/proc"
	}
	a := &Agent{
		opts:      opts,
		logger:    opts.Logger,
		conns:     newConnHolder(),
		lifecycle: codersdk.WorkspaceAgentLifecycleCreated,
		started:   make(chan struct{}),
	}
	a.queue = newReportQueue(opts.Logger.Named("reports"), a.conns)
	a.logs = newLogSender(a.queue)
	if srv, err := newSSHServer(a); err == nil {
		a.ssh = srv
	} else {
		a.logger.Error(context.Background(), "ssh server unavailable", slog.Error(err))
	}
	a.ptys = newPTYManager(opts.Logger.Named("pty"), opts.PTYTimeout)
	return a
}

// Run keeps the agent connected and running the workspace until ctx ends,
// then shuts down: reports shutting_down, runs the stop scripts, reports
// the outcome, sends what is still queued (bounded), and returns.
func (a *Agent) Run(ctx context.Context) error {
	// life outlives ctx: shutting down still needs the connection.
	life, endLife := context.WithCancel(context.WithoutCancel(ctx))
	defer endLife()

	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); a.queue.run(life) }()
	go func() { defer wg.Done(); a.connectLoop(life) }()

	// Everything that needs the manifest starts after the first one.
	startCtx, cancelStart := context.WithCancel(life)
	startDone := make(chan struct{})
	go func() {
		defer close(startDone)
		select {
		case <-startCtx.Done():
			return
		case <-a.started:
		}
		a.runWorkspace(startCtx)
	}()

	<-ctx.Done()
	a.logger.Info(life, "shutting down")
	cancelStart()
	<-startDone
	a.shutdown(life)
	a.ptys.closeAll()
	if a.ssh != nil {
		a.ssh.close()
	}

	if !a.flush(life) {
		a.logger.Warn(life, "some reports were not delivered before exit")
	}
	endLife()
	wg.Wait()
	return nil
}

// Bounds on delivering the last reports at exit: in all, and without a
// connection (a stop build makes the server refuse the agent, and the
// workspace's stop should not wait for that).
const (
	flushTimeout             = 10 * time.Second
	flushDisconnectedTimeout = 2 * time.Second
)

// flush waits until every queued report was sent, within the bounds above.
func (a *Agent) flush(ctx context.Context) bool {
	deadline := time.Now().Add(flushTimeout)
	var disconnectedSince time.Time
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for !a.queue.idle() {
		now := time.Now()
		if conn, _ := a.conns.get(); conn != nil {
			disconnectedSince = time.Time{}
		} else if disconnectedSince.IsZero() {
			disconnectedSince = now
		}
		if now.After(deadline) || (!disconnectedSince.IsZero() && now.Sub(disconnectedSince) > flushDisconnectedTimeout) {
			return false
		}
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
	return true
}

// connectLoop dials, reads the manifest, reports startup, and serves the
// connection until it breaks; then dials again with backoff.
func (a *Agent) connectLoop(ctx context.Context) {
	delay := time.Duration(0)
	for {
		if delay > 0 {
			select {
			case <-ctx.Done():
				return
			case <-time.After(delay):
			}
		}
		connected, err := a.connectOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if connected {
			// A connection that worked resets the backoff.
			delay = 0
			a.logger.Info(ctx, "disconnected; reconnecting", slog.Error(err))
		} else {
			a.logger.Warn(ctx, "connect to the server", slog.Error(err))
		}
		delay = nextBackoff(delay, a.opts.MinBackoff, a.opts.MaxBackoff)
	}
}

// connectOnce runs one connection; connected says whether it got as far
// as serving.
func (a *Agent) connectOnce(ctx context.Context) (connected bool, err error) {
	dialCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	conn, err := a.opts.Client.Connect(dialCtx)
	cancel()
	if err != nil {
		return false, err
	}
	defer conn.Close()

	reqCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	manifest, err := conn.Manifest(reqCtx)
	if err != nil {
		return false, xerrors.Errorf("read manifest: %w", err)
	}
	dir := expandDirectory(manifest.Directory, a.opts.Environ)
	err = conn.PostStartup(reqCtx, agentsdk.PostStartupRequest{
		Version:           buildinfo.Version(),
		ExpandedDirectory: dir,
		OperatingSystem:   runtime.GOOS,
		Architecture:      runtime.GOARCH,
		Subsystems:        []codersdk.AgentSubsystem{},
	})
	if err != nil {
		return false, xerrors.Errorf("report startup: %w", err)
	}
	cancel()

	a.mu.Lock()
	first := a.manifest == nil
	if first {
		a.manifest = &manifest
		a.directory = dir
	}
	a.mu.Unlock()
	if first {
		close(a.started)
	}
	a.logger.Info(ctx, "connected", slog.F("agent_id", manifest.AgentID), slog.F("workspace", manifest.WorkspaceName),
		slog.F("scripts", len(manifest.Scripts)), slog.F("metadata", len(manifest.Metadata)), slog.F("apps", len(manifest.Apps)))

	// The server reaches the agent over streams it opens.
	srv := &http.Server{Handler: a.handler(), ReadHeaderTimeout: 30 * time.Second}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(conn.Session)
	}()
	a.conns.set(conn)
	defer a.conns.set(nil)

	select {
	case <-ctx.Done():
	case <-conn.Session.CloseChan():
	}
	_ = srv.Close()
	_ = conn.Close()
	<-served
	return true, errors.New("connection closed")
}

// handler serves the streams the server opens.
func (a *Agent) handler() http.Handler {
	mux := http.NewServeMux()
	if a.ssh != nil {
		mux.HandleFunc("GET "+agentsdk.AgentSSHPath, a.ssh.serveHTTP)
	}
	mux.HandleFunc("GET "+agentsdk.AgentDialPath, a.serveDial)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("OK"))
	})
	mux.HandleFunc("GET "+agentsdk.AgentPTYPath, a.servePTY)
	return mux
}

// nextBackoff doubles the previous wait within [lowest, highest] and
// jitters it to between half and all of that, so agents of a restarted
// server do not all dial at the same instant.
func nextBackoff(prev, lowest, highest time.Duration) time.Duration {
	d := prev * 2
	if d < lowest {
		d = lowest
	}
	if d > highest {
		d = highest
	}
	half := d / 2
	return half + rand.N(d-half+1)
}

// setLifecycle records and reports a transition.
func (a *Agent) setLifecycle(state codersdk.WorkspaceAgentLifecycle) {
	a.mu.Lock()
	if a.lifecycle == state {
		a.mu.Unlock()
		return
	}
	a.lifecycle = state
	a.mu.Unlock()
	a.logger.Info(context.Background(), "lifecycle", slog.F("state", state))
	req := agentsdk.PostLifecycleRequest{State: state, ChangedAt: time.Now().UTC()}
	a.queue.push(report{name: "lifecycle " + string(state), lifecycle: true, send: func(ctx context.Context, conn *agentsdk.Conn) error {
		return conn.PostLifecycle(ctx, req)
	}})
}

// Lifecycle is the agent's current lifecycle state.
func (a *Agent) Lifecycle() codersdk.WorkspaceAgentLifecycle {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.lifecycle
}

// expandDirectory turns the template's directory into a path: ~ and $VARS
// expanded against env; empty means the home directory.
func expandDirectory(dir string, env []string) string {
	lookup := func(key string) string {
		for i := len(env) - 1; i >= 0; i-- {
			if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
				return v
			}
		}
		return ""
	}
	home := lookup("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	if dir == "" {
		return home
	}
	if dir == "~" {
		dir = home
	} else if strings.HasPrefix(dir, "~/") {
		dir = filepath.Join(home, dir[2:])
	}
	dir = os.Expand(dir, lookup)
	if !filepath.IsAbs(dir) && home != "" {
		dir = filepath.Join(home, dir)
	}
	return filepath.Clean(dir)
}
