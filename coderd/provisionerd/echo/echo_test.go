package echo_test

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

	"github.com/devplane/devplane/coderd/provisionerd/archive"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
)

// templateDir unpacks a template archive the way the daemon will.
func templateDir(t testing.TB, data []byte) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, archive.Extract(data, archive.MimeTypeTar, dir, archive.Limits{}))
	return dir
}

func specDir(t testing.TB, spec echo.Spec) string {
	t.Helper()
	data, err := echo.Template(spec)
	require.NoError(t, err)
	return templateDir(t, data)
}

// rawDir holds files written as they are, for specs Spec cannot express.
func rawDir(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600))
	}
	return dir
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

func (s *logSink) stages() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, l := range s.logs {
		if len(out) == 0 || out[len(out)-1] != l.Stage {
			out = append(out, l.Stage)
		}
	}
	return out
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

func requireFailure(t *testing.T, err error, contains string) *provisioner.Failure {
	t.Helper()
	require.Error(t, err)
	f, ok := provisioner.AsFailure(err)
	require.True(t, ok, "want a *provisioner.Failure, got %T: %v", err, err)
	assert.Contains(t, f.Message, contains)
	return f
}

var meta = provisioner.Metadata{
	WorkspaceName:       "dev-box",
	WorkspaceOwner:      "alice",
	WorkspaceOwnerEmail: "alice@example.com",
	WorkspaceID:         uuid.MustParse("11111111-1111-1111-1111-111111111111"),
	TemplateName:        "simple",
	CoderURL:            "https://coder.example.com",
}

func withTransition(m provisioner.Metadata, t provisioner.Transition) provisioner.Metadata {
	m.WorkspaceTransition = t
	return m
}

func TestImportSimpleTemplate(t *testing.T) {
	t.Parallel()
	dir := templateDir(t, echo.SimpleTemplate())
	var sink logSink
	res, err := echo.New().Import(context.Background(), provisioner.ImportRequest{Dir: dir, Metadata: meta}, sink.log)
	require.NoError(t, err)

	require.Len(t, res.Parameters, 2)
	region, cpu := res.Parameters[0], res.Parameters[1]
	assert.Equal(t, "region", region.Name)
	assert.Equal(t, "us", region.DefaultValue)
	assert.Equal(t, []provisioner.RichParameterOption{{Name: "United States", Value: "us"}, {Name: "Europe", Value: "eu"}}, region.Options)
	assert.False(t, region.Mutable)
	assert.Equal(t, "number", cpu.Type)
	assert.True(t, cpu.Mutable)
	require.NotNil(t, cpu.ValidationMin)
	assert.Equal(t, int32(1), *cpu.ValidationMin)
	assert.Equal(t, int32(8), *cpu.ValidationMax)

	assert.Equal(t, []provisioner.Variable{{Name: "image", Description: "Container image.", Type: "string", DefaultValue: "codercom/enterprise-base:ubuntu"}}, res.Variables)
	assert.Equal(t, []provisioner.Preset{{Name: "Europe, small", Parameters: []provisioner.RichParameterValue{{Name: "cpu", Value: "1"}, {Name: "region", Value: "eu"}}}}, res.Presets)
	assert.Contains(t, res.Readme, "# Simple template")

	require.Len(t, res.StartResources, 2)
	dev := res.StartResources[0]
	assert.Equal(t, "dev", dev.Name)
	assert.Equal(t, "docker_container", dev.Type)
	assert.Contains(t, dev.Metadata, provisioner.ResourceMetadata{Key: "region", Value: "us"}, "rendered with the default")
	require.Len(t, dev.Agents, 1)
	agent := dev.Agents[0]
	assert.Equal(t, "main", agent.Name)
	assert.Equal(t, "linux", agent.OperatingSystem)
	assert.Equal(t, "amd64", agent.Architecture)
	assert.Equal(t, provisioner.AgentAuthToken, agent.Auth)
	assert.Empty(t, agent.Token, "import does not mint agent tokens")
	assert.Equal(t, uuid.Nil, agent.ID)
	assert.Equal(t, int32(120), agent.ConnectionTimeoutSeconds)
	assert.Equal(t, provisioner.DefaultDisplayApps(), *agent.DisplayApps)
	require.Len(t, agent.Apps, 1)
	app := agent.Apps[0]
	assert.Equal(t, "code-server", app.Slug)
	assert.Equal(t, provisioner.AppSharingLevelOwner, app.SharingLevel)
	assert.Equal(t, provisioner.AppOpenInSlimWindow, app.OpenIn)
	assert.Equal(t, &provisioner.Healthcheck{URL: "http://localhost:13337/healthz", Interval: 5, Threshold: 6}, app.Healthcheck)

	require.Len(t, res.StopResources, 1)
	assert.Equal(t, "home", res.StopResources[0].Name)

	assert.Equal(t, []string{echo.StageSettingUp, echo.StageParsing, echo.StageDetectingPersistent, echo.StageDetectingEphemeral}, sink.stages())
	requireTimings(t, res.Timings, provisioner.TimingStageInit, provisioner.TimingStagePlan)
}

