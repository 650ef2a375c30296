package clitest_test

import (
	"archive/tar"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/cli"
	"github.com/devplane/devplane/cli/clitest"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// TestTemplatesScriptedSession drives the built binary the way a script
// would: log in with a token, start from an example, push, list as JSON,
// pull, push again, manage versions, edit and delete.
func TestTemplatesScriptedSession(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	client := coderdtest.New(t, &coderdtest.Options{IncludeProvisionerDaemon: true})
	coderdtest.CreateFirstUser(t, client)
	bin := clitest.Binary(t)
	env := clitest.NewEnv(t)
	work := t.TempDir()

	coder := func(args ...string) clitest.Result {
		t.Helper()
		res, code := env.Exec(ctx, bin, work, "", args...)
		require.Equal(t, 0, code, "coder %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), res.Stdout, res.Stderr)
		return res
	}

	res, code := env.Exec(ctx, bin, work, "", "--version")
	require.Equal(t, 0, code)
	assert.True(t, strings.HasPrefix(res.Stdout, "Coder v"), res.Stdout)

	env.Vars["CODER_SESSION_TOKEN"] = client.SessionToken()
	coder("login", client.URL.String())
	delete(env.Vars, "CODER_SESSION_TOKEN")

	res = coder("templates", "init", "--id", "echo-dev", "mytpl")
	assert.Contains(t, res.Stdout, "coder templates push")
	original, err := os.ReadFile(filepath.Join(work, "mytpl", "echo.yaml"))
	require.NoError(t, err)

	res = coder("templates", "push", "mytpl", "-d", "mytpl", "--yes")
	// The import log is streamed.
	assert.Contains(t, res.Stdout, "3 parameters, 2 presets")
	assert.Contains(t, res.Stdout, "Template mytpl has been created")

	res = coder("templates", "list", "-o", "json")
	var templates []codersdk.Template
	require.NoError(t, json.Unmarshal([]byte(res.Stdout), &templates))
	require.Len(t, templates, 1)
	tpl := templates[0]
	assert.Equal(t, "mytpl", tpl.Name)
	assert.Equal(t, codersdk.ProvisionerTypeEcho, tpl.Provisioner)

	res = coder("templates", "list")
	header := strings.Fields(strings.SplitN(res.Stdout, "\n", 2)[0])
	assert.Equal(t, []string{"NAME", "ORGANIZATION", "NAME", "LAST", "UPDATED", "USED", "BY"}, header)
	res = coder("templates", "list", "-c", "name,provisioner")
	assert.Equal(t, "NAME   PROVISIONER\nmytpl  echo\n", res.Stdout)

	coder("templates", "pull", "mytpl", "pulled")
	pulled, err := os.ReadFile(filepath.Join(work, "pulled", "echo.yaml"))
	require.NoError(t, err)
	assert.Equal(t, string(original), string(pulled))

	// A second version, not activated, then promoted.
	coder("templates", "push", "mytpl", "-d", "pulled", "--yes", "--activate=false", "--name", "second", "-m", "try again")
	res = coder("templates", "versions", "list", "mytpl", "-o", "json")
	var versions []codersdk.TemplateVersion
	require.NoError(t, json.Unmarshal([]byte(res.Stdout), &versions))
	require.Len(t, versions, 2)
	tpl, err = client.Template(ctx, tpl.ID)
	require.NoError(t, err)
	second, err := client.TemplateVersionByName(ctx, tpl.ID, "second")
	require.NoError(t, err)
	assert.Equal(t, "try again", second.Message)
	assert.NotEqual(t, second.ID, tpl.ActiveVersionID)

	res = coder("templates", "versions", "list", "mytpl")
	assert.Contains(t, res.Stdout, "CREATED BY")
	assert.Contains(t, res.Stdout, "Active")

	coder("templates", "versions", "promote", "--template", "mytpl", "--template-version", "second")
	tpl, err = client.Template(ctx, tpl.ID)
	require.NoError(t, err)
	assert.Equal(t, second.ID, tpl.ActiveVersionID)

	// pull's own --version wins over the global one.
	res = coder("templates", "pull", "mytpl", "--version", "second", "--tar")
	tr := tar.NewReader(strings.NewReader(res.Stdout))
	var names []string
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		names = append(names, h.Name)
	}
	assert.Contains(t, names, "echo.yaml")

	first := versions[0].Name
	if first == "second" {
		first = versions[1].Name
	}
	coder("templates", "versions", "archive", "mytpl", first, "--yes")
	res = coder("templates", "versions", "list", "mytpl", "-o", "json")
	require.NoError(t, json.Unmarshal([]byte(res.Stdout), &versions))
	assert.Len(t, versions, 1)

	coder("templates", "edit", "mytpl", "--display-name", "My template", "--default-ttl", "2h")
	edited, err := client.Template(ctx, tpl.ID)
	require.NoError(t, err)
	assert.Equal(t, "My template", edited.DisplayName)
	assert.Equal(t, int64(2*60*60*1000), edited.DefaultTTLMillis)
	// Settings not named keep their value.
	assert.Equal(t, tpl.ActivityBumpMillis, edited.ActivityBumpMillis)
	assert.Equal(t, tpl.AllowUserAutostart, edited.AllowUserAutostart)

	// Errors: exit code 1 and the message on stderr.
	res, code = env.Exec(ctx, bin, work, "", "templates", "delete", "no-such-template", "--yes")
	assert.Equal(t, 1, code)
	assert.Contains(t, res.Stderr, "error:")
	assert.Contains(t, res.Stderr, "no-such-template")
	res, code = env.Exec(ctx, bin, work, "", "templates", "frobnicate")
	assert.Equal(t, 1, code)
	assert.Contains(t, res.Stderr, "unknown subcommand")

	coder("templates", "delete", "mytpl", "--yes")
	_, err = client.Template(ctx, tpl.ID)
	require.Error(t, err)
}

// TestTemplatePushVariables checks that --variable and --variables-file
// reach the import and that a failed import fails the command.
func TestTemplatePushVariables(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	client := coderdtest.New(t, &coderdtest.Options{IncludeProvisionerDaemon: true})
	coderdtest.CreateFirstUser(t, client)
	env := clitest.NewEnv(t)
	env.LoginAs(client)

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "echo.yaml"), []byte("variables:\n  - {name: region, required: true}\n  - {name: size, type: number, default: \"1\"}\nimport:\n  logs:\n    - {level: info, output: hello}\n"), 0o600))
	varsFile := filepath.Join(t.TempDir(), "vars.yaml")
	require.NoError(t, os.WriteFile(varsFile, []byte("region: eu\nsize: 3\n"), 0o600))

	env.Must(ctx, "templates", "push", "vars", "-d", dir, "--yes", "--variables-file", varsFile, "--variable", "size=4")
	tpl, err := client.TemplateByName(ctx, mustOrg(t, client), "vars")
	require.NoError(t, err)
	assert.Equal(t, codersdk.ProvisionerTypeEcho, tpl.Provisioner)
	vars, err := client.TemplateVersionVariables(ctx, tpl.ActiveVersionID)
	require.NoError(t, err)
	got := map[string]string{}
	for _, v := range vars {
		got[v.Name] = v.Value
	}
	assert.Equal(t, map[string]string{"region": "eu", "size": "4"}, got)

	// A push can set the display name and icon of an existing template,
	// and leaves its other settings alone.
	env.Must(ctx, "templates", "push", "vars", "-d", dir, "--yes", "--variable", "region=us", "--display-name", "Variables", "--icon", "/icon/code.svg")
	updated, err := client.Template(ctx, tpl.ID)
	require.NoError(t, err)
	assert.Equal(t, "Variables", updated.DisplayName)
	assert.Equal(t, "/icon/code.svg", updated.Icon)
	assert.Equal(t, tpl.DefaultTTLMillis, updated.DefaultTTLMillis)
	assert.NotEqual(t, tpl.ActiveVersionID, updated.ActiveVersionID)

	// An import that fails is an error, and the template is not created.
	bad := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bad, "echo.yaml"), []byte("import:\n  fail: the import broke\n"), 0o600))
	res := env.Run(ctx, "", "templates", "push", "broken", "-d", bad, "--yes")
	require.Error(t, res.Err)
	assert.Contains(t, res.Err.Error(), "the import broke")
	_, err = client.TemplateByName(ctx, mustOrg(t, client), "broken")
	require.Error(t, err)

	// A refused request prints the server's message and the field, not
	// the request line.
	res = env.Run(ctx, "", "templates", "edit", "vars", "--name", "BAD NAME")
	require.Error(t, res.Err)
	pretty := cli.PrettyError(res.Err)
	assert.True(t, strings.HasPrefix(pretty, `update template "vars": Invalid template settings.`), pretty)
	assert.Contains(t, pretty, "\n  name: ")
	assert.NotContains(t, pretty, "PATCH")

	// Without --yes and without input the upload is not confirmed.
	res = env.Run(ctx, "", "templates", "push", "vars", "-d", dir)
	require.Error(t, res.Err)
}

