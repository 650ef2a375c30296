package agent_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"cdr.dev/slog"
	"cdr.dev/slog/sloggers/slogtest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/agent"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// Generous bounds that only keep a broken test from hanging.
const (
	waitLong = 30 * time.Second
	tick     = 10 * time.Millisecond
)

func logger(t *testing.T) slog.Logger {
	return slogtest.Make(t, &slogtest.Options{IgnoreErrors: true}).Leveled(slog.LevelDebug)
}

// startAgent runs an agent against f until the test ends (or stop is
// called); stop waits for Run to return.
func startAgent(t *testing.T, f *fakeServer, opts agent.Options) (stop func()) {
	t.Helper()
	opts.Client = f.client()
	opts.Logger = logger(t)
	opts.MinBackoff, opts.MaxBackoff = 10*time.Millisecond, 100*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- agent.New(opts).Run(ctx) }()
	var stopped atomic.Bool
	stop = func() {
		if stopped.Swap(true) {
			return
		}
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(waitLong):
			t.Error("agent did not stop")
		}
	}
	t.Cleanup(stop)
	return stop
}

func script(body string, onStart, onStop bool) codersdk.WorkspaceAgentScript {
	return codersdk.WorkspaceAgentScript{
		ID: uuid.New(), LogSourceID: uuid.New(), Script: body,
		RunOnStart: onStart, RunOnStop: onStop, DisplayName: "test",
	}
}

func lifecycleOf(f *fakeServer) []codersdk.WorkspaceAgentLifecycle {
	var out []codersdk.WorkspaceAgentLifecycle
	f.lock(func() { out = slices.Clone(f.lifecycle) })
	return out
}

func logsOf(f *fakeServer, source uuid.UUID) []string {
	var out []string
	f.lock(func() { out = slices.Clone(f.logs[source.String()]) })
	return out
}

func TestStartupScriptRunsInDirectoryWithEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	s := script(`echo "dir=$(pwd)"; echo "ws=$CODER_WORKSPACE_NAME owner=$CODER_WORKSPACE_OWNER_NAME agent=$CODER_WORKSPACE_AGENT_NAME coder=$CODER"; echo "env=$FOO"; echo "token=${CODER_AGENT_TOKEN:-unset}"; echo "url=$CODER_AGENT_URL"; echo oops >&2`, true, false)
	f := newFakeServer(t, agentsdk.Manifest{
		AgentName: "main", OwnerName: "alice", WorkspaceName: "ws1",
		Directory:            "$TESTDIR",
		EnvironmentVariables: map[string]string{"FOO": "bar"},
		Scripts:              []codersdk.WorkspaceAgentScript{s},
	})
	startAgent(t, f, agent.Options{Environ: []string{"TESTDIR=" + dir, "PATH=" + os.Getenv("PATH"), "CODER_AGENT_TOKEN=secret"}})

	require.Eventually(t, func() bool {
		return slices.Contains(lifecycleOf(f), codersdk.WorkspaceAgentLifecycleReady)
	}, waitLong, tick)
	assert.Equal(t, []codersdk.WorkspaceAgentLifecycle{"starting", "ready"}, lifecycleOf(f))
	require.Eventually(t, func() bool { return len(logsOf(f, s.LogSourceID)) >= 6 }, waitLong, tick)
	resolved, err := filepath.EvalSymlinks(dir)
	require.NoError(t, err)
	logs := logsOf(f, s.LogSourceID)
	assert.Subset(t, logs, []string{
		"ws=ws1 owner=alice agent=main coder=true", "env=bar", "token=unset",
		"url=" + f.srv.URL, "oops",
	})
	assert.True(t, slices.Contains(logs, "dir="+dir) || slices.Contains(logs, "dir="+resolved), logs)
	f.lock(func() {
		require.Len(t, f.startups, 1)
		assert.Equal(t, dir, f.startups[0].ExpandedDirectory)
		assert.Equal(t, runtime.GOOS, f.startups[0].OperatingSystem)
		assert.Equal(t, runtime.GOARCH, f.startups[0].Architecture)
		assert.NotEmpty(t, f.startups[0].Version)
	})
}

func TestStartupOutcomes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		script  string
		timeout time.Duration
		want    codersdk.WorkspaceAgentLifecycle
	}{
		{"Error", "exit 3", 0, codersdk.WorkspaceAgentLifecycleStartError},
		{"Timeout", "sleep 60", 200 * time.Millisecond, codersdk.WorkspaceAgentLifecycleStartTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ok := script("true", true, false)
			bad := script(tc.script, true, false)
			bad.Timeout = tc.timeout
			f := newFakeServer(t, agentsdk.Manifest{Scripts: []codersdk.WorkspaceAgentScript{ok, bad}})
			startAgent(t, f, agent.Options{})
			require.Eventually(t, func() bool { return len(lifecycleOf(f)) == 2 }, waitLong, tick)
			assert.Equal(t, []codersdk.WorkspaceAgentLifecycle{"starting", tc.want}, lifecycleOf(f))
			require.Eventually(t, func() bool { return len(logsOf(f, bad.LogSourceID)) > 0 }, waitLong, tick)
		})
	}
}

