package sshtest_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gossh "golang.org/x/crypto/ssh"

	"github.com/devplane/devplane/cli/config"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/coderdtest/agentbin"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
	"github.com/devplane/devplane/testutil/freeport"
)

// Bounds that only keep a broken test from hanging.
const (
	waitLong = 3 * time.Minute
	tick     = 200 * time.Millisecond
)

type fixture struct {
	dbURL     string
	client    *codersdk.Client
	first     codersdk.CreateFirstUserResponse
	workspace codersdk.Workspace
	agent     codersdk.WorkspaceAgent
	coder     string // the coder binary
	sshConfig string // written by coder config-ssh
	global    string // the CLI's --global-config
}

// newFixture builds a workspace from the local starter (the real agent
// runs as a process on this machine) and signs the CLI in.
func newFixture(t *testing.T) fixture {
	t.Helper()
	sshPath, err := exec.LookPath("ssh")
	if err != nil || sshPath == "" {
		t.Skip("the OpenSSH client (ssh) is not installed")
	}
	bin := agentbin.Path(t)
	dbURL := dbtestutil.Open(t)
	client := coderdtest.New(t, &coderdtest.Options{
		DatabaseURL:              dbURL,
		IncludeProvisionerDaemon: true,
		AgentBinaryPath:          bin,
	})
	first := coderdtest.CreateFirstUser(t, client)
	ctx := t.Context()
	v, err := client.CreateTemplateVersion(ctx, first.OrganizationID, codersdk.CreateTemplateVersionRequest{
		StorageMethod: codersdk.ProvisionerStorageMethodFile, ExampleID: "local", Provisioner: codersdk.ProvisionerTypeTerraform,
	})
	require.NoError(t, err)
	v = coderdtest.AwaitTemplateVersionJobCompleted(t, client, v.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, v.Job.Status, v.Job.Error)
	tpl := coderdtest.CreateTemplate(t, client, first.OrganizationID, v.ID)
	w := coderdtest.CreateWorkspace(t, client, tpl.ID)
	dir := filepath.Join("/tmp/coder-local", w.ID.String())
	t.Cleanup(func() {
		if b, err := os.ReadFile(filepath.Join(dir, "agent.pid")); err == nil {
			if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
		_ = os.RemoveAll(dir)
	})
	b := coderdtest.AwaitWorkspaceBuildJobCompleted(t, client, w.LatestBuild.ID)
	require.Equal(t, codersdk.WorkspaceStatusRunning, b.Status, b.Job.Error)
	w, err = client.Workspace(ctx, w.ID)
	require.NoError(t, err)
	var agentID uuid.UUID
	for _, r := range w.LatestBuild.Resources {
		if len(r.Agents) > 0 {
			agentID = r.Agents[0].ID
		}
	}
	require.NotEqual(t, uuid.Nil, agentID, "the local starter's workspace has an agent")
	var agent codersdk.WorkspaceAgent
	require.Eventually(t, func() bool {
		agent, err = client.WorkspaceAgent(ctx, agentID)
		return err == nil && agent.Status == codersdk.WorkspaceAgentConnected && agent.LifecycleState == codersdk.WorkspaceAgentLifecycleReady
	}, waitLong, tick, "the agent connects and its startup scripts end")

	tmp := t.TempDir()
	global := filepath.Join(tmp, "coderv2")
	require.NoError(t, config.Root(global).URL().Write(client.URL.String()))
	require.NoError(t, config.Root(global).Session().Write(client.SessionToken()))
	return fixture{
		dbURL: dbURL, client: client, first: first, workspace: w, agent: agent,
		coder: bin, sshConfig: filepath.Join(tmp, "ssh", "config"), global: global,
	}
}

// run runs a command and returns its output and exit status.
func run(t *testing.T, stdin string, name string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitLong)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), exit.ExitCode()
	}
	require.NoError(t, err, out.String())
	return out.String(), 0
}

func (f fixture) coderCmd(t *testing.T, args ...string) (string, int) {
	t.Helper()
	return run(t, "", f.coder, append([]string{"--global-config", f.global}, args...)...)
}

