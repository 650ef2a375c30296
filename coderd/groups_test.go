package coderd_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/codersdk"
)

func rgMemberIDs(g codersdk.Group) []uuid.UUID {
	ids := make([]uuid.UUID, 0, len(g.Members))
	for _, m := range g.Members {
		ids = append(ids, m.ID)
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	return ids
}

func rgSortedIDs(ids ...uuid.UUID) []uuid.UUID {
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	return ids
}

func rgGroupNames(groups []codersdk.Group) []string {
	names := make([]string, 0, len(groups))
	for _, g := range groups {
		names = append(names, g.Name)
	}
	return names
}

func TestEveryoneGroup(t *testing.T) {
	t.Parallel()
	f := newRGFixture(t)
	ctx := t.Context()

	groups, err := f.owner.GroupsByOrganization(ctx, f.orgID)
	require.NoError(t, err)
	require.Equal(t, []string{codersdk.EveryoneGroup}, rgGroupNames(groups))
	everyone := groups[0]
	assert.Equal(t, f.orgID, everyone.ID, "its ID is the organization's")
	assert.True(t, everyone.IsEveryone())
	assert.Equal(t, f.orgID, everyone.OrganizationID)
	assert.Equal(t, "coder", everyone.OrganizationName)
	assert.NotEmpty(t, everyone.OrganizationDisplayName)
	assert.Equal(t, codersdk.GroupSourceUser, everyone.Source)
	assert.Equal(t, rgSortedIDs(f.ownerUser.ID, f.orgAdminUser.ID, f.memberUser.ID), rgMemberIDs(everyone),
		"every organization member, and only them")
	assert.Equal(t, 3, everyone.TotalMemberCount)

	byName, err := f.member.GroupByOrgAndName(ctx, f.orgID, "everyone")
	require.NoError(t, err, "names match case-insensitively")
	assert.Equal(t, everyone.ID, byName.ID)

	// The other organization has its own.
	other, err := f.outsider.Group(ctx, f.otherOrgID)
	require.NoError(t, err)
	assert.Equal(t, codersdk.EveryoneGroup, other.Name)
	assert.Equal(t, rgSortedIDs(f.ownerUser.ID, f.outsiderUser.ID), rgMemberIDs(other))

	// It is protected.
	err = f.owner.DeleteGroup(ctx, f.orgID)
	rgRequireStatus(t, err, http.StatusBadRequest)
	_, err = f.owner.PatchGroup(ctx, f.orgID, codersdk.PatchGroupRequest{Name: "all-hands"})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusBadRequest), "name")
	_, err = f.owner.PatchGroup(ctx, f.orgID, codersdk.PatchGroupRequest{AddUsers: []string{f.memberUser.ID.String()}})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusBadRequest), "add_users")
	_, err = f.owner.PatchGroup(ctx, f.orgID, codersdk.PatchGroupRequest{RemoveUsers: []string{f.memberUser.ID.String()}})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusBadRequest), "remove_users")
	_, err = f.owner.CreateGroup(ctx, f.otherOrgID, codersdk.CreateGroupRequest{Name: "EVERYONE"})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusBadRequest), "name")

	// Its display name, avatar and quota can change; naming it by its own
	// name is not a rename.
	display := "All of us"
	quota := 5
	patched, err := f.orgAdmin.PatchGroup(ctx, f.orgID, codersdk.PatchGroupRequest{
		Name: codersdk.EveryoneGroup, DisplayName: &display, QuotaAllowance: &quota,
	})
	require.NoError(t, err)
	assert.Equal(t, display, patched.DisplayName)
	assert.Equal(t, 5, patched.QuotaAllowance)
	assert.Equal(t, codersdk.EveryoneGroup, patched.Name)
}

