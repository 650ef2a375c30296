package workspacebuild

import (
	"context"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/coderd/jobinput"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// Service enqueues builds over a store and announces them.
type Service struct {
	DB     database.Store
	Events domain.Events
	Logger slog.Logger
}

var (
	// ErrBusy: the workspace's latest build has not finished.
	ErrBusy = domain.Conflict("A build of the workspace is in progress.", "Wait for it to finish or cancel it.")
	// ErrSuperseded: the workspace was built since the decision was made
	// (by another replica's executor, or a user), so the decision no longer
	// holds and nothing was enqueued.
	ErrSuperseded = domain.Conflict("Another build of this workspace was just created.", "Wait for it to finish, then try again.")
)

// Transition is a build the server decides on its own (autostart, autostop,
// dormancy, auto-delete) or as a side effect of a request (stop a workspace
// marked dormant).
type Transition struct {
	Workspace  database.Workspace
	Transition database.WorkspaceTransition
	Initiator  uuid.UUID
	Reason     database.BuildReason
	// BasedOn is the build the decision was made on. The transition is
	// enqueued only if that is still the workspace's latest build, so any
	// number of replicas deciding on the same state act once. uuid.Nil
	// means the latest build, whichever it is.
	BasedOn uuid.UUID
}

// Transition enqueues t with the previous build's parameter values and
// version (or, for a start of a workspace that follows its template, the
// active version), audits it and announces it. It returns ErrBusy while a
// build runs and ErrSuperseded when the workspace was built since t.BasedOn.
func (s *Service) Transition(ctx context.Context, t Transition) (database.WorkspaceBuild, error) {
	w := t.Workspace
	latest, err := s.DB.GetLatestWorkspaceBuildByWorkspaceID(ctx, w.ID)
	if err != nil {
		return database.WorkspaceBuild{}, xerrors.Errorf("latest build: %w", err)
	}
	if t.BasedOn != uuid.Nil && latest.ID != t.BasedOn {
		return database.WorkspaceBuild{}, ErrSuperseded
	}
	latestJob, err := s.DB.GetProvisionerJobByID(ctx, latest.JobID)
	if err != nil {
		return database.WorkspaceBuild{}, xerrors.Errorf("latest build's job: %w", err)
	}
	if jobActive(latestJob) {
		return database.WorkspaceBuild{}, ErrBusy
	}
	versionID := latest.TemplateVersionID
	if t.Transition == database.WorkspaceTransitionStart &&
		(w.AutomaticUpdates == string(codersdk.AutomaticUpdatesAlways) || w.TemplateRequireActiveVersion) {
		versionID = w.TemplateActiveVersionID
	}
	version, err := s.DB.GetTemplateVersionByID(ctx, versionID)
	if err != nil {
		return database.WorkspaceBuild{}, xerrors.Errorf("template version: %w", err)
	}
	versionJob, err := s.DB.GetProvisionerJobByID(ctx, version.JobID)
	if err != nil {
		return database.WorkspaceBuild{}, xerrors.Errorf("template version's job: %w", err)
	}
	previous, err := PreviousValues(ctx, s.DB, latest.ID)
	if err != nil {
		return database.WorkspaceBuild{}, err
	}
	params, problems, err := ResolveParameters(ctx, s.DB, version.ID, nil, previous, uuid.Nil)
	if err != nil {
		return database.WorkspaceBuild{}, err
	}
	if err := problems.Err("The parameters do not resolve for version " + version.Name + "."); err != nil {
		return database.WorkspaceBuild{}, err
	}
	// One past the build decided on: if another replica (or a user) got
	// there first, the insert breaks BuildNumberConstraint and this
	// decision is dropped.
	b := database.InsertWorkspaceBuildParams{
		ID: uuid.New(), WorkspaceID: w.ID, TemplateVersionID: version.ID, BuildNumber: latest.BuildNumber + 1,
		Transition: t.Transition, InitiatorID: t.Initiator, Reason: t.Reason,
	}
	var job database.ProvisionerJob
	err = s.DB.InTx(ctx, func(tx database.Store) error {
		var err error
		job, err = Enqueue(ctx, tx, b, versionJob, params, jobinput.WorkspaceBuild{})
		return err
	}, nil)
	if database.IsUniqueViolation(err, BuildNumberConstraint) {
		return database.WorkspaceBuild{}, ErrSuperseded
	}
	if err != nil {
		s.audit(ctx, w, b, audit.StatusFailed)
		return database.WorkspaceBuild{}, err
	}
	// Written right after the commit, as the request middleware does.
	s.audit(ctx, w, b, audit.StatusSucceeded)
	s.Events.JobPosted(ctx, job)
	s.Events.WorkspaceChanged(ctx, w.ID)
	return s.DB.GetWorkspaceBuildByID(ctx, b.ID)
}

// StopIfRunning stops w when its latest build is a start (running, or failed
// part way, which may have left resources behind).
func (s *Service) StopIfRunning(ctx context.Context, w database.Workspace, initiator uuid.UUID, reason database.BuildReason) error {
	latest, err := s.DB.GetLatestWorkspaceBuildByWorkspaceID(ctx, w.ID)
	if err != nil {
		return xerrors.Errorf("latest build: %w", err)
	}
	if latest.Transition != database.WorkspaceTransitionStart {
		return nil
	}
	_, err = s.Transition(ctx, Transition{
		Workspace: w, Transition: database.WorkspaceTransitionStop, Initiator: initiator, Reason: reason, BasedOn: latest.ID,
	})
	return err
}

func (s *Service) audit(ctx context.Context, w database.Workspace, b database.InsertWorkspaceBuildParams, status int) {
	if err := audit.Build(ctx, s.DB, w, b, status); err != nil {
		s.Logger.Error(ctx, "write audit log of a workspace build", slog.F("workspace_id", w.ID), slog.Error(err))
	}
}
