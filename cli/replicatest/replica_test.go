package replicatest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/cli/config"
	"github.com/devplane/devplane/coderd"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/coderdtest/agentbin"
	"github.com/devplane/devplane/coderd/provisionerd/archive"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
	"github.com/devplane/devplane/testutil/freeport"
	"github.com/devplane/devplane/testutil/logcapture"
	"github.com/devplane/devplane/testutil/ptyterm"
	"github.com/devplane/devplane/testutil/tcpproxy"
)

// appsDomain is the wildcard access URL's domain of subdomain apps; the
// tests send requests for it to a replica with the Host header, as a
// browser resolving the wildcard name to the load balancer would.
const appsDomain = ".apps.test"

// Bounds that only keep a broken test from hanging.
const (
	waitLong = 3 * time.Minute
	tick     = 200 * time.Millisecond
)

// replica is one server of the deployment.
type replica struct {
	client *codersdk.Client
	api    *coderd.API
}

// newReplica starts a server on the shared database. Its relay address is
// a forwarder to itself, set up before the server exists (the server's
// own URL is chosen when it starts).
func newReplica(t *testing.T, dbURL string, opts coderdtest.Options) replica {
	t.Helper()
	relay := tcpproxy.New(t)
	vals, _ := coderdtest.DeploymentValues(t)
	require.NoError(t, vals.Replicas.RelayURL.Set(relay.URL()))
	require.NoError(t, vals.WildcardAccessURL.Set("*"+appsDomain))
	opts.DatabaseURL, opts.DeploymentValues = dbURL, vals
	client, api, _ := coderdtest.NewWithDatabase(t, &opts)
	relay.SetTarget(client.URL.Host)
	return replica{client: client, api: api}
}

// deployment: replicas A (provisioner, agent binary, the agent's
// connection) and B (where the CLI and the app users go), a running
// workspace from the local starter plus an app, and the echo service
// started in it.
type deployment struct {
	dbURL     string
	a, b      replica
	owner     codersdk.User
	orgID     uuid.UUID
	workspace codersdk.Workspace
	agentID   uuid.UUID
	coder     string // the coder binary
	global    string // the CLI's --global-config, signed in to B
	sshConfig string // written by coder config-ssh against B
	host      string // the workspace's SSH host name
	appPort   int    // the echo app's HTTP port, declared as the app "echo"
	tcpPort   int    // the echo service's TCP port
	udpPort   int    // the echo service's UDP port
}

// appTF is appended to the local starter: the echo service's HTTP port as
// an app by path and one on its own host.
const appTF = `
resource "coder_app" "echo" {
  agent_id     = coder_agent.main.id
  slug         = "echo"
  display_name = "Echo"
  url          = "http://127.0.0.1:%PORT%"
  share        = "owner"
}

resource "coder_app" "echo_sub" {
  agent_id     = coder_agent.main.id
  slug         = "echo-sub"
  display_name = "Echo on its own host"
  url          = "http://127.0.0.1:%PORT%"
  share        = "owner"
  subdomain    = true
}
`

