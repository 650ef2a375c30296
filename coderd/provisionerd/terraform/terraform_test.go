package terraform_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/coderd/provisionerd/terraform"
)

// These tests run the real terraform against the real provider mirror.
// The mirror is built once per cache directory (DEVPLANE_CACHE_DIR or the
// user cache directory), so only the first run ever pays for the build.

var (
	mirrorOnce sync.Once
	mirrorErr  error
	cacheDir   string
)

func newProvisioner(t *testing.T, opts terraform.Options) *terraform.Provisioner {
	t.Helper()
	mirrorOnce.Do(func() {
		cacheDir, mirrorErr = terraform.DefaultCacheDir()
		if mirrorErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		defer cancel()
		_, mirrorErr = terraform.EnsureProviderMirror(ctx, cacheDir, func(msg string) { fmt.Fprintln(os.Stderr, msg) })
	})
	require.NoError(t, mirrorErr, "prepare the provider mirror")
	opts.CacheDir = cacheDir
	opts.Logger = slogtest.Make(t, &slogtest.Options{IgnoreErrors: true})
	return terraform.New(opts)
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	// Generous: only there so a hung terraform fails the test instead of
	// the whole run.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// templateDir writes files into a fresh directory, as the daemon does with
// a template archive.
func templateDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	}
	return dir
}

// copyDir copies a template from the repository so terraform's files do
// not land in the source tree.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o600)
	})
	require.NoError(t, err)
	return dst
}

type logSink struct {
	mu   sync.Mutex
	logs []provisioner.Log
}

func (s *logSink) log(l provisioner.Log) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logs = append(s.logs, l)
}

func (s *logSink) contains(substr string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.logs {
		if strings.Contains(l.Output, substr) {
			return true
		}
	}
	return false
}

func (s *logSink) stages() map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]bool{}
	for _, l := range s.logs {
		out[l.Stage] = true
	}
	return out
}

func requireFailure(t *testing.T, err error) *provisioner.Failure {
	t.Helper()
	require.Error(t, err)
	f, ok := provisioner.AsFailure(err)
	require.True(t, ok, "want a *provisioner.Failure, got %T: %v", err, err)
	return f
}

func timingStages(timings []provisioner.Timing) map[string]bool {
	out := map[string]bool{}
	for _, tm := range timings {
		out[tm.Stage] = true
	}
	return out
}

func findResource(resources []provisioner.Resource, typ, name string) *provisioner.Resource {
	for i := range resources {
		if resources[i].Type == typ && resources[i].Name == name {
			return &resources[i]
		}
	}
	return nil
}

func findParameter(params []provisioner.RichParameter, name string) *provisioner.RichParameter {
	for i := range params {
		if params[i].Name == name {
			return &params[i]
		}
	}
	return nil
}

func metadataValue(r *provisioner.Resource, key string) (string, bool) {
	for _, m := range r.Metadata {
		if m.Key == key {
			return m.Value, true
		}
	}
	return "", false
}

var meta = provisioner.Metadata{
	CoderURL:            "https://coder.example.com",
	WorkspaceName:       "dev-box",
	WorkspaceOwner:      "alice",
	WorkspaceOwnerEmail: "alice@example.com",
	WorkspaceOwnerName:  "Alice Liddell",
	WorkspaceID:         uuid.MustParse("11111111-1111-1111-1111-111111111111"),
	WorkspaceOwnerID:    uuid.MustParse("22222222-2222-2222-2222-222222222222"),
	WorkspaceBuildID:    uuid.MustParse("33333333-3333-3333-3333-333333333333"),
	TemplateID:          uuid.MustParse("44444444-4444-4444-4444-444444444444"),
	TemplateName:        "realistic",
	TemplateVersion:     "v1",
	WorkspaceOwnerGroups: []string{
		"everyone", "devs",
	},
}

func withTransition(m provisioner.Metadata, t provisioner.Transition) provisioner.Metadata {
	m.WorkspaceTransition = t
	return m
}

const providerBlock = `
terraform {
  required_providers {
    coder = {
      source  = "coder/coder"
      version = ">= 2.0"
    }
  }
}
`

