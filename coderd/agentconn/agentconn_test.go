package agentconn_test

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/google/uuid"
	"github.com/hashicorp/yamux"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/agentconn"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// TestPingAll: the registry's shared keepalive closes the session of a
// peer that does not answer and leaves a live one open.
func TestPingAll(t *testing.T) {
	t.Parallel()
	cfg := agentconn.ServerYamuxConfig(agentsdk.YamuxConfig())
	require.False(t, cfg.EnableKeepAlive)
	// The ping timeout: the live peer must answer within it, so it is
	// long enough for a loaded machine, and the dead peer costs it once.
	cfg.ConnectionWriteTimeout = 2 * time.Second

	// A live agent: a yamux client answers pings.
	liveServer, liveAgent := net.Pipe()
	live, err := yamux.Server(liveServer, cfg)
	require.NoError(t, err)
	agent, err := yamux.Client(liveAgent, agentsdk.YamuxConfig())
	require.NoError(t, err)
	t.Cleanup(func() { _ = agent.Close(); _ = live.Close() })

	// A dead agent: its end reads and drops everything, never answering.
	deadServer, deadAgent := net.Pipe()
	go func() { _, _ = io.Copy(io.Discard, deadAgent) }()
	dead, err := yamux.Server(deadServer, cfg)
	require.NoError(t, err)
	t.Cleanup(func() { _ = dead.Close(); _ = deadAgent.Close() })

	r := agentconn.New(nil, uuid.New(), slogtest.Make(t, nil), time.Now)
	r.Add(&agentconn.Session{AgentID: uuid.New(), Mux: live})
	r.Add(&agentconn.Session{AgentID: uuid.New(), Mux: dead})
	r.PingAll(context.Background())

	require.True(t, dead.IsClosed(), "the silent peer's session is closed")
	require.False(t, live.IsClosed(), "the live peer's session stays")
}
