package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/coderd/provisionerd/terraform"
)

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

func TestImportUnavailableProviderOffline(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{Offline: true})
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
	assert.Contains(t, f.Message, "Terraform could not install the provider hashicorp/null.")
	assert.Contains(t, f.Message, "--terraform-offline")
	assert.Contains(t, f.Message, "not found in any of the search locations", "Terraform's own diagnostic is kept")
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

func TestImportRemoteModuleOffline(t *testing.T) {
	t.Parallel()
	p := newProvisioner(t, terraform.Options{Offline: true})
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