// realisticTemplate exercises most of what templates declare.
const realisticTemplate = providerBlock + `
variable "region" {
  description = "Where workspaces run"
  type        = string
  default     = "eu-west"
}

variable "api_key" {
  description = "A secret"
  type        = string
  sensitive   = true
}

variable "replicas" {
  type    = number
  default = 1
}

data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}
data "coder_provisioner" "me" {}

data "coder_parameter" "image" {
  name         = "image"
  display_name = "Image"
  description  = "Container image"
  icon         = "/icon/docker.svg"
  default      = "ubuntu"
  mutable      = true
  order        = 1
  validation {
    regex = "^[a-z]+$"
    error = "lowercase only"
  }
}

data "coder_parameter" "cpus" {
  name    = "cpus"
  type    = "number"
  default = 2
  order   = 2
  validation {
    min       = 1
    max       = 8
    monotonic = "increasing"
  }
}

data "coder_parameter" "gpu" {
  name      = "gpu"
  type      = "bool"
  default   = false
  mutable   = true
  ephemeral = true
}

data "coder_parameter" "tools" {
  name      = "tools"
  type      = "list(string)"
  form_type = "multi-select"
  default   = jsonencode(["git"])
  option {
    name  = "Git"
    value = "git"
  }
  option {
    name        = "Make"
    value       = "make"
    description = "GNU make"
    icon        = "/icon/make.svg"
  }
}

data "coder_parameter" "project" {
  name        = "project"
  description = "No default: required"
}

data "coder_workspace_preset" "big" {
  name        = "big"
  description = "Lots of CPUs"
  default     = true
  parameters = {
    cpus  = "8"
    image = "debian"
  }
}

data "coder_external_auth" "github" {
  id       = "github"
  optional = true
}

resource "coder_agent" "main" {
  os                  = "linux"
  arch                = "amd64"
  dir                 = "/home/coder"
  connection_timeout  = 300
  troubleshooting_url = "https://example.com/help"
  motd_file           = "/etc/motd"
  order               = 3
  env = {
    REGION = var.region
  }
  display_apps {
    vscode          = false
    vscode_insiders = true
  }
  metadata {
    key          = "load"
    display_name = "Load"
    script       = "uptime"
    interval     = 10
    timeout      = 1
  }
}

resource "coder_app" "code" {
  agent_id     = coder_agent.main.id
  slug         = "code"
  display_name = "Code"
  url          = "http://localhost:8080/?image=${data.coder_parameter.image.value}"
  icon         = "/icon/code.svg"
  subdomain    = true
  share        = "authenticated"
  order        = 1
  open_in      = "tab"
  group        = "editors"
  healthcheck {
    url       = "http://localhost:8080/healthz"
    interval  = 5
    threshold = 6
  }
}

resource "coder_app" "shell" {
  agent_id = coder_agent.main.id
  slug     = "shell"
  command  = "bash"
  hidden   = true
}

resource "coder_script" "hello" {
  agent_id           = coder_agent.main.id
  display_name       = "Hello"
  script             = "echo hello"
  run_on_start       = true
  start_blocks_login = true
  timeout            = 30
}

resource "coder_env" "project" {
  agent_id = coder_agent.main.id
  name     = "PROJECT"
  value    = data.coder_parameter.project.value
}

locals {
  # Through a local, as templates often do.
  token = coder_agent.main.token
}

# The compute: it exists only while started and references the agent token.
resource "terraform_data" "dev" {
  count = data.coder_workspace.me.start_count
  input = {
    token   = local.token
    owner   = data.coder_workspace_owner.me.name
    groups  = data.coder_workspace_owner.me.groups
    project = data.coder_parameter.project.value
    api_key = var.api_key
  }
}

# A persistent resource, present when stopped too.
resource "terraform_data" "home" {
  input = data.coder_workspace.me.id
}

resource "coder_metadata" "home" {
  resource_id = terraform_data.home.id
  daily_cost  = 7
  icon        = "/icon/folder.svg"
  item {
    key   = "image"
    value = data.coder_parameter.image.value
  }
  item {
    key   = "owner"
    value = "${data.coder_workspace_owner.me.name} <${data.coder_workspace_owner.me.email}>"
  }
  item {
    key   = "groups"
    value = join(",", data.coder_workspace_owner.me.groups)
  }
  item {
    key       = "secret"
    value     = "hunter2"
    sensitive = true
  }
  item {
    key = "nothing"
  }
}
`

var realisticVariables = []provisioner.VariableValue{{Name: "api_key", Value: "s3cret", Sensitive: true}}

