package workspacebuild

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/coderd/jobinput"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/rbac"
)

// Reasons maps the reasons a client may give to stored ones.
var Reasons = map[codersdk.CreateWorkspaceBuildReason]database.BuildReason{
	"":                     database.BuildReasonInitiator,
	"dashboard":            database.BuildReasonDashboard,
	"cli":                  database.BuildReasonCli,
	"ssh_connection":       database.BuildReasonSshConnection,
	"vscode_connection":    database.BuildReasonVscodeConnection,
	"jetbrains_connection": database.BuildReasonJetbrainsConnection,
}

// Request is a build a user asks for.
type Request struct {
	Workspace database.Workspace
	Initiator uuid.UUID
	// Actor decides the template-administrator policies below; the right
	// to build the workspace at all is dbauthz's, checked by the insert.
	Actor *rbac.PreparedSubject
	Build codersdk.CreateWorkspaceBuildRequest
}

// Created is what Request enqueued.
type Created struct {
	Build database.InsertWorkspaceBuildParams
	Job   database.ProvisionerJob
}

// Request validates and enqueues a user's build: the transition, on the
// version asked for, else the active one when the workspace must follow its
// template, else the latest build's; with parameter values given, else kept
// from the previous build. Refusals are domain errors: Invalid naming the
// fields, Forbidden for template-administrator policies and dormancy,
// Conflict while another build runs or when one was just created.
func (s *Service) Request(ctx context.Context, req Request) (Created, error) {
	w, in := req.Workspace, req.Build
	transition := database.WorkspaceTransition(in.Transition)
	reason, reasonOK := Reasons[in.Reason]
	// A refused build is logged as the attempt it was.
	audit.BuildRequest(ctx, w, database.InsertWorkspaceBuildParams{Transition: transition, Reason: reason})

	template, err := s.DB.GetTemplateByID(ctx, w.TemplateID)
	if err != nil {
		return Created{}, xerrors.Errorf("workspace template: %w", err)
	}
	// Template administration is a policy dbauthz cannot decide here: the
	// build's insert is authorized on the workspace, these extras on its
	// template.
	templateAdmin := req.Actor.Authorize(rbac.ActionUpdate, template.RBACObject()) == nil
	if err := validateRequest(in, transition, reasonOK, templateAdmin).Err("Invalid workspace build."); err != nil {
		return Created{}, err
	}
	if err := requestPolicy(w, in, transition, templateAdmin); err != nil {
		return Created{}, err
	}

	latest, err := s.DB.GetLatestWorkspaceBuildByWorkspaceID(ctx, w.ID)
	if err != nil {
		return Created{}, xerrors.Errorf("latest build: %w", err)
	}
	latestJob, err := s.DB.GetProvisionerJobByID(ctx, latest.JobID)
	if err != nil {
		return Created{}, xerrors.Errorf("latest build's job: %w", err)
	}
	if jobActive(latestJob) {
		return Created{}, domain.Conflict(fmt.Sprintf("A build of this workspace is already %s.", convert.ProvisionerJobStatus(latestJob)),
			"Wait for it to finish or cancel it (PATCH /workspacebuilds/{workspacebuild}/cancel).")
	}
	version, versionJob, err := s.requestVersion(ctx, w, template, in, latest, transition, templateAdmin)
	if err != nil {
		return Created{}, err
	}
	previous, err := PreviousValues(ctx, s.DB, latest.ID)
	if err != nil {
		return Created{}, err
	}
	params, problems, err := ResolveParameters(ctx, s.DB, version.ID, in.RichParameterValues, previous, in.TemplateVersionPresetID)
	if err != nil {
		return Created{}, err
	}
	if err := problems.Err("Invalid workspace build parameters."); err != nil {
		return Created{}, err
	}

	build := database.InsertWorkspaceBuildParams{
		ID: uuid.New(), WorkspaceID: w.ID, TemplateVersionID: version.ID, BuildNumber: latest.BuildNumber + 1,
		Transition: transition, InitiatorID: req.Initiator, Reason: reason,
	}
	input := jobinput.WorkspaceBuild{LogLevel: string(in.LogLevel)}
	if in.Orphan || len(in.ProvisionerState) > 0 {
		// An orphan delete starts from no state, so the provisioner has
		// nothing to destroy.
		build.ProvisionerState, input.UseBuildState = in.ProvisionerState, true
	}
	audit.BuildRequest(ctx, w, build)
	if in.TemplateVersionPresetID != uuid.Nil {
		build.TemplateVersionPresetID = uuid.NullUUID{UUID: in.TemplateVersionPresetID, Valid: true}
	}
	job, err := s.enqueueRequested(ctx, build, versionJob, params, input)
	if err != nil {
		return Created{}, err
	}
	s.Events.JobPosted(ctx, job)
	s.Events.WorkspaceChanged(ctx, w.ID)
	return Created{Build: build, Job: job}, nil
}

