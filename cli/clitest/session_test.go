package clitest_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/cli/clitest"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// TestIssueScriptedSession is issue 20's scripted session end to end, the
// built binary run the way a script written for Coder's CLI runs it: log
// in with a token, start a template from a built-in example and push it,
// create a workspace with parameters, list it as JSON, schedule it, stop,
// start and delete it.
func TestIssueScriptedSession(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	client := coderdtest.New(t, &coderdtest.Options{IncludeProvisionerDaemon: true})
	coderdtest.CreateFirstUser(t, client)
	bin := clitest.Binary(t)
	env := clitest.NewEnv(t)
	env.Vars["TZ"] = "UTC"
	work := t.TempDir()
	coder := func(args ...string) string {
		t.Helper()
		res, code := env.Exec(ctx, bin, work, "", args...)
		require.Equal(t, 0, code, "coder %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), res.Stdout, res.Stderr)
		return res.Stdout
	}
	listJSON := func() []codersdk.Workspace {
		t.Helper()
		var out []codersdk.Workspace
		require.NoError(t, json.Unmarshal([]byte(coder("list", "--output", "json")), &out))
		return out
	}

	env.Vars["CODER_SESSION_TOKEN"] = client.SessionToken()
	coder("login", client.URL.String())
	delete(env.Vars, "CODER_SESSION_TOKEN")

	coder("templates", "init", "--id", "echo-dev", "dev-env")
	coder("templates", "push", "dev-env", "-d", "dev-env", "--yes")

	out := coder("create", "my-ws", "--template", "dev-env",
		"--parameter", "region=us-east", "--parameter", "cpu=4", "--yes")
	assert.Contains(t, out, "Creating 4-core workspace my-ws in us-east")
	assert.Contains(t, out, "The my-ws workspace has been created")

	workspaces := listJSON()
	require.Len(t, workspaces, 1)
	ws := workspaces[0]
	assert.Equal(t, "my-ws", ws.Name)
	assert.Equal(t, "dev-env", ws.TemplateName)
	assert.Equal(t, codersdk.WorkspaceStatusRunning, ws.LatestBuild.Status)
	assert.Equal(t, "us-east", latestBuildParams(t, client, ws)["region"])
	assert.Equal(t, "4", latestBuildParams(t, client, ws)["cpu"])

	coder("schedule", "start", "my-ws", "9:00AM", "Mon-Fri", "Europe/London")
	coder("schedule", "stop", "my-ws", "8h")
	var sched []map[string]string
	require.NoError(t, json.Unmarshal([]byte(coder("schedule", "show", "my-ws", "-o", "json")), &sched))
	require.Len(t, sched, 1)
	assert.Equal(t, "9:00AM Mon-Fri (Europe/London)", sched[0]["starts_at"])
	assert.Equal(t, "8h", sched[0]["stops_after"])
	ws = listJSON()[0]
	assert.Equal(t, "CRON_TZ=Europe/London 0 9 * * Mon-Fri", *ws.AutostartSchedule)

	coder("stop", "my-ws", "--yes")
	assert.Equal(t, codersdk.WorkspaceStatusStopped, listJSON()[0].LatestBuild.Status)
	coder("start", "my-ws")
	assert.Equal(t, codersdk.WorkspaceStatusRunning, listJSON()[0].LatestBuild.Status)
	coder("delete", "my-ws", "--yes")
	assert.Empty(t, listJSON())

	coder("logout", "--yes")
	res, code := env.Exec(ctx, bin, work, "", "list")
	assert.Equal(t, 1, code)
	assert.Contains(t, res.Stderr, "You are not logged in")
}