func TestCreateGroup(t *testing.T) {
	t.Parallel()
	f := newRGFixture(t)
	ctx := t.Context()

	g, err := f.owner.CreateGroup(ctx, f.orgID, codersdk.CreateGroupRequest{
		Name: "platform", DisplayName: "Platform Team", AvatarURL: "https://example.com/p.png", QuotaAllowance: 3,
	})
	require.NoError(t, err)
	assert.NotEqual(t, uuid.Nil, g.ID)
	assert.Equal(t, "platform", g.Name)
	assert.Equal(t, "Platform Team", g.DisplayName)
	assert.Equal(t, "https://example.com/p.png", g.AvatarURL)
	assert.Equal(t, 3, g.QuotaAllowance)
	assert.Equal(t, f.orgID, g.OrganizationID)
	assert.Equal(t, "coder", g.OrganizationName)
	assert.Equal(t, codersdk.GroupSourceUser, g.Source)
	assert.NotNil(t, g.Members)
	assert.Empty(t, g.Members)
	assert.Zero(t, g.TotalMemberCount)

	_, err = f.orgAdmin.CreateGroup(ctx, f.orgID, codersdk.CreateGroupRequest{Name: "PLATFORM"})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusConflict), "name")

	_, err = f.orgAdmin.CreateGroup(ctx, f.orgID, codersdk.CreateGroupRequest{Name: "by-org-admin"})
	require.NoError(t, err)

	_, err = f.owner.CreateGroup(ctx, f.otherOrgID, codersdk.CreateGroupRequest{Name: "platform"})
	require.NoError(t, err, "names are unique per organization")

	for _, tc := range []struct {
		req   codersdk.CreateGroupRequest
		field string
	}{
		{codersdk.CreateGroupRequest{}, "name"},
		{codersdk.CreateGroupRequest{Name: "has space"}, "name"},
		{codersdk.CreateGroupRequest{Name: strings.Repeat("a", 37)}, "name"},
		{codersdk.CreateGroupRequest{Name: codersdk.EveryoneGroup}, "name"},
		{codersdk.CreateGroupRequest{Name: "ok", QuotaAllowance: -1}, "quota_allowance"},
		{codersdk.CreateGroupRequest{Name: "ok", DisplayName: strings.Repeat("d", 200)}, "display_name"},
	} {
		_, err := f.owner.CreateGroup(ctx, f.orgID, tc.req)
		rgRequireField(t, rgRequireStatus(t, err, http.StatusBadRequest), tc.field)
	}

	_, err = f.member.CreateGroup(ctx, f.orgID, codersdk.CreateGroupRequest{Name: "by-member"})
	rgRequireStatus(t, err, http.StatusForbidden)
	_, err = f.outsider.CreateGroup(ctx, f.orgID, codersdk.CreateGroupRequest{Name: "by-outsider"})
	rgRequireStatus(t, err, http.StatusNotFound)

	groups, err := f.owner.GroupsByOrganization(ctx, f.orgID)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{codersdk.EveryoneGroup, "platform", "by-org-admin"}, rgGroupNames(groups))
}

func TestReadGroups(t *testing.T) {
	t.Parallel()
	f := newRGFixture(t)
	ctx := t.Context()
	g, err := f.owner.CreateGroup(ctx, f.orgID, codersdk.CreateGroupRequest{Name: "readers"})
	require.NoError(t, err)
	_, err = f.owner.PatchGroup(ctx, g.ID, codersdk.PatchGroupRequest{AddUsers: []string{f.orgAdminUser.ID.String()}})
	require.NoError(t, err)

	for _, tc := range []struct {
		name        string
		client      *codersdk.Client
		visible     bool
		seesMembers bool
	}{
		{"owner", f.owner, true, true},
		{"org-admin", f.orgAdmin, true, true},
		{"member", f.member, true, false},
		{"outsider", f.outsider, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.client.Group(ctx, g.ID)
			byName, nameErr := tc.client.GroupByOrgAndName(ctx, f.orgID, "READERS")
			list, listErr := tc.client.GroupsByOrganization(ctx, f.orgID)
			if !tc.visible {
				rgRequireStatus(t, err, http.StatusNotFound)
				rgRequireStatus(t, nameErr, http.StatusNotFound)
				rgRequireStatus(t, listErr, http.StatusNotFound)
				return
			}
			require.NoError(t, err)
			require.NoError(t, nameErr)
			require.NoError(t, listErr)
			assert.Equal(t, got, byName)
			assert.ElementsMatch(t, []string{codersdk.EveryoneGroup, "readers"}, rgGroupNames(list))
			if tc.seesMembers {
				assert.Equal(t, []uuid.UUID{f.orgAdminUser.ID}, rgMemberIDs(got))
				assert.Equal(t, 1, got.TotalMemberCount)
				assert.Equal(t, f.orgAdminUser.Username, got.Members[0].Username)
			} else {
				assert.Empty(t, got.Members, "who is in a group is not for every member to read")
				assert.Equal(t, 1, got.TotalMemberCount, "how many are in it is")
			}
		})
	}

	_, err = f.owner.GroupByOrgAndName(ctx, f.orgID, "nobody")
	rgRequireStatus(t, err, http.StatusNotFound)
	_, err = f.owner.Group(ctx, uuid.New())
	rgRequireStatus(t, err, http.StatusNotFound)
	res, err := f.owner.Request(ctx, http.MethodGet, "/api/v2/groups/not-a-uuid", nil)
	require.NoError(t, err)
	rgRequireStatus(t, codersdk.ReadBodyAsError(res), http.StatusBadRequest)
}

