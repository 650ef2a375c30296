package agent

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"cdr.dev/slog"
	"github.com/creack/pty"
	"github.com/gliderlabs/ssh"
	"github.com/pkg/sftp"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/codersdk/agentsdk"
)

// SessionTypeEnv is the environment variable a client sets to say which
// tool opened an SSH session (Coder's name), so usage counts VS Code and
// JetBrains apart from plain SSH.
const SessionTypeEnv = "CODER_SSH_SESSION_TYPE"

// Kinds of SSH sessions counted in stats.
const (
	sessionSSH       = "ssh"
	sessionVSCode    = "vscode"
	sessionJetBrains = "jetbrains"
)

// ptyDrain bounds how long a finished shell's remaining terminal output is
// read: a background process that keeps the terminal open must not hold
// the session forever.
const ptyDrain = 2 * time.Second

// sshServer serves SSH on the raw streams the server opens at
// agentsdk.AgentSSHPath. The server already checked that the user may
// connect to this workspace before opening the stream, so any client key
// (or none) is accepted; the host key lives only as long as the process.
type sshServer struct {
	agent *Agent
	srv   *ssh.Server

	// gitSSHDir holds the agent token for `coder gitssh` (0700 dir, 0600
	// file), made on first use.
	gitSSHOnce sync.Once
	gitSSHDir  string
	gitSSHEnv  []string

	mu    sync.Mutex
	open  map[string]int64 // sessions open now, by kind
	ended map[string]int64 // sessions ended since the last stats report
}

func newSSHServer(a *Agent) (*sshServer, error) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, xerrors.Errorf("generate host key: %w", err)
	}
	signer, err := gossh.NewSignerFromKey(key)
	if err != nil {
		return nil, xerrors.Errorf("host key signer: %w", err)
	}
	s := &sshServer{agent: a, open: map[string]int64{}, ended: map[string]int64{}}
	forwarded := &ssh.ForwardedTCPHandler{}
	s.srv = &ssh.Server{
		Version:     "devplane-agent",
		HostSigners: []ssh.Signer{signer},
		Handler:     s.handleSession,
		ChannelHandlers: map[string]ssh.ChannelHandler{
			"session":      ssh.DefaultSessionHandler,
			"direct-tcpip": ssh.DirectTCPIPHandler,
		},
		RequestHandlers: map[string]ssh.RequestHandler{
			"tcpip-forward":        forwarded.HandleSSHRequest,
			"cancel-tcpip-forward": forwarded.HandleSSHRequest,
		},
		SubsystemHandlers: map[string]ssh.SubsystemHandler{
			"sftp": s.handleSFTP,
		},
		// Forwarding in both directions is what the workspace's owner
		// could do from a shell anyway.
		LocalPortForwardingCallback:   func(ssh.Context, string, uint32) bool { return true },
		ReversePortForwardingCallback: func(ssh.Context, string, uint32) bool { return true },
	}
	return s, nil
}

// serveHTTP turns the request into a raw stream and runs one SSH
// connection on it until the client or the tunnel closes it.
func (s *sshServer) serveHTTP(w http.ResponseWriter, r *http.Request) {
	conn, err := agentsdk.AcceptStream(w, r)
	if err != nil {
		return
	}
	s.srv.HandleConn(conn)
}

// sessionKind tells VS Code and JetBrains sessions from plain SSH: by the
// variable clients set, else by the server each IDE starts.
func sessionKind(sess ssh.Session) string {
	for _, kv := range sess.Environ() {
		if v, ok := strings.CutPrefix(kv, SessionTypeEnv+"="); ok {
			switch strings.ToLower(v) {
			case sessionVSCode, sessionJetBrains:
				return strings.ToLower(v)
			}
		}
	}
	cmd := sess.RawCommand()
	switch {
	case strings.Contains(cmd, "vscode-server"):
		return sessionVSCode
	case strings.Contains(cmd, "JetBrains") || strings.Contains(cmd, "remote-dev-server"):
		return sessionJetBrains
	}
	return sessionSSH
}

