package rbac

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// TestBuiltinRoleMatrix encodes upstream Coder's built-in role behaviour.
// Every actor is "me", a site member and a member of org A (as every real
// user is), plus the role under test (organization roles in org A). For
// each row, exactly the listed actors are allowed.
func TestBuiltinRoleMatrix(t *testing.T) {
	t.Parallel()

	actors := map[string]Subject{
		"member":   user(t),
		"owner":    user(t, RoleOwner()),
		"auditor":  user(t, RoleAuditor()),
		"tadmin":   user(t, RoleTemplateAdmin()),
		"uadmin":   user(t, RoleUserAdmin()),
		"oadmin":   user(t, ScopedRoleOrgAdmin(orgA)),
		"oauditor": user(t, ScopedRoleOrgAuditor(orgA)),
		"ouadmin":  user(t, ScopedRoleOrgUserAdmin(orgA)),
		"otadmin":  user(t, ScopedRoleOrgTemplateAdmin(orgA)),
		"ban":      user(t, ScopedRoleOrgWorkspaceCreationBan(orgA)),
	}
	all := []string{"member", "owner", "auditor", "tadmin", "uadmin", "oadmin", "oauditor", "ouadmin", "otadmin", "ban"}
	except := func(drop ...string) []string {
		var out []string
		for _, a := range all {
			if !contains(drop, a) {
				out = append(out, a)
			}
		}
		return out
	}
	none := []string{}

	var (
		selfUser   = ResourceUser.WithID(me).WithOwner(me)
		otherUser  = ResourceUser.WithID(other).WithOwner(other)
		mineA      = ResourceWorkspace.WithID(uuid.New()).InOrg(orgA).WithOwner(me)
		mineB      = ResourceWorkspace.WithID(uuid.New()).InOrg(orgB).WithOwner(me)
		othersA    = ResourceWorkspace.WithID(uuid.New()).InOrg(orgA).WithOwner(other)
		othersB    = ResourceWorkspace.WithID(uuid.New()).InOrg(orgB).WithOwner(other)
		dormMineA  = ResourceWorkspaceDormant.InOrg(orgA).WithOwner(me)
		dormOtherA = ResourceWorkspaceDormant.InOrg(orgA).WithOwner(other)
	)

	rows := []struct {
		name   string
		action Action
		obj    Object
		allow  []string
	}{
		// Users: everyone reads and edits its own personal data; only
		// admins see or change other users.
		{"read self", ActionRead, selfUser, all},
		{"read other user", ActionRead, otherUser, []string{"owner", "auditor", "tadmin", "uadmin", "oadmin", "ouadmin"}},
		{"read_personal self", ActionReadPersonal, selfUser, all},
		{"read_personal other", ActionReadPersonal, otherUser, []string{"owner", "uadmin"}},
		{"update_personal self", ActionUpdatePersonal, selfUser, all},
		{"update_personal other", ActionUpdatePersonal, otherUser, []string{"owner", "uadmin"}},
		{"update other user", ActionUpdate, otherUser, []string{"owner", "uadmin"}},
		{"update self user", ActionUpdate, selfUser, []string{"owner", "uadmin"}},
		{"create user", ActionCreate, ResourceUser, []string{"owner", "uadmin"}},
		{"delete self", ActionDelete, selfUser, []string{"owner", "uadmin"}},

		// Workspaces: own ones in member orgs; the ban forbids create and
		// delete; org admins run others' workspaces but cannot exec.
		{"create own workspace in member org", ActionCreate, mineA, except("ban")},
		{"create own workspace in other org", ActionCreate, mineB, []string{"owner"}},
		{"read own workspace in member org", ActionRead, mineA, all},
		{"read own workspace in other org", ActionRead, mineB, []string{"owner", "tadmin"}},
		{"delete own workspace", ActionDelete, mineA, except("ban")},
		{"start own workspace", ActionWorkspaceStart, mineA, all},
		{"ssh own workspace", ActionSSH, mineA, all},
		{"app connect own workspace", ActionApplicationConnect, mineA, all},
		{"share own workspace", ActionShare, mineA, all},
		{"create agent own workspace", ActionCreateAgent, mineA, except("ban")},
		{"read others' workspace in member org", ActionRead, othersA, []string{"owner", "tadmin", "oadmin", "otadmin"}},
		{"read others' workspace in other org", ActionRead, othersB, []string{"owner", "tadmin"}},
		{"update others' workspace", ActionUpdate, othersA, []string{"owner", "oadmin"}},
		{"stop others' workspace", ActionWorkspaceStop, othersA, []string{"owner", "oadmin"}},
		{"ssh others' workspace", ActionSSH, othersA, []string{"owner"}},
		{"app connect others' workspace", ActionApplicationConnect, othersA, []string{"owner"}},
		{"create workspace for others", ActionCreate, othersA, []string{"owner", "oadmin"}},
		{"start own dormant workspace", ActionWorkspaceStart, dormMineA, none},
		{"stop own dormant workspace", ActionWorkspaceStop, dormMineA, all},
		{"read others' dormant workspace", ActionRead, dormOtherA, []string{"owner", "tadmin", "oadmin", "otadmin"}},
		{"delete prebuilt workspace", ActionDelete, ResourcePrebuiltWorkspace.InOrg(orgA), []string{"owner", "tadmin", "oadmin", "otadmin"}},

		// Templates.
		{"create template in member org", ActionCreate, ResourceTemplate.InOrg(orgA), []string{"owner", "tadmin", "oadmin", "otadmin"}},
		{"create template in other org", ActionCreate, ResourceTemplate.InOrg(orgB), []string{"owner", "tadmin"}},
		{"create template in any org", ActionCreate, ResourceTemplate.AnyOrganization(), []string{"owner", "tadmin", "oadmin", "otadmin"}},
		{"read template in member org", ActionRead, ResourceTemplate.InOrg(orgA), []string{"owner", "auditor", "tadmin", "oadmin", "oauditor", "otadmin"}},
		{"use template", ActionUse, ResourceTemplate.InOrg(orgA), []string{"owner", "tadmin", "oadmin", "otadmin"}},
		{"template insights in other org", ActionViewInsights, ResourceTemplate.InOrg(orgB), []string{"owner", "auditor", "tadmin"}},
		{"delete template", ActionDelete, ResourceTemplate.InOrg(orgA), []string{"owner", "tadmin", "oadmin", "otadmin"}},

		// Audit and connection logs.
		{"read audit logs", ActionRead, ResourceAuditLog, []string{"owner", "auditor"}},
		{"read org audit logs", ActionRead, ResourceAuditLog.InOrg(orgA), []string{"owner", "auditor", "oadmin", "oauditor"}},
		{"read other org audit logs", ActionRead, ResourceAuditLog.InOrg(orgB), []string{"owner", "auditor"}},
		{"read org connection logs", ActionRead, ResourceConnectionLog.InOrg(orgA), []string{"owner", "auditor", "oadmin", "oauditor"}},
		{"write audit logs", ActionCreate, ResourceAuditLog, []string{"owner"}},

		// Role assignment.
		{"read assignable site roles", ActionRead, ResourceAssignRole, all},
		{"assign site roles", ActionAssign, ResourceAssignRole, []string{"owner", "uadmin"}},
		{"assign org roles", ActionAssign, ResourceAssignOrgRole.InOrg(orgA), []string{"owner", "uadmin", "oadmin", "ouadmin"}},
		{"assign other org roles", ActionAssign, ResourceAssignOrgRole.InOrg(orgB), []string{"owner", "uadmin"}},
		{"read org roles", ActionRead, ResourceAssignOrgRole.InOrg(orgA), all},
		{"read other org roles", ActionRead, ResourceAssignOrgRole.InOrg(orgB), []string{"owner", "auditor", "tadmin", "uadmin"}},
		{"create custom org role", ActionCreate, ResourceAssignOrgRole.InOrg(orgA), []string{"owner", "oadmin"}},

		// Organizations and members.
		{"read member org", ActionRead, ResourceOrganization.WithID(orgA).InOrg(orgA), all},
		{"read other org", ActionRead, ResourceOrganization.WithID(orgB).InOrg(orgB), []string{"owner", "auditor", "tadmin", "uadmin"}},
		{"update member org", ActionUpdate, ResourceOrganization.WithID(orgA).InOrg(orgA), []string{"owner", "oadmin"}},
		{"create org", ActionCreate, ResourceOrganization, []string{"owner"}},
		{"read org members", ActionRead, ResourceOrganizationMember.InOrg(orgA).WithOwner(other), all},
		{"read other org members", ActionRead, ResourceOrganizationMember.InOrg(orgB).WithOwner(other), []string{"owner", "auditor", "tadmin", "uadmin"}},
		{"add org member", ActionCreate, ResourceOrganizationMember.InOrg(orgA), []string{"owner", "uadmin", "oadmin", "ouadmin"}},
		{"create group", ActionCreate, ResourceGroup.InOrg(orgA), []string{"owner", "uadmin", "oadmin", "ouadmin"}},
		{"read group in member org", ActionRead, ResourceGroup.InOrg(orgA), all},
		{"read group in other org", ActionRead, ResourceGroup.InOrg(orgB), []string{"owner", "auditor", "tadmin", "uadmin"}},
		{"update idp sync", ActionUpdate, ResourceIdpsyncSettings.InOrg(orgA), []string{"owner", "uadmin", "oadmin", "ouadmin"}},

		// Deployment-wide things.
		{"read deployment config", ActionRead, ResourceDeploymentConfig, []string{"owner", "auditor"}},
		{"update deployment config", ActionUpdate, ResourceDeploymentConfig, []string{"owner"}},
		{"read deployment stats", ActionRead, ResourceDeploymentStats, []string{"owner", "auditor"}},
		{"read system", ActionRead, ResourceSystem, []string{"owner"}},
		{"add license", ActionCreate, ResourceLicense, []string{"owner"}},
		{"debug routes", ActionRead, ResourceDebugInfo, []string{"owner"}},
		{"read crypto keys", ActionRead, ResourceCryptoKey, []string{"owner"}},
		{"read workspace proxies", ActionRead, ResourceWorkspaceProxy, all},
		{"read oauth2 apps", ActionRead, ResourceOauth2App, all},
		{"create oauth2 app", ActionCreate, ResourceOauth2App, []string{"owner"}},

		// Things users own.
		{"create own api key", ActionCreate, ResourceApiKey.WithOwner(me), all},
		{"read others' api key", ActionRead, ResourceApiKey.WithOwner(other), []string{"owner"}},
		{"read own secret", ActionRead, ResourceUserSecret.WithOwner(me), all},
		{"read others' secret", ActionRead, ResourceUserSecret.WithOwner(other), none},
		{"update own notification preferences", ActionUpdate, ResourceNotificationPreference.WithOwner(me), all},
		{"upload file in member org", ActionCreate, ResourceFile.InOrg(orgA).WithOwner(me), all},
		{"read others' file", ActionRead, ResourceFile.WithOwner(other), []string{"owner", "tadmin"}},
		{"create own chat", ActionCreate, ResourceChat.InOrg(orgA).WithOwner(me), all},
		{"read others' chat", ActionRead, ResourceChat.InOrg(orgA).WithOwner(other), []string{"owner", "oadmin"}},

		// Provisioners.
		{"read provisioner daemons", ActionRead, ResourceProvisionerDaemon.InOrg(orgA), all},
		{"create org provisioner daemon", ActionCreate, ResourceProvisionerDaemon.InOrg(orgA), []string{"owner", "tadmin", "oadmin", "otadmin"}},
		{"create own provisioner daemon", ActionCreate, ResourceProvisionerDaemon.InOrg(orgA).WithOwner(me), all},
		{"read provisioner jobs", ActionRead, ResourceProvisionerJobs.InOrg(orgA), []string{"owner", "tadmin", "oadmin", "otadmin"}},
	}

	for _, row := range rows {
		for _, name := range all {
			want := contains(row.allow, name)
			got := can(t, actors[name], row.action, row.obj)
			require.Equal(t, want, got, "%s: %s %s on %+v", row.name, name, row.action, describe(row.obj))
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func describe(o Object) string {
	var b strings.Builder
	b.WriteString(o.Type)
	if o.AnyOrgOwner {
		b.WriteString(" in any org")
	}
	if o.OrgID != uuid.Nil {
		fmt.Fprintf(&b, " in org %s", o.OrgID.String()[:8])
	}
	if o.Owner != uuid.Nil {
		fmt.Fprintf(&b, " owned by %s", o.Owner.String()[:8])
	}
	return b.String()
}

func TestBuiltinRoles(t *testing.T) {
	t.Parallel()

	t.Run("AllValid", func(t *testing.T) {
		t.Parallel()
		roles := append(SiteBuiltinRoles(), OrganizationBuiltinRoles(orgA)...)
		require.Len(t, roles, 11)
		for _, r := range roles {
			require.NoError(t, r.Valid(), r.Identifier.String())
			require.NotEmpty(t, r.DisplayName, r.Identifier.String())
			require.True(t, IsBuiltinRole(r.Identifier.Name))
		}
		for _, r := range OrganizationBuiltinRoles(orgA) {
			require.Equal(t, orgA, r.Identifier.OrganizationID)
			require.Contains(t, r.ByOrgID, orgA, "an org role makes its holder a member")
		}
		for _, s := range []string{ScopeAll, ScopeApplicationConnect} {
			require.NoError(t, mustScope(t, s).Valid())
		}
	})

	t.Run("Names", func(t *testing.T) {
		t.Parallel()
		var names []string
		for _, r := range SiteBuiltinRoles() {
			names = append(names, r.Identifier.String())
		}
		sort.Strings(names)
		require.Equal(t, []string{"auditor", "member", "owner", "template-admin", "user-admin"}, names)
		names = nil
		for _, r := range OrganizationBuiltinRoles(orgA) {
			names = append(names, r.Identifier.Name)
		}
		sort.Strings(names)
		require.Equal(t, []string{
			"organization-admin", "organization-auditor", "organization-member",
			"organization-template-admin", "organization-user-admin", "organization-workspace-creation-ban",
		}, names)
		require.Equal(t, "organization-admin:"+orgA.String(), ScopedRoleOrgAdmin(orgA).String())
	})

	t.Run("Errors", func(t *testing.T) {
		t.Parallel()
		for _, id := range []RoleIdentifier{
			{Name: "nope"},
			{Name: ""},
			{Name: "nope", OrganizationID: orgA},
			{Name: owner, OrganizationID: orgA},
			{Name: orgAdmin},
			{Name: "custom-site-role"},
		} {
			_, err := BuiltinRole(id)
			require.Error(t, err, id.String())
		}
		require.False(t, IsBuiltinRole("nope"))
		_, err := ScopeRole("nope")
		require.Error(t, err)
	})

	t.Run("ParseRoleIdentifier", func(t *testing.T) {
		t.Parallel()
		for _, id := range []RoleIdentifier{RoleOwner(), ScopedRoleOrgAuditor(orgB), {Name: "custom"}} {
			got, err := ParseRoleIdentifier(id.String())
			require.NoError(t, err)
			require.Equal(t, id, got)
		}
		for _, s := range []string{"", ":" + orgA.String(), "x:notauuid", "x:" + uuid.Nil.String(), "x:" + orgA.String() + ":y"} {
			_, err := ParseRoleIdentifier(s)
			require.Error(t, err, s)
		}
	})
}

func TestResources(t *testing.T) {
	t.Parallel()
	res := Resources()
	require.Len(t, res, len(allResourceObjects))
	for _, o := range allResourceObjects {
		def, ok := res[o.Type]
		require.True(t, ok, o.Type)
		for a, desc := range def.Actions {
			require.NotEmpty(t, desc, "%s/%s", o.Type, a)
			require.Contains(t, allActions, a)
		}
		if o.Type != WildcardSymbol {
			require.NotEmpty(t, def.Actions, o.Type)
		}
	}
	// The names the rest of the server relies on.
	for _, typ := range []string{
		"*", "user", "api_key", "organization", "organization_member", "assign_role", "assign_org_role",
		"deployment_config", "deployment_stats", "system", "workspace", "workspace_dormant", "template",
		"file", "group", "group_member", "audit_log", "provisioner_daemon", "provisioner_jobs", "user_secret",
		"debug_info", "license", "replicas", "notification_preference", "notification_template",
		"notification_message", "oauth2_app", "tailnet_coordinator", "workspace_proxy", "idpsync_settings",
		"crypto_key", "inbox_notification", "webpush_subscription", "prebuilt_workspace", "connection_log",
	} {
		require.Contains(t, res, typ)
	}
	// Callers get a copy.
	delete(res["user"].Actions, ActionRead)
	require.Contains(t, Resources()["user"].Actions, ActionRead)
	require.Equal(t, []Action{ActionCreate, ActionRead}, ResourceFile.AvailableActions())

	// Validation of custom permissions.
	require.NoError(t, Permission{ResourceType: "workspace", Action: ActionSSH}.Valid())
	require.NoError(t, Permission{ResourceType: "workspace", Action: WildcardSymbol}.Valid())
	require.NoError(t, Permission{ResourceType: WildcardSymbol, Action: WildcardSymbol}.Valid())
	require.NoError(t, Permission{ResourceType: WildcardSymbol, Action: ActionRead}.Valid())
	require.Error(t, Permission{ResourceType: "workspace", Action: ActionAssign}.Valid())
	require.Error(t, Permission{ResourceType: "nope", Action: ActionRead}.Valid())
	require.Error(t, Permission{ResourceType: WildcardSymbol, Action: "nope"}.Valid())
	require.Error(t, Role{ByOrgID: map[uuid.UUID]OrgPermissions{orgA: {Member: []Permission{{ResourceType: "x", Action: "y"}}}}}.Valid())
	require.Error(t, Role{ByOrgID: map[uuid.UUID]OrgPermissions{uuid.Nil: {}}}.Valid())
}

func TestCanAssignRole(t *testing.T) {
	t.Parallel()
	custom := RoleIdentifier{Name: "my-custom"}
	customA := RoleIdentifier{Name: "my-custom", OrganizationID: orgA}
	customB := RoleIdentifier{Name: "my-custom", OrganizationID: orgB}

	cases := []struct {
		name   string
		actor  []RoleIdentifier
		target RoleIdentifier
		want   bool
	}{
		{"owner assigns owner", []RoleIdentifier{RoleOwner()}, RoleOwner(), true},
		{"owner assigns auditor", []RoleIdentifier{RoleOwner()}, RoleAuditor(), true},
		{"owner assigns template-admin", []RoleIdentifier{RoleOwner()}, RoleTemplateAdmin(), true},
		{"owner assigns user-admin", []RoleIdentifier{RoleOwner()}, RoleUserAdmin(), true},
		{"owner assigns org admin anywhere", []RoleIdentifier{RoleOwner()}, ScopedRoleOrgAdmin(orgB), true},
		{"owner assigns the ban", []RoleIdentifier{RoleOwner()}, ScopedRoleOrgWorkspaceCreationBan(orgA), true},
		{"owner assigns custom site role", []RoleIdentifier{RoleOwner()}, custom, true},
		{"owner assigns custom org role", []RoleIdentifier{RoleOwner()}, customA, true},
		{"member is implicit", []RoleIdentifier{RoleOwner()}, RoleMember(), false},
		{"org member is implicit", []RoleIdentifier{RoleOwner()}, ScopedRoleOrgMember(orgA), false},
		{"site role with an org", []RoleIdentifier{RoleOwner()}, RoleIdentifier{Name: auditor, OrganizationID: orgA}, false},
		{"org role without org", []RoleIdentifier{RoleOwner()}, RoleIdentifier{Name: orgAdmin}, false},
		{"empty name", []RoleIdentifier{RoleOwner()}, RoleIdentifier{}, false},

		{"user-admin cannot assign owner", []RoleIdentifier{RoleMember(), RoleUserAdmin()}, RoleOwner(), false},
		{"user-admin cannot assign auditor", []RoleIdentifier{RoleUserAdmin()}, RoleAuditor(), false},
		{"user-admin cannot assign template-admin", []RoleIdentifier{RoleUserAdmin()}, RoleTemplateAdmin(), false},
		{"user-admin cannot assign user-admin", []RoleIdentifier{RoleUserAdmin()}, RoleUserAdmin(), false},
		{"user-admin cannot assign custom", []RoleIdentifier{RoleUserAdmin()}, custom, false},
		{"template-admin assigns nothing", []RoleIdentifier{RoleTemplateAdmin()}, RoleAuditor(), false},
		{"member assigns nothing", []RoleIdentifier{RoleMember(), ScopedRoleOrgMember(orgA)}, ScopedRoleOrgAuditor(orgA), false},

		{"org admin assigns org admin in its org", []RoleIdentifier{ScopedRoleOrgAdmin(orgA)}, ScopedRoleOrgAdmin(orgA), true},
		{"org admin assigns org auditor", []RoleIdentifier{ScopedRoleOrgAdmin(orgA)}, ScopedRoleOrgAuditor(orgA), true},
		{"org admin assigns org user admin", []RoleIdentifier{ScopedRoleOrgAdmin(orgA)}, ScopedRoleOrgUserAdmin(orgA), true},
		{"org admin assigns org template admin", []RoleIdentifier{ScopedRoleOrgAdmin(orgA)}, ScopedRoleOrgTemplateAdmin(orgA), true},
		{"org admin assigns the ban", []RoleIdentifier{ScopedRoleOrgAdmin(orgA)}, ScopedRoleOrgWorkspaceCreationBan(orgA), true},
		{"org admin assigns custom org role", []RoleIdentifier{ScopedRoleOrgAdmin(orgA)}, customA, true},
		{"org admin not in other org", []RoleIdentifier{ScopedRoleOrgAdmin(orgA)}, ScopedRoleOrgAuditor(orgB), false},
		{"org admin not custom in other org", []RoleIdentifier{ScopedRoleOrgAdmin(orgA)}, customB, false},
		{"org admin no site roles", []RoleIdentifier{ScopedRoleOrgAdmin(orgA)}, RoleAuditor(), false},
		{"org admin no custom site roles", []RoleIdentifier{ScopedRoleOrgAdmin(orgA)}, custom, false},
		{"org admin without org grants nothing", []RoleIdentifier{{Name: orgAdmin}}, ScopedRoleOrgAuditor(orgA), false},
		{"owner name with org grants nothing", []RoleIdentifier{{Name: owner, OrganizationID: orgA}}, ScopedRoleOrgAuditor(orgA), false},

		{"org user admin cannot assign org admin", []RoleIdentifier{ScopedRoleOrgUserAdmin(orgA)}, ScopedRoleOrgAdmin(orgA), false},
		{"org user admin cannot assign org auditor", []RoleIdentifier{ScopedRoleOrgUserAdmin(orgA)}, ScopedRoleOrgAuditor(orgA), false},
		{"no roles", nil, RoleAuditor(), false},
	}
	for _, c := range cases {
		require.Equal(t, c.want, CanAssignRole(c.actor, c.target), c.name)
	}
}