func requireTimings(t *testing.T, timings []provisioner.Timing, stages ...string) {
	t.Helper()
	require.Len(t, timings, len(stages))
	for i, tm := range timings {
		assert.Equal(t, stages[i], tm.Stage)
		assert.Equal(t, "echo", tm.Source)
		assert.NotEmpty(t, tm.Action)
		assert.False(t, tm.Start.IsZero())
		assert.False(t, tm.End.Before(tm.Start))
		if i > 0 {
			assert.False(t, tm.Start.Before(timings[i-1].End), "stages do not overlap")
		}
	}
}

func TestImportEverything(t *testing.T) {
	t.Parallel()
	dir := rawDir(t, map[string]string{"echo.yaml": `
parameters:
  - name: tools
    type: list(string)
    form_type: multi-select
    default: '["git"]'
    options: [{name: Git, value: git}, {name: Go, value: go, icon: /icon/go.svg, description: The Go toolchain}]
  - name: greeting
    required: true
    mutable: true
    ephemeral: true
    validation: {regex: "^Hello", error: "say hello"}
  - {name: public, type: bool, default: "false"}
variables:
  - {name: api_key, required: true, sensitive: true}
  - {name: replicas, type: number, default: 2}
presets:
  - {name: gophers, default: true, description: For Go people, icon: /icon/go.svg, parameters: {tools: '["go"]', greeting: Hello gophers}}
external_auth:
  - {id: github}
  - {id: gitlab, optional: true}
import:
  logs: [{level: debug, output: "importing for {{.Var \"replicas\"}} replicas"}]
start:
  resources:
    - name: vm
      type: aws_instance
      hide: true
      instance_type: t3.large
      daily_cost: 42
      metadata: [{key: secret, value: s3cr3t, sensitive: true}, {key: nothing, is_null: true}]
      agents:
        - name: main
          id: 22222222-2222-2222-2222-222222222222
          os: windows
          arch: arm64
          auth: instance_id
          instance_id: i-123
          env: {GREETING: "{{.Param \"greeting\"}}"}
          display_apps: {vscode: false, vscode_insiders: true}
          scripts: [{display_name: Setup, script: "echo {{.WorkspaceName}}", run_on_start: true, start_blocks_login: true, timeout_seconds: 30}]
          metadata: [{key: load, display_name: Load, script: uptime, interval: 10, timeout: 1}]
          apps:
            - {slug: web, url: "http://localhost", external: true, sharing_level: public, open_in: tab, group: Web, order: 3, hidden: true}
            - {slug: term, command: "bash", subdomain: true}
`})
	var sink logSink
	res, err := echo.New().Import(context.Background(), provisioner.ImportRequest{
		Dir:                dir,
		Metadata:           meta,
		UserVariableValues: []provisioner.VariableValue{{Name: "api_key", Value: "k", Sensitive: true}},
	}, sink.log)
	require.NoError(t, err)

	require.Len(t, res.Parameters, 3)
	assert.Equal(t, "list(string)", res.Parameters[0].Type)
	assert.Equal(t, "multi-select", res.Parameters[0].FormType)
	assert.True(t, res.Parameters[1].Required)
	assert.True(t, res.Parameters[1].Ephemeral)
	assert.Equal(t, "^Hello", res.Parameters[1].ValidationRegex)
	assert.Equal(t, "string", res.Parameters[1].Type, "type defaults to string")
	assert.Equal(t, []provisioner.ExternalAuthProviderRequirement{{ID: "github"}, {ID: "gitlab", Optional: true}}, res.ExternalAuthProviders)
	assert.True(t, res.Presets[0].Default)
	assert.Equal(t, "2", res.Variables[1].DefaultValue, "YAML numbers decode as strings")
	assert.True(t, sink.contains("importing for 2 replicas"))

	vm := res.StartResources[0]
	assert.True(t, vm.Hide)
	assert.Equal(t, int32(42), vm.DailyCost)
	assert.Equal(t, []provisioner.ResourceMetadata{{Key: "secret", Value: "s3cr3t", Sensitive: true}, {Key: "nothing", IsNull: true}}, vm.Metadata)
	a := vm.Agents[0]
	assert.Equal(t, uuid.MustParse("22222222-2222-2222-2222-222222222222"), a.ID)
	assert.Equal(t, "windows", a.OperatingSystem)
	assert.Equal(t, provisioner.AgentAuthInstanceID, a.Auth)
	assert.Equal(t, "i-123", a.InstanceID)
	assert.Equal(t, map[string]string{"GREETING": ""}, a.Env, "a required parameter has no value at import")
	assert.Equal(t, provisioner.DisplayApps{VSCodeInsiders: true, WebTerminal: true, SSHHelper: true, PortForwardingHelper: true}, *a.DisplayApps)
	assert.Equal(t, []provisioner.AgentScript{{DisplayName: "Setup", Script: "echo dev-box", RunOnStart: true, StartBlocksLogin: true, TimeoutSeconds: 30}}, a.Scripts)
	assert.Equal(t, []provisioner.AgentMetadata{{Key: "load", DisplayName: "Load", Script: "uptime", Interval: 10, Timeout: 1}}, a.Metadata)
	assert.Equal(t, provisioner.App{Slug: "web", URL: "http://localhost", External: true, SharingLevel: "public", OpenIn: "tab", Group: "Web", Order: 3, Hidden: true}, a.Apps[0])
	assert.Equal(t, "bash", a.Apps[1].Command)
	assert.True(t, a.Apps[1].Subdomain)
}

