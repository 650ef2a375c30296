package codersdk

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// TemplateVersionWarning flags something about a version its author should
// look at.
type TemplateVersionWarning string

// TemplateVersionWarningUnsupportedWorkspaces: workspaces of the template
// cannot be updated to this version.
const TemplateVersionWarningUnsupportedWorkspaces TemplateVersionWarning = "UNSUPPORTED_WORKSPACES"

// TemplateVersion is one upload of a template's source, imported by a
// provisioner job.
type TemplateVersion struct {
	ID uuid.UUID `json:"id" format:"uuid"`
	// TemplateID is absent until the version is attached to a template.
	TemplateID     *uuid.UUID     `json:"template_id,omitempty" format:"uuid"`
	OrganizationID uuid.UUID      `json:"organization_id,omitempty" format:"uuid"`
	CreatedAt      time.Time      `json:"created_at" format:"date-time"`
	UpdatedAt      time.Time      `json:"updated_at" format:"date-time"`
	Name           string         `json:"name"`
	Message        string         `json:"message"`
	Job            ProvisionerJob `json:"job"`
	Readme         string         `json:"readme"`
	CreatedBy      MinimalUser    `json:"created_by"`
	Archived       bool           `json:"archived"`

	Warnings            []TemplateVersionWarning `json:"warnings,omitempty" enums:"UNSUPPORTED_WORKSPACES"`
	MatchedProvisioners *MatchedProvisioners     `json:"matched_provisioners,omitempty"`
	HasExternalAgent    bool                     `json:"has_external_agent"`
}

// VariableValue sets a template variable for an import.
type VariableValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// CreateTemplateVersionRequest is the body of POST
// /organizations/{organization}/templateversions.
type CreateTemplateVersionRequest struct {
	// Name defaults to a random friendly name.
	Name    string `json:"name,omitempty" validate:"omitempty,template_version_name"`
	Message string `json:"message,omitempty" validate:"lt=1048577"`
	// TemplateID optionally associates the version with a template.
	TemplateID    uuid.UUID                `json:"template_id,omitempty" format:"uuid"`
	StorageMethod ProvisionerStorageMethod `json:"storage_method" validate:"oneof=file,required" enums:"file"`
	FileID        uuid.UUID                `json:"file_id,omitempty" validate:"required_without=ExampleID" format:"uuid"`
	ExampleID     string                   `json:"example_id,omitempty" validate:"required_without=FileID"`
	Provisioner   ProvisionerType          `json:"provisioner" validate:"oneof=terraform echo,required" enums:"terraform,echo"`
	// ProvisionerTags select the daemons that may run the import.
	ProvisionerTags    map[string]string `json:"tags"`
	UserVariableValues []VariableValue   `json:"user_variable_values,omitempty"`
}

// PatchTemplateVersionRequest is the body of PATCH
// /templateversions/{templateversion}. Fields left out keep their value.
type PatchTemplateVersionRequest struct {
	Name    string  `json:"name" validate:"omitempty,template_version_name"`
	Message *string `json:"message,omitempty" validate:"omitempty,lt=1048577"`
}

// TemplateVersionExternalAuth is an external auth provider a template
// version needs, and whether the caller has linked it.
type TemplateVersionExternalAuth struct {
	ID              string `json:"id"`
	Type            string `json:"type"`
	DisplayName     string `json:"display_name"`
	DisplayIcon     string `json:"display_icon"`
	AuthenticateURL string `json:"authenticate_url"`
	Authenticated   bool   `json:"authenticated"`
	Optional        bool   `json:"optional,omitempty"`
}

// ValidationMonotonicOrder constrains how a number parameter may change
// between builds.
type ValidationMonotonicOrder string

const (
	MonotonicOrderIncreasing ValidationMonotonicOrder = "increasing"
	MonotonicOrderDecreasing ValidationMonotonicOrder = "decreasing"
)

// TemplateVersionParameter is a parameter a template version asks for when
// a workspace is built.
type TemplateVersionParameter struct {
	Name                 string `json:"name"`
	DisplayName          string `json:"display_name,omitempty"`
	Description          string `json:"description"`
	DescriptionPlaintext string `json:"description_plaintext"`
	Type                 string `json:"type" enums:"string,number,bool,list(string)"`
	// FormType has an enum value of empty string, `""`. Keep the leading
	// comma in the enums struct tag.
	FormType            string                           `json:"form_type" enums:",radio,slider,input,dropdown,checkbox,switch,multi-select,tag-select,textarea,error"`
	Mutable             bool                             `json:"mutable"`
	DefaultValue        string                           `json:"default_value"`
	Icon                string                           `json:"icon"`
	Options             []TemplateVersionParameterOption `json:"options"`
	ValidationError     string                           `json:"validation_error,omitempty"`
	ValidationRegex     string                           `json:"validation_regex,omitempty"`
	ValidationMin       *int32                           `json:"validation_min,omitempty"`
	ValidationMax       *int32                           `json:"validation_max,omitempty"`
	ValidationMonotonic ValidationMonotonicOrder         `json:"validation_monotonic,omitempty" enums:"increasing,decreasing"`
	Required            bool                             `json:"required"`
	Ephemeral           bool                             `json:"ephemeral"`
}

// TemplateVersionParameterOption is one choice of a parameter.
type TemplateVersionParameterOption struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Value       string `json:"value"`
	Icon        string `json:"icon"`
}

