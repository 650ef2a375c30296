package ptytest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// TestTerminalPerformance measures, when PTY_PERF=1, the round trip of a
// keystroke through the server (client → server → agent → PTY echo → agent
// → server → client) over loopback, and N concurrent terminals
// (PTY_SESSIONS, default 100) each echoing a line. It prints the numbers;
// it asserts only that nothing failed.
func TestTerminalPerformance(t *testing.T) {
	if os.Getenv("PTY_PERF") != "1" {
		t.Skip("set PTY_PERF=1 to measure")
	}
	e := newEnv(t)
	e.startAgent(t)
	ctx := context.Background()

	// Through the server (WebSocket → server → agent tunnel), and straight
	// on the agent's tunnel stream (what the server adds is the difference).
	conn, err := e.client.WorkspaceAgentReconnectingPTY(ctx, codersdk.WorkspaceAgentReconnectingPTYOpts{
		AgentID: e.agentID, Reconnect: uuid.New(), Height: 24, Width: 80, Command: "cat",
	})
	require.NoError(t, err)
	defer conn.Close()
	through := keystrokeRTTs(t, conn)
	direct, err := e.api.AgentConns.Dial(ctx, e.agentID, agentsdk.AgentPTYPath+"?reconnect="+uuid.NewString()+"&command=cat")
	require.NoError(t, err)
	defer direct.Close()
	tunnel := keystrokeRTTs(t, direct)
	for _, m := range []struct {
		name string
		d    []time.Duration
	}{{"through the server", through}, {"on the agent tunnel only", tunnel}} {
		t.Logf("PERF keystroke round trip %s over %d keystrokes: p50=%v p90=%v p99=%v max=%v",
			m.name, len(m.d), m.d[len(m.d)/2], m.d[len(m.d)*90/100], m.d[len(m.d)*99/100], m.d[len(m.d)-1])
	}
	t.Logf("PERF added by the server: p50=%v p99=%v", through[len(through)/2]-tunnel[len(tunnel)/2],
		through[len(through)*99/100]-tunnel[len(tunnel)*99/100])

	sessions := 100
	if v, err := strconv.Atoi(os.Getenv("PTY_SESSIONS")); err == nil && v > 0 {
		sessions = v
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var failures []error
	start := time.Now()
	conns := make(chan func(), sessions)
	for i := 0; i < sessions; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fail := func(err error) {
				mu.Lock()
				failures = append(failures, err)
				mu.Unlock()
			}
			cctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
			defer cancel()
			c, err := e.client.WorkspaceAgentReconnectingPTY(cctx, codersdk.WorkspaceAgentReconnectingPTYOpts{
				AgentID: e.agentID, Reconnect: uuid.New(), Command: "cat",
			})
			if err != nil {
				fail(err)
				return
			}
			conns <- func() { _ = c.Close() }
			want := fmt.Sprintf("line-%d", i)
			msg, _ := json.Marshal(codersdk.ReconnectingPTYRequest{Data: want + "\r"})
			if _, err := c.Write(msg); err != nil {
				fail(err)
				return
			}
			got := ""
			b := make([]byte, 4096)
			for !containsTwice(got, want) {
				_ = c.SetReadDeadline(time.Now().Add(2 * time.Minute))
				n, err := c.Read(b)
				if err != nil {
					fail(fmt.Errorf("session %d: %w (got %q)", i, err, got))
					return
				}
				got += string(b[:n])
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	close(conns)
	for c := range conns {
		c()
	}
	t.Logf("PERF %d concurrent terminals opened, each echoed a line (echo + cat output): %d failures, %v in all",
		sessions, len(failures), elapsed)
	require.Empty(t, failures)
}

// containsTwice: the PTY echoes the typed line, then cat prints it.
func containsTwice(s, sub string) bool {
	return strings.Count(s, sub) >= 2
}

// keystrokeRTTs types one key at a time into a terminal running cat and
// times each until the PTY's echo of it comes back; sorted.
func keystrokeRTTs(t *testing.T, conn net.Conn) []time.Duration {
	t.Helper()
	key, err := json.Marshal(codersdk.ReconnectingPTYRequest{Data: "a"})
	require.NoError(t, err)
	buf := make([]byte, 4096)
	const keystrokes = 1000
	rtts := make([]time.Duration, 0, keystrokes)
	for i := 0; i < keystrokes+50; i++ {
		start := time.Now()
		_, err := conn.Write(key)
		require.NoError(t, err)
		n, err := conn.Read(buf)
		require.NoError(t, err)
		require.Equal(t, "a", string(buf[:n]))
		if i >= 50 { // warm-up
			rtts = append(rtts, time.Since(start))
		}
	}
	slices.Sort(rtts)
	return rtts
}
