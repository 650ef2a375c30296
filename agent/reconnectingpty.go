package agent

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	"cdr.dev/slog"
	"github.com/creack/pty"
	"github.com/google/uuid"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// Defaults of the browser terminal's sessions.
const (
	// DefaultPTYTimeout is how long a terminal lives on after its last
	// client left, so that a page reload reattaches to the same shell.
	DefaultPTYTimeout = 5 * time.Minute
	// ptyReplayBytes of recent output are replayed to a client that
	// (re)attaches.
	ptyReplayBytes = 64 << 10
	// ptyWriteTimeout bounds a write to one client: a client that stops
	// reading is dropped rather than stalling the others.
	ptyWriteTimeout = 10 * time.Second
)

// ptyManager holds the agent's reconnecting terminals by id.
type ptyManager struct {
	log     slog.Logger
	timeout time.Duration

	mu       sync.Mutex
	sessions map[uuid.UUID]*ptySession
	attached int64 // clients attached across sessions, for stats
}

func newPTYManager(log slog.Logger, timeout time.Duration) *ptyManager {
	if timeout <= 0 {
		timeout = DefaultPTYTimeout
	}
	return &ptyManager{log: log, timeout: timeout, sessions: map[uuid.UUID]*ptySession{}}
}

// count is the number of attached terminal clients.
func (m *ptyManager) count() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.attached
}

func (m *ptyManager) addAttached(d int64) {
	m.mu.Lock()
	m.attached += d
	m.mu.Unlock()
}

// closeAll ends every terminal, as the agent exits.
func (m *ptyManager) closeAll() {
	m.mu.Lock()
	all := make([]*ptySession, 0, len(m.sessions))
	for _, s := range m.sessions {
		all = append(all, s)
	}
	m.mu.Unlock()
	for _, s := range all {
		s.close("agent shutting down")
	}
}

// ptySession is one terminal: a process on a PTY, the recent output, and
// the clients attached to it.
type ptySession struct {
	id   uuid.UUID
	m    *ptyManager
	ptmx *os.File
	cmd  *exec.Cmd

	mu      sync.Mutex
	ring    ring
	clients map[net.Conn]struct{}
	idle    *time.Timer // runs while no client is attached
	closed  bool
	done    chan struct{}
}

// ptyCommand is what a terminal runs: the user's login shell, or command
// through that shell.
func ptyCommand(env []string, command string) *exec.Cmd {
	shell := userShell(env)
	if command == "" {
		return exec.Command(shell, "-l")
	}
	return exec.Command(shell, "-c", command)
}

// userShell is the login shell of the agent's user from /etc/passwd, else
// $SHELL, else /bin/sh.
func userShell(env []string) string {
	if f, err := os.Open("/etc/passwd"); err == nil {
		defer f.Close()
		uid := strconv.Itoa(os.Getuid())
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Split(sc.Text(), ":")
			if len(fields) >= 7 && fields[2] == uid && fields[6] != "" {
				if _, err := os.Stat(fields[6]); err == nil {
					return fields[6]
				}
			}
		}
	}
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], "SHELL="); ok && v != "" {
			return v
		}
	}
	return "/bin/sh"
}

// get returns the session id, starting it when it does not exist.
func (m *ptyManager) get(id uuid.UUID, start func() (*exec.Cmd, *pty.Winsize)) (*ptySession, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if s, ok := m.sessions[id]; ok {
		return s, nil
	}
	cmd, size := start()
	ptmx, err := pty.StartWithSize(cmd, size)
	if err != nil {
		return nil, err
	}
	s := &ptySession{id: id, m: m, ptmx: ptmx, cmd: cmd, clients: map[net.Conn]struct{}{}, done: make(chan struct{})}
	s.ring.max = ptyReplayBytes
	s.idle = time.AfterFunc(m.timeout, func() { s.close("no client for " + m.timeout.String()) })
	m.sessions[id] = s
	go s.pump()
	go func() { _ = cmd.Wait() }()
	return s, nil
}

// pump copies the terminal's output to the ring and to every client, and
// ends the session when the process's side of the PTY closes.
func (s *ptySession) pump() {
	buf := make([]byte, 32<<10)
	for {
		n, err := s.ptmx.Read(buf)
		if n > 0 {
			s.mu.Lock()
			s.ring.write(buf[:n])
			for c := range s.clients {
				_ = c.SetWriteDeadline(time.Now().Add(ptyWriteTimeout))
				if _, werr := c.Write(buf[:n]); werr != nil {
					_ = c.Close() // its reader detaches it
				}
			}
			s.mu.Unlock()
		}
		if err != nil {
			s.close("process exited")
			return
		}
	}
}

