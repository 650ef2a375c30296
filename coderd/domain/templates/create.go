// Package templates creates templates and changes their settings.
package templates

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// NameConstraint is the unique key of a template's name in its organization.
const NameConstraint = "templates_organization_name_lower_idx"

// UseActions are what the "use" role of a template ACL grants.
var UseActions = []rbac.Action{rbac.ActionRead, rbac.ActionUse}

// Service creates and changes templates over a store.
type Service struct {
	DB database.Store
}

// CreateRequest is a template a user asks for in an organization.
type CreateRequest struct {
	Organization uuid.UUID
	Initiator    uuid.UUID
	// Actor decides the check made before any field is judged; the insert
	// is authorized by dbauthz as well.
	Actor    *rbac.PreparedSubject
	Template codersdk.CreateTemplateRequest
}

var errCreateForbidden = domain.Forbidden("You are not allowed to create templates in this organization.", "")

// Create validates the request and creates the template with the version
// as its active one. Refusals are domain errors: Forbidden, Invalid naming
// the fields, Conflict for a name the organization has.
func (s *Service) Create(ctx context.Context, req CreateRequest) (uuid.UUID, error) {
	in := req.Template
	// dbauthz enforces this too; checking first answers 403 before field
	// feedback that would tell who may not create templates which version
	// IDs exist.
	if req.Actor.Authorize(rbac.ActionCreate, rbac.ResourceTemplate.InOrg(req.Organization)) != nil {
		return uuid.Nil, errCreateForbidden
	}
	var f domain.Fields
	f.Check("name", domain.NameValid(in.Name))
	checkDisplay(&f, in.DisplayName, in.Description)
	sched := createSchedule(in, &f)
	if in.VersionID == uuid.Nil {
		f.Check("template_version_id", "is required")
	}
	var (
		version database.TemplateVersion
		job     database.ProvisionerJob
		err     error
	)
	if len(f) == 0 {
		if version, job, err = s.firstVersion(ctx, in.VersionID, req.Organization, &f); err != nil {
			return uuid.Nil, err
		}
	}
	if err := f.Err("Invalid template."); err != nil {
		return uuid.Nil, err
	}
	groupACL := database.ACL{}
	if !in.DisableEveryoneGroupAccess {
		// The Everyone group's ID is the organization's.
		groupACL[req.Organization] = UseActions
	}
	groupACLJSON, err := json.Marshal(groupACL)
	if err != nil {
		return uuid.Nil, xerrors.Errorf("encode group ACL: %w", err)
	}
	templateID := uuid.New()
	err = s.DB.InTx(ctx, func(tx database.Store) error {
		now := dbtime.Now()
		err := tx.InsertTemplate(ctx, database.InsertTemplateParams{
			ID: templateID, CreatedAt: now, UpdatedAt: now, OrganizationID: req.Organization,
			Name: in.Name, DisplayName: in.DisplayName, Description: in.Description, Icon: in.Icon,
			Provisioner: job.Provisioner, ActiveVersionID: version.ID, CreatedBy: req.Initiator,
			DefaultTtl: int64(sched.defaultTTL), ActivityBump: int64(sched.activityBump),
			AutostopRequirementDaysOfWeek: int16(sched.autostopDays), AutostopRequirementWeeks: sched.autostopWeeks,
			AutostartBlockDaysOfWeek:     int16(^sched.autostartDays & 0x7f),
			AllowUserAutostart:           boolOr(in.AllowUserAutostart, true),
			AllowUserAutostop:            boolOr(in.AllowUserAutostop, true),
			AllowUserCancelWorkspaceJobs: boolOr(in.AllowUserCancelWorkspaceJobs, true),
			FailureTtl:                   int64(sched.failureTTL), TimeTilDormant: int64(sched.timeTilDormant),
			TimeTilDormantAutodelete: int64(sched.timeTilDormantAutodelete),
			RequireActiveVersion:     in.RequireActiveVersion,
			MaxPortSharingLevel:      string(sched.maxPortShareLevel),
			UseClassicParameterFlow:  boolOr(in.UseClassicParameterFlow, false),
			CorsBehavior:             string(sched.corsBehavior),
			UserAcl:                  []byte("{}"), GroupAcl: groupACLJSON,
		})
		if err != nil {
			return err
		}
		_, err = tx.UpdateTemplateVersionByID(ctx, database.UpdateTemplateVersionByIDParams{
			ID: version.ID, Name: version.Name, Message: version.Message,
			TemplateID: uuid.NullUUID{UUID: templateID, Valid: true}, UpdatedAt: now,
		})
		return err
	}, nil)
	switch {
	case database.IsUniqueViolation(err, NameConstraint):
		return uuid.Nil, nameTaken(in.Name)
	case dbauthz.IsNotAuthorizedError(err):
		return uuid.Nil, errCreateForbidden
	case err != nil:
		return uuid.Nil, err
	}
	return templateID, nil
}

