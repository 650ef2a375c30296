package clitest_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/cli/clitest"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
)

// TestWorkspacesScriptedSession is the scripted session, with Coder's command
// names, flags and output shapes: create with parameters, list as JSON,
// schedule, stop, start, logs, delete.
func TestWorkspacesScriptedSession(t *testing.T) {
	t.Parallel()
	client, _, _ := setupWorkspaceServer(t, paramTemplateSpec())
	me, err := client.User(context.Background(), codersdk.Me)
	require.NoError(t, err)
	u := newCLIUser(t, client)

	out := u.ok("create", "dev", "--template", "docker",
		"--parameter", "region=eu", "--parameter", "cpu=4", "--parameter", "project=alpha",
		"--start-at", "9:30AM Mon-Fri Europe/Dublin", "--stop-after", "8h", "--yes")
	assert.Contains(t, out, "Starting dev in eu with 4 CPUs for alpha", "the build log is streamed")
	assert.Contains(t, out, "The dev workspace has been created at")

	var listed []codersdk.Workspace
	u.okJSON(&listed, "list", "--output", "json")
	require.Len(t, listed, 1)
	ws := listed[0]
	assert.Equal(t, "dev", ws.Name)
	assert.Equal(t, "docker", ws.TemplateName)
	assert.Equal(t, me.Username, ws.OwnerName)
	assert.Equal(t, codersdk.WorkspaceStatusRunning, ws.LatestBuild.Status)
	require.NotNil(t, ws.AutostartSchedule)
	assert.Equal(t, "CRON_TZ=Europe/Dublin 30 9 * * Mon-Fri", *ws.AutostartSchedule)
	require.NotNil(t, ws.TTLMillis)
	assert.Equal(t, (8 * time.Hour).Milliseconds(), *ws.TTLMillis)
	assert.Equal(t, map[string]string{"region": "eu", "cpu": "4", "project": "alpha", "dotfiles": "false"}, latestBuildParams(t, client, ws))

	table := u.ok("list")
	assert.Contains(t, table, "WORKSPACE")
	assert.Contains(t, table, "CURRENT VERSION")
	assert.Contains(t, table, me.Username+"/dev")
	assert.Contains(t, table, "Started")
	assert.Contains(t, u.ok("ls", "-c", "workspace,status"), me.Username+"/dev  Started")

	var sched []map[string]string
	u.okJSON(&sched, "schedule", "show", "dev", "-o", "json")
	require.Len(t, sched, 1)
	assert.Equal(t, me.Username+"/dev", sched[0]["workspace"])
	assert.Equal(t, "9:30AM Mon-Fri (Europe/Dublin)", sched[0]["starts_at"])
	assert.NotEmpty(t, sched[0]["starts_next"])
	assert.Equal(t, "8h", sched[0]["stops_after"])

	out = u.ok("schedule", "start", "dev", "18:05", "Sat,Sun", "UTC")
	assert.Contains(t, out, "6:05PM Sat,Sun (UTC)")
	u.ok("schedule", "stop", "dev", "90")
	got, err := client.Workspace(context.Background(), ws.ID)
	require.NoError(t, err)
	assert.Equal(t, "CRON_TZ=UTC 5 18 * * Sat,Sun", *got.AutostartSchedule)
	assert.Equal(t, (90 * time.Minute).Milliseconds(), *got.TTLMillis)
	u.ok("schedule", "start", "dev", "manual")
	u.ok("schedule", "stop", "dev", "manual")
	got, err = client.Workspace(context.Background(), ws.ID)
	require.NoError(t, err)
	assert.Nil(t, got.AutostartSchedule)
	assert.Nil(t, got.TTLMillis)

	out = u.ok("stop", "dev", "--yes")
	assert.Contains(t, out, "The dev workspace has been stopped at")
	got, err = client.Workspace(context.Background(), ws.ID)
	require.NoError(t, err)
	assert.Equal(t, codersdk.WorkspaceStatusStopped, got.LatestBuild.Status)

	out = u.ok("start", "dev")
	assert.Contains(t, out, "The dev workspace has been started at")
	got, err = client.Workspace(context.Background(), ws.ID)
	require.NoError(t, err)
	assert.Equal(t, codersdk.WorkspaceStatusRunning, got.LatestBuild.Status)
	assert.Equal(t, int32(3), got.LatestBuild.BuildNumber)
	assert.Equal(t, "alpha", latestBuildParams(t, client, got)["project"], "a start keeps the parameter values")
	assert.Contains(t, u.ok("start", "dev"), "Workspace dev is already running.", "a start of a running workspace builds nothing")

	assert.Contains(t, u.ok("logs", "dev"), "Starting dev in eu with 4 CPUs for alpha")
	assert.NotContains(t, u.ok("logs", "dev", "-n", "-1"), "Starting dev", "the build before the latest is the stop")

	out = u.ok("delete", "dev", "--yes")
	assert.Contains(t, out, "The dev workspace was deleted at")
	_, err = client.WorkspaceByOwnerAndName(context.Background(), codersdk.Me, "dev", false)
	require.Error(t, err, "the workspace is gone")
	u.okJSON(&listed, "list", "-o", "json")
	assert.Empty(t, listed)
	res, code := u.run("list")
	assert.Equal(t, 0, code)
	assert.Contains(t, res.Stderr, "No workspaces found!")
}

