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
	// buildAgent is the agent of the workspace's build.
	buildAgent database.WorkspaceAgent
	daemon     database.ProvisionerDaemon
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
		EnvironmentVariables: []byte("{}"), AuthTokenHash: []byte(uuid.NewString()), DisplayApps: []string{},
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
		EnvironmentVariables: []byte("{}"), AuthTokenHash: seedAgentTokenHash, DisplayApps: []string{},
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
		file: file, job: job, version: version, template: template, tversion: tversion, newer: newer, resource: resource, agent: agent, buildAgent: buildAgent, daemon: daemon,
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
