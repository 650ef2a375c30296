package convert_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

var (
	t0  = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	msg = "boom"
)

func ptr[T any](v T) *T { return &v }

func TestProvisionerJobStatus(t *testing.T) {
	t.Parallel()
	empty := ""
	cases := []struct {
		name string
		job  database.ProvisionerJob
		want codersdk.ProvisionerJobStatus
	}{
		{"queued", database.ProvisionerJob{}, codersdk.ProvisionerJobPending},
		{"started", database.ProvisionerJob{StartedAt: &t0}, codersdk.ProvisionerJobRunning},
		{"succeeded", database.ProvisionerJob{StartedAt: &t0, CompletedAt: &t0}, codersdk.ProvisionerJobSucceeded},
		{"empty error succeeded", database.ProvisionerJob{StartedAt: &t0, CompletedAt: &t0, Error: &empty}, codersdk.ProvisionerJobSucceeded},
		{"failed", database.ProvisionerJob{StartedAt: &t0, CompletedAt: &t0, Error: &msg}, codersdk.ProvisionerJobFailed},
		{"canceling", database.ProvisionerJob{StartedAt: &t0, CanceledAt: &t0}, codersdk.ProvisionerJobCanceling},
		{"canceled before start", database.ProvisionerJob{CanceledAt: &t0, CompletedAt: &t0}, codersdk.ProvisionerJobCanceled},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, convert.ProvisionerJobStatus(c.job), c.name)
	}
}

func TestWorkspaceStatus(t *testing.T) {
	t.Parallel()
	cases := []struct {
		job        codersdk.ProvisionerJobStatus
		transition codersdk.WorkspaceTransition
		want       codersdk.WorkspaceStatus
	}{
		{codersdk.ProvisionerJobPending, codersdk.WorkspaceTransitionStart, codersdk.WorkspaceStatusPending},
		{codersdk.ProvisionerJobRunning, codersdk.WorkspaceTransitionStart, codersdk.WorkspaceStatusStarting},
		{codersdk.ProvisionerJobRunning, codersdk.WorkspaceTransitionStop, codersdk.WorkspaceStatusStopping},
		{codersdk.ProvisionerJobRunning, codersdk.WorkspaceTransitionDelete, codersdk.WorkspaceStatusDeleting},
		{codersdk.ProvisionerJobSucceeded, codersdk.WorkspaceTransitionStart, codersdk.WorkspaceStatusRunning},
		{codersdk.ProvisionerJobSucceeded, codersdk.WorkspaceTransitionStop, codersdk.WorkspaceStatusStopped},
		{codersdk.ProvisionerJobSucceeded, codersdk.WorkspaceTransitionDelete, codersdk.WorkspaceStatusDeleted},
		{codersdk.ProvisionerJobCanceling, codersdk.WorkspaceTransitionStart, codersdk.WorkspaceStatusCanceling},
		{codersdk.ProvisionerJobCanceled, codersdk.WorkspaceTransitionStop, codersdk.WorkspaceStatusCanceled},
		{codersdk.ProvisionerJobFailed, codersdk.WorkspaceTransitionStart, codersdk.WorkspaceStatusFailed},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, convert.WorkspaceStatus(c.job, c.transition), "%s %s", c.job, c.transition)
	}
}

func TestStringMap(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		raw  string
		want map[string]string
	}{
		{"empty column", "", map[string]string{}},
		{"null", "null", map[string]string{}},
		{"tags", `{"scope":"organization","owner":""}`, map[string]string{"scope": "organization", "owner": ""}},
		{"not strings", `{"a":1}`, map[string]string{}},
		{"not an object", `["a"]`, map[string]string{}},
	}
	for _, c := range cases {
		got := convert.StringMap(json.RawMessage(c.raw))
		require.NotNil(t, got, c.name)
		assert.Equal(t, c.want, got, c.name)
	}
}