func TestImportReadmeFromFile(t *testing.T) {
	t.Parallel()
	data, err := echo.TemplateWithFiles(echo.Spec{}, map[string]string{"README.md": "# From the file\n"})
	require.NoError(t, err)
	res, err := echo.New().Import(context.Background(), provisioner.ImportRequest{Dir: templateDir(t, data)}, nil)
	require.NoError(t, err)
	assert.Equal(t, "# From the file\n", res.Readme)

	// readme in the spec wins.
	data, err = echo.TemplateWithFiles(echo.Spec{Readme: "spec"}, map[string]string{"README.md": "file"})
	require.NoError(t, err)
	res, err = echo.New().Import(context.Background(), provisioner.ImportRequest{Dir: templateDir(t, data)}, nil)
	require.NoError(t, err)
	assert.Equal(t, "spec", res.Readme)
}

func TestImportJSON(t *testing.T) {
	t.Parallel()
	dir := rawDir(t, map[string]string{"echo.json": "{\n\t\"parameters\": [\n\t\t{\"name\": \"size\", \"type\": \"number\", \"default\": 3}\n\t],\n\t\"import\": {\"delay\": \"1ms\"}\n}\n"})
	res, err := echo.New().Import(context.Background(), provisioner.ImportRequest{Dir: dir}, nil)
	require.NoError(t, err)
	require.Len(t, res.Parameters, 1)
	assert.Equal(t, "3", res.Parameters[0].DefaultValue)
}

func TestImportFail(t *testing.T) {
	t.Parallel()
	dir := specDir(t, echo.Spec{Import: echo.Phase{
		Logs:     []echo.Log{{Output: "about to fail"}},
		Fail:     "terraform init failed for {{.TemplateName}}",
		FailCode: "SOMETHING",
	}})
	var sink logSink
	_, err := echo.New().Import(context.Background(), provisioner.ImportRequest{Dir: dir, Metadata: meta}, sink.log)
	f := requireFailure(t, err, "terraform init failed for simple")
	assert.Equal(t, "SOMETHING", f.Code)
	assert.True(t, sink.contains("about to fail"))
	assert.True(t, sink.contains("Error: terraform init failed"))
}

