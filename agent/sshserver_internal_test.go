package agent

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/pkg/sftp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"
	sshagent "golang.org/x/crypto/ssh/agent"

	"github.com/devplane/devplane/codersdk/agentsdk"
)

// sshTestClient runs the agent's SSH server on one end of a pipe, as the
// tunnel stream would, and returns a client on the other end.
func sshTestClient(t *testing.T) (*Agent, *gossh.Client) {
	t.Helper()
	dir := t.TempDir()
	a := New(Options{Logger: slogtest.Make(t, nil), Environ: []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH")}})
	a.manifest = &agentsdk.Manifest{
		WorkspaceName:        "ws",
		EnvironmentVariables: map[string]string{"FROM_TEMPLATE": "tmpl"},
	}
	a.directory = dir
	require.NotNil(t, a.ssh)

	// A loopback TCP pair: net.Pipe is unbuffered and both ends send
	// their version line first.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	go func() {
		c, err := l.Accept()
		if err == nil {
			a.ssh.srv.HandleConn(c)
		}
	}()
	clientEnd, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	conn, chans, reqs, err := gossh.NewClientConn(clientEnd, "agent", &gossh.ClientConfig{
		User:            "anyone",
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), //nolint:gosec // the test's own server
	})
	require.NoError(t, err)
	client := gossh.NewClient(conn, chans, reqs)
	t.Cleanup(func() { _ = client.Close() })
	return a, client
}

func TestSSHExecExitCodeAndEnv(t *testing.T) {
	t.Parallel()
	a, client := sshTestClient(t)

	sess, err := client.NewSession()
	require.NoError(t, err)
	require.NoError(t, sess.Setenv("FROM_CLIENT", "cli"))
	var out bytes.Buffer
	sess.Stdout = &out
	err = sess.Run(`echo "$FROM_TEMPLATE $FROM_CLIENT $CODER_WORKSPACE_NAME $(pwd)"; exit 7`)
	var exit *gossh.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Equal(t, 7, exit.ExitStatus())
	assert.Equal(t, "tmpl cli ws "+a.directory+"\n", out.String())

	waitSessionsClosed(t, a)
	var st agentsdk.Stats
	a.ssh.addSessionCounts(&st)
	assert.EqualValues(t, 1, st.SessionCountSSH, "an ended session counts once in the next report")
	st = agentsdk.Stats{}
	a.ssh.addSessionCounts(&st)
	assert.EqualValues(t, 0, st.SessionCountSSH)
}

func TestSSHPTYShell(t *testing.T) {
	t.Parallel()
	_, client := sshTestClient(t)

	sess, err := client.NewSession()
	require.NoError(t, err)
	require.NoError(t, sess.RequestPty("xterm", 24, 80, gossh.TerminalModes{}))
	stdin, err := sess.StdinPipe()
	require.NoError(t, err)
	stdout, err := sess.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, sess.Start(`stty size; tty >/dev/null && echo "is-a-$TERM"; read x; exit 4`))
	_, err = stdin.Write([]byte("\n"))
	require.NoError(t, err)
	out, _ := io.ReadAll(stdout)
	var exit *gossh.ExitError
	require.ErrorAs(t, sess.Wait(), &exit)
	assert.Equal(t, 4, exit.ExitStatus())
	assert.Contains(t, string(out), "24 80")
	assert.Contains(t, string(out), "is-a-xterm")
}

func TestSSHSFTP(t *testing.T) {
	t.Parallel()
	a, client := sshTestClient(t)

	sc, err := sftp.NewClient(client)
	require.NoError(t, err)
	defer sc.Close()
	f, err := sc.Create("hello.txt")
	require.NoError(t, err)
	_, err = f.Write([]byte("over sftp"))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	b, err := os.ReadFile(filepath.Join(a.directory, "hello.txt"))
	require.NoError(t, err)
	assert.Equal(t, "over sftp", string(b))
}

func TestSSHLocalForward(t *testing.T) {
	t.Parallel()
	_, client := sshTestClient(t)

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	go greetOnce(l, "hello from the workspace")
	c, err := client.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	b, err := io.ReadAll(c)
	require.NoError(t, err)
	assert.Equal(t, "hello from the workspace", string(b))
}

func TestSSHRemoteForward(t *testing.T) {
	t.Parallel()
	_, client := sshTestClient(t)

	l, err := client.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	go greetOnce(l, "hello from the client")
	// The listener is in the workspace: connect there as a process would.
	c, err := net.Dial("tcp", l.Addr().String())
	require.NoError(t, err)
	defer c.Close()
	b, err := io.ReadAll(c)
	require.NoError(t, err)
	assert.Equal(t, "hello from the client", string(b))
}

func TestSSHSessionKind(t *testing.T) {
	t.Parallel()
	a, client := sshTestClient(t)
	sess, err := client.NewSession()
	require.NoError(t, err)
	require.NoError(t, sess.Setenv(SessionTypeEnv, "vscode"))
	out, err := sess.Output("echo ok")
	require.NoError(t, err)
	assert.Equal(t, "ok", strings.TrimSpace(string(out)))
	waitSessionsClosed(t, a)
	var st agentsdk.Stats
	a.ssh.addSessionCounts(&st)
	assert.EqualValues(t, 1, st.SessionCountVSCode)
	assert.EqualValues(t, 0, st.SessionCountSSH)
}

// waitSessionsClosed waits for the server's side of finished sessions: the
// client sees the exit status before the handler returns.
func waitSessionsClosed(t *testing.T, a *Agent) {
	t.Helper()
	require.Eventually(t, func() bool {
		a.ssh.mu.Lock()
		defer a.ssh.mu.Unlock()
		for _, n := range a.ssh.open {
			if n != 0 {
				return false
			}
		}
		return true
	}, time.Minute, 10*time.Millisecond)
}

func TestSSHAgentForwarding(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("ssh-add"); err != nil {
		t.Skip("ssh-add is not installed")
	}
	_, client := sshTestClient(t)
	_, key, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	keyring := sshagent.NewKeyring()
	require.NoError(t, keyring.Add(sshagent.AddedKey{PrivateKey: key, Comment: "forwarded-key"}))
	require.NoError(t, sshagent.ForwardToAgent(client, keyring))

	sess, err := client.NewSession()
	require.NoError(t, err)
	require.NoError(t, sshagent.RequestAgentForwarding(sess))
	out, err := sess.CombinedOutput("ssh-add -l")
	require.NoError(t, err, string(out))
	assert.Contains(t, string(out), "forwarded-key", "the session's SSH_AUTH_SOCK reaches the client's agent")
}

// greetOnce answers the first connection to l with greeting and closes it.
func greetOnce(l net.Listener, greeting string) {
	c, err := l.Accept()
	if err != nil {
		return
	}
	defer c.Close()
	_, _ = c.Write([]byte(greeting))
}
