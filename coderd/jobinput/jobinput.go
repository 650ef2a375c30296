// Package jobinput declares the input JSON of each provisioner job type,
// once: the API writes it when it enqueues a job and the daemon reads it when
// it runs one, so both sides use these types.
package jobinput

import "github.com/google/uuid"

// WorkspaceBuild is the input of a workspace_build job. The daemon goes by
// the build whose job it runs; the ID here only guards against a job pointing
// at some other build.
type WorkspaceBuild struct {
	WorkspaceBuildID uuid.UUID `json:"workspace_build_id"`
	// LogLevel is upstream's "debug" switch. It is stored and shown but the
	// provisioner contract has no log level, so the daemon does not use it.
	LogLevel string `json:"log_level,omitempty"`
	// UseBuildState starts the provisioner from the state stored on the build
	// itself (an orphan delete's empty state, or one a template administrator
	// gave) instead of the previous build's.
	UseBuildState bool `json:"use_build_state,omitempty"`
}

// TemplateVersionImport is the input of a template_version_import job.
type TemplateVersionImport struct {
	TemplateVersionID  uuid.UUID       `json:"template_version_id"`
	UserVariableValues []VariableValue `json:"user_variable_values"`
}

// TemplateVersionDryRun is the input of a template_version_dry_run job.
// Missing fields mean none.
type TemplateVersionDryRun struct {
	TemplateVersionID   uuid.UUID        `json:"template_version_id"`
	WorkspaceName       string           `json:"workspace_name"`
	RichParameterValues []ParameterValue `json:"rich_parameter_values"`
	// UserVariableValues override the values the version was imported with.
	UserVariableValues []VariableValue `json:"user_variable_values"`
}

// VariableValue is a template variable's value given by the user.
type VariableValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// ParameterValue is a rich parameter's value given by the user.
type ParameterValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Shown is the part of any job's input the API shows on a provisioner job:
// which version or build it is about.
type Shown struct {
	TemplateVersionID *uuid.UUID `json:"template_version_id,omitempty"`
	WorkspaceBuildID  *uuid.UUID `json:"workspace_build_id,omitempty"`
}