func TestImportRealistic(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{})
	dir := templateDir(t, map[string]string{"main.tf": realisticTemplate, "README.md": "# Realistic\n"})
	var sink logSink
	res, err := p.Import(testContext(t), provisioner.ImportRequest{
		Dir:                dir,
		Metadata:           provisioner.Metadata{TemplateID: meta.TemplateID, TemplateVersion: "v1"},
		UserVariableValues: realisticVariables,
	}, sink.log)
	require.NoError(t, err)

	// Parameters.
	require.Len(t, res.Parameters, 5)
	image := findParameter(res.Parameters, "image")
	require.NotNil(t, image)
	assert.Equal(t, provisioner.RichParameter{
		Name: "image", DisplayName: "Image", Description: "Container image", Type: "string", FormType: "input",
		DefaultValue: "ubuntu", Icon: "/icon/docker.svg", Mutable: true, Order: 1,
		ValidationRegex: "^[a-z]+$", ValidationError: "lowercase only",
	}, *image)
	cpus := findParameter(res.Parameters, "cpus")
	require.NotNil(t, cpus)
	assert.Equal(t, "number", cpus.Type)
	assert.Equal(t, "2", cpus.DefaultValue)
	require.NotNil(t, cpus.ValidationMin)
	require.NotNil(t, cpus.ValidationMax)
	assert.EqualValues(t, 1, *cpus.ValidationMin)
	assert.EqualValues(t, 8, *cpus.ValidationMax)
	assert.Equal(t, provisioner.MonotonicIncreasing, cpus.ValidationMonotonic)
	assert.False(t, cpus.Mutable)
	gpu := findParameter(res.Parameters, "gpu")
	require.NotNil(t, gpu)
	assert.Equal(t, "bool", gpu.Type)
	assert.Equal(t, "false", gpu.DefaultValue)
	assert.True(t, gpu.Ephemeral)
	assert.True(t, gpu.Mutable)
	assert.Nil(t, gpu.ValidationMin)
	tools := findParameter(res.Parameters, "tools")
	require.NotNil(t, tools)
	assert.Equal(t, "list(string)", tools.Type)
	assert.Equal(t, "multi-select", tools.FormType)
	assert.Equal(t, `["git"]`, tools.DefaultValue)
	assert.Equal(t, []provisioner.RichParameterOption{
		{Name: "Git", Value: "git"},
		{Name: "Make", Value: "make", Description: "GNU make", Icon: "/icon/make.svg"},
	}, tools.Options)
	project := findParameter(res.Parameters, "project")
	require.NotNil(t, project)
	assert.True(t, project.Required)
	assert.Empty(t, project.DefaultValue)
	for _, param := range res.Parameters {
		assert.NoError(t, provisioner.ValidateParameter(param))
	}

	// Variables, in name order.
	assert.Equal(t, []provisioner.Variable{
		{Name: "api_key", Description: "A secret", Type: "string", Required: true, Sensitive: true},
		{Name: "region", Description: "Where workspaces run", Type: "string", DefaultValue: "eu-west"},
		{Name: "replicas", Type: "number", DefaultValue: "1"},
	}, res.Variables)

	assert.Equal(t, []provisioner.Preset{{
		Name: "big", Description: "Lots of CPUs", Default: true,
		Parameters: []provisioner.RichParameterValue{{Name: "cpus", Value: "8"}, {Name: "image", Value: "debian"}},
	}}, res.Presets)
	assert.Equal(t, []provisioner.ExternalAuthProviderRequirement{{ID: "github", Optional: true}}, res.ExternalAuthProviders)
	assert.Equal(t, "# Realistic\n", res.Readme)

	// Start: the compute with its agent, and the persistent resource.
	require.Len(t, res.StartResources, 2, "%+v", res.StartResources)
	dev := findResource(res.StartResources, "terraform_data", "dev")
	require.NotNil(t, dev)
	require.Len(t, dev.Agents, 1)
	agent := dev.Agents[0]
	assert.Equal(t, "main", agent.Name)
	assert.Equal(t, "linux", agent.OperatingSystem)
	assert.Equal(t, "amd64", agent.Architecture)
	assert.Equal(t, "/home/coder", agent.Directory)
	assert.Equal(t, provisioner.AgentAuthToken, agent.Auth)
	assert.EqualValues(t, 300, agent.ConnectionTimeoutSeconds)
	assert.Equal(t, "https://example.com/help", agent.TroubleshootingURL)
	assert.Equal(t, "/etc/motd", agent.MOTDFile)
	assert.EqualValues(t, 3, agent.Order)
	assert.Equal(t, "eu-west", agent.Env["REGION"])
	require.NotNil(t, agent.DisplayApps)
	assert.False(t, agent.DisplayApps.VSCode)
	assert.True(t, agent.DisplayApps.VSCodeInsiders)
	assert.Equal(t, []provisioner.AgentMetadata{{Key: "load", DisplayName: "Load", Script: "uptime", Interval: 10, Timeout: 1}}, agent.Metadata)
	require.Len(t, agent.Apps, 2)
	assert.Equal(t, provisioner.App{
		Slug: "code", DisplayName: "Code", URL: "http://localhost:8080/?image=ubuntu", Icon: "/icon/code.svg",
		Subdomain: true, SharingLevel: "authenticated", Order: 1, OpenIn: "tab", Group: "editors",
		Healthcheck: &provisioner.Healthcheck{URL: "http://localhost:8080/healthz", Interval: 5, Threshold: 6},
	}, agent.Apps[0])
	assert.Equal(t, "shell", agent.Apps[1].Slug)
	assert.Equal(t, "bash", agent.Apps[1].Command)
	assert.True(t, agent.Apps[1].Hidden)
	assert.Equal(t, provisioner.AppSharingLevelOwner, agent.Apps[1].SharingLevel)
	assert.Equal(t, []provisioner.AgentScript{{
		DisplayName: "Hello", Script: "echo hello", RunOnStart: true, StartBlocksLogin: true, TimeoutSeconds: 30,
	}}, agent.Scripts)
	assert.Contains(t, agent.Env, "PROJECT")

	home := findResource(res.StartResources, "terraform_data", "home")
	require.NotNil(t, home)
	assert.Empty(t, home.Agents)
	assert.EqualValues(t, 7, home.DailyCost)
	assert.Equal(t, "/icon/folder.svg", home.Icon)
	v, ok := metadataValue(home, "image")
	assert.True(t, ok)
	assert.Equal(t, "ubuntu", v)

	// Stop: only the persistent resource.
	require.Len(t, res.StopResources, 1, "%+v", res.StopResources)
	assert.Equal(t, "home", res.StopResources[0].Name)
	assert.Empty(t, res.StopResources[0].Agents)

	assert.True(t, timingStages(res.Timings)[provisioner.TimingStageInit])
	assert.True(t, timingStages(res.Timings)[provisioner.TimingStageGraph])
	assert.True(t, timingStages(res.Timings)[provisioner.TimingStagePlan])
	assert.True(t, sink.contains("Terraform 1."), "terraform's own output is logged")
	assert.True(t, sink.contains("data.coder_parameter.image: Refreshing"), "per-resource plan output is logged")
	assert.True(t, sink.stages()["Detecting persistent resources"])
	assert.True(t, sink.stages()["Detecting ephemeral resources"])
	assert.False(t, sink.contains("s3cret"), "a sensitive variable value must not be logged")
}