func TestPatchGroup(t *testing.T) {
	t.Parallel()
	f := newRGFixture(t)
	ctx := t.Context()
	g, err := f.owner.CreateGroup(ctx, f.orgID, codersdk.CreateGroupRequest{Name: "team", QuotaAllowance: 1})
	require.NoError(t, err)
	_, err = f.owner.CreateGroup(ctx, f.orgID, codersdk.CreateGroupRequest{Name: "taken"})
	require.NoError(t, err)

	display, avatar, quota := "The Team", "https://example.com/t.png", 7
	patched, err := f.orgAdmin.PatchGroup(ctx, g.ID, codersdk.PatchGroupRequest{
		Name: "squad", DisplayName: &display, AvatarURL: &avatar, QuotaAllowance: &quota,
		AddUsers: []string{f.memberUser.ID.String(), f.ownerUser.ID.String(), f.memberUser.ID.String()},
	})
	require.NoError(t, err)
	assert.Equal(t, "squad", patched.Name)
	assert.Equal(t, display, patched.DisplayName)
	assert.Equal(t, avatar, patched.AvatarURL)
	assert.Equal(t, 7, patched.QuotaAllowance)
	assert.Equal(t, rgSortedIDs(f.memberUser.ID, f.ownerUser.ID), rgMemberIDs(patched))
	assert.Equal(t, 2, patched.TotalMemberCount)

	// Fields left out keep their value.
	patched, err = f.owner.PatchGroup(ctx, g.ID, codersdk.PatchGroupRequest{RemoveUsers: []string{f.ownerUser.ID.String()}})
	require.NoError(t, err)
	assert.Equal(t, "squad", patched.Name)
	assert.Equal(t, display, patched.DisplayName)
	assert.Equal(t, 7, patched.QuotaAllowance)
	assert.Equal(t, []uuid.UUID{f.memberUser.ID}, rgMemberIDs(patched))

	// One transaction: a bad member refuses the whole patch.
	_, err = f.owner.PatchGroup(ctx, g.ID, codersdk.PatchGroupRequest{
		Name: "renamed", AddUsers: []string{f.orgAdminUser.ID.String(), f.outsiderUser.ID.String()},
	})
	apiErr := rgRequireStatus(t, err, http.StatusBadRequest)
	rgRequireField(t, apiErr, "add_users[1]")
	assert.Contains(t, apiErr.Validations[0].Detail, f.outsiderUser.ID.String())
	got, err := f.owner.Group(ctx, g.ID)
	require.NoError(t, err)
	assert.Equal(t, "squad", got.Name)
	assert.Equal(t, []uuid.UUID{f.memberUser.ID}, rgMemberIDs(got))

	_, err = f.owner.PatchGroup(ctx, g.ID, codersdk.PatchGroupRequest{AddUsers: []string{uuid.NewString()}})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusBadRequest), "add_users[0]")
	_, err = f.owner.PatchGroup(ctx, g.ID, codersdk.PatchGroupRequest{RemoveUsers: []string{"bob"}})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusBadRequest), "remove_users[0]")
	_, err = f.owner.PatchGroup(ctx, g.ID, codersdk.PatchGroupRequest{Name: "Taken"})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusConflict), "name")
	_, err = f.owner.PatchGroup(ctx, g.ID, codersdk.PatchGroupRequest{Name: "everyone"})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusBadRequest), "name")
	negative := -1
	_, err = f.owner.PatchGroup(ctx, g.ID, codersdk.PatchGroupRequest{QuotaAllowance: &negative})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusBadRequest), "quota_allowance")

	_, err = f.member.PatchGroup(ctx, g.ID, codersdk.PatchGroupRequest{AddUsers: []string{f.orgAdminUser.ID.String()}})
	rgRequireStatus(t, err, http.StatusForbidden)
	_, err = f.outsider.PatchGroup(ctx, g.ID, codersdk.PatchGroupRequest{Name: "mine"})
	rgRequireStatus(t, err, http.StatusNotFound)

	got, err = f.owner.Group(ctx, g.ID)
	require.NoError(t, err)
	assert.Equal(t, "squad", got.Name, "refused patches changed nothing")
	assert.Equal(t, []uuid.UUID{f.memberUser.ID}, rgMemberIDs(got))
}

