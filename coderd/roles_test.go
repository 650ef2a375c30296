package coderd_test

import (
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// rgFixture is a server with the default organization and a second one,
// and a logged-in client for each kind of actor the organization endpoints
// are checked with.
type rgFixture struct {
	orgID, otherOrgID uuid.UUID
	// owner is the site owner (a member of both organizations).
	owner *codersdk.Client
	// orgAdmin is organization-admin of the default organization only.
	orgAdmin *codersdk.Client
	// member is a plain member of the default organization.
	member *codersdk.Client
	// outsider is organization-admin of the other organization and not a
	// member of the default one.
	outsider                                          *codersdk.Client
	ownerUser, orgAdminUser, memberUser, outsiderUser codersdk.User
}

func newRGFixture(t *testing.T) *rgFixture {
	t.Helper()
	ctx := t.Context()
	client := coderdtest.New(t, nil)
	first := coderdtest.CreateFirstUser(t, client)
	ownerUser, err := client.User(ctx, codersdk.Me)
	require.NoError(t, err)
	f := &rgFixture{orgID: first.OrganizationID, owner: client, ownerUser: ownerUser}

	f.orgAdmin, f.orgAdminUser = coderdtest.CreateAnotherUser(t, client, f.orgID)
	rgSetOrgRoles(t, client, f.orgID, f.orgAdminUser.ID, "organization-admin")
	f.member, f.memberUser = coderdtest.CreateAnotherUser(t, client, f.orgID)

	other, err := client.CreateOrganization(ctx, codersdk.CreateOrganizationRequest{Name: "other-org"})
	require.NoError(t, err, "create a second organization")
	f.otherOrgID = other.ID
	f.outsider, f.outsiderUser = coderdtest.CreateAnotherUser(t, client, f.otherOrgID)
	rgSetOrgRoles(t, client, f.otherOrgID, f.outsiderUser.ID, "organization-admin")
	return f
}

// rgSetOrgRoles replaces a member's organization roles through the API.
func rgSetOrgRoles(t *testing.T, client *codersdk.Client, orgID, userID uuid.UUID, roles ...string) codersdk.OrganizationMember {
	t.Helper()
	m, err := client.UpdateOrganizationMemberRoles(t.Context(), orgID, userID.String(), codersdk.UpdateRoles{Roles: roles})
	require.NoError(t, err, "PUT /organizations/%s/members/%s/roles %v", orgID, userID, roles)
	return m
}

// rgRequireStatus asserts err is an API error with the given status and
// returns it.
func rgRequireStatus(t *testing.T, err error, status int) *codersdk.Error {
	t.Helper()
	require.Error(t, err)
	var apiErr *codersdk.Error
	require.True(t, errors.As(err, &apiErr), "not an API error: %v", err)
	require.Equal(t, status, apiErr.StatusCode(), "%v", err)
	return apiErr
}

// rgRequireField asserts the error carries a validation for field.
func rgRequireField(t *testing.T, apiErr *codersdk.Error, field string) {
	t.Helper()
	for _, v := range apiErr.Validations {
		if v.Field == field {
			return
		}
	}
	t.Fatalf("no validation for %q in %+v", field, apiErr.Validations)
}

func rgPerm(resource codersdk.RBACResource, action codersdk.RBACAction) codersdk.Permission {
	return codersdk.Permission{ResourceType: resource, Action: action}
}

func rgFindRole(roles []codersdk.AssignableRoles, name string) (codersdk.AssignableRoles, bool) {
	for _, r := range roles {
		if r.Name == name {
			return r, true
		}
	}
	return codersdk.AssignableRoles{}, false
}

func TestListOrganizationRoles(t *testing.T) {
	t.Parallel()
	f := newRGFixture(t)
	ctx := t.Context()

	custom, err := f.owner.CreateOrganizationRole(ctx, codersdk.Role{
		Name: "template-reader", DisplayName: "Template Reader", OrganizationID: f.orgID.String(),
		OrganizationPermissions: []codersdk.Permission{rgPerm(codersdk.ResourceTemplate, codersdk.ActionRead)},
	})
	require.NoError(t, err)

	for _, tc := range []struct {
		name             string
		client           *codersdk.Client
		assignsOrgAdmin  bool
		assignsCustom    bool
		wantNotFound     bool
		wantCustomListed bool
	}{
		{name: "owner", client: f.owner, assignsOrgAdmin: true, assignsCustom: true, wantCustomListed: true},
		{name: "org-admin", client: f.orgAdmin, assignsOrgAdmin: true, assignsCustom: true, wantCustomListed: true},
		{name: "member", client: f.member, wantCustomListed: true},
		{name: "outsider", client: f.outsider, wantNotFound: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			roles, err := tc.client.ListOrganizationRoles(ctx, f.orgID)
			if tc.wantNotFound {
				rgRequireStatus(t, err, http.StatusNotFound)
				return
			}
			require.NoError(t, err)
			for _, name := range []string{"organization-admin", "organization-member", "organization-auditor",
				"organization-user-admin", "organization-template-admin", "organization-workspace-creation-ban"} {
				r, ok := rgFindRole(roles, name)
				require.True(t, ok, "built-in %s is listed", name)
				assert.True(t, r.BuiltIn, name)
				assert.Equal(t, f.orgID.String(), r.OrganizationID, name)
				assert.NotEmpty(t, r.DisplayName, name)
				assert.NotNil(t, r.SitePermissions, name)
				assert.NotNil(t, r.UserPermissions, name)
			}
			admin, _ := rgFindRole(roles, "organization-admin")
			assert.Equal(t, tc.assignsOrgAdmin, admin.Assignable)
			orgMember, _ := rgFindRole(roles, "organization-member")
			assert.False(t, orgMember.Assignable, "organization-member is implicit, never assigned")
			assert.NotEmpty(t, orgMember.OrganizationMemberPermissions)

			got, ok := rgFindRole(roles, custom.Name)
			require.Equal(t, tc.wantCustomListed, ok)
			assert.False(t, got.BuiltIn)
			assert.Equal(t, tc.assignsCustom, got.Assignable)
			assert.Equal(t, "Template Reader", got.DisplayName)
			assert.Equal(t, []codersdk.Permission{rgPerm(codersdk.ResourceTemplate, codersdk.ActionRead)}, got.OrganizationPermissions)
			assert.Empty(t, got.SitePermissions)
		})
	}

	t.Run("other organization's roles stay there", func(t *testing.T) {
		t.Parallel()
		roles, err := f.owner.ListOrganizationRoles(ctx, f.otherOrgID)
		require.NoError(t, err)
		_, ok := rgFindRole(roles, custom.Name)
		assert.False(t, ok)
	})
}

