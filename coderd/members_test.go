package coderd_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/rbac"
)

func orgMemberIDs(members []codersdk.OrganizationMemberWithUserData) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(members))
	for _, m := range members {
		out = append(out, m.UserID)
	}
	return out
}

func minimalUserIDs(users []codersdk.MinimalUser) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(users))
	for _, u := range users {
		out = append(out, u.ID)
	}
	return out
}

func slimRoleNames(roles []codersdk.SlimRole) []string {
	out := []string{}
	for _, r := range roles {
		out = append(out, r.Name)
	}
	return out
}

func TestListMembers(t *testing.T) {
	t.Parallel()
	f := newOrgsFixture(t)
	ctx := t.Context()
	everyoneInA := []uuid.UUID{f.ownerUser.ID, f.adminUser.ID, f.memberUser.ID}

	// Everyone in the organization sees all its members.
	for _, c := range []*codersdk.Client{f.owner, f.admin, f.member} {
		members, err := c.OrganizationMembers(ctx, f.orgA.ID)
		require.NoError(t, err)
		assert.ElementsMatch(t, everyoneInA, orgMemberIDs(members))
	}

	members, err := f.owner.OrganizationMembers(ctx, f.orgA.ID)
	require.NoError(t, err)
	for _, m := range members {
		assert.Equal(t, f.orgA.ID, m.OrganizationID)
		switch m.UserID {
		case f.adminUser.ID:
			assert.Equal(t, f.adminUser.Username, m.Username)
			assert.Equal(t, f.adminUser.Email, m.Email)
			assert.Equal(t, codersdk.UserStatusActive, m.Status)
			assert.Equal(t, codersdk.LoginTypePassword, m.LoginType)
			assert.Equal(t, []codersdk.SlimRole{{
				Name: rbac.RoleOrgAdmin(), DisplayName: "Organization Admin", OrganizationID: f.orgA.ID.String(),
			}}, m.Roles)
			assert.Empty(t, m.GlobalRoles)
		case f.ownerUser.ID:
			assert.Equal(t, []string{rbac.RoleOwner().Name}, slimRoleNames(m.GlobalRoles))
			assert.Empty(t, m.Roles, "organization-member is implicit and not listed")
		case f.memberUser.ID:
			assert.Empty(t, m.Roles)
			assert.NotNil(t, m.Roles)
		}
	}

	// Cross-organization isolation: other organizations' members are not
	// there, and their lists cannot be read.
	_, err = f.outsider.OrganizationMembers(ctx, f.orgA.ID)
	requireSDKError(t, err, http.StatusNotFound)
	_, err = f.admin.OrganizationMembers(ctx, f.orgB.ID)
	requireSDKError(t, err, http.StatusNotFound)
	_, err = f.admin.OrganizationMembersPaginated(ctx, codersdk.PaginatedMembersRequest{OrganizationID: f.orgB.ID})
	requireSDKError(t, err, http.StatusNotFound)

	members, err = f.owner.OrganizationMembers(ctx, f.orgB.ID)
	require.NoError(t, err)
	assert.ElementsMatch(t, []uuid.UUID{f.ownerUser.ID, f.outsiderUser.ID}, orgMemberIDs(members))
}

func TestPaginatedMembers(t *testing.T) {
	t.Parallel()
	f := newOrgsFixture(t)
	ctx := t.Context()

	all, err := f.member.OrganizationMembers(ctx, f.orgA.ID)
	require.NoError(t, err)
	require.Len(t, all, 3)

	page, err := f.member.OrganizationMembersPaginated(ctx, codersdk.PaginatedMembersRequest{OrganizationID: f.orgA.ID, Limit: 2})
	require.NoError(t, err)
	assert.Equal(t, 3, page.Count)
	require.Len(t, page.Members, 2)
	assert.Equal(t, orgMemberIDs(all[:2]), orgMemberIDs(page.Members), "pages follow the list's order")

	page, err = f.member.OrganizationMembersPaginated(ctx, codersdk.PaginatedMembersRequest{OrganizationID: f.orgA.ID, Limit: 2, Offset: 2})
	require.NoError(t, err)
	assert.Equal(t, 3, page.Count)
	assert.Equal(t, orgMemberIDs(all[2:]), orgMemberIDs(page.Members))

	// Past the end: no members, still the count.
	page, err = f.member.OrganizationMembersPaginated(ctx, codersdk.PaginatedMembersRequest{OrganizationID: f.orgA.ID, Offset: 10})
	require.NoError(t, err)
	assert.Equal(t, 3, page.Count)
	assert.NotNil(t, page.Members)
	assert.Empty(t, page.Members)

	res := coderdtest.RawRequest(t, f.member, http.MethodGet, fmt.Sprintf("/api/v2/organizations/%s/paginated-members?limit=-1", f.orgA.ID), nil)
	assert.Equal(t, http.StatusBadRequest, res.Status)
	assert.Contains(t, res.Fields(t), "limit")
}