func TestNoScriptsIsReady(t *testing.T) {
	t.Parallel()
	f := newFakeServer(t, agentsdk.Manifest{})
	startAgent(t, f, agent.Options{})
	require.Eventually(t, func() bool {
		return slices.Equal(lifecycleOf(f), []codersdk.WorkspaceAgentLifecycle{"starting", "ready"})
	}, waitLong, tick)
}

func TestShutdownRunsStopScripts(t *testing.T) {
	t.Parallel()
	marker := filepath.Join(t.TempDir(), "stopped")
	stopScript := script("echo bye; touch "+marker, false, true)
	f := newFakeServer(t, agentsdk.Manifest{Scripts: []codersdk.WorkspaceAgentScript{stopScript}})
	stop := startAgent(t, f, agent.Options{})
	require.Eventually(t, func() bool { return slices.Contains(lifecycleOf(f), "ready") }, waitLong, tick)
	stop()
	assert.FileExists(t, marker)
	assert.Equal(t, []codersdk.WorkspaceAgentLifecycle{"starting", "ready", "shutting_down", "off"}, lifecycleOf(f))
	assert.Equal(t, []string{"bye"}, logsOf(f, stopScript.LogSourceID))
}

func TestShutdownError(t *testing.T) {
	t.Parallel()
	f := newFakeServer(t, agentsdk.Manifest{Scripts: []codersdk.WorkspaceAgentScript{script("exit 1", false, true)}})
	stop := startAgent(t, f, agent.Options{})
	require.Eventually(t, func() bool { return slices.Contains(lifecycleOf(f), "ready") }, waitLong, tick)
	stop()
	assert.Equal(t, []codersdk.WorkspaceAgentLifecycle{"starting", "ready", "shutting_down", "shutdown_error"}, lifecycleOf(f))
}

// A server restart drops the connection: the agent dials again, reads the
// manifest and reports startup again, but does not rerun its scripts; what
// it reported while disconnected arrives, in order, after the reconnect.
func TestReconnectKeepsStateAndQueuesReports(t *testing.T) {
	t.Parallel()
	start := script("echo started", true, false)
	stopS := script("echo stopping", false, true)
	f := newFakeServer(t, agentsdk.Manifest{Scripts: []codersdk.WorkspaceAgentScript{start, stopS}})
	stop := startAgent(t, f, agent.Options{})
	require.Eventually(t, func() bool { return slices.Contains(lifecycleOf(f), "ready") }, waitLong, tick)
	require.Eventually(t, func() bool { return len(logsOf(f, start.LogSourceID)) == 1 }, waitLong, tick)

	// Restart: refuse dials for a while, drop the connection.
	f.lock(func() { f.refuse = true })
	f.dropAll()
	stopped := make(chan struct{})
	go func() { stop(); close(stopped) }()
	// The agent shuts down while disconnected; its reports wait.
	time.Sleep(300 * time.Millisecond)
	assert.Equal(t, []codersdk.WorkspaceAgentLifecycle{"starting", "ready"}, lifecycleOf(f))
	f.lock(func() { f.refuse = false })
	<-stopped

	assert.Equal(t, []codersdk.WorkspaceAgentLifecycle{"starting", "ready", "shutting_down", "off"}, lifecycleOf(f))
	assert.Equal(t, []string{"started"}, logsOf(f, start.LogSourceID))
	assert.Equal(t, []string{"stopping"}, logsOf(f, stopS.LogSourceID))
	f.lock(func() {
		assert.Equal(t, 2, f.connects)
		assert.Len(t, f.startups, 2)
	})
}

func TestLogsStopAtCap(t *testing.T) {
	t.Parallel()
	s := script(`i=0; while [ $i -lt 2000 ]; do echo "line $i"; i=$((i+1)); done`, true, false)
	f := newFakeServer(t, agentsdk.Manifest{Scripts: []codersdk.WorkspaceAgentScript{s}})
	// Any first batch reaches the cap, however many lines the batcher had
	// when it sent it (a full 100, or fewer when the script was slow).
	f.logCap = 1
	stop := startAgent(t, f, agent.Options{})
	require.Eventually(t, func() bool { return slices.Contains(lifecycleOf(f), "ready") }, waitLong, tick)
	// Stopping delivers every report still queued: what was sent is final.
	stop()
	// One batch (at most 100 lines) got through before the cap; after the
	// refusal of the next one nothing more was sent.
	n := len(logsOf(f, s.LogSourceID))
	assert.Positive(t, n)
	assert.LessOrEqual(t, n, 100)
	f.lock(func() { assert.Equal(t, 1, f.logRefused, "requests refused for the cap") })
}