// TestWorkspaceCommands covers the rest of the everyday commands:
// favorite, rename, show, open app, update to a new template version,
// restart, and following a build's log.
func TestWorkspaceCommands(t *testing.T) {
	t.Parallel()
	client, first, tpl := setupWorkspaceServer(t, paramTemplateSpec())
	u := newCLIUser(t, client)
	u.ok("create", "box", "-t", "docker", "--parameter", "project=beta", "--yes")

	u.ok("favorite", "box")
	var listed []codersdk.Workspace
	u.okJSON(&listed, "list", "-o", "json")
	require.Len(t, listed, 1)
	assert.True(t, listed[0].Favorite)
	u.ok("unfavorite", "box")
	u.okJSON(&listed, "list", "-o", "json")
	assert.False(t, listed[0].Favorite)

	out := u.ok("rename", "box", "crate", "--yes")
	assert.Contains(t, out, `Workspace "box" renamed to "crate"`)
	assert.Contains(t, u.fails("show", "box"), `workspace "box" not found`)

	out = u.ok("show", "crate")
	assert.Contains(t, out, "docker_container.dev")
	assert.Contains(t, out, "agent main")
	assert.Contains(t, out, "code-server")

	link := strings.TrimSpace(u.ok("open", "app", "crate", "code-server"))
	assert.Equal(t, client.URL.String()+"/@"+listed[0].OwnerName+"/crate.main/apps/code-server/", link)
	assert.Contains(t, u.fails("open", "app", "crate", "nope"), "available apps: code-server")

	// A new version of the template makes the workspace outdated; update
	// moves it to the active version.
	spec := paramTemplateSpec()
	spec.Start.Logs = []echo.Log{{Level: "info", Output: "version two"}}
	importTemplate(t, client, first.OrganizationID, "", spec, tpl.ID)
	u.okJSON(&listed, "list", "-o", "json")
	require.True(t, listed[0].Outdated)
	out = u.ok("update", "crate")
	assert.Contains(t, out, "version two")
	u.okJSON(&listed, "list", "-o", "json")
	assert.False(t, listed[0].Outdated)
	assert.Equal(t, "Workspace isn't outdated!\n", u.ok("update", "crate"))

	out = u.ok("restart", "crate", "--yes", "--parameter", "cpu=6")
	assert.Contains(t, out, "The crate workspace has been restarted at")
	u.okJSON(&listed, "list", "-o", "json")
	assert.Equal(t, "6", latestBuildParams(t, client, listed[0])["cpu"])
	assert.Equal(t, "beta", latestBuildParams(t, client, listed[0])["project"])

	// -f on a finished build prints its log and exits 0.
	assert.Contains(t, u.ok("logs", "crate", "-f"), "version two")

	// An owner creates and lists other users' workspaces with owner/name.
	memberClient, member := coderdtest.CreateAnotherUser(t, client, first.OrganizationID)
	u.ok("create", member.Username+"/theirs", "-t", "docker", "--parameter", "project=gamma", "--yes")
	u.okJSON(&listed, "list", "-o", "json")
	assert.Len(t, listed, 1, "list shows your own workspaces by default")
	u.okJSON(&listed, "list", "--all", "-o", "json")
	assert.Len(t, listed, 2)
	u.okJSON(&listed, "list", "--search", "owner:"+member.Username, "-o", "json")
	require.Len(t, listed, 1)
	assert.Equal(t, "theirs", listed[0].Name)
	assert.Contains(t, u.ok("list", "-a"), member.Username+"/theirs")
	// ... and the member sees it as theirs.
	mu := newCLIUser(t, memberClient)
	mu.okJSON(&listed, "list", "-o", "json")
	require.Len(t, listed, 1)
	assert.Equal(t, member.ID, listed[0].OwnerID)
	assert.Contains(t, mu.fails("show", "crate"), `workspace "crate" not found`)
}

