package rbac

import (
	"github.com/google/uuid"
	"golang.org/x/xerrors"
)

// Built-in role names, as in Coder.
const (
	owner         = "owner"
	member        = "member"
	auditor       = "auditor"
	templateAdmin = "template-admin"
	userAdmin     = "user-admin"

	orgAdmin                = "organization-admin"
	orgMember               = "organization-member"
	orgAuditor              = "organization-auditor"
	orgUserAdmin            = "organization-user-admin"
	orgTemplateAdmin        = "organization-template-admin"
	orgWorkspaceCreationBan = "organization-workspace-creation-ban"

	// customSiteRole and customOrgRole stand for every custom role in the
	// assignment rules.
	customSiteRole = "custom-site-role"
	customOrgRole  = "custom-organization-role"
)

func RoleOwner() RoleIdentifier         { return RoleIdentifier{Name: owner} }
func RoleMember() RoleIdentifier        { return RoleIdentifier{Name: member} }
func RoleAuditor() RoleIdentifier       { return RoleIdentifier{Name: auditor} }
func RoleTemplateAdmin() RoleIdentifier { return RoleIdentifier{Name: templateAdmin} }
func RoleUserAdmin() RoleIdentifier     { return RoleIdentifier{Name: userAdmin} }

func RoleOrgAdmin() string                { return orgAdmin }
func RoleOrgMember() string               { return orgMember }
func RoleOrgAuditor() string              { return orgAuditor }
func RoleOrgUserAdmin() string            { return orgUserAdmin }
func RoleOrgTemplateAdmin() string        { return orgTemplateAdmin }
func RoleOrgWorkspaceCreationBan() string { return orgWorkspaceCreationBan }

func ScopedRoleOrgAdmin(orgID uuid.UUID) RoleIdentifier {
	return RoleIdentifier{Name: orgAdmin, OrganizationID: orgID}
}

func ScopedRoleOrgMember(orgID uuid.UUID) RoleIdentifier {
	return RoleIdentifier{Name: orgMember, OrganizationID: orgID}
}

func ScopedRoleOrgAuditor(orgID uuid.UUID) RoleIdentifier {
	return RoleIdentifier{Name: orgAuditor, OrganizationID: orgID}
}

func ScopedRoleOrgUserAdmin(orgID uuid.UUID) RoleIdentifier {
	return RoleIdentifier{Name: orgUserAdmin, OrganizationID: orgID}
}

func ScopedRoleOrgTemplateAdmin(orgID uuid.UUID) RoleIdentifier {
	return RoleIdentifier{Name: orgTemplateAdmin, OrganizationID: orgID}
}

func ScopedRoleOrgWorkspaceCreationBan(orgID uuid.UUID) RoleIdentifier {
	return RoleIdentifier{Name: orgWorkspaceCreationBan, OrganizationID: orgID}
}

// allPermsExcept grants "*" on every resource type except the wildcard and
// the given ones, so new types are covered by default.
func allPermsExcept(except ...Object) []Permission {
	skip := map[string]bool{WildcardSymbol: true}
	for _, o := range except {
		skip[o.Type] = true
	}
	var out []Permission
	for _, r := range resourceTable {
		if !skip[r.Type] {
			out = append(out, Permission{ResourceType: r.Type, Action: WildcardSymbol})
		}
	}
	return out
}

func without(acts []Action, drop ...Action) []Action {
	out := make([]Action, 0, len(acts))
next:
	for _, a := range acts {
		for _, d := range drop {
			if a == d {
				continue next
			}
		}
		out = append(out, a)
	}
	return out
}

// dormantWorkspaceActions: a dormant workspace can be inspected, stopped and
// deleted, but not started or connected to.
var dormantWorkspaceActions = []Action{
	ActionRead, ActionDelete, ActionCreate, ActionUpdate, ActionWorkspaceStop,
	ActionCreateAgent, ActionDeleteAgent, ActionUpdateAgent,
}

