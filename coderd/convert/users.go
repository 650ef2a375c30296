package convert

import (
	"github.com/google/uuid"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/rbac"
)

// SlimSiteRoles names a user's stored site roles for the wire. The implicit
// "member" role is never listed, as clients expect.
func SlimSiteRoles(names []string) []codersdk.SlimRole {
	out := make([]codersdk.SlimRole, 0, len(names))
	for _, name := range names {
		display := name
		if role, err := rbac.BuiltinRole(rbac.RoleIdentifier{Name: name}); err == nil && role.DisplayName != "" {
			display = role.DisplayName
		}
		out = append(out, codersdk.SlimRole{Name: name, DisplayName: display})
	}
	return out
}

// ReducedUser converts a user without its organizations and roles.
func ReducedUser(u database.User) codersdk.ReducedUser {
	return codersdk.ReducedUser{
		MinimalUser: codersdk.MinimalUser{
			ID:        u.ID,
			Username:  u.Username,
			Name:      u.Name,
			AvatarURL: u.AvatarUrl,
		},
		Email:           u.Email,
		CreatedAt:       u.CreatedAt,
		UpdatedAt:       u.UpdatedAt,
		LastSeenAt:      u.LastSeenAt,
		Status:          codersdk.UserStatus(u.Status),
		LoginType:       codersdk.LoginType(u.LoginType),
		ThemePreference: u.ThemePreference,
	}
}

// User converts a user with the organizations it is a member of.
func User(u database.User, orgIDs []uuid.UUID) codersdk.User {
	if orgIDs == nil {
		orgIDs = []uuid.UUID{}
	}
	return codersdk.User{
		ReducedUser:     ReducedUser(u),
		OrganizationIDs: orgIDs,
		Roles:           SlimSiteRoles(u.RbacRoles),
	}
}

// APIKey converts an API key (never its secret).
func APIKey(k database.APIKey) codersdk.APIKey {
	scope := codersdk.APIKeyScope(k.Scope)
	return codersdk.APIKey{
		ID:              k.ID,
		UserID:          k.UserID,
		LastUsed:        k.LastUsed,
		ExpiresAt:       k.ExpiresAt,
		CreatedAt:       k.CreatedAt,
		UpdatedAt:       k.UpdatedAt,
		LoginType:       codersdk.LoginType(k.LoginType),
		Scope:           scope,
		Scopes:          []codersdk.APIKeyScope{scope},
		TokenName:       k.TokenName,
		LifetimeSeconds: k.LifetimeSeconds,
		AllowList:       []codersdk.APIAllowListTarget{},
	}
}

// GitSSHKey converts a user's git SSH key (never its private half).
func GitSSHKey(k database.GitSSHKey) codersdk.GitSSHKey {
	return codersdk.GitSSHKey{UserID: k.UserID, CreatedAt: k.CreatedAt, UpdatedAt: k.UpdatedAt, PublicKey: k.PublicKey}
}

// Appearance converts a user's appearance settings.
func Appearance(u database.User) codersdk.UserAppearanceSettings {
	return codersdk.UserAppearanceSettings{
		ThemePreference: u.ThemePreference,
		TerminalFont:    codersdk.TerminalFontName(u.TerminalFont),
		ThemeMode:       codersdk.ThemeMode(u.ThemeMode),
		ThemeLight:      u.ThemeLight,
		ThemeDark:       u.ThemeDark,
	}
}

// Permissions converts rbac permissions.
func Permissions(perms []rbac.Permission) []codersdk.Permission {
	out := make([]codersdk.Permission, 0, len(perms))
	for _, p := range perms {
		out = append(out, codersdk.Permission{
			Negate: p.Negate, ResourceType: codersdk.RBACResource(p.ResourceType), Action: codersdk.RBACAction(p.Action),
		})
	}
	return out
}

