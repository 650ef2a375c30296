package cli_test

import (
	"context"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
)

// TestServerKilledDuringJobs: a server process is killed with SIGKILL while
// its daemons run a workspace build and a template version import. At the
// next start, before it serves, the build is failed with a message saying
// the server restarted (a new build of the workspace is accepted), and the
// import, which only plans, is queued again.
func TestServerKilledDuringJobs(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the server binary")
	}
	ctx := context.Background()
	bin := buildServerBinary(t)
	dir := configDir(t)
	args := []string{"server", "--http-address", "127.0.0.1:0", "--config-dir", dir,
		"--cache-dir", filepath.Join(dir, "cache"), "--provisioner-daemons", "2"}

	first := startServerProcess(t, bin, args...)
	client := first.client
	owner := coderdtest.CreateFirstUser(t, client)

	// Builds of this template block for an hour.
	blocking, err := echo.Template(echo.Spec{Start: echo.Phase{Delay: time.Hour}})
	require.NoError(t, err)
	version := coderdtest.CreateTemplateVersion(t, client, owner.OrganizationID, blocking, uuid0)
	version = coderdtest.AwaitTemplateVersionJobCompleted(t, client, version.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, version.Job.Status)
	template := coderdtest.CreateTemplate(t, client, owner.OrganizationID, version.ID)
	workspace := coderdtest.CreateWorkspace(t, client, template.ID)
	build := workspace.LatestBuild

	// And an import that blocks.
	slowImport, err := echo.Template(echo.Spec{Import: echo.Phase{Delay: time.Hour}})
	require.NoError(t, err)
	importing := coderdtest.CreateTemplateVersion(t, client, owner.OrganizationID, slowImport, template.ID)

	require.Eventually(t, func() bool {
		b, err := client.WorkspaceBuild(ctx, build.ID)
		require.NoError(t, err)
		v, err := client.TemplateVersion(ctx, importing.ID)
		require.NoError(t, err)
		return b.Job.Status == codersdk.ProvisionerJobRunning && v.Job.Status == codersdk.ProvisionerJobRunning
	}, 2*time.Minute, 20*time.Millisecond, "both jobs running")

	first.kill(t)

	second := startServerProcess(t, bin, args...)
	second.client.SetSessionToken(client.SessionToken())
	client = second.client

	// Settled before the server started serving: no waiting.
	b, err := client.WorkspaceBuild(ctx, build.ID)
	require.NoError(t, err)
	assert.Equal(t, codersdk.ProvisionerJobFailed, b.Job.Status)
	assert.Equal(t, provisionerd.MessageServerRestarted, b.Job.Error)
	v, err := client.TemplateVersion(ctx, importing.ID)
	require.NoError(t, err)
	assert.Contains(t, []codersdk.ProvisionerJobStatus{codersdk.ProvisionerJobPending, codersdk.ProvisionerJobRunning}, v.Job.Status,
		"the import is queued again")

	next, err := client.CreateWorkspaceBuild(ctx, workspace.ID, codersdk.CreateWorkspaceBuildRequest{
		Transition: codersdk.WorkspaceTransitionStop,
	})
	require.NoError(t, err, "a new build is accepted")
	assert.Equal(t, b.BuildNumber+1, next.BuildNumber)

	second.stop(t)
}

var uuid0 = uuid.Nil

// buildServerBinary builds cmd/coder once per test into a temporary
// directory.
func buildServerBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "coder")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/devplane/devplane/cmd/coder")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	return bin
}

// serverProcess is a `coder server` running as a child process.
type serverProcess struct {
	client *codersdk.Client
	cmd    *exec.Cmd
	exited chan struct{}
}

func startServerProcess(t *testing.T, bin string, args ...string) *serverProcess {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = os.Environ()
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = io.Discard
	require.NoError(t, cmd.Start())
	p := &serverProcess{cmd: cmd, exited: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(p.exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.exited
	})

	started := watchStartedLine(stdout)
	select {
	case addr, ok := <-started:
		require.True(t, ok, "the server exited before serving")
		u, err := url.Parse(addr)
		require.NoError(t, err)
		p.client = codersdk.New(u)
		t.Cleanup(p.client.HTTPClient.CloseIdleConnections)
		return p
	case <-time.After(5 * time.Minute): // a hang guard
		t.Fatal("the server did not start")
		return nil
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *serverProcess) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Kill())
	<-p.exited
}

// stop sends SIGTERM and waits for a clean exit.
func (p *serverProcess) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-p.exited:
		assert.True(t, p.cmd.ProcessState.Success(), p.cmd.ProcessState.String())
	case <-time.After(2 * time.Minute): // a hang guard, not a limit
		t.Fatal("the server did not exit on SIGTERM")
	}
}
