package dbauthz_test

import (
	"time"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// workspaceCases are the authorization cases of the Store methods for
// workspaces, their builds, resources, agents and apps.
var workspaceCases = map[string]testCase{
	"InsertWorkspaceResource": {
		args: func(s seed) []any {
			return []any{database.InsertWorkspaceResourceParams{
				ID: uuid.New(), JobID: s.job.ID, Transition: database.WorkspaceTransitionStop, Type: "x", Name: "y", Metadata: []byte("[]"),
			}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionUpdate, rbac.ResourceProvisionerJobs.InOrg(s.org.ID))}
		},
	},
	"InsertWorkspaceAgent": {
		args: func(s seed) []any {
			return []any{database.InsertWorkspaceAgentParams{
				ID: uuid.New(), ResourceID: s.resource.ID, Name: "second", EnvironmentVariables: []byte("{}"),
				AuthTokenHash: []byte(uuid.NewString()), DisplayApps: []string{},
			}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionUpdate, rbac.ResourceProvisionerJobs)} },
	},
	"InsertWorkspaceApp": {
		args: func(s seed) []any {
			return []any{database.InsertWorkspaceAppParams{ID: uuid.New(), AgentID: s.agent.ID, Slug: "code"}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionUpdate, rbac.ResourceProvisionerJobs)} },
	},
	"GetWorkspaceResourcesByJobID": {
		args:   func(s seed) []any { return []any{s.job.ID} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.version.RBACObject())} },
	},
	"GetWorkspaceAgentsByJobID": {
		args:   func(s seed) []any { return []any{s.job.ID} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.version.RBACObject())} },
	},
	"GetWorkspaceAppsByJobID": {
		args:   func(s seed) []any { return []any{s.job.ID} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.version.RBACObject())} },
	},
	"InsertWorkspace": {
		args: func(s seed) []any {
			now := dbtime.Now()
			return []any{database.InsertWorkspaceParams{
				ID: uuid.New(), CreatedAt: now, UpdatedAt: now, OwnerID: s.user.ID, OrganizationID: s.org.ID,
				TemplateID: s.template.ID, Name: "other", LastUsedAt: now, AutomaticUpdates: "never",
			}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionCreate, rbac.ResourceWorkspace.InOrg(s.org.ID).WithOwner(s.user.ID))}
		},
	},
	"GetWorkspaceByID": {
		args:   func(s seed) []any { return []any{s.workspace.ID} },
		checks: workspaceRead,
	},
	"GetWorkspaceByOwnerIDAndName": {
		args: func(s seed) []any {
			return []any{database.GetWorkspaceByOwnerIDAndNameParams{OwnerID: s.user.ID, Name: "DEV"}}
		},
		checks: workspaceRead,
	},
	"GetWorkspaceByBuildID": {
		args:   func(s seed) []any { return []any{s.build.ID} },
		checks: workspaceRead,
	},
	"GetAuthorizedWorkspaces": {
		args: func(s seed) []any {
			return []any{database.GetAuthorizedWorkspacesParams{RequesterID: s.user.ID}}
		},
		checks: func(seed) []check {
			return []check{
				{Action: rbac.ActionRead, Type: rbac.ResourceWorkspace.Type, Filter: true},
				{Action: rbac.ActionRead, Type: rbac.ResourceWorkspaceDormant.Type, Filter: true},
			}
		},
	},
	"GetWorkspacesByIDs": {
		args:   func(s seed) []any { return []any{[]uuid.UUID{s.workspace.ID}} },
		checks: workspaceRead,
	},
	"GetWorkspaceCountByTemplateID": {
		args:   func(s seed) []any { return []any{s.template.ID} },
		checks: templateRead,
	},
	"GetWorkspaceCountByOwnerID": {
		args: func(s seed) []any { return []any{s.user.ID} },
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, userObj(s.user.ID)), authz(rbac.ActionDelete, userObj(s.user.ID))}
		},
	},
	"UpdateWorkspaceName": {
		args: func(s seed) []any {
			return []any{database.UpdateWorkspaceNameParams{ID: s.workspace.ID, Name: "dev2", UpdatedAt: dbtime.Now()}}
		},
		checks: workspaceReadThen(rbac.ActionUpdate),
	},
	"UpdateWorkspaceFavorite": {
		args: func(s seed) []any {
			return []any{database.UpdateWorkspaceFavoriteParams{ID: s.workspace.ID, Favorite: true}}
		},
		checks: workspaceReadThen(rbac.ActionUpdate),
	},
	"UpdateWorkspaceACLByID": {
		args: func(s seed) []any {
			return []any{database.UpdateWorkspaceACLByIDParams{
				ID: s.workspace.ID, UserAcl: []byte(`{"` + s.bare.ID.String() + `": ["read"]}`), GroupAcl: []byte("{}"),
			}}
		},
		checks: workspaceReadThen(rbac.ActionShare),
	},
	"UpdateWorkspaceDeletedByID": {
		args: func(s seed) []any {
			return []any{database.UpdateWorkspaceDeletedByIDParams{ID: s.workspace.ID, Deleted: true, UpdatedAt: dbtime.Now()}}
		},
		checks: workspaceReadThen(rbac.ActionDelete),
	},
	"InsertWorkspaceBuild": {
		args: func(s seed) []any {
			now := dbtime.Now()
			return []any{database.InsertWorkspaceBuildParams{
				ID: uuid.New(), CreatedAt: now, UpdatedAt: now, WorkspaceID: s.workspace.ID, TemplateVersionID: s.tversion.ID,
				BuildNumber: 2, Transition: database.WorkspaceTransitionStop, InitiatorID: s.user.ID,
				ProvisionerState: []byte{}, JobID: s.stopJob.ID, Reason: database.BuildReasonInitiator,
			}}
		},
		checks: workspaceReadThen(rbac.ActionWorkspaceStop),
	},
	"InsertWorkspaceBuildParameters": {
		args: func(s seed) []any {
			return []any{database.InsertWorkspaceBuildParametersParams{
				WorkspaceBuildID: s.build.ID, Names: []string{"size"}, Values: []string{"large"},
			}}
		},
		checks: workspaceReadThen(rbac.ActionWorkspaceStart),
	},
	"UpdateWorkspaceAutostart": {
		args: func(s seed) []any {
			return []any{database.UpdateWorkspaceAutostartParams{ID: s.workspace.ID, AutostartSchedule: "CRON_TZ=UTC 0 9 * * *"}}
		},
		checks: workspaceReadThen(rbac.ActionUpdate),
	},
	"UpdateWorkspaceTTL": {
		args:   func(s seed) []any { return []any{database.UpdateWorkspaceTTLParams{ID: s.workspace.ID}} },
		checks: workspaceReadThen(rbac.ActionUpdate),
	},
	"UpdateWorkspaceAutomaticUpdates": {
		args: func(s seed) []any {
			return []any{database.UpdateWorkspaceAutomaticUpdatesParams{ID: s.workspace.ID, AutomaticUpdates: "always"}}
		},
		checks: workspaceReadThen(rbac.ActionUpdate),
	},
	"UpdateWorkspaceDormantDeletingAt": {
		args:   func(s seed) []any { return []any{database.UpdateWorkspaceDormantDeletingAtParams{ID: s.workspace.ID}} },
		checks: workspaceReadThen(rbac.ActionUpdate),
	},
	"UpdateWorkspacesLastUsedAt": {
		args: func(s seed) []any {
			return []any{database.UpdateWorkspacesLastUsedAtParams{Ids: []uuid.UUID{s.workspace.ID}, LastUsedAt: dbtime.Now()}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionUpdate, rbac.ResourceSystem)} },
	},
	"ActivityBumpWorkspaces": {
		args:   func(s seed) []any { return []any{[]uuid.UUID{s.workspace.ID}} },
		checks: func(seed) []check { return []check{authz(rbac.ActionUpdate, rbac.ResourceSystem)} },
	},
	"GetWorkspacesEligibleForTransition": {
		args:   func(seed) []any { return []any{dbtime.Now()} },
		checks: func(seed) []check { return []check{authz(rbac.ActionRead, rbac.ResourceWorkspace)} },
	},
	"UpsertWorkspaceAgentPortShare": {
		args: func(s seed) []any {
			return []any{database.UpsertWorkspaceAgentPortShareParams{WorkspaceID: s.workspace.ID, AgentName: "main", Port: 8080, ShareLevel: "public", Protocol: "http"}}
		},
		checks: workspaceReadThen(rbac.ActionShare),
	},
	"GetWorkspaceAgentPortShares": {
		args:   func(s seed) []any { return []any{s.workspace.ID} },
		checks: workspaceRead,
	},
	"DeleteWorkspaceAgentPortShare": {
		args: func(s seed) []any {
			return []any{database.DeleteWorkspaceAgentPortShareParams{WorkspaceID: s.workspace.ID, AgentName: "main", Port: 8080}}
		},
		checks: workspaceReadThen(rbac.ActionShare),
	},
	"InsertProvisionerJobTimings": {
		args: func(s seed) []any {
			now := dbtime.Now()
			return []any{database.InsertProvisionerJobTimingsParams{JobID: s.job.ID, StartedAt: []time.Time{now}, EndedAt: []time.Time{now},
				Stage: []string{"plan"}, Source: []string{"echo"}, Action: []string{"create"}, Resource: []string{"x"}}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionUpdate, rbac.ResourceProvisionerJobs.InOrg(s.org.ID))}
		},
	},
	"GetProvisionerJobTimings": {
		args:   func(s seed) []any { return []any{s.job.ID} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.version.RBACObject())} },
	},
	"GetUsersByIDs": {
		args:   func(s seed) []any { return []any{[]uuid.UUID{s.user.ID}} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, userObj(s.user.ID))} },
	},
	"GetGroupsByIDs": {
		args:   func(s seed) []any { return []any{[]uuid.UUID{s.group.ID}} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.group.RBACObject())} },
	},
	"GetWorkspaceBuildsWithJobsByIDs": {
		args:   func(s seed) []any { return []any{[]uuid.UUID{s.build.ID}} },
		checks: workspaceRead,
	},
	"GetWorkspaceResourcesByBuildJobIDs": {
		args:   func(s seed) []any { return []any{[]uuid.UUID{s.buildJob.ID}} },
		checks: workspaceRead,
	},
	"GetWorkspaceAgentsByBuildJobIDs": {
		args:   func(s seed) []any { return []any{[]uuid.UUID{s.buildJob.ID}} },
		checks: workspaceRead,
	},
	"GetWorkspaceAppsByBuildJobIDs": {
		args:   func(s seed) []any { return []any{[]uuid.UUID{s.buildJob.ID}} },
		checks: workspaceRead,
	},
	"GetWorkspaceResourceTreesByBuildJobIDs": {
		args:   func(s seed) []any { return []any{[]uuid.UUID{s.buildJob.ID}} },
		checks: workspaceRead,
	},
	"GetWorkspaceBuildsWithResources": {
		args:   func(s seed) []any { return []any{[]uuid.UUID{s.build.ID}, []uuid.UUID{s.buildJob.ID}} },
		checks: workspaceRead,
	},
	"GetWorkspaceBuildParameters": {
		args:   func(s seed) []any { return []any{s.build.ID} },
		checks: workspaceReadThen(rbac.ActionRead),
	},
	"GetWorkspaceBuildByID": {
		args:   func(s seed) []any { return []any{s.build.ID} },
		checks: workspaceRead,
	},
	"GetWorkspaceBuildByJobID": {
		args:   func(s seed) []any { return []any{s.buildJob.ID} },
		checks: workspaceRead,
	},
	"GetWorkspaceBuildByWorkspaceIDAndBuildNumber": {
		args: func(s seed) []any {
			return []any{database.GetWorkspaceBuildByWorkspaceIDAndBuildNumberParams{WorkspaceID: s.workspace.ID, BuildNumber: 1}}
		},
		checks: workspaceRead,
	},
	"GetLatestWorkspaceBuildByWorkspaceID": {
		args:   func(s seed) []any { return []any{s.workspace.ID} },
		checks: workspaceRead,
	},
	"GetWorkspaceBuildsByWorkspaceID": {
		args: func(s seed) []any {
			return []any{database.GetWorkspaceBuildsByWorkspaceIDParams{WorkspaceID: s.workspace.ID}}
		},
		checks: workspaceRead,
	},
	"UpdateWorkspaceBuildProvisionerStateByID": {
		args: func(s seed) []any {
			return []any{database.UpdateWorkspaceBuildProvisionerStateByIDParams{
				ID: s.build.ID, ProvisionerState: []byte("state"), UpdatedAt: dbtime.Now(),
			}}
		},
		checks: workspaceReadThen(rbac.ActionUpdate),
	},
	"UpdateWorkspaceBuildCostByID": {
		args: func(s seed) []any {
			return []any{database.UpdateWorkspaceBuildCostByIDParams{ID: s.build.ID, DailyCost: 5, UpdatedAt: dbtime.Now()}}
		},
		checks: workspaceReadThen(rbac.ActionUpdate),
	},
	"UpdateWorkspaceBuildDeadlineByID": {
		args: func(s seed) []any {
			now := dbtime.Now()
			deadline := now.Add(time.Hour)
			return []any{database.UpdateWorkspaceBuildDeadlineByIDParams{
				ID: s.build.ID, Deadline: &deadline, MaxDeadline: &deadline, UpdatedAt: now,
			}}
		},
		checks: workspaceReadThen(rbac.ActionUpdate),
	},
}