func TestPostOrganizationRole(t *testing.T) {
	t.Parallel()
	f := newRGFixture(t)
	ctx := t.Context()
	org := f.orgID.String()

	t.Run("owner creates", func(t *testing.T) {
		t.Parallel()
		role, err := f.owner.CreateOrganizationRole(ctx, codersdk.Role{
			Name: "auditor-lite", DisplayName: "Auditor Lite", OrganizationID: org,
			OrganizationPermissions:       []codersdk.Permission{rgPerm(codersdk.ResourceAuditLog, codersdk.ActionRead), rgPerm(codersdk.ResourceTemplate, codersdk.ActionRead)},
			OrganizationMemberPermissions: []codersdk.Permission{rgPerm(codersdk.ResourceWorkspace, codersdk.ActionRead)},
		})
		require.NoError(t, err)
		assert.Equal(t, "auditor-lite", role.Name)
		assert.Equal(t, "Auditor Lite", role.DisplayName)
		assert.Equal(t, org, role.OrganizationID)
		assert.Len(t, role.OrganizationPermissions, 2)
		assert.Equal(t, []codersdk.Permission{rgPerm(codersdk.ResourceWorkspace, codersdk.ActionRead)}, role.OrganizationMemberPermissions)
		assert.Empty(t, role.SitePermissions)
		assert.Empty(t, role.UserPermissions)

		_, err = f.owner.CreateOrganizationRole(ctx, codersdk.Role{Name: "auditor-lite", OrganizationID: org})
		rgRequireField(t, rgRequireStatus(t, err, http.StatusConflict), "name")
	})

	t.Run("org admin creates what it holds", func(t *testing.T) {
		t.Parallel()
		_, err := f.orgAdmin.CreateOrganizationRole(ctx, codersdk.Role{
			Name: "group-manager", OrganizationID: org,
			OrganizationPermissions: []codersdk.Permission{rgPerm(codersdk.ResourceGroup, codersdk.ActionUpdate)},
		})
		require.NoError(t, err)
	})

	t.Run("escalation is refused", func(t *testing.T) {
		t.Parallel()
		// Organization admins cannot ssh into others' workspaces, nor
		// assign site roles: they cannot hand either out.
		_, err := f.orgAdmin.CreateOrganizationRole(ctx, codersdk.Role{
			Name: "sneaky", OrganizationID: org,
			OrganizationPermissions: []codersdk.Permission{
				rgPerm(codersdk.ResourceTemplate, codersdk.ActionRead),
				rgPerm(codersdk.ResourceWorkspace, codersdk.ActionSSH),
				rgPerm(codersdk.ResourceAssignRole, codersdk.ActionAssign),
			},
		})
		apiErr := rgRequireStatus(t, err, http.StatusForbidden)
		rgRequireField(t, apiErr, "organization_permissions[1]")
		rgRequireField(t, apiErr, "organization_permissions[2]")
		assert.Len(t, apiErr.Validations, 2)
		assert.Contains(t, apiErr.Message, "workspace:ssh")

		roles, err := f.owner.ListOrganizationRoles(ctx, f.orgID)
		require.NoError(t, err)
		_, ok := rgFindRole(roles, "sneaky")
		assert.False(t, ok, "nothing was stored")
	})

	t.Run("malformed", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name  string
			req   codersdk.Role
			field string
		}{
			{"empty name", codersdk.Role{}, "name"},
			{"invalid name", codersdk.Role{Name: "no spaces"}, "name"},
			{"built-in name", codersdk.Role{Name: "organization-admin"}, "name"},
			{"site role name", codersdk.Role{Name: "owner"}, "name"},
			{"display name", codersdk.Role{Name: "ok", DisplayName: " padded "}, "display_name"},
			{"site permissions", codersdk.Role{Name: "ok", SitePermissions: []codersdk.Permission{rgPerm(codersdk.ResourceTemplate, codersdk.ActionRead)}}, "site_permissions"},
			{"user permissions", codersdk.Role{Name: "ok", UserPermissions: []codersdk.Permission{rgPerm(codersdk.ResourceTemplate, codersdk.ActionRead)}}, "user_permissions"},
			{"unknown resource", codersdk.Role{Name: "ok", OrganizationPermissions: []codersdk.Permission{
				rgPerm(codersdk.ResourceTemplate, codersdk.ActionRead), rgPerm(codersdk.ResourceTemplate, codersdk.ActionRead), rgPerm("spaceship", codersdk.ActionRead),
			}}, "organization_permissions[2]"},
			{"action not of resource", codersdk.Role{Name: "ok", OrganizationPermissions: []codersdk.Permission{rgPerm(codersdk.ResourceTemplate, codersdk.ActionSSH)}}, "organization_permissions[0]"},
			{"unknown action", codersdk.Role{Name: "ok", OrganizationMemberPermissions: []codersdk.Permission{rgPerm(codersdk.ResourceWorkspace, "fly")}}, "organization_member_permissions[0]"},
			{"wildcard", codersdk.Role{Name: "ok", OrganizationPermissions: []codersdk.Permission{rgPerm(codersdk.ResourceWildcard, codersdk.ActionRead)}}, "organization_permissions[0]"},
			{"negated", codersdk.Role{Name: "ok", OrganizationPermissions: []codersdk.Permission{{Negate: true, ResourceType: codersdk.ResourceTemplate, Action: codersdk.ActionRead}}}, "organization_permissions[0]"},
		} {
			tc.req.OrganizationID = org
			_, err := f.owner.CreateOrganizationRole(ctx, tc.req)
			rgRequireField(t, rgRequireStatus(t, err, http.StatusBadRequest), tc.field)
		}
	})

	t.Run("member is forbidden", func(t *testing.T) {
		t.Parallel()
		_, err := f.member.CreateOrganizationRole(ctx, codersdk.Role{Name: "by-member", OrganizationID: org})
		rgRequireStatus(t, err, http.StatusForbidden)
	})

	t.Run("outsider does not see the organization", func(t *testing.T) {
		t.Parallel()
		_, err := f.outsider.CreateOrganizationRole(ctx, codersdk.Role{Name: "by-outsider", OrganizationID: org})
		rgRequireStatus(t, err, http.StatusNotFound)
	})

	t.Run("same name in another organization", func(t *testing.T) {
		t.Parallel()
		for _, o := range []uuid.UUID{f.orgID, f.otherOrgID} {
			_, err := f.owner.CreateOrganizationRole(ctx, codersdk.Role{Name: "twin", OrganizationID: o.String()})
			require.NoError(t, err)
		}
	})
}

