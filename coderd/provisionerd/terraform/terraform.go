// Package terraform is the Terraform provisioner: it imports and builds
// Coder templates written in Terraform with the coder/coder provider.
//
// The coder provider comes from a local filesystem mirror that `make
// build` places beside the binary (see FindProvidersDir), so it needs no
// network. Other providers and modules come from their registries, or
// from the operator's network mirror, through a plugin cache shared by
// all jobs; in offline mode only the filesystem mirror is used. Every
// Terraform command gets a CLI configuration file saying so (Install).
//
// An import runs init, reads the template's variables from its source,
// then plans a stop and a start transition and reads parameters, presets,
// external auth requirements and resources from the plans. A build writes
// the previous state into the template directory, plans the transition
// and applies the saved plan. Workspace facts (owner, name, transition,
// parameter values) reach the provider through the environment variables
// it reads.
package terraform

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
)

// DefaultCancelGrace is how long Terraform may take to stop after an
// interrupt before it is killed.
const DefaultCancelGrace = 30 * time.Second

// Options configures the provisioner.
type Options struct {
	// TerraformPath is the terraform executable: a path, or a name looked
	// up in PATH. Default "terraform".
	TerraformPath string
	// CacheDir holds the generated Terraform CLI configuration and, by
	// default, the plugin cache; default DefaultCacheDir().
	CacheDir string
	// ProvidersDir is the filesystem mirror holding the coder provider;
	// default: found by FindProvidersDir.
	ProvidersDir string
	// Offline installs providers from ProvidersDir only.
	Offline bool
	// NetworkMirrorURL is an https provider network mirror to install
	// providers other than coder/coder from, instead of their registries.
	NetworkMirrorURL string
	// PluginCacheDir is Terraform's plugin cache, shared by every job so
	// that a provider is downloaded once; default
	// CacheDir/terraform-plugin-cache. Not used offline.
	PluginCacheDir string
	Logger         slog.Logger
	// CancelGrace is how long a canceled job's Terraform may take to stop
	// after an interrupt before it is killed (default 30s).
	CancelGrace time.Duration
	// Env adds KEY=VALUE pairs to the environment of every Terraform run,
	// for instance CODER_AGENT_SCRIPT_linux_amd64, the agent bootstrap
	// script the provider puts in coder_agent.init_script.
	Env []string
}

// Provisioner runs Terraform. It is safe for concurrent use: each job
// works in its own directory.
type Provisioner struct {
	opts Options

	mu    sync.Mutex
	setup *setup
}

// setup is what every job shares once it is known to work.
type setup struct {
	install       Install
	cliConfigFile string
}

var _ provisioner.Provisioner = (*Provisioner)(nil)

// New returns a Terraform provisioner. Nothing is checked until the first
// job (or Prepare).
func New(opts Options) *Provisioner {
	if opts.TerraformPath == "" {
		opts.TerraformPath = "terraform"
	}
	if opts.CancelGrace <= 0 {
		opts.CancelGrace = DefaultCancelGrace
	}
	return &Provisioner{opts: opts}
}

// Prepare finds terraform and the coder provider and writes the CLI
// configuration, so that a server reports a broken setup at start-up
// rather than in the first job. Jobs do the same on their own. Nothing is
// built or downloaded.
func (p *Provisioner) Prepare(context.Context) error {
	if _, err := p.terraformPath(); err != nil {
		return err
	}
	_, err := p.ensureSetup()
	return err
}

func (p *Provisioner) terraformPath() (string, error) {
	path, err := exec.LookPath(p.opts.TerraformPath)
	if err != nil {
		return "", &provisioner.Failure{Message: fmt.Sprintf(
			"the terraform executable %q was not found: install Terraform on the server or point the server's --terraform-path at it (%s)",
			p.opts.TerraformPath, err)}
	}
	return path, nil
}