func TestPostOrganizationMember(t *testing.T) {
	t.Parallel()
	f := newOrgsFixture(t)
	ctx := t.Context()

	// The owner adds the outsider to A.
	m, err := f.owner.PostOrganizationMember(ctx, f.orgA.ID, f.outsiderUser.Username)
	require.NoError(t, err)
	assert.Equal(t, f.outsiderUser.ID, m.UserID)
	assert.Equal(t, f.orgA.ID, m.OrganizationID)
	assert.NotNil(t, m.Roles)
	assert.Empty(t, m.Roles)
	// Twice is a conflict.
	_, err = f.owner.PostOrganizationMember(ctx, f.orgA.ID, f.outsiderUser.ID.String())
	requireSDKError(t, err, http.StatusConflict)
	// Now the new member sees A.
	org, err := f.outsider.Organization(ctx, f.orgA.ID)
	require.NoError(t, err)
	assert.Equal(t, f.orgA.ID, org.ID)

	// The organization admin adds a user of another organization.
	_, newcomer := coderdtest.CreateAnotherUser(t, f.owner, f.orgB.ID)
	_, err = f.admin.PostOrganizationMember(ctx, f.orgA.ID, newcomer.ID.String())
	require.NoError(t, err)
	members, err := f.admin.OrganizationMembers(ctx, f.orgA.ID)
	require.NoError(t, err)
	assert.Contains(t, orgMemberIDs(members), newcomer.ID)

	// A plain member may not add anyone: other users are invisible to it,
	// and adding itself again is not its to do.
	_, stranger := coderdtest.CreateAnotherUser(t, f.owner, f.orgB.ID)
	_, err = f.member.PostOrganizationMember(ctx, f.orgA.ID, stranger.ID.String())
	requireSDKError(t, err, http.StatusNotFound)
	_, err = f.member.PostOrganizationMember(ctx, f.orgA.ID, codersdk.Me)
	requireSDKError(t, err, http.StatusForbidden)
	// Nor may the admin of A add anyone to B, or the outsider to B.
	_, err = f.admin.PostOrganizationMember(ctx, f.orgB.ID, stranger.ID.String())
	requireSDKError(t, err, http.StatusNotFound)
	_, err = f.outsider.PostOrganizationMember(ctx, f.orgB.ID, codersdk.Me)
	requireSDKError(t, err, http.StatusForbidden)
	_, err = f.owner.PostOrganizationMember(ctx, f.orgA.ID, uuid.NewString())
	requireSDKError(t, err, http.StatusNotFound)
}

func TestDeleteOrganizationMember(t *testing.T) {
	t.Parallel()
	f := newOrgsFixture(t)
	ctx := t.Context()

	// Nobody removes itself.
	for _, c := range []*codersdk.Client{f.owner, f.admin, f.member} {
		err := c.DeleteOrganizationMember(ctx, f.orgA.ID, codersdk.Me)
		requireSDKError(t, err, http.StatusBadRequest)
	}
	// A plain member cannot remove others.
	err := f.member.DeleteOrganizationMember(ctx, f.orgA.ID, f.adminUser.ID.String())
	requireSDKError(t, err, http.StatusNotFound)
	auditorClient, _ := coderdtest.CreateAnotherUser(t, f.owner, f.orgA.ID, rbac.RoleAuditor().Name)
	err = auditorClient.DeleteOrganizationMember(ctx, f.orgA.ID, f.memberUser.ID.String())
	requireSDKError(t, err, http.StatusForbidden)
	// Cross-organization: not visible.
	err = f.admin.DeleteOrganizationMember(ctx, f.orgB.ID, f.outsiderUser.ID.String())
	requireSDKError(t, err, http.StatusNotFound)
	err = f.outsider.DeleteOrganizationMember(ctx, f.orgA.ID, f.memberUser.ID.String())
	requireSDKError(t, err, http.StatusNotFound)
	// Not a member there.
	err = f.owner.DeleteOrganizationMember(ctx, f.orgA.ID, f.outsiderUser.ID.String())
	requireSDKError(t, err, http.StatusNotFound)

	// The member is in a group of A; removing the member takes it out of
	// the group too.
	group, err := f.owner.CreateGroup(ctx, f.orgA.ID, codersdk.CreateGroupRequest{Name: uniqueName("team")})
	require.NoError(t, err)
	_, err = f.owner.PatchGroup(ctx, group.ID, codersdk.PatchGroupRequest{AddUsers: []string{f.memberUser.ID.String()}})
	require.NoError(t, err)

	require.NoError(t, f.admin.DeleteOrganizationMember(ctx, f.orgA.ID, f.memberUser.Username))
	members, err := f.owner.OrganizationMembers(ctx, f.orgA.ID)
	require.NoError(t, err)
	assert.NotContains(t, orgMemberIDs(members), f.memberUser.ID)
	_, err = f.member.Organization(ctx, f.orgA.ID)
	requireSDKError(t, err, http.StatusNotFound)
	group, err = f.owner.Group(ctx, group.ID)
	require.NoError(t, err)
	for _, u := range group.Members {
		assert.NotEqual(t, f.memberUser.ID, u.ID, "removed member left in a group of the organization")
	}
	// Adding the user back does not restore the group membership.
	_, err = f.owner.PostOrganizationMember(ctx, f.orgA.ID, f.memberUser.ID.String())
	require.NoError(t, err)
	group, err = f.owner.Group(ctx, group.ID)
	require.NoError(t, err)
	assert.Empty(t, group.Members)
}

