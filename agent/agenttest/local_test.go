package agenttest_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/coderdtest/agentbin"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// Bounds that only keep a broken test from hanging.
const (
	waitLong = 2 * time.Minute
	tick     = 100 * time.Millisecond
)

// workspaceDir is where the local starter runs a workspace's agent (its
// base_dir default).
func workspaceDir(id uuid.UUID) string {
	return filepath.Join("/tmp/coder-local", id.String())
}

// agentPID is the pid the starter recorded, 0 when there is none.
func agentPID(t *testing.T, dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, "agent.pid"))
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	return pid
}

// alive: the process exists and is not a zombie waiting for a reaper.
func alive(pid int) bool {
	if pid <= 0 || syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return runtime.GOOS != "linux"
	}
	// pid (comm) S ...: the state follows the last ')'.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

type localFixture struct {
	client    *codersdk.Client
	workspace codersdk.Workspace
	build     codersdk.WorkspaceBuild
	dir       string
	db        database.Store
}

// newLocalWorkspace starts a server, imports the local starter and builds
// a workspace from it; the test ends by killing any agent left behind.
func newLocalWorkspace(t *testing.T) localFixture {
	t.Helper()
	client, _, db := coderdtest.NewWithDatabase(t, &coderdtest.Options{
		IncludeProvisionerDaemon: true,
		AgentBinaryPath:          agentbin.Path(t),
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
	dir := workspaceDir(w.ID)
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(dir, "coder-agent.log"))
			t.Logf("coder-agent.log:\n%s", b)
		}
		if pid := agentPID(t, dir); alive(pid) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		_ = os.RemoveAll(dir)
	})
	b := coderdtest.AwaitWorkspaceBuildJobCompleted(t, client, w.LatestBuild.ID)
	require.Equal(t, codersdk.WorkspaceStatusRunning, b.Status, b.Job.Error)
	return localFixture{client: client, workspace: w, build: b, dir: dir, db: db}
}

func (f localFixture) transition(t *testing.T, transition codersdk.WorkspaceTransition) codersdk.WorkspaceBuild {
	t.Helper()
	b, err := f.client.CreateWorkspaceBuild(t.Context(), f.workspace.ID, codersdk.CreateWorkspaceBuildRequest{Transition: transition})
	require.NoError(t, err)
	return coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.client, b.ID)
}

// TestLocalStarterRunsAgentProcess: the start build launches the agent,
// which downloaded itself from /bin; the stop build ends it.
func TestLocalStarterRunsAgentProcess(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("the local starter runs sh scripts")
	}
	f := newLocalWorkspace(t)

	var pid int
	require.Eventually(t, func() bool { pid = agentPID(t, f.dir); return alive(pid) }, waitLong, tick)
	require.Eventually(t, func() bool {
		b, _ := os.ReadFile(filepath.Join(f.dir, "coder-agent.log"))
		return bytes.Contains(b, []byte("starting agent"))
	}, waitLong, tick, "the agent downloaded from /bin runs and logs in its directory")
	token, err := os.Stat(filepath.Join(f.dir, "agent.token"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), token.Mode().Perm())

	stop := f.transition(t, codersdk.WorkspaceTransitionStop)
	require.Equal(t, codersdk.WorkspaceStatusStopped, stop.Status, stop.Job.Error)
	assert.False(t, alive(pid), "the stop build ended the agent")
	_, err = os.Stat(filepath.Join(f.dir, "agent.token"))
	assert.ErrorIs(t, err, os.ErrNotExist, "the token does not outlive the build")
}

// TestAgentBinaryRoute: /bin serves the agent for the server's platform
// only.
func TestAgentBinaryRoute(t *testing.T) {
	t.Parallel()
	bin := agentbin.Path(t)
	client := coderdtest.New(t, &coderdtest.Options{AgentBinaryPath: bin})
	want, err := os.Stat(bin)
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(t.Context(), waitLong)
	defer cancel()
	res, err := client.Request(ctx, http.MethodGet, "/bin/coder-"+runtime.GOOS+"-"+runtime.GOARCH, nil)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "application/octet-stream", res.Header.Get("Content-Type"))
	assert.Equal(t, strconv.FormatInt(want.Size(), 10), res.Header.Get("Content-Length"))

	other := coderdtest.RawRequest(t, client, http.MethodGet, "/bin/coder-plan9-mips", nil)
	require.Equal(t, http.StatusNotFound, other.Status)
	assert.Contains(t, other.Response(t).Message, "plan9/mips")
}