func TestRequiredVariables(t *testing.T) {
	t.Parallel()
	spec := echo.Spec{Variables: []echo.Variable{
		{Name: "region", Required: true},
		{Name: "image", Default: "ubuntu"},
		{Name: "token", Required: true, Sensitive: true},
		{Name: "count", Type: "number", Default: "1"},
	}}
	dir := specDir(t, spec)
	p := echo.New()

	_, err := p.Import(context.Background(), provisioner.ImportRequest{Dir: dir}, nil)
	f := requireFailure(t, err, "region, token")
	assert.Equal(t, provisioner.ErrorCodeRequiredTemplateVariables, f.Code)

	_, err = p.Import(context.Background(), provisioner.ImportRequest{Dir: dir, UserVariableValues: []provisioner.VariableValue{{Name: "region", Value: "eu"}, {Name: "token", Value: ""}}}, nil)
	f = requireFailure(t, err, "token")
	assert.NotContains(t, f.Message, "region")

	ok := []provisioner.VariableValue{{Name: "region", Value: "eu"}, {Name: "token", Value: "t"}}
	_, err = p.Import(context.Background(), provisioner.ImportRequest{Dir: dir, UserVariableValues: ok}, nil)
	require.NoError(t, err)

	_, err = p.Import(context.Background(), provisioner.ImportRequest{Dir: dir, UserVariableValues: append(ok, provisioner.VariableValue{Name: "count", Value: "many"})}, nil)
	requireFailure(t, err, "not a number")

	// Builds check them too.
	_, err = p.Build(context.Background(), provisioner.BuildRequest{Dir: dir, Metadata: withTransition(meta, provisioner.TransitionStart)}, nil)
	f = requireFailure(t, err, "region, token")
	assert.Equal(t, provisioner.ErrorCodeRequiredTemplateVariables, f.Code)
	_, err = p.Build(context.Background(), provisioner.BuildRequest{Dir: dir, Metadata: withTransition(meta, provisioner.TransitionStart), VariableValues: ok}, nil)
	require.NoError(t, err)
}

func TestStrictDecoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		yaml string
		want []string
	}{
		{"TopLevel", "paramters: []\n", []string{`line 1: unknown field "paramters" in spec`}},
		{"Nested", "start:\n  resources:\n    - name: a\n      type: b\n      agents:\n        - name: main\n          oss: linux\n", []string{"line 7", `unknown field "oss" in agent`}},
		{"InApp", "start:\n  resources:\n    - name: a\n      type: b\n      agents:\n        - name: main\n          apps:\n            - slug: x\n              sharing: public\n", []string{`unknown field "sharing" in app`}},
		{"BadDelay", "start:\n  delay: 5\n", []string{"line 2", "time.Duration"}},
		{"BadYAML", "parameters: [\n", []string{"invalid YAML"}},
		{"WrongShape", "parameters: {name: x}\n", []string{"line 1"}},
		{"DuplicateKey", "readme: a\nreadme: b\n", []string{"already defined"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := rawDir(t, map[string]string{"echo.yaml": tc.yaml})
			_, err := echo.New().Import(context.Background(), provisioner.ImportRequest{Dir: dir}, nil)
			f := requireFailure(t, err, "echo.yaml: ")
			for _, w := range tc.want {
				assert.Contains(t, f.Message, w)
			}
			_, err = echo.New().Build(context.Background(), provisioner.BuildRequest{Dir: dir}, nil)
			requireFailure(t, err, "echo.yaml: ")
		})
	}
}

func TestSpecValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"DuplicateParameter", "parameters: [{name: a}, {name: a}]", `duplicate parameter name "a"`},
		{"BadParameterType", "parameters: [{name: a, type: map}]", `parameters[0]: parameter "a": unsupported type`},
		{"DefaultNotOption", "parameters: [{name: a, default: z, options: [{name: X, value: x}]}]", "must be one of the options"},
		{"RequiredWithDefault", "parameters: [{name: a, required: true, default: x}]", "cannot have a default"},
		{"VariableNoName", "variables: [{type: string}]", "variables[0]: a name is required"},
		{"VariableBadDefault", "variables: [{name: n, type: number, default: x}]", "not a number"},
		{"VariableBadType", "variables: [{name: n, type: list}]", "unsupported type"},
		{"PresetUnknownParameter", "presets: [{name: p, parameters: {nope: x}}]", `parameter "nope" is not declared`},
		{"PresetBadValue", "parameters: [{name: n, type: number, default: '1'}]\npresets: [{name: p, parameters: {n: x}}]", "is not a number"},
		{"TwoDefaultPresets", "presets: [{name: a, default: true}, {name: b, default: true}]", "only one preset"},
		{"DuplicateExternalAuth", "external_auth: [{id: gh}, {id: gh}]", "duplicate id"},
		{"ImportResources", "import: {resources: [{name: a, type: b}]}", "import: resources are not allowed"},
		{"BadLogLevel", "start: {logs: [{level: loud, output: x}]}", `start.logs[0]: unknown level "loud"`},
		{"NegativeDelay", "stop: {delay: -1s}", "stop.delay"},
		{"ResourceNoType", "start: {resources: [{name: a}]}", "start.resources[0]: name and type are required"},
		{"BadAgentName", "start: {resources: [{name: a, type: b, agents: [{name: 'my agent'}]}]}", "agent name"},
		{"DuplicateAgent", "start: {resources: [{name: a, type: b, agents: [{name: m}]}, {name: c, type: d, agents: [{name: m}]}]}", "duplicate agent name"},
		{"BadAgentID", "delete: {resources: [{name: a, type: b, agents: [{name: m, id: nope}]}]}", "not a UUID"},
		{"BadAuth", "start: {resources: [{name: a, type: b, agents: [{name: m, auth: password}]}]}", `unknown auth "password"`},
		{"InstanceIDMissing", "start: {resources: [{name: a, type: b, agents: [{name: m, auth: instance_id}]}]}", "needs an instance_id"},
		{"BadSlug", "start: {resources: [{name: a, type: b, agents: [{name: m, apps: [{slug: Code_Server}]}]}]}", `slug "Code_Server" is invalid`},
		{"DuplicateSlug", "start: {resources: [{name: a, type: b, agents: [{name: m, apps: [{slug: a}, {slug: a}]}]}]}", "duplicate app slug"},
		{"BadSharing", "start: {resources: [{name: a, type: b, agents: [{name: m, apps: [{slug: a, sharing_level: everyone}]}]}]}", "unknown sharing_level"},
		{"BadOpenIn", "start: {resources: [{name: a, type: b, agents: [{name: m, apps: [{slug: a, open_in: popup}]}]}]}", "unknown open_in"},
		{"ExternalNoURL", "start: {resources: [{name: a, type: b, agents: [{name: m, apps: [{slug: a, external: true}]}]}]}", "needs a url"},
		{"HealthcheckNoURL", "start: {resources: [{name: a, type: b, agents: [{name: m, apps: [{slug: a, healthcheck: {interval: 1}}]}]}]}", "healthcheck: a url is required"},
		{"EmptyScript", "start: {resources: [{name: a, type: b, agents: [{name: m, scripts: [{display_name: x}]}]}]}", "a script is required"},
		{"DuplicateAgentMetadata", "start: {resources: [{name: a, type: b, agents: [{name: m, metadata: [{key: k}, {key: k}]}]}]}", "unique"},
		{"ResourceMetadataNoKey", "start: {resources: [{name: a, type: b, metadata: [{value: v}]}]}", "a key is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := echo.ParseSpec([]byte(tc.yaml))
			require.ErrorContains(t, err, tc.want)
		})
	}

	spec, err := echo.ParseSpec(nil)
	require.NoError(t, err, "an empty spec is a valid template with nothing in it")
	assert.Equal(t, echo.Spec{}, spec)
}

func TestMissingSpec(t *testing.T) {
	t.Parallel()
	empty, err := archive.CreateTar(map[string]string{"main.tf": "resource {}"})
	require.NoError(t, err)
	dir := templateDir(t, empty)
	_, err = echo.New().Import(context.Background(), provisioner.ImportRequest{Dir: dir}, nil)
	requireFailure(t, err, "the template has no echo.yaml")
	_, err = echo.New().Build(context.Background(), provisioner.BuildRequest{Dir: dir}, nil)
	requireFailure(t, err, "the template has no echo.yaml")

	// A missing directory is the daemon's problem, not the template's.
	_, err = echo.New().Import(context.Background(), provisioner.ImportRequest{Dir: filepath.Join(dir, "nope")}, nil)
	require.Error(t, err)
	_, isFailure := provisioner.AsFailure(err)
	assert.False(t, isFailure)
	_, err = echo.New().Import(context.Background(), provisioner.ImportRequest{}, nil)
	require.Error(t, err)

	// echo.yaml must be a file inside the template.
	linkDir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.yaml")
	require.NoError(t, os.WriteFile(outside, []byte("readme: stolen"), 0o600))
	require.NoError(t, os.Symlink(outside, filepath.Join(linkDir, "echo.yaml")))
	_, err = echo.New().Import(context.Background(), provisioner.ImportRequest{Dir: linkDir}, nil)
	requireFailure(t, err, "cannot open echo.yaml")

	dirDir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dirDir, "echo.yaml"), 0o700))
	_, err = echo.New().Import(context.Background(), provisioner.ImportRequest{Dir: dirDir}, nil)
	requireFailure(t, err, "not a regular file")
}