// ensureSetup finds the coder provider and writes the CLI configuration,
// once it succeeds.
func (p *Provisioner) ensureSetup() (setup, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.setup != nil {
		return *p.setup, nil
	}
	cacheDir := p.opts.CacheDir
	if cacheDir == "" {
		var err error
		if cacheDir, err = DefaultCacheDir(); err != nil {
			return setup{}, err
		}
	}
	cacheDir, err := filepath.Abs(cacheDir)
	if err != nil {
		return setup{}, xerrors.Errorf("resolve cache dir: %w", err)
	}
	providersDir, err := FindProvidersDir(p.opts.ProvidersDir, cacheDir)
	if err != nil {
		return setup{}, err
	}
	in := Install{ProvidersDir: providersDir, Offline: p.opts.Offline}
	if !in.Offline {
		if p.opts.NetworkMirrorURL != "" {
			if in.NetworkMirrorURL, err = ValidateNetworkMirrorURL(p.opts.NetworkMirrorURL); err != nil {
				return setup{}, &provisioner.Failure{Message: err.Error()}
			}
		}
		in.PluginCacheDir = p.opts.PluginCacheDir
		if in.PluginCacheDir == "" {
			in.PluginCacheDir = filepath.Join(cacheDir, "terraform-plugin-cache")
		}
		if in.PluginCacheDir, err = filepath.Abs(in.PluginCacheDir); err != nil {
			return setup{}, xerrors.Errorf("resolve plugin cache dir: %w", err)
		}
		if err := os.MkdirAll(in.PluginCacheDir, 0o755); err != nil {
			return setup{}, xerrors.Errorf("create the Terraform plugin cache: %w", err)
		}
	}
	path, err := writeCLIConfigFor(cacheDir, in)
	if err != nil {
		return setup{}, err
	}
	p.setup = &setup{install: in, cliConfigFile: path}
	return *p.setup, nil
}

// newJob prepares a job in dir: terraform found, the providers found, a
// scratch directory for plan and variable files (they can hold secrets,
// so they stay out of the template directory), the environment set.
func (p *Provisioner) newJob(ctx context.Context, dir string, log provisioner.Logger) (*job, func(), error) {
	if log == nil {
		log = provisioner.Discard
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	tfPath, err := p.terraformPath()
	if err != nil {
		return nil, nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, nil, xerrors.Errorf("resolve template directory: %w", err)
	}
	j := &job{p: p, ctx: ctx, tfPath: tfPath, dir: dir, log: log}
	st, err := p.ensureSetup()
	if err != nil {
		return nil, nil, err
	}
	j.install = st.install
	scratch, err := os.MkdirTemp("", "devplane-terraform-*")
	if err != nil {
		return nil, nil, xerrors.Errorf("create scratch directory: %w", err)
	}
	j.scratch = scratch
	j.env = p.environ(st.cliConfigFile)
	return j, func() { _ = os.RemoveAll(scratch) }, nil
}

// environ is the server's environment without what would leak secrets or
// change how Terraform behaves, plus the CLI configuration.
func (p *Provisioner) environ(cliConfigFile string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		upper := strings.ToUpper(name)
		switch {
		// The server's own settings (database URL, secrets) use CODER_;
		// templates get only the CODER_ variables we set.
		case strings.HasPrefix(upper, "CODER_"), strings.HasPrefix(upper, "DEVPLANE_"):
			continue
		case strings.HasPrefix(upper, "TF_") && !strings.HasPrefix(upper, "TF_VAR_"):
			continue
		}
		env = append(env, kv)
	}
	env = append(env, p.opts.Env...)
	return append(env,
		"TF_CLI_CONFIG_FILE="+cliConfigFile,
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
		// No version check against checkpoint.hashicorp.com.
		"CHECKPOINT_DISABLE=1",
	)
}

