package templates

import (
	"context"
	"encoding/json"

	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// UpdateRequest changes a template's settings; fields left out keep their
// values.
type UpdateRequest struct {
	Template database.Template
	// Actor decides the check made before anything else; the update is
	// authorized by dbauthz as well.
	Actor *rbac.PreparedSubject
	Meta  codersdk.UpdateTemplateMeta
}

var errUpdateForbidden = domain.Forbidden("You are not allowed to change this template.", "")

// Update validates and stores the settings. It reports false, and changes
// nothing, when they equal the stored ones. Refusals are domain errors:
// Forbidden, Invalid naming the fields, Conflict for a name taken.
func (s *Service) Update(ctx context.Context, req UpdateRequest) (changed bool, err error) {
	t, in := req.Template, req.Meta
	// dbauthz enforces this too; checking first keeps those who may not
	// change the template from learning whether a change would be a no-op
	// (304) or invalid (400).
	if req.Actor.Authorize(rbac.ActionUpdate, t.RBACObject()) != nil {
		return false, errUpdateForbidden
	}
	current := storedMeta(t)
	p, f := applyMeta(current, in)
	if err := f.Err("Invalid template settings."); err != nil {
		return false, err
	}
	groupACL := database.ParseACL(t.GroupAcl)
	_, everyone := groupACL[t.OrganizationID]
	dropEveryone := in.DisableEveryoneGroupAccess && everyone
	if p == current && !dropEveryone {
		return false, nil
	}
	p.UpdatedAt = dbtime.Now()
	err = s.DB.InTx(ctx, func(tx database.Store) error {
		if err := tx.UpdateTemplateMetaByID(ctx, p); err != nil {
			return err
		}
		if !dropEveryone {
			return nil
		}
		delete(groupACL, t.OrganizationID)
		acl, err := json.Marshal(groupACL)
		if err != nil {
			return err
		}
		return tx.UpdateTemplateACLByID(ctx, database.UpdateTemplateACLByIDParams{ID: t.ID, UserAcl: t.UserAcl, GroupAcl: acl})
	}, nil)
	switch {
	case database.IsUniqueViolation(err, NameConstraint):
		return false, nameTaken(p.Name)
	case dbauthz.IsNotAuthorizedError(err):
		return false, errUpdateForbidden
	case err != nil:
		return false, err
	}
	return true, nil
}

// storedMeta is t's settings as an update would write them unchanged.
func storedMeta(t database.Template) database.UpdateTemplateMetaByIDParams {
	return database.UpdateTemplateMetaByIDParams{
		ID: t.ID, Name: t.Name, DisplayName: t.DisplayName, Description: t.Description, Icon: t.Icon,
		DefaultTtl: t.DefaultTtl, ActivityBump: t.ActivityBump,
		AutostopRequirementDaysOfWeek: t.AutostopRequirementDaysOfWeek, AutostopRequirementWeeks: t.AutostopRequirementWeeks,
		AutostartBlockDaysOfWeek: t.AutostartBlockDaysOfWeek,
		AllowUserAutostart:       t.AllowUserAutostart, AllowUserAutostop: t.AllowUserAutostop,
		AllowUserCancelWorkspaceJobs: t.AllowUserCancelWorkspaceJobs,
		FailureTtl:                   t.FailureTtl, TimeTilDormant: t.TimeTilDormant, TimeTilDormantAutodelete: t.TimeTilDormantAutodelete,
		RequireActiveVersion: t.RequireActiveVersion, Deprecated: t.Deprecated,
		MaxPortSharingLevel: t.MaxPortSharingLevel, UseClassicParameterFlow: t.UseClassicParameterFlow,
		CorsBehavior: t.CorsBehavior,
	}
}

// applyMeta is p with the request's settings applied, and their problems.
func applyMeta(p database.UpdateTemplateMetaByIDParams, in codersdk.UpdateTemplateMeta) (database.UpdateTemplateMetaByIDParams, domain.Fields) {
	var f domain.Fields
	if in.Name != "" {
		f.Check("name", domain.NameValid(in.Name))
		p.Name = in.Name
	}
	if in.DisplayName != nil {
		p.DisplayName = *in.DisplayName
	}
	if in.Description != nil {
		p.Description = *in.Description
	}
	if in.Icon != nil {
		p.Icon = *in.Icon
	}
	checkDisplay(&f, p.DisplayName, p.Description)
	duration := func(field string, ms int64, cleanup bool, dst *int64) {
		*dst = int64(checkMillis(&f, field, ms, cleanup))
	}
	duration("default_ttl_ms", in.DefaultTTLMillis, false, &p.DefaultTtl)
	duration("activity_bump_ms", in.ActivityBumpMillis, false, &p.ActivityBump)
	duration("failure_ttl_ms", in.FailureTTLMillis, true, &p.FailureTtl)
	duration("time_til_dormant_ms", in.TimeTilDormantMillis, true, &p.TimeTilDormant)
	duration("time_til_dormant_autodelete_ms", in.TimeTilDormantAutoDeleteMillis, true, &p.TimeTilDormantAutodelete)
	s := schedule{
		autostopWeeks:     p.AutostopRequirementWeeks,
		maxPortShareLevel: codersdk.WorkspaceAgentPortShareLevel(p.MaxPortSharingLevel),
		corsBehavior:      codersdk.CORSBehavior(p.CorsBehavior),
	}
	if in.AutostopRequirement != nil {
		p.AutostopRequirementDaysOfWeek = int16(checkWeekdays(&f, "autostop_requirement.days_of_week", in.AutostopRequirement.DaysOfWeek))
		s.autostopWeeks = in.AutostopRequirement.Weeks
		if s.autostopWeeks == 0 {
			s.autostopWeeks = 1
		}
		p.AutostopRequirementWeeks = s.autostopWeeks
	}
	if in.AutostartRequirement != nil {
		days := checkWeekdays(&f, "autostart_requirement.days_of_week", in.AutostartRequirement.DaysOfWeek)
		p.AutostartBlockDaysOfWeek = int16(^days & 0x7f)
	}
	if in.MaxPortShareLevel != nil {
		s.maxPortShareLevel = *in.MaxPortShareLevel
		p.MaxPortSharingLevel = string(*in.MaxPortShareLevel)
	}
	if in.CORSBehavior != nil {
		s.corsBehavior = *in.CORSBehavior
		p.CorsBehavior = string(*in.CORSBehavior)
	}
	s.validate(&f)
	p.AllowUserAutostart, p.AllowUserAutostop = in.AllowUserAutostart, in.AllowUserAutostop
	p.AllowUserCancelWorkspaceJobs, p.RequireActiveVersion = in.AllowUserCancelWorkspaceJobs, in.RequireActiveVersion
	if in.UseClassicParameterFlow != nil {
		p.UseClassicParameterFlow = *in.UseClassicParameterFlow
	}
	if in.DeprecationMessage != nil {
		p.Deprecated = *in.DeprecationMessage
	}
	return p, f
}
