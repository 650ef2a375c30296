// Package workspace creates workspaces: the workspace row, its first build
// (a start) and the build's job, in one transaction.
package workspace

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/coderd/domain/workspacebuild"
	"github.com/devplane/devplane/coderd/jobinput"
	"github.com/devplane/devplane/coderd/schedule"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// Bounds on a workspace's own TTL.
const (
	MinTTL = time.Minute
	MaxTTL = 30 * 24 * time.Hour
)

// NameConstraint is the unique key of a workspace's name for its owner.
const NameConstraint = "workspaces_owner_name_lower_idx"

// Service creates workspaces over a store and announces them.
type Service struct {
	DB     database.Store
	Events domain.Events
}

// CreateRequest is a workspace a user asks for, for owner. Organization,
// when not uuid.Nil, must be the template's.
type CreateRequest struct {
	Owner        database.User
	Organization uuid.UUID
	Initiator    uuid.UUID
	// Actor decides whether the template may be used; the right to create
	// the workspace is dbauthz's, checked by the insert.
	Actor     *rbac.PreparedSubject
	Workspace codersdk.CreateWorkspaceRequest
}

// Create validates and creates the workspace with its first build. Refusals
// are domain errors: Invalid naming the fields, Forbidden when the template
// may not be used or the workspace not created for owner, Conflict when the
// owner has a workspace of that name.
func (s *Service) Create(ctx context.Context, req CreateRequest) (uuid.UUID, error) {
	in := req.Workspace
	if err := validateRequest(in).Err("Invalid workspace."); err != nil {
		return uuid.Nil, err
	}
	template, version, err := s.source(ctx, in, req)
	if err != nil {
		return uuid.Nil, err
	}
	if err := s.ownerIsMember(ctx, req.Owner, template.OrganizationID); err != nil {
		return uuid.Nil, err
	}
	versionJob, err := s.DB.GetProvisionerJobByID(ctx, version.JobID)
	if err != nil {
		return uuid.Nil, xerrors.Errorf("template version's job: %w", err)
	}
	var problems domain.Fields
	switch state := jobState(versionJob); {
	case version.Archived:
		problems.Check("template_version_id", "the version is archived")
	case state != codersdk.ProvisionerJobSucceeded:
		problems.Check("template_version_id", fmt.Sprintf("the version's import is %s; workspaces need a successfully imported version", state))
	}
	sched := scheduleOf(in, template, &problems)
	params, paramProblems, err := workspacebuild.ResolveParameters(ctx, s.DB, version.ID, in.RichParameterValues, nil, in.TemplateVersionPresetID)
	if err != nil {
		return uuid.Nil, err
	}
	problems = append(problems, paramProblems...)
	if err := problems.Err("Invalid workspace."); err != nil {
		return uuid.Nil, err
	}

	updates := in.AutomaticUpdates
	if updates == "" {
		updates = codersdk.AutomaticUpdatesNever
	}
	workspaceID := uuid.New()
	var job database.ProvisionerJob
	err = s.DB.InTx(ctx, func(tx database.Store) error {
		now := dbtime.Now()
		if err := tx.InsertWorkspace(ctx, database.InsertWorkspaceParams{
			ID: workspaceID, CreatedAt: now, UpdatedAt: now, OwnerID: req.Owner.ID, OrganizationID: template.OrganizationID,
			TemplateID: template.ID, Name: in.Name, AutostartSchedule: sched.autostart, Ttl: sched.ttl, LastUsedAt: now,
			AutomaticUpdates: string(updates), NextStartAt: sched.nextStartAt,
		}); err != nil {
			return err
		}
		build := database.InsertWorkspaceBuildParams{
			ID: uuid.New(), WorkspaceID: workspaceID, TemplateVersionID: version.ID, BuildNumber: 1,
			Transition: database.WorkspaceTransitionStart, InitiatorID: req.Initiator, Reason: database.BuildReasonInitiator,
		}
		if in.TemplateVersionPresetID != uuid.Nil {
			build.TemplateVersionPresetID = uuid.NullUUID{UUID: in.TemplateVersionPresetID, Valid: true}
		}
		var err error
		job, err = workspacebuild.Enqueue(ctx, tx, build, versionJob, params, jobinput.WorkspaceBuild{})
		return err
	}, nil)
	switch {
	case database.IsUniqueViolation(err, NameConstraint):
		return uuid.Nil, &domain.Error{Kind: domain.KindConflict, Message: fmt.Sprintf("Workspace %q already exists.", in.Name),
			Fields: []domain.FieldError{{Field: "name", Detail: "This value is already in use and should be unique."}}}
	case dbauthz.IsNotAuthorizedError(err):
		return uuid.Nil, domain.Forbidden(fmt.Sprintf("You are not allowed to create workspaces for %s in this organization.", req.Owner.Username), "")
	case err != nil:
		return uuid.Nil, err
	}
	s.Events.JobPosted(ctx, job)
	s.Events.WorkspaceChanged(ctx, workspaceID)
	return workspaceID, nil
}

func validateRequest(in codersdk.CreateWorkspaceRequest) domain.Fields {
	var f domain.Fields
	if (in.TemplateID == uuid.Nil) == (in.TemplateVersionID == uuid.Nil) {
		detail := "give template_id or template_version_id, not both"
		if in.TemplateID == uuid.Nil {
			detail = "give template_id (for its active version) or template_version_id"
		}
		f.Check("template_id", detail)
		f.Check("template_version_id", detail)
	}
	f.Check("name", domain.NameValid(in.Name))
	switch in.AutomaticUpdates {
	case "", codersdk.AutomaticUpdatesNever, codersdk.AutomaticUpdatesAlways:
	default:
		f.Check("automatic_updates", `must be "always" or "never"`)
	}
	return f
}

