package agent

import (
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/creack/pty"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRingKeepsTheLastBytes(t *testing.T) {
	t.Parallel()
	r := ring{max: 8}
	r.write([]byte("abc"))
	r.write([]byte("defgh"))
	assert.Equal(t, "abcdefgh", string(r.bytes()))
	r.write([]byte("ij"))
	assert.Equal(t, "cdefghij", string(r.bytes()))
	r.write([]byte("0123456789"))
	assert.Equal(t, "23456789", string(r.bytes()))
}

// TestPTYSessionLifetime: a session replays its output to a client that
// attaches, counts attached clients, outlives its last client for the
// timeout, then ends.
func TestPTYSessionLifetime(t *testing.T) {
	t.Parallel()
	m := newPTYManager(slogtest.Make(t, nil), 300*time.Millisecond)
	id := uuid.New()
	s, err := m.get(id, func() (*exec.Cmd, *pty.Winsize) {
		return exec.Command("/bin/sh", "-c", "echo started; exec cat"), &pty.Winsize{Rows: 24, Cols: 80}
	})
	require.NoError(t, err)
	// Attached at once, as the agent's handler does: the timeout runs from
	// the start, and waiting for output first could outlast it.
	client, agentSide := net.Pipe()
	go func() { _, _ = io.Copy(io.Discard, client) }()
	require.True(t, s.attach(agentSide))
	assert.EqualValues(t, 1, m.count())
	require.Eventually(t, func() bool {
		s.mu.Lock()
		defer s.mu.Unlock()
		return strings.Contains(string(s.ring.bytes()), "started")
	}, 30*time.Second, 10*time.Millisecond)
	same, err := m.get(id, nil)
	require.NoError(t, err)
	assert.Same(t, s, same, "the id names the running session")

	// A client that attaches later gets the output so far.
	late, lateSide := net.Pipe()
	replayed := make(chan string, 1)
	go func() {
		buf := make([]byte, 64)
		n, _ := io.ReadAtLeast(late, buf, len("started"))
		replayed <- string(buf[:n])
		_, _ = io.Copy(io.Discard, late)
	}()
	require.True(t, s.attach(lateSide))
	assert.Contains(t, <-replayed, "started")
	assert.EqualValues(t, 2, m.count())
	s.detach(lateSide)
	_ = lateSide.Close()

	s.detach(agentSide)
	assert.EqualValues(t, 0, m.count())
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		t.Fatal("the session should end after the timeout without clients")
	}
	m.mu.Lock()
	_, still := m.sessions[id]
	m.mu.Unlock()
	assert.False(t, still)
}