func newDeployment(t *testing.T) *deployment {
	t.Helper()
	for _, tool := range []string{"ssh", "scp", "terraform"} {
		if p, err := exec.LookPath(tool); err != nil || p == "" {
			t.Skipf("%s is not installed", tool)
		}
	}
	bin := agentbin.Path(t)
	echoApp := buildEchoApp(t)
	dbURL := dbtestutil.Open(t)
	a := newReplica(t, dbURL, coderdtest.Options{IncludeProvisionerDaemon: true, AgentBinaryPath: bin})
	b := newReplica(t, dbURL, coderdtest.Options{})
	first := coderdtest.CreateFirstUser(t, a.client)
	b.client.SetSessionToken(a.client.SessionToken())
	ctx := t.Context()
	owner, err := b.client.User(ctx, codersdk.Me)
	require.NoError(t, err, "B knows the session A made: one database")

	// The echo service's ports are chosen now (the app's is in the
	// template) and held until the service listens on them too.
	appPort, releaseApp := reservePort(t, "tcp")
	tcpPort, releaseTCP := reservePort(t, "tcp")
	udpPort, releaseUDP := reservePort(t, "udp")
	mainTF, err := os.ReadFile("../../examples/templates/local/main.tf")
	require.NoError(t, err)
	tar, err := archive.CreateTar(map[string]string{
		"main.tf": string(mainTF) + strings.ReplaceAll(appTF, "%PORT%", strconv.Itoa(appPort)),
	})
	require.NoError(t, err)
	file, err := a.client.Upload(ctx, codersdk.ContentTypeTar, bytes.NewReader(tar))
	require.NoError(t, err)
	v, err := a.client.CreateTemplateVersion(ctx, first.OrganizationID, codersdk.CreateTemplateVersionRequest{
		StorageMethod: codersdk.ProvisionerStorageMethodFile, FileID: file.ID, Provisioner: codersdk.ProvisionerTypeTerraform,
	})
	require.NoError(t, err)
	v = coderdtest.AwaitTemplateVersionJobCompleted(t, a.client, v.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, v.Job.Status, v.Job.Error)
	tpl := coderdtest.CreateTemplate(t, a.client, first.OrganizationID, v.ID)
	w := coderdtest.CreateWorkspace(t, a.client, tpl.ID)
	dir := filepath.Join("/tmp/coder-local", w.ID.String())
	t.Cleanup(func() {
		killPIDFile(filepath.Join(dir, "agent.pid"))
		_ = os.RemoveAll(dir)
	})
	build := coderdtest.AwaitWorkspaceBuildJobCompleted(t, a.client, w.LatestBuild.ID)
	require.Equal(t, codersdk.WorkspaceStatusRunning, build.Status, build.Job.Error)
	w, err = b.client.Workspace(ctx, w.ID)
	require.NoError(t, err)
	var agentID uuid.UUID
	for _, r := range w.LatestBuild.Resources {
		for _, ag := range r.Agents {
			agentID = ag.ID
			require.Len(t, ag.Apps, 2, "the template's apps")
		}
	}
	require.NotEqual(t, uuid.Nil, agentID, "the workspace has an agent")
	require.Eventually(t, func() bool {
		ag, err := b.client.WorkspaceAgent(ctx, agentID)
		return err == nil && ag.Status == codersdk.WorkspaceAgentConnected && ag.LifecycleState == codersdk.WorkspaceAgentLifecycleReady
	}, waitLong, tick, "the real agent connects and its startup script ends")
	// The agent dialed the access URL the build gave it: A's.
	require.NotNil(t, a.api.AgentConns.Get(agentID), "the agent's connection is on A")
	require.Nil(t, b.api.AgentConns.Get(agentID), "and not on B")

	tmp := t.TempDir()
	global := filepath.Join(tmp, "coderv2")
	require.NoError(t, config.Root(global).URL().Write(b.client.URL.String()))
	require.NoError(t, config.Root(global).Session().Write(b.client.SessionToken()))
	d := &deployment{
		dbURL: dbURL, a: a, b: b, owner: owner, orgID: first.OrganizationID, workspace: w, agentID: agentID,
		coder: bin, global: global, sshConfig: filepath.Join(tmp, "ssh", "config"), host: "coder." + w.Name,
		appPort: appPort, tcpPort: tcpPort, udpPort: udpPort,
	}
	out, code := d.coderCmd(t, "config-ssh", "--ssh-config-file", d.sshConfig, "--yes")
	require.Equal(t, 0, code, out)
	d.startEchoApp(t, echoApp)
	releaseApp()
	releaseTCP()
	releaseUDP()
	return d
}