func TestImportSyntaxError(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{})
	dir := templateDir(t, map[string]string{"main.tf": providerBlock + `
resource "terraform_data" "broken" {
  input =
}
`})
	var sink logSink
	_, err := p.Import(testContext(t), provisioner.ImportRequest{Dir: dir}, sink.log)
	f := requireFailure(t, err)
	t.Log(f.Message)
	assert.Contains(t, f.Message, "Invalid expression")
	assert.Contains(t, f.Message, "main.tf:")
	assert.True(t, sink.contains("Invalid expression"), "the diagnostic is in the logs too")
}

func TestImportUnavailableProvider(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{})
	dir := templateDir(t, map[string]string{"main.tf": `
terraform {
  required_providers {
    null = { source = "hashicorp/null" }
  }
}
resource "null_resource" "x" {}
`})
	_, err := p.Import(testContext(t), provisioner.ImportRequest{Dir: dir}, provisioner.Discard)
	f := requireFailure(t, err)
	t.Log(f.Message)
	assert.Contains(t, f.Message, "hashicorp/null")
	assert.Contains(t, f.Message, "offline")
	assert.Contains(t, f.Message, "coder/coder")
}

func TestImportProviderVersionConflict(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{})
	// A lock file from a registry install must not get in the way.
	dir := templateDir(t, map[string]string{
		"main.tf": `
terraform {
  required_providers {
    coder = { source = "coder/coder", version = "~> 2.0" }
  }
}
data "coder_workspace" "me" {}
`,
		".terraform.lock.hcl": `
provider "registry.terraform.io/coder/coder" {
  version     = "2.4.1"
  constraints = "~> 2.0"
  hashes = [
    "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
  ]
}
`,
	})
	res, err := p.Import(testContext(t), provisioner.ImportRequest{Dir: dir}, provisioner.Discard)
	require.NoError(t, err)
	assert.Empty(t, res.StartResources)
}

