package coderd_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// TestRoleAssignment covers who may assign which site roles.
func TestRoleAssignment(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)

	t.Run("OwnerAssignsEverySiteRole", func(t *testing.T) {
		t.Parallel()
		target := f.newTarget(t, "")
		all := []string{"auditor", "template-admin", "user-admin", "owner"}
		updated, err := f.owner().UpdateUserRoles(t.Context(), target.ID.String(), codersdk.UpdateRoles{Roles: all})
		require.NoError(t, err)
		names := func(roles []codersdk.SlimRole) []string {
			out := []string{}
			for _, r := range roles {
				out = append(out, r.Name)
			}
			return out
		}
		assert.ElementsMatch(t, all, names(updated.Roles))
		got, err := f.owner().GetUserRoles(t.Context(), target.ID.String())
		require.NoError(t, err)
		assert.ElementsMatch(t, all, got.Roles)
		assert.Equal(t, map[uuid.UUID][]string{f.orgID: {}}, got.OrganizationRoles)

		// And removes them again; "member" is implicit and never stored.
		updated, err = f.owner().UpdateUserRoles(t.Context(), target.ID.String(), codersdk.UpdateRoles{Roles: []string{"member"}})
		require.NoError(t, err)
		assert.Empty(t, updated.Roles)
		again, err := f.owner().User(t.Context(), target.ID.String())
		require.NoError(t, err)
		assert.Empty(t, again.Roles)
	})

	t.Run("RoleTakesEffectOnExistingSession", func(t *testing.T) {
		t.Parallel()
		password := strongPassword()
		target := f.newTarget(t, password)
		targetClient := loginAs(t, f.owner(), target.Email, password)
		_, err := targetClient.DeploymentConfig(t.Context())
		requireSDKError(t, err, http.StatusForbidden)
		_, err = f.owner().UpdateUserRoles(t.Context(), target.ID.String(), codersdk.UpdateRoles{Roles: []string{"auditor"}})
		require.NoError(t, err)
		_, err = targetClient.DeploymentConfig(t.Context())
		require.NoError(t, err)
	})

	t.Run("UserAdminAssignsNothing", func(t *testing.T) {
		t.Parallel()
		for _, role := range []string{"auditor", "template-admin", "user-admin", "owner"} {
			target := f.newTarget(t, "")
			_, err := f.clients[actorUserAdmin].UpdateUserRoles(t.Context(), target.ID.String(), codersdk.UpdateRoles{Roles: []string{role}})
			requireSDKError(t, err, http.StatusForbidden)
			got, err := f.owner().User(t.Context(), target.ID.String())
			require.NoError(t, err)
			assert.Empty(t, got.Roles, role)
		}
		// Nor remove one.
		_, err := f.clients[actorUserAdmin].UpdateUserRoles(t.Context(), f.users[actorAuditor].ID.String(), codersdk.UpdateRoles{Roles: []string{}})
		requireSDKError(t, err, http.StatusForbidden)
	})

	t.Run("NobodyChangesOwnRoles", func(t *testing.T) {
		t.Parallel()
		for _, actor := range identityActors {
			_, err := f.clients[actor].UpdateUserRoles(t.Context(), codersdk.Me, codersdk.UpdateRoles{Roles: []string{}})
			requireSDKError(t, err, http.StatusBadRequest)
		}
		u, err := f.owner().User(t.Context(), codersdk.Me)
		require.NoError(t, err)
		require.Len(t, u.Roles, 1)
		assert.Equal(t, "owner", u.Roles[0].Name)
	})

	t.Run("UnknownRole", func(t *testing.T) {
		t.Parallel()
		target := f.newTarget(t, "")
		for _, role := range []string{"superhero", "organization-admin", ""} {
			_, err := f.owner().UpdateUserRoles(t.Context(), target.ID.String(), codersdk.UpdateRoles{Roles: []string{"auditor", role}})
			requireValidation(t, err, http.StatusBadRequest, "roles")
		}
		got, err := f.owner().User(t.Context(), target.ID.String())
		require.NoError(t, err)
		assert.Empty(t, got.Roles)
	})
}

// TestAssignableSiteRoles: GET /users/roles lists the site roles, not the
// implicit member role, with assignable computed for the caller.
func TestAssignableSiteRoles(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	for _, actor := range identityActors {
		t.Run(actor, func(t *testing.T) {
			t.Parallel()
			res := coderdtest.RawRequest(t, f.clients[actor], http.MethodGet, "/api/v2/users/roles", nil)
			require.Equal(t, http.StatusOK, res.Status)
			var roles []codersdk.AssignableRoles
			require.NoError(t, json.Unmarshal(res.Body, &roles))
			assignable := map[string]bool{}
			for _, r := range roles {
				assignable[r.Name] = r.Assignable
				assert.True(t, r.BuiltIn, r.Name)
				assert.NotEmpty(t, r.DisplayName, r.Name)
				assert.Empty(t, r.OrganizationID, r.Name)
			}
			isOwner := actor == actorOwner
			assert.Equal(t, map[string]bool{
				"owner": isOwner, "auditor": isOwner, "template-admin": isOwner, "user-admin": isOwner,
			}, assignable)
		})
	}
}

// TestUserAdminCannotEscalate: a user admin manages plain users, but cannot
// take over, remove, lock out or demote anyone holding a role it could not
// assign itself.
func TestUserAdminCannotEscalate(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	ua := f.clients[actorUserAdmin]
	owner := f.users[actorOwner]

	err := ua.UpdateUserPassword(t.Context(), owner.ID.String(), codersdk.UpdateUserPasswordRequest{Password: "Hijacked-Owner-Passphrase-1"})
	requireSDKError(t, err, http.StatusForbidden)
	_, err = f.owner().LoginWithPassword(t.Context(), codersdk.LoginWithPasswordRequest{Email: owner.Email, Password: "Hijacked-Owner-Passphrase-1"})
	requireSDKError(t, err, http.StatusUnauthorized)

	err = ua.DeleteUser(t.Context(), owner.ID.String())
	requireSDKError(t, err, http.StatusForbidden)
	err = ua.DeleteUser(t.Context(), f.users[actorAuditor].ID.String())
	requireSDKError(t, err, http.StatusForbidden)

	_, err = ua.UpdateUserStatus(t.Context(), owner.ID.String(), codersdk.UserStatusSuspended)
	requireSDKError(t, err, http.StatusBadRequest)

	_, err = ua.UpdateUserRoles(t.Context(), owner.ID.String(), codersdk.UpdateRoles{Roles: []string{}})
	requireSDKError(t, err, http.StatusForbidden)

	// The owner is untouched and still works.
	me, err := f.owner().User(t.Context(), codersdk.Me)
	require.NoError(t, err)
	assert.Equal(t, codersdk.UserStatusActive, me.Status)
	require.Len(t, me.Roles, 1)

	// Not even an owner suspends another owner: remove the role first.
	other := f.newTarget(t, "")
	_, err = f.owner().UpdateUserRoles(t.Context(), other.ID.String(), codersdk.UpdateRoles{Roles: []string{"owner"}})
	require.NoError(t, err)
	_, err = f.owner().UpdateUserStatus(t.Context(), other.ID.String(), codersdk.UserStatusSuspended)
	apiErr := requireSDKError(t, err, http.StatusBadRequest)
	assert.Contains(t, apiErr.Message, "owner")
	// But the owner may delete another owner.
	require.NoError(t, f.owner().DeleteUser(t.Context(), other.ID.String()))
}