// startEchoApp starts the echo service inside the workspace, over SSH
// through B, detached from the session; it is killed when the test ends.
func (d *deployment) startEchoApp(t *testing.T, bin string) {
	t.Helper()
	pidFile := filepath.Join(t.TempDir(), "echoapp.pid")
	t.Cleanup(func() { killPIDFile(pidFile) })
	cmd := "$(command -v setsid) nohup " + bin +
		" -http 127.0.0.1:" + strconv.Itoa(d.appPort) + " -tcp 127.0.0.1:" + strconv.Itoa(d.tcpPort) +
		" -udp 127.0.0.1:" + strconv.Itoa(d.udpPort) +
		" -pidfile " + pidFile + " >/dev/null 2>&1 </dev/null &"
	out, code := d.ssh(t, d.host, cmd)
	require.Equal(t, 0, code, out)
	require.Eventually(t, func() bool {
		_, err := os.Stat(pidFile)
		return err == nil
	}, waitLong, tick, "the echo service starts in the workspace (its pid file says it listens)")
}

// buildEchoApp builds testdata/echoapp.
func buildEchoApp(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "echoapp")
	cmd := exec.CommandContext(t.Context(), "go", "build", "-o", out, "./testdata/echoapp")
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, string(b))
	return out
}

func killPIDFile(path string) {
	b, err := os.ReadFile(path)
	if err != nil {
		return
	}
	if pid, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && pid > 0 {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
}

// reservePort holds a free loopback port until release. It binds with
// SO_REUSEPORT, as the echo service does, so the service can listen on the
// port while it is held. A port merely free when chosen could be taken by
// another process (another test package's server) in the minute the
// template import, the build and the agent take before the service starts.
// Nothing connects to the port before release, so no connection lands on
// the held socket.
func reservePort(t *testing.T, network string) (int, func()) {
	t.Helper()
	lc := net.ListenConfig{Control: freeport.ReusePort}
	var held io.Closer
	var port int
	if network == "udp" {
		pc, err := lc.ListenPacket(context.Background(), "udp", "127.0.0.1:0")
		require.NoError(t, err)
		held, port = pc, pc.LocalAddr().(*net.UDPAddr).Port
	} else {
		ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
		require.NoError(t, err)
		held, port = ln, ln.Addr().(*net.TCPAddr).Port
	}
	var once sync.Once
	release := func() { once.Do(func() { _ = held.Close() }) }
	t.Cleanup(release)
	return port, release
}

// run runs a command and returns its output and exit status.
func run(t *testing.T, name string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), waitLong)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return out.String(), exit.ExitCode()
	}
	require.NoError(t, err, out.String())
	return out.String(), 0
}

func (d *deployment) coderCmd(t *testing.T, args ...string) (string, int) {
	t.Helper()
	return run(t, d.coder, append([]string{"--global-config", d.global}, args...)...)
}

func (d *deployment) ssh(t *testing.T, args ...string) (string, int) {
	t.Helper()
	return run(t, "ssh", append([]string{"-F", d.sshConfig, "-o", "BatchMode=yes"}, args...)...)
}

func (d *deployment) scp(t *testing.T, from, to string) (string, int) {
	t.Helper()
	return run(t, "scp", "-F", d.sshConfig, "-o", "BatchMode=yes", from, to)
}

// appPath is the app's path-based URL, with the agent named.
func (d *deployment) appPath() string {
	return "/@" + d.owner.Username + "/" + d.workspace.Name + ".main/apps/echo/"
}

// seen is what the echo app says it was sent.
type seen struct {
	App     string            `json:"app"`
	Path    string            `json:"path"`
	Query   string            `json:"query"`
	Headers map[string]string `json:"headers"`
	Cookies []string          `json:"cookies"`
}