func TestPutOrganizationRole(t *testing.T) {
	t.Parallel()
	f := newRGFixture(t)
	ctx := t.Context()
	org := f.orgID.String()
	_, err := f.owner.CreateOrganizationRole(ctx, codersdk.Role{
		Name: "editable", DisplayName: "Before", OrganizationID: org,
		OrganizationPermissions: []codersdk.Permission{rgPerm(codersdk.ResourceTemplate, codersdk.ActionRead)},
	})
	require.NoError(t, err)

	updated, err := f.orgAdmin.UpdateOrganizationRole(ctx, codersdk.Role{
		Name: "editable", DisplayName: "After", OrganizationID: org,
		OrganizationPermissions:       []codersdk.Permission{rgPerm(codersdk.ResourceGroup, codersdk.ActionRead)},
		OrganizationMemberPermissions: []codersdk.Permission{rgPerm(codersdk.ResourceWorkspace, codersdk.ActionRead)},
	})
	require.NoError(t, err)
	assert.Equal(t, "After", updated.DisplayName)
	assert.Equal(t, []codersdk.Permission{rgPerm(codersdk.ResourceGroup, codersdk.ActionRead)}, updated.OrganizationPermissions)

	roles, err := f.owner.ListOrganizationRoles(ctx, f.orgID)
	require.NoError(t, err)
	listed, ok := rgFindRole(roles, "editable")
	require.True(t, ok)
	assert.Equal(t, updated, listed.Role)

	_, err = f.owner.UpdateOrganizationRole(ctx, codersdk.Role{Name: "missing", OrganizationID: org})
	rgRequireStatus(t, err, http.StatusNotFound)

	_, err = f.owner.UpdateOrganizationRole(ctx, codersdk.Role{Name: "organization-admin", OrganizationID: org})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusBadRequest), "name")

	_, err = f.orgAdmin.UpdateOrganizationRole(ctx, codersdk.Role{
		Name: "editable", OrganizationID: org,
		OrganizationPermissions: []codersdk.Permission{rgPerm(codersdk.ResourceWorkspace, codersdk.ActionApplicationConnect)},
	})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusForbidden), "organization_permissions[0]")

	_, err = f.orgAdmin.UpdateOrganizationRole(ctx, codersdk.Role{
		Name: "editable", OrganizationID: org,
		OrganizationPermissions: []codersdk.Permission{rgPerm("nope", codersdk.ActionRead)},
	})
	rgRequireField(t, rgRequireStatus(t, err, http.StatusBadRequest), "organization_permissions[0]")

	_, err = f.member.UpdateOrganizationRole(ctx, codersdk.Role{Name: "editable", OrganizationID: org})
	rgRequireStatus(t, err, http.StatusForbidden)
	_, err = f.outsider.UpdateOrganizationRole(ctx, codersdk.Role{Name: "editable", OrganizationID: org})
	rgRequireStatus(t, err, http.StatusNotFound)

	roles, err = f.owner.ListOrganizationRoles(ctx, f.orgID)
	require.NoError(t, err)
	listed, _ = rgFindRole(roles, "editable")
	assert.Equal(t, updated, listed.Role, "refused updates changed nothing")
}

