package echo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
)

// Log stages, as a user sees them in a job's logs.
const (
	StageSettingUp           = "Setting up"
	StagePlanning            = "Planning"
	StageApplying            = "Applying"
	StageParsing             = "Parsing template parameters"
	StageDetectingPersistent = "Detecting persistent resources"
	StageDetectingEphemeral  = "Detecting ephemeral resources"
)

// timingSource is Timing.Source for every timing echo reports.
const timingSource = "echo"

// New returns the echo provisioner. It is safe for concurrent use; the
// only thing it keeps between calls is a cache of parsed specs.
func New() provisioner.Provisioner {
	return &echoProvisioner{}
}

type echoProvisioner struct {
	specs specCache
}

var _ provisioner.Provisioner = (*echoProvisioner)(nil)

// State is what echo keeps between builds of a workspace, as JSON in
// BuildResult.State.
type State struct {
	// Transition is the last transition applied.
	Transition provisioner.Transition `json:"transition"`
	// Parameters are the parameter values of the last build.
	Parameters map[string]string `json:"parameters,omitempty"`
	// Builds counts the builds applied to the workspace.
	Builds int `json:"builds"`
}

// ParseState decodes a BuildResult.State written by echo. Empty input is
// the state of a workspace that was never built.
func ParseState(data []byte) (State, error) {
	var s State
	if len(data) == 0 {
		return s, nil
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return State{}, fmt.Errorf("echo: decode state: %w", err)
	}
	return s, nil
}

// job carries what one Import or Build is doing: where logs go and the
// timings collected so far.
type job struct {
	ctx     context.Context
	log     provisioner.Logger
	timings []provisioner.Timing
	stage   struct {
		start  time.Time
		name   string
		action string
	}
}

func newJob(ctx context.Context, log provisioner.Logger) *job {
	if log == nil {
		log = provisioner.Discard
	}
	return &job{ctx: ctx, log: log}
}

func (j *job) logf(level provisioner.LogLevel, stage, format string, args ...any) {
	j.log(provisioner.Log{Level: level, Stage: stage, Output: fmt.Sprintf(format, args...)})
}

// begin starts a timed stage, closing the previous one.
func (j *job) begin(stage, action string) {
	j.end()
	j.stage.start, j.stage.name, j.stage.action = time.Now().UTC(), stage, action
}

func (j *job) end() {
	if j.stage.name == "" {
		return
	}
	j.timings = append(j.timings, provisioner.Timing{
		Start:    j.stage.start,
		End:      time.Now().UTC(),
		Action:   j.stage.action,
		Source:   timingSource,
		Resource: "echo",
		Stage:    j.stage.name,
	})
	j.stage.name = ""
}

