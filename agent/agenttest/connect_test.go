package agenttest_test

import (
	"context"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/codersdk"
)

// agentOf is the build's only agent.
func agentOf(t *testing.T, b codersdk.WorkspaceBuild) uuid.UUID {
	t.Helper()
	var ids []uuid.UUID
	for _, r := range b.Resources {
		for _, a := range r.Agents {
			ids = append(ids, a.ID)
		}
	}
	require.Len(t, ids, 1)
	return ids[0]
}

func (f localFixture) awaitAgent(t *testing.T, id uuid.UUID, ok func(codersdk.WorkspaceAgent) bool) codersdk.WorkspaceAgent {
	t.Helper()
	var last codersdk.WorkspaceAgent
	require.Eventually(t, func() bool {
		a, err := f.client.WorkspaceAgent(t.Context(), id)
		if err != nil {
			return false
		}
		last = a
		return ok(a)
	}, waitLong, tick, "agent stayed %s / %s", last.Status, last.LifecycleState)
	return last
}

// TestLocalStarterAgentEndToEnd: the real agent process connects, runs its
// startup script and reaches ready, with its logs and metadata readable;
// killed, it shows disconnected; restarted, it reconnects; the stop build
// ends it and it shows disconnected.
func TestLocalStarterAgentEndToEnd(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("the local starter runs sh scripts")
	}
	f := newLocalWorkspace(t)
	id := agentOf(t, f.build)

	a := f.awaitAgent(t, id, func(a codersdk.WorkspaceAgent) bool {
		return a.Status == codersdk.WorkspaceAgentConnected && a.LifecycleState == codersdk.WorkspaceAgentLifecycleReady
	})
	assert.Equal(t, runtime.GOOS, a.OperatingSystem)
	assert.Equal(t, runtime.GOARCH, a.Architecture)
	assert.NotEmpty(t, a.Version)
	assert.Equal(t, f.dir, a.ExpandedDirectory)
	assert.NotNil(t, a.FirstConnectedAt)
	assert.NotNil(t, a.ReadyAt)

	// The startup script's output.
	require.Eventually(t, func() bool {
		logs, closer, err := f.client.WorkspaceAgentLogsAfter(t.Context(), id, 0, false)
		if err != nil {
			return false
		}
		defer closer.Close()
		for batch := range logs {
			for _, l := range batch {
				if strings.Contains(l.Output, "Hello, owner: workspace "+f.workspace.Name+" runs in") {
					return true
				}
			}
		}
		return false
	}, waitLong, tick)

	// The metadata items, with results: each watch opens with the current
	// values.
	values := map[string]codersdk.WorkspaceAgentMetadataResult{}
	require.Eventually(t, func() bool {
		ctx, cancel := context.WithTimeout(t.Context(), waitLong)
		defer cancel()
		updates, _ := f.client.WatchWorkspaceAgentMetadata(ctx, id)
		md, ok := <-updates
		if !ok {
			return false
		}
		for _, m := range md {
			values[m.Description.Key] = m.Result
		}
		return !values["load"].CollectedAt.IsZero() && !values["disk"].CollectedAt.IsZero()
	}, waitLong, time.Second)
	assert.NotEmpty(t, values["load"].Value)
	assert.Empty(t, values["load"].Error)

	// Killed: disconnected. Started again: connected (and ready) again.
	pid := agentPID(t, f.dir)
	require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
	f.awaitAgent(t, id, func(a codersdk.WorkspaceAgent) bool { return a.Status == codersdk.WorkspaceAgentDisconnected })
	out, err := exec.Command("sh", f.dir+"/start.sh").CombinedOutput()
	require.NoError(t, err, string(out))
	f.awaitAgent(t, id, func(a codersdk.WorkspaceAgent) bool {
		return a.Status == codersdk.WorkspaceAgentConnected && a.LifecycleState == codersdk.WorkspaceAgentLifecycleReady
	})

	// Stopped: the process is gone and the agent disconnected.
	pid = agentPID(t, f.dir)
	stop := f.transition(t, codersdk.WorkspaceTransitionStop)
	require.Equal(t, codersdk.WorkspaceStatusStopped, stop.Status, stop.Job.Error)
	assert.False(t, alive(pid))
	f.awaitAgent(t, id, func(a codersdk.WorkspaceAgent) bool { return a.Status == codersdk.WorkspaceAgentDisconnected })
}
