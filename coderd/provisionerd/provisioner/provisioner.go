// Package provisioner is the contract between the provisioner daemon and the
// things that turn a template into infrastructure (Terraform, echo).
//
// Every workspace change is a build, and every build is carried out by a
// provisioner job: an import job reads a template version (Import), a build
// job applies one workspace transition (Build). The package holds only types
// and pure functions; it does no I/O, so the daemon, the HTTP layer and the
// provisioners can all depend on it.
//
// Field names follow upstream Coder's provisioner protocol and codersdk
// types (TemplateVersionParameter, WorkspaceResource, WorkspaceAgent,
// WorkspaceApp, Preset, TemplateVersionVariable) so the HTTP layer can map
// them one to one.
package provisioner

import (
	"context"
	"errors"
	"time"

	"github.com/google/uuid"
)

// Provisioner turns a template directory into parameters and resources.
//
// Implementations must stream logs through the Logger as they are produced,
// must be safe for concurrent use, and must stop promptly when ctx is
// canceled, returning ctx.Err(). A *Failure error means the template itself
// failed (bad configuration, a resource error): the job fails with the
// failure's message shown to the user. Any other error is an
// infrastructure error.
type Provisioner interface {
	// Import reads a template version: its parameters, variables, presets,
	// external auth requirements, readme and the resources a start and a
	// stop build would create, without running a build.
	Import(ctx context.Context, req ImportRequest, log Logger) (ImportResult, error)
	// Build applies one workspace transition (or plans it when DryRun).
	Build(ctx context.Context, req BuildRequest, log Logger) (BuildResult, error)
}

// Transition is what a build does to a workspace.
type Transition string

const (
	TransitionStart  Transition = "start"
	TransitionStop   Transition = "stop"
	TransitionDelete Transition = "delete"
)

// Valid reports whether t is one of the known transitions.
func (t Transition) Valid() bool {
	switch t {
	case TransitionStart, TransitionStop, TransitionDelete:
		return true
	}
	return false
}

// LogLevel is the severity of a provisioner log line.
type LogLevel string

const (
	LogLevelTrace LogLevel = "trace"
	LogLevelDebug LogLevel = "debug"
	LogLevelInfo  LogLevel = "info"
	LogLevelWarn  LogLevel = "warn"
	LogLevelError LogLevel = "error"
)

// Valid reports whether l is one of the known levels.
func (l LogLevel) Valid() bool {
	switch l {
	case LogLevelTrace, LogLevelDebug, LogLevelInfo, LogLevelWarn, LogLevelError:
		return true
	}
	return false
}

// Log is one line of provisioner output. Stage groups lines in the UI
// ("Setting up", "Planning", "Applying", ...).
type Log struct {
	Level  LogLevel
	Stage  string
	Output string
}

// Logger receives logs as they are produced. Provisioners call it from the
// goroutine running Import or Build, never concurrently.
type Logger func(Log)

// Discard is a Logger that drops every log.
func Discard(Log) {}

// Metadata is what a build knows about its workspace; Terraform exposes it
// to templates through the coder provider's environment.
type Metadata struct {
	CoderURL                   string
	WorkspaceTransition        Transition
	WorkspaceName              string
	WorkspaceOwner             string
	WorkspaceOwnerEmail        string
	WorkspaceOwnerName         string
	WorkspaceID                uuid.UUID
	WorkspaceOwnerID           uuid.UUID
	WorkspaceBuildID           uuid.UUID
	TemplateID                 uuid.UUID
	TemplateName               string
	TemplateVersion            string
	WorkspaceOwnerGroups       []string
	WorkspaceOwnerSessionToken string
}

// Parameter types (RichParameter.Type).
const (
	ParameterTypeString     = "string"
	ParameterTypeNumber     = "number"
	ParameterTypeBool       = "bool"
	ParameterTypeListString = "list(string)"
)

// Monotonicity rules (RichParameter.ValidationMonotonic).
const (
	MonotonicIncreasing = "increasing"
	MonotonicDecreasing = "decreasing"
)

