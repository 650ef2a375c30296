package terraform

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
)

func TestParseGraph(t *testing.T) {
	t.Parallel()
	g := parseGraph([]byte(`digraph G {
  rankdir = "RL";
  "coder_agent.main" [label="coder_agent.main"];
  subgraph "cluster_module.m" {
    "module.m.coder_app.app" [label="coder_app.app"];
  }
  "terraform_data.vm" -> "data.cloudinit.x";
  "data.cloudinit.x" -> "coder_agent.main";
  "terraform_data.secret" -> "coder_agent.main";
  "module.m.coder_app.app" -> "coder_agent.main";
  "[root] legacy (expand)" -> "[root] coder_agent.main (expand)"
}`))
	agents := map[string]bool{"coder_agent.main": true}
	assert.Equal(t, "coder_agent.main", g.nearest("terraform_data.vm", agents))
	assert.Equal(t, "coder_agent.main", g.nearest("module.m.coder_app.app", agents))
	assert.Equal(t, "coder_agent.main", g.nearest("legacy", agents))
	assert.Equal(t, "", g.nearest("coder_agent.main", agents))
	assert.Equal(t, map[string]int{"data.cloudinit.x": 1, "coder_agent.main": 2}, g.distances("terraform_data.vm"))
}

func TestConfigAddress(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"coder_agent.main":                            "coder_agent.main",
		"terraform_data.vm[0]":                        "terraform_data.vm",
		`module.m["a.b]"].terraform_data.vm["x\"]"]`:  "module.m.terraform_data.vm",
		"module.a[1].module.b.data.coder_parameter.p": "module.a.module.b.data.coder_parameter.p",
	} {
		assert.Equal(t, want, configAddress(in), in)
	}
}

func TestTfvarJSON(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ typ, value, want string }{
		{"string", "42", `"42"`},
		{"string", `{"a":1}`, `"{\"a\":1}"`},
		{"number", "42", `42`},
		{"number", "4.5", `4.5`},
		{"number", "many", `"many"`},
		{"bool", "true", `true`},
		{"bool", "yes", `"yes"`},
		{"list(string)", `["a","b"]`, `["a","b"]`},
		{"map(string)", `{"a":"b"}`, `{"a":"b"}`},
		{"list(string)", `nope`, `"nope"`},
	} {
		assert.JSONEq(t, c.want, string(tfvarJSON(c.typ, c.value)), "%s %s", c.typ, c.value)
	}
}