func TestBuildStart(t *testing.T) {
	t.Parallel()
	dir := templateDir(t, echo.SimpleTemplate())
	var sink logSink
	res, err := echo.New().Build(context.Background(), provisioner.BuildRequest{
		Dir:                 dir,
		Metadata:            withTransition(meta, provisioner.TransitionStart),
		RichParameterValues: []provisioner.RichParameterValue{{Name: "region", Value: "eu"}, {Name: "stale", Value: "x"}},
		VariableValues:      []provisioner.VariableValue{{Name: "image", Value: "alpine"}},
	}, sink.log)
	require.NoError(t, err)

	require.Len(t, res.Resources, 2)
	dev := res.Resources[0]
	assert.Equal(t, []provisioner.ResourceMetadata{{Key: "region", Value: "eu"}, {Key: "cpu", Value: "2"}, {Key: "image", Value: "alpine"}}, dev.Metadata)
	token := dev.Agents[0].Token
	_, err = uuid.Parse(token)
	require.NoError(t, err, "a fresh agent token per build")
	assert.Len(t, res.Parameters, 2)

	state, err := echo.ParseState(res.State)
	require.NoError(t, err)
	assert.Equal(t, echo.State{Transition: provisioner.TransitionStart, Parameters: map[string]string{"region": "eu", "cpu": "2"}, Builds: 1}, state)

	assert.Equal(t, []string{echo.StageSettingUp, echo.StagePlanning, echo.StageApplying}, sink.stages())
	assert.True(t, sink.contains("Starting dev-box in eu with 2 CPUs"))
	assert.True(t, sink.contains("docker_container.dev: Creation complete"))
	assert.True(t, sink.contains(`Ignoring a value for parameter "stale"`))
	requireTimings(t, res.Timings, provisioner.TimingStageInit, provisioner.TimingStagePlan, provisioner.TimingStageApply)

	again, err := echo.New().Build(context.Background(), provisioner.BuildRequest{Dir: dir, Metadata: withTransition(meta, provisioner.TransitionStart), State: res.State}, nil)
	require.NoError(t, err)
	assert.NotEqual(t, token, again.Resources[0].Agents[0].Token)
}

func TestBuildTransitions(t *testing.T) {
	t.Parallel()
	dir := templateDir(t, echo.SimpleTemplate())
	p := echo.New()
	var state []byte
	for i, tr := range []provisioner.Transition{provisioner.TransitionStart, provisioner.TransitionStop, provisioner.TransitionStart, provisioner.TransitionDelete} {
		var sink logSink
		res, err := p.Build(context.Background(), provisioner.BuildRequest{Dir: dir, Metadata: withTransition(meta, tr), State: state}, sink.log)
		require.NoError(t, err, tr)
		s, err := echo.ParseState(res.State)
		require.NoError(t, err)
		assert.Equal(t, tr, s.Transition)
		assert.Equal(t, i+1, s.Builds)
		state = res.State

		switch tr {
		case provisioner.TransitionStart:
			assert.Len(t, res.Resources, 2)
		case provisioner.TransitionStop:
			require.Len(t, res.Resources, 1)
			assert.Equal(t, "home", res.Resources[0].Name)
			assert.True(t, sink.contains("docker_volume.home: Stopped"))
		case provisioner.TransitionDelete:
			assert.Empty(t, res.Resources)
			assert.True(t, sink.contains("Removing the home volume of dev-box"))
		}
	}

	_, err := p.Build(context.Background(), provisioner.BuildRequest{Dir: dir, Metadata: withTransition(meta, "destroy")}, nil)
	require.ErrorContains(t, err, "unknown transition")
}

func TestBuildDryRun(t *testing.T) {
	t.Parallel()
	dir := templateDir(t, echo.SimpleTemplate())
	prev := []byte(`{"transition":"stop","builds":7}`)
	var sink logSink
	res, err := echo.New().Build(context.Background(), provisioner.BuildRequest{
		Dir: dir, Metadata: withTransition(meta, provisioner.TransitionStart), State: prev, DryRun: true,
	}, sink.log)
	require.NoError(t, err)
	assert.Equal(t, prev, res.State, "a dry run leaves the state alone")
	assert.Len(t, res.Resources, 2)
	assert.Equal(t, []string{echo.StageSettingUp, echo.StagePlanning}, sink.stages())
	assert.True(t, sink.contains("Starting dev-box"), "the transition's logs run in the plan")
	requireTimings(t, res.Timings, provisioner.TimingStageInit, provisioner.TimingStagePlan)
}