// metadataEnv is how the coder provider learns about the workspace.
func metadataEnv(m provisioner.Metadata, transition provisioner.Transition) []string {
	env := []string{"CODER_WORKSPACE_TRANSITION=" + string(transition)}
	add := func(name, value string) {
		if value != "" {
			env = append(env, name+"="+value)
		}
	}
	addID := func(name string, id uuid.UUID) {
		if id != uuid.Nil {
			env = append(env, name+"="+id.String())
		}
	}
	add("CODER_AGENT_URL", m.CoderURL)
	add("CODER_WORKSPACE_NAME", m.WorkspaceName)
	add("CODER_WORKSPACE_OWNER", m.WorkspaceOwner)
	add("CODER_WORKSPACE_OWNER_EMAIL", m.WorkspaceOwnerEmail)
	add("CODER_WORKSPACE_OWNER_NAME", m.WorkspaceOwnerName)
	add("CODER_WORKSPACE_OWNER_SESSION_TOKEN", m.WorkspaceOwnerSessionToken)
	addID("CODER_WORKSPACE_OWNER_ID", m.WorkspaceOwnerID)
	addID("CODER_WORKSPACE_ID", m.WorkspaceID)
	// With a build ID the provider insists on the template's ID, name and
	// version.
	addID("CODER_WORKSPACE_BUILD_ID", m.WorkspaceBuildID)
	addID("CODER_WORKSPACE_TEMPLATE_ID", m.TemplateID)
	add("CODER_WORKSPACE_TEMPLATE_NAME", m.TemplateName)
	add("CODER_WORKSPACE_TEMPLATE_VERSION", m.TemplateVersion)
	groups := m.WorkspaceOwnerGroups
	if groups == nil {
		groups = []string{}
	}
	b, _ := json.Marshal(groups)
	env = append(env, "CODER_WORKSPACE_OWNER_GROUPS="+string(b))
	return env
}

// ParameterEnv is the environment variable the coder provider reads a
// parameter's value from: CODER_PARAMETER_ and the hex SHA-256 of the name.
func ParameterEnv(name string) string {
	sum := sha256.Sum256([]byte(name))
	return "CODER_PARAMETER_" + hex.EncodeToString(sum[:])
}

// parameterPreviousEnv carries the previous build's value, which the
// provider checks monotonic validation against.
func parameterPreviousEnv(name string) string {
	sum := sha256.Sum256([]byte(name))
	return "CODER_PARAMETER_PREVIOUS_" + hex.EncodeToString(sum[:])
}

