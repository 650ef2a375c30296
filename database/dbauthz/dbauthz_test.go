package dbauthz_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtestutil"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }

// check is one authorization question a method must ask.
type check struct {
	Action rbac.Action
	Type   string
	Owner  uuid.UUID
	Org    uuid.UUID
	Filter bool // asked through Filter, not Authorize
}

func (c check) String() string {
	kind := "authorize"
	if c.Filter {
		kind = "filter"
	}
	return fmt.Sprintf("%s %s %s owner=%s org=%s", kind, c.Action, c.Type, c.Owner, c.Org)
}

// recorder is an Authorizer that writes down every question and answers
// allow, or deny when told to.
type recorder struct {
	mu     sync.Mutex
	deny   bool
	checks []check
}

var errDenied = errors.New("denied by test")

func (r *recorder) Authorize(_ context.Context, _ *rbac.PreparedSubject, action rbac.Action, o rbac.Object) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checks = append(r.checks, check{Action: action, Type: o.Type, Owner: o.Owner, Org: o.OrgID})
	if r.deny {
		return errDenied
	}
	return nil
}

func (r *recorder) Filter(_ context.Context, _ *rbac.PreparedSubject, action rbac.Action, typ string) rbac.Filter {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checks = append(r.checks, check{Action: action, Type: typ, Filter: true})
	if r.deny {
		return rbac.Filter{Action: action, ResourceType: typ}
	}
	return rbac.Filter{Action: action, ResourceType: typ, All: true}
}

// seed is a small, complete data set each case starts from.
type seed struct {
	org      database.Organization
	second   database.Organization // not the default: deletable
	group    database.Group
	role     database.CustomRole
	file     database.File
	job      database.ProvisionerJob
	version  database.TemplateVersion
	template database.Template
	tversion database.TemplateVersion // the template's active version
	newer    database.TemplateVersion // attached, after tversion
	resource database.WorkspaceResource
	agent    database.WorkspaceAgent
	daemon   database.ProvisionerDaemon
	// workspace is alice's, built from template at tversion; build is its
	// first (start) build, run by buildJob, with one parameter. stopJob is
	// a workspace_build job with no build yet, for inserting a second one.
	workspace database.Workspace
	build     database.WorkspaceBuild
	buildJob  database.ProvisionerJob
	stopJob   database.ProvisionerJob
	user      database.User
	bare      database.User // a user with no git SSH key yet
	session   database.APIKey
	token     database.APIKey
	raw       database.Store
	newAPIID  string
}

