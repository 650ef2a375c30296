package dbauthz_test

import (
	"time"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// identityCases are the authorization cases of the Store methods for users,
// keys, organizations, roles, groups, audit, files and the system rows.
var identityCases = map[string]testCase{
	"GetDeploymentID": {
		args:   func(seed) []any { return nil },
		checks: func(seed) []check { return []check{authz(rbac.ActionRead, rbac.ResourceSystem)} },
	},
	"InsertDeploymentID": {
		args:   func(seed) []any { return []any{"id"} },
		checks: func(seed) []check { return []check{authz(rbac.ActionCreate, rbac.ResourceSystem)} },
	},
	"ReserveLoginAttempt": {
		args: func(seed) []any {
			now := dbtime.Now()
			return []any{database.ReserveLoginAttemptParams{Key: "k", Now: now, HoldUntil: now.Add(time.Minute), Reservation: uuid.New(), FreeFailures: 1}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionUpdate, rbac.ResourceSystem)} },
	},
	"FailLoginAttempt": {
		args: func(seed) []any {
			return []any{database.FailLoginAttemptParams{Key: "k", Now: dbtime.Now(), FreeFailures: 1}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionUpdate, rbac.ResourceSystem)} },
	},
	"SucceedLoginAttempt": {
		args:   func(seed) []any { return []any{database.SucceedLoginAttemptParams{Key: "k", Now: dbtime.Now()}} },
		checks: func(seed) []check { return []check{authz(rbac.ActionUpdate, rbac.ResourceSystem)} },
	},
	"ReleaseLoginAttempt": {
		args:   func(seed) []any { return []any{"k"} },
		checks: func(seed) []check { return []check{authz(rbac.ActionUpdate, rbac.ResourceSystem)} },
	},
	"DeleteForgottenLoginLimits": {
		args:   func(seed) []any { return []any{dbtime.Now()} },
		checks: func(seed) []check { return []check{authz(rbac.ActionDelete, rbac.ResourceSystem)} },
	},
	"AddRateLimitCounts": {
		args: func(seed) []any {
			return []any{database.AddRateLimitCountsParams{Keys: []string{"k"}, Deltas: []int32{1}, WindowStart: dbtime.Now()}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionUpdate, rbac.ResourceSystem)} },
	},
	"DeleteRateLimitCountsBefore": {
		args:   func(seed) []any { return []any{dbtime.Now()} },
		checks: func(seed) []check { return []check{authz(rbac.ActionDelete, rbac.ResourceSystem)} },
	},
	"GetUserCount": {
		args:   func(seed) []any { return nil },
		checks: func(seed) []check { return []check{authz(rbac.ActionRead, rbac.ResourceSystem)} },
	},
	"InsertUser": {
		args: func(seed) []any {
			return []any{database.InsertUserParams{
				ID: uuid.New(), Email: "new@example.com", Username: "new", RbacRoles: []string{},
				LoginType: database.LoginTypePassword, Status: database.UserStatusActive,
			}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionCreate, rbac.ResourceUser)} },
	},
	"GetUserByID": {
		args:   func(s seed) []any { return []any{s.user.ID} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, userObj(s.user.ID))} },
	},
	"GetUserByEmailOrUsername": {
		args: func(s seed) []any {
			return []any{database.GetUserByEmailOrUsernameParams{Email: s.user.Email}}
		},
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, userObj(s.user.ID))} },
	},
	"GetUsers": {
		args: func(seed) []any { return []any{database.GetUsersParams{}} },
		checks: func(seed) []check {
			return []check{{Action: rbac.ActionRead, Type: rbac.ResourceUser.Type, Filter: true}}
		},
	},
	"UpdateUserProfile": {
		args: func(s seed) []any {
			return []any{database.UpdateUserProfileParams{ID: s.user.ID, Username: "alice2"}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, userObj(s.user.ID)), authz(rbac.ActionUpdatePersonal, userObj(s.user.ID))}
		},
	},
	"UpdateUserHashedPassword": {
		args: func(s seed) []any { return []any{database.UpdateUserHashedPasswordParams{ID: s.user.ID}} },
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, userObj(s.user.ID)), authz(rbac.ActionUpdatePersonal, userObj(s.user.ID))}
		},
	},
	"UpdateUserStatus": {
		args: func(s seed) []any {
			return []any{database.UpdateUserStatusParams{ID: s.user.ID, Status: database.UserStatusSuspended}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, userObj(s.user.ID)), authz(rbac.ActionUpdate, userObj(s.user.ID))}
		},
	},
	"UpdateUserRoles": {
		args: func(s seed) []any {
			return []any{database.UpdateUserRolesParams{ID: s.user.ID, RbacRoles: []string{"auditor"}}}
		},
		checks: func(s seed) []check {
			return []check{
				authz(rbac.ActionAssign, rbac.ResourceAssignRole),
				authz(rbac.ActionRead, userObj(s.user.ID)),
				authz(rbac.ActionUpdate, userObj(s.user.ID)),
			}
		},
	},
	"UpdateUserDeletedByID": {
		args: func(s seed) []any { return []any{database.UpdateUserDeletedByIDParams{ID: s.user.ID}} },
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, userObj(s.user.ID)), authz(rbac.ActionDelete, userObj(s.user.ID))}
		},
	},
	"UpdateUserLastSeenAt": {
		args: func(s seed) []any {
			return []any{database.UpdateUserLastSeenAtParams{ID: s.user.ID, LastSeenAt: dbtime.Now()}}
		},
		checks: func(s seed) []check { return []check{authz(rbac.ActionUpdate, userObj(s.user.ID))} },
	},
	"UpdateUserAppearanceSettings": {
		args: func(s seed) []any {
			return []any{database.UpdateUserAppearanceSettingsParams{ID: s.user.ID, ThemePreference: "dark"}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, userObj(s.user.ID)), authz(rbac.ActionUpdatePersonal, userObj(s.user.ID))}
		},
	},
	"GetAuthorizationUserRoles": {
		args:   func(s seed) []any { return []any{s.user.ID} },
		checks: func(seed) []check { return []check{authz(rbac.ActionRead, rbac.ResourceSystem)} },
	},
	"GetGitSSHKey": {
		args:   func(s seed) []any { return []any{s.user.ID} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionReadPersonal, userObj(s.user.ID))} },
	},
	"InsertGitSSHKey": {
		args: func(s seed) []any {
			return []any{database.InsertGitSSHKeyParams{UserID: s.bare.ID, PrivateKey: "p", PublicKey: "k"}}
		},
		checks: func(s seed) []check { return []check{authz(rbac.ActionUpdatePersonal, userObj(s.bare.ID))} },
	},
	"UpdateGitSSHKey": {
		args: func(s seed) []any {
			return []any{database.UpdateGitSSHKeyParams{UserID: s.user.ID, PrivateKey: "p2", PublicKey: "k2"}}
		},
		checks: func(s seed) []check { return []check{authz(rbac.ActionUpdatePersonal, userObj(s.user.ID))} },
	},
	"InsertAPIKey": {
		args: func(s seed) []any {
			return []any{database.InsertAPIKeyParams{
				ID: s.newAPIID, HashedSecret: []byte("h"), UserID: s.user.ID, LoginType: database.LoginTypePassword,
				LifetimeSeconds: 1, Scope: database.ApiKeyScopeAll,
			}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionCreate, rbac.ResourceApiKey.WithOwner(s.user.ID))}
		},
	},
	"GetAPIKeyByID": {
		args: func(s seed) []any { return []any{s.session.ID} },
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, rbac.ResourceApiKey.WithOwner(s.user.ID))}
		},
	},
	"GetAPIKeyByName": {
		args: func(s seed) []any {
			return []any{database.GetAPIKeyByNameParams{UserID: s.user.ID, TokenName: s.token.TokenName}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, rbac.ResourceApiKey.WithOwner(s.user.ID))}
		},
	},
	"GetAPIKeysByUserID": {
		args: func(s seed) []any {
			return []any{database.GetAPIKeysByUserIDParams{UserID: s.user.ID, LoginType: database.LoginTypeToken}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, rbac.ResourceApiKey.WithOwner(s.user.ID))}
		},
	},
	"UpdateAPIKeyByID": {
		args: func(s seed) []any {
			return []any{database.UpdateAPIKeyByIDParams{ID: s.session.ID, LastUsed: dbtime.Now(), ExpiresAt: dbtime.Now()}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionUpdate, rbac.ResourceApiKey.WithOwner(s.user.ID))}
		},
	},
	"DeleteAPIKeyByID": {
		args: func(s seed) []any { return []any{s.session.ID} },
		checks: func(s seed) []check {
			return []check{
				authz(rbac.ActionRead, rbac.ResourceApiKey.WithOwner(s.user.ID)),
				authz(rbac.ActionDelete, rbac.ResourceApiKey.WithOwner(s.user.ID)),
			}
		},
	},
	"DeleteAPIKeysByUserID": {
		args: func(s seed) []any { return []any{s.user.ID} },
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionDelete, rbac.ResourceApiKey.WithOwner(s.user.ID))}
		},
	},
	"InsertOrganization": {
		args: func(seed) []any {
			return []any{database.InsertOrganizationParams{ID: uuid.New(), Name: "other", DisplayName: "Other"}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionCreate, rbac.ResourceOrganization)} },
	},
	"GetDefaultOrganization": {
		args: func(seed) []any { return nil },
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, rbac.ResourceOrganization.WithID(s.org.ID).InOrg(s.org.ID))}
		},
	},
	"GetOrganizationByID": {
		args: func(s seed) []any { return []any{s.org.ID} },
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, rbac.ResourceOrganization.WithID(s.org.ID).InOrg(s.org.ID))}
		},
	},
	"InsertOrganizationMember": {
		args: func(s seed) []any {
			return []any{database.InsertOrganizationMemberParams{OrganizationID: s.second.ID, UserID: s.user.ID, Roles: []string{}}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionCreate, memberObj(s.second.ID, s.user.ID))}
		},
	},
	"GetOrganizationIDsByMemberIDs": {
		args:   func(s seed) []any { return []any{[]uuid.UUID{s.user.ID}} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, userObj(s.user.ID))} },
	},

	"GetOrganizations": {
		args: func(seed) []any { return []any{database.GetOrganizationsParams{}} },
		checks: func(seed) []check {
			return []check{{Action: rbac.ActionRead, Type: rbac.ResourceOrganization.Type, Filter: true}}
		},
	},
	"GetOrganizationByName": {
		args:   func(s seed) []any { return []any{s.org.Name} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, orgObj(s.org.ID))} },
	},
	"GetOrganizationsByUserID": {
		args:   func(s seed) []any { return []any{s.user.ID} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, orgObj(s.org.ID))} },
	},
	"UpdateOrganization": {
		args: func(s seed) []any {
			return []any{database.UpdateOrganizationParams{ID: s.org.ID, Name: "renamed", DisplayName: "Renamed"}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, orgObj(s.org.ID)), authz(rbac.ActionUpdate, orgObj(s.org.ID))}
		},
	},
	"DeleteOrganization": {
		args: func(s seed) []any { return []any{s.second.ID} },
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, orgObj(s.second.ID)), authz(rbac.ActionDelete, orgObj(s.second.ID))}
		},
	},
	"GetOrganizationMember": {
		args: func(s seed) []any {
			return []any{database.GetOrganizationMemberParams{OrganizationID: s.org.ID, UserID: s.user.ID}}
		},
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, memberObj(s.org.ID, s.user.ID))} },
	},
	"GetOrganizationMembers": {
		args: func(s seed) []any { return []any{database.GetOrganizationMembersParams{OrganizationID: s.org.ID}} },
		checks: func(seed) []check {
			return []check{{Action: rbac.ActionRead, Type: rbac.ResourceOrganizationMember.Type, Filter: true}}
		},
	},
	"UpdateMemberRoles": {
		args: func(s seed) []any {
			return []any{database.UpdateMemberRolesParams{OrganizationID: s.org.ID, UserID: s.user.ID, Roles: []string{"custom"}}}
		},
		checks: func(s seed) []check {
			return []check{
				authz(rbac.ActionRead, memberObj(s.org.ID, s.user.ID)),
				authz(rbac.ActionAssign, rbac.ResourceAssignOrgRole.InOrg(s.org.ID)),
				authz(rbac.ActionUpdate, memberObj(s.org.ID, s.user.ID)),
			}
		},
	},
	"DeleteOrganizationMember": {
		args: func(s seed) []any {
			return []any{database.DeleteOrganizationMemberParams{OrganizationID: s.org.ID, UserID: s.user.ID}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, memberObj(s.org.ID, s.user.ID)), authz(rbac.ActionDelete, memberObj(s.org.ID, s.user.ID))}
		},
	},
	"GetWorkspaceOwnerCandidates": {
		args: func(s seed) []any {
			return []any{database.GetWorkspaceOwnerCandidatesParams{OrganizationID: s.org.ID}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionCreate, rbac.ResourceWorkspace.InOrg(s.org.ID))}
		},
	},
	"InsertCustomRole": {
		args: func(s seed) []any {
			return []any{database.InsertCustomRoleParams{
				ID: uuid.New(), OrganizationID: s.org.ID, Name: "another", OrgPermissions: []byte("[]"), MemberPermissions: []byte("[]"),
			}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionCreate, rbac.ResourceAssignOrgRole.InOrg(s.org.ID))}
		},
	},
	"UpdateCustomRole": {
		args: func(s seed) []any {
			return []any{database.UpdateCustomRoleParams{
				OrganizationID: s.org.ID, Name: s.role.Name, DisplayName: "Custom", OrgPermissions: []byte("[]"), MemberPermissions: []byte("[]"),
			}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionUpdate, rbac.ResourceAssignOrgRole.InOrg(s.org.ID))}
		},
	},
	"GetCustomRoles": {
		args: func(s seed) []any { return []any{database.GetCustomRolesParams{OrganizationID: s.org.ID}} },
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, rbac.ResourceAssignOrgRole.InOrg(s.org.ID))}
		},
	},
	"DeleteCustomRole": {
		args: func(s seed) []any {
			return []any{database.DeleteCustomRoleParams{OrganizationID: s.org.ID, Name: s.role.Name}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionDelete, rbac.ResourceAssignOrgRole.InOrg(s.org.ID))}
		},
	},
	"RemoveRoleFromMembers": {
		args: func(s seed) []any {
			return []any{database.RemoveRoleFromMembersParams{OrganizationID: s.org.ID, Name: s.role.Name}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionUpdate, rbac.ResourceOrganizationMember.InOrg(s.org.ID))}
		},
	},
	"InsertGroup": {
		args: func(s seed) []any {
			return []any{database.InsertGroupParams{ID: uuid.New(), OrganizationID: s.org.ID, Name: "ops", Source: "user"}}
		},
		checks: func(s seed) []check { return []check{authz(rbac.ActionCreate, rbac.ResourceGroup.InOrg(s.org.ID))} },
	},
	"GetGroupByID": {
		args:   func(s seed) []any { return []any{s.group.ID} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.group.RBACObject())} },
	},
	"GetGroupByOrgAndName": {
		args: func(s seed) []any {
			return []any{database.GetGroupByOrgAndNameParams{OrganizationID: s.org.ID, Name: s.group.Name}}
		},
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.group.RBACObject())} },
	},
	"InsertAuditLog": {
		args: func(s seed) []any {
			return []any{database.InsertAuditLogParams{
				ID: uuid.New(), Time: dbtime.Now(), ResourceType: "user", ResourceID: s.user.ID, Action: "write",
				Diff: []byte("{}"), AdditionalFields: []byte("{}"), StatusCode: 200, RequestID: uuid.New(),
			}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionCreate, rbac.ResourceAuditLog)} },
	},
	"GetAuditLogsOffset": {
		args: func(seed) []any { return []any{database.GetAuditLogsOffsetParams{}} },
		checks: func(seed) []check {
			return []check{{Action: rbac.ActionRead, Type: rbac.ResourceAuditLog.Type, Filter: true}}
		},
	},
	"GetAuditActorIDs": {
		args: func(s seed) []any { return []any{database.GetAuditActorIDsParams{Username: s.user.Username}} },
		checks: func(seed) []check {
			return []check{{Action: rbac.ActionRead, Type: rbac.ResourceAuditLog.Type, Filter: true}}
		},
	},
	"CountAuditLogs": {
		args: func(seed) []any { return []any{database.CountAuditLogsParams{}} },
		checks: func(seed) []check {
			return []check{{Action: rbac.ActionRead, Type: rbac.ResourceAuditLog.Type, Filter: true}}
		},
	},
	"GetGroups": {
		args: func(s seed) []any { return []any{database.GetGroupsParams{OrganizationID: s.org.ID}} },
		checks: func(seed) []check {
			return []check{{Action: rbac.ActionRead, Type: rbac.ResourceGroup.Type, Filter: true}}
		},
	},
	"UpdateGroupByID": {
		args: func(s seed) []any { return []any{database.UpdateGroupByIDParams{ID: s.group.ID, Name: "devs2"}} },
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, s.group.RBACObject()), authz(rbac.ActionUpdate, s.group.RBACObject())}
		},
	},
	"DeleteGroupByID": {
		args: func(s seed) []any { return []any{s.group.ID} },
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, s.group.RBACObject()), authz(rbac.ActionDelete, s.group.RBACObject())}
		},
	},
	"InsertGroupMember": {
		args: func(s seed) []any {
			return []any{database.InsertGroupMemberParams{GroupID: s.group.ID, UserID: s.user.ID}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, s.group.RBACObject()), authz(rbac.ActionUpdate, s.group.RBACObject())}
		},
	},
	"DeleteGroupMember": {
		args: func(s seed) []any {
			return []any{database.DeleteGroupMemberParams{GroupID: s.group.ID, UserID: s.user.ID}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, s.group.RBACObject()), authz(rbac.ActionUpdate, s.group.RBACObject())}
		},
	},
	"GetGroupMemberCount": {
		args:   func(s seed) []any { return []any{s.group.ID} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.group.RBACObject())} },
	},
	"GetGroupMembers": {
		args: func(s seed) []any { return []any{s.group.ID} },
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, s.group.RBACObject()), authz(rbac.ActionRead, rbac.ResourceGroupMember.InOrg(s.org.ID))}
		},
	},

	"InsertFile": {
		args: func(s seed) []any {
			return []any{database.InsertFileParams{ID: uuid.New(), Hash: "def", CreatedBy: s.user.ID, Mimetype: "application/zip", Data: []byte("y")}}
		},
		checks: func(s seed) []check { return []check{authz(rbac.ActionCreate, rbac.ResourceFile.WithOwner(s.user.ID))} },
	},
	"GetFileByID": {
		args:   func(s seed) []any { return []any{s.file.ID} },
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.file.RBACObject())} },
	},
	"GetFileByHashAndCreator": {
		args: func(s seed) []any {
			return []any{database.GetFileByHashAndCreatorParams{Hash: s.file.Hash, CreatedBy: s.user.ID}}
		},
		checks: func(s seed) []check { return []check{authz(rbac.ActionRead, s.file.RBACObject())} },
	},
}