func TestImportRequiredVariables(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{})
	dir := templateDir(t, map[string]string{"main.tf": providerBlock + `
variable "a" { type = string }
variable "b" {
  type    = number
  default = null
}
variable "c" { default = "fine" }
`})
	_, err := p.Import(testContext(t), provisioner.ImportRequest{Dir: dir}, provisioner.Discard)
	f := requireFailure(t, err)
	assert.Equal(t, provisioner.ErrorCodeRequiredTemplateVariables, f.Code)
	assert.Contains(t, f.Message, "a, b")

	// With values it imports, and the values reach the template.
	dir = templateDir(t, map[string]string{"main.tf": providerBlock + `
variable "a" { type = string }
variable "b" { type = number }
resource "terraform_data" "x" {}
resource "coder_metadata" "x" {
  resource_id = terraform_data.x.id
  item {
    key   = "sum"
    value = "${var.a}-${var.b + 1}"
  }
}
`})
	res, err := p.Import(testContext(t), provisioner.ImportRequest{Dir: dir, UserVariableValues: []provisioner.VariableValue{
		{Name: "a", Value: "x"}, {Name: "b", Value: "41"}, {Name: "undeclared", Value: "ignored"},
	}}, provisioner.Discard)
	require.NoError(t, err)
	require.Len(t, res.StartResources, 1)
	v, _ := metadataValue(&res.StartResources[0], "sum")
	assert.Equal(t, "x-42", v)
}

// buildTemplate is small but complete: an agent on a compute resource that
// exists while started, a persistent resource, and a parameter that shows
// up in metadata.
const buildTemplate = providerBlock + `
data "coder_workspace" "me" {}
data "coder_workspace_owner" "me" {}

data "coder_parameter" "size" {
  name    = "size"
  default = "small"
  mutable = true
  option {
    name  = "Small"
    value = "small"
  }
  option {
    name  = "Large"
    value = "large"
  }
}

data "coder_parameter" "disk" {
  name    = "disk"
  type    = "number"
  default = 10
  mutable = true
  validation {
    min       = 1
    monotonic = "increasing"
  }
}

resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
}

resource "coder_app" "web" {
  agent_id = coder_agent.main.id
  slug     = "web"
  url      = "http://localhost:3000"
}

resource "coder_env" "size" {
  agent_id = coder_agent.main.id
  name     = "SIZE"
  value    = data.coder_parameter.size.value
}

resource "terraform_data" "vm" {
  count = data.coder_workspace.me.start_count
  input = coder_agent.main.token
}

resource "coder_metadata" "vm" {
  count       = data.coder_workspace.me.start_count
  resource_id = terraform_data.vm[0].id
  item {
    key   = "size"
    value = data.coder_parameter.size.value
  }
  item {
    key   = "workspace"
    value = "${data.coder_workspace_owner.me.name}/${data.coder_workspace.me.name}/${data.coder_workspace.me.transition}"
  }
}

resource "terraform_data" "disk" {
  input = data.coder_parameter.disk.value
}

output "size" {
  value = data.coder_parameter.size.value
}
`