func TestMetadata(t *testing.T) {
	t.Parallel()
	f := newFakeServer(t, agentsdk.Manifest{Metadata: []codersdk.WorkspaceAgentMetadataDescription{
		{Key: "greeting", Script: "echo '  hello  '", Interval: 1, Timeout: 5},
		{Key: "broken", Script: "echo partial; exit 2", Interval: 1, Timeout: 5},
		{Key: "slow", Script: "sleep 30", Interval: 10, Timeout: 1},
	}})
	startAgent(t, f, agent.Options{})
	require.Eventually(t, func() bool {
		var n int
		f.lock(func() { n = len(f.metadata) })
		return n == 3
	}, waitLong, tick)
	f.lock(func() {
		assert.Equal(t, "hello", f.metadata["greeting"].Value)
		assert.Empty(t, f.metadata["greeting"].Error)
		assert.False(t, f.metadata["greeting"].CollectedAt.IsZero())
		assert.Equal(t, "partial", f.metadata["broken"].Value)
		assert.Contains(t, f.metadata["broken"].Error, "exit status 2")
		assert.Contains(t, f.metadata["slow"].Error, "timed out")
	})
}

func TestAppHealth(t *testing.T) {
	t.Parallel()
	var failing atomic.Bool
	app := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if failing.Load() {
			w.WriteHeader(http.StatusBadGateway)
		}
	}))
	t.Cleanup(app.Close)
	id := uuid.New()
	f := newFakeServer(t, agentsdk.Manifest{Apps: []codersdk.WorkspaceApp{
		{ID: id, Slug: "web", Healthcheck: codersdk.Healthcheck{URL: app.URL, Interval: 1, Threshold: 2}},
		{ID: uuid.New(), Slug: "nocheck"},
	}})
	startAgent(t, f, agent.Options{})
	healths := func() []codersdk.WorkspaceAppHealth {
		var out []codersdk.WorkspaceAppHealth
		f.lock(func() {
			for _, h := range f.healths {
				assert.Len(t, h, 1)
				out = append(out, h[id.String()])
			}
		})
		return out
	}
	require.Eventually(t, func() bool { return len(healths()) == 1 }, waitLong, tick)
	failing.Store(true)
	require.Eventually(t, func() bool { return len(healths()) == 2 }, waitLong, tick)
	assert.Equal(t, []codersdk.WorkspaceAppHealth{"healthy", "unhealthy"}, healths())
}

func TestListeningPortsReported(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc")
	}
	l, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	port := uint16(l.Addr().(*net.TCPAddr).Port)
	f := newFakeServer(t, agentsdk.Manifest{})
	startAgent(t, f, agent.Options{PortsInterval: 50 * time.Millisecond})
	find := func() (agentsdk.ListeningPort, bool) {
		var last []agentsdk.ListeningPort
		f.lock(func() {
			if len(f.ports) > 0 {
				last = f.ports[len(f.ports)-1]
			}
		})
		for _, p := range last {
			if p.Port == port {
				return p, true
			}
		}
		return agentsdk.ListeningPort{}, false
	}
	require.Eventually(t, func() bool { _, ok := find(); return ok }, waitLong, tick)
	p, _ := find()
	assert.Equal(t, "tcp", p.Network)
	assert.True(t, strings.HasPrefix("agent.test", p.ProcessName), p.ProcessName)
	_ = l.Close()
	require.Eventually(t, func() bool { _, ok := find(); return !ok }, waitLong, tick)
}

func TestStatsReported(t *testing.T) {
	t.Parallel()
	f := newFakeServer(t, agentsdk.Manifest{})
	startAgent(t, f, agent.Options{StatsInterval: 20 * time.Millisecond})
	require.Eventually(t, func() bool {
		var n int
		f.lock(func() { n = f.stats })
		return n >= 3
	}, waitLong, tick)
}

func TestCronScriptRunsOnSchedule(t *testing.T) {
	t.Parallel()
	s := script("echo tick", false, false)
	s.Cron = "@every 1s"
	f := newFakeServer(t, agentsdk.Manifest{Scripts: []codersdk.WorkspaceAgentScript{s}})
	startAgent(t, f, agent.Options{})
	require.Eventually(t, func() bool { return len(logsOf(f, s.LogSourceID)) >= 2 }, waitLong, tick)
	assert.Equal(t, "tick", logsOf(f, s.LogSourceID)[0])
	// A cron script is not a startup script.
	assert.Equal(t, []codersdk.WorkspaceAgentLifecycle{"starting", "ready"}, lifecycleOf(f))
}