// TestExitCodes: what a script sees when something is wrong is exit code
// 1 and a message that says what to do, before anything is built.
func TestExitCodes(t *testing.T) {
	t.Parallel()
	failing := paramTemplateSpec()
	failing.Start.Fail = "the disk is full"
	client, first, _ := setupWorkspaceServer(t, paramTemplateSpec())
	importTemplate(t, client, first.OrganizationID, "failing", failing, uuid.Nil)
	u := newCLIUser(t, client)

	assert.Contains(t, u.fails("create", "w1", "-t", "docker", "--yes"), "parameter Project (project) is required: pass --parameter project=<value>")
	assert.Contains(t, u.fails("create", "w1", "-t", "docker", "--parameter", "project=Alpha", "--yes"), "lowercase letters only")
	assert.Contains(t, u.fails("create", "w1", "-t", "docker", "--parameter", "project=a", "--parameter", "cpu=99", "--yes"), "more than the maximum 8")
	assert.Contains(t, u.fails("create", "w1", "-t", "docker", "--parameter", "project=a", "--parameter", "colour=red", "--yes"), "unknown parameter(s) colour")
	assert.Contains(t, u.fails("create", "w1", "-t", "nope", "--yes"), `template "nope" not found`)
	assert.Contains(t, u.fails("create", "w1", "--yes"), "missing template: pass --template")
	assert.Contains(t, u.fails("create", "Not_Valid", "-t", "docker", "--yes"), "invalid workspace name")
	assert.Contains(t, u.fails("create", "w1", "-t", "docker", "--parameter", "project=a", "--start-at", "25:00"), "invalid start time")
	// Without --yes and without a terminal, the confirmation gets no
	// answer: nothing is created.
	u.fails("create", "w1", "-t", "docker", "--parameter", "project=a")
	var listed []codersdk.Workspace
	u.okJSON(&listed, "list", "-o", "json")
	assert.Empty(t, listed)

	// A build that fails streams its log and exits 1 with the reason.
	res, code := u.run("create", "w2", "-t", "failing", "--parameter", "project=a", "--yes")
	assert.Equal(t, 1, code, res.Stdout)
	assert.Contains(t, res.Stderr, "the disk is full")
	assert.NotContains(t, res.Stdout, "has been created")

	// A delete that fails says how to let go of the workspace anyway.
	failingDelete := paramTemplateSpec()
	failingDelete.Delete.Fail = "cannot reach the cloud"
	importTemplate(t, client, first.OrganizationID, "stuck", failingDelete, uuid.Nil)
	u.ok("create", "w3", "-t", "stuck", "--parameter", "project=a", "--yes")
	assert.Contains(t, u.fails("delete", "w3", "--yes"), "cannot reach the cloud\nTo delete the workspace without destroying its resources (they are left to you), run: coder delete w3 --orphan")
	// (The echo provisioner runs a delete's failure even from no state, so
	// the orphaning delete fails here too, without the hint.)
	assert.NotContains(t, u.fails("delete", "w3", "--orphan", "--yes"), "run: coder delete")

	assert.Contains(t, u.fails("stop", "nope", "--yes"), `workspace "nope" not found`)
	assert.Contains(t, u.fails("schedule", "stop", "w2", "soon"), "invalid duration")
	res, code = u.run("list", "--token", "bogus-token")
	assert.Equal(t, 1, code)
	assert.Contains(t, res.Stderr, "Try logging in")
}

// TestCreatePromptsOnTerminal: on a terminal, create asks for what is
// missing, each parameter by its type (a choice for options and bools, a
// line for numbers and strings), and asks again until a value passes the
// template's validation.
func TestCreatePromptsOnTerminal(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	client, _, _ := setupWorkspaceServer(t, paramTemplateSpec())
	env := clitest.NewEnv(t)
	env.LoginAs(client)
	term, tty := newTerminal(t)
	inv := env.Invocation("create", "-t", "docker")
	inv.Stdin, inv.Stdout, inv.Stderr = tty, tty, tty
	done := make(chan error, 1)
	go func() { done <- inv.WithContext(ctx).Run() }()

	term.expect(ctx, "Specify a name for your workspace:")
	term.typeLine("prompted")
	term.expect(ctx, "Region (region)")
	term.expect(ctx, "2. Europe (eu)")
	term.expect(ctx, "Select")
	term.typeLine("2")
	term.expect(ctx, "CPU cores (cpu)")
	term.expect(ctx, "Enter a number")
	term.typeLine("12")
	term.expect(ctx, "value 12 is more than the maximum 8")
	term.typeLine("3")
	term.expect(ctx, "Project (project) (required)")
	term.expect(ctx, "The repository to clone.")
	term.typeLine("Not-Valid")
	term.expect(ctx, "lowercase letters only")
	term.typeLine("gamma")
	term.expect(ctx, "dotfiles")
	term.expect(ctx, "2. false")
	term.typeLine("") // the default
	term.expect(ctx, "Confirm create?")
	term.typeLine("yes")
	term.expect(ctx, "Starting prompted in eu with 3 CPUs for gamma")
	term.expect(ctx, "The prompted workspace has been created at")
	require.NoError(t, <-done)

	ws, err := client.WorkspaceByOwnerAndName(ctx, codersdk.Me, "prompted", false)
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"region": "eu", "cpu": "3", "project": "gamma", "dotfiles": "false"}, latestBuildParams(t, client, ws))
}

