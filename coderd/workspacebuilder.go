package coderd

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/jobinput"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
)

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
// tx; input says how the job runs (its build ID is filled in). The job is
// inserted by the workspace-builder actor; the caller's right to the build
// (start, stop or delete on the workspace) is checked by its own insert of
// the build.
func enqueueBuild(ctx context.Context, tx database.Store, b database.InsertWorkspaceBuildParams,
	versionJob database.ProvisionerJob, params []codersdk.WorkspaceBuildParameter, input jobinput.WorkspaceBuild,
) (database.ProvisionerJob, error) {
	input.WorkspaceBuildID = b.ID
	rawInput, err := json.Marshal(input)
	if err != nil {
		return database.ProvisionerJob{}, err
	}
	now := dbtime.Now()
	job, err := tx.InsertProvisionerJob(dbauthz.AsWorkspaceBuilder(ctx), database.InsertProvisionerJobParams{
		ID: uuid.New(), CreatedAt: now, UpdatedAt: now, OrganizationID: versionJob.OrganizationID,
		InitiatorID: b.InitiatorID, Provisioner: versionJob.Provisioner, Type: database.ProvisionerJobTypeWorkspaceBuild,
		FileID: versionJob.FileID, Input: rawInput, Tags: versionJob.Tags,
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

// errBuildActive: a workspace's latest build has not finished.
var errBuildActive = xerrors.New("a build of the workspace is in progress")

// enqueueTransition builds w with transition on behalf of initiator, the
// way the server itself does (dormancy, autostart, autostop): previous
// parameter values, the latest build's version, or for a start of a
// workspace that follows its template, the active one. It returns
// errBuildActive when a build is in progress.
func (api *API) enqueueTransition(ctx context.Context, w database.Workspace, transition database.WorkspaceTransition,
	initiator uuid.UUID, reason database.BuildReason,
) (database.WorkspaceBuild, error) {
	latest, err := api.Database.GetLatestWorkspaceBuildByWorkspaceID(ctx, w.ID)
	if err != nil {
		return database.WorkspaceBuild{}, xerrors.Errorf("latest build: %w", err)
	}
	latestJob, err := api.Database.GetProvisionerJobByID(ctx, latest.JobID)
	if err != nil {
		return database.WorkspaceBuild{}, xerrors.Errorf("latest build's job: %w", err)
	}
	if provisionerJobStatus(latestJob).Active() {
		return database.WorkspaceBuild{}, errBuildActive
	}
	versionID := latest.TemplateVersionID
	if transition == database.WorkspaceTransitionStart &&
		(w.AutomaticUpdates == string(codersdk.AutomaticUpdatesAlways) || w.TemplateRequireActiveVersion) {
		versionID = w.TemplateActiveVersionID
	}
	version, err := api.Database.GetTemplateVersionByID(ctx, versionID)
	if err != nil {
		return database.WorkspaceBuild{}, xerrors.Errorf("template version: %w", err)
	}
	versionJob, err := api.Database.GetProvisionerJobByID(ctx, version.JobID)
	if err != nil {
		return database.WorkspaceBuild{}, xerrors.Errorf("template version's job: %w", err)
	}
	previousRows, err := api.Database.GetWorkspaceBuildParameters(ctx, latest.ID)
	if err != nil {
		return database.WorkspaceBuild{}, xerrors.Errorf("previous parameters: %w", err)
	}
	previous := make(map[string]string, len(previousRows))
	for _, p := range previousRows {
		previous[p.Name] = p.Value
	}
	params, problems, err := api.resolveBuildParameters(ctx, version.ID, nil, previous, uuid.Nil)
	if err != nil {
		return database.WorkspaceBuild{}, err
	}
	if len(problems) > 0 {
		return database.WorkspaceBuild{}, xerrors.Errorf("parameters do not resolve for version %s: %s: %s", version.Name, problems[0].Field, problems[0].Detail)
	}
	b := database.InsertWorkspaceBuildParams{
		ID: uuid.New(), WorkspaceID: w.ID, TemplateVersionID: version.ID, BuildNumber: latest.BuildNumber + 1,
		Transition: transition, InitiatorID: initiator, Reason: reason,
	}
	var job database.ProvisionerJob
	err = api.Database.InTx(ctx, func(tx database.Store) error {
		var err error
		job, err = enqueueBuild(ctx, tx, b, versionJob, params, jobinput.WorkspaceBuild{})
		return err
	}, nil)
	if database.IsUniqueViolation(err, "workspace_builds_workspace_id_build_number_key") {
		return database.WorkspaceBuild{}, errBuildActive
	}
	if err != nil {
		api.auditTransition(ctx, w, b, http.StatusInternalServerError)
		return database.WorkspaceBuild{}, err
	}
	// Written right after the commit, as the request middleware does.
	api.auditTransition(ctx, w, b, http.StatusOK)
	api.publishJobPosted(ctx, job)
	api.workspaceChanged(ctx, w.ID)
	return api.Database.GetWorkspaceBuildByID(ctx, b.ID)
}

// stopIfRunning stops w when its latest build is a start that did not fail
// to leave it stopped (running, or failed part way).
func (api *API) stopIfRunning(ctx context.Context, w database.Workspace, initiator uuid.UUID, reason database.BuildReason) error {
	latest, err := api.Database.GetLatestWorkspaceBuildByWorkspaceID(ctx, w.ID)
	if err != nil {
		return err
	}
	if latest.Transition != database.WorkspaceTransitionStart {
		return nil
	}
	_, err = api.enqueueTransition(ctx, w, database.WorkspaceTransitionStop, initiator, reason)
	return err
}