func TestBuildParameterValidation(t *testing.T) {
	t.Parallel()
	dir := specDir(t, echo.Spec{Parameters: []echo.Parameter{
		{Name: "region", Default: "us", Options: []echo.Option{{Name: "US", Value: "us"}}},
		{Name: "name", Required: true},
	}})
	build := func(values ...provisioner.RichParameterValue) error {
		_, err := echo.New().Build(context.Background(), provisioner.BuildRequest{Dir: dir, RichParameterValues: values}, nil)
		return err
	}
	requireFailure(t, build(), `parameter "name": a value is required`)
	requireFailure(t, build(provisioner.RichParameterValue{Name: "name", Value: "x"}, provisioner.RichParameterValue{Name: "region", Value: "mars"}), `parameter "region"`)
	require.NoError(t, build(provisioner.RichParameterValue{Name: "name", Value: "x"}))
}

func TestBuildFail(t *testing.T) {
	t.Parallel()
	dir := specDir(t, echo.Spec{
		Start: echo.Phase{Fail: "quota exceeded in {{.Param \"region\"}}", FailCode: "QUOTA"},
		Stop:  echo.Phase{Logs: []echo.Log{{Level: "warn", Stage: "Custom", Output: "custom stage"}}},
	})
	var sink logSink
	_, err := echo.New().Build(context.Background(), provisioner.BuildRequest{Dir: dir, Metadata: withTransition(meta, provisioner.TransitionStart)}, sink.log)
	f := requireFailure(t, err, "quota exceeded in")
	assert.Equal(t, "QUOTA", f.Code)
	sink.mu.Lock()
	last := sink.logs[len(sink.logs)-1]
	sink.mu.Unlock()
	assert.Equal(t, provisioner.LogLevelError, last.Level)
	assert.Equal(t, echo.StageApplying, last.Stage)

	// Other transitions are unaffected; log stages can be set.
	sink = logSink{}
	_, err = echo.New().Build(context.Background(), provisioner.BuildRequest{Dir: dir, Metadata: withTransition(meta, provisioner.TransitionStop)}, sink.log)
	require.NoError(t, err)
	assert.Contains(t, sink.stages(), "Custom")
}

func TestBuildCorruptState(t *testing.T) {
	t.Parallel()
	dir := specDir(t, echo.Spec{})
	_, err := echo.New().Build(context.Background(), provisioner.BuildRequest{Dir: dir, State: []byte("{not json")}, nil)
	requireFailure(t, err, "state is corrupt")
}

func TestTemplating(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, output, want string
	}{
		{"Metadata", "{{.WorkspaceOwner}} <{{.WorkspaceOwnerEmail}}> {{.WorkspaceID}} {{.CoderURL}}", "alice <alice@example.com> 11111111-1111-1111-1111-111111111111 https://coder.example.com"},
		{"Transition", "{{.Transition}}", "start"},
		{"ParamAndVar", `{{.Param "p"}}/{{.Var "v"}}/{{.Param "unknown"}}`, "pv/vv/"},
		{"NoTemplate", "plain {text}", "plain {text}"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := specDir(t, echo.Spec{
				Parameters: []echo.Parameter{{Name: "p", Default: "pv"}},
				Variables:  []echo.Variable{{Name: "v", Default: "vv"}},
				Start:      echo.Phase{Logs: []echo.Log{{Output: tc.output}}},
			})
			var sink logSink
			_, err := echo.New().Build(context.Background(), provisioner.BuildRequest{Dir: dir, Metadata: withTransition(meta, provisioner.TransitionStart)}, sink.log)
			require.NoError(t, err)
			assert.True(t, sink.contains(tc.want), "%+v", sink.logs)
		})
	}

	for name, output := range map[string]string{"Parse": "{{.Oops", "Exec": "{{.NoSuchField}}"} {
		dir := specDir(t, echo.Spec{Start: echo.Phase{Logs: []echo.Log{{Output: output}}}})
		_, err := echo.New().Build(context.Background(), provisioner.BuildRequest{Dir: dir}, nil)
		_ = name
		requireFailure(t, err, "start.logs[0].output")
	}
	dir := specDir(t, echo.Spec{Start: echo.Phase{Resources: []echo.Resource{{Name: "a", Type: "b", Agents: []echo.Agent{{Name: "m", Apps: []echo.App{{Slug: "x", URL: "{{.Bad}}"}}}}}}}})
	_, err := echo.New().Build(context.Background(), provisioner.BuildRequest{Dir: dir}, nil)
	requireFailure(t, err, "start.resources[0].agents[0].apps[0].url")
}

