package provisionerd

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/jobinput"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
)

// runBuild applies a workspace build's transition, starting from the state
// the previous build left.
func (r *jobRun) runBuild() (commitFunc, error) {
	var input jobinput.WorkspaceBuild
	if err := parseInput(r.job.Input, &input); err != nil {
		return nil, err
	}
	build, err := r.d.db.GetWorkspaceBuildByJobID(r.ctx, r.job.ID)
	if errors.Is(err, database.ErrNoRows) {
		return nil, &jobFailure{Message: "the job has no workspace build"}
	}
	if err != nil {
		return nil, xerrors.Errorf("get workspace build: %w", err)
	}
	if input.WorkspaceBuildID != uuid.Nil && input.WorkspaceBuildID != build.ID {
		return nil, &jobFailure{Message: fmt.Sprintf("the job's input names workspace build %s, but the job belongs to build %s", input.WorkspaceBuildID, build.ID)}
	}
	transition := provisioner.Transition(build.Transition)
	if !transition.Valid() {
		return nil, &jobFailure{Message: fmt.Sprintf("the workspace build has an unknown transition %q", build.Transition)}
	}
	workspace, err := r.d.db.GetWorkspaceByID(r.ctx, build.WorkspaceID)
	if err != nil {
		return nil, xerrors.Errorf("get workspace: %w", err)
	}
	template, err := r.d.db.GetTemplateByID(r.ctx, workspace.TemplateID)
	if err != nil {
		return nil, xerrors.Errorf("get template: %w", err)
	}
	version, err := r.d.db.GetTemplateVersionByID(r.ctx, build.TemplateVersionID)
	if err != nil {
		return nil, xerrors.Errorf("get template version: %w", err)
	}
	metadata := provisioner.Metadata{
		CoderURL:            r.d.opts.AccessURL,
		WorkspaceTransition: transition,
		WorkspaceName:       workspace.Name,
		WorkspaceID:         workspace.ID,
		WorkspaceBuildID:    build.ID,
		TemplateID:          template.ID,
		TemplateName:        template.Name,
		TemplateVersion:     version.Name,
	}
	if err := r.ownerMetadata(&metadata, workspace.OwnerID, workspace.OrganizationID); err != nil {
		return nil, err
	}

	var prevState []byte
	if input.UseBuildState {
		prevState = build.ProvisionerState
	} else if build.BuildNumber > 1 {
		prev, err := r.d.db.GetWorkspaceBuildByWorkspaceIDAndBuildNumber(r.ctx, database.GetWorkspaceBuildByWorkspaceIDAndBuildNumberParams{
			WorkspaceID: workspace.ID, BuildNumber: build.BuildNumber - 1,
		})
		switch {
		case errors.Is(err, database.ErrNoRows):
			// A gap in the numbering: build from nothing, as a first build.
		case err != nil:
			return nil, xerrors.Errorf("get previous workspace build: %w", err)
		default:
			prevState = prev.ProvisionerState
		}
	}
	// Until the provisioner says otherwise, a failed build leaves the
	// workspace as the previous build did; the next build must start from
	// that state, not from nothing.
	r.failureCommit = storeBuildState(build.ID, prevState)

	variables, err := r.versionVariables(version.ID)
	if err != nil {
		return nil, err
	}
	params, err := r.d.db.GetWorkspaceBuildParameters(r.ctx, build.ID)
	if err != nil {
		return nil, xerrors.Errorf("get workspace build parameters: %w", err)
	}
	values := make([]provisioner.RichParameterValue, 0, len(params))
	for _, p := range params {
		values = append(values, provisioner.RichParameterValue{Name: p.Name, Value: p.Value})
	}

	prov, err := r.provisioner()
	if err != nil {
		return nil, err
	}
	dir, err := r.prepare()
	if err != nil {
		return nil, err
	}
	r.logs.daemon(provisioner.LogLevelInfo, stageSettingUp, fmt.Sprintf("Building workspace %s (%s) with template version %s", workspace.Name, transition, version.Name))
	res, err := callBuild(r.ctx, prov, provisioner.BuildRequest{
		Dir:                 dir,
		Metadata:            metadata,
		State:               prevState,
		RichParameterValues: values,
		VariableValues:      variables,
	}, r.logs.provisionerLogger)
	if err != nil {
		if len(res.State) > 0 {
			// A partial apply: resources may exist that only this state
			// knows about.
			r.failureCommit = storeBuildState(build.ID, res.State)
			r.logs.daemon(provisioner.LogLevelWarn, stageCleaningUp, "The build failed after changing the workspace; its state is kept for the next build")
		}
		return nil, err
	}
	// Kept even if storing the results fails (or the job is canceled
	// meanwhile): the transition was applied.
	r.failureCommit = storeBuildState(build.ID, res.State)

	ttl := time.Duration(template.DefaultTtl)
	if workspace.Ttl != nil && *workspace.Ttl > 0 {
		ttl = time.Duration(*workspace.Ttl)
	}
	return func(ctx context.Context, tx database.Store) error {
		return storeBuild(ctx, tx, r.job.ID, build, ttl, res)
	}, nil
}