// The site roles never change; they are built once and shared (treat them
// as read-only).
var (
	ownerRole = Role{
		Identifier:  RoleOwner(),
		DisplayName: "Owner",
		Site: append(
			// Workspaces are re-added below with explicit actions; secrets,
			// skills and metering records belong to their users or to the
			// system.
			allPermsExcept(ResourceWorkspace, ResourceWorkspaceDormant, ResourcePrebuiltWorkspace,
				ResourceUserSecret, ResourceUserSkill, ResourceUsageEvent, ResourceBoundaryUsage,
				ResourceBoundaryLog, ResourceAiSeat, ResourceAIGatewayKey),
			Permissions(map[string][]Action{
				ResourceWorkspace.Type:         ResourceWorkspace.AvailableActions(),
				ResourceWorkspaceDormant.Type:  dormantWorkspaceActions,
				ResourcePrebuiltWorkspace.Type: {ActionUpdate, ActionDelete},
				ResourceUserSkill.Type:         {ActionRead, ActionDelete},
				ResourceAIGatewayKey.Type:      {ActionCreate, ActionRead, ActionDelete},
				ResourceBoundaryLog.Type:       {ActionRead},
			})...,
		),
	}

	memberRole = Role{
		Identifier:  RoleMember(),
		DisplayName: "Member",
		Site: Permissions(map[string][]Action{
			ResourceAssignRole.Type:     {ActionRead},
			ResourceOauth2App.Type:      {ActionRead},
			ResourceWorkspaceProxy.Type: {ActionRead},
		}),
		// Everything the user owns, except: workspaces (granted per
		// organization by organization-member), the user row itself
		// (read and personal data only), and records only the system
		// writes or only admins read.
		User: append(
			allPermsExcept(ResourceWorkspace, ResourceWorkspaceDormant, ResourcePrebuiltWorkspace,
				ResourceUser, ResourceOrganizationMember, ResourceBoundaryUsage, ResourceBoundaryLog,
				ResourceAibridgeInterception, ResourceChat, ResourceAiSeat),
			Permissions(map[string][]Action{
				ResourceUser.Type:                 {ActionRead, ActionReadPersonal, ActionUpdatePersonal},
				ResourceProvisionerDaemon.Type:    {ActionCreate, ActionRead, ActionUpdate},
				ResourceAibridgeInterception.Type: {ActionCreate, ActionUpdate},
				ResourceBoundaryLog.Type:          {ActionCreate},
			})...,
		),
	}

	auditorRole = Role{
		Identifier:  RoleAuditor(),
		DisplayName: "Auditor",
		Site: Permissions(map[string][]Action{
			ResourceAuditLog.Type:      {ActionRead},
			ResourceConnectionLog.Type: {ActionRead},
			// What the audit log talks about.
			ResourceTemplate.Type:           {ActionRead, ActionViewInsights},
			ResourceUser.Type:               {ActionRead},
			ResourceGroup.Type:              {ActionRead},
			ResourceGroupMember.Type:        {ActionRead},
			ResourceOrganization.Type:       {ActionRead},
			ResourceOrganizationMember.Type: {ActionRead},
			ResourceAssignOrgRole.Type:      {ActionRead},
			ResourceDeploymentStats.Type:    {ActionRead},
			ResourceDeploymentConfig.Type:   {ActionRead},
			// AI Bridge and boundary audit trails.
			ResourceAibridgeInterception.Type: {ActionRead},
			ResourceBoundaryLog.Type:          {ActionRead},
		}),
	}

	templateAdminRole = Role{
		Identifier:  RoleTemplateAdmin(),
		DisplayName: "Template Admin",
		Site: Permissions(map[string][]Action{
			ResourceTemplate.Type:           ResourceTemplate.AvailableActions(),
			ResourceFile.Type:               {ActionCreate, ActionRead},
			ResourceWorkspace.Type:          {ActionRead},
			ResourceWorkspaceDormant.Type:   {ActionRead},
			ResourcePrebuiltWorkspace.Type:  {ActionUpdate, ActionDelete},
			ResourceProvisionerDaemon.Type:  {ActionCreate, ActionRead, ActionUpdate, ActionDelete},
			ResourceProvisionerJobs.Type:    {ActionCreate, ActionRead, ActionUpdate},
			ResourceAssignOrgRole.Type:      {ActionRead},
			ResourceUser.Type:               {ActionRead},
			ResourceGroup.Type:              {ActionRead},
			ResourceGroupMember.Type:        {ActionRead},
			ResourceOrganization.Type:       {ActionRead},
			ResourceOrganizationMember.Type: {ActionRead},
		}),
	}

	userAdminRole = Role{
		Identifier:  RoleUserAdmin(),
		DisplayName: "User Admin",
		Site: Permissions(map[string][]Action{
			ResourceAssignRole.Type:    {ActionAssign, ActionUnassign, ActionRead},
			ResourceAssignOrgRole.Type: {ActionAssign, ActionUnassign, ActionRead},
			ResourceUser.Type: {
				ActionCreate, ActionRead, ActionUpdate, ActionDelete,
				ActionReadPersonal, ActionUpdatePersonal,
			},
			ResourceGroup.Type:              {ActionCreate, ActionRead, ActionUpdate, ActionDelete},
			ResourceGroupMember.Type:        {ActionRead},
			ResourceOrganization.Type:       {ActionRead},
			ResourceOrganizationMember.Type: {ActionCreate, ActionRead, ActionUpdate, ActionDelete},
			ResourceIdpsyncSettings.Type:    {ActionRead, ActionUpdate},
			// Deleting a user or resetting its password ends its
			// sessions; reading or minting keys stays with the owner.
			ResourceApiKey.Type: {ActionDelete},
		}),
	}
)