func TestProvisionerJob(t *testing.T) {
	t.Parallel()
	worker := uuid.New()
	version := database.TemplateVersion{Name: "v1", TemplateID: uuid.NullUUID{UUID: uuid.New(), Valid: true}}
	job := database.ProvisionerJob{
		ID: uuid.New(), StartedAt: &t0, Tags: []byte(`{"scope":"organization"}`),
		Input:    []byte(`{"template_version_id":"` + uuid.Nil.String() + `"}`),
		WorkerID: uuid.NullUUID{UUID: worker, Valid: true}, Type: database.ProvisionerJobTypeTemplateVersionImport,
	}
	got := convert.ProvisionerJob(job, convert.JobExtras{QueuePosition: 2, QueueSize: 5, Version: &version, WorkerName: "d1"})
	assert.Equal(t, codersdk.ProvisionerJobRunning, got.Status)
	assert.Equal(t, 2, got.QueuePosition)
	assert.Equal(t, 5, got.QueueSize)
	assert.Equal(t, &worker, got.WorkerID)
	assert.Equal(t, "d1", got.WorkerName)
	assert.Equal(t, map[string]string{"scope": "organization"}, got.Tags)
	assert.Equal(t, "v1", got.Metadata.TemplateVersionName)
	assert.Equal(t, version.TemplateID.UUID, got.Metadata.TemplateID)
	assert.Empty(t, got.Input.Error)

	job.Input = []byte(`[1]`)
	assert.NotEmpty(t, convert.ProvisionerJob(job, convert.JobExtras{}).Input.Error, "a malformed input says so")
}

func TestMatchDaemons(t *testing.T) {
	t.Parallel()
	now := t0
	recent, stale := now.Add(-time.Minute), now.Add(-time.Hour)
	daemon := func(provisioners []string, tags string, seen *time.Time) database.GetProvisionerDaemonsByOrganizationRow {
		return database.GetProvisionerDaemonsByOrganizationRow{ProvisionerDaemon: database.ProvisionerDaemon{
			ID: uuid.New(), Provisioners: provisioners, Tags: []byte(tags), LastSeenAt: seen,
		}}
	}
	job := database.ProvisionerJob{Provisioner: database.ProvisionerTypeEcho, Tags: []byte(`{"scope":"organization"}`)}

	assert.Nil(t, convert.MatchDaemons(job, nil, now), "nil rows: the caller may not list daemons")
	assert.Equal(t, &codersdk.MatchedProvisioners{}, convert.MatchDaemons(job, []database.GetProvisionerDaemonsByOrganizationRow{}, now))

	got := convert.MatchDaemons(job, []database.GetProvisionerDaemonsByOrganizationRow{
		daemon([]string{"echo"}, `{"scope":"organization","extra":"x"}`, &recent), // fits, available
		daemon([]string{"echo", "terraform"}, `{"scope":"organization"}`, &stale), // fits, stale
		daemon([]string{"echo"}, `{"scope":"organization"}`, nil),                 // fits, never seen
		daemon([]string{"terraform"}, `{"scope":"organization"}`, &recent),        // wrong provisioner
		daemon([]string{"echo"}, `{"scope":"user"}`, &recent),                     // wrong tags
	}, now)
	require.NotNil(t, got)
	assert.Equal(t, 3, got.Count)
	assert.Equal(t, 1, got.Available)
	require.NotNil(t, got.MostRecentlySeen)
	assert.Equal(t, recent, *got.MostRecentlySeen)
}

func TestTemplateVersionParameter(t *testing.T) {
	t.Parallel()
	p := database.TemplateVersionParameter{
		Name: "region", Description: "Pick **one** [region](https://example.com).",
		Options: []byte(`[{"name":"EU","value":"eu","description":"","icon":""}]`),
	}
	got, err := convert.TemplateVersionParameter(p)
	require.NoError(t, err)
	assert.Equal(t, "Pick one region.", got.DescriptionPlaintext)
	require.Len(t, got.Options, 1)
	assert.Equal(t, "eu", got.Options[0].Value)

	p.Options = nil
	got, err = convert.TemplateVersionParameter(p)
	require.NoError(t, err)
	assert.NotNil(t, got.Options, "no options encode as []")

	p.Options = []byte(`{"not":"a list"}`)
	_, err = convert.TemplateVersionParameter(p)
	assert.Error(t, err, "options that do not decode are an error")
}

func TestPreset(t *testing.T) {
	t.Parallel()
	got, err := convert.Preset(database.TemplateVersionPreset{Name: "small", Parameters: []byte(`[{"name":"cpu","value":"2"}]`), IsDefault: true})
	require.NoError(t, err)
	assert.Equal(t, []codersdk.PresetParameter{{Name: "cpu", Value: "2"}}, got.Parameters)
	assert.True(t, got.Default)

	got, err = convert.Preset(database.TemplateVersionPreset{Parameters: []byte("null")})
	require.NoError(t, err)
	assert.NotNil(t, got.Parameters)

	_, err = convert.Preset(database.TemplateVersionPreset{Parameters: []byte(`"cpu=2"`)})
	assert.Error(t, err)
}

