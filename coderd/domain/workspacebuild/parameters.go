package workspacebuild

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// ResolveParameters picks the value of every parameter of the version for a
// build: a preset's value, else the one given, else the previous build's
// (unless ephemeral), else the default; and validates them (required, type,
// options, regex, range, monotonic, immutable). Names the version does not
// declare are refused. Problems come back as fields keyed by the request's
// names (rich_parameter_values[i].name, template_version_preset_id) or by
// parameter name, for the caller to refuse with its own message; err is for
// failures to read.
func ResolveParameters(ctx context.Context, db database.Store, versionID uuid.UUID, given []codersdk.WorkspaceBuildParameter,
	previous map[string]string, presetID uuid.UUID,
) ([]codersdk.WorkspaceBuildParameter, domain.Fields, error) {
	var problems domain.Fields
	params, err := db.GetTemplateVersionParameters(ctx, versionID)
	if err != nil {
		return nil, nil, xerrors.Errorf("version parameters: %w", err)
	}
	declared := map[string]bool{}
	for _, p := range params {
		declared[p.Name] = true
	}
	provided := map[string]string{}
	for i, g := range given {
		_, twice := provided[g.Name]
		switch {
		case !declared[g.Name]:
			problems.Check(fmt.Sprintf("rich_parameter_values[%d].name", i), fmt.Sprintf("the template version has no parameter %q", g.Name))
		case twice:
			problems.Check(fmt.Sprintf("rich_parameter_values[%d].name", i), fmt.Sprintf("parameter %q is given twice", g.Name))
		default:
			provided[g.Name] = g.Value
		}
	}
	if presetID != uuid.Nil {
		values, found, err := presetValues(ctx, db, versionID, presetID)
		if err != nil {
			return nil, nil, err
		}
		if !found {
			problems.Check("template_version_preset_id", "the template version has no preset with this ID")
		}
		for name, value := range values {
			provided[name] = value
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
		rp, err := richParameter(p)
		if err != nil {
			return nil, nil, err
		}
		value, err := provisioner.ResolveParameterValue(rp, givenValue, previousValue)
		var perr *provisioner.ParameterError
		if xerrors.As(err, &perr) {
			problems.Check(p.Name, perr.Detail)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		out = append(out, codersdk.WorkspaceBuildParameter{Name: p.Name, Value: value})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, problems, nil
}

// PreviousValues are the parameter values of a build, by name: what the
// next build keeps unless it gives others.
func PreviousValues(ctx context.Context, db database.Store, buildID uuid.UUID) (map[string]string, error) {
	rows, err := db.GetWorkspaceBuildParameters(ctx, buildID)
	if err != nil {
		return nil, xerrors.Errorf("previous parameters: %w", err)
	}
	previous := make(map[string]string, len(rows))
	for _, p := range rows {
		previous[p.Name] = p.Value
	}
	return previous, nil
}

// presetValues are the values a version's preset sets, by name.
func presetValues(ctx context.Context, db database.Store, versionID, presetID uuid.UUID) (map[string]string, bool, error) {
	presets, err := db.GetPresetsByTemplateVersionID(ctx, versionID)
	if err != nil {
		return nil, false, xerrors.Errorf("version presets: %w", err)
	}
	for _, p := range presets {
		if p.ID != presetID {
			continue
		}
		var params []codersdk.PresetParameter
		if len(p.Parameters) > 0 {
			if err := json.Unmarshal(p.Parameters, &params); err != nil {
				return nil, false, xerrors.Errorf("stored parameters of preset %s: %w", p.ID, err)
			}
		}
		values := make(map[string]string, len(params))
		for _, pv := range params {
			values[pv.Name] = pv.Value
		}
		return values, true, nil
	}
	return nil, false, nil
}

// richParameter is a stored version parameter in the provisioner's terms,
// so creation and builds validate values exactly as imports defined them.
// Options that do not decode are an error: validating against none would
// accept any value.
func richParameter(p database.TemplateVersionParameter) (provisioner.RichParameter, error) {
	var options []provisioner.RichParameterOption
	if len(p.Options) > 0 {
		if err := json.Unmarshal(p.Options, &options); err != nil {
			return provisioner.RichParameter{}, xerrors.Errorf("stored options of parameter %q: %w", p.Name, err)
		}
	}
	return provisioner.RichParameter{
		Name: p.Name, DisplayName: p.DisplayName, Description: p.Description, Type: p.Type, FormType: p.FormType,
		DefaultValue: p.DefaultValue, Icon: p.Icon, Mutable: p.Mutable, Ephemeral: p.Ephemeral, Required: p.Required,
		Options: options, ValidationRegex: p.ValidationRegex, ValidationError: p.ValidationError,
		ValidationMin: p.ValidationMin, ValidationMax: p.ValidationMax, ValidationMonotonic: p.ValidationMonotonic,
		Order: p.DisplayOrder,
	}, nil
}
