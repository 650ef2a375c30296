package coderd_test

import (
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/rbac"
)

// orgsFixture is one server with two organizations: A (the default one) and
// B, and a client per actor:
//
//   - owner: the site owner, member of A;
//   - admin: organization-admin of A;
//   - member: plain member of A;
//   - outsider: plain member of B only.
type orgsFixture struct {
	owner, admin, member, outsider                 *codersdk.Client
	ownerUser, adminUser, memberUser, outsiderUser codersdk.User
	orgA, orgB                                     codersdk.Organization
}

func newOrgsFixture(t *testing.T) *orgsFixture {
	t.Helper()
	ctx := t.Context()
	client := coderdtest.New(t, nil)
	first := coderdtest.CreateFirstUser(t, client)
	f := &orgsFixture{owner: client}
	var err error
	f.ownerUser, err = client.User(ctx, codersdk.Me)
	require.NoError(t, err)
	f.orgA, err = client.Organization(ctx, first.OrganizationID)
	require.NoError(t, err)
	f.orgB, err = client.CreateOrganization(ctx, codersdk.CreateOrganizationRequest{Name: uniqueName("org-b")})
	require.NoError(t, err)

	f.admin, f.adminUser = coderdtest.CreateAnotherUser(t, client, f.orgA.ID)
	_, err = client.UpdateOrganizationMemberRoles(ctx, f.orgA.ID, f.adminUser.ID.String(),
		codersdk.UpdateRoles{Roles: []string{rbac.RoleOrgAdmin()}})
	require.NoError(t, err)
	f.member, f.memberUser = coderdtest.CreateAnotherUser(t, client, f.orgA.ID)
	f.outsider, f.outsiderUser = coderdtest.CreateAnotherUser(t, client, f.orgB.ID)
	return f
}

func organizationIDs(orgs []codersdk.Organization) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(orgs))
	for _, o := range orgs {
		out = append(out, o.ID)
	}
	return out
}

func TestPostOrganization(t *testing.T) {
	t.Parallel()
	f := newOrgsFixture(t)
	ctx := t.Context()

	t.Run("OwnerCreates", func(t *testing.T) {
		t.Parallel()
		name := uniqueName("created")
		org, err := f.owner.CreateOrganization(ctx, codersdk.CreateOrganizationRequest{
			Name: name, Description: "A place.", Icon: "/emojis/1f3e2.png",
		})
		require.NoError(t, err)
		assert.Equal(t, name, org.Name)
		assert.Equal(t, name, org.DisplayName, "display name defaults to the name")
		assert.Equal(t, "A place.", org.Description)
		assert.Equal(t, "/emojis/1f3e2.png", org.Icon)
		assert.False(t, org.IsDefault)
		assert.NotNil(t, org.DefaultOrgMemberRoles)

		// The creator administers it.
		members, err := f.owner.OrganizationMembers(ctx, org.ID)
		require.NoError(t, err)
		require.Len(t, members, 1)
		assert.Equal(t, f.ownerUser.ID, members[0].UserID)
		require.Len(t, members[0].Roles, 1)
		assert.Equal(t, codersdk.SlimRole{
			Name: rbac.RoleOrgAdmin(), DisplayName: "Organization Admin", OrganizationID: org.ID.String(),
		}, members[0].Roles[0])

		// It has its "Everyone" group, whose ID is the organization's.
		everyone, err := f.owner.GroupByOrgAndName(ctx, org.ID, codersdk.EveryoneGroup)
		require.NoError(t, err)
		assert.Equal(t, org.ID, everyone.ID)

		// Reachable by ID and by name.
		got, err := f.owner.OrganizationByName(ctx, name)
		require.NoError(t, err)
		assert.Equal(t, org.ID, got.ID)
	})

	t.Run("DuplicateName", func(t *testing.T) {
		t.Parallel()
		_, err := f.owner.CreateOrganization(ctx, codersdk.CreateOrganizationRequest{Name: f.orgB.Name})
		requireValidation(t, err, http.StatusConflict, "name")
		// Names are unique without regard to case.
		_, err = f.owner.CreateOrganization(ctx, codersdk.CreateOrganizationRequest{Name: "CODER"})
		requireValidation(t, err, http.StatusConflict, "name")
	})

	t.Run("InvalidInput", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			req   codersdk.CreateOrganizationRequest
			field string
		}{
			{codersdk.CreateOrganizationRequest{Name: ""}, "name"},
			{codersdk.CreateOrganizationRequest{Name: "has space"}, "name"},
			{codersdk.CreateOrganizationRequest{Name: codersdk.DefaultOrganization}, "name"},
			{codersdk.CreateOrganizationRequest{Name: uniqueName("ok"), DisplayName: " padded "}, "display_name"},
		} {
			_, err := f.owner.CreateOrganization(ctx, tc.req)
			requireValidation(t, err, http.StatusBadRequest, tc.field)
		}
	})

	t.Run("OnlyOwnersCreate", func(t *testing.T) {
		t.Parallel()
		for _, c := range []*codersdk.Client{f.admin, f.member, f.outsider} {
			_, err := c.CreateOrganization(ctx, codersdk.CreateOrganizationRequest{Name: uniqueName("nope")})
			requireSDKError(t, err, http.StatusForbidden)
		}
		// Nothing was left behind.
		orgs, err := f.owner.Organizations(ctx)
		require.NoError(t, err)
		for _, o := range orgs {
			assert.NotContains(t, o.Name, "nope")
		}
	})
}