// Organization role permission sets; the roles themselves are built per
// organization from these.
var (
	// Org admins administer everything in the organization but cannot
	// exec into other people's workspaces (no ssh, no application_connect).
	orgAdminOrgPerms = append(
		allPermsExcept(ResourceWorkspace, ResourceWorkspaceDormant, ResourcePrebuiltWorkspace,
			ResourceAssignRole, ResourceUserSecret, ResourceBoundaryUsage, ResourceBoundaryLog,
			ResourceAiSeat, ResourceWorkspaceBuildOrchestration),
		Permissions(map[string][]Action{
			ResourceWorkspace.Type:         without(ResourceWorkspace.AvailableActions(), ActionApplicationConnect, ActionSSH),
			ResourceWorkspaceDormant.Type:  dormantWorkspaceActions,
			ResourcePrebuiltWorkspace.Type: {ActionUpdate, ActionDelete},
		})...,
	)
	// To add members, org admins and org user admins must see users.
	readUsers = Permissions(map[string][]Action{ResourceUser.Type: {ActionRead}})

	orgMemberOrgPerms = Permissions(map[string][]Action{
		ResourceOrganization.Type:       {ActionRead},
		ResourceAssignOrgRole.Type:      {ActionRead},
		ResourceProvisionerDaemon.Type:  {ActionRead},
		ResourceOrganizationMember.Type: {ActionRead}, // to share workspaces with them
		ResourceGroup.Type:              {ActionRead},
	})
	// What every member may do with what it owns in the organization:
	// Coder's organization-member floor plus its default
	// organization-workspace-access grant (own workspaces, the files and
	// user-scoped provisioner daemons they need).
	orgMemberMemberPerms = Permissions(map[string][]Action{
		ResourceOrganizationMember.Type:     {ActionRead},
		ResourceGroupMember.Type:            {ActionRead},
		ResourceAibridgeInterception.Type:   {ActionCreate, ActionUpdate},
		ResourceApiKey.Type:                 {WildcardSymbol},
		ResourceNotificationMessage.Type:    {ActionRead, ActionUpdate},
		ResourceNotificationPreference.Type: {WildcardSymbol},
		ResourceInboxNotification.Type:      {WildcardSymbol},
		ResourceChat.Type:                   {ActionCreate, ActionRead, ActionUpdate, ActionShare},
		ResourceWorkspace.Type:              {WildcardSymbol},
		ResourceWorkspaceDormant.Type:       dormantWorkspaceActions,
		ResourceFile.Type:                   {ActionCreate, ActionRead},
		ResourceProvisionerDaemon.Type:      {ActionCreate, ActionRead},
	})

	orgAuditorOrgPerms = Permissions(map[string][]Action{
		ResourceAuditLog.Type:           {ActionRead},
		ResourceConnectionLog.Type:      {ActionRead},
		ResourceTemplate.Type:           {ActionRead, ActionViewInsights},
		ResourceGroup.Type:              {ActionRead},
		ResourceGroupMember.Type:        {ActionRead},
		ResourceOrganization.Type:       {ActionRead},
		ResourceOrganizationMember.Type: {ActionRead},
	})

	orgUserAdminOrgPerms = Permissions(map[string][]Action{
		ResourceAssignOrgRole.Type:      {ActionAssign, ActionUnassign, ActionRead},
		ResourceOrganization.Type:       {ActionRead},
		ResourceOrganizationMember.Type: {ActionCreate, ActionRead, ActionUpdate, ActionDelete},
		ResourceGroup.Type:              {ActionCreate, ActionRead, ActionUpdate, ActionDelete},
		ResourceGroupMember.Type:        {ActionRead},
		ResourceIdpsyncSettings.Type:    {ActionRead, ActionUpdate},
	})

	orgTemplateAdminOrgPerms = Permissions(map[string][]Action{
		ResourceTemplate.Type:           ResourceTemplate.AvailableActions(),
		ResourceFile.Type:               {ActionCreate, ActionRead},
		ResourceWorkspace.Type:          {ActionRead},
		ResourceWorkspaceDormant.Type:   {ActionRead},
		ResourcePrebuiltWorkspace.Type:  {ActionUpdate, ActionDelete},
		ResourceOrganization.Type:       {ActionRead},
		ResourceOrganizationMember.Type: {ActionRead},
		ResourceGroup.Type:              {ActionRead},
		ResourceGroupMember.Type:        {ActionRead},
		ResourceProvisionerDaemon.Type:  {ActionCreate, ActionRead, ActionUpdate, ActionDelete},
		ResourceProvisionerJobs.Type:    {ActionCreate, ActionRead, ActionUpdate},
	})

	// The ban overrides whatever the org or member level would grant:
	// negations at the organization level are final before the member
	// level is looked at.
	orgWorkspaceCreationBanOrgPerms = []Permission{
		{Negate: true, ResourceType: ResourceWorkspace.Type, Action: ActionCreate},
		{Negate: true, ResourceType: ResourceWorkspace.Type, Action: ActionDelete},
		{Negate: true, ResourceType: ResourceWorkspace.Type, Action: ActionCreateAgent},
		{Negate: true, ResourceType: ResourceWorkspace.Type, Action: ActionDeleteAgent},
	}
)

