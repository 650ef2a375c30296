package agentsdk_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"testing"

	"github.com/hashicorp/yamux"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/codersdk/agentsdk"
)

// tunnel returns the server's and the agent's ends of one yamux session over
// an in-memory pipe, the agent serving mux on the streams the server opens.
func tunnel(t *testing.T, mux http.Handler) *yamux.Session {
	t.Helper()
	a, b := net.Pipe()
	server, err := yamux.Server(a, agentsdk.YamuxConfig())
	require.NoError(t, err)
	agent, err := yamux.Client(b, agentsdk.YamuxConfig())
	require.NoError(t, err)
	srv := &http.Server{Handler: mux}
	go func() { _ = srv.Serve(agent) }()
	t.Cleanup(func() {
		_ = srv.Close()
		_ = server.Close()
		_ = agent.Close()
	})
	return server
}

func TestDialStreamEchoesBytesBothWays(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc(agentsdk.AgentDialPath, func(w http.ResponseWriter, r *http.Request) {
		conn, err := agentsdk.AcceptStream(w, r)
		if err != nil {
			return
		}
		defer conn.Close()
		_, _ = conn.Write([]byte(r.URL.Query().Get("greeting")))
		_, _ = io.Copy(conn, conn)
	})
	session := tunnel(t, mux)

	conn, err := agentsdk.DialStream(context.Background(), session, agentsdk.AgentDialPath+"?greeting=hi")
	require.NoError(t, err)
	defer conn.Close()
	buf := make([]byte, 2)
	_, err = io.ReadFull(conn, buf)
	require.NoError(t, err)
	assert.Equal(t, "hi", string(buf))
	_, err = conn.Write([]byte("ping"))
	require.NoError(t, err)
	buf = make([]byte, 4)
	_, err = io.ReadFull(conn, buf)
	require.NoError(t, err)
	assert.Equal(t, "ping", string(buf))
}

func TestDialStreamRefusalCarriesAgentMessage(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc(agentsdk.AgentDialPath, func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "port 22 is not listening", http.StatusBadGateway)
	})
	session := tunnel(t, mux)

	_, err := agentsdk.DialStream(context.Background(), session, agentsdk.AgentDialPath+"?port=22")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "port 22 is not listening")
}

func TestAcceptStreamRefusesPlainRequests(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc(agentsdk.AgentPTYPath, func(w http.ResponseWriter, r *http.Request) {
		_, _ = agentsdk.AcceptStream(w, r)
	})
	session := tunnel(t, mux)
	// A plain GET, not an upgrade, from the server's end:
	stream, err := session.Open()
	require.NoError(t, err)
	defer stream.Close()
	_, err = stream.Write([]byte("GET /pty HTTP/1.1\r\nHost: x\r\n\r\n"))
	require.NoError(t, err)
	buf := make([]byte, 12)
	_, err = io.ReadFull(stream, buf)
	require.NoError(t, err)
	assert.Equal(t, "HTTP/1.1 426", string(buf))
}