func TestDeleteOrganizationRole(t *testing.T) {
	t.Parallel()
	f := newRGFixture(t)
	ctx := t.Context()
	org := f.orgID.String()
	for _, name := range []string{"doomed", "kept"} {
		_, err := f.owner.CreateOrganizationRole(ctx, codersdk.Role{
			Name: name, OrganizationID: org,
			OrganizationPermissions: []codersdk.Permission{rgPerm(codersdk.ResourceTemplate, codersdk.ActionRead)},
		})
		require.NoError(t, err)
	}
	rgSetOrgRoles(t, f.owner, f.orgID, f.memberUser.ID, "doomed", "kept", "organization-auditor")

	memberRoles := func() []string {
		members, err := f.owner.OrganizationMembers(ctx, f.orgID)
		require.NoError(t, err)
		for _, m := range members {
			if m.UserID == f.memberUser.ID {
				var names []string
				for _, r := range m.Roles {
					names = append(names, r.Name)
				}
				slices.Sort(names)
				return names
			}
		}
		t.Fatal("member not listed")
		return nil
	}
	require.Equal(t, []string{"doomed", "kept", "organization-auditor"}, memberRoles())

	err := f.member.DeleteOrganizationRole(ctx, f.orgID, "doomed")
	rgRequireStatus(t, err, http.StatusForbidden)
	err = f.outsider.DeleteOrganizationRole(ctx, f.orgID, "doomed")
	rgRequireStatus(t, err, http.StatusNotFound)
	err = f.owner.DeleteOrganizationRole(ctx, f.orgID, "organization-auditor")
	rgRequireStatus(t, err, http.StatusBadRequest)
	err = f.owner.DeleteOrganizationRole(ctx, f.orgID, "never-existed")
	rgRequireStatus(t, err, http.StatusNotFound)
	err = f.owner.DeleteOrganizationRole(ctx, f.otherOrgID, "doomed")
	rgRequireStatus(t, err, http.StatusNotFound)
	require.Equal(t, []string{"doomed", "kept", "organization-auditor"}, memberRoles(), "refused deletes changed nothing")

	require.NoError(t, f.orgAdmin.DeleteOrganizationRole(ctx, f.orgID, "doomed"))
	assert.Equal(t, []string{"kept", "organization-auditor"}, memberRoles(), "the role is gone from its members")

	roles, err := f.owner.ListOrganizationRoles(ctx, f.orgID)
	require.NoError(t, err)
	_, ok := rgFindRole(roles, "doomed")
	assert.False(t, ok)

	err = f.owner.DeleteOrganizationRole(ctx, f.orgID, "doomed")
	rgRequireStatus(t, err, http.StatusNotFound)

	// A new role of the same name starts with no members.
	_, err = f.owner.CreateOrganizationRole(ctx, codersdk.Role{Name: "doomed", OrganizationID: org})
	require.NoError(t, err)
	assert.Equal(t, []string{"kept", "organization-auditor"}, memberRoles())
}