func TestBuildLifecycle(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{})
	ctx := testContext(t)
	files := map[string]string{"main.tf": buildTemplate}

	// Start.
	var sink logSink
	start, err := p.Build(ctx, provisioner.BuildRequest{
		Dir:                 templateDir(t, files),
		Metadata:            withTransition(meta, provisioner.TransitionStart),
		RichParameterValues: []provisioner.RichParameterValue{{Name: "size", Value: "large"}},
	}, sink.log)
	require.NoError(t, err)
	require.NotEmpty(t, start.State)
	assert.True(t, json.Valid(start.State))
	require.Len(t, start.Resources, 2, "%+v", start.Resources)
	vm := findResource(start.Resources, "terraform_data", "vm")
	require.NotNil(t, vm)
	require.Len(t, vm.Agents, 1)
	agent := vm.Agents[0]
	assert.Equal(t, "main", agent.Name)
	_, err = uuid.Parse(agent.Token)
	assert.NoError(t, err, "the agent token is a UUID: %q", agent.Token)
	assert.NotEqual(t, uuid.Nil, agent.ID)
	assert.Equal(t, "large", agent.Env["SIZE"])
	require.Len(t, agent.Apps, 1)
	assert.Equal(t, "web", agent.Apps[0].Slug)
	assert.Equal(t, "http://localhost:3000", agent.Apps[0].URL)
	v, _ := metadataValue(vm, "size")
	assert.Equal(t, "large", v, "the parameter value reaches the template")
	v, _ = metadataValue(vm, "workspace")
	assert.Equal(t, "alice/dev-box/start", v, "workspace metadata reaches the template")
	require.Len(t, start.Parameters, 2)
	assert.True(t, sink.contains("Apply complete!"))
	assert.True(t, sink.stages()["Planning"])
	assert.True(t, sink.stages()["Applying"])
	stages := timingStages(start.Timings)
	for _, s := range []string{provisioner.TimingStageInit, provisioner.TimingStageGraph, provisioner.TimingStagePlan, provisioner.TimingStageApply} {
		assert.True(t, stages[s], "a %s timing", s)
	}
	var vmTiming bool
	for _, tm := range start.Timings {
		if tm.Stage == provisioner.TimingStageApply && tm.Resource == "terraform_data.vm[0]" {
			vmTiming = true
			assert.Equal(t, "create", tm.Action)
			assert.False(t, tm.End.Before(tm.Start))
		}
	}
	assert.True(t, vmTiming, "per-resource apply timings: %+v", start.Timings)

	// A smaller disk than before breaks monotonic validation: the
	// provider sees the previous value from the state.
	_, err = p.Build(ctx, provisioner.BuildRequest{
		Dir:                 templateDir(t, files),
		Metadata:            withTransition(meta, provisioner.TransitionStart),
		State:               start.State,
		RichParameterValues: []provisioner.RichParameterValue{{Name: "size", Value: "large"}, {Name: "disk", Value: "5"}},
	}, provisioner.Discard)
	f := requireFailure(t, err)
	assert.Contains(t, f.Message, "greater than previous value")

	// Stop: the compute goes, the disk stays.
	stop, err := p.Build(ctx, provisioner.BuildRequest{
		Dir:                 templateDir(t, files),
		Metadata:            withTransition(meta, provisioner.TransitionStop),
		State:               start.State,
		RichParameterValues: []provisioner.RichParameterValue{{Name: "size", Value: "large"}},
	}, provisioner.Discard)
	require.NoError(t, err)
	require.NotEmpty(t, stop.State)
	assert.NotEqual(t, string(start.State), string(stop.State))
	require.Len(t, stop.Resources, 1, "%+v", stop.Resources)
	assert.Equal(t, "disk", stop.Resources[0].Name)
	assert.Empty(t, stop.Resources[0].Agents)

	// Delete: nothing left.
	del, err := p.Build(ctx, provisioner.BuildRequest{
		Dir:      templateDir(t, files),
		Metadata: withTransition(meta, provisioner.TransitionDelete),
		State:    stop.State,
	}, provisioner.Discard)
	require.NoError(t, err)
	assert.Empty(t, del.Resources)
	var state struct {
		Resources []json.RawMessage `json:"resources"`
	}
	require.NoError(t, json.Unmarshal(del.State, &state))
	assert.Empty(t, state.Resources)
}

