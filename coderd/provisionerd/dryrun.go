package provisionerd

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/jobinput"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
)

// runDryRun plans a start build of a template version for a workspace that
// does not exist, to show which resources it would create.
func (r *jobRun) runDryRun() (commitFunc, error) {
	var input jobinput.TemplateVersionDryRun
	if err := parseInput(r.job.Input, &input); err != nil {
		return nil, err
	}
	version, err := r.d.db.GetTemplateVersionByID(r.ctx, input.TemplateVersionID)
	if errors.Is(err, database.ErrNoRows) {
		return nil, &jobFailure{Message: fmt.Sprintf("the template version %s does not exist", input.TemplateVersionID)}
	}
	if err != nil {
		return nil, xerrors.Errorf("get template version: %w", err)
	}
	metadata := provisioner.Metadata{
		CoderURL:            r.d.opts.AccessURL,
		WorkspaceTransition: provisioner.TransitionStart,
		WorkspaceName:       input.WorkspaceName,
		// Templates may key names on the workspace ID; any will do.
		WorkspaceID:      uuid.New(),
		WorkspaceBuildID: uuid.New(),
		TemplateVersion:  version.Name,
	}
	if version.TemplateID.Valid {
		template, err := r.d.db.GetTemplateByID(r.ctx, version.TemplateID.UUID)
		if err != nil {
			return nil, xerrors.Errorf("get template: %w", err)
		}
		metadata.TemplateID, metadata.TemplateName = template.ID, template.Name
	}
	// The user asking for the plan would own the workspace.
	if err := r.ownerMetadata(&metadata, r.job.InitiatorID, version.OrganizationID); err != nil {
		return nil, err
	}

	variables, err := r.versionVariables(version.ID)
	if err != nil {
		return nil, err
	}
	variables = overrideVariables(variables, input.UserVariableValues)
	params := make([]provisioner.RichParameterValue, 0, len(input.RichParameterValues))
	for _, p := range input.RichParameterValues {
		params = append(params, provisioner.RichParameterValue{Name: p.Name, Value: p.Value})
	}

	prov, err := r.provisioner()
	if err != nil {
		return nil, err
	}
	dir, err := r.prepare()
	if err != nil {
		return nil, err
	}
	r.logs.daemon(provisioner.LogLevelInfo, stageSettingUp, fmt.Sprintf("Planning workspace %s with template version %s (dry run)", input.WorkspaceName, version.Name))
	res, err := callBuild(r.ctx, prov, provisioner.BuildRequest{
		Dir:                 dir,
		Metadata:            metadata,
		RichParameterValues: params,
		VariableValues:      variables,
		DryRun:              true,
	}, r.logs.provisionerLogger)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, tx database.Store) error {
		return insertResources(ctx, tx, r.job.ID, database.WorkspaceTransitionStart, res.Resources, dbtime.Now())
	}, nil
}

// overrideVariables replaces values in vars by the given ones of the same
// name; given values of variables the version does not have are passed on
// for the provisioner to judge.
func overrideVariables(vars []provisioner.VariableValue, given []jobinput.VariableValue) []provisioner.VariableValue {
	if len(given) == 0 {
		return vars
	}
	index := make(map[string]int, len(vars))
	for i, v := range vars {
		index[v.Name] = i
	}
	for _, g := range given {
		if i, ok := index[g.Name]; ok {
			vars[i].Value = g.Value
			continue
		}
		index[g.Name] = len(vars)
		vars = append(vars, provisioner.VariableValue{Name: g.Name, Value: g.Value})
	}
	return vars
}