func makeSeed(t *testing.T) seed {
	t.Helper()
	raw, _ := dbtestutil.NewDB(t)
	ctx := context.Background()
	now := dbtime.Now()
	require.NoError(t, raw.InsertDeploymentID(ctx, uuid.NewString()))
	org, err := raw.InsertOrganization(ctx, database.InsertOrganizationParams{
		ID: uuid.New(), Name: "org", DisplayName: "Org", IsDefault: true, CreatedAt: now, UpdatedAt: now,
	})
	require.NoError(t, err)
	mkUser := func(name string) database.User {
		u, err := raw.InsertUser(ctx, database.InsertUserParams{
			ID: uuid.New(), Email: name + "@example.com", Username: name, CreatedAt: now, UpdatedAt: now,
			RbacRoles: []string{}, LoginType: database.LoginTypePassword, Status: database.UserStatusActive,
		})
		require.NoError(t, err)
		_, err = raw.InsertOrganizationMember(ctx, database.InsertOrganizationMemberParams{
			OrganizationID: org.ID, UserID: u.ID, CreatedAt: now, UpdatedAt: now, Roles: []string{},
		})
		require.NoError(t, err)
		return u
	}
	user := mkUser("alice")
	bare := mkUser("bob")
	_, err = raw.InsertGitSSHKey(ctx, database.InsertGitSSHKeyParams{UserID: user.ID, CreatedAt: now, UpdatedAt: now, PrivateKey: "p", PublicKey: "k"})
	require.NoError(t, err)
	mkKey := func(id string, lt database.LoginType, name string) database.APIKey {
		k, err := raw.InsertAPIKey(ctx, database.InsertAPIKeyParams{
			ID: id, HashedSecret: []byte("h"), UserID: user.ID, LastUsed: now, ExpiresAt: now.Add(1e12),
			CreatedAt: now, UpdatedAt: now, LoginType: lt, LifetimeSeconds: 1000, Scope: database.ApiKeyScopeAll, TokenName: name,
		})
		require.NoError(t, err)
		return k
	}
	second, err := raw.InsertOrganization(ctx, database.InsertOrganizationParams{
		ID: uuid.New(), Name: "second", DisplayName: "Second", CreatedAt: now, UpdatedAt: now,
	})
	require.NoError(t, err)
	group, err := raw.InsertGroup(ctx, database.InsertGroupParams{ID: uuid.New(), OrganizationID: org.ID, Name: "devs", Source: "user"})
	require.NoError(t, err)
	role, err := raw.InsertCustomRole(ctx, database.InsertCustomRoleParams{
		ID: uuid.New(), OrganizationID: org.ID, Name: "custom", OrgPermissions: []byte("[]"), MemberPermissions: []byte("[]"),
		CreatedAt: now, UpdatedAt: now,
	})
	require.NoError(t, err)
	file, err := raw.InsertFile(ctx, database.InsertFileParams{
		ID: uuid.New(), Hash: "abc", CreatedAt: now, CreatedBy: user.ID, Mimetype: "application/x-tar", Data: []byte("x"),
	})
	require.NoError(t, err)
	job, err := raw.InsertProvisionerJob(ctx, database.InsertProvisionerJobParams{
		ID: uuid.New(), CreatedAt: now, UpdatedAt: now, OrganizationID: org.ID, InitiatorID: user.ID,
		Provisioner: database.ProvisionerTypeEcho, Type: database.ProvisionerJobTypeTemplateVersionImport,
		FileID: file.ID, Input: []byte("{}"), Tags: []byte("{}"),
	})
	require.NoError(t, err)
	version, err := raw.InsertTemplateVersion(ctx, database.InsertTemplateVersionParams{
		ID: uuid.New(), OrganizationID: org.ID, CreatedAt: now, UpdatedAt: now, Name: "v1", JobID: job.ID, CreatedBy: user.ID,
	})
	require.NoError(t, err)
	tjob, err := raw.InsertProvisionerJob(ctx, database.InsertProvisionerJobParams{
		ID: uuid.New(), CreatedAt: now, UpdatedAt: now, OrganizationID: org.ID, InitiatorID: user.ID,
		Provisioner: database.ProvisionerTypeEcho, Type: database.ProvisionerJobTypeTemplateVersionImport,
		FileID: file.ID, Input: []byte("{}"), Tags: []byte("{}"),
	})
	require.NoError(t, err)
	templateID := uuid.New()
	tversion, err := raw.InsertTemplateVersion(ctx, database.InsertTemplateVersionParams{
		ID: uuid.New(), OrganizationID: org.ID, CreatedAt: now, UpdatedAt: now, Name: "t1", JobID: tjob.ID, CreatedBy: user.ID,
	})
	require.NoError(t, err)
	require.NoError(t, raw.InsertTemplate(ctx, database.InsertTemplateParams{
		ID: templateID, CreatedAt: now, UpdatedAt: now, OrganizationID: org.ID, Name: "tpl",
		Provisioner: database.ProvisionerTypeEcho, ActiveVersionID: tversion.ID, CreatedBy: user.ID,
		MaxPortSharingLevel: "owner", CorsBehavior: "simple", UserAcl: []byte("{}"),
		GroupAcl: []byte(`{"` + org.ID.String() + `": ["read", "use"]}`),
	}))
	tversion, err = raw.UpdateTemplateVersionByID(ctx, database.UpdateTemplateVersionByIDParams{
		ID: tversion.ID, Name: tversion.Name, TemplateID: uuid.NullUUID{UUID: templateID, Valid: true}, UpdatedAt: now,
	})
	require.NoError(t, err)
	template, err := raw.GetTemplateByID(ctx, templateID)
	require.NoError(t, err)
	// A version made after the active one, so the active one is its
	// previous version.
	njob, err := raw.InsertProvisionerJob(ctx, database.InsertProvisionerJobParams{
		ID: uuid.New(), CreatedAt: now, UpdatedAt: now, OrganizationID: org.ID, InitiatorID: user.ID,
		Provisioner: database.ProvisionerTypeEcho, Type: database.ProvisionerJobTypeTemplateVersionImport,
		FileID: file.ID, Input: []byte("{}"), Tags: []byte("{}"),
	})
	require.NoError(t, err)
	newer, err := raw.InsertTemplateVersion(ctx, database.InsertTemplateVersionParams{
		ID: uuid.New(), TemplateID: uuid.NullUUID{UUID: templateID, Valid: true}, OrganizationID: org.ID,
		CreatedAt: now.Add(time.Second), UpdatedAt: now, Name: "t2", JobID: njob.ID, CreatedBy: user.ID,
	})
	require.NoError(t, err)
	resource, err := raw.InsertWorkspaceResource(ctx, database.InsertWorkspaceResourceParams{
		ID: uuid.New(), JobID: job.ID, CreatedAt: now, Transition: database.WorkspaceTransitionStart,
		Type: "docker_container", Name: "dev", Metadata: []byte("[]"),
	})
	require.NoError(t, err)
	agent, err := raw.InsertWorkspaceAgent(ctx, database.InsertWorkspaceAgentParams{
		ID: uuid.New(), ResourceID: resource.ID, CreatedAt: now, UpdatedAt: now, Name: "main",
		EnvironmentVariables: []byte("{}"), AuthToken: uuid.New(), DisplayApps: []string{},
	})
	require.NoError(t, err)
	daemon, err := raw.UpsertProvisionerDaemon(ctx, database.UpsertProvisionerDaemonParams{
		ID: uuid.New(), OrganizationID: org.ID, Name: "d1", CreatedAt: now,
		Provisioners: []string{"echo"}, Tags: []byte("{}"),
	})
	require.NoError(t, err)
	workspaceID := uuid.New()
	require.NoError(t, raw.InsertWorkspace(ctx, database.InsertWorkspaceParams{
		ID: workspaceID, CreatedAt: now, UpdatedAt: now, OwnerID: user.ID, OrganizationID: org.ID,
		TemplateID: template.ID, Name: "dev", LastUsedAt: now, AutomaticUpdates: "never",
	}))
	workspace, err := raw.GetWorkspaceByID(ctx, workspaceID)
	require.NoError(t, err)
	mkBuildJob := func() database.ProvisionerJob {
		j, err := raw.InsertProvisionerJob(ctx, database.InsertProvisionerJobParams{
			ID: uuid.New(), CreatedAt: now, UpdatedAt: now, OrganizationID: org.ID, InitiatorID: user.ID,
			Provisioner: database.ProvisionerTypeEcho, Type: database.ProvisionerJobTypeWorkspaceBuild,
			FileID: file.ID, Input: []byte("{}"), Tags: []byte("{}"),
		})
		require.NoError(t, err)
		return j
	}
	buildJob := mkBuildJob()
	stopJob := mkBuildJob()
	buildID := uuid.New()
	require.NoError(t, raw.InsertWorkspaceBuild(ctx, database.InsertWorkspaceBuildParams{
		ID: buildID, CreatedAt: now, UpdatedAt: now, WorkspaceID: workspace.ID, TemplateVersionID: tversion.ID,
		BuildNumber: 1, Transition: database.WorkspaceTransitionStart, InitiatorID: user.ID,
		ProvisionerState: []byte{}, JobID: buildJob.ID, Reason: database.BuildReasonInitiator,
	}))
	require.NoError(t, raw.InsertWorkspaceBuildParameters(ctx, database.InsertWorkspaceBuildParametersParams{
		WorkspaceBuildID: buildID, Names: []string{"region"}, Values: []string{"eu"},
	}))
	build, err := raw.GetWorkspaceBuildByID(ctx, buildID)
	require.NoError(t, err)
	// What the build created: a resource with an agent and an app.
	buildResource, err := raw.InsertWorkspaceResource(ctx, database.InsertWorkspaceResourceParams{
		ID: uuid.New(), JobID: buildJob.ID, CreatedAt: now, Transition: database.WorkspaceTransitionStart,
		Type: "docker_container", Name: "dev", Metadata: []byte("[]"),
	})
	require.NoError(t, err)
	buildAgent, err := raw.InsertWorkspaceAgent(ctx, database.InsertWorkspaceAgentParams{
		ID: uuid.New(), ResourceID: buildResource.ID, CreatedAt: now, UpdatedAt: now, Name: "main",
		EnvironmentVariables: []byte("{}"), AuthToken: uuid.New(), DisplayApps: []string{},
	})
	require.NoError(t, err)
	_, err = raw.InsertWorkspaceApp(ctx, database.InsertWorkspaceAppParams{ID: uuid.New(), AgentID: buildAgent.ID, Slug: "code"})
	require.NoError(t, err)
	// One audit row in the organization, so a denied filter has something
	// to hide.
	require.NoError(t, raw.InsertAuditLog(ctx, database.InsertAuditLogParams{
		ID: uuid.New(), Time: now, UserID: uuid.NullUUID{UUID: user.ID, Valid: true},
		OrganizationID: uuid.NullUUID{UUID: org.ID, Valid: true}, ResourceType: "workspace", ResourceID: workspace.ID,
		Action: "create", Diff: []byte("{}"), AdditionalFields: []byte("{}"), StatusCode: 201, RequestID: uuid.New(),
	}))
	return seed{
		file: file, job: job, version: version, template: template, tversion: tversion, newer: newer, resource: resource, agent: agent, daemon: daemon,
		workspace: workspace, build: build, buildJob: buildJob, stopJob: stopJob,
		org: org, second: second, group: group, role: role, user: user, bare: bare, raw: raw,
		session:  mkKey("sessionkey", database.LoginTypePassword, ""),
		token:    mkKey("tokenkey01", database.LoginTypeToken, "ci"),
		newAPIID: "newkey0001",
	}
}

