package agentsdk_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/hashicorp/yamux"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// tunnelServer accepts the agent's connection the way the server does
// (raw when asked, else a WebSocket, unless webSocketOnly) and hands each
// session to sessions. upgrades records how each agent came in.
type tunnelServer struct {
	webSocketOnly bool
	sessions      chan *yamux.Session

	mu       sync.Mutex
	upgrades []string
}

func (s *tunnelServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get(codersdk.SessionTokenHeader) != "token" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"message":"bad token"}`))
		return
	}
	upgrade := r.Header.Get("Upgrade")
	s.mu.Lock()
	s.upgrades = append(s.upgrades, upgrade)
	s.mu.Unlock()
	var conn net.Conn
	if strings.EqualFold(upgrade, agentsdk.TunnelUpgrade) && !s.webSocketOnly {
		c, err := agentsdk.AcceptUpgrade(w, r, agentsdk.TunnelUpgrade)
		if err != nil {
			return
		}
		conn = c
	} else {
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		ws.SetReadLimit(-1)
		conn = websocket.NetConn(context.Background(), ws, websocket.MessageBinary)
	}
	session, err := yamux.Server(conn, agentsdk.YamuxConfig())
	if err != nil {
		_ = conn.Close()
		return
	}
	s.sessions <- session
}

func (s *tunnelServer) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.upgrades...)
}

// connect starts a tunnel server and connects an agent client to it; it
// returns the server's and the agent's ends of the session.
func connect(t *testing.T, srv *tunnelServer, webSocketOnly bool) (*yamux.Session, *agentsdk.Conn) {
	t.Helper()
	srv.sessions = make(chan *yamux.Session, 1)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	u, err := url.Parse(hs.URL)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := (&agentsdk.Client{URL: u, Token: "token", WebSocketOnly: webSocketOnly}).Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	var server *yamux.Session
	select {
	case server = <-srv.sessions:
	case <-ctx.Done():
		t.Fatal("the server never got the session")
	}
	t.Cleanup(func() { _ = server.Close() })
	return server, conn
}

// requireEcho checks that a stream the agent opens reaches the server and
// back, after Connect's context is gone.
func requireEcho(t *testing.T, server *yamux.Session, agent *agentsdk.Conn) {
	t.Helper()
	go func() {
		s, err := server.Accept()
		if err != nil {
			return
		}
		defer s.Close()
		_, _ = io.Copy(s, s)
	}()
	s, err := agent.Session.Open()
	require.NoError(t, err)
	defer s.Close()
	_, err = s.Write([]byte("hello"))
	require.NoError(t, err)
	buf := make([]byte, 5)
	_, err = io.ReadFull(s, buf)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(buf))
}

func TestConnectUsesTheRawTunnel(t *testing.T) {
	t.Parallel()
	srv := &tunnelServer{}
	server, agent := connect(t, srv, false)
	requireEcho(t, server, agent)
	assert.Equal(t, []string{agentsdk.TunnelUpgrade}, srv.seen())
}

func TestConnectWebSocketOnly(t *testing.T) {
	t.Parallel()
	srv := &tunnelServer{}
	server, agent := connect(t, srv, true)
	requireEcho(t, server, agent)
	assert.Equal(t, []string{"websocket"}, srv.seen())
}

// A server (or proxy) that knows only WebSockets answers the raw upgrade
// with a refusal; the agent then comes in over a WebSocket.
func TestConnectFallsBackToWebSocket(t *testing.T) {
	t.Parallel()
	srv := &tunnelServer{webSocketOnly: true}
	server, agent := connect(t, srv, false)
	requireEcho(t, server, agent)
	assert.Equal(t, []string{agentsdk.TunnelUpgrade, "websocket"}, srv.seen())
}

// A refused token is the answer; asking again over a WebSocket would only
// hear it twice.
func TestConnectRefusedTokenDoesNotFallBack(t *testing.T) {
	t.Parallel()
	var requests atomic.Int32
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"message":"bad token"}`))
	}))
	t.Cleanup(hs.Close)
	u, err := url.Parse(hs.URL)
	require.NoError(t, err)
	_, err = (&agentsdk.Client{URL: u, Token: "nope"}).Connect(context.Background())
	var sdkErr *codersdk.Error
	require.ErrorAs(t, err, &sdkErr)
	assert.Equal(t, http.StatusUnauthorized, sdkErr.StatusCode())
	assert.EqualValues(t, 1, requests.Load())
}