func TestTemplateVersionVariable(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		in        database.TemplateVersionVariable
		value, df string
	}{
		{"plain", database.TemplateVersionVariable{Value: "v", DefaultValue: "d"}, "v", "d"},
		{"sensitive", database.TemplateVersionVariable{Value: "v", DefaultValue: "d", Sensitive: true}, convert.Redacted, convert.Redacted},
		{"sensitive unset", database.TemplateVersionVariable{Sensitive: true}, "", ""},
	}
	for _, c := range cases {
		got := convert.TemplateVersionVariable(c.in)
		assert.Equal(t, c.value, got.Value, c.name)
		assert.Equal(t, c.df, got.DefaultValue, c.name)
	}
}

func TestTemplate(t *testing.T) {
	t.Parallel()
	got := convert.Template(database.Template{
		DefaultTtl: int64(2 * time.Hour), Deprecated: "use another",
		AutostopRequirementDaysOfWeek: 0b0000001, // Monday
		AutostartBlockDaysOfWeek:      0b1000000, // Sunday blocked
	})
	assert.Equal(t, int64(2*time.Hour/time.Millisecond), got.DefaultTTLMillis)
	assert.True(t, got.Deprecated)
	assert.Equal(t, "use another", got.DeprecationMessage)
	assert.Equal(t, []string{"monday"}, got.AutostopRequirement.DaysOfWeek)
	assert.NotContains(t, got.AutostartRequirement.DaysOfWeek, "sunday")
	assert.Len(t, got.AutostartRequirement.DaysOfWeek, 6)
	assert.Len(t, got.BuildTimeStats, 3)
}

func TestWorkspaceResources(t *testing.T) {
	t.Parallel()
	resourceID, agentID := uuid.New(), uuid.New()
	resources := []database.WorkspaceResource{{ID: resourceID, Name: "dev", Metadata: []byte(`[{"key":"ip","value":"10.0.0.1","sensitive":false}]`)}}
	agents := []database.WorkspaceAgent{{ID: agentID, ResourceID: resourceID, Name: "main", EnvironmentVariables: []byte(`{"A":"1"}`)}}
	apps := []database.WorkspaceApp{{ID: uuid.New(), AgentID: agentID, Slug: "code", HealthcheckUrl: "http://localhost/healthz"}}

	got, err := convert.JobResources(resources, agents, apps)
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, []codersdk.WorkspaceResourceMetadata{{Key: "ip", Value: "10.0.0.1"}}, got[0].Metadata)
	require.Len(t, got[0].Agents, 1)
	agent := got[0].Agents[0]
	assert.Equal(t, codersdk.WorkspaceAgentConnecting, agent.Status)
	assert.False(t, agent.Health.Healthy)
	assert.Equal(t, map[string]string{"A": "1"}, agent.EnvironmentVariables)
	require.Len(t, agent.Apps, 1)
	assert.Equal(t, codersdk.WorkspaceAppHealthInitializing, agent.Apps[0].Health)

	resources[0].Metadata = []byte(`{"ip":"10.0.0.1"}`)
	_, err = convert.JobResources(resources, agents, apps)
	assert.Error(t, err, "metadata that does not decode is an error")
}

func TestWorkspaceAgentStatus(t *testing.T) {
	t.Parallel()
	later := t0.Add(time.Minute)
	now := later.Add(time.Second)
	cases := []struct {
		name  string
		agent database.WorkspaceAgent
		want  codersdk.WorkspaceAgentStatus
	}{
		{"never connected", database.WorkspaceAgent{CreatedAt: t0}, codersdk.WorkspaceAgentConnecting},
		{"never connected, within timeout", database.WorkspaceAgent{CreatedAt: t0, ConnectionTimeoutSeconds: 120}, codersdk.WorkspaceAgentConnecting},
		{"never connected, past timeout", database.WorkspaceAgent{CreatedAt: t0, ConnectionTimeoutSeconds: 30}, codersdk.WorkspaceAgentTimeout},
		{"connected", database.WorkspaceAgent{FirstConnectedAt: &t0, LastConnectedAt: &later}, codersdk.WorkspaceAgentConnected},
		{"disconnected", database.WorkspaceAgent{FirstConnectedAt: &t0, LastConnectedAt: &t0, DisconnectedAt: &later}, codersdk.WorkspaceAgentDisconnected},
		{"reconnected", database.WorkspaceAgent{FirstConnectedAt: &t0, LastConnectedAt: &later, DisconnectedAt: &t0}, codersdk.WorkspaceAgentConnected},
		{"stale: its replica died", database.WorkspaceAgent{FirstConnectedAt: &t0, LastConnectedAt: &t0}, codersdk.WorkspaceAgentConnected},
	}
	for _, c := range cases {
		got := convert.AgentStatus(c.agent, now)
		assert.Equal(t, c.want, got, c.name)
	}
	stale := convert.AgentStatus(database.WorkspaceAgent{FirstConnectedAt: &t0, LastConnectedAt: &t0}, t0.Add(5*time.Minute))
	assert.Equal(t, codersdk.WorkspaceAgentDisconnected, stale)

	// Converted now, long after t0: health follows status and lifecycle.
	got := convert.WorkspaceAgent(database.WorkspaceAgent{}, nil)
	assert.Equal(t, codersdk.WorkspaceAgentConnecting, got.Status)
	assert.False(t, got.Health.Healthy)
	assert.Equal(t, "agent is connecting", got.Health.Reason)
	assert.Equal(t, codersdk.WorkspaceAgentLifecycleCreated, got.LifecycleState)
	assert.NotNil(t, got.Apps)
	fresh := time.Now()
	got = convert.WorkspaceAgent(database.WorkspaceAgent{FirstConnectedAt: &fresh, LastConnectedAt: &fresh, LifecycleState: "start_error"}, nil)
	assert.Equal(t, codersdk.WorkspaceAgentConnected, got.Status)
	assert.False(t, got.Health.Healthy)
	assert.Equal(t, "agent script failed", got.Health.Reason)
}