func TestOrganizationsList(t *testing.T) {
	t.Parallel()
	f := newOrgsFixture(t)
	ctx := t.Context()

	for _, tc := range []struct {
		name   string
		client *codersdk.Client
		want   []uuid.UUID
	}{
		{"Owner", f.owner, []uuid.UUID{f.orgA.ID, f.orgB.ID}},
		{"OrgAdmin", f.admin, []uuid.UUID{f.orgA.ID}},
		{"Member", f.member, []uuid.UUID{f.orgA.ID}},
		{"Outsider", f.outsider, []uuid.UUID{f.orgB.ID}},
	} {
		orgs, err := tc.client.Organizations(ctx)
		require.NoError(t, err, tc.name)
		assert.ElementsMatch(t, tc.want, organizationIDs(orgs), tc.name)
	}
}

func TestOrganizationGet(t *testing.T) {
	t.Parallel()
	f := newOrgsFixture(t)
	ctx := t.Context()

	// Every way to name an organization.
	for _, ref := range []string{f.orgA.ID.String(), f.orgA.Name, codersdk.DefaultOrganization} {
		for _, c := range []*codersdk.Client{f.owner, f.admin, f.member} {
			org, err := c.OrganizationByName(ctx, ref)
			require.NoError(t, err, ref)
			assert.Equal(t, f.orgA.ID, org.ID)
			assert.True(t, org.IsDefault)
		}
	}
	// Not a member: as if it did not exist, in both directions.
	_, err := f.outsider.Organization(ctx, f.orgA.ID)
	requireSDKError(t, err, http.StatusNotFound)
	_, err = f.admin.Organization(ctx, f.orgB.ID)
	requireSDKError(t, err, http.StatusNotFound)
	_, err = f.admin.OrganizationByName(ctx, f.orgB.Name)
	requireSDKError(t, err, http.StatusNotFound)
	_, err = f.owner.Organization(ctx, uuid.New())
	requireSDKError(t, err, http.StatusNotFound)
}

func TestPatchOrganization(t *testing.T) {
	t.Parallel()
	f := newOrgsFixture(t)
	ctx := t.Context()
	str := func(s string) *string { return &s }

	t.Run("Partial", func(t *testing.T) {
		t.Parallel()
		org, err := f.owner.CreateOrganization(ctx, codersdk.CreateOrganizationRequest{
			Name: uniqueName("patch"), Description: "old", Icon: "/icon.png",
		})
		require.NoError(t, err)
		updated, err := f.owner.UpdateOrganization(ctx, org.ID.String(), codersdk.UpdateOrganizationRequest{DisplayName: "New Display"})
		require.NoError(t, err)
		assert.Equal(t, org.Name, updated.Name)
		assert.Equal(t, "New Display", updated.DisplayName)
		assert.Equal(t, "old", updated.Description)
		assert.Equal(t, "/icon.png", updated.Icon)

		// An empty string clears; an absent field keeps.
		updated, err = f.owner.UpdateOrganization(ctx, org.Name, codersdk.UpdateOrganizationRequest{Description: str("")})
		require.NoError(t, err)
		assert.Equal(t, "", updated.Description)
		assert.Equal(t, "/icon.png", updated.Icon)

		renamed := uniqueName("renamed")
		updated, err = f.owner.UpdateOrganization(ctx, org.ID.String(), codersdk.UpdateOrganizationRequest{Name: renamed})
		require.NoError(t, err)
		assert.Equal(t, renamed, updated.Name)
		assert.Equal(t, "New Display", updated.DisplayName)
		got, err := f.owner.OrganizationByName(ctx, renamed)
		require.NoError(t, err)
		assert.Equal(t, org.ID, got.ID)
	})

	t.Run("Conflicts", func(t *testing.T) {
		t.Parallel()
		_, err := f.owner.UpdateOrganization(ctx, f.orgB.ID.String(), codersdk.UpdateOrganizationRequest{Name: f.orgA.Name})
		requireValidation(t, err, http.StatusConflict, "name")
		_, err = f.owner.UpdateOrganization(ctx, f.orgB.ID.String(), codersdk.UpdateOrganizationRequest{Name: codersdk.DefaultOrganization})
		requireValidation(t, err, http.StatusBadRequest, "name")
		_, err = f.owner.UpdateOrganization(ctx, f.orgB.ID.String(), codersdk.UpdateOrganizationRequest{Name: "not valid"})
		requireValidation(t, err, http.StatusBadRequest, "name")
		roles := []string{rbac.RoleOrgAuditor()}
		_, err = f.owner.UpdateOrganization(ctx, f.orgB.ID.String(), codersdk.UpdateOrganizationRequest{DefaultOrgMemberRoles: &roles})
		requireValidation(t, err, http.StatusBadRequest, "default_org_member_roles")
	})

	t.Run("Actors", func(t *testing.T) {
		t.Parallel()
		// The organization's admin may edit it; its members may not.
		updated, err := f.admin.UpdateOrganization(ctx, f.orgA.ID.String(), codersdk.UpdateOrganizationRequest{Description: str("by the admin")})
		require.NoError(t, err)
		assert.Equal(t, "by the admin", updated.Description)
		_, err = f.member.UpdateOrganization(ctx, f.orgA.ID.String(), codersdk.UpdateOrganizationRequest{Description: str("by a member")})
		requireSDKError(t, err, http.StatusForbidden)
		// Others cannot even see it.
		_, err = f.outsider.UpdateOrganization(ctx, f.orgA.ID.String(), codersdk.UpdateOrganizationRequest{Description: str("x")})
		requireSDKError(t, err, http.StatusNotFound)
		_, err = f.admin.UpdateOrganization(ctx, f.orgB.ID.String(), codersdk.UpdateOrganizationRequest{Description: str("x")})
		requireSDKError(t, err, http.StatusNotFound)

		got, err := f.owner.Organization(ctx, f.orgA.ID)
		require.NoError(t, err)
		assert.Equal(t, "by the admin", got.Description)
	})
}