type orgRoleDef struct {
	display string
	site    []Permission
	org     []Permission
	member  []Permission
}

var orgRoleDefs = map[string]orgRoleDef{
	orgAdmin:                {display: "Organization Admin", site: readUsers, org: orgAdminOrgPerms},
	orgMember:               {display: "Organization Member", org: orgMemberOrgPerms, member: orgMemberMemberPerms},
	orgAuditor:              {display: "Organization Auditor", org: orgAuditorOrgPerms},
	orgUserAdmin:            {display: "Organization User Admin", site: readUsers, org: orgUserAdminOrgPerms},
	orgTemplateAdmin:        {display: "Organization Template Admin", org: orgTemplateAdminOrgPerms},
	orgWorkspaceCreationBan: {display: "Organization Workspace Creation Ban", org: orgWorkspaceCreationBanOrgPerms},
}

var siteRoles = map[string]*Role{
	owner:         &ownerRole,
	member:        &memberRole,
	auditor:       &auditorRole,
	templateAdmin: &templateAdminRole,
	userAdmin:     &userAdminRole,
}

var (
	siteRoleOrder = []string{owner, member, auditor, templateAdmin, userAdmin}
	orgRoleOrder  = []string{orgAdmin, orgMember, orgAuditor, orgUserAdmin, orgTemplateAdmin, orgWorkspaceCreationBan}
)