func TestWorkspace(t *testing.T) {
	t.Parallel()
	owner, other, failing := uuid.New(), uuid.New(), uuid.New()
	active := uuid.New()
	w := database.Workspace{
		ID: uuid.New(), OwnerID: owner, Favorite: true, Ttl: ptr(int64(time.Hour)),
		AutostartSchedule: "CRON_TZ=UTC 0 9 * * 1-5", TemplateActiveVersionID: active,
	}
	latest := codersdk.WorkspaceBuild{TemplateVersionID: uuid.New(), Resources: []codersdk.WorkspaceResource{{
		Agents: []codersdk.WorkspaceAgent{{ID: uuid.New(), Health: codersdk.WorkspaceAgentHealth{Healthy: true}}, {ID: failing}},
	}}}

	got := convert.Workspace(w, latest, owner, nil, true)
	assert.True(t, got.Favorite)
	assert.True(t, got.Outdated)
	assert.True(t, got.AllowRenames)
	assert.Equal(t, ptr(int64(time.Hour/time.Millisecond)), got.TTLMillis)
	assert.Equal(t, &w.AutostartSchedule, got.AutostartSchedule)
	assert.False(t, got.Health.Healthy)
	assert.Equal(t, []uuid.UUID{failing}, got.Health.FailingAgents)

	got = convert.Workspace(w, codersdk.WorkspaceBuild{TemplateVersionID: active}, other, nil, false)
	assert.False(t, got.Favorite, "a favorite is the owner's own")
	assert.False(t, got.Outdated)
	assert.True(t, got.Health.Healthy)
	assert.NotNil(t, got.Health.FailingAgents)
}

func TestSharedWith(t *testing.T) {
	t.Parallel()
	known, unknown, group := uuid.New(), uuid.New(), uuid.New()
	w := database.Workspace{
		UserAcl:  []byte(`{"` + known.String() + `":["*"],"` + unknown.String() + `":["read"]}`),
		GroupAcl: []byte(`{"` + group.String() + `":["read","ssh"]}`),
	}
	got := convert.SharedWith(w,
		map[uuid.UUID]database.User{known: {ID: known, Username: "alice"}},
		map[uuid.UUID]database.Group{group: {ID: group, Name: "devs"}})
	require.Len(t, got, 3)
	assert.Equal(t, codersdk.SharedWorkspaceActorTypeGroup, got[0].ActorType)
	assert.Equal(t, "devs", got[0].Name)
	assert.Equal(t, []codersdk.WorkspaceRole{codersdk.WorkspaceRoleUse}, got[0].Roles)
	// Users: the unreadable one (no name) sorts first.
	assert.Equal(t, unknown, got[1].ID)
	assert.Empty(t, got[1].Name)
	assert.Equal(t, "alice", got[2].Name)
	assert.Equal(t, []codersdk.WorkspaceRole{codersdk.WorkspaceRoleAdmin}, got[2].Roles)

	assert.Nil(t, convert.SharedWith(database.Workspace{}, nil, nil), "not shared")
}