// testCase calls one Store method with arguments built from a seed and says
// which questions it must ask, in order.
type testCase struct {
	args   func(s seed) []any
	checks func(s seed) []check
}

func authz(action rbac.Action, o rbac.Object) check {
	return check{Action: action, Type: o.Type, Owner: o.Owner, Org: o.OrgID}
}

func userObj(id uuid.UUID) rbac.Object { return rbac.ResourceUser.WithID(id).WithOwner(id) }

var cases = map[string]testCase{
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
				AuthToken: uuid.New(), DisplayApps: []string{},
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

func workspaceRead(s seed) []check { return []check{authz(rbac.ActionRead, s.workspace.RBACObject())} }

func workspaceReadThen(action rbac.Action) func(s seed) []check {
	return func(s seed) []check {
		return []check{authz(rbac.ActionRead, s.workspace.RBACObject()), authz(action, s.workspace.RBACObject())}
	}
}

func templateRead(s seed) []check { return []check{authz(rbac.ActionRead, s.template.RBACObject())} }

func templateReadThen(action rbac.Action) func(s seed) []check {
	return func(s seed) []check {
		return []check{authz(rbac.ActionRead, s.template.RBACObject()), authz(action, s.template.RBACObject())}
	}
}

func versionReadUpdate(s seed) []check {
	return []check{authz(rbac.ActionRead, s.version.RBACObject()), authz(rbac.ActionUpdate, s.version.RBACObject())}
}

func orgObj(id uuid.UUID) rbac.Object { return rbac.ResourceOrganization.WithID(id).InOrg(id) }

func memberObj(org, user uuid.UUID) rbac.Object {
	return rbac.ResourceOrganizationMember.WithID(user).InOrg(org).WithOwner(user)
}

// postFiltered methods drop rows the actor may not read instead of failing.
var postFiltered = map[string]bool{
	"GetUsersByIDs":                            true,
	"GetGroupsByIDs":                           true,
	"GetWorkspaceBuildsWithJobsByIDs":          true,
	"GetWorkspaceResourcesByBuildJobIDs":       true,
	"GetWorkspaceAgentsByBuildJobIDs":          true,
	"GetWorkspaceAppsByBuildJobIDs":            true,
	"GetWorkspaceResourceTreesByBuildJobIDs":   true,
	"GetWorkspaceBuildsWithResources":          true,
	"GetOrganizationIDsByMemberIDs":            true,
	"GetOrganizationsByUserID":                 true,
	"GetCustomRoles":                           true,
	"GetProvisionerJobsByIDsWithQueuePosition": true,
	"GetWorkspacesByIDs":                       true,
}

// exempt methods ask no authorization question, each for a stated reason.
var exempt = map[string]string{
	"InTx": "wraps the transaction's store in dbauthz; covered by TestInTxStaysAuthorized",
	"Ping": "reveals only reachability; health checks call it without an actor",
	"UseCustomPlansInTx": "sets how PostgreSQL plans the caller's statements in its own transaction; " +
		"reads and writes nothing",
}

// TestEveryMethodIsAuthorized fails for any Store method without a case, so
// a new query cannot skip authorization unnoticed.
func TestEveryMethodIsAuthorized(t *testing.T) {
	t.Parallel()
	storeType := reflect.TypeOf((*database.Store)(nil)).Elem()
	var missing []string
	for i := 0; i < storeType.NumMethod(); i++ {
		name := storeType.Method(i).Name
		if _, ok := exempt[name]; ok {
			continue
		}
		if _, ok := cases[name]; !ok {
			missing = append(missing, name)
		}
	}
	sort.Strings(missing)
	require.Empty(t, missing, "Store methods without an authorization case in dbauthz_test.go")

	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			require.True(t, func() bool { _, ok := storeType.MethodByName(name); return ok }(), "case for a method Store does not have")

			t.Run("AsksExpectedQuestions", func(t *testing.T) {
				t.Parallel()
				s := makeSeed(t)
				rec := &recorder{}
				_, err := call(dbauthz.New(s.raw, rec), name, tc.args(s))
				require.NoError(t, err)
				want := tc.checks(s)
				require.Len(t, rec.checks, len(want), "questions asked: %v", rec.checks)
				for i, w := range want {
					got := rec.checks[i]
					assert.Equal(t, w.String(), got.String())
				}
			})

			t.Run("RefusesWhenDenied", func(t *testing.T) {
				t.Parallel()
				s := makeSeed(t)
				rec := &recorder{deny: true}
				out, err := call(dbauthz.New(s.raw, rec), name, tc.args(s))
				require.NotEmpty(t, rec.checks, "no authorization question was asked")
				if rec.checks[0].Filter || postFiltered[name] {
					// Filtered reads answer with no rows rather than an error.
					require.NoError(t, err)
					switch v := reflect.ValueOf(out); {
					case v.Kind() == reflect.Slice:
						assert.Equal(t, 0, v.Len(), "denied filter must return no rows")
					case v.Kind() == reflect.Struct && v.NumField() > 0 && v.Field(0).Kind() == reflect.Slice:
						assertNoRows(t, v)
					default:
						assert.True(t, v.IsZero(), "denied filtered count must be zero, got %v", out)
					}
					return
				}
				require.Error(t, err)
				assert.True(t, dbauthz.IsNotAuthorizedError(err), "got %v", err)
			})
		})
	}
}