// TestCustomRoleGrantsPermissions depends on the API-key middleware
// expanding custom roles into the caller's subject.
func TestCustomRoleGrantsPermissions(t *testing.T) {
	t.Parallel()
	f := newRGFixture(t)
	ctx := t.Context()
	org := f.orgID.String()

	canUpdateTemplates := func() bool {
		resp, err := f.member.AuthCheck(ctx, codersdk.AuthorizationRequest{Checks: map[string]codersdk.AuthorizationCheck{
			"update": {Object: codersdk.AuthorizationObject{ResourceType: codersdk.ResourceTemplate, OrganizationID: org}, Action: codersdk.ActionUpdate},
		}})
		require.NoError(t, err)
		return resp["update"]
	}
	canCreateGroups := func() bool {
		_, err := f.member.CreateGroup(ctx, f.orgID, codersdk.CreateGroupRequest{Name: "g-" + uuid.NewString()[:8]})
		if err == nil {
			return true
		}
		rgRequireStatus(t, err, http.StatusForbidden)
		return false
	}
	require.False(t, canUpdateTemplates())
	require.False(t, canCreateGroups())

	_, err := f.owner.CreateOrganizationRole(ctx, codersdk.Role{
		Name: "template-editor", OrganizationID: org,
		OrganizationPermissions: []codersdk.Permission{
			rgPerm(codersdk.ResourceTemplate, codersdk.ActionUpdate),
			rgPerm(codersdk.ResourceGroup, codersdk.ActionCreate),
		},
	})
	require.NoError(t, err)
	rgSetOrgRoles(t, f.owner, f.orgID, f.memberUser.ID, "template-editor")
	assert.True(t, canUpdateTemplates(), "the custom role applies on the next request")
	assert.True(t, canCreateGroups())

	// Narrowing the role narrows its holders at once.
	_, err = f.owner.UpdateOrganizationRole(ctx, codersdk.Role{
		Name: "template-editor", OrganizationID: org,
		OrganizationPermissions: []codersdk.Permission{rgPerm(codersdk.ResourceGroup, codersdk.ActionCreate)},
	})
	require.NoError(t, err)
	assert.False(t, canUpdateTemplates())
	assert.True(t, canCreateGroups())

	require.NoError(t, f.owner.DeleteOrganizationRole(ctx, f.orgID, "template-editor"))
	assert.False(t, canCreateGroups(), "a deleted role grants nothing")

	// The role applies only in its organization: the outsider, admin of
	// the other organization, gains nothing here from a same-named role.
	_, err = f.owner.CreateOrganizationRole(ctx, codersdk.Role{
		Name: "template-editor", OrganizationID: f.otherOrgID.String(),
		OrganizationPermissions: []codersdk.Permission{rgPerm(codersdk.ResourceTemplate, codersdk.ActionUpdate)},
	})
	require.NoError(t, err)
	rgSetOrgRoles(t, f.owner, f.otherOrgID, f.outsiderUser.ID, "organization-admin", "template-editor")
	resp, err := f.outsider.AuthCheck(ctx, codersdk.AuthorizationRequest{Checks: map[string]codersdk.AuthorizationCheck{
		"here":  {Object: codersdk.AuthorizationObject{ResourceType: codersdk.ResourceTemplate, OrganizationID: f.otherOrgID.String()}, Action: codersdk.ActionUpdate},
		"there": {Object: codersdk.AuthorizationObject{ResourceType: codersdk.ResourceTemplate, OrganizationID: org}, Action: codersdk.ActionUpdate},
	}})
	require.NoError(t, err)
	assert.True(t, resp["here"])
	assert.False(t, resp["there"])
}
