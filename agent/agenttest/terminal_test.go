package agenttest_test

import (
	"encoding/json"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/codersdk"
)

// TestLocalStarterTerminal: through the server, the real agent process of
// the local starter opens a terminal (its user's login shell) in which a
// typed command runs and shows its output, and the terminal advertises
// itself (display_apps has web_terminal) for the dashboard's button.
func TestLocalStarterTerminal(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("the local starter runs sh scripts")
	}
	f := newLocalWorkspace(t)
	id := agentOf(t, f.build)
	a := f.awaitAgent(t, id, func(a codersdk.WorkspaceAgent) bool { return a.Status == codersdk.WorkspaceAgentConnected })
	require.Contains(t, a.DisplayApps, codersdk.DisplayAppWebTerminal)

	conn, err := f.client.WorkspaceAgentReconnectingPTY(t.Context(), codersdk.WorkspaceAgentReconnectingPTYOpts{
		AgentID: id, Reconnect: uuid.New(), Height: 24, Width: 80,
	})
	require.NoError(t, err)
	defer conn.Close()
	var mu sync.Mutex
	var out strings.Builder
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := conn.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	msg, err := json.Marshal(codersdk.ReconnectingPTYRequest{Data: "echo hello-$((6*7)) in $PWD\r"})
	require.NoError(t, err)
	_, err = conn.Write(msg)
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return strings.Contains(out.String(), "hello-42 in /")
	}, waitLong, tick, "the command's output comes back")
}