// TestEverythingThroughTheOtherReplica: with the real agent connected to
// A, SSH (config-ssh + OpenSSH), scp, the app proxy (HTTP and WebSocket)
// and `coder port-forward` work through B, the app proxy also through A;
// every session is on record.
func TestEverythingThroughTheOtherReplica(t *testing.T) {
	t.Parallel()
	d := newDeployment(t)

	t.Run("SSHCommandExitCode", func(t *testing.T) {
		out, code := d.ssh(t, d.host, "echo hello-from-$CODER_WORKSPACE_NAME; exit 3")
		assert.Equal(t, 3, code, out)
		assert.Contains(t, out, "hello-from-"+d.workspace.Name)
	})

	t.Run("SCPBothWays", func(t *testing.T) {
		local := filepath.Join(t.TempDir(), "up.txt")
		content := "copied through the other replica " + uuid.NewString()
		require.NoError(t, os.WriteFile(local, []byte(content), 0o600))
		out, code := d.scp(t, local, d.host+":replica-up.txt")
		require.Equal(t, 0, code, out)
		out, code = d.ssh(t, d.host, "cat replica-up.txt")
		require.Equal(t, 0, code, out)
		assert.Equal(t, content, strings.TrimSpace(out))

		back := filepath.Join(t.TempDir(), "down.txt")
		out, code = d.scp(t, d.host+":replica-up.txt", back)
		require.Equal(t, 0, code, out)
		got, err := os.ReadFile(back)
		require.NoError(t, err)
		assert.Equal(t, content, string(got))
	})

	for _, via := range []struct {
		name string
		r    func() replica
	}{
		{"AppThroughB", func() replica { return d.b }},
		{"AppThroughA", func() replica { return d.a }},
	} {
		t.Run(via.name, func(t *testing.T) {
			c := via.r().client
			s := getApp(t, c, d.appPath()+"some/page?x=1", func(r *http.Request) {
				r.AddCookie(&http.Cookie{Name: codersdk.SessionTokenCookie, Value: c.SessionToken()})
				r.AddCookie(&http.Cookie{Name: "keep", Value: "1"})
			})
			assert.Equal(t, "echoapp", s.App, "served by the service in the workspace")
			assert.Equal(t, "/some/page", s.Path)
			assert.Equal(t, "x=1", s.Query)
			assert.Equal(t, []string{"keep"}, s.Cookies, "the session cookie stays with the server")
			_, hasToken := s.Headers[http.CanonicalHeaderKey(codersdk.SessionTokenHeader)]
			assert.False(t, hasToken, "the session token header stays with the server")
			for k, v := range s.Headers {
				assert.NotContains(t, v, c.SessionToken(), "header %s carries the session token", k)
			}

			ctx, cancel := context.WithTimeout(t.Context(), waitLong)
			defer cancel()
			u := "ws" + strings.TrimPrefix(c.URL.String(), "http") + d.appPath() + "ws"
			ws, res, err := websocket.Dial(ctx, u, &websocket.DialOptions{
				HTTPHeader: http.Header{codersdk.SessionTokenHeader: {c.SessionToken()}},
			})
			if res != nil && res.Body != nil {
				_ = res.Body.Close()
			}
			require.NoError(t, err)
			defer ws.CloseNow()
			ws.SetReadLimit(1 << 20)
			for _, msg := range []string{"hello", "through " + via.name, strings.Repeat("x", 100_000)} {
				require.NoError(t, ws.Write(ctx, websocket.MessageText, []byte(msg)))
				_, got, err := ws.Read(ctx)
				require.NoError(t, err)
				assert.Equal(t, msg, string(got))
			}
			_ = ws.Close(websocket.StatusNormalClosure, "")
		})
	}

	t.Run("SubdomainAppAcrossReplicas", func(t *testing.T) {
		// A browser signs in to an app on its own host while the load
		// balancer sends each request to either replica: the one-time
		// token minted by A is traded at B, the app cookie B set works
		// at A.
		host := "echo-sub--main--" + d.workspace.Name + "--" + d.owner.Username + appsDomain
		anonA, anonB := coderdtest.Anonymous(d.a.client), coderdtest.Anonymous(d.b.client)
		res := raw(t, anonB, "/page?x=1", onHost(host), browser)
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
		loc, err := url.Parse(res.Header.Get("Location"))
		require.NoError(t, err)
		require.Equal(t, "/api/v2/applications/auth-redirect", loc.Path)

		res = raw(t, d.a.client, loc.RequestURI())
		require.Equal(t, http.StatusTemporaryRedirect, res.StatusCode)
		withToken, err := url.Parse(res.Header.Get("Location"))
		require.NoError(t, err)
		require.Equal(t, host, withToken.Host)

		res = raw(t, anonB, withToken.RequestURI(), onHost(host), browser)
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
		var cookie *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == codersdk.SessionTokenCookie {
				cookie = c
			}
		}
		require.NotNil(t, cookie, "B sets the app host's cookie")
		assert.NotEqual(t, d.a.client.SessionToken(), cookie.Value)

		for _, anon := range []*codersdk.Client{anonA, anonB} {
			res = raw(t, anon, "/page?x=1", onHost(host), func(r *http.Request) { r.AddCookie(cookie) })
			s := decodeSeen(t, res)
			assert.Equal(t, "echoapp", s.App)
			assert.Equal(t, "/page", s.Path)
			assert.Empty(t, s.Cookies, "the app host's cookie stays with the server")
		}
	})

	t.Run("TerminalReattachAcrossReplicas", func(t *testing.T) {
		// A browser terminal opened through B and reattached after a
		// reload that lands on A: the session lives in the agent, so A
		// replays its output and it goes on.
		id := uuid.New()
		first := openTerminal(t, d.b.client, d.agentID, id)
		first.Type(t, "echo first-$((6*7))\r")
		first.Await(t, "first-42")
		_ = first.Conn.Close()

		again := openTerminal(t, d.a.client, d.agentID, id)
		again.Await(t, "first-42")
		again.Type(t, "echo again-$((7*7))\r")
		again.Await(t, "again-49")
		_ = again.Conn.Close()
	})

	t.Run("CoderSSHThroughB", func(t *testing.T) {
		out, code := d.coderCmd(t, "ssh", d.workspace.Name, "--", "echo", "via-coder-ssh;", "exit", "5")
		assert.Equal(t, 5, code, out)
		assert.Contains(t, out, "via-coder-ssh")
	})

	t.Run("SSHLocalForwardThroughB", func(t *testing.T) {
		// What VS Code Remote-SSH and JetBrains Gateway do: ssh -L to a
		// port in the workspace.
		local := freeport.Loopback(t, "tcp")
		stop := d.background(t, "ssh", "-F", d.sshConfig, "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "-N",
			"-L", strconv.Itoa(local)+":127.0.0.1:"+strconv.Itoa(d.tcpPort), d.host)
		defer stop()
		echoTCP(t, local)
	})

	t.Run("PortForwardThroughB", func(t *testing.T) {
		tcpLocal, udpLocal := freeport.Loopback(t, "tcp"), freeport.Loopback(t, "udp")
		stop := d.background(t, d.coder, "--global-config", d.global, "port-forward", d.workspace.Name,
			"--tcp", strconv.Itoa(tcpLocal)+":"+strconv.Itoa(d.tcpPort),
			"--udp", strconv.Itoa(udpLocal)+":"+strconv.Itoa(d.udpPort))
		defer stop()
		echoTCP(t, tcpLocal)

		uc, err := net.Dial("udp", "127.0.0.1:"+strconv.Itoa(udpLocal))
		require.NoError(t, err)
		defer uc.Close()
		require.Eventually(t, func() bool {
			_, _ = uc.Write([]byte("datagram"))
			_ = uc.SetReadDeadline(time.Now().Add(time.Second))
			buf := make([]byte, 100)
			n, err := uc.Read(buf)
			return err == nil && string(buf[:n]) == "datagram"
		}, waitLong, tick, "the UDP echo in the workspace answers")
	})

	t.Run("Measure", func(t *testing.T) {
		// Numbers for docs/performance.md, on demand: what relaying through
		// the other replica costs with the real agent.
		if os.Getenv("REPLICATEST_MEASURE") == "" {
			t.Skip("set REPLICATEST_MEASURE=1 to measure SSH and app download through each replica")
		}
		const size = 256 << 20
		for _, via := range []struct {
			name string
			c    *codersdk.Client
		}{{"A (agent's replica)", d.a.client}, {"B (relayed)", d.b.client}} {
			start := time.Now()
			res := raw(t, via.c, d.appPath()+"big?n="+strconv.Itoa(size))
			require.Equal(t, http.StatusOK, res.StatusCode)
			n, err := io.Copy(io.Discard, res.Body)
			require.NoError(t, err)
			require.EqualValues(t, size, n)
			elapsed := time.Since(start)
			t.Logf("app download through %s: %d MiB in %s = %.0f MB/s", via.name, size>>20, elapsed.Round(time.Millisecond), float64(size)/1e6/elapsed.Seconds())
		}
		start := time.Now()
		cmd := exec.CommandContext(t.Context(), "ssh", "-F", d.sshConfig, "-o", "BatchMode=yes", d.host, "head -c "+strconv.Itoa(size)+" /dev/zero")
		var counted countingWriter
		cmd.Stdout = &counted
		require.NoError(t, cmd.Run())
		require.EqualValues(t, size, counted.n)
		elapsed := time.Since(start)
		t.Logf("ssh download through B (relayed): %d MiB in %s = %.0f MB/s (incl. connection setup)", size>>20, elapsed.Round(time.Millisecond), float64(size)/1e6/elapsed.Seconds())
	})

	t.Run("SessionsRecorded", func(t *testing.T) {
		conn, err := pgx.Connect(t.Context(), d.dbURL)
		require.NoError(t, err)
		defer conn.Close(context.Background())
		type row struct {
			typ, slugOrPort string
			open            bool
		}
		var rows []row
		// Closed sessions are written when they end, which can trail the
		// client's exit a little; app sessions stay open until idle.
		require.Eventually(t, func() bool {
			rows = nil
			r, err := conn.Query(t.Context(),
				`SELECT type, coalesce(slug_or_port, ''), disconnect_time IS NULL FROM connection_logs
				 WHERE workspace_id = $1 AND agent_id = $2 AND user_id = $3`,
				d.workspace.ID, d.agentID, d.owner.ID)
			if err != nil {
				return false
			}
			for r.Next() {
				var x row
				if r.Scan(&x.typ, &x.slugOrPort, &x.open) != nil {
					return false
				}
				rows = append(rows, x)
			}
			if r.Err() != nil {
				return false
			}
			count := map[row]int{}
			for _, x := range rows {
				count[x]++
			}
			ssh, tcp, udp := string(codersdk.ConnectionTypeSSH), strconv.Itoa(d.tcpPort), strconv.Itoa(d.udpPort)
			fwd, app := string(codersdk.ConnectionTypePortForwarding), string(codersdk.ConnectionTypeWorkspaceApp)
			pty := string(codersdk.ConnectionTypeReconnectingPTY)
			// ssh: starting the service, the command, three in SCPBothWays,
			// coder ssh, ssh -L. Apps: one session per replica that served
			// it (the subdomain app: two), open until idle. Port forwards:
			// one per port. Terminals: one per attachment.
			return count[row{ssh, "", false}] >= 7 && count[row{ssh, "", true}] == 0 &&
				count[row{app, "echo", true}] == 2 && count[row{app, "echo-sub", true}] == 2 &&
				count[row{pty, "", false}] == 2 && count[row{pty, "", true}] == 0 &&
				count[row{fwd, tcp, false}] >= 1 && count[row{fwd, tcp, true}] == 0 &&
				count[row{fwd, udp, false}] >= 1 && count[row{fwd, udp, true}] == 0
		}, waitLong, tick, "ssh, app and port-forward sessions on record, the ended ones closed")
		t.Logf("sessions on record: %v", rows)

		// The audit log, read through B: a connect and a disconnect per
		// ended agent session, an open per app session.
		actions := map[codersdk.AuditAction]int{}
		require.Eventually(t, func() bool {
			logs, err := d.b.client.AuditLogs(t.Context(), codersdk.AuditLogsRequest{
				SearchQuery: "resource_type:workspace_agent", Pagination: codersdk.Pagination{Limit: 1000},
			})
			if err != nil {
				return false
			}
			apps, err := d.b.client.AuditLogs(t.Context(), codersdk.AuditLogsRequest{
				SearchQuery: "resource_type:workspace_app", Pagination: codersdk.Pagination{Limit: 1000},
			})
			if err != nil {
				return false
			}
			actions = map[codersdk.AuditAction]int{}
			for _, l := range append(logs.AuditLogs, apps.AuditLogs...) {
				if l.User != nil && l.User.ID == d.owner.ID && (l.ResourceID == d.agentID || l.ResourceType == codersdk.ResourceTypeWorkspaceApp) {
					actions[l.Action]++
				}
			}
			return actions[codersdk.AuditActionConnect] >= 9 && actions[codersdk.AuditActionConnect] == actions[codersdk.AuditActionDisconnect] &&
				actions[codersdk.AuditActionOpen] == 4
		}, waitLong, tick, "connects, disconnects and app opens in the audit log")
		t.Logf("audit actions: %v", actions)
	})
}