// A transfer many windows long arrives intact and in order, over both
// kinds of tunnel.
func TestLargeTransferThroughTheTunnel(t *testing.T) {
	t.Parallel()
	for _, webSocketOnly := range []bool{false, true} {
		name := "raw"
		if webSocketOnly {
			name = "websocket"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			server, agent := connect(t, &tunnelServer{}, webSocketOnly)
			const size = 2*agentsdk.StreamWindowSize + 12345
			data := make([]byte, size)
			_, _ = rand.NewChaCha8([32]byte{1}).Read(data)
			rng := rand.New(rand.NewPCG(1, 2)) //nolint:gosec // test data
			go func() {
				s, err := agent.Session.Open()
				if err != nil {
					return
				}
				defer s.Close()
				// Uneven writes, so frames do not line up with anything.
				for rest := data; len(rest) > 0; {
					n := min(len(rest), 1+rng.IntN(300<<10))
					if _, err := s.Write(rest[:n]); err != nil {
						return
					}
					rest = rest[n:]
				}
			}()
			s, err := server.Accept()
			require.NoError(t, err)
			defer s.Close()
			got, err := io.ReadAll(s)
			require.NoError(t, err)
			require.Len(t, got, size)
			assert.Equal(t, sha256.Sum256(data), sha256.Sum256(got))
		})
	}
}

// A reader that stops reading holds the sender at the window: the session
// never buffers more than StreamWindowSize for the stream, and what was
// held arrives once the reader reads again.
func TestSlowReaderHoldsTheSenderAtTheWindow(t *testing.T) {
	t.Parallel()
	server, agent := connect(t, &tunnelServer{}, false)
	var written atomic.Int64
	done := make(chan struct{})
	const total = 3 * agentsdk.StreamWindowSize
	// Written counts whole writes, so it trails what was sent by less than
	// a chunk.
	const chunkSize = 16 << 10
	go func() {
		defer close(done)
		s, err := agent.Session.Open()
		if err != nil {
			return
		}
		defer s.Close()
		chunk := bytes.Repeat([]byte{'x'}, chunkSize)
		for written.Load() < total {
			n, err := s.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}()
	s, err := server.Accept()
	require.NoError(t, err)
	defer s.Close()

	// Read a little, so the receiver grants its full window, then stop.
	buf := make([]byte, 1<<10)
	_, err = io.ReadFull(s, buf)
	require.NoError(t, err)
	var last int64 = -1
	require.Eventually(t, func() bool {
		// Stalled past the default window: nothing more written since the
		// last look.
		now := written.Load()
		stalled := now == last && now >= agentsdk.StreamWindowSize-chunkSize
		last = now
		return stalled
	}, time.Minute, 200*time.Millisecond)
	assert.LessOrEqual(t, written.Load(), int64(agentsdk.StreamWindowSize+len(buf)),
		"the sender got ahead of the reader by more than the window")
	time.Sleep(200 * time.Millisecond)
	assert.LessOrEqual(t, written.Load(), int64(agentsdk.StreamWindowSize+len(buf)),
		"the sender got ahead of the reader by more than the window")

	n, err := io.Copy(io.Discard, s)
	require.NoError(t, err)
	<-done
	assert.Equal(t, written.Load(), n+int64(len(buf)))
	assert.GreaterOrEqual(t, written.Load(), int64(total))
}

// Over TLS a client and server that both speak HTTP/2 negotiate it, and
// HTTP/2 has no upgrades: the raw dial must still use HTTP/1.1.
func TestConnectRawOverHTTP2CapableTLS(t *testing.T) {
	t.Parallel()
	srv := &tunnelServer{sessions: make(chan *yamux.Session, 1)}
	hs := httptest.NewUnstartedServer(srv)
	hs.EnableHTTP2 = true
	hs.StartTLS()
	t.Cleanup(hs.Close)
	u, err := url.Parse(hs.URL)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := (&agentsdk.Client{URL: u, Token: "token", HTTPClient: hs.Client()}).Connect(ctx)
	require.NoError(t, err)
	t.Cleanup(func() { _ = conn.Close() })
	server := <-srv.sessions
	t.Cleanup(func() { _ = server.Close() })
	assert.Equal(t, []string{agentsdk.TunnelUpgrade}, srv.seen())
}