// RichParameter is a template parameter a user sets on a workspace
// (codersdk.TemplateVersionParameter). A parameter is Required when it has
// no default value.
type RichParameter struct {
	Name                string
	DisplayName         string
	Description         string
	Type                string
	FormType            string
	DefaultValue        string
	Icon                string
	Mutable             bool
	Ephemeral           bool
	Required            bool
	Options             []RichParameterOption
	ValidationRegex     string
	ValidationError     string
	ValidationMin       *int32
	ValidationMax       *int32
	ValidationMonotonic string
	Order               int32
}

// RichParameterOption is one choice of a parameter with options.
type RichParameterOption struct {
	Name        string
	Description string
	Value       string
	Icon        string
}

// RichParameterValue is the value of a parameter for one build.
type RichParameterValue struct {
	Name  string
	Value string
}

// Variable is a template variable an admin sets on a template version
// (codersdk.TemplateVersionVariable).
type Variable struct {
	Name         string
	Description  string
	Type         string
	DefaultValue string
	Required     bool
	Sensitive    bool
}

// VariableValue is the value of a template variable.
type VariableValue struct {
	Name      string
	Value     string
	Sensitive bool
}

// Preset is a named set of parameter values (codersdk.Preset).
type Preset struct {
	Name        string
	Description string
	Icon        string
	Parameters  []RichParameterValue
	Default     bool
}

// ExternalAuthProviderRequirement says a template needs a token from an
// external auth provider (codersdk.TemplateVersionExternalAuth).
type ExternalAuthProviderRequirement struct {
	ID       string
	Optional bool
}

// Resource is a piece of infrastructure a build creates
// (codersdk.WorkspaceResource).
type Resource struct {
	Name         string
	Type         string
	Hide         bool
	Icon         string
	InstanceType string
	DailyCost    int32
	Agents       []Agent
	Metadata     []ResourceMetadata
}

// ResourceMetadata is a key/value shown on a resource in the UI.
type ResourceMetadata struct {
	Key       string
	Value     string
	Sensitive bool
	IsNull    bool
}

// Agent authentication methods (Agent.Auth).
const (
	AgentAuthToken      = "token"
	AgentAuthInstanceID = "instance_id"
)

// Agent is the process that runs inside a resource and connects back to the
// control plane (codersdk.WorkspaceAgent).
type Agent struct {
	// ID is the agent's ID; zero means the server assigns one.
	ID              uuid.UUID
	Name            string
	OperatingSystem string
	Architecture    string
	Directory       string
	Env             map[string]string
	Apps            []App
	// Auth is AgentAuthToken (the agent presents Token) or
	// AgentAuthInstanceID (the agent proves it runs on InstanceID).
	Auth                     string
	Token                    string
	InstanceID               string
	ConnectionTimeoutSeconds int32
	TroubleshootingURL       string
	MOTDFile                 string
	Scripts                  []AgentScript
	Metadata                 []AgentMetadata
	DisplayApps              *DisplayApps
	Order                    int64
}

// AgentScript is a script the agent runs (codersdk.WorkspaceAgentScript).
type AgentScript struct {
	DisplayName      string
	Icon             string
	Script           string
	Cron             string
	StartBlocksLogin bool
	RunOnStart       bool
	RunOnStop        bool
	TimeoutSeconds   int32
	LogPath          string
}

// AgentMetadata is a value the agent collects periodically by running
// Script (codersdk.WorkspaceAgentMetadataDescription).
type AgentMetadata struct {
	Key         string
	DisplayName string
	Script      string
	Interval    int64
	Timeout     int64
	Order       int64
}

// DisplayApps selects the built-in apps shown for an agent
// (codersdk.DisplayApp).
type DisplayApps struct {
	VSCode               bool
	VSCodeInsiders       bool
	WebTerminal          bool
	SSHHelper            bool
	PortForwardingHelper bool
}

