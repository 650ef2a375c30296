package agent

import (
	"bytes"
	"context"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// runWorkspace does what the first manifest asks, once per agent life:
// startup scripts (lifecycle starting → ready | start_error |
// start_timeout), then, until ctx ends, cron scripts, metadata, app health,
// listening ports and stats.
func (a *Agent) runWorkspace(ctx context.Context) {
	a.mu.Lock()
	m := a.manifest
	a.mu.Unlock()

	var wg sync.WaitGroup
	loops := []func(context.Context, *agentsdk.Manifest){
		a.runCronScripts, a.runMetadata, a.runAppHealth, a.runPorts, a.runStats,
	}
	for _, loop := range loops {
		wg.Add(1)
		go func() { defer wg.Done(); loop(ctx, m) }()
	}
	defer wg.Wait()

	a.setLifecycle(codersdk.WorkspaceAgentLifecycleStarting)
	var startup []codersdk.WorkspaceAgentScript
	for _, s := range m.Scripts {
		if s.RunOnStart {
			startup = append(startup, s)
		}
	}
	switch a.runScripts(ctx, m, startup) {
	case scriptCanceled:
		return
	case scriptTimedOut:
		a.setLifecycle(codersdk.WorkspaceAgentLifecycleStartTimeout)
	case scriptFailed:
		a.setLifecycle(codersdk.WorkspaceAgentLifecycleStartError)
	default:
		a.setLifecycle(codersdk.WorkspaceAgentLifecycleReady)
	}
	<-ctx.Done()
}

// shutdown reports shutting_down, runs the stop scripts and reports how
// they ended. Without a manifest there is nothing to run.
func (a *Agent) shutdown(ctx context.Context) {
	a.mu.Lock()
	m := a.manifest
	a.mu.Unlock()
	a.setLifecycle(codersdk.WorkspaceAgentLifecycleShuttingDown)
	if m == nil {
		a.setLifecycle(codersdk.WorkspaceAgentLifecycleOff)
		return
	}
	var stop []codersdk.WorkspaceAgentScript
	for _, s := range m.Scripts {
		if s.RunOnStop {
			stop = append(stop, s)
		}
	}
	switch a.runScripts(ctx, m, stop) {
	case scriptTimedOut:
		a.setLifecycle(codersdk.WorkspaceAgentLifecycleShutdownTimeout)
	case scriptFailed, scriptCanceled:
		a.setLifecycle(codersdk.WorkspaceAgentLifecycleShutdownError)
	default:
		a.setLifecycle(codersdk.WorkspaceAgentLifecycleOff)
	}
}

// Metadata values and errors longer than this are cut (Coder's limit).
const maxMetadataLen = 2048

// runMetadata runs each metadata item on its interval and sends the
// results in one report per second at most. Results made while a report
// is still undelivered (disconnected) replace older ones per key.
func (a *Agent) runMetadata(ctx context.Context, m *agentsdk.Manifest) {
	if len(m.Metadata) == 0 {
		return
	}
	var (
		mu       sync.Mutex
		pending  = map[string]agentsdk.Metadata{}
		inFlight atomic.Bool
		wg       sync.WaitGroup
	)
	for _, md := range m.Metadata {
		wg.Add(1)
		go func() {
			defer wg.Done()
			interval := time.Duration(md.Interval) * time.Second
			if interval < time.Second {
				interval = time.Second
			}
			for {
				res := a.collectMetadata(ctx, m, md)
				mu.Lock()
				pending[md.Key] = agentsdk.Metadata{Key: md.Key, MetadataResult: res}
				mu.Unlock()
				select {
				case <-ctx.Done():
					return
				case <-time.After(interval):
				}
			}
		}()
	}
	defer wg.Wait()

	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if inFlight.Load() {
			continue
		}
		mu.Lock()
		if len(pending) == 0 {
			mu.Unlock()
			continue
		}
		req := agentsdk.PostMetadataRequest{}
		for _, v := range pending {
			req.Metadata = append(req.Metadata, v)
		}
		pending = map[string]agentsdk.Metadata{}
		mu.Unlock()
		sort.Slice(req.Metadata, func(i, j int) bool { return req.Metadata[i].Key < req.Metadata[j].Key })
		inFlight.Store(true)
		a.queue.push(report{name: "metadata", send: func(ctx context.Context, conn *agentsdk.Conn) error {
			now := time.Now()
			for i := range req.Metadata {
				req.Metadata[i].Age = int64(now.Sub(req.Metadata[i].CollectedAt).Seconds())
			}
			err := conn.PostMetadata(ctx, req)
			if err == nil {
				inFlight.Store(false)
			}
			return err
		}})
		// A refused report must not block the next ones forever.
		go func() {
			<-time.After(time.Minute)
			inFlight.Store(false)
		}()
	}
}

// collectMetadata runs one metadata script.
func (a *Agent) collectMetadata(ctx context.Context, m *agentsdk.Manifest, md codersdk.WorkspaceAgentMetadataDescription) agentsdk.MetadataResult {
	timeout := time.Duration(md.Timeout) * time.Second
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var out bytes.Buffer
	cmd := exec.CommandContext(runCtx, "sh", "-c", md.Script)
	cmd.Dir = a.workDir()
	cmd.Env = a.scriptEnv(m)
	cmd.Stdout = &limitedBuffer{buf: &out, limit: maxMetadataLen * 2}
	cmd.Stderr = cmd.Stdout
	cmd.WaitDelay = time.Second
	setProcessGroup(cmd)
	err := cmd.Run()
	res := agentsdk.MetadataResult{
		CollectedAt: time.Now().UTC(),
		Value:       truncate(strings.TrimSpace(out.String()), maxMetadataLen),
	}
	switch {
	case runCtx.Err() == context.DeadlineExceeded:
		res.Error = "timed out after " + timeout.String()
	case err != nil:
		res.Error = truncate(err.Error(), maxMetadataLen)
	}
	return res
}

type limitedBuffer struct {
	buf   *bytes.Buffer
	limit int
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.limit - l.buf.Len(); room > 0 {
		if len(p) > room {
			l.buf.Write(p[:room])
		} else {
			l.buf.Write(p)
		}
	}
	return len(p), nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

// runStats reports stats on the interval the server asks for.
func (a *Agent) runStats(ctx context.Context, _ *agentsdk.Manifest) {
	var interval atomic.Int64
	interval.Store(int64(a.opts.StatsInterval))
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Duration(interval.Load())):
		}
		stats := a.opts.Stats.Stats()
		stats.SessionCountReconnectingPTY += a.ptys.count()
		a.queue.push(report{name: "stats", send: func(ctx context.Context, conn *agentsdk.Conn) error {
			res, err := conn.PostStats(ctx, stats)
			if err == nil && res.ReportInterval > 0 {
				interval.Store(int64(res.ReportInterval))
			}
			return err
		}})
	}
}