func TestAuditLog(t *testing.T) {
	t.Parallel()
	org := uuid.New()
	row := database.GetAuditLogsOffsetRow{
		ID: uuid.New(), ResourceType: string(codersdk.ResourceTypeWorkspaceBuild), ResourceTarget: "dev",
		Action: string(codersdk.AuditActionStart), StatusCode: 201,
		Diff:             []byte(`{"name":{"old":"a","new":"b","secret":false}}`),
		AdditionalFields: []byte(`{"workspace_owner":"alice","workspace_name":"dev","build_number":"3"}`),
		OrganizationID:   uuid.NullUUID{UUID: org, Valid: true}, OrganizationName: ptr("acme"),
		UserID: uuid.NullUUID{UUID: uuid.New(), Valid: true}, UserUsername: ptr("alice"),
	}
	got, err := convert.AuditLog(row)
	require.NoError(t, err)
	assert.Equal(t, "/@alice/dev/builds/3", got.ResourceLink)
	assert.Equal(t, codersdk.AuditDiff{"name": {Old: "a", New: "b"}}, got.Diff)
	require.NotNil(t, got.Organization)
	assert.Equal(t, "acme", got.Organization.Name)
	require.NotNil(t, got.User)
	assert.Equal(t, "alice", got.User.Username)
	assert.Contains(t, got.Description, "{user}")

	row.AdditionalFields = []byte(`{"workspace_owner":1}`)
	got, err = convert.AuditLog(row)
	require.NoError(t, err)
	assert.Empty(t, got.ResourceLink, "free-form fields that do not fit mean no link")

	row.AdditionalFields = nil
	got, err = convert.AuditLog(row)
	require.NoError(t, err)
	assert.JSONEq(t, "{}", string(got.AdditionalFields))

	row.Diff = []byte(`["not","a","diff"]`)
	_, err = convert.AuditLog(row)
	assert.Error(t, err, "a diff that does not decode is an error")
}

func TestRoles(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []codersdk.SlimRole{{Name: "owner", DisplayName: "Owner"}, {Name: "custom-site", DisplayName: "custom-site"}},
		convert.SlimSiteRoles([]string{"owner", "custom-site"}))

	org := uuid.New()
	role, err := convert.CustomRole(database.CustomRole{
		Name: "dev", OrganizationID: org,
		OrgPermissions:    []byte(`[{"negate":false,"resource_type":"template","action":"read"}]`),
		MemberPermissions: []byte(`[]`),
	})
	require.NoError(t, err)
	assert.Equal(t, org.String(), role.OrganizationID)
	assert.Equal(t, []codersdk.Permission{{ResourceType: "template", Action: "read"}}, role.OrganizationPermissions)
	assert.Empty(t, role.OrganizationMemberPermissions)
	assert.NotNil(t, role.SitePermissions)

	_, err = convert.CustomRole(database.CustomRole{Name: "bad", OrgPermissions: []byte(`{}`), MemberPermissions: []byte(`[]`)})
	assert.Error(t, err)

	site := convert.Role(rbac.Role{Identifier: rbac.RoleOwner(), Site: []rbac.Permission{{ResourceType: "*", Action: "*"}}})
	assert.Empty(t, site.OrganizationID)
	assert.Len(t, site.SitePermissions, 1)
}

func TestUsersAndMembers(t *testing.T) {
	t.Parallel()
	u := database.User{ID: uuid.New(), Username: "alice", RbacRoles: []string{"auditor"}}
	got := convert.User(u, nil)
	assert.NotNil(t, got.OrganizationIDs, "no organizations encode as []")
	assert.Equal(t, "alice", got.Username)
	assert.Equal(t, []codersdk.SlimRole{{Name: "auditor", DisplayName: "Auditor"}}, got.Roles)

	org := uuid.New()
	names := convert.OrgRoleNames{"organization-admin": "Organization Admin"}
	m := names.Member(database.OrganizationMember{UserID: u.ID, OrganizationID: org, Roles: []string{"organization-admin", "gone"}})
	assert.Equal(t, []codersdk.SlimRole{
		{Name: "organization-admin", DisplayName: "Organization Admin", OrganizationID: org.String()},
		{Name: "gone", DisplayName: "gone", OrganizationID: org.String()},
	}, m.Roles)

	g := convert.Group(database.Group{ID: uuid.New(), OrganizationID: org, Name: "devs"}, database.Organization{ID: org, Name: "acme"}, nil, 4)
	assert.NotNil(t, g.Members)
	assert.Equal(t, 4, g.TotalMemberCount)
	assert.Equal(t, "acme", g.OrganizationName)
}