// Role converts an rbac role; an organization role carries its
// organization's permissions.
func Role(role rbac.Role) codersdk.Role {
	r := codersdk.Role{
		Name:                          role.Identifier.Name,
		DisplayName:                   role.DisplayName,
		SitePermissions:               Permissions(role.Site),
		UserPermissions:               Permissions(role.User),
		OrganizationPermissions:       []codersdk.Permission{},
		OrganizationMemberPermissions: []codersdk.Permission{},
	}
	if role.Identifier.OrganizationID != uuid.Nil {
		r.OrganizationID = role.Identifier.OrganizationID.String()
		perms := role.ByOrgID[role.Identifier.OrganizationID]
		r.OrganizationPermissions = Permissions(perms.Org)
		r.OrganizationMemberPermissions = Permissions(perms.Member)
	}
	return r
}

// CustomRole converts a stored custom organization role. Its permissions
// are JSON the server wrote; a row that does not decode is an error.
func CustomRole(row database.CustomRole) (codersdk.Role, error) {
	role, err := dbauthz.CustomRole(row)
	if err != nil {
		return codersdk.Role{}, err
	}
	return Role(role), nil
}

// Organization converts an organization.
func Organization(o database.Organization) codersdk.Organization {
	return codersdk.Organization{
		MinimalOrganization: codersdk.MinimalOrganization{
			ID: o.ID, Name: o.Name, DisplayName: o.DisplayName, Icon: o.Icon,
		},
		Description: o.Description,
		CreatedAt:   o.CreatedAt,
		UpdatedAt:   o.UpdatedAt,
		IsDefault:   o.IsDefault,
		// Default member roles are not supported: every member has only
		// organization-member implicitly.
		DefaultOrgMemberRoles: []string{},
	}
}

// Organizations converts organizations.
func Organizations(orgs []database.Organization) []codersdk.Organization {
	out := make([]codersdk.Organization, 0, len(orgs))
	for _, o := range orgs {
		out = append(out, Organization(o))
	}
	return out
}

// OrgRoleNames holds the display names of an organization's roles, built-in
// and custom, keyed by role name.
type OrgRoleNames map[string]string

// SlimOrgRoles names a member's stored organization roles for the wire. The
// implicit organization-member role is never listed, as upstream.
func (n OrgRoleNames) SlimOrgRoles(orgID uuid.UUID, names []string) []codersdk.SlimRole {
	out := make([]codersdk.SlimRole, 0, len(names))
	for _, name := range names {
		display := n[name]
		if display == "" {
			display = name
		}
		out = append(out, codersdk.SlimRole{Name: name, DisplayName: display, OrganizationID: orgID.String()})
	}
	return out
}

// Member converts a membership, naming its roles.
func (n OrgRoleNames) Member(m database.OrganizationMember) codersdk.OrganizationMember {
	return codersdk.OrganizationMember{
		UserID:         m.UserID,
		OrganizationID: m.OrganizationID,
		CreatedAt:      m.CreatedAt,
		UpdatedAt:      m.UpdatedAt,
		Roles:          n.SlimOrgRoles(m.OrganizationID, m.Roles),
	}
}

// Group converts a group with the members the caller may see (nil when it
// may see none), how many members it has, and its organization (zero when
// the caller may not read it).
func Group(g database.Group, org database.Organization, members []database.User, total int64) codersdk.Group {
	reduced := make([]codersdk.ReducedUser, 0, len(members))
	for _, u := range members {
		reduced = append(reduced, ReducedUser(u))
	}
	return codersdk.Group{
		ID:                      g.ID,
		Name:                    g.Name,
		DisplayName:             g.DisplayName,
		OrganizationID:          g.OrganizationID,
		Members:                 reduced,
		TotalMemberCount:        int(total),
		AvatarURL:               g.AvatarUrl,
		QuotaAllowance:          int(g.QuotaAllowance),
		Source:                  codersdk.GroupSource(g.Source),
		OrganizationName:        org.Name,
		OrganizationDisplayName: org.DisplayName,
	}
}