// ownerMetadata fills in the workspace owner: the user and the names of
// the user's groups in the organization.
func (r *jobRun) ownerMetadata(md *provisioner.Metadata, ownerID, orgID uuid.UUID) error {
	owner, err := r.d.db.GetUserByID(r.ctx, ownerID)
	if errors.Is(err, database.ErrNoRows) {
		return &jobFailure{Message: fmt.Sprintf("the workspace owner %s does not exist", ownerID)}
	}
	if err != nil {
		return xerrors.Errorf("get workspace owner: %w", err)
	}
	groups, err := r.d.db.GetGroups(r.ctx, database.GetGroupsParams{OrganizationID: orgID, HasMemberID: owner.ID})
	if err != nil {
		return xerrors.Errorf("get groups of the workspace owner: %w", err)
	}
	md.WorkspaceOwner = owner.Username
	md.WorkspaceOwnerEmail = owner.Email
	md.WorkspaceOwnerName = owner.Name
	md.WorkspaceOwnerID = owner.ID
	md.WorkspaceOwnerGroups = make([]string, 0, len(groups))
	for _, g := range groups {
		md.WorkspaceOwnerGroups = append(md.WorkspaceOwnerGroups, g.Name)
	}
	return nil
}

// versionVariables are the template variable values set when the version
// was imported.
func (r *jobRun) versionVariables(versionID uuid.UUID) ([]provisioner.VariableValue, error) {
	vars, err := r.d.db.GetTemplateVersionVariables(r.ctx, versionID)
	if err != nil {
		return nil, xerrors.Errorf("get template version variables: %w", err)
	}
	out := make([]provisioner.VariableValue, 0, len(vars))
	for _, v := range vars {
		out = append(out, provisioner.VariableValue{Name: v.Name, Value: v.Value, Sensitive: v.Sensitive})
	}
	return out, nil
}

// callBuild runs the provisioner, turning a panic into an error: a broken
// provisioner fails its job, not the server.
func callBuild(ctx context.Context, p provisioner.Provisioner, req provisioner.BuildRequest, log provisioner.Logger) (res provisioner.BuildResult, err error) {
	defer func() {
		if v := recover(); v != nil {
			res, err = provisioner.BuildResult{}, xerrors.Errorf("provisioner panicked: %v", v)
		}
	}()
	return p.Build(ctx, req, log)
}

// storeBuildState keeps a failed build's state; nothing when it is empty.
func storeBuildState(buildID uuid.UUID, state []byte) commitFunc {
	if len(state) == 0 {
		return nil
	}
	return func(ctx context.Context, tx database.Store) error {
		if err := tx.UpdateWorkspaceBuildProvisionerStateByID(ctx, database.UpdateWorkspaceBuildProvisionerStateByIDParams{
			ID: buildID, ProvisionerState: state, UpdatedAt: dbtime.Now(),
		}); err != nil {
			return xerrors.Errorf("update workspace build state: %w", err)
		}
		return nil
	}
}

// storeBuild writes what a successful build produced, in tx.
func storeBuild(ctx context.Context, tx database.Store, jobID uuid.UUID, build database.WorkspaceBuild, ttl time.Duration, res provisioner.BuildResult) error {
	now := dbtime.Now()
	state := res.State
	if state == nil {
		state = []byte{} // the column is NOT NULL
	}
	if err := tx.UpdateWorkspaceBuildProvisionerStateByID(ctx, database.UpdateWorkspaceBuildProvisionerStateByIDParams{
		ID: build.ID, ProvisionerState: state, UpdatedAt: now,
	}); err != nil {
		return xerrors.Errorf("update workspace build state: %w", err)
	}
	if err := insertResources(ctx, tx, jobID, build.Transition, res.Resources, now); err != nil {
		return err
	}
	if err := insertTimings(ctx, tx, jobID, res.Timings); err != nil {
		return err
	}
	var cost int64
	for _, r := range res.Resources {
		cost += int64(r.DailyCost)
	}
	if err := tx.UpdateWorkspaceBuildCostByID(ctx, database.UpdateWorkspaceBuildCostByIDParams{
		ID: build.ID, DailyCost: clampInt32(cost), UpdatedAt: now,
	}); err != nil {
		return xerrors.Errorf("update workspace build cost: %w", err)
	}

	switch build.Transition {
	case database.WorkspaceTransitionStart:
		// No TTL: the workspace runs until stopped. There is no max
		// deadline yet: autostop requirements do not exist here.
		var deadline *time.Time
		if ttl > 0 {
			deadline = ptr(now.Add(ttl))
		}
		if err := tx.UpdateWorkspaceBuildDeadlineByID(ctx, database.UpdateWorkspaceBuildDeadlineByIDParams{
			ID: build.ID, Deadline: deadline, UpdatedAt: now,
		}); err != nil {
			return xerrors.Errorf("update workspace build deadline: %w", err)
		}
	case database.WorkspaceTransitionDelete:
		if err := tx.UpdateWorkspaceDeletedByID(ctx, database.UpdateWorkspaceDeletedByIDParams{
			ID: build.WorkspaceID, Deleted: true, UpdatedAt: now,
		}); err != nil {
			return xerrors.Errorf("mark workspace deleted: %w", err)
		}
	}
	return nil
}