func TestPutMemberRoles(t *testing.T) {
	t.Parallel()
	f := newOrgsFixture(t)
	ctx := t.Context()
	set := func(c *codersdk.Client, org uuid.UUID, user string, roles ...string) (codersdk.OrganizationMember, error) {
		return c.UpdateOrganizationMemberRoles(ctx, org, user, codersdk.UpdateRoles{Roles: roles})
	}

	t.Run("AdminAssignsOrgRoles", func(t *testing.T) {
		t.Parallel()
		_, target := coderdtest.CreateAnotherUser(t, f.owner, f.orgA.ID)
		m, err := set(f.admin, f.orgA.ID, target.ID.String(), rbac.RoleOrgAuditor(), rbac.RoleOrgTemplateAdmin())
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{rbac.RoleOrgAuditor(), rbac.RoleOrgTemplateAdmin()}, slimRoleNames(m.Roles))
		for _, r := range m.Roles {
			assert.Equal(t, f.orgA.ID.String(), r.OrganizationID)
			assert.NotEqual(t, r.Name, r.DisplayName, "built-in roles carry their display name")
		}
		// The implicit role is accepted and not stored; the scoped form
		// of this organization's roles is accepted.
		m, err = set(f.admin, f.orgA.ID, target.Username, rbac.RoleOrgMember(),
			rbac.ScopedRoleOrgAdmin(f.orgA.ID).String())
		require.NoError(t, err)
		assert.Equal(t, []string{rbac.RoleOrgAdmin()}, slimRoleNames(m.Roles))
		// An organization admin may demote another.
		m, err = set(f.admin, f.orgA.ID, target.Username)
		require.NoError(t, err)
		assert.Empty(t, m.Roles)

		members, err := f.member.OrganizationMembers(ctx, f.orgA.ID)
		require.NoError(t, err)
		for _, mm := range members {
			if mm.UserID == target.ID {
				assert.Empty(t, mm.Roles)
			}
		}
	})

	t.Run("InvalidRoles", func(t *testing.T) {
		t.Parallel()
		for _, roles := range [][]string{
			{rbac.RoleOwner().Name},                       // a site role
			{"no-such-role"},                              // unknown
			{rbac.ScopedRoleOrgAdmin(f.orgB.ID).String()}, // another organization's
			{"organization-admin:not-a-uuid"},
		} {
			_, err := set(f.owner, f.orgA.ID, f.memberUser.ID.String(), roles...)
			requireValidation(t, err, http.StatusBadRequest, "roles")
		}
	})

	t.Run("NoSelfChange", func(t *testing.T) {
		t.Parallel()
		for _, c := range []*codersdk.Client{f.owner, f.admin, f.member} {
			_, err := set(c, f.orgA.ID, codersdk.Me, rbac.RoleOrgAdmin())
			requireSDKError(t, err, http.StatusBadRequest)
		}
	})

	t.Run("Escalation", func(t *testing.T) {
		t.Parallel()
		// The organization admin cannot make anyone, itself included, an
		// owner: not here (not an organization role)...
		_, err := set(f.admin, f.orgA.ID, f.memberUser.ID.String(), rbac.RoleOwner().Name)
		requireValidation(t, err, http.StatusBadRequest, "roles")
		// ...nor through the site roles.
		_, err = f.admin.UpdateUserRoles(ctx, f.memberUser.ID.String(), codersdk.UpdateRoles{Roles: []string{rbac.RoleOwner().Name}})
		requireSDKError(t, err, http.StatusForbidden)
		_, err = f.admin.UpdateUserRoles(ctx, codersdk.Me, codersdk.UpdateRoles{Roles: []string{rbac.RoleOwner().Name}})
		require.Error(t, err)
		me, err := f.admin.User(ctx, codersdk.Me)
		require.NoError(t, err)
		assert.Empty(t, me.Roles)

		// A plain member assigns nothing: other users are invisible to it.
		_, err = set(f.member, f.orgA.ID, f.adminUser.ID.String())
		requireSDKError(t, err, http.StatusNotFound)
		// Those who can see users but hold no assigning role are refused.
		for _, site := range []string{rbac.RoleAuditor().Name, rbac.RoleUserAdmin().Name} {
			c, _ := coderdtest.CreateAnotherUser(t, f.owner, f.orgA.ID, site)
			_, err = set(c, f.orgA.ID, f.memberUser.ID.String(), rbac.RoleOrgAdmin())
			requireSDKError(t, err, http.StatusForbidden)
		}
		// An organization admin of A has no say in B.
		_, err = set(f.admin, f.orgB.ID, f.outsiderUser.ID.String(), rbac.RoleOrgAdmin())
		requireSDKError(t, err, http.StatusNotFound)

		members, err := f.owner.OrganizationMembers(ctx, f.orgA.ID)
		require.NoError(t, err)
		for _, m := range members {
			if m.UserID == f.memberUser.ID {
				assert.Empty(t, m.Roles)
			}
		}
	})

	t.Run("NotAMember", func(t *testing.T) {
		t.Parallel()
		_, err := set(f.owner, f.orgA.ID, f.outsiderUser.ID.String(), rbac.RoleOrgAuditor())
		requireSDKError(t, err, http.StatusNotFound)
	})

	t.Run("RoleTakesEffect", func(t *testing.T) {
		t.Parallel()
		c, u := coderdtest.CreateAnotherUser(t, f.owner, f.orgA.ID)
		// A plain member cannot add members...
		_, stranger := coderdtest.CreateAnotherUser(t, f.owner, f.orgB.ID)
		_, err := c.PostOrganizationMember(ctx, f.orgA.ID, stranger.ID.String())
		requireSDKError(t, err, http.StatusNotFound)
		// ...an organization admin can.
		_, err = set(f.owner, f.orgA.ID, u.ID.String(), rbac.RoleOrgAdmin())
		require.NoError(t, err)
		_, err = c.PostOrganizationMember(ctx, f.orgA.ID, stranger.ID.String())
		require.NoError(t, err)
	})
}