// previousParameters reads the parameter values recorded in a state file
// (data sources are kept in the state).
func previousParameters(state []byte) map[string]string {
	var s struct {
		Resources []struct {
			Mode      string `json:"mode"`
			Type      string `json:"type"`
			Instances []struct {
				Attributes struct {
					Name  string  `json:"name"`
					Value *string `json:"value"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if len(state) == 0 || json.Unmarshal(state, &s) != nil {
		return nil
	}
	out := map[string]string{}
	for _, r := range s.Resources {
		if r.Mode != "data" || r.Type != "coder_parameter" {
			continue
		}
		for _, in := range r.Instances {
			if in.Attributes.Name != "" && in.Attributes.Value != nil {
				out[in.Attributes.Name] = *in.Attributes.Value
			}
		}
	}
	return out
}

// init runs terraform init. It holds the plugin cache meanwhile: init is
// the only command that writes to it.
func (j *job) init() error {
	if err := j.prepareLockFile(); err != nil {
		return err
	}
	unlock, err := lockPluginCache(j.ctx, j.install.PluginCacheDir)
	if err != nil {
		return err
	}
	defer unlock()
	res, err := j.run(runOpts{
		stage: stageSettingUp, uiJSON: true,
		timingStage: provisioner.TimingStageInit, timingAction: "initializing terraform",
	}, "init", "-json", "-input=false", "-no-color")
	if err != nil {
		return err
	}
	if res.exitErr != nil {
		return j.initFailure(res)
	}
	return nil
}

// graph reads the resource dependency graph.
func (j *job) graph() (*graph, error) {
	res, err := j.run(runOpts{
		stage: stageSettingUp, capture: true,
		timingStage: provisioner.TimingStageGraph, timingAction: "building terraform dependency graph",
	}, "graph")
	if err != nil {
		return nil, err
	}
	if res.exitErr != nil {
		return nil, res.failure("graph")
	}
	return parseGraph(res.stdout), nil
}

// variables reads the template's variables and writes the values for
// them to a tfvars file, returning its path.
func (j *job) variables(given []provisioner.VariableValue) ([]provisioner.Variable, string, error) {
	vars, err := loadVariables(j.dir)
	if err != nil {
		return nil, "", err
	}
	data, err := resolveVariables(vars, given, j)
	if err != nil {
		return vars, "", err
	}
	path := filepath.Join(j.scratch, "values.tfvars.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return vars, "", xerrors.Errorf("write variable values: %w", err)
	}
	return vars, path, nil
}

// plan saves a plan of the transition to planPath.
func (j *job) plan(stage, planPath, varFile string, env []string, destroy bool) error {
	args := []string{"plan", "-json", "-input=false", "-no-color", "-out=" + planPath, "-var-file=" + varFile}
	if destroy {
		args = append(args, "-destroy")
	}
	res, err := j.run(runOpts{stage: stage, uiJSON: true, resourceStage: provisioner.TimingStagePlan, env: env}, args...)
	if err != nil {
		return err
	}
	if res.exitErr != nil {
		return res.failure("plan")
	}
	return nil
}

// show runs terraform show -json on a plan file, or on the state when
// planPath is empty.
func (j *job) show(stage, planPath string) (tfShow, error) {
	args := []string{"show", "-json", "-no-color"}
	if planPath != "" {
		args = append(args, planPath)
	}
	res, err := j.run(runOpts{stage: stage, capture: true}, args...)
	if err != nil {
		return tfShow{}, err
	}
	if res.exitErr != nil {
		return tfShow{}, res.failure("show")
	}
	s, err := parseShow(res.stdout)
	if err != nil {
		return tfShow{}, err
	}
	return s, nil
}

// convertShow converts show output, warning about agents nothing uses.
func (j *job) convertShow(s tfShow, g *graph, stage string, warnUnattached bool) (converted, error) {
	c, err := convert(s.resources(), g)
	if err != nil {
		return c, err
	}
	if warnUnattached {
		for _, addr := range c.unattached {
			j.logf(provisioner.LogLevelWarn, stage,
				"%s is not used by any resource and is ignored: the resource that runs the agent must reference its token or init_script", addr)
		}
	}
	return c, nil
}

// Import reads a template version.
func (p *Provisioner) Import(ctx context.Context, req provisioner.ImportRequest, log provisioner.Logger) (provisioner.ImportResult, error) {
	j, cleanup, err := p.newJob(ctx, req.Dir, log)
	if err != nil {
		return provisioner.ImportResult{}, err
	}
	defer cleanup()

	if err := j.init(); err != nil {
		return provisioner.ImportResult{}, err
	}
	vars, varFile, err := j.variables(req.UserVariableValues)
	if err != nil {
		return provisioner.ImportResult{}, err
	}
	g, err := j.graph()
	if err != nil {
		return provisioner.ImportResult{}, err
	}

	detect := func(stage string, transition provisioner.Transition) (converted, error) {
		planPath := filepath.Join(j.scratch, string(transition)+".tfplan")
		if err := j.plan(stage, planPath, varFile, metadataEnv(req.Metadata, transition), false); err != nil {
			return converted{}, err
		}
		s, err := j.show(stage, planPath)
		if err != nil {
			return converted{}, err
		}
		return j.convertShow(s, g, stage, transition == provisioner.TransitionStart)
	}
	// Resources present when stopped persist; the start plan adds the
	// ephemeral ones and is where parameters are read.
	stop, err := detect(stageDetectingPersistent, provisioner.TransitionStop)
	if err != nil {
		return provisioner.ImportResult{}, err
	}
	start, err := detect(stageDetectingEphemeral, provisioner.TransitionStart)
	if err != nil {
		return provisioner.ImportResult{}, err
	}
	if err := validateDeclarations(&start); err != nil {
		return provisioner.ImportResult{}, err
	}
	j.logf(provisioner.LogLevelInfo, stageParsing, "Found %d parameters, %d variables, %d presets",
		len(start.parameters), len(vars), len(start.presets))

	readme, err := os.ReadFile(filepath.Join(j.dir, "README.md"))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return provisioner.ImportResult{}, xerrors.Errorf("read README.md: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return provisioner.ImportResult{}, err
	}
	return provisioner.ImportResult{
		Parameters:            start.parameters,
		Variables:             vars,
		Presets:               start.presets,
		ExternalAuthProviders: start.externalAuth,
		StartResources:        start.resources,
		StopResources:         stop.resources,
		Readme:                string(readme),
		Timings:               j.timings,
	}, nil
}

// Build applies (or, with DryRun, plans) req.Metadata.WorkspaceTransition.
// When an apply fails or is canceled, the returned BuildResult still
// carries the state Terraform left behind alongside the error, so
// resources it did create are not forgotten.
func (p *Provisioner) Build(ctx context.Context, req provisioner.BuildRequest, log provisioner.Logger) (provisioner.BuildResult, error) {
	transition := req.Metadata.WorkspaceTransition
	if transition == "" {
		transition = provisioner.TransitionStart
	}
	if !transition.Valid() {
		return provisioner.BuildResult{}, xerrors.Errorf("terraform: unknown transition %q", transition)
	}
	j, cleanup, err := p.newJob(ctx, req.Dir, log)
	if err != nil {
		return provisioner.BuildResult{}, err
	}
	defer cleanup()

	statePath := filepath.Join(j.dir, "terraform.tfstate")
	if len(req.State) > 0 {
		if err := os.WriteFile(statePath, req.State, 0o600); err != nil {
			return provisioner.BuildResult{}, xerrors.Errorf("write state: %w", err)
		}
	} else if err := os.Remove(statePath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return provisioner.BuildResult{}, xerrors.Errorf("remove stale state: %w", err)
	}

	if err := j.init(); err != nil {
		return provisioner.BuildResult{}, err
	}
	_, varFile, err := j.variables(req.VariableValues)
	if err != nil {
		return provisioner.BuildResult{}, err
	}
	g, err := j.graph()
	if err != nil {
		return provisioner.BuildResult{}, err
	}

	env := metadataEnv(req.Metadata, transition)
	for _, v := range req.RichParameterValues {
		env = append(env, ParameterEnv(v.Name)+"="+v.Value)
	}
	for name, value := range previousParameters(req.State) {
		env = append(env, parameterPreviousEnv(name)+"="+value)
	}
	planPath := filepath.Join(j.scratch, "build.tfplan")
	destroy := transition == provisioner.TransitionDelete
	if err := j.plan(stagePlanning, planPath, varFile, env, destroy); err != nil {
		return provisioner.BuildResult{}, err
	}

	if req.DryRun {
		s, err := j.show(stagePlanning, planPath)
		if err != nil {
			return provisioner.BuildResult{}, err
		}
		c, err := j.convertShow(s, g, stagePlanning, transition == provisioner.TransitionStart)
		if err != nil {
			return provisioner.BuildResult{}, err
		}
		result := provisioner.BuildResult{State: req.State, Parameters: c.parameters, Timings: j.timings}
		if !destroy {
			result.Resources = c.resources
		}
		return result, nil
	}

	// The saved plan carries the environment's values, but providers
	// read the environment again while applying.
	res, runErr := j.run(runOpts{stage: stageApplying, uiJSON: true, resourceStage: provisioner.TimingStageApply, env: env},
		"apply", "-json", "-input=false", "-no-color", "-auto-approve", planPath)
	state, readErr := os.ReadFile(statePath)
	if readErr != nil && !errors.Is(readErr, fs.ErrNotExist) {
		return provisioner.BuildResult{}, xerrors.Errorf("read state: %w", readErr)
	}
	partial := provisioner.BuildResult{State: state, Timings: j.timings}
	if runErr != nil {
		return partial, runErr
	}
	if res.exitErr != nil {
		return partial, res.failure("apply")
	}

	s, err := j.show(stageApplying, "")
	if err != nil {
		return partial, err
	}
	c, err := j.convertShow(s, g, stageApplying, false)
	if err != nil {
		return partial, err
	}
	result := provisioner.BuildResult{State: state, Parameters: c.parameters, Timings: j.timings}
	if !destroy {
		result.Resources = c.resources
	}
	return result, nil
}