func TestLoadVariables(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.tf"), []byte(`
variable "plain" {}
variable "list" {
  type    = list( string )
  default = ["a", "b"]
  validation {
    condition     = length(var.list) > 0
    error_message = "empty"
  }
}
variable "num" {
  type    = number
  default = 1.5
}
variable "flag" {
  type    = bool
  default = true
  sensitive = true
}
variable "obj" {
  type    = object({ a = string })
  default = { a = "x" }
}
`), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "vars.tf.json"), []byte(`{
  "variable": {
    "from_json": {"type": "string", "description": "JSON", "default": "j"}
  }
}`), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "override.tf"), []byte(`variable "plain" { default = "over" }`), 0o600))
	vars, err := loadVariables(dir)
	require.NoError(t, err)
	assert.Equal(t, []provisioner.Variable{
		{Name: "flag", Type: "bool", DefaultValue: "true", Sensitive: true},
		{Name: "from_json", Description: "JSON", Type: "string", DefaultValue: "j"},
		{Name: "list", Type: "list(string)", DefaultValue: `["a","b"]`},
		{Name: "num", Type: "number", DefaultValue: "1.5"},
		{Name: "obj", Type: "object({a=string})", DefaultValue: `{"a":"x"}`},
		{Name: "plain", Type: "string", Required: true},
	}, vars)
}

func TestPreviousParameters(t *testing.T) {
	t.Parallel()
	state := []byte(`{"version":4,"resources":[
	  {"mode":"data","type":"coder_parameter","name":"a","instances":[{"attributes":{"name":"region","value":"eu"}}]},
	  {"mode":"managed","type":"coder_parameter","name":"b","instances":[{"attributes":{"name":"x","value":"y"}}]},
	  {"mode":"data","type":"coder_workspace","name":"me","instances":[{"attributes":{"name":"ws"}}]}
	]}`)
	assert.Equal(t, map[string]string{"region": "eu"}, previousParameters(state))
	assert.Empty(t, previousParameters(nil))
	assert.Empty(t, previousParameters([]byte("not json")))
}

func TestParameterEnv(t *testing.T) {
	t.Parallel()
	// The provider's derivation: the hex SHA-256 of the name.
	assert.Equal(t, "CODER_PARAMETER_2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881", ParameterEnv("x"))
	assert.Equal(t, "CODER_PARAMETER_PREVIOUS_2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881", parameterPreviousEnv("x"))
}

func TestMergeEnv(t *testing.T) {
	t.Parallel()
	s := func(v string) *string { return &v }
	a := provisioner.Agent{Name: "main", Env: map[string]string{"PATH": "/bin"}}
	require.NoError(t, mergeEnv(&a, envAttrs{Name: "PATH", Value: s("/opt/bin"), MergeStrategy: "append"}))
	require.NoError(t, mergeEnv(&a, envAttrs{Name: "PATH", Value: s("/first"), MergeStrategy: "prepend"}))
	require.NoError(t, mergeEnv(&a, envAttrs{Name: "NEW", Value: s("1"), MergeStrategy: "replace"}))
	assert.Equal(t, map[string]string{"PATH": "/first:/bin:/opt/bin", "NEW": "1"}, a.Env)
	err := mergeEnv(&a, envAttrs{Name: "NEW", Value: s("2"), MergeStrategy: "error"})
	_, ok := provisioner.AsFailure(err)
	assert.True(t, ok)
}

func TestConvertAttachesByGraph(t *testing.T) {
	t.Parallel()
	res := func(addr, typ, name, index, values string) tfResource {
		r := tfResource{Address: addr, Mode: "managed", Type: typ, Name: name, Values: json.RawMessage(values)}
		if index != "" {
			r.Index = json.RawMessage(index)
		}
		return r
	}
	// The agent goes to the closest dependent (the secret, not the VM
	// that reads the secret); metadata with an unknown resource_id
	// follows the graph too.
	g := parseGraph([]byte(`"terraform_data.vm" -> "terraform_data.secret"
"terraform_data.secret" -> "coder_agent.dev"
"coder_app.app" -> "coder_agent.dev"
"coder_metadata.vm" -> "terraform_data.vm"`))
	c, err := convert([]tfResource{
		res("coder_agent.dev", "coder_agent", "dev", "", `{"os":"linux","arch":"amd64"}`),
		res("coder_app.app", "coder_app", "app", "", `{"slug":"one"}`),
		res("coder_metadata.vm", "coder_metadata", "vm", "", `{"item":[{"key":"k","value":"v"}]}`),
		res("terraform_data.secret", "terraform_data", "secret", "", `{}`),
		res("terraform_data.vm", "terraform_data", "vm", "", `{}`),
		{Address: "data.coder_parameter.p", Mode: "data", Type: "coder_parameter", Name: "p",
			Values: json.RawMessage(`{"name":"p","type":"string","default":"d","optional":true}`)},
	}, g)
	require.NoError(t, err)
	require.Len(t, c.resources, 2)
	assert.Equal(t, "secret", c.resources[0].Name)
	require.Len(t, c.resources[0].Agents, 1)
	assert.Equal(t, "one", c.resources[0].Agents[0].Apps[0].Slug)
	assert.EqualValues(t, 120, c.resources[0].Agents[0].ConnectionTimeoutSeconds)
	assert.Equal(t, provisioner.DefaultDisplayApps(), *c.resources[0].Agents[0].DisplayApps)
	assert.Equal(t, "vm", c.resources[1].Name)
	assert.Equal(t, []provisioner.ResourceMetadata{{Key: "k", Value: "v"}}, c.resources[1].Metadata)
	require.Len(t, c.parameters, 1)
	assert.Equal(t, "d", c.parameters[0].DefaultValue)
	assert.False(t, c.parameters[0].Required)
}

func TestAttachAgentsPairsInstances(t *testing.T) {
	t.Parallel()
	g := parseGraph([]byte(`"terraform_data.vm" -> "coder_agent.dev"`))
	vm0 := &computeEntry{cfg: "terraform_data.vm"}
	vm1 := &computeEntry{cfg: "terraform_data.vm"}
	a0 := &agentEntry{cfg: "coder_agent.dev"}
	a1 := &agentEntry{cfg: "coder_agent.dev"}
	attachAgents(g, map[string][]*computeEntry{"terraform_data.vm": {vm0, vm1}}, map[string][]*agentEntry{"coder_agent.dev": {a0, a1}})
	assert.Equal(t, []*agentEntry{a0}, vm0.agents)
	assert.Equal(t, []*agentEntry{a1}, vm1.agents)
}

func TestConvertDuplicateAgentNames(t *testing.T) {
	t.Parallel()
	g := parseGraph([]byte(`"terraform_data.vm" -> "coder_agent.dev"`))
	agent := func(i string) tfResource {
		return tfResource{Address: "coder_agent.dev[" + i + "]", Mode: "managed", Type: "coder_agent", Name: "dev", Index: json.RawMessage(i), Values: json.RawMessage(`{}`)}
	}
	_, err := convert([]tfResource{
		agent("0"), agent("1"),
		{Address: "terraform_data.vm", Mode: "managed", Type: "terraform_data", Name: "vm", Values: json.RawMessage(`{}`)},
	}, g)
	f, ok := provisioner.AsFailure(err)
	require.True(t, ok, "%v", err)
	assert.Contains(t, f.Message, `duplicate agent name "dev"`)
}