// enqueueRequested enqueues a requested build in a transaction. The
// caller's right to the build is the build insert's (dbauthz); a build
// number taken meanwhile means another build was just created.
func (s *Service) enqueueRequested(ctx context.Context, build database.InsertWorkspaceBuildParams, versionJob database.ProvisionerJob,
	params []codersdk.WorkspaceBuildParameter, input jobinput.WorkspaceBuild,
) (database.ProvisionerJob, error) {
	var job database.ProvisionerJob
	err := s.DB.InTx(ctx, func(tx database.Store) error {
		var err error
		job, err = Enqueue(ctx, tx, build, versionJob, params, input)
		return err
	}, nil)
	switch {
	case database.IsUniqueViolation(err, BuildNumberConstraint):
		return job, ErrSuperseded
	case dbauthz.IsNotAuthorizedError(err):
		// The caller sees the workspace (it was loaded for them) but may
		// not build it.
		return job, domain.Forbidden(fmt.Sprintf("You are not allowed to %s this workspace.", build.Transition), "")
	}
	return job, err
}

// validateRequest checks the request's own fields.
func validateRequest(in codersdk.CreateWorkspaceBuildRequest, transition database.WorkspaceTransition, reasonOK, templateAdmin bool) domain.Fields {
	var f domain.Fields
	if !transition.Valid() {
		f.Check("transition", `must be "start", "stop" or "delete"`)
	}
	if !reasonOK {
		f.Check("reason", `must be one of "dashboard", "cli", "ssh_connection", "vscode_connection", "jetbrains_connection"`)
	}
	switch {
	case in.LogLevel != "" && in.LogLevel != codersdk.ProvisionerLogLevelDebug:
		f.Check("log_level", `must be "debug" or empty`)
	case in.LogLevel != "" && !templateAdmin:
		f.Check("log_level", "only template administrators may ask for debug logs")
	}
	if in.DryRun {
		f.Check("dry_run", "dry runs of workspace builds are not supported; use POST /templateversions/{templateversion}/dry-run")
	}
	switch {
	case in.Orphan && transition != database.WorkspaceTransitionDelete:
		f.Check("orphan", "only a delete build may orphan the workspace's resources")
	case in.Orphan && len(in.ProvisionerState) > 0:
		f.Check("state", "cannot be given with orphan: an orphan delete starts from no state")
	}
	return f
}

// requestPolicy refuses what the caller may not do even with the right to
// build the workspace.
func requestPolicy(w database.Workspace, in codersdk.CreateWorkspaceBuildRequest, transition database.WorkspaceTransition, templateAdmin bool) error {
	// Replacing the state, or dropping it so that a delete destroys nothing,
	// can corrupt or leak cloud resources: template administrators only.
	if (in.Orphan || len(in.ProvisionerState) > 0) && !templateAdmin {
		return domain.Forbidden("Only template administrators may orphan a workspace or give its provisioner state.", "")
	}
	// A dormant workspace must be woken before it starts.
	if w.DormantAt != nil && transition == database.WorkspaceTransitionStart {
		return domain.Forbidden("Workspace is dormant.", "Mark it active (PUT /workspaces/{workspace}/dormant) before starting it.")
	}
	return nil
}

// requestVersion picks the version of a requested build: the one asked for,
// else the active one when the workspace follows the template (for starts),
// else the latest build's. It must be a successfully imported version of the
// workspace's template.
func (s *Service) requestVersion(ctx context.Context, w database.Workspace, template database.Template, in codersdk.CreateWorkspaceBuildRequest,
	latest database.WorkspaceBuild, transition database.WorkspaceTransition, templateAdmin bool,
) (database.TemplateVersion, database.ProvisionerJob, error) {
	versionID := latest.TemplateVersionID
	mustUseActive := transition == database.WorkspaceTransitionStart &&
		(w.AutomaticUpdates == string(codersdk.AutomaticUpdatesAlways) || (template.RequireActiveVersion && !templateAdmin))
	switch {
	case in.TemplateVersionID != uuid.Nil:
		if mustUseActive && in.TemplateVersionID != template.ActiveVersionID && template.RequireActiveVersion && !templateAdmin {
			return database.TemplateVersion{}, database.ProvisionerJob{},
				domain.Forbidden("The template requires the active version.", "Build with the template's active version.")
		}
		versionID = in.TemplateVersionID
	case mustUseActive:
		versionID = template.ActiveVersionID
	}
	notOfTemplate := domain.Invalid("Invalid workspace build.",
		domain.FieldError{Field: "template_version_id", Detail: "no version of the workspace's template has this ID"})
	version, err := s.DB.GetTemplateVersionByID(ctx, versionID)
	switch {
	case xerrors.Is(err, database.ErrNoRows) || dbauthz.IsNotAuthorizedError(err) || (err == nil && version.TemplateID.UUID != template.ID):
		return database.TemplateVersion{}, database.ProvisionerJob{}, notOfTemplate
	case err != nil:
		return database.TemplateVersion{}, database.ProvisionerJob{}, xerrors.Errorf("template version: %w", err)
	}
	versionJob, err := s.DB.GetProvisionerJobByID(ctx, version.JobID)
	if err != nil {
		return database.TemplateVersion{}, database.ProvisionerJob{}, xerrors.Errorf("template version's job: %w", err)
	}
	if state := convert.ProvisionerJobStatus(versionJob); state != codersdk.ProvisionerJobSucceeded {
		return database.TemplateVersion{}, database.ProvisionerJob{}, domain.Invalid("Invalid workspace build.",
			domain.FieldError{Field: "template_version_id", Detail: fmt.Sprintf("the version's import is %s", state)})
	}
	return version, versionJob, nil
}