// TestWorkspaceAvailableUsers is the seed 002 behaviour: who may a caller
// create workspaces for, without needing to read users.
func TestWorkspaceAvailableUsers(t *testing.T) {
	t.Parallel()
	f := newOrgsFixture(t)
	ctx := t.Context()
	everyoneInA := []uuid.UUID{f.ownerUser.ID, f.adminUser.ID, f.memberUser.ID}
	list := func(c *codersdk.Client, org uuid.UUID, q string, page codersdk.Pagination) ([]codersdk.MinimalUser, error) {
		return c.WorkspaceAvailableUsers(ctx, org, codersdk.Me, q, page)
	}

	// A plain member may create workspaces only for itself.
	users, err := list(f.member, f.orgA.ID, "", codersdk.Pagination{})
	require.NoError(t, err)
	require.Len(t, users, 1)
	assert.Equal(t, codersdk.MinimalUser{ID: f.memberUser.ID, Username: f.memberUser.Username}, users[0])
	users, err = list(f.member, f.orgA.ID, f.adminUser.Username, codersdk.Pagination{})
	require.NoError(t, err)
	assert.Empty(t, users, "searching does not widen what a member sees")

	// Outside the organization: not found.
	_, err = list(f.outsider, f.orgA.ID, "", codersdk.Pagination{})
	requireSDKError(t, err, http.StatusNotFound)
	_, err = list(f.admin, f.orgB.ID, "", codersdk.Pagination{})
	requireSDKError(t, err, http.StatusNotFound)

	// An organization admin and the owner see every member.
	for _, c := range []*codersdk.Client{f.admin, f.owner} {
		users, err = list(c, f.orgA.ID, "", codersdk.Pagination{})
		require.NoError(t, err)
		assert.ElementsMatch(t, everyoneInA, minimalUserIDs(users))
	}
	// Search, limit and offset.
	users, err = list(f.admin, f.orgA.ID, f.memberUser.Username, codersdk.Pagination{})
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{f.memberUser.ID}, minimalUserIDs(users))
	users, err = list(f.admin, f.orgA.ID, "OWNER@example", codersdk.Pagination{})
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{f.ownerUser.ID}, minimalUserIDs(users), "matches email, case-insensitively")
	first, err := list(f.admin, f.orgA.ID, "", codersdk.Pagination{Limit: 2})
	require.NoError(t, err)
	require.Len(t, first, 2)
	rest, err := list(f.admin, f.orgA.ID, "", codersdk.Pagination{Limit: 2, Offset: 2})
	require.NoError(t, err)
	require.Len(t, rest, 1)
	assert.ElementsMatch(t, everyoneInA, append(minimalUserIDs(first), minimalUserIDs(rest)...))
	res := coderdtest.RawRequest(t, f.admin, http.MethodGet,
		fmt.Sprintf("/api/v2/organizations/%s/members/me/workspaces/available-users?offset=x", f.orgA.ID), nil)
	assert.Equal(t, http.StatusBadRequest, res.Status)

	// Suspended members are not candidates.
	_, err = f.owner.UpdateUserStatus(ctx, f.memberUser.ID.String(), codersdk.UserStatusSuspended)
	require.NoError(t, err)
	users, err = list(f.admin, f.orgA.ID, "", codersdk.Pagination{})
	require.NoError(t, err)
	assert.ElementsMatch(t, []uuid.UUID{f.ownerUser.ID, f.adminUser.ID}, minimalUserIDs(users))

	// A member that may not create even its own workspaces is refused.
	banned, bannedUser := coderdtest.CreateAnotherUser(t, f.owner, f.orgA.ID)
	_, err = f.owner.UpdateOrganizationMemberRoles(ctx, f.orgA.ID, bannedUser.ID.String(),
		codersdk.UpdateRoles{Roles: []string{rbac.RoleOrgWorkspaceCreationBan()}})
	require.NoError(t, err)
	_, err = list(banned, f.orgA.ID, "", codersdk.Pagination{})
	requireSDKError(t, err, http.StatusForbidden)
}

