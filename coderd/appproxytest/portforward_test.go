package appproxytest_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/cli/clitest"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/testutil/freeport"
)

// tcpEcho listens on loopback and echoes each connection; it returns the
// port.
func tcpEcho(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	return ln.Addr().(*net.TCPAddr).Port
}

func udpEcho(t testing.TB) int {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = pc.Close() })
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
	return pc.LocalAddr().(*net.UDPAddr).Port
}

// TestPortForwardCLI: `coder port-forward --tcp L:R --udp L:R` reaches a
// TCP and a UDP echo in the workspace; another member is refused (404).
func TestPortForwardCLI(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	tcpRemote, udpRemote := tcpEcho(t), udpEcho(t)
	tcpLocal, udpLocal := freeport.Loopback(t, "tcp"), freeport.Loopback(t, "udp")

	cli := clitest.NewEnv(t)
	cli.LoginAs(e.client)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		res := cli.Run(ctx, "", "port-forward", e.workspace.Name,
			"--tcp", strconv.Itoa(tcpLocal)+":"+strconv.Itoa(tcpRemote),
			"--udp", strconv.Itoa(udpLocal)+":"+strconv.Itoa(udpRemote))
		done <- res.Err
	}()
	t.Cleanup(func() { cancel(); <-done })

	var conn net.Conn
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(tcpLocal))
		if err != nil {
			return false
		}
		conn = c
		return true
	}, 60*time.Second, 50*time.Millisecond)
	defer conn.Close()
	msg := bytes.Repeat([]byte("ping"), 10000)
	go func() { _, _ = conn.Write(msg) }()
	got := make([]byte, len(msg))
	_, err := io.ReadFull(conn, got)
	require.NoError(t, err)
	assert.Equal(t, msg, got)

	uc, err := net.Dial("udp", "127.0.0.1:"+strconv.Itoa(udpLocal))
	require.NoError(t, err)
	defer uc.Close()
	require.Eventually(t, func() bool {
		_, _ = uc.Write([]byte("datagram"))
		_ = uc.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
		buf := make([]byte, 100)
		n, err := uc.Read(buf)
		return err == nil && string(buf[:n]) == "datagram"
	}, 60*time.Second, 10*time.Millisecond)

	// Recorded: a port_forwarding connection to the TCP port.
	logs, err := e.db.GetConnectionLogsOffset(context.Background(), database.GetConnectionLogsOffsetParams{
		WorkspaceID: e.workspace.ID, Type: string(codersdk.ConnectionTypePortForwarding), AuthAll: true, LimitOpt: 100,
	})
	require.NoError(t, err)
	ports := map[string]bool{}
	for _, l := range logs {
		ports[l.SlugOrPort] = true
	}
	assert.True(t, ports[strconv.Itoa(tcpRemote)], "recorded: %v", ports)
	assert.True(t, ports[strconv.Itoa(udpRemote)], "recorded: %v", ports)

	// The endpoint itself: a member of the organization who is not the
	// owner cannot see the agent.
	member, _ := coderdtest.CreateAnotherUser(t, e.client, e.orgID)
	_, err = member.DialWorkspaceAgentPort(context.Background(), e.agentID, "tcp", uint16(tcpRemote)) //nolint:gosec // a port
	require.Error(t, err)
	assert.Contains(t, err.Error(), strconv.Itoa(http.StatusNotFound))
}