func TestBuildDryRun(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{})
	dir := templateDir(t, map[string]string{"main.tf": buildTemplate})
	res, err := p.Build(testContext(t), provisioner.BuildRequest{
		Dir:                 dir,
		Metadata:            withTransition(meta, provisioner.TransitionStart),
		RichParameterValues: []provisioner.RichParameterValue{{Name: "size", Value: "large"}},
		DryRun:              true,
	}, provisioner.Discard)
	require.NoError(t, err)
	assert.Nil(t, res.State, "a dry run does not change the state")
	_, err = os.Stat(filepath.Join(dir, "terraform.tfstate"))
	assert.ErrorIs(t, err, fs.ErrNotExist, "nothing was applied")
	vm := findResource(res.Resources, "terraform_data", "vm")
	require.NotNil(t, vm, "%+v", res.Resources)
	require.Len(t, vm.Agents, 1)
	assert.Empty(t, vm.Agents[0].Token, "tokens are only known after apply")
	require.Len(t, vm.Agents[0].Apps, 1)
	v, _ := metadataValue(vm, "size")
	assert.Equal(t, "large", v)
	assert.Len(t, res.Parameters, 2)
}

func TestBuildInvalidParameterValue(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{})
	_, err := p.Build(testContext(t), provisioner.BuildRequest{
		Dir:                 templateDir(t, map[string]string{"main.tf": buildTemplate}),
		Metadata:            withTransition(meta, provisioner.TransitionStart),
		RichParameterValues: []provisioner.RichParameterValue{{Name: "size", Value: "huge"}},
	}, provisioner.Discard)
	f := requireFailure(t, err)
	assert.Contains(t, f.Message, "huge")
}

func TestBuildCancel(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{CancelGrace: 2 * time.Second})
	dir := templateDir(t, map[string]string{"main.tf": `
resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "sleep 60"
  }
}
`})
	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	var sink logSink
	var once sync.Once
	_, err := p.Build(ctx, provisioner.BuildRequest{
		Dir:      dir,
		Metadata: withTransition(meta, provisioner.TransitionStart),
	}, func(l provisioner.Log) {
		sink.log(l)
		if strings.Contains(l.Output, "terraform_data.slow: Creating...") {
			once.Do(cancel)
		}
	})
	require.ErrorIs(t, err, context.Canceled)
	assert.True(t, sink.contains("terraform_data.slow: Creating..."))
	assert.True(t, sink.contains("Interrupt received"), "terraform was interrupted, so it could stop cleanly")
}

func TestBuildCancelBeforeStart(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := p.Build(ctx, provisioner.BuildRequest{Dir: t.TempDir()}, provisioner.Discard)
	require.ErrorIs(t, err, context.Canceled)
	_, err = p.Import(ctx, provisioner.ImportRequest{Dir: t.TempDir()}, provisioner.Discard)
	require.ErrorIs(t, err, context.Canceled)
}

func TestBuildApplyFailureKeepsState(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{})
	dir := templateDir(t, map[string]string{"main.tf": `
resource "terraform_data" "ok" {}
resource "terraform_data" "bad" {
  depends_on = [terraform_data.ok]
  provisioner "local-exec" {
    command = "echo boom >&2; exit 3"
  }
}
`})
	res, err := p.Build(testContext(t), provisioner.BuildRequest{
		Dir:      dir,
		Metadata: withTransition(meta, provisioner.TransitionStart),
	}, provisioner.Discard)
	f := requireFailure(t, err)
	assert.Contains(t, f.Message, "local-exec")
	assert.Contains(t, string(res.State), "terraform_data", "the partial state comes back with the failure")
}

func TestMissingTerraform(t *testing.T) {
	t.Parallel()
	p := terraform.New(terraform.Options{TerraformPath: filepath.Join(t.TempDir(), "no-terraform")})
	_, err := p.Import(testContext(t), provisioner.ImportRequest{Dir: t.TempDir()}, provisioner.Discard)
	f := requireFailure(t, err)
	assert.Contains(t, f.Message, "--terraform-path")
	_, err = p.Build(testContext(t), provisioner.BuildRequest{Dir: t.TempDir()}, provisioner.Discard)
	requireFailure(t, err)
}