// createSchedule reads a new template's schedule settings, with defaults.
func createSchedule(in codersdk.CreateTemplateRequest, f *domain.Fields) schedule {
	ms := func(field string, p *int64, def time.Duration, cleanup bool) time.Duration {
		if p == nil {
			return def
		}
		return checkMillis(f, field, *p, cleanup)
	}
	s := schedule{
		defaultTTL:               ms("default_ttl_ms", in.DefaultTTLMillis, 0, false),
		activityBump:             ms("activity_bump_ms", in.ActivityBumpMillis, DefaultActivityBump, false),
		failureTTL:               ms("failure_ttl_ms", in.FailureTTLMillis, 0, true),
		timeTilDormant:           ms("dormant_ttl_ms", in.TimeTilDormantMillis, 0, true),
		timeTilDormantAutodelete: ms("delete_ttl_ms", in.TimeTilDormantAutoDeleteMillis, 0, true),
		autostopWeeks:            1,
		autostartDays:            0x7f,
		maxPortShareLevel:        codersdk.WorkspaceAgentPortShareLevelOwner,
		corsBehavior:             codersdk.CORSBehaviorSimple,
	}
	if in.AutostopRequirement != nil {
		s.autostopDays = checkWeekdays(f, "autostop_requirement.days_of_week", in.AutostopRequirement.DaysOfWeek)
		s.autostopWeeks = max(in.AutostopRequirement.Weeks, 1)
		if in.AutostopRequirement.Weeks < 0 {
			s.autostopWeeks = in.AutostopRequirement.Weeks
		}
	}
	if in.AutostartRequirement != nil {
		s.autostartDays = checkWeekdays(f, "autostart_requirement.days_of_week", in.AutostartRequirement.DaysOfWeek)
	}
	if in.MaxPortShareLevel != nil {
		s.maxPortShareLevel = *in.MaxPortShareLevel
	}
	if in.CORSBehavior != nil {
		s.corsBehavior = *in.CORSBehavior
	}
	s.validate(f)
	return s
}

// firstVersion is the version a new template starts from: imported
// successfully, in the organization, in no template yet, not archived.
func (s *Service) firstVersion(ctx context.Context, id, orgID uuid.UUID, f *domain.Fields) (database.TemplateVersion, database.ProvisionerJob, error) {
	version, err := s.DB.GetTemplateVersionByID(ctx, id)
	switch {
	case xerrors.Is(err, database.ErrNoRows) || dbauthz.IsNotAuthorizedError(err) || (err == nil && version.OrganizationID != orgID):
		f.Check("template_version_id", "no template version with this ID exists in this organization")
	case err != nil:
		return version, database.ProvisionerJob{}, xerrors.Errorf("template version: %w", err)
	case version.TemplateID.Valid:
		f.Check("template_version_id", "the version already belongs to a template; upload the template again to make a new version")
	case version.Archived:
		f.Check("template_version_id", "the version is archived")
	}
	if len(*f) > 0 {
		return version, database.ProvisionerJob{}, nil
	}
	job, err := s.DB.GetProvisionerJobByID(ctx, version.JobID)
	if err != nil {
		return version, job, xerrors.Errorf("template version's job: %w", err)
	}
	if state := convert.ProvisionerJobStatus(job); state != codersdk.ProvisionerJobSucceeded {
		f.Check("template_version_id", fmt.Sprintf("the version's import is %s; only a successfully imported version can start a template", state))
	}
	return version, job, nil
}

func boolOr(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}
