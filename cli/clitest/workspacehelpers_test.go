package clitest_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/cli/clitest"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
)

// cliUser is someone running the built binary from their shell, signed in
// (as `coder login` leaves it) to the test server.
type cliUser struct {
	t      *testing.T
	ctx    context.Context
	client *codersdk.Client
	env    *clitest.Env
}

func newCLIUser(t *testing.T, client *codersdk.Client) *cliUser {
	env := clitest.NewEnv(t)
	env.LoginAs(client)
	env.Vars["TZ"] = "UTC"
	return &cliUser{t: t, ctx: testContext(t), client: client, env: env}
}

// run runs the binary with stdin from a pipe (not a terminal), as a script
// would, and returns what it printed and its exit code.
func (u *cliUser) run(args ...string) (clitest.Result, int) {
	u.t.Helper()
	return u.env.Exec(u.ctx, clitest.Binary(u.t), "", "", args...)
}

// ok runs a command that must exit 0 and returns its stdout.
func (u *cliUser) ok(args ...string) string {
	u.t.Helper()
	res, code := u.run(args...)
	require.Equalf(u.t, 0, code, "coder %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), res.Stdout, res.Stderr)
	return res.Stdout
}

// fails runs a command that must exit 1 and returns its stderr.
func (u *cliUser) fails(args ...string) string {
	u.t.Helper()
	res, code := u.run(args...)
	require.Equalf(u.t, 1, code, "coder %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), res.Stdout, res.Stderr)
	return res.Stderr
}

// okJSON runs a command with -o json and decodes its output into out.
func (u *cliUser) okJSON(out any, args ...string) {
	u.t.Helper()
	stdout := u.ok(args...)
	require.NoErrorf(u.t, json.Unmarshal([]byte(stdout), out), "decode the JSON of coder %s:\n%s", strings.Join(args, " "), stdout)
}

// paramTemplateSpec is a template with one parameter of each kind the
// prompts handle: options, a bounded number, a required validated string
// and a bool.
func paramTemplateSpec() echo.Spec {
	minCPU, maxCPU := int32(1), int32(8)
	spec := echo.SimpleSpec()
	spec.Presets = nil
	spec.Parameters = append(spec.Parameters[:1], // region: us | eu
		echo.Parameter{
			Name: "cpu", DisplayName: "CPU cores", Type: "number", Default: "2", Mutable: true, Order: 2,
			Validation: &echo.Validation{Min: &minCPU, Max: &maxCPU},
		},
		echo.Parameter{
			Name: "project", DisplayName: "Project", Description: "The repository to clone.", Type: "string",
			Required: true, Order: 3, Validation: &echo.Validation{Regex: "^[a-z]+$", Error: "lowercase letters only"},
		},
		echo.Parameter{Name: "dotfiles", Type: "bool", Default: "false", Mutable: true, Order: 4},
	)
	spec.Start.Logs = []echo.Log{{Level: "info", Output: `Starting {{.WorkspaceName}} in {{.Param "region"}} with {{.Param "cpu"}} CPUs for {{.Param "project"}}`}}
	return spec
}

// setupWorkspaceServer starts a server (renames allowed) with a
// provisioner daemon, its first user and a template "docker" from spec.
func setupWorkspaceServer(t *testing.T, spec echo.Spec) (*codersdk.Client, codersdk.CreateFirstUserResponse, codersdk.Template) {
	t.Helper()
	vals, opts := coderdtest.DeploymentValues(t)
	vals.AllowWorkspaceRenames = true
	client := coderdtest.New(t, &coderdtest.Options{IncludeProvisionerDaemon: true, DeploymentValues: vals, DeploymentOptions: opts})
	first := coderdtest.CreateFirstUser(t, client)
	tpl := importTemplate(t, client, first.OrganizationID, "docker", spec, uuid.Nil)
	return client, first, tpl
}

// importTemplate imports spec as a new template called name, or as the new
// active version of templateID.
func importTemplate(t *testing.T, client *codersdk.Client, orgID uuid.UUID, name string, spec echo.Spec, templateID uuid.UUID) codersdk.Template {
	t.Helper()
	ctx := context.Background()
	archive, err := echo.Template(spec)
	require.NoError(t, err)
	version := coderdtest.CreateTemplateVersion(t, client, orgID, archive, templateID)
	version = coderdtest.AwaitTemplateVersionJobCompleted(t, client, version.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, version.Job.Status, version.Job.Error)
	if templateID == uuid.Nil {
		return coderdtest.CreateTemplate(t, client, orgID, version.ID, func(r *codersdk.CreateTemplateRequest) { r.Name = name })
	}
	require.NoError(t, client.UpdateActiveTemplateVersion(ctx, templateID, codersdk.UpdateActiveTemplateVersion{ID: version.ID}))
	tpl, err := client.Template(ctx, templateID)
	require.NoError(t, err)
	return tpl
}

// latestBuildParams returns the parameter values of ws's latest build.
func latestBuildParams(t *testing.T, client *codersdk.Client, ws codersdk.Workspace) map[string]string {
	t.Helper()
	values, err := client.WorkspaceBuildParameters(context.Background(), ws.LatestBuild.ID)
	require.NoError(t, err)
	out := map[string]string{}
	for _, v := range values {
		out[v.Name] = v.Value
	}
	return out
}