// TestWorkspaceAvailableUsersCustomRole is seed 002's motivating case: a
// custom role that may create workspaces for other owners lists the
// organization's users without being granted user:read.
func TestWorkspaceAvailableUsersCustomRole(t *testing.T) {
	t.Parallel()
	f := newOrgsFixture(t)
	ctx := t.Context()

	_, err := f.owner.CreateOrganizationRole(ctx, codersdk.Role{
		Name: "workspace-creator", OrganizationID: f.orgA.ID.String(),
		OrganizationPermissions: []codersdk.Permission{
			{ResourceType: codersdk.ResourceWorkspace, Action: codersdk.ActionCreate},
		},
	})
	require.NoError(t, err)
	creator, creatorUser := coderdtest.CreateAnotherUser(t, f.owner, f.orgA.ID)

	// Before the role: only itself.
	users, err := creator.WorkspaceAvailableUsers(ctx, f.orgA.ID, codersdk.Me, "", codersdk.Pagination{})
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{creatorUser.ID}, minimalUserIDs(users))

	_, err = f.owner.UpdateOrganizationMemberRoles(ctx, f.orgA.ID, creatorUser.ID.String(),
		codersdk.UpdateRoles{Roles: []string{"workspace-creator"}})
	require.NoError(t, err)

	// On the next request: every member of the organization.
	users, err = creator.WorkspaceAvailableUsers(ctx, f.orgA.ID, codersdk.Me, "", codersdk.Pagination{})
	require.NoError(t, err)
	assert.ElementsMatch(t,
		[]uuid.UUID{f.ownerUser.ID, f.adminUser.ID, f.memberUser.ID, creatorUser.ID},
		minimalUserIDs(users))

	// ...and still no user:read: other users stay invisible elsewhere.
	_, err = creator.User(ctx, f.memberUser.ID.String())
	requireSDKError(t, err, http.StatusNotFound)
	list, err := creator.Users(ctx, codersdk.UsersRequest{})
	require.NoError(t, err)
	assert.Equal(t, 1, list.Count)

	// Nor does the role reach another organization.
	_, err = creator.WorkspaceAvailableUsers(ctx, f.orgB.ID, codersdk.Me, "", codersdk.Pagination{})
	requireSDKError(t, err, http.StatusNotFound)
}