// background starts a long-running client (a forwarder) and returns what
// stops it.
func (d *deployment) background(t *testing.T, name string, args ...string) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	cmd := exec.CommandContext(ctx, name, args...)
	var out logcapture.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			_ = cmd.Wait()
			if t.Failed() {
				t.Logf("%s: %s", name, out.String())
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// echoTCP connects to the local end of a forward and checks that the TCP
// echo in the workspace sends back about a megabyte.
func echoTCP(t *testing.T, local int) {
	t.Helper()
	var conn net.Conn
	require.Eventually(t, func() bool {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(local))
		if err != nil {
			return false
		}
		conn = c
		return true
	}, waitLong, tick, "the forward listens")
	defer conn.Close()
	msg := bytes.Repeat([]byte("through the other replica "), 40_000)
	go func() { _, _ = conn.Write(msg) }()
	got := make([]byte, len(msg))
	_ = conn.SetReadDeadline(time.Now().Add(waitLong))
	_, err := io.ReadFull(conn, got)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(msg, got), "the TCP echo in the workspace answers")
}

func onHost(host string) func(*http.Request) {
	return func(r *http.Request) { r.Host = host }
}

func browser(r *http.Request) { r.Header.Set("Accept", "text/html") }

// raw requests path on the client's server with its token, if any,
// following no redirects.
func raw(t *testing.T, c *codersdk.Client, path string, mod ...func(*http.Request)) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, c.URL.String()+path, nil)
	require.NoError(t, err)
	if tok := c.SessionToken(); tok != "" {
		req.Header.Set(codersdk.SessionTokenHeader, tok)
	}
	for _, m := range mod {
		m(req)
	}
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := hc.Do(req)
	require.NoError(t, err)
	t.Cleanup(func() { _ = res.Body.Close() })
	return res
}

func decodeSeen(t *testing.T, res *http.Response) seen {
	t.Helper()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, res.StatusCode, string(body))
	var s seen
	require.NoError(t, json.Unmarshal(body, &s), string(body))
	return s
}

func openTerminal(t *testing.T, c *codersdk.Client, agentID, id uuid.UUID) *ptyterm.Terminal {
	t.Helper()
	return ptyterm.Open(t, c, codersdk.WorkspaceAgentReconnectingPTYOpts{AgentID: agentID, Reconnect: id, Height: 24, Width: 80})
}

// getApp requests path on the replica with the client's token and decodes
// the echo app's answer.
func getApp(t *testing.T, c *codersdk.Client, path string, mod ...func(*http.Request)) seen {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, c.URL.String()+path, nil)
	require.NoError(t, err)
	req.Header.Set(codersdk.SessionTokenHeader, c.SessionToken())
	for _, m := range mod {
		m(req)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	return decodeSeen(t, res)
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}