// run plays a phase's logs, waits its delay and fails if it says so.
func (j *job) run(r *renderer, name string, p Phase, defaultStage string) error {
	for i, l := range p.Logs {
		out, err := r.render(fmt.Sprintf("%s.logs[%d].output", name, i), l.Output)
		if err != nil {
			return err
		}
		j.log(provisioner.Log{
			Level:  provisioner.LogLevel(orDefault(l.Level, string(provisioner.LogLevelInfo))),
			Stage:  orDefault(l.Stage, defaultStage),
			Output: out,
		})
	}
	if err := sleep(j.ctx, p.Delay); err != nil {
		return err
	}
	if p.Fail != "" {
		msg, err := r.render(name+".fail", p.Fail)
		if err != nil {
			return err
		}
		j.logf(provisioner.LogLevelError, defaultStage, "Error: %s", msg)
		return &provisioner.Failure{Message: msg, Code: p.FailCode}
	}
	return nil
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Import reads the template: its declarations and the resources of the
// start and stop transitions.
func (e *echoProvisioner) Import(ctx context.Context, req provisioner.ImportRequest, log provisioner.Logger) (provisioner.ImportResult, error) {
	j := newJob(ctx, log)
	if err := ctx.Err(); err != nil {
		return provisioner.ImportResult{}, err
	}

	j.begin(provisioner.TimingStageInit, "load template")
	spec, err := e.specs.load(req.Dir)
	if err != nil {
		return provisioner.ImportResult{}, err
	}
	j.logf(provisioner.LogLevelInfo, StageSettingUp, "Loaded %s", spec.file)

	vars, err := resolveVariables(spec.Spec, req.UserVariableValues)
	if err != nil {
		return provisioner.ImportResult{}, err
	}
	r := &renderer{spec: spec, data: templateData{
		Metadata:   req.Metadata,
		Transition: req.Metadata.WorkspaceTransition,
		params:     defaultParams(spec.Spec),
		vars:       vars,
	}}

	j.begin(provisioner.TimingStagePlan, "parse template")
	j.logf(provisioner.LogLevelInfo, StageParsing, "Found %d parameters, %d variables, %d presets", len(spec.Parameters), len(spec.Variables), len(spec.Presets))
	if err := j.run(r, "import", spec.Import, StageParsing); err != nil {
		return provisioner.ImportResult{}, err
	}

	// Upstream detects persistent resources with a stop plan and
	// ephemeral ones with a start plan; echo just reads them.
	stop, err := r.resources("stop", spec.Stop.Resources, false)
	if err != nil {
		return provisioner.ImportResult{}, err
	}
	j.logf(provisioner.LogLevelInfo, StageDetectingPersistent, "Found %d resources", len(stop))
	start, err := r.resources("start", spec.Start.Resources, false)
	if err != nil {
		return provisioner.ImportResult{}, err
	}
	j.logf(provisioner.LogLevelInfo, StageDetectingEphemeral, "Found %d resources", len(start))

	readme := spec.Readme
	if readme == "" {
		if b, err := readInRoot(req.Dir, "README.md"); err == nil {
			readme = string(b)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return provisioner.ImportResult{}, err
		}
	}
	if err := ctx.Err(); err != nil {
		return provisioner.ImportResult{}, err
	}
	j.end()
	return provisioner.ImportResult{
		Parameters:            spec.parameters(),
		Variables:             spec.variables(),
		Presets:               spec.presets(),
		ExternalAuthProviders: spec.externalAuth(),
		StartResources:        start,
		StopResources:         stop,
		Readme:                readme,
		Timings:               j.timings,
	}, nil
}

// Build applies (or, with DryRun, plans) the transition in
// req.Metadata.WorkspaceTransition.
func (e *echoProvisioner) Build(ctx context.Context, req provisioner.BuildRequest, log provisioner.Logger) (provisioner.BuildResult, error) {
	j := newJob(ctx, log)
	if err := ctx.Err(); err != nil {
		return provisioner.BuildResult{}, err
	}
	transition := req.Metadata.WorkspaceTransition
	if transition == "" {
		transition = provisioner.TransitionStart
	}
	if !transition.Valid() {
		return provisioner.BuildResult{}, fmt.Errorf("echo: unknown transition %q", transition)
	}

	j.begin(provisioner.TimingStageInit, "load template")
	spec, err := e.specs.load(req.Dir)
	if err != nil {
		return provisioner.BuildResult{}, err
	}
	j.logf(provisioner.LogLevelInfo, StageSettingUp, "Loaded %s", spec.file)
	prev, err := ParseState(req.State)
	if err != nil {
		return provisioner.BuildResult{}, &provisioner.Failure{Message: "the workspace state is corrupt: " + err.Error()}
	}
	vars, err := resolveVariables(spec.Spec, req.VariableValues)
	if err != nil {
		return provisioner.BuildResult{}, err
	}
	params, err := resolveParameters(spec.Spec, req.RichParameterValues, j)
	if err != nil {
		return provisioner.BuildResult{}, err
	}
	r := &renderer{spec: spec, data: templateData{Metadata: req.Metadata, Transition: transition, params: params, vars: vars}}

	j.begin(provisioner.TimingStagePlan, "plan")
	phaseName := string(transition)
	phase := spec.phase(transition)
	resources, err := r.resources(phaseName, phase.Resources, true)
	if err != nil {
		return provisioner.BuildResult{}, err
	}
	j.logf(provisioner.LogLevelInfo, StagePlanning, "Plan: %s %s", transition, describe(resources))
	result := provisioner.BuildResult{State: req.State, Resources: resources, Parameters: spec.parameters()}
	if req.DryRun {
		if err := j.run(r, phaseName, phase, StagePlanning); err != nil {
			return provisioner.BuildResult{}, err
		}
		j.end()
		result.Timings = j.timings
		return result, nil
	}

	j.begin(provisioner.TimingStageApply, string(transition))
	if err := j.run(r, phaseName, phase, StageApplying); err != nil {
		return provisioner.BuildResult{}, err
	}
	verb := map[provisioner.Transition]string{
		provisioner.TransitionStart:  "Creation complete",
		provisioner.TransitionStop:   "Stopped",
		provisioner.TransitionDelete: "Destruction complete",
	}[transition]
	for _, res := range resources {
		j.logf(provisioner.LogLevelInfo, StageApplying, "%s.%s: %s", res.Type, res.Name, verb)
	}
	state, err := json.Marshal(State{Transition: transition, Parameters: params, Builds: prev.Builds + 1})
	if err != nil {
		return provisioner.BuildResult{}, fmt.Errorf("echo: encode state: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return provisioner.BuildResult{}, err
	}
	j.logf(provisioner.LogLevelInfo, StageApplying, "Apply complete! Resources: %d", len(resources))
	j.end()
	result.State, result.Timings = state, j.timings
	return result, nil
}

func describe(resources []provisioner.Resource) string {
	if len(resources) == 0 {
		return "no resources"
	}
	names := make([]string, len(resources))
	for i, r := range resources {
		names[i] = r.Type + "." + r.Name
	}
	return strings.Join(names, ", ")
}

// resolveVariables returns the value of every template variable: the
// given value, else the default. Required variables without a value fail
// with ErrorCodeRequiredTemplateVariables, naming them all.
func resolveVariables(spec Spec, given []provisioner.VariableValue) (map[string]string, error) {
	values := make(map[string]string, len(given))
	for _, v := range given {
		values[v.Name] = v.Value
	}
	out := make(map[string]string, len(spec.Variables))
	var missing []string
	for _, v := range spec.Variables {
		value, ok := values[v.Name]
		if !ok || (v.Required && value == "") {
			if v.Required {
				missing = append(missing, v.Name)
				continue
			}
			value = v.Default
		}
		if err := provisioner.ValidateVariableValue(v.toProvisioner(), value); err != nil {
			return nil, &provisioner.Failure{Message: err.Error()}
		}
		out[v.Name] = value
	}
	if len(missing) > 0 {
		vars := make([]provisioner.Variable, len(spec.Variables))
		for i, v := range spec.Variables {
			vars[i] = v.toProvisioner()
		}
		return nil, &provisioner.Failure{
			Code:      provisioner.ErrorCodeRequiredTemplateVariables,
			Message:   fmt.Sprintf("required template variables need values: %s", strings.Join(missing, ", ")),
			Variables: vars,
		}
	}
	return out, nil
}

// resolveParameters validates the build's parameter values against the
// template, as the coder provider does during a plan, and fills in
// defaults.
func resolveParameters(spec Spec, given []provisioner.RichParameterValue, j *job) (map[string]string, error) {
	values := make(map[string]string, len(given))
	for _, v := range given {
		values[v.Name] = v.Value
	}
	out := make(map[string]string, len(spec.Parameters))
	for _, p := range spec.Parameters {
		rp := p.toProvisioner()
		value := values[p.Name]
		delete(values, p.Name)
		if err := provisioner.ValidateParameterValue(rp, value, nil); err != nil {
			return nil, &provisioner.Failure{Message: err.Error()}
		}
		if value == "" {
			value = rp.DefaultValue
		}
		out[p.Name] = value
	}
	unknown := make([]string, 0, len(values))
	for name := range values {
		unknown = append(unknown, name)
	}
	sort.Strings(unknown)
	for _, name := range unknown {
		j.logf(provisioner.LogLevelWarn, StageSettingUp, "Ignoring a value for parameter %q, which the template does not declare", name)
	}
	return out, nil
}

func defaultParams(spec Spec) map[string]string {
	out := make(map[string]string, len(spec.Parameters))
	for _, p := range spec.Parameters {
		out[p.Name] = p.Default
	}
	return out
}