func (f fixture) ssh(t *testing.T, args ...string) (string, int) {
	t.Helper()
	return run(t, "", "ssh", append([]string{"-F", f.sshConfig, "-o", "BatchMode=yes"}, args...)...)
}

// TestOpenSSHThroughConfigSSH: config-ssh, then the real ssh and scp, and
// coder ssh, reach the workspace through the server; every connection is
// on record; another member gets 404.
func TestOpenSSHThroughConfigSSH(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	host := "coder." + f.workspace.Name

	out, code := f.coderCmd(t, "config-ssh", "--ssh-config-file", f.sshConfig, "--yes")
	require.Equal(t, 0, code, out)
	cfg, err := os.ReadFile(f.sshConfig)
	require.NoError(t, err)
	assert.Contains(t, string(cfg), "# ------------START-CODER-----------")
	assert.Contains(t, string(cfg), "ssh --stdio")
	out, code = f.coderCmd(t, "config-ssh", "--ssh-config-file", f.sshConfig, "--yes")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "up to date", "a second run changes nothing")

	t.Run("CommandExitCode", func(t *testing.T) {
		out, code := f.ssh(t, host, "echo hello-from-$CODER_WORKSPACE_NAME; exit 3")
		assert.Equal(t, 3, code, out)
		assert.Contains(t, out, "hello-from-"+f.workspace.Name)
	})

	t.Run("SCPBothWays", func(t *testing.T) {
		local := filepath.Join(t.TempDir(), "up.txt")
		content := "copied with scp " + strconv.FormatInt(time.Now().UnixNano(), 10)
		require.NoError(t, os.WriteFile(local, []byte(content), 0o600))
		out, code := run(t, "", "scp", "-F", f.sshConfig, "-o", "BatchMode=yes", local, host+":scp-up.txt")
		require.Equal(t, 0, code, out)
		out, code = f.ssh(t, host, "cat scp-up.txt")
		require.Equal(t, 0, code, out)
		assert.Contains(t, out, content)

		back := filepath.Join(t.TempDir(), "down.txt")
		out, code = run(t, "", "scp", "-F", f.sshConfig, "-o", "BatchMode=yes", host+":scp-up.txt", back)
		require.Equal(t, 0, code, out)
		b, err := os.ReadFile(back)
		require.NoError(t, err)
		assert.Equal(t, content, string(b))
	})

	t.Run("LocalForward", func(t *testing.T) {
		// A TCP service in the workspace (the local starter's workspace is
		// this machine).
		svc := serveGreeting(t, "service in the workspace")
		localPort := freeport.Loopback(t, "tcp")

		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		fwd := exec.CommandContext(ctx, "ssh", "-F", f.sshConfig, "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-N",
			"-L", strconv.Itoa(localPort)+":"+svc.Addr().String(), host)
		var fwdOut bytes.Buffer
		fwd.Stdout, fwd.Stderr = &fwdOut, &fwdOut
		require.NoError(t, fwd.Start())
		defer func() { cancel(); _ = fwd.Wait() }()

		var got string
		require.Eventually(t, func() bool {
			c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(localPort))
			if err != nil {
				return false
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(30 * time.Second))
			b, _ := io.ReadAll(c)
			got = string(b)
			return got != ""
		}, waitLong, tick, "ssh -L forwards to the service")
		assert.Equal(t, "service in the workspace", got)
	})

	t.Run("TerminalWithTT", func(t *testing.T) {
		out, code := f.ssh(t, "-tt", host, "tty >/dev/null && echo has-a-terminal; stty size")
		require.Equal(t, 0, code, out)
		assert.Contains(t, out, "has-a-terminal")
	})

	t.Run("RemoteForward", func(t *testing.T) {
		// A service on the client's side, reached from the workspace.
		svc := serveGreeting(t, "service on the client")
		remotePort := freeport.Loopback(t, "tcp")

		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		fwd := exec.CommandContext(ctx, "ssh", "-F", f.sshConfig, "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-N",
			"-R", "127.0.0.1:"+strconv.Itoa(remotePort)+":"+svc.Addr().String(), host)
		require.NoError(t, fwd.Start())
		defer func() { cancel(); _ = fwd.Wait() }()

		var got string
		require.Eventually(t, func() bool {
			c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(remotePort))
			if err != nil {
				return false
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(30 * time.Second))
			b, _ := io.ReadAll(c)
			got = string(b)
			return got != ""
		}, waitLong, tick, "ssh -R forwards from the workspace")
		assert.Equal(t, "service on the client", got)
	})

	t.Run("GitSSHUsesOwnerKey", func(t *testing.T) {
		// GIT_SSH_COMMAND is coder gitssh, which fetches the owner's key
		// with the agent's token and hands it to ssh with -i; ssh -G
		// prints the configuration it would use.
		out, code := f.ssh(t, host, `echo "$GIT_SSH_COMMAND"; $GIT_SSH_COMMAND -G git.example.com`)
		require.Equal(t, 0, code, out)
		assert.Contains(t, out, " gitssh --")
		assert.Contains(t, out, "coder-gitssh-key-", "ssh got the owner's key as an identity file")
	})

	t.Run("CoderSSHCommand", func(t *testing.T) {
		out, code := f.coderCmd(t, "ssh", f.workspace.Name, "--", "echo", "via-coder-ssh;", "exit", "5")
		assert.Equal(t, 5, code, out)
		assert.Contains(t, out, "via-coder-ssh")
	})

	t.Run("CoderSSHInteractiveTerminal", func(t *testing.T) {
		// coder ssh in a local terminal: raw mode, a remote shell with a
		// terminal of the local size, and resizes follow.
		ctx, cancel := context.WithTimeout(t.Context(), waitLong)
		defer cancel()
		cmd := exec.CommandContext(ctx, f.coder, "--global-config", f.global, "ssh", f.workspace.Name)
		cmd.Env = append(os.Environ(), "TERM=xterm")
		ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 30, Cols: 100})
		require.NoError(t, err)
		defer ptmx.Close()
		var mu sync.Mutex
		var screen bytes.Buffer
		go func() {
			buf := make([]byte, 4096)
			for {
				n, err := ptmx.Read(buf)
				mu.Lock()
				screen.Write(buf[:n])
				mu.Unlock()
				if err != nil {
					return
				}
			}
		}()
		waitFor := func(s string) {
			t.Helper()
			require.Eventually(t, func() bool {
				mu.Lock()
				defer mu.Unlock()
				return strings.Contains(screen.String(), s)
			}, waitLong, tick, "the terminal shows %q", s)
		}
		_, err = ptmx.Write([]byte("echo size=$(stty size) sum=$((6*7))\n"))
		require.NoError(t, err)
		waitFor("size=30 100 sum=42")
		require.NoError(t, pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 120}))
		require.Eventually(t, func() bool {
			_, _ = ptmx.Write([]byte("echo now=$(stty size)\n"))
			time.Sleep(300 * time.Millisecond)
			mu.Lock()
			defer mu.Unlock()
			return strings.Contains(screen.String(), "now=40 120")
		}, waitLong, tick, "the remote terminal follows the resize")
		_, err = ptmx.Write([]byte("exit 9\n"))
		require.NoError(t, err)
		err = cmd.Wait()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit)
		assert.Equal(t, 9, exit.ExitCode())
	})

	t.Run("Measure", func(t *testing.T) {
		// Numbers for docs/performance.md, on demand: SSHTEST_MEASURE=1.
		if os.Getenv("SSHTEST_MEASURE") == "" {
			t.Skip("set SSHTEST_MEASURE=1 to measure SSH throughput and command round trips")
		}
		const size = 512 << 20
		start := time.Now()
		cmd := exec.CommandContext(t.Context(), "ssh", "-F", f.sshConfig, "-o", "BatchMode=yes", host, "head -c "+strconv.Itoa(size)+" /dev/zero")
		var counted countingWriter
		cmd.Stdout = &counted
		require.NoError(t, cmd.Run())
		elapsed := time.Since(start)
		require.EqualValues(t, size, counted.n)
		t.Logf("ssh download: %d MiB in %s = %.0f MB/s (incl. connection setup)", size>>20, elapsed.Round(time.Millisecond), float64(size)/1e6/elapsed.Seconds())

		var rtts []time.Duration
		for range 20 {
			start := time.Now()
			_, code := f.ssh(t, host, "true")
			require.Equal(t, 0, code)
			rtts = append(rtts, time.Since(start))
		}
		slices.Sort(rtts)
		t.Logf("ssh host true (new connection each): median %s, max %s", rtts[len(rtts)/2].Round(time.Millisecond), rtts[len(rtts)-1].Round(time.Millisecond))
	})

	t.Run("OtherMemberNotFound", func(t *testing.T) {
		member, _ := coderdtest.CreateAnotherUser(t, f.client, f.first.OrganizationID)
		res := coderdtest.RawRequest(t, member, http.MethodGet, "/api/v2/workspaceagents/"+f.agent.ID.String()+"/ssh", nil)
		assert.Equal(t, http.StatusNotFound, res.Status)
	})

	t.Run("SharedUserGetsIn", func(t *testing.T) {
		shared, sharedUser := coderdtest.CreateAnotherUser(t, f.client, f.first.OrganizationID)
		res := coderdtest.RawRequest(t, shared, http.MethodGet, "/api/v2/workspaceagents/"+f.agent.ID.String()+"/ssh", nil)
		require.Equal(t, http.StatusNotFound, res.Status, "not shared yet")
		require.NoError(t, f.client.UpdateWorkspaceACL(t.Context(), f.workspace.ID, codersdk.UpdateWorkspaceACL{
			UserRoles: map[string]codersdk.WorkspaceRole{sharedUser.ID.String(): codersdk.WorkspaceRoleUse},
		}))
		// Over the API (the CLI's owner/name lookup is the workspace
		// routes' business): an SSH session runs a command.
		conn, err := shared.DialWorkspaceAgentSSH(t.Context(), f.agent.ID)
		require.NoError(t, err)
		sc, chans, reqs, err := gossh.NewClientConn(conn, "agent", &gossh.ClientConfig{
			User: "shared", HostKeyCallback: gossh.InsecureIgnoreHostKey(), //nolint:gosec // the host key is per agent process
		})
		require.NoError(t, err)
		sshClient := gossh.NewClient(sc, chans, reqs)
		defer sshClient.Close()
		sess, err := sshClient.NewSession()
		require.NoError(t, err)
		out, err := sess.Output("echo shared-in")
		require.NoError(t, err)
		assert.Equal(t, "shared-in\n", string(out))
	})

	t.Run("ConnectionsRecorded", func(t *testing.T) {
		conn, err := pgx.Connect(t.Context(), f.dbURL)
		require.NoError(t, err)
		defer conn.Close(context.Background())
		var total, open int
		require.Eventually(t, func() bool {
			err := conn.QueryRow(t.Context(),
				`SELECT count(*), count(*) FILTER (WHERE disconnect_time IS NULL) FROM connection_logs WHERE type = 'ssh' AND agent_id = $1`,
				f.agent.ID).Scan(&total, &open)
			return err == nil && total >= 9 && open == 0
		}, waitLong, tick, "ssh connections recorded and closed")
		t.Logf("ssh connections recorded: %d", total)
	})

	t.Run("StoppedWorkspace", func(t *testing.T) {
		b, err := f.client.CreateWorkspaceBuild(t.Context(), f.workspace.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop})
		require.NoError(t, err)
		b = coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.client, b.ID)
		require.Equal(t, codersdk.WorkspaceStatusStopped, b.Status, b.Job.Error)

		out, code := f.coderCmd(t, "ssh", f.workspace.Name, "--", "true")
		assert.Equal(t, 1, code, out)
		assert.Contains(t, out, "is not running")
		// The old agent is gone: a clear refusal, not a hang or a 500.
		require.Eventually(t, func() bool {
			res := coderdtest.RawRequest(t, f.client, http.MethodGet, "/api/v2/workspaceagents/"+f.agent.ID.String()+"/ssh", nil)
			return res.Status == http.StatusBadGateway && strings.Contains(res.Response(t).Message, "not connected")
		}, waitLong, tick)
	})
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// serveGreeting listens on loopback and answers every connection with
// greeting, then closes it; it stops with the test.
func serveGreeting(t *testing.T, greeting string) net.Listener {
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
			_, _ = c.Write([]byte(greeting))
			_ = c.Close()
		}
	}()
	return ln
}