func TestExampleTemplate(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{})
	src := filepath.Join("..", "..", "..", "examples", "templates", "terraform-offline")
	ctx := testContext(t)

	imp, err := p.Import(ctx, provisioner.ImportRequest{Dir: copyDir(t, src), Metadata: meta}, provisioner.Discard)
	require.NoError(t, err)
	assert.Contains(t, imp.Readme, "display_name: Terraform (offline)")
	require.Len(t, imp.Parameters, 2)
	for _, param := range imp.Parameters {
		require.NoError(t, provisioner.ValidateParameter(param))
	}
	require.Len(t, imp.StartResources, 1)
	require.Len(t, imp.StartResources[0].Agents, 1)
	assert.Empty(t, imp.StopResources)

	res, err := p.Build(ctx, provisioner.BuildRequest{
		Dir:                 copyDir(t, src),
		Metadata:            withTransition(meta, provisioner.TransitionStart),
		RichParameterValues: []provisioner.RichParameterValue{{Name: "cpu", Value: "4"}, {Name: "editor", Value: "nano"}},
	}, provisioner.Discard)
	require.NoError(t, err)
	require.Len(t, res.Resources, 1)
	ws := res.Resources[0]
	assert.Equal(t, "workspace", ws.Name)
	require.Len(t, ws.Agents, 1)
	assert.NotEmpty(t, ws.Agents[0].Token)
	assert.Equal(t, "nano", ws.Agents[0].Env["EDITOR"])
	require.Len(t, ws.Agents[0].Apps, 1)
	assert.Equal(t, "nano", ws.Agents[0].Apps[0].Command)
	v, _ := metadataValue(&ws, "cpu")
	assert.Equal(t, "4", v)
	v, _ = metadataValue(&ws, "owner")
	assert.Equal(t, "alice", v)

	stop, err := p.Build(ctx, provisioner.BuildRequest{
		Dir:      copyDir(t, src),
		Metadata: withTransition(meta, provisioner.TransitionStop),
		State:    res.State,
	}, provisioner.Discard)
	require.NoError(t, err)
	assert.Empty(t, stop.Resources)
}

func TestConcurrentBuilds(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{})
	ctx := testContext(t)
	errs := make(chan error, 2)
	for range 2 {
		dir := templateDir(t, map[string]string{"main.tf": buildTemplate})
		go func() {
			res, err := p.Build(ctx, provisioner.BuildRequest{Dir: dir, Metadata: withTransition(meta, provisioner.TransitionStart)}, provisioner.Discard)
			if err == nil && len(res.Resources) != 2 {
				err = errors.New("unexpected resources")
			}
			errs <- err
		}()
	}
	for range 2 {
		require.NoError(t, <-errs)
	}
}

func TestImportUndeclaredReference(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{})
	dir := templateDir(t, map[string]string{"main.tf": providerBlock + `
resource "terraform_data" "x" {
  input = coder_agent.missing.token
}
`})
	_, err := p.Import(testContext(t), provisioner.ImportRequest{Dir: dir}, provisioner.Discard)
	f := requireFailure(t, err)
	t.Log(f.Message)
	assert.Contains(t, f.Message, "Reference to undeclared resource")
	assert.Contains(t, f.Message, `"missing"`)
}

func TestImportRemoteModule(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{})
	dir := templateDir(t, map[string]string{"main.tf": `
module "code_server" {
  source   = "registry.coder.com/coder/code-server/coder"
  version  = "1.0.0"
  agent_id = "x"
}
`})
	_, err := p.Import(testContext(t), provisioner.ImportRequest{Dir: dir}, provisioner.Discard)
	f := requireFailure(t, err)
	t.Log(f.Message)
	assert.Contains(t, f.Message, "local source")
}

// A local module: its app attaches to the root's agent through the graph.
func TestImportLocalModule(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{})
	dir := templateDir(t, map[string]string{
		"main.tf": providerBlock + `
resource "coder_agent" "main" {
  os   = "linux"
  arch = "amd64"
}
module "tools" {
  source   = "./modules/tools"
  agent_id = coder_agent.main.id
}
resource "terraform_data" "vm" {
  input = coder_agent.main.init_script
}
`,
		"modules/tools/main.tf": providerBlock + `
variable "agent_id" { type = string }
resource "coder_app" "tool" {
  agent_id = var.agent_id
  slug     = "tool"
  url      = "http://localhost:1234"
}
`,
	})
	res, err := p.Import(testContext(t), provisioner.ImportRequest{Dir: dir}, provisioner.Discard)
	require.NoError(t, err)
	require.Len(t, res.StartResources, 1)
	require.Len(t, res.StartResources[0].Agents, 1)
	require.Len(t, res.StartResources[0].Agents[0].Apps, 1)
	assert.Equal(t, "tool", res.StartResources[0].Agents[0].Apps[0].Slug)
}