func TestDeleteGroup(t *testing.T) {
	t.Parallel()
	f := newRGFixture(t)
	ctx := t.Context()
	g, err := f.owner.CreateGroup(ctx, f.orgID, codersdk.CreateGroupRequest{Name: "short-lived"})
	require.NoError(t, err)

	rgRequireStatus(t, f.member.DeleteGroup(ctx, g.ID), http.StatusForbidden)
	rgRequireStatus(t, f.outsider.DeleteGroup(ctx, g.ID), http.StatusNotFound)
	require.NoError(t, f.orgAdmin.DeleteGroup(ctx, g.ID))
	_, err = f.owner.Group(ctx, g.ID)
	rgRequireStatus(t, err, http.StatusNotFound)
	rgRequireStatus(t, f.owner.DeleteGroup(ctx, g.ID), http.StatusNotFound)
}

func TestGroupsQuery(t *testing.T) {
	t.Parallel()
	f := newRGFixture(t)
	ctx := t.Context()
	a, err := f.owner.CreateGroup(ctx, f.orgID, codersdk.CreateGroupRequest{Name: "alpha"})
	require.NoError(t, err)
	_, err = f.owner.CreateGroup(ctx, f.orgID, codersdk.CreateGroupRequest{Name: "beta"})
	require.NoError(t, err)
	_, err = f.owner.CreateGroup(ctx, f.otherOrgID, codersdk.CreateGroupRequest{Name: "gamma"})
	require.NoError(t, err)
	_, err = f.owner.PatchGroup(ctx, a.ID, codersdk.PatchGroupRequest{AddUsers: []string{f.memberUser.ID.String()}})
	require.NoError(t, err)

	list := func(c *codersdk.Client, args codersdk.GroupArguments) []string {
		t.Helper()
		groups, err := c.Groups(ctx, args)
		require.NoError(t, err)
		return rgGroupNames(groups)
	}
	assert.ElementsMatch(t, []string{"Everyone", "alpha", "beta", "Everyone", "gamma"}, list(f.owner, codersdk.GroupArguments{}))
	assert.ElementsMatch(t, []string{"Everyone", "alpha", "beta"}, list(f.owner, codersdk.GroupArguments{Organization: f.orgID.String()}))
	assert.ElementsMatch(t, []string{"Everyone", "gamma"}, list(f.owner, codersdk.GroupArguments{Organization: "other-org"}))
	assert.ElementsMatch(t, []string{"Everyone", "alpha"}, list(f.owner, codersdk.GroupArguments{HasMember: f.memberUser.Username}))
	assert.ElementsMatch(t, []string{"Everyone", "alpha"}, list(f.owner, codersdk.GroupArguments{HasMember: f.memberUser.ID.String()}))
	assert.ElementsMatch(t, []string{"Everyone", "alpha"}, list(f.member, codersdk.GroupArguments{HasMember: codersdk.Me}))
	assert.Empty(t, list(f.owner, codersdk.GroupArguments{HasMember: f.memberUser.Username, Organization: "other-org"}))

	// Each caller sees only the organizations it belongs to.
	assert.ElementsMatch(t, []string{"Everyone", "alpha", "beta"}, list(f.member, codersdk.GroupArguments{}))
	assert.ElementsMatch(t, []string{"Everyone", "alpha", "beta"}, list(f.orgAdmin, codersdk.GroupArguments{}))
	assert.ElementsMatch(t, []string{"Everyone", "gamma"}, list(f.outsider, codersdk.GroupArguments{}))

	_, err = f.owner.Groups(ctx, codersdk.GroupArguments{Organization: "no-such-org"})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusBadRequest), "organization")
	_, err = f.owner.Groups(ctx, codersdk.GroupArguments{HasMember: "no-such-user"})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusBadRequest), "has_member")
	// An organization the caller cannot see is no more than a missing one.
	_, err = f.orgAdmin.Groups(ctx, codersdk.GroupArguments{Organization: "other-org"})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusBadRequest), "organization")
	// Nor may a member learn which groups someone else is in.
	_, err = f.member.Groups(ctx, codersdk.GroupArguments{HasMember: f.orgAdminUser.ID.String()})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusBadRequest), "has_member")
}