func mustOrg(t *testing.T, client *codersdk.Client) uuid.UUID {
	t.Helper()
	orgs, err := client.OrganizationsByUser(testContext(t), codersdk.Me)
	require.NoError(t, err)
	require.NotEmpty(t, orgs)
	return orgs[0].ID
}

// TestTemplatePushAsksForVariablesOnTerminal: an import that needs values
// for variables asks for them on a terminal and imports again.
func TestTemplatePushAsksForVariablesOnTerminal(t *testing.T) {
	t.Parallel()
	ctx := testContext(t)
	client := coderdtest.New(t, &coderdtest.Options{IncludeProvisionerDaemon: true})
	coderdtest.CreateFirstUser(t, client)
	env := clitest.NewEnv(t)
	env.LoginAs(client)
	dir := t.TempDir()
	spec := "variables:\n  - {name: region, required: true, description: Where to run}\n  - {name: api_key, required: true, sensitive: true}\n"
	require.NoError(t, os.WriteFile(filepath.Join(dir, "echo.yaml"), []byte(spec), 0o600))

	term, done := startOnTerminal(t, ctx, env, "templates", "push", "asked", "-d", dir, "--yes")

	term.expectSecret(ctx, "api_key:")
	term.typeLine("s3cret-value")
	echoed := term.expect(ctx, "region (Where to run):")
	assert.NotContains(t, echoed, "s3cret-value", "a sensitive value is not echoed")
	term.typeLine("eu-west")
	term.expect(ctx, "Template asked has been created")
	require.NoError(t, <-done)

	tpl, err := client.TemplateByName(ctx, mustOrg(t, client), "asked")
	require.NoError(t, err)
	vars, err := client.TemplateVersionVariables(ctx, tpl.ActiveVersionID)
	require.NoError(t, err)
	got := map[string]string{}
	for _, v := range vars {
		got[v.Name] = v.Value
	}
	assert.Equal(t, "eu-west", got["region"])
	assert.NotEqual(t, "s3cret-value", got["api_key"], "sensitive values are redacted by the API")
}