// DefaultDisplayApps is what an agent shows when the template says nothing.
func DefaultDisplayApps() DisplayApps {
	return DisplayApps{VSCode: true, WebTerminal: true, SSHHelper: true, PortForwardingHelper: true}
}

// App sharing levels (App.SharingLevel).
const (
	AppSharingLevelOwner         = "owner"
	AppSharingLevelAuthenticated = "authenticated"
	AppSharingLevelOrganization  = "organization"
	AppSharingLevelPublic        = "public"
)

// App open-in modes (App.OpenIn).
const (
	AppOpenInSlimWindow = "slim-window"
	AppOpenInTab        = "tab"
)

// App is an application reachable through an agent (codersdk.WorkspaceApp).
type App struct {
	Slug         string
	DisplayName  string
	Command      string
	URL          string
	Icon         string
	Subdomain    bool
	External     bool
	Hidden       bool
	SharingLevel string
	Healthcheck  *Healthcheck
	Order        int64
	OpenIn       string
	Group        string
}

// Healthcheck tells the agent how to probe an app (codersdk.Healthcheck).
type Healthcheck struct {
	URL string
	// Interval in seconds between checks.
	Interval int32
	// Threshold is the number of consecutive failures before the app is
	// unhealthy.
	Threshold int32
}

// Timing stages (Timing.Stage), as in codersdk.ProvisionerJobTimingStage.
const (
	TimingStageInit  = "init"
	TimingStagePlan  = "plan"
	TimingStageGraph = "graph"
	TimingStageApply = "apply"
)

// Timing records how long one step of a job took
// (codersdk.ProvisionerTiming).
type Timing struct {
	Start    time.Time
	End      time.Time
	Action   string
	Source   string
	Resource string
	Stage    string
}

// ImportRequest asks a provisioner to read the template in Dir.
type ImportRequest struct {
	Dir                string
	Metadata           Metadata
	UserVariableValues []VariableValue
}

// ImportResult is what a template version declares.
type ImportResult struct {
	Parameters            []RichParameter
	Variables             []Variable
	Presets               []Preset
	ExternalAuthProviders []ExternalAuthProviderRequirement
	StartResources        []Resource
	StopResources         []Resource
	Readme                string
	Timings               []Timing
}

// BuildRequest asks a provisioner to apply Metadata.WorkspaceTransition to
// the workspace whose previous state is State.
type BuildRequest struct {
	Dir                 string
	Metadata            Metadata
	State               []byte
	RichParameterValues []RichParameterValue
	VariableValues      []VariableValue
	// DryRun plans the build without applying it: resources are returned
	// but the state does not change.
	DryRun bool
}

// BuildResult is the outcome of a build. State is opaque to everyone but
// the provisioner and is passed back in the next BuildRequest.
type BuildResult struct {
	State      []byte
	Resources  []Resource
	Parameters []RichParameter
	Timings    []Timing
}

// Job error codes (Failure.Code), as in codersdk.JobErrorCode.
const (
	// ErrorCodeRequiredTemplateVariables: the template has variables
	// without a default and no value was given for them.
	ErrorCodeRequiredTemplateVariables = "REQUIRED_TEMPLATE_VARIABLES"
)

// Failure is returned (as an error) when the template itself failed — bad
// configuration, a resource error — as opposed to an infrastructure error.
// The job fails with Message shown to the user and Code as its error_code.
type Failure struct {
	Message string
	Code    string
	// Variables, with ErrorCodeRequiredTemplateVariables, are the
	// template's variables: stored with the failed version so a client
	// can ask for their values and import again.
	Variables []Variable
}

func (f *Failure) Error() string {
	if f.Code != "" {
		return f.Code + ": " + f.Message
	}
	return f.Message
}

// AsFailure reports whether err is (or wraps) a *Failure and returns it.
func AsFailure(err error) (*Failure, bool) {
	var f *Failure
	if errors.As(err, &f) {
		return f, true
	}
	return nil, false
}