func TestGroupsCrossOrganization(t *testing.T) {
	t.Parallel()
	f := newRGFixture(t)
	ctx := t.Context()
	theirs, err := f.outsider.CreateGroup(ctx, f.otherOrgID, codersdk.CreateGroupRequest{Name: "theirs"})
	require.NoError(t, err, "an organization admin creates groups in its organization")

	// The default organization's admin sees nothing of the other one.
	_, err = f.orgAdmin.GroupsByOrganization(ctx, f.otherOrgID)
	rgRequireStatus(t, err, http.StatusNotFound)
	_, err = f.orgAdmin.GroupByOrgAndName(ctx, f.otherOrgID, "theirs")
	rgRequireStatus(t, err, http.StatusNotFound)
	for _, id := range []uuid.UUID{theirs.ID, f.otherOrgID} {
		_, err = f.orgAdmin.Group(ctx, id)
		rgRequireStatus(t, err, http.StatusNotFound)
		_, err = f.orgAdmin.PatchGroup(ctx, id, codersdk.PatchGroupRequest{Name: "hijacked"})
		rgRequireStatus(t, err, http.StatusNotFound)
		rgRequireStatus(t, f.orgAdmin.DeleteGroup(ctx, id), http.StatusNotFound)
	}
	_, err = f.orgAdmin.CreateGroup(ctx, f.otherOrgID, codersdk.CreateGroupRequest{Name: "planted"})
	rgRequireStatus(t, err, http.StatusNotFound)

	// Nor can it add its members to the other organization's groups, or
	// the other admin add outsiders to its own.
	_, err = f.outsider.PatchGroup(ctx, theirs.ID, codersdk.PatchGroupRequest{AddUsers: []string{f.memberUser.ID.String()}})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusBadRequest), "add_users[0]")

	got, err := f.owner.Group(ctx, theirs.ID)
	require.NoError(t, err)
	assert.Equal(t, "theirs", got.Name)
	assert.Empty(t, got.Members)
}

// TestGroupMembershipTakesEffect checks that membership changes are seen
// by the member on its next request.
func TestGroupMembershipTakesEffect(t *testing.T) {
	t.Parallel()
	f := newRGFixture(t)
	ctx := t.Context()
	g, err := f.owner.CreateGroup(ctx, f.orgID, codersdk.CreateGroupRequest{Name: "effect"})
	require.NoError(t, err)

	mine := func() []string {
		groups, err := f.member.Groups(ctx, codersdk.GroupArguments{HasMember: codersdk.Me})
		require.NoError(t, err)
		return rgGroupNames(groups)
	}
	require.ElementsMatch(t, []string{codersdk.EveryoneGroup}, mine())

	_, err = f.orgAdmin.PatchGroup(ctx, g.ID, codersdk.PatchGroupRequest{AddUsers: []string{f.memberUser.ID.String()}})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{codersdk.EveryoneGroup, "effect"}, mine())

	_, err = f.orgAdmin.PatchGroup(ctx, g.ID, codersdk.PatchGroupRequest{RemoveUsers: []string{f.memberUser.ID.String()}})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{codersdk.EveryoneGroup}, mine())

	// Leaving the organization leaves its groups, Everyone included.
	_, err = f.orgAdmin.PatchGroup(ctx, g.ID, codersdk.PatchGroupRequest{AddUsers: []string{f.memberUser.ID.String()}})
	require.NoError(t, err)
	require.NoError(t, f.owner.DeleteOrganizationMember(ctx, f.orgID, f.memberUser.ID.String()))
	groups, err := f.owner.Groups(ctx, codersdk.GroupArguments{HasMember: f.memberUser.ID.String()})
	require.NoError(t, err)
	assert.Empty(t, rgGroupNames(groups))
	everyone, err := f.owner.Group(ctx, f.orgID)
	require.NoError(t, err)
	assert.NotContains(t, rgMemberIDs(everyone), f.memberUser.ID)
}