func (s *sshServer) track(kind string) func() {
	s.mu.Lock()
	s.open[kind]++
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		s.open[kind]--
		s.ended[kind]++
		s.mu.Unlock()
	}
}

// addSessionCounts adds the sessions open now and those that ended since
// the last report, so a short `ssh host cmd` between two reports counts.
func (s *sshServer) addSessionCounts(st *agentsdk.Stats) {
	s.mu.Lock()
	defer s.mu.Unlock()
	count := func(kind string) int64 { return s.open[kind] + s.ended[kind] }
	st.SessionCountSSH += count(sessionSSH)
	st.SessionCountVSCode += count(sessionVSCode)
	st.SessionCountJetBrains += count(sessionJetBrains)
	clear(s.ended)
}

func (s *sshServer) handleSFTP(sess ssh.Session) {
	defer s.track(sessionKind(sess))()
	opts := []sftp.ServerOption{}
	if dir := s.agent.sessionDir(); dir != "" {
		opts = append(opts, sftp.WithServerWorkingDirectory(dir))
	}
	server, err := sftp.NewServer(sess, opts...)
	if err != nil {
		_ = sess.Exit(1)
		return
	}
	defer server.Close()
	if err := server.Serve(); err != nil && !errors.Is(err, io.EOF) {
		_ = sess.Exit(1)
		return
	}
	_ = sess.Exit(0)
}

func (s *sshServer) handleSession(sess ssh.Session) {
	defer s.track(sessionKind(sess))()
	ctx := sess.Context()
	cmd, cleanup, err := s.command(sess)
	if err != nil {
		_, _ = fmt.Fprintf(sess.Stderr(), "devplane agent: %v\n", err)
		_ = sess.Exit(255)
		return
	}
	defer cleanup()

	var code int
	if ptyReq, winCh, isPty := sess.Pty(); isPty {
		code, err = runWithPTY(ctx, sess, cmd, ptyReq, winCh)
	} else {
		code, err = runWithPipes(sess, cmd)
	}
	if err != nil {
		s.agent.logger.Warn(ctx, "ssh session", slog.Error(err))
		_, _ = fmt.Fprintf(sess.Stderr(), "devplane agent: %v\n", err)
	}
	_ = sess.Exit(code)
}

// command builds what a session runs: the user's login shell, with the
// requested command after -c, in the workspace directory, with the
// template's environment, the client's, and GIT_SSH_COMMAND.
func (s *sshServer) command(sess ssh.Session) (*exec.Cmd, func(), error) {
	a := s.agent
	a.mu.Lock()
	m := a.manifest
	a.mu.Unlock()
	if m == nil {
		return nil, nil, xerrors.New("the agent has not received its manifest yet")
	}
	env := a.scriptEnv(m)
	shell := userShell(env)
	env = append(env, "SHELL="+shell)
	env = append(env, s.gitSSHEnvironment()...)
	env = append(env, sess.Environ()...)

	cleanup := func() {}
	if ssh.AgentRequested(sess) {
		l, err := ssh.NewAgentListener()
		if err != nil {
			return nil, nil, xerrors.Errorf("agent forwarding: %w", err)
		}
		go ssh.ForwardAgentConnections(l, sess)
		env = append(env, "SSH_AUTH_SOCK="+l.Addr().String())
		cleanup = func() {
			_ = l.Close()
			_ = os.RemoveAll(filepath.Dir(l.Addr().String()))
		}
	}

	var cmd *exec.Cmd
	if raw := sess.RawCommand(); raw != "" {
		cmd = exec.Command(shell, "-c", raw)
	} else {
		cmd = exec.Command(shell, "-l")
	}
	cmd.Env = env
	cmd.Dir = a.sessionDir()
	return cmd, cleanup, nil
}

// sessionDir is the expanded workspace directory when it exists, else the
// home directory.
func (a *Agent) sessionDir() string {
	if dir := a.workDir(); dir != "" {
		return dir
	}
	home, _ := os.UserHomeDir()
	return home
}