// TestBuildJobAuthorizedThroughWorkspace: a workspace_build job is read
// through the workspace it builds, not as a bare provisioner job.
func TestBuildJobAuthorizedThroughWorkspace(t *testing.T) {
	t.Parallel()
	s := makeSeed(t)
	rec := &recorder{}
	db := dbauthz.New(s.raw, rec)
	ctx := dbauthz.As(context.Background(), rbac.Prepare(rbac.Subject{ID: uuid.New()}))
	job, err := db.GetProvisionerJobByID(ctx, s.buildJob.ID)
	require.NoError(t, err)
	assert.Equal(t, s.buildJob.ID, job.ID)
	want := authz(rbac.ActionRead, s.workspace.RBACObject())
	require.Len(t, rec.checks, 1, "questions asked: %v", rec.checks)
	assert.Equal(t, want.String(), rec.checks[0].String())
	assert.Equal(t, rbac.ResourceWorkspace.Type, rec.checks[0].Type)

	denied := &recorder{deny: true}
	_, err = dbauthz.New(s.raw, denied).GetProvisionerJobByID(ctx, s.buildJob.ID)
	assert.True(t, dbauthz.IsNotAuthorizedError(err), "got %v", err)
	require.Len(t, denied.checks, 1, "questions asked: %v", denied.checks)
	assert.Equal(t, want.String(), denied.checks[0].String())
}