// attach replays the recent output to c and adds it to the clients, under
// one lock so that no output is lost or sent twice.
func (s *ptySession) attach(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.idle.Stop()
	_ = c.SetWriteDeadline(time.Now().Add(ptyWriteTimeout))
	if _, err := c.Write(s.ring.bytes()); err != nil {
		if len(s.clients) == 0 {
			s.idle.Reset(s.m.timeout)
		}
		return false
	}
	s.clients[c] = struct{}{}
	s.m.addAttached(1)
	return true
}

func (s *ptySession) detach(c net.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.clients[c]; !ok {
		return
	}
	delete(s.clients, c)
	s.m.addAttached(-1)
	if len(s.clients) == 0 && !s.closed {
		s.idle.Reset(s.m.timeout)
	}
}

// close kills the process and ends every client's stream.
func (s *ptySession) close(reason string) {
	s.m.mu.Lock()
	if s.m.sessions[s.id] == s {
		delete(s.m.sessions, s.id)
	}
	s.m.mu.Unlock()

	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.idle.Stop()
	for c := range s.clients {
		_ = c.Close()
	}
	s.mu.Unlock()
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
	}
	_ = s.ptmx.Close()
	close(s.done)
	s.m.log.Debug(context.Background(), "terminal closed", slog.F("id", s.id), slog.F("reason", reason))
}

func (s *ptySession) resize(height, width uint16) {
	if height == 0 || width == 0 {
		return
	}
	_ = pty.Setsize(s.ptmx, &pty.Winsize{Rows: height, Cols: width})
}

// servePTY is the agent's side of GET /pty?reconnect=&height=&width=&command=
// on a stream the server opened: the stream carries the terminal's output
// one way and codersdk.ReconnectingPTYRequest messages (JSON, back to back) the other.
func (a *Agent) servePTY(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id, err := uuid.Parse(q.Get("reconnect"))
	if err != nil {
		http.Error(w, "reconnect must be a UUID", http.StatusBadRequest)
		return
	}
	height, _ := strconv.ParseUint(q.Get("height"), 10, 16)
	width, _ := strconv.ParseUint(q.Get("width"), 10, 16)
	a.mu.Lock()
	m := a.manifest
	a.mu.Unlock()
	if m == nil {
		http.Error(w, "the agent has not started yet", http.StatusServiceUnavailable)
		return
	}
	s, err := a.ptys.get(id, func() (*exec.Cmd, *pty.Winsize) {
		env := a.scriptEnv(m)
		cmd := ptyCommand(env, q.Get("command"))
		cmd.Env = append(env, "TERM=xterm-256color")
		cmd.Dir = a.workDir()
		size := &pty.Winsize{Rows: 24, Cols: 80}
		if height > 0 && width > 0 {
			size = &pty.Winsize{Rows: uint16(height), Cols: uint16(width)}
		}
		return cmd, size
	})
	if err != nil {
		a.logger.Warn(r.Context(), "start terminal", slog.Error(err))
		http.Error(w, "start terminal: "+err.Error(), http.StatusInternalServerError)
		return
	}
	conn, err := agentsdk.AcceptStream(w, r)
	if err != nil {
		return
	}
	defer conn.Close()
	s.resize(uint16(height), uint16(width))
	if !s.attach(conn) {
		return
	}
	defer s.detach(conn)

	dec := json.NewDecoder(conn)
	for {
		var in codersdk.ReconnectingPTYRequest
		if err := dec.Decode(&in); err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				a.logger.Debug(r.Context(), "terminal input ended", slog.Error(err))
			}
			return
		}
		if in.Data != "" {
			if _, err := s.ptmx.Write([]byte(in.Data)); err != nil {
				return
			}
		}
		s.resize(in.Height, in.Width)
	}
}

// ring keeps the last max bytes written.
type ring struct {
	max int
	buf []byte
}

func (r *ring) write(p []byte) {
	if len(p) >= r.max {
		r.buf = append(r.buf[:0], p[len(p)-r.max:]...)
		return
	}
	if over := len(r.buf) + len(p) - r.max; over > 0 {
		r.buf = append(r.buf[:0], r.buf[over:]...)
	}
	r.buf = append(r.buf, p...)
}

func (r *ring) bytes() []byte { return r.buf }
