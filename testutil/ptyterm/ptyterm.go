// Package ptyterm drives a workspace terminal (GET
// /workspaceagents/{id}/pty) from a test: it types, resizes and waits for
// output, which it collects in the background.
package ptyterm

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/testutil/logcapture"
)

// Bounds that only keep a broken test from hanging.
const (
	dialWait  = 2 * time.Minute
	awaitWait = 3 * time.Minute
)

// Terminal is one open terminal connection.
type Terminal struct {
	Conn net.Conn
	out  logcapture.Buffer
}

// Open connects to the agent's terminal; the connection closes with the
// test.
func Open(t testing.TB, c *codersdk.Client, opts codersdk.WorkspaceAgentReconnectingPTYOpts) *Terminal {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), dialWait)
	defer cancel()
	conn, err := c.WorkspaceAgentReconnectingPTY(ctx, opts)
	require.NoError(t, err)
	tm := &Terminal{Conn: conn}
	go func() { _, _ = io.Copy(&tm.out, conn) }()
	t.Cleanup(func() { _ = conn.Close() })
	return tm
}

// Send sends one request: input, a resize, or both.
func (tm *Terminal) Send(t testing.TB, req codersdk.ReconnectingPTYRequest) {
	t.Helper()
	b, err := json.Marshal(req)
	require.NoError(t, err)
	_, err = tm.Conn.Write(b)
	require.NoError(t, err)
}

// Type sends data as keystrokes.
func (tm *Terminal) Type(t testing.TB, data string) {
	t.Helper()
	tm.Send(t, codersdk.ReconnectingPTYRequest{Data: data})
}

// Output is everything the terminal has shown so far.
func (tm *Terminal) Output() string { return tm.out.String() }

// Await waits until the terminal has shown want.
func (tm *Terminal) Await(t testing.TB, want string) {
	t.Helper()
	require.Eventually(t, func() bool { return strings.Contains(tm.Output(), want) }, awaitWait, 20*time.Millisecond,
		"the terminal shows %q", want)
}