func TestNoActorIsRefused(t *testing.T) {
	t.Parallel()
	s := makeSeed(t)
	db := dbauthz.New(s.raw, nil)
	_, err := db.GetUserByID(context.Background(), s.user.ID)
	assert.True(t, dbauthz.IsNotAuthorizedError(err))
	_, err = db.GetUsers(context.Background(), database.GetUsersParams{})
	assert.True(t, dbauthz.IsNotAuthorizedError(err))
}

func TestInTxStaysAuthorized(t *testing.T) {
	t.Parallel()
	s := makeSeed(t)
	rec := &recorder{deny: true}
	db := dbauthz.New(s.raw, rec)
	ctx := dbauthz.As(context.Background(), rbac.Prepare(rbac.Subject{ID: uuid.New()}))
	err := db.InTx(ctx, func(tx database.Store) error {
		_, err := tx.GetUserByID(ctx, s.user.ID)
		return err
	}, nil)
	assert.True(t, dbauthz.IsNotAuthorizedError(err))
	assert.NotEmpty(t, rec.checks)
}

// call invokes Store.name(ctx, args...) and returns its first result (if it
// has one) and its error.
func call(db database.Store, name string, args []any) (any, error) {
	ctx := dbauthz.As(context.Background(), rbac.Prepare(rbac.Subject{ID: uuid.New()}))
	in := []reflect.Value{reflect.ValueOf(ctx)}
	for _, a := range args {
		in = append(in, reflect.ValueOf(a))
	}
	out := reflect.ValueOf(db).MethodByName(name).Call(in)
	errV := out[len(out)-1]
	var err error
	if !errV.IsNil() {
		err = errV.Interface().(error)
	}
	if len(out) == 2 {
		return out[0].Interface(), err
	}
	return nil, err
}

// assertNoRows checks that every slice in a struct of slices (embedded
// structs included) is empty.
func assertNoRows(t *testing.T, v reflect.Value) {
	t.Helper()
	for i := 0; i < v.NumField(); i++ {
		switch f := v.Field(i); f.Kind() {
		case reflect.Slice:
			assert.Equal(t, 0, f.Len(), "denied filter must return no %s", v.Type().Field(i).Name)
		case reflect.Struct:
			assertNoRows(t, f)
		}
	}
}
