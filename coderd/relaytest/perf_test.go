package relaytest_test

import (
	"context"
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/codersdk"
)

// TestRelayLatency measures, when RELAY_PERF=1, the round trip of a
// keystroke (client → server → agent → PTY echo → back) through the
// replica holding the agent (local) and through the other one (relayed),
// RELAY_KEYSTROKES times each (default 500), alternating so both see the
// same machine load. It prints the numbers; it asserts only that every
// keystroke came back.
func TestRelayLatency(t *testing.T) {
	if os.Getenv("RELAY_PERF") != "1" {
		t.Skip("set RELAY_PERF=1 to measure")
	}
	keystrokes := 500
	if v, err := strconv.Atoi(os.Getenv("RELAY_KEYSTROKES")); err == nil && v > 0 {
		keystrokes = v
	}
	e := newEnv(t)
	e.startAgent(t)
	ctx := context.Background()
	dial := func(client *codersdk.Client) func() time.Duration {
		conn, err := client.WorkspaceAgentReconnectingPTY(ctx, codersdk.WorkspaceAgentReconnectingPTYOpts{
			AgentID: e.agentID, Reconnect: uuid.New(), Height: 24, Width: 80, Command: "cat",
		})
		require.NoError(t, err)
		t.Cleanup(func() { _ = conn.Close() })
		key, err := json.Marshal(codersdk.ReconnectingPTYRequest{Data: "a"})
		require.NoError(t, err)
		buf := make([]byte, 4096)
		return func() time.Duration {
			start := time.Now()
			_, err := conn.Write(key)
			require.NoError(t, err)
			n, err := conn.Read(buf)
			require.NoError(t, err)
			require.Equal(t, "a", string(buf[:n]))
			return time.Since(start)
		}
	}
	local, relayed := dial(e.a.client), dial(e.b.client)
	for i := 0; i < 50; i++ { // warm-up
		local()
		relayed()
	}
	var l, r []time.Duration
	for i := 0; i < keystrokes; i++ {
		l = append(l, local())
		r = append(r, relayed())
	}
	report := func(name string, d []time.Duration) (p50, p99 time.Duration) {
		slices.Sort(d)
		p50, p99 = d[len(d)/2], d[len(d)*99/100]
		t.Logf("PERF %s keystroke round trip over %d: p50=%v p90=%v p99=%v max=%v",
			name, len(d), p50, d[len(d)*90/100], p99, d[len(d)-1])
		return p50, p99
	}
	l50, l99 := report("local  ", l)
	r50, r99 := report("relayed", r)
	t.Logf("PERF relay adds p50=%v p99=%v", r50-l50, r99-l99)
}