func TestCancel(t *testing.T) {
	t.Parallel()
	dir := specDir(t, echo.Spec{
		Import: echo.Phase{Delay: time.Hour},
		Start:  echo.Phase{Delay: time.Hour, Logs: []echo.Log{{Output: "waiting"}}},
	})
	p := echo.New()

	t.Run("Build", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		var sink logSink
		done := make(chan error, 1)
		go func() {
			_, err := p.Build(ctx, provisioner.BuildRequest{Dir: dir}, sink.log)
			done <- err
		}()
		require.Eventually(t, func() bool { return sink.contains("waiting") }, 10*time.Second, time.Millisecond)
		cancel()
		select {
		case err := <-done:
			require.ErrorIs(t, err, context.Canceled)
			_, isFailure := provisioner.AsFailure(err)
			assert.False(t, isFailure)
		case <-time.After(10 * time.Second):
			t.Fatal("build did not stop after cancel")
		}
	})

	t.Run("ImportDeadline", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		_, err := p.Import(ctx, provisioner.ImportRequest{Dir: dir}, nil)
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})

	t.Run("AlreadyCanceled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var sink logSink
		_, err := p.Build(ctx, provisioner.BuildRequest{Dir: dir}, sink.log)
		require.ErrorIs(t, err, context.Canceled)
		assert.Empty(t, sink.logs)
		_, err = p.Import(ctx, provisioner.ImportRequest{Dir: dir}, nil)
		require.ErrorIs(t, err, context.Canceled)
	})
}

func TestDelay(t *testing.T) {
	t.Parallel()
	dir := specDir(t, echo.Spec{Start: echo.Phase{Delay: 30 * time.Millisecond}})
	start := time.Now()
	_, err := echo.New().Build(context.Background(), provisioner.BuildRequest{Dir: dir}, nil)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
}

func TestTemplateHelpers(t *testing.T) {
	t.Parallel()

	spec := echo.SimpleSpec()
	spec.Start.Delay = 50 * time.Millisecond
	data, err := echo.Template(spec)
	require.NoError(t, err)
	require.NoError(t, archive.Validate(data, archive.MimeTypeTar))
	dir := templateDir(t, data)
	raw, err := os.ReadFile(filepath.Join(dir, "echo.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(raw), "delay: 50ms")
	parsed, err := echo.ParseSpec(raw)
	require.NoError(t, err)
	assert.Equal(t, spec, parsed, "a spec survives the round trip")

	require.NoError(t, archive.Validate(echo.SimpleTemplate(), archive.MimeTypeTar))
	assert.NoError(t, echo.SimpleSpec().Validate())
	assert.Equal(t, echo.SimpleTemplate(), echo.SimpleTemplate(), "deterministic")
}

func TestConcurrentBuilds(t *testing.T) {
	t.Parallel()
	dir := templateDir(t, echo.SimpleTemplate())
	p := echo.New()
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Go(func() {
			_, err := p.Build(context.Background(), provisioner.BuildRequest{Dir: dir, Metadata: withTransition(meta, provisioner.TransitionStart)}, provisioner.Discard)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
}

func BenchmarkBuild(b *testing.B) {
	dir := templateDir(b, echo.SimpleTemplate())
	p := echo.New()
	req := provisioner.BuildRequest{
		Dir:                 dir,
		Metadata:            withTransition(meta, provisioner.TransitionStart),
		RichParameterValues: []provisioner.RichParameterValue{{Name: "region", Value: "eu"}, {Name: "cpu", Value: "4"}},
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := p.Build(ctx, req, provisioner.Discard)
		if err != nil {
			b.Fatal(err)
		}
		req.State = res.State
	}
}

func BenchmarkImport(b *testing.B) {
	dir := templateDir(b, echo.SimpleTemplate())
	p := echo.New()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Import(ctx, provisioner.ImportRequest{Dir: dir, Metadata: meta}, provisioner.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuildUncached is a build of a template the provisioner has not
// seen yet: it parses echo.yaml.
func BenchmarkBuildUncached(b *testing.B) {
	dir := templateDir(b, echo.SimpleTemplate())
	req := provisioner.BuildRequest{Dir: dir, Metadata: withTransition(meta, provisioner.TransitionStart)}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := echo.New().Build(ctx, req, provisioner.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