// TestCreateParameterSources: values come from a preset (the default one
// unless --preset names another or "none"), a YAML file, another
// workspace and --parameter-default; --parameter wins over all but a
// named preset, which the server enforces.
func TestCreateParameterSources(t *testing.T) {
	t.Parallel()
	spec := paramTemplateSpec()
	spec.Presets = []echo.Preset{
		{Name: "eu-small", Default: true, Parameters: map[string]string{"region": "eu", "cpu": "1"}},
		{Name: "us-big", Parameters: map[string]string{"region": "us", "cpu": "8"}},
	}
	client, _, _ := setupWorkspaceServer(t, spec)
	u := newCLIUser(t, client)
	params := func(name string) map[string]string {
		ws, err := client.WorkspaceByOwnerAndName(context.Background(), codersdk.Me, name, false)
		require.NoError(t, err)
		return latestBuildParams(t, client, ws)
	}

	res, code := u.run("create", "p1", "-t", "docker", "--parameter", "project=one", "--yes")
	require.Equal(t, 0, code, res.Stderr)
	assert.Contains(t, res.Stderr, `Preset "eu-small" applied.`)
	assert.Equal(t, map[string]string{"region": "eu", "cpu": "1", "project": "one", "dotfiles": "false"}, params("p1"))

	// The default preset steps aside for a value it would override.
	res, code = u.run("create", "p1b", "-t", "docker", "--parameter", "project=one", "--parameter", "cpu=3", "--yes")
	require.Equal(t, 0, code, res.Stderr)
	assert.Contains(t, res.Stderr, `Default preset "eu-small" not applied: it sets cpu=1.`)
	assert.Equal(t, map[string]string{"region": "us", "cpu": "3", "project": "one", "dotfiles": "false"}, params("p1b"))

	u.ok("create", "p2", "-t", "docker", "--preset", "us-big", "--parameter", "project=two", "--yes")
	assert.Equal(t, map[string]string{"region": "us", "cpu": "8", "project": "two", "dotfiles": "false"}, params("p2"))
	// The server applies a preset's values over others: a different one
	// is refused rather than dropped.
	assert.Contains(t, u.fails("create", "p2b", "-t", "docker", "--preset", "us-big", "--parameter", "project=two", "--parameter", "cpu=7", "--yes"),
		`parameter cpu is set to "8" by preset "us-big"; pass --preset none`)

	file := filepath.Join(t.TempDir(), "params.yaml")
	require.NoError(t, os.WriteFile(file, []byte("project: three\ncpu: 5\ndotfiles: true\n"), 0o600))
	u.ok("create", "p3", "-t", "docker", "--preset", "none", "--rich-parameter-file", file, "--parameter-default", "region=eu", "--yes")
	assert.Equal(t, map[string]string{"region": "eu", "cpu": "5", "project": "three", "dotfiles": "true"}, params("p3"))

	u.ok("create", "p4", "-t", "docker", "--preset", "none", "--copy-parameters-from", "p3", "--parameter", "project=four", "--yes")
	assert.Equal(t, map[string]string{"region": "eu", "cpu": "5", "project": "four", "dotfiles": "true"}, params("p4"))

	assert.Contains(t, u.fails("create", "p5", "-t", "docker", "--preset", "huge", "--yes"), "preset \"huge\" not found; this template version has: eu-small, us-big")
	assert.Contains(t, u.fails("create", "p1", "-t", "docker", "--yes"), `A workspace with the name "p1" already exists.`)
}