func TestDeleteOrganization(t *testing.T) {
	t.Parallel()
	f := newOrgsFixture(t)
	ctx := t.Context()

	// The default organization stays, whoever asks.
	err := f.owner.DeleteOrganization(ctx, codersdk.DefaultOrganization)
	apiErr := requireSDKError(t, err, http.StatusBadRequest)
	assert.Contains(t, apiErr.Message, "Default organization")

	err = f.outsider.DeleteOrganization(ctx, f.orgB.ID.String())
	requireSDKError(t, err, http.StatusForbidden)
	err = f.admin.DeleteOrganization(ctx, f.orgB.ID.String())
	requireSDKError(t, err, http.StatusNotFound)

	require.NoError(t, f.owner.DeleteOrganization(ctx, f.orgB.Name))
	_, err = f.owner.Organization(ctx, f.orgB.ID)
	requireSDKError(t, err, http.StatusNotFound)
	// Its members are members no more; the user itself remains.
	orgs, err := f.owner.OrganizationsByUser(ctx, f.outsiderUser.ID.String())
	require.NoError(t, err)
	assert.Empty(t, orgs)
	_, err = f.owner.User(ctx, f.outsiderUser.ID.String())
	require.NoError(t, err)
	// The name is free again.
	_, err = f.owner.CreateOrganization(ctx, codersdk.CreateOrganizationRequest{Name: f.orgB.Name})
	require.NoError(t, err)
}

func TestOrganizationsByUser(t *testing.T) {
	t.Parallel()
	f := newOrgsFixture(t)
	ctx := t.Context()

	orgs, err := f.member.OrganizationsByUser(ctx, codersdk.Me)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{f.orgA.ID}, organizationIDs(orgs))

	orgs, err = f.owner.OrganizationsByUser(ctx, f.outsiderUser.Username)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{f.orgB.ID}, organizationIDs(orgs))

	// The admin of A may read every user, but learns nothing of B.
	orgs, err = f.admin.OrganizationsByUser(ctx, f.outsiderUser.ID.String())
	require.NoError(t, err)
	assert.Empty(t, orgs)
	// Add the outsider to A as well: the admin sees A, still not B.
	_, err = f.owner.PostOrganizationMember(ctx, f.orgA.ID, f.outsiderUser.ID.String())
	require.NoError(t, err)
	orgs, err = f.admin.OrganizationsByUser(ctx, f.outsiderUser.ID.String())
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{f.orgA.ID}, organizationIDs(orgs))

	// A plain member cannot look at other users at all.
	_, err = f.member.OrganizationsByUser(ctx, f.outsiderUser.ID.String())
	requireSDKError(t, err, http.StatusNotFound)
}

func TestOrganizationByUserAndName(t *testing.T) {
	t.Parallel()
	f := newOrgsFixture(t)
	ctx := t.Context()

	org, err := f.member.OrganizationByUserAndName(ctx, codersdk.Me, f.orgA.Name)
	require.NoError(t, err)
	assert.Equal(t, f.orgA.ID, org.ID)

	// Not the member's organization, and one the member cannot see.
	_, err = f.member.OrganizationByUserAndName(ctx, codersdk.Me, f.orgB.Name)
	requireSDKError(t, err, http.StatusNotFound)
	// The owner sees both organizations, but the user is only in B.
	_, err = f.owner.OrganizationByUserAndName(ctx, f.outsiderUser.Username, f.orgA.Name)
	requireSDKError(t, err, http.StatusNotFound)
	org, err = f.owner.OrganizationByUserAndName(ctx, f.outsiderUser.Username, f.orgB.Name)
	require.NoError(t, err)
	assert.Equal(t, f.orgB.ID, org.ID)
	_, err = f.owner.OrganizationByUserAndName(ctx, codersdk.Me, "no-such-org")
	requireSDKError(t, err, http.StatusNotFound)
}
