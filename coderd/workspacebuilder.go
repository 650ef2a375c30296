package coderd

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
)

// workspaceBuildInput is the input of a workspace_build job, read by the
// provisioner daemon.
type workspaceBuildInput struct {
	WorkspaceBuildID uuid.UUID `json:"workspace_build_id"`
	LogLevel         string    `json:"log_level,omitempty"`
}

// richParameter is a stored version parameter in the provisioner's terms,
// so creation and builds validate values exactly as imports defined them.
func richParameter(p database.TemplateVersionParameter) provisioner.RichParameter {
	var options []provisioner.RichParameterOption
	if len(p.Options) > 0 {
		_ = json.Unmarshal(p.Options, &options)
	}
	return provisioner.RichParameter{
		Name: p.Name, DisplayName: p.DisplayName, Description: p.Description, Type: p.Type, FormType: p.FormType,
		DefaultValue: p.DefaultValue, Icon: p.Icon, Mutable: p.Mutable, Ephemeral: p.Ephemeral, Required: p.Required,
		Options: options, ValidationRegex: p.ValidationRegex, ValidationError: p.ValidationError,
		ValidationMin: p.ValidationMin, ValidationMax: p.ValidationMax, ValidationMonotonic: p.ValidationMonotonic,
		Order: p.DisplayOrder,
	}
}

// resolveBuildParameters picks the value of every parameter of the version
// for a build: a preset's value, else the one given, else the previous
// build's (unless ephemeral), else the default; and validates them
// (required, type, options, regex, range, monotonic, immutable). Names the
// version does not declare are refused. Problems are returned as
// validations keyed by parameter name.
func (api *API) resolveBuildParameters(ctx context.Context, versionID uuid.UUID, given []codersdk.WorkspaceBuildParameter,
	previous map[string]string, presetID uuid.UUID,
) ([]codersdk.WorkspaceBuildParameter, httpapi.Validations, error) {
	var v httpapi.Validations
	params, err := api.Database.GetTemplateVersionParameters(ctx, versionID)
	if err != nil {
		return nil, nil, err
	}
	declared := map[string]bool{}
	for _, p := range params {
		declared[p.Name] = true
	}
	provided := map[string]string{}
	for i, g := range given {
		switch {
		case !declared[g.Name]:
			v.Check(fmt.Sprintf("rich_parameter_values[%d].name", i), fmt.Sprintf("the template version has no parameter %q", g.Name))
		case hasKey(provided, g.Name):
			v.Check(fmt.Sprintf("rich_parameter_values[%d].name", i), fmt.Sprintf("parameter %q is given twice", g.Name))
		default:
			provided[g.Name] = g.Value
		}
	}
	if presetID != uuid.Nil {
		presets, err := api.Database.GetPresetsByTemplateVersionID(ctx, versionID)
		if err != nil {
			return nil, nil, err
		}
		found := false
		for _, p := range presets {
			if p.ID != presetID {
				continue
			}
			found = true
			for _, pv := range convertPreset(p).Parameters {
				provided[pv.Name] = pv.Value
			}
		}
		if !found {
			v.Check("template_version_preset_id", "the template version has no preset with this ID")
		}
	}
	out := make([]codersdk.WorkspaceBuildParameter, 0, len(params))
	for _, p := range params {
		var givenValue, previousValue *string
		if val, ok := provided[p.Name]; ok {
			givenValue = &val
		}
		if val, ok := previous[p.Name]; ok {
			previousValue = &val
		}
		value, err := provisioner.ResolveParameterValue(richParameter(p), givenValue, previousValue)
		if perr, ok := err.(*provisioner.ParameterError); ok {
			v.Check(p.Name, perr.Detail)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		out = append(out, codersdk.WorkspaceBuildParameter{Name: p.Name, Value: value})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, v, nil
}

func hasKey(m map[string]string, k string) bool { _, ok := m[k]; return ok }

// enqueueBuild inserts a build, its parameters and its provisioner job in
// tx. The job is inserted by the workspace-builder actor; the caller's right
// to the build (start, stop or delete on the workspace) is checked by its
// own insert of the build.
func enqueueBuild(ctx context.Context, tx database.Store, b database.InsertWorkspaceBuildParams,
	versionJob database.ProvisionerJob, params []codersdk.WorkspaceBuildParameter, logLevel string,
) (database.ProvisionerJob, error) {
	input, err := json.Marshal(workspaceBuildInput{WorkspaceBuildID: b.ID, LogLevel: logLevel})
	if err != nil {
		return database.ProvisionerJob{}, err
	}
	now := dbtime.Now()
	job, err := tx.InsertProvisionerJob(dbauthz.AsWorkspaceBuilder(ctx), database.InsertProvisionerJobParams{
		ID: uuid.New(), CreatedAt: now, UpdatedAt: now, OrganizationID: versionJob.OrganizationID,
		InitiatorID: b.InitiatorID, Provisioner: versionJob.Provisioner, Type: database.ProvisionerJobTypeWorkspaceBuild,
		FileID: versionJob.FileID, Input: input, Tags: versionJob.Tags,
	})
	if err != nil {
		return database.ProvisionerJob{}, err
	}
	b.JobID, b.CreatedAt, b.UpdatedAt = job.ID, now, now
	if b.ProvisionerState == nil {
		b.ProvisionerState = []byte{}
	}
	if err := tx.InsertWorkspaceBuild(ctx, b); err != nil {
		return database.ProvisionerJob{}, err
	}
	if len(params) > 0 {
		p := database.InsertWorkspaceBuildParametersParams{WorkspaceBuildID: b.ID}
		for _, param := range params {
			p.Names = append(p.Names, param.Name)
			p.Values = append(p.Values, param.Value)
		}
		if err := tx.InsertWorkspaceBuildParameters(ctx, p); err != nil {
			return database.ProvisionerJob{}, err
		}
	}
	return job, nil
}
