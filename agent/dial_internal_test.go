package agent

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/codersdk/agentsdk"
)

// tcpOpener opens streams as plain TCP connections to the agent's handler,
// standing in for the server's tunnel.
type tcpOpener struct{ addr string }

func (o tcpOpener) Open() (net.Conn, error) { return net.Dial("tcp", o.addr) }

func dialTestAgent(t *testing.T) tcpOpener {
	t.Helper()
	a := New(Options{Logger: slogtest.Make(t, nil)})
	srv := httptest.NewServer(a.handler())
	t.Cleanup(srv.Close)
	return tcpOpener{addr: srv.Listener.Addr().String()}
}

// TestDialTCPAndRefusals: /dial pipes to a loopback TCP port; a closed port
// and a non-loopback host are refused with a message.
func TestDialTCPAndRefusals(t *testing.T) {
	t.Parallel()
	opener := dialTestAgent(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			defer c.Close()
			_, _ = io.Copy(c, c)
		}
	}()
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	conn, err := agentsdk.DialStream(ctx, opener, agentsdk.AgentDialPath+"?network=tcp&port="+port)
	require.NoError(t, err)
	_, err = conn.Write([]byte("hello"))
	require.NoError(t, err)
	buf := make([]byte, 5)
	_, err = io.ReadFull(conn, buf)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(buf))
	_ = conn.Close()

	closed, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedPort := strconv.Itoa(closed.Addr().(*net.TCPAddr).Port)
	_ = closed.Close()
	_, err = agentsdk.DialStream(ctx, opener, agentsdk.AgentDialPath+"?network=tcp&port="+closedPort)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "nothing accepts tcp connections")

	_, err = agentsdk.DialStream(ctx, opener, agentsdk.AgentDialPath+"?network=tcp&port="+port+"&host=10.0.0.1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "loopback")
	_, err = agentsdk.DialStream(ctx, opener, agentsdk.AgentDialPath+"?network=sctp&port="+port)
	require.Error(t, err)
}

// TestDialUDP: datagrams travel length-prefixed over the stream.
func TestDialUDP(t *testing.T) {
	t.Parallel()
	opener := dialTestAgent(t)
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	defer pc.Close()
	go func() {
		buf := make([]byte, 65535)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			_, _ = pc.WriteTo(buf[:n], addr)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := agentsdk.DialStream(ctx, opener, agentsdk.AgentDialPath+"?network=udp&port="+strconv.Itoa(pc.LocalAddr().(*net.UDPAddr).Port))
	require.NoError(t, err)
	defer conn.Close()
	for _, msg := range []string{"one", "two datagrams"} {
		frame := binary.BigEndian.AppendUint16(nil, uint16(len(msg)))
		_, err = conn.Write(append(frame, msg...))
		require.NoError(t, err)
		head := make([]byte, 2)
		_, err = io.ReadFull(conn, head)
		require.NoError(t, err)
		got := make([]byte, binary.BigEndian.Uint16(head))
		_, err = io.ReadFull(conn, got)
		require.NoError(t, err)
		assert.Equal(t, msg, string(got))
	}
}
