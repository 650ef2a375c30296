package provisionerd_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/database"
)

func TestImportSuccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	spec := echo.SimpleSpec()
	// Enough lines for several batches, to check they keep their order.
	for i := range 120 {
		spec.Import.Logs = append(spec.Import.Logs, echo.Log{Output: fmt.Sprintf("line %03d", i)})
	}
	spec.ExternalAuth = []echo.ExternalAuth{{ID: "github", Optional: true}}
	d := e.daemon("test-1", nil)
	job, version := e.enqueue(jobSpec{
		fileID: e.specFile(spec),
		input: map[string]any{
			"template_version_id":  uuid.Nil, // the daemon goes by the job's version
			"user_variable_values": []map[string]string{{"name": "image", "value": "ubuntu:24.04"}},
		},
	})
	job = e.waitJob(job.ID, completed)
	requireSucceeded(t, job)
	require.Equal(t, uuid.NullUUID{UUID: d.ID(), Valid: true}, job.WorkerID)

	params, err := e.raw.GetTemplateVersionParameters(e.ctx, version.ID)
	require.NoError(t, err)
	require.Len(t, params, 2)
	region, cpu := params[0], params[1]
	require.Equal(t, "region", region.Name)
	require.Equal(t, "Region", region.DisplayName)
	require.Equal(t, "us", region.DefaultValue)
	require.False(t, region.Required)
	require.JSONEq(t, `[{"name":"United States","description":"","value":"us","icon":""},{"name":"Europe","description":"","value":"eu","icon":""}]`, string(region.Options))
	require.Equal(t, "cpu", cpu.Name)
	require.Equal(t, "number", cpu.Type)
	require.True(t, cpu.Mutable)
	require.Equal(t, int32(1), deref(cpu.ValidationMin))
	require.Equal(t, int32(8), deref(cpu.ValidationMax))
	require.JSONEq(t, `[]`, string(cpu.Options))

	vars, err := e.raw.GetTemplateVersionVariables(e.ctx, version.ID)
	require.NoError(t, err)
	require.Len(t, vars, 1)
	require.Equal(t, "image", vars[0].Name)
	require.Equal(t, "ubuntu:24.04", vars[0].Value)
	require.Equal(t, "codercom/enterprise-base:ubuntu", vars[0].DefaultValue)

	presets, err := e.raw.GetPresetsByTemplateVersionID(e.ctx, version.ID)
	require.NoError(t, err)
	require.Len(t, presets, 1)
	require.Equal(t, "Europe, small", presets[0].Name)
	var presetParams []map[string]string
	require.NoError(t, json.Unmarshal(presets[0].Parameters, &presetParams))
	require.ElementsMatch(t, []map[string]string{{"name": "region", "value": "eu"}, {"name": "cpu", "value": "1"}}, presetParams)

	resources, err := e.raw.GetWorkspaceResourcesByJobID(e.ctx, job.ID)
	require.NoError(t, err)
	var got []string
	for _, r := range resources {
		got = append(got, fmt.Sprintf("%s %s.%s", r.Transition, r.Type, r.Name))
	}
	require.Equal(t, []string{"start docker_container.dev", "start docker_volume.home", "stop docker_volume.home"}, got)
	require.JSONEq(t, `[{"key":"region","value":"us","sensitive":false},{"key":"cpu","value":"2","sensitive":false},{"key":"image","value":"ubuntu:24.04","sensitive":false}]`, string(resources[0].Metadata))

	agents, err := e.raw.GetWorkspaceAgentsByJobID(e.ctx, job.ID)
	require.NoError(t, err)
	require.Len(t, agents, 1)
	agent := agents[0]
	require.Equal(t, resources[0].ID, agent.ResourceID)
	require.Equal(t, "main", agent.Name)
	require.Equal(t, "linux", agent.OperatingSystem)
	require.Equal(t, "/home/coder", agent.Directory)
	require.Len(t, agent.AuthTokenHash, 32)
	require.JSONEq(t, `{}`, string(agent.EnvironmentVariables))
	require.ElementsMatch(t, []string{"vscode", "web_terminal", "ssh_helper", "port_forwarding_helper"}, agent.DisplayApps)

	apps, err := e.raw.GetWorkspaceAppsByJobID(e.ctx, job.ID)
	require.NoError(t, err)
	require.Len(t, apps, 1)
	require.Equal(t, "code-server", apps[0].Slug)
	require.Equal(t, agent.ID, apps[0].AgentID)
	require.Equal(t, "owner", apps[0].SharingLevel)
	require.Equal(t, "http://localhost:13337/healthz", apps[0].HealthcheckUrl)
	require.Equal(t, int32(5), apps[0].HealthcheckInterval)
	require.Equal(t, int32(6), apps[0].HealthcheckThreshold)
	require.Equal(t, "initializing", apps[0].Health)

	version, err = e.raw.GetTemplateVersionByID(e.ctx, version.ID)
	require.NoError(t, err)
	require.Equal(t, spec.Readme, version.Readme)
	require.JSONEq(t, `[{"id":"github","optional":true}]`, string(version.ExternalAuthProviders))

	// Logs: stored in the order produced, framed by the daemon's own lines.
	logs := e.logs(job.ID)
	require.NotEmpty(t, logs)
	first, last := logs[0], logs[len(logs)-1]
	require.Equal(t, database.LogSourceProvisionerDaemon, first.Source)
	require.Equal(t, "Setting up", first.Stage)
	require.Contains(t, first.Output, "Acquired job")
	require.Equal(t, database.LogSourceProvisionerDaemon, last.Source)
	require.Equal(t, "Cleaning up", last.Stage)
	var lines []string
	stages := map[string]bool{}
	for i, l := range logs {
		if i > 0 {
			require.Greater(t, l.ID, logs[i-1].ID)
		}
		if l.Source == database.LogSourceProvisioner {
			stages[l.Stage] = true
			if strings.HasPrefix(l.Output, "line ") {
				lines = append(lines, l.Output)
			}
		}
	}
	require.Len(t, lines, 120)
	for i, l := range lines {
		require.Equal(t, fmt.Sprintf("line %03d", i), l)
	}
	for _, s := range []string{echo.StageSettingUp, echo.StageParsing, echo.StageDetectingPersistent, echo.StageDetectingEphemeral} {
		require.True(t, stages[s], "no provisioner logs in stage %q", s)
	}

	// The daemon registered with the offered tags and provisioners.
	daemons, err := e.raw.GetProvisionerDaemonsByOrganization(e.ctx, e.org.ID)
	require.NoError(t, err)
	require.Len(t, daemons, 1)
	require.Equal(t, "test-1", daemons[0].ProvisionerDaemon.Name)
	require.Equal(t, []string{"echo"}, daemons[0].ProvisionerDaemon.Provisioners)
	require.JSONEq(t, `{"scope":"organization"}`, string(daemons[0].ProvisionerDaemon.Tags))
	require.NotNil(t, daemons[0].ProvisionerDaemon.LastSeenAt)
}

func TestImportFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", nil)
	spec := echo.Spec{Import: echo.Phase{Logs: []echo.Log{{Output: "about to fail"}}, Fail: "boom", FailCode: "CUSTOM"}}
	job, version := e.enqueue(jobSpec{fileID: e.specFile(spec)})
	job = e.waitJob(job.ID, completed)
	require.Equal(t, "boom", deref(job.Error))
	require.Equal(t, "CUSTOM", deref(job.ErrorCode))
	require.Nil(t, job.CanceledAt)

	var outputs []string
	for _, l := range e.logs(job.ID) {
		outputs = append(outputs, l.Output)
	}
	require.Contains(t, outputs, "about to fail")
	require.Contains(t, outputs, "Error: boom")
	require.Contains(t, outputs, "Job failed: CUSTOM: boom")

	// Nothing of a failed import is stored.
	params, err := e.raw.GetTemplateVersionParameters(e.ctx, version.ID)
	require.NoError(t, err)
	require.Empty(t, params)
	resources, err := e.raw.GetWorkspaceResourcesByJobID(e.ctx, job.ID)
	require.NoError(t, err)
	require.Empty(t, resources)
}

func TestRequiredVariables(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", nil)
	spec := echo.Spec{Variables: []echo.Variable{
		{Name: "api_key", Type: "string", Required: true, Sensitive: true},
		{Name: "region", Type: "string", Default: "us"},
	}}
	file := e.specFile(spec)

	missing, missingVersion := e.enqueue(jobSpec{fileID: file})
	missing = e.waitJob(missing.ID, completed)
	require.Equal(t, provisioner.ErrorCodeRequiredTemplateVariables, deref(missing.ErrorCode))
	require.Contains(t, deref(missing.Error), "api_key")
	// The failed version keeps its variables, so a client can ask for them.
	asked, err := e.raw.GetTemplateVersionVariables(e.ctx, missingVersion.ID)
	require.NoError(t, err)
	require.Len(t, asked, 2)
	require.Equal(t, "api_key", asked[0].Name)
	require.True(t, asked[0].Required)
	require.Equal(t, "", asked[0].Value)

	given, version := e.enqueue(jobSpec{fileID: file, input: map[string]any{
		"user_variable_values": []map[string]string{{"name": "api_key", "value": "s3cret"}},
	}})
	requireSucceeded(t, e.waitJob(given.ID, completed))
	vars, err := e.raw.GetTemplateVersionVariables(e.ctx, version.ID)
	require.NoError(t, err)
	require.Len(t, vars, 2)
	require.Equal(t, "api_key", vars[0].Name)
	require.Equal(t, "s3cret", vars[0].Value)
	require.True(t, vars[0].Sensitive)
	require.True(t, vars[0].Required)
	require.Equal(t, "region", vars[1].Name)
	require.Equal(t, "us", vars[1].Value)
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", nil)
	file := e.file(echo.SimpleTemplate(), "application/x-tar")

	// Lenient: an empty object is no variables.
	empty, _ := e.enqueue(jobSpec{fileID: file, input: map[string]any{}})
	requireSucceeded(t, e.waitJob(empty.ID, completed))

	// Input that is not an object fails the job, clearly.
	bad, _ := e.enqueue(jobSpec{fileID: file, input: []int{1, 2}})
	bad = e.waitJob(bad.ID, completed)
	require.Contains(t, deref(bad.Error), "input is not valid")
}

func TestCorruptFile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", nil)

	for name, f := range map[string]struct {
		data     []byte
		mimetype string
	}{
		"garbage tar":  {[]byte("this is not a tar archive at all, not even close................"), "application/x-tar"},
		"garbage zip":  {[]byte("PK\x03\x04 nope"), "application/zip"},
		"unknown type": {echo.SimpleTemplate(), "text/plain"},
	} {
		job, _ := e.enqueue(jobSpec{fileID: e.file(f.data, f.mimetype)})
		job = e.waitJob(job.ID, completed)
		require.Contains(t, deref(job.Error), "template archive cannot be extracted", name)
		require.NotContains(t, deref(job.Error), "internal error", name)
	}
	// No echo.yaml in a valid archive: the provisioner's failure.
	job, _ := e.enqueue(jobSpec{fileID: e.file(mustTar(t, map[string]string{"README.md": "hi"}), "application/x-tar")})
	job = e.waitJob(job.ID, completed)
	require.Contains(t, deref(job.Error), "echo.yaml")

	// The daemon is still serving.
	ok, _ := e.enqueue(jobSpec{fileID: e.file(echo.SimpleTemplate(), "application/x-tar")})
	requireSucceeded(t, e.waitJob(ok.ID, completed))
}