// source is the template and version the workspace is built from: the
// version asked for, or the template's active one.
func (s *Service) source(ctx context.Context, in codersdk.CreateWorkspaceRequest, req CreateRequest) (database.Template, database.TemplateVersion, error) {
	invalid := func(field, detail string) error {
		return domain.Invalid("Invalid workspace.", domain.FieldError{Field: field, Detail: detail})
	}
	var version database.TemplateVersion
	templateID := in.TemplateID
	if in.TemplateVersionID != uuid.Nil {
		v, err := s.DB.GetTemplateVersionByID(ctx, in.TemplateVersionID)
		switch {
		case notVisible(err):
			return database.Template{}, version, invalid("template_version_id", "no template version with this ID exists that you may use")
		case err != nil:
			return database.Template{}, version, xerrors.Errorf("template version: %w", err)
		case !v.TemplateID.Valid:
			return database.Template{}, version, invalid("template_version_id", "the version does not belong to a template")
		}
		version, templateID = v, v.TemplateID.UUID
	}
	template, err := s.DB.GetTemplateByID(ctx, templateID)
	switch {
	case notVisible(err) || (err == nil && template.Deleted):
		return template, version, invalid("template_id", "no template with this ID exists that you may use")
	case err != nil:
		return template, version, xerrors.Errorf("template: %w", err)
	}
	if in.TemplateVersionID == uuid.Nil {
		if version, err = s.DB.GetTemplateVersionByID(ctx, template.ActiveVersionID); err != nil {
			return template, version, xerrors.Errorf("active version: %w", err)
		}
	}
	if req.Organization != uuid.Nil && req.Organization != template.OrganizationID {
		return template, version, invalid("template_id", "the template belongs to another organization")
	}
	// Using a template is a right on the template, which the workspace's
	// insert (authorized on the workspace) does not check.
	if req.Actor.Authorize(rbac.ActionUse, template.RBACObject()) != nil {
		return template, version, domain.Forbidden("You are not allowed to use this template.", "")
	}
	if template.Deprecated != "" {
		return template, version, domain.Invalid(fmt.Sprintf("Template %q has been deprecated and cannot be used to create a new workspace.", template.Name),
			domain.FieldError{Field: "template_id", Detail: template.Deprecated})
	}
	return template, version, nil
}

// ownerIsMember refuses an owner outside the template's organization: a
// policy, since whoever may create workspaces there may still not create one
// for an outsider.
func (s *Service) ownerIsMember(ctx context.Context, owner database.User, orgID uuid.UUID) error {
	_, err := s.DB.GetOrganizationMember(ctx, database.GetOrganizationMemberParams{OrganizationID: orgID, UserID: owner.ID})
	switch {
	case notVisible(err):
		return domain.Invalid(fmt.Sprintf("User %s is not a member of the template's organization.", owner.Username),
			domain.FieldError{Field: "user", Detail: "the owner must be a member of the template's organization"})
	case err != nil:
		return xerrors.Errorf("owner's membership: %w", err)
	}
	return nil
}

type workspaceSchedule struct {
	autostart   string
	nextStartAt *time.Time
	ttl         *int64
}

// scheduleOf is the workspace's autostart and TTL, within the template's
// policy; problems are added to f.
func scheduleOf(in codersdk.CreateWorkspaceRequest, template database.Template, f *domain.Fields) workspaceSchedule {
	var out workspaceSchedule
	if in.AutostartSchedule != nil && *in.AutostartSchedule != "" {
		sched, err := schedule.Weekly(*in.AutostartSchedule)
		switch {
		case err != nil:
			f.Check("autostart_schedule", err.Error())
		case !template.AllowUserAutostart:
			f.Check("autostart_schedule", "the template does not allow users to set autostart")
		case sched.DaysOfWeek()&^(^uint8(template.AutostartBlockDaysOfWeek)&0x7f) != 0:
			f.Check("autostart_schedule", "the schedule includes days the template does not allow autostart on")
		default:
			out.autostart = sched.String()
			next := sched.Next(dbtime.Now())
			out.nextStartAt = &next
		}
	}
	switch {
	case in.TTLMillis != nil:
		d := time.Duration(*in.TTLMillis) * time.Millisecond
		switch {
		case !template.AllowUserAutostop && d != time.Duration(template.DefaultTtl):
			f.Check("ttl_ms", "the template does not allow users to change when workspaces stop")
		case d < MinTTL || d > MaxTTL:
			f.Check("ttl_ms", fmt.Sprintf("must be between %d (one minute) and %d (30 days)", MinTTL.Milliseconds(), MaxTTL.Milliseconds()))
		default:
			ns := int64(d)
			out.ttl = &ns
		}
	case template.DefaultTtl > 0:
		ns := template.DefaultTtl
		out.ttl = &ns
	}
	return out
}

// notVisible: the row does not exist or the actor may not see it.
func notVisible(err error) bool {
	return xerrors.Is(err, database.ErrNoRows) || dbauthz.IsNotAuthorizedError(err)
}

// jobState is a job's status as the API names it.
func jobState(job database.ProvisionerJob) codersdk.ProvisionerJobStatus {
	return convert.ProvisionerJobStatus(job)
}
