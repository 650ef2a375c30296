package workspacecmdtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// coderBinary builds cmd/coder once per test binary, so the tests run what
// users run: its flags, its output and its exit codes.
func coderBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "coder-cli-test-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "coder")
		goBin, err := exec.LookPath("go")
		if err != nil {
			buildErr = err
			return
		}
		out, err := exec.Command(goBin, "build", "-o", binPath, "github.com/devplane/devplane/cmd/coder").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("build coder: %v", buildErr)
	}
	return binPath
}

// result is one finished command.
type result struct {
	Stdout, Stderr string
	ExitCode       int
}

// user is someone running the CLI: the server URL and their token in the
// environment (CODER_URL, CODER_SESSION_TOKEN), their own config dir.
type user struct {
	t      *testing.T
	client *codersdk.Client
	env    []string
}

func newUser(t *testing.T, client *codersdk.Client) *user {
	home := t.TempDir()
	return &user{t: t, client: client, env: []string{
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"CODER_CONFIG_DIR=" + filepath.Join(home, "coderv2"),
		"CODER_URL=" + client.URL.String(),
		"CODER_SESSION_TOKEN=" + client.SessionToken(),
		"TZ=UTC",
	}}
}

func (u *user) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, coderBinary(u.t), args...)
	cmd.Env = u.env
	return cmd
}

// run runs the binary with stdin from a pipe (not a terminal), as a script
// would, and returns what it printed and its exit code.
func (u *user) run(args ...string) result {
	u.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := u.command(ctx, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Stdin = strings.NewReader("")
	err := cmd.Run()
	res := result{Stdout: stdout.String(), Stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case errors.As(err, &exitErr):
		res.ExitCode = exitErr.ExitCode()
	case err != nil:
		u.t.Fatalf("run coder %s: %v", strings.Join(args, " "), err)
	}
	return res
}

// ok runs a command that must succeed and returns its stdout.
func (u *user) ok(args ...string) string {
	u.t.Helper()
	res := u.run(args...)
	require.Equalf(u.t, 0, res.ExitCode, "coder %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), res.Stdout, res.Stderr)
	return res.Stdout
}

// fails runs a command that must exit 1 and returns its stderr.
func (u *user) fails(args ...string) string {
	u.t.Helper()
	res := u.run(args...)
	require.Equalf(u.t, 1, res.ExitCode, "coder %s\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), res.Stdout, res.Stderr)
	return res.Stderr
}

// okJSON runs a command with -o json output and decodes it into out.
func (u *user) okJSON(out any, args ...string) {
	u.t.Helper()
	stdout := u.ok(args...)
	require.NoErrorf(u.t, json.Unmarshal([]byte(stdout), out), "decode the JSON of coder %s:\n%s", strings.Join(args, " "), stdout)
}

// paramSpec is a template with one parameter of each kind the prompts
// handle: options, a bounded number, a required validated string, a list
// and a bool.
func paramSpec() echo.Spec {
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

// setup starts a server (renames allowed) with a provisioner daemon, its first user and a
// template made from spec.
func setup(t *testing.T, spec echo.Spec) (*codersdk.Client, codersdk.CreateFirstUserResponse, codersdk.Template) {
	t.Helper()
	vals, opts := coderdtest.DeploymentValues(t)
	vals.AllowWorkspaceRenames = true
	client := coderdtest.New(t, &coderdtest.Options{IncludeProvisionerDaemon: true, DeploymentValues: vals, DeploymentOptions: opts})
	first := coderdtest.CreateFirstUser(t, client)
	tpl := createTemplate(t, client, first.OrganizationID, "docker", spec, uuid.Nil)
	return client, first, tpl
}

// createTemplate imports spec as a new template called name, or as the new
// active version of templateID.
func createTemplate(t *testing.T, client *codersdk.Client, orgID uuid.UUID, name string, spec echo.Spec, templateID uuid.UUID) codersdk.Template {
	t.Helper()
	archive, err := echo.Template(spec)
	require.NoError(t, err)
	version := coderdtest.CreateTemplateVersion(t, client, orgID, archive, templateID)
	version = coderdtest.AwaitTemplateVersionJobCompleted(t, client, version.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, version.Job.Status, version.Job.Error)
	if templateID != uuid.Nil {
		require.NoError(t, client.UpdateActiveTemplateVersion(context.Background(), templateID, codersdk.UpdateActiveTemplateVersion{ID: version.ID}))
		tpl, err := client.Template(context.Background(), templateID)
		require.NoError(t, err)
		return tpl
	}
	return coderdtest.CreateTemplate(t, client, orgID, version.ID, func(r *codersdk.CreateTemplateRequest) { r.Name = name })
}

// buildParams returns the parameter values of the workspace's latest build.
func buildParams(t *testing.T, client *codersdk.Client, ws codersdk.Workspace) map[string]string {
	t.Helper()
	values, err := client.WorkspaceBuildParameters(context.Background(), ws.LatestBuild.ID)
	require.NoError(t, err)
	out := map[string]string{}
	for _, v := range values {
		out[v.Name] = v.Value
	}
	return out
}