// gitSSHEnvironment makes git in SSH sessions use the workspace owner's
// key: GIT_SSH_COMMAND runs `coder gitssh`, which reads the key from the
// server with the agent's token (kept in a private file, not in the
// environment).
func (s *sshServer) gitSSHEnvironment() []string {
	s.gitSSHOnce.Do(func() {
		a := s.agent
		if a.opts.Client == nil || a.opts.Client.URL == nil || a.opts.Client.Token == "" {
			return
		}
		exe, err := os.Executable()
		if err != nil {
			return
		}
		dir, err := os.MkdirTemp("", "coder-gitssh-")
		if err != nil {
			return
		}
		s.gitSSHDir = dir
		tokenFile := filepath.Join(dir, "agent-token")
		if err := os.WriteFile(tokenFile, []byte(a.opts.Client.Token), 0o600); err != nil {
			return
		}
		s.gitSSHEnv = []string{
			"GIT_SSH_COMMAND=" + shellQuote(exe) + " gitssh --",
			"CODER_AGENT_TOKEN_FILE=" + tokenFile,
		}
	})
	return s.gitSSHEnv
}

// close ends the SSH connections and removes the token file: the agent is
// exiting.
func (s *sshServer) close() {
	_ = s.srv.Close()
	s.gitSSHOnce.Do(func() {})
	if s.gitSSHDir != "" {
		_ = os.RemoveAll(s.gitSSHDir)
	}
}

func shellQuote(s string) string {
	if !strings.ContainsAny(s, " \t\n'\"\\$`") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func runWithPTY(ctx context.Context, sess ssh.Session, cmd *exec.Cmd, req ssh.Pty, winCh <-chan ssh.Window) (int, error) {
	if req.Term != "" {
		cmd.Env = append(cmd.Env, "TERM="+req.Term)
	}
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: uint16(req.Window.Height), Cols: uint16(req.Window.Width)})
	if err != nil {
		return 255, xerrors.Errorf("start %s with a terminal: %w", cmd.Path, err)
	}
	// The resizer must be gone before the terminal is closed.
	resizeDone := make(chan struct{})
	resized := make(chan struct{})
	defer func() {
		close(resizeDone)
		<-resized
		_ = ptmx.Close()
	}()
	go func() {
		defer close(resized)
		for {
			select {
			case <-ctx.Done():
				return
			case <-resizeDone:
				return
			case w, ok := <-winCh:
				if !ok {
					return
				}
				_ = pty.Setsize(ptmx, &pty.Winsize{Rows: uint16(w.Height), Cols: uint16(w.Width)})
			}
		}
	}()
	go func() { _, _ = io.Copy(ptmx, sess) }()
	output := make(chan struct{})
	go func() {
		defer close(output)
		_, _ = io.Copy(sess, ptmx)
	}()
	werr := cmd.Wait()
	select {
	case <-output:
	case <-time.After(ptyDrain):
	}
	return exitCode(werr)
}

func runWithPipes(sess ssh.Session, cmd *exec.Cmd) (int, error) {
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return 255, err
	}
	cmd.Stdout = sess
	cmd.Stderr = sess.Stderr()
	// Output held open by a background process is read for a while after
	// the command exits, then the session ends.
	cmd.WaitDelay = ptyDrain
	if err := cmd.Start(); err != nil {
		return 127, xerrors.Errorf("start %s: %w", cmd.Path, err)
	}
	go func() {
		_, _ = io.Copy(stdin, sess)
		_ = stdin.Close()
	}()
	return exitCode(cmd.Wait())
}

// exitCode is the command's exit status; a signal gives 128+signal as
// shells do.
func exitCode(err error) (int, error) {
	if err == nil {
		return 0, nil
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal()), nil
		}
		return exit.ExitCode(), nil
	}
	if errors.Is(err, exec.ErrWaitDelay) {
		return 0, nil
	}
	return 255, err
}
