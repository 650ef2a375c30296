package dbauthz_test

import (
	"time"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// provisioningCases are the authorization cases of the Store methods for
// provisioner jobs and daemons, templates and their versions.
var provisioningCases = map[string]testCase{
	"InsertProvisionerJob": {
		args: func(s seed) []any {
			return []any{database.InsertProvisionerJobParams{
				ID: uuid.New(), OrganizationID: s.org.ID, InitiatorID: s.user.ID, Provisioner: database.ProvisionerTypeEcho,
				Type: database.ProvisionerJobTypeTemplateVersionImport, FileID: s.file.ID, Input: []byte("{}"), Tags: []byte("{}"),
			}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionCreate, rbac.ResourceProvisionerJobs.InOrg(s.org.ID))}
		},
	},
	"GetProvisionerJobByID": {
		args:   func(s seed) []any { return []any{s.job.ID} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.version.RBACObject())} },
	},
	"GetProvisionerJobsByIDsWithQueuePosition": {
		args:   func(s seed) []any { return []any{[]uuid.UUID{s.job.ID}} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.version.RBACObject())} },
	},
	"AcquireProvisionerJob": {
		args: func(s seed) []any {
			now := dbtime.Now()
			return []any{database.AcquireProvisionerJobParams{
				StartedAt: &now, WorkerID: uuid.NullUUID{UUID: s.daemon.ID, Valid: true}, OrganizationID: s.org.ID,
				Types: []string{"echo"}, Tags: []byte("{}"),
			}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionUpdate, rbac.ResourceProvisionerJobs.InOrg(s.org.ID))}
		},
	},
	"UpdateProvisionerJobByID": {
		args: func(s seed) []any {
			return []any{database.UpdateProvisionerJobByIDParams{ID: s.job.ID, UpdatedAt: dbtime.Now()}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionUpdate, rbac.ResourceProvisionerJobs.InOrg(s.org.ID))}
		},
	},
	"UpdateProvisionerJobWithCompleteByID": {
		args: func(s seed) []any {
			now := dbtime.Now()
			return []any{database.UpdateProvisionerJobWithCompleteByIDParams{ID: s.job.ID, CompletedAt: &now}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionUpdate, rbac.ResourceProvisionerJobs.InOrg(s.org.ID))}
		},
	},
	"InsertProvisionerJobLogs": {
		args: func(s seed) []any {
			return []any{database.InsertProvisionerJobLogsParams{
				JobID: s.job.ID, CreatedAt: []time.Time{dbtime.Now()}, Source: []string{"provisioner"},
				Level: []string{"info"}, Stage: []string{"Planning"}, Output: []string{"hello"},
			}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionUpdate, rbac.ResourceProvisionerJobs.InOrg(s.org.ID))}
		},
	},
	"UpdateProvisionerJobWithCancelByID": {
		args: func(s seed) []any {
			now := dbtime.Now()
			return []any{database.UpdateProvisionerJobWithCancelByIDParams{ID: s.job.ID, CanceledAt: &now}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, s.version.RBACObject()), authz(rbac.ActionUpdate, s.version.RBACObject())}
		},
	},
	"GetUnfinishedProvisionerJobsByReplica": {
		args:   func(seed) []any { return []any{uuid.New()} },
		checks: func(seed) []check { return []check{authz(rbac.ActionRead, rbac.ResourceProvisionerJobs)} },
	},
	"RequeueProvisionerJobByID": {
		args: func(s seed) []any {
			return []any{database.RequeueProvisionerJobByIDParams{ID: s.job.ID, UpdatedAt: dbtime.Now()}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionUpdate, rbac.ResourceProvisionerJobs.InOrg(s.org.ID))}
		},
	},
	"GetHungProvisionerJobs": {
		args:   func(seed) []any { return []any{dbtime.Now()} },
		checks: func(seed) []check { return []check{authz(rbac.ActionRead, rbac.ResourceProvisionerJobs)} },
	},
	"GetProvisionerJobsByOrganization": {
		args: func(s seed) []any {
			return []any{database.GetProvisionerJobsByOrganizationParams{OrganizationID: s.org.ID}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, rbac.ResourceProvisionerJobs.InOrg(s.org.ID))}
		},
	},
	"GetProvisionerLogsAfterID": {
		args:   func(s seed) []any { return []any{database.GetProvisionerLogsAfterIDParams{JobID: s.job.ID}} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.version.RBACObject())} },
	},
	"UpsertProvisionerDaemon": {
		args: func(s seed) []any {
			return []any{database.UpsertProvisionerDaemonParams{
				ID: uuid.New(), OrganizationID: s.org.ID, Name: "d2",
				Provisioners: []string{"echo"}, Tags: []byte("{}"),
			}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionCreate, rbac.ResourceProvisionerDaemon.InOrg(s.org.ID))}
		},
	},
	"UpdateProvisionerDaemonLastSeenAt": {
		args: func(s seed) []any {
			now := dbtime.Now()
			return []any{database.UpdateProvisionerDaemonLastSeenAtParams{ID: s.daemon.ID, LastSeenAt: &now}}
		},
		checks: func(s seed) []check { return []check{authz(rbac.ActionUpdate, rbac.ResourceProvisionerDaemon)} },
	},
	"GetProvisionerDaemonsByOrganization": {
		args: func(s seed) []any { return []any{s.org.ID} },
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, rbac.ResourceProvisionerDaemon.InOrg(s.org.ID))}
		},
	},
	"InsertTemplateVersion": {
		args: func(s seed) []any {
			return []any{database.InsertTemplateVersionParams{ID: uuid.New(), OrganizationID: s.org.ID, Name: "v2", JobID: s.job.ID, CreatedBy: s.user.ID}}
		},
		checks: func(s seed) []check { return []check{authz(rbac.ActionCreate, rbac.ResourceTemplate.InOrg(s.org.ID))} },
	},
	"GetTemplateVersionByID": {
		args:   func(s seed) []any { return []any{s.version.ID} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.version.RBACObject())} },
	},
	"GetTemplateVersionByJobID": {
		args:   func(s seed) []any { return []any{s.job.ID} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.version.RBACObject())} },
	},
	"UpdateTemplateVersionByID": {
		args: func(s seed) []any {
			return []any{database.UpdateTemplateVersionByIDParams{ID: s.version.ID, Name: "renamed"}}
		},
		checks: versionReadUpdate,
	},
	"UpdateTemplateVersionArchived": {
		args: func(s seed) []any {
			return []any{database.UpdateTemplateVersionArchivedParams{ID: s.version.ID, Archived: true}}
		},
		checks: versionReadUpdate,
	},
	"UpdateTemplateVersionImportResultByJobID": {
		args: func(s seed) []any {
			return []any{database.UpdateTemplateVersionImportResultByJobIDParams{JobID: s.job.ID, ExternalAuthProviders: []byte("[]")}}
		},
		checks: versionReadUpdate,
	},
	"InsertTemplateVersionParameter": {
		args: func(s seed) []any {
			return []any{database.InsertTemplateVersionParameterParams{TemplateVersionID: s.version.ID, Name: "region", Type: "string", Options: []byte("[]")}}
		},
		checks: versionReadUpdate,
	},
	"InsertTemplateVersionVariable": {
		args: func(s seed) []any {
			return []any{database.InsertTemplateVersionVariableParams{TemplateVersionID: s.version.ID, Name: "image", Type: "string"}}
		},
		checks: versionReadUpdate,
	},
	"InsertTemplateVersionPreset": {
		args: func(s seed) []any {
			return []any{database.InsertTemplateVersionPresetParams{ID: uuid.New(), TemplateVersionID: s.version.ID, Name: "small", Parameters: []byte("[]")}}
		},
		checks: versionReadUpdate,
	},
	"GetTemplateVersionParameters": {
		args:   func(s seed) []any { return []any{s.version.ID} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.version.RBACObject())} },
	},
	"GetTemplateVersionVariables": {
		args:   func(s seed) []any { return []any{s.version.ID} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.version.RBACObject())} },
	},
	"GetPresetsByTemplateVersionID": {
		args:   func(s seed) []any { return []any{s.version.ID} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.version.RBACObject())} },
	},
	"InsertTemplate": {
		args: func(s seed) []any {
			return []any{database.InsertTemplateParams{
				ID: uuid.New(), OrganizationID: s.org.ID, Name: "tpl2", Provisioner: database.ProvisionerTypeEcho,
				ActiveVersionID: s.version.ID, CreatedBy: s.user.ID, MaxPortSharingLevel: "owner", CorsBehavior: "simple",
				UserAcl: []byte("{}"), GroupAcl: []byte("{}"),
			}}
		},
		checks: func(s seed) []check { return []check{authz(rbac.ActionCreate, rbac.ResourceTemplate.InOrg(s.org.ID))} },
	},
	"GetTemplateByID": {
		args:   func(s seed) []any { return []any{s.template.ID} },
		checks: templateRead,
	},
	"GetTemplateByOrganizationAndName": {
		args: func(s seed) []any {
			return []any{database.GetTemplateByOrganizationAndNameParams{OrganizationID: s.org.ID, Name: "TPL"}}
		},
		checks: templateRead,
	},
	"GetAuthorizedTemplates": {
		args: func(s seed) []any { return []any{database.GetAuthorizedTemplatesParams{}} },
		checks: func(seed) []check {
			return []check{{Action: rbac.ActionRead, Type: rbac.ResourceTemplate.Type, Filter: true}}
		},
	},
	"UpdateTemplateMetaByID": {
		args: func(s seed) []any {
			return []any{database.UpdateTemplateMetaByIDParams{ID: s.template.ID, Name: "tpl3", MaxPortSharingLevel: "owner", CorsBehavior: "simple"}}
		},
		checks: templateReadThen(rbac.ActionUpdate),
	},
	"UpdateTemplateActiveVersionByID": {
		args: func(s seed) []any {
			return []any{database.UpdateTemplateActiveVersionByIDParams{ID: s.template.ID, ActiveVersionID: s.tversion.ID}}
		},
		checks: templateReadThen(rbac.ActionUpdate),
	},
	"UpdateTemplateACLByID": {
		args: func(s seed) []any {
			return []any{database.UpdateTemplateACLByIDParams{ID: s.template.ID, UserAcl: []byte("{}"), GroupAcl: []byte("{}")}}
		},
		checks: templateReadThen(rbac.ActionUpdate),
	},
	"UpdateTemplateDeletedByID": {
		args:   func(s seed) []any { return []any{database.UpdateTemplateDeletedByIDParams{ID: s.template.ID}} },
		checks: templateReadThen(rbac.ActionDelete),
	},
	"InsertTemplateDailyUser": {
		args: func(s seed) []any {
			return []any{database.InsertTemplateDailyUserParams{TemplateID: s.template.ID, UserID: s.user.ID, Day: dbtime.Now()}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionCreate, rbac.ResourceSystem)} },
	},
	"GetTemplateDailyUsers": {
		args: func(s seed) []any {
			return []any{database.GetTemplateDailyUsersParams{TemplateID: s.template.ID, Since: dbtime.Now()}}
		},
		checks: templateReadThen(rbac.ActionViewInsights),
	},
	"GetTemplateVersionsByTemplateID": {
		args: func(s seed) []any {
			return []any{database.GetTemplateVersionsByTemplateIDParams{TemplateID: s.template.ID}}
		},
		checks: templateRead,
	},
	"GetTemplateVersionByTemplateIDAndName": {
		args: func(s seed) []any {
			return []any{database.GetTemplateVersionByTemplateIDAndNameParams{TemplateID: s.template.ID, Name: "t1"}}
		},
		checks: templateRead,
	},
	"GetPreviousTemplateVersion": {
		args:   func(s seed) []any { return []any{s.newer.ID} },
		checks: templateRead,
	},
	"ArchiveUnusedTemplateVersions": {
		args: func(s seed) []any {
			return []any{database.ArchiveUnusedTemplateVersionsParams{TemplateID: s.template.ID}}
		},
		checks: templateReadThen(rbac.ActionUpdate),
	},
}
