package terraform_test

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/coderd/provisionerd/terraform"
)

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