// IsBuiltinRole reports whether name is a built-in site or organization role.
// Custom roles may not take these names.
func IsBuiltinRole(name string) bool {
	_, site := siteRoles[name]
	_, org := orgRoleDefs[name]
	return site || org
}

func isOrgRoleName(name string) bool {
	_, ok := orgRoleDefs[name]
	return ok
}

// BuiltinRole expands a built-in role: site roles take no organization,
// organization roles need one. Unknown names are an error. The permission
// slices are shared between calls; do not modify them.
func BuiltinRole(id RoleIdentifier) (Role, error) {
	if r, ok := siteRoles[id.Name]; ok {
		if id.OrganizationID != uuid.Nil {
			return Role{}, xerrors.Errorf("role %q is a site role and takes no organization", id.Name)
		}
		return *r, nil
	}
	def, ok := orgRoleDefs[id.Name]
	if !ok {
		return Role{}, xerrors.Errorf("role %q is not a built-in role", id.String())
	}
	if id.OrganizationID == uuid.Nil {
		return Role{}, xerrors.Errorf("role %q is an organization role and needs an organization ID", id.Name)
	}
	return Role{
		Identifier:  id,
		DisplayName: def.display,
		Site:        def.site,
		ByOrgID:     map[uuid.UUID]OrgPermissions{id.OrganizationID: {Org: def.org, Member: def.member}},
	}, nil
}

// SiteBuiltinRoles lists the built-in site roles.
func SiteBuiltinRoles() []Role {
	out := make([]Role, 0, len(siteRoleOrder))
	for _, name := range siteRoleOrder {
		out = append(out, *siteRoles[name])
	}
	return out
}

// OrganizationBuiltinRoles lists the built-in roles of one organization.
func OrganizationBuiltinRoles(orgID uuid.UUID) []Role {
	out := make([]Role, 0, len(orgRoleOrder))
	for _, name := range orgRoleOrder {
		r, err := BuiltinRole(RoleIdentifier{Name: name, OrganizationID: orgID})
		if err == nil {
			out = append(out, r)
		}
	}
	return out
}

// assignable is upstream Coder's table of which roles a role may assign
// (and unassign). Organization roles only count inside their organization.
// user-admin and organization-user-admin appear upstream only with the
// implicit member roles, which nobody assigns here, so they assign nothing:
// they manage users and memberships, not privileges.
var assignable = map[string]map[string]bool{
	owner: {
		owner: true, auditor: true, templateAdmin: true, userAdmin: true,
		orgAdmin: true, orgAuditor: true, orgUserAdmin: true, orgTemplateAdmin: true,
		orgWorkspaceCreationBan: true, customSiteRole: true, customOrgRole: true,
	},
	orgAdmin: {
		orgAdmin: true, orgAuditor: true, orgUserAdmin: true, orgTemplateAdmin: true,
		orgWorkspaceCreationBan: true, customOrgRole: true,
	},
}

// CanAssignRole reports whether a subject holding actorRoles may assign (or
// unassign) target. Any name that is not built in is a custom role: custom
// site roles are assignable by owners, custom organization roles by owners
// and that organization's admins. member and organization-member are
// implicit (every user, every organization member has them) and are never
// assigned. A malformed target (a site role with an organization or the
// reverse) is never assignable.
func CanAssignRole(actorRoles []RoleIdentifier, target RoleIdentifier) bool {
	key := target.Name
	switch {
	case target.Name == "" || target.Name == member || target.Name == orgMember:
		return false
	case siteRoles[target.Name] != nil:
		if target.IsOrgRole() {
			return false
		}
	case isOrgRoleName(target.Name):
		if !target.IsOrgRole() {
			return false
		}
	case target.IsOrgRole():
		key = customOrgRole
	default:
		key = customSiteRole
	}
	for _, r := range actorRoles {
		if isOrgRoleName(r.Name) {
			if !r.IsOrgRole() || r.OrganizationID != target.OrganizationID {
				continue
			}
		} else if r.IsOrgRole() {
			continue // a site role name with an organization grants nothing
		}
		if assignable[r.Name][key] {
			return true
		}
	}
	return false
}