// TemplateVersionVariable is a Terraform variable of a template version.
// Sensitive values are redacted.
type TemplateVersionVariable struct {
	Name         string `json:"name"`
	Description  string `json:"description"`
	Type         string `json:"type" enums:"string,number,bool"`
	Value        string `json:"value"`
	DefaultValue string `json:"default_value"`
	Required     bool   `json:"required"`
	Sensitive    bool   `json:"sensitive"`
}

// Preset is a named set of parameter values a template version offers.
type Preset struct {
	ID                       uuid.UUID         `json:"id" format:"uuid"`
	Name                     string            `json:"name"`
	Parameters               []PresetParameter `json:"parameters"`
	Default                  bool              `json:"default"`
	DesiredPrebuildInstances *int              `json:"desiredPrebuildInstances"`
	Description              string            `json:"description"`
	Icon                     string            `json:"icon"`
}

// PresetParameter is one value of a preset.
type PresetParameter struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func templateVersionPath(id uuid.UUID, suffix string) string {
	return fmt.Sprintf("/api/v2/templateversions/%s%s", id, suffix)
}

// CreateTemplateVersion uploads a template version and enqueues its import.
func (c *Client) CreateTemplateVersion(ctx context.Context, orgID uuid.UUID, req CreateTemplateVersionRequest) (TemplateVersion, error) {
	var v TemplateVersion
	res, err := c.Request(ctx, http.MethodPost, fmt.Sprintf("/api/v2/organizations/%s/templateversions", orgID), req)
	if err != nil {
		return v, err
	}
	return v, decodeJSON(res, http.StatusCreated, &v)
}

// TemplateVersion returns a template version by ID.
func (c *Client) TemplateVersion(ctx context.Context, id uuid.UUID) (TemplateVersion, error) {
	var v TemplateVersion
	return v, c.getJSON(ctx, templateVersionPath(id, ""), &v)
}

// UpdateTemplateVersion renames a template version or changes its message.
func (c *Client) UpdateTemplateVersion(ctx context.Context, id uuid.UUID, req PatchTemplateVersionRequest) (TemplateVersion, error) {
	var v TemplateVersion
	res, err := c.Request(ctx, http.MethodPatch, templateVersionPath(id, ""), req)
	if err != nil {
		return v, err
	}
	return v, decodeJSON(res, http.StatusOK, &v)
}

// CancelTemplateVersion cancels a version's import job.
func (c *Client) CancelTemplateVersion(ctx context.Context, id uuid.UUID) error {
	res, err := c.Request(ctx, http.MethodPatch, templateVersionPath(id, "/cancel"), nil)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusOK, nil)
}

// SetArchiveTemplateVersion archives or unarchives a template version.
func (c *Client) SetArchiveTemplateVersion(ctx context.Context, id uuid.UUID, archive bool) error {
	suffix := "/unarchive"
	if archive {
		suffix = "/archive"
	}
	res, err := c.Request(ctx, http.MethodPost, templateVersionPath(id, suffix), nil)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusOK, nil)
}

// TemplateVersionLogs returns the import logs stored so far with an id
// greater than after.
func (c *Client) TemplateVersionLogs(ctx context.Context, id uuid.UUID, after int64) ([]ProvisionerJobLog, error) {
	return c.provisionerJobLogs(ctx, templateVersionPath(id, "/logs"), after)
}

// TemplateVersionLogsAfter follows a version's import logs until the import
// completes.
func (c *Client) TemplateVersionLogsAfter(ctx context.Context, id uuid.UUID, after int64) (<-chan ProvisionerJobLog, io.Closer, error) {
	return c.provisionerJobLogsAfter(ctx, templateVersionPath(id, "/logs"), after)
}

// TemplateVersionResources returns the resources the import found.
func (c *Client) TemplateVersionResources(ctx context.Context, id uuid.UUID) ([]WorkspaceResource, error) {
	var out []WorkspaceResource
	return out, c.getJSON(ctx, templateVersionPath(id, "/resources"), &out)
}

// TemplateVersionRichParameters returns the parameters a version asks for.
func (c *Client) TemplateVersionRichParameters(ctx context.Context, id uuid.UUID) ([]TemplateVersionParameter, error) {
	var out []TemplateVersionParameter
	return out, c.getJSON(ctx, templateVersionPath(id, "/rich-parameters"), &out)
}

// TemplateVersionVariables returns a version's template variables.
func (c *Client) TemplateVersionVariables(ctx context.Context, id uuid.UUID) ([]TemplateVersionVariable, error) {
	var out []TemplateVersionVariable
	return out, c.getJSON(ctx, templateVersionPath(id, "/variables"), &out)
}

// TemplateVersionPresets returns a version's parameter presets.
func (c *Client) TemplateVersionPresets(ctx context.Context, id uuid.UUID) ([]Preset, error) {
	var out []Preset
	return out, c.getJSON(ctx, templateVersionPath(id, "/presets"), &out)
}

// TemplateVersionExternalAuth returns the external auth providers a version
// needs.
func (c *Client) TemplateVersionExternalAuth(ctx context.Context, id uuid.UUID) ([]TemplateVersionExternalAuth, error) {
	var out []TemplateVersionExternalAuth
	return out, c.getJSON(ctx, templateVersionPath(id, "/external-auth"), &out)
}
