package coderd

import (
	"context"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/rbac"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// slimSiteRoles names a user's stored site roles for the wire. The implicit
// "member" role is never listed, as clients expect.
func slimSiteRoles(names []string) []codersdk.SlimRole {
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

func convertReducedUser(u database.User) codersdk.ReducedUser {
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

func convertUser(u database.User, orgIDs []uuid.UUID) codersdk.User {
	if orgIDs == nil {
		orgIDs = []uuid.UUID{}
	}
	return codersdk.User{
		ReducedUser:     convertReducedUser(u),
		OrganizationIDs: orgIDs,
		Roles:           slimSiteRoles(u.RbacRoles),
	}
}

// convertUsers fetches every user's organizations in one query, not one per
// user.
func convertUsers(ctx context.Context, db database.Store, users []database.User) ([]codersdk.User, error) {
	ids := make([]uuid.UUID, 0, len(users))
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	rows, err := db.GetOrganizationIDsByMemberIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	orgs := make(map[uuid.UUID][]uuid.UUID, len(rows))
	for _, row := range rows {
		orgs[row.UserID] = row.OrganizationIds
	}
	out := make([]codersdk.User, 0, len(users))
	for _, u := range users {
		out = append(out, convertUser(u, orgs[u.ID]))
	}
	return out, nil
}

func convertAPIKey(k database.APIKey) codersdk.APIKey {
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