// TestInterruptCancelsBuild: Ctrl-C while create follows its build cancels
// the build instead of leaving it running unwatched, and the command fails.
func TestInterruptCancelsBuild(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	spec := paramTemplateSpec()
	spec.Start.Delay = time.Hour
	client, _, _ := setupWorkspaceServer(t, spec)
	env := clitest.NewEnv(t)
	env.LoginAs(client)

	interrupt := make(chan struct{})
	var stdout, stderr strings.Builder
	var mu sync.Mutex
	inv := env.Invocation("create", "slow", "-t", "docker", "--parameter", "project=a", "--yes").
		WithTestSignalNotifyContext(t, func(parent context.Context, _ ...os.Signal) (context.Context, context.CancelFunc) {
			sigCtx, cancel := context.WithCancel(parent)
			go func() {
				select {
				case <-interrupt:
					cancel()
				case <-sigCtx.Done():
				}
			}()
			return sigCtx, cancel
		})
	inv.Stdout, inv.Stderr = &lockedWriter{mu: &mu, w: &stdout}, &lockedWriter{mu: &mu, w: &stderr}
	done := make(chan error, 1)
	go func() { done <- inv.WithContext(ctx).Run() }()

	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return strings.Contains(stdout.String(), "Starting slow in us")
	}, time.Minute, 20*time.Millisecond, "the build log reaches the delay")
	close(interrupt)
	err := <-done
	require.Error(t, err)
	assert.Contains(t, err.Error(), "canceled")
	mu.Lock()
	assert.Contains(t, stderr.String(), "canceling the build")
	mu.Unlock()

	ws, err := client.WorkspaceByOwnerAndName(ctx, codersdk.Me, "slow", false)
	require.NoError(t, err)
	assert.Equal(t, codersdk.ProvisionerJobCanceled, ws.LatestBuild.Job.Status)
}

// lockedWriter lets a test read what a command writes while it runs.
type lockedWriter struct {
	mu *sync.Mutex
	w  *strings.Builder
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestNewParametersAndBuildOptions: a new template version that adds a
// required parameter makes update ask for it (here: fail with the flag to
// pass, then succeed with it); ephemeral parameters are build options of
// one start; --template-version creates from a version that is not the
// active one.
func TestNewParametersAndBuildOptions(t *testing.T) {
	t.Parallel()
	client, first, tpl := setupWorkspaceServer(t, paramTemplateSpec())
	u := newCLIUser(t, client)
	u.ok("create", "ws", "-t", "docker", "--parameter", "project=alpha", "--yes")
	firstVersion, err := client.TemplateVersion(context.Background(), tpl.ActiveVersionID)
	require.NoError(t, err)

	spec := paramTemplateSpec()
	spec.Parameters = append(spec.Parameters,
		echo.Parameter{Name: "team", Type: "string", Required: true, Mutable: true, Order: 5},
		echo.Parameter{Name: "debug", Type: "bool", Default: "false", Mutable: true, Ephemeral: true, Order: 6},
	)
	spec.Start.Logs = []echo.Log{{Level: "info", Output: `team={{.Param "team"}} debug={{.Param "debug"}}`}}
	importTemplate(t, client, first.OrganizationID, "", spec, tpl.ID)

	assert.Contains(t, u.fails("update", "ws"), "parameter team is required: pass --parameter team=<value>")
	out := u.ok("update", "ws", "--parameter", "team=blue")
	assert.Contains(t, out, "team=blue debug=false")

	u.ok("stop", "ws", "--yes")
	out = u.ok("start", "ws", "--build-option", "debug=true")
	assert.Contains(t, out, "team=blue debug=true", "a build option applies to this start")
	u.ok("restart", "ws", "--yes")
	ws, err := client.WorkspaceByOwnerAndName(context.Background(), codersdk.Me, "ws", false)
	require.NoError(t, err)
	logs, err := client.WorkspaceBuildLogs(context.Background(), ws.LatestBuild.ID, 0)
	require.NoError(t, err)
	var text strings.Builder
	for _, l := range logs {
		text.WriteString(l.Output + "\n")
	}
	assert.Contains(t, text.String(), "team=blue debug=false", "... and not to the next one")
	assert.Contains(t, u.fails("restart", "ws", "--yes", "--build-option", "debug=maybe"), "parameter debug")

	u.ok("create", "old", "-t", "docker", "--template-version", firstVersion.Name, "--parameter", "project=beta", "--yes")
	var listed []codersdk.Workspace
	u.okJSON(&listed, "list", "--search", "name:old", "-o", "json")
	require.Len(t, listed, 1)
	assert.Equal(t, firstVersion.ID, listed[0].LatestBuild.TemplateVersionID)
	assert.True(t, listed[0].Outdated)
}
