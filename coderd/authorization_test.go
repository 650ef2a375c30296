package coderd_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/codersdk"
)

func TestAuthcheck(t *testing.T) {
	t.Parallel()
	f := newOrgsFixture(t)
	ctx := t.Context()

	checks := map[string]codersdk.AuthorizationCheck{
		"read other user": {
			Object: codersdk.AuthorizationObject{ResourceType: codersdk.ResourceUser, OwnerID: f.outsiderUser.ID.String()},
			Action: codersdk.ActionRead,
		},
		"read me": {
			Object: codersdk.AuthorizationObject{ResourceType: codersdk.ResourceUser, OwnerID: codersdk.Me},
			Action: codersdk.ActionRead,
		},
		"create organization": {
			Object: codersdk.AuthorizationObject{ResourceType: codersdk.ResourceOrganization},
			Action: codersdk.ActionCreate,
		},
		"update org A": {
			Object: codersdk.AuthorizationObject{ResourceType: codersdk.ResourceOrganization, OrganizationID: f.orgA.ID.String()},
			Action: codersdk.ActionUpdate,
		},
		"read org B": {
			Object: codersdk.AuthorizationObject{ResourceType: codersdk.ResourceOrganization, OrganizationID: f.orgB.ID.String()},
			Action: codersdk.ActionRead,
		},
		"create template anywhere": {
			Object: codersdk.AuthorizationObject{ResourceType: codersdk.ResourceTemplate, AnyOrgOwner: true},
			Action: codersdk.ActionCreate,
		},
		"create own workspace in A": {
			Object: codersdk.AuthorizationObject{
				ResourceType: codersdk.ResourceWorkspace, OrganizationID: f.orgA.ID.String(), OwnerID: codersdk.Me,
			},
			Action: codersdk.ActionCreate,
		},
	}
	for _, tc := range []struct {
		name   string
		client *codersdk.Client
		want   codersdk.AuthorizationResponse
	}{
		{"Owner", f.owner, codersdk.AuthorizationResponse{
			"read other user": true, "read me": true, "create organization": true, "update org A": true,
			"read org B": true, "create template anywhere": true, "create own workspace in A": true,
		}},
		{"OrgAdmin", f.admin, codersdk.AuthorizationResponse{
			"read other user": true, "read me": true, "create organization": false, "update org A": true,
			"read org B": false, "create template anywhere": true, "create own workspace in A": true,
		}},
		{"Member", f.member, codersdk.AuthorizationResponse{
			"read other user": false, "read me": true, "create organization": false, "update org A": false,
			"read org B": false, "create template anywhere": false, "create own workspace in A": true,
		}},
		{"Outsider", f.outsider, codersdk.AuthorizationResponse{
			"read other user": true, // itself
			"read me":         true, "create organization": false, "update org A": false,
			"read org B": true, "create template anywhere": false, "create own workspace in A": false,
		}},
	} {
		got, err := tc.client.AuthCheck(ctx, codersdk.AuthorizationRequest{Checks: checks})
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, got, tc.name)
	}

	// The key's scope limits the answers as it limits the key.
	token, err := f.owner.CreateToken(ctx, codersdk.Me, codersdk.CreateTokenRequest{
		TokenName: "apps", Scope: codersdk.APIKeyScopeApplicationConnect,
	})
	require.NoError(t, err)
	got, err := tokenClient(t, f.owner, token.Key).AuthCheck(ctx, codersdk.AuthorizationRequest{Checks: checks})
	require.NoError(t, err)
	for k, v := range got {
		assert.False(t, v, k)
	}

	// No checks, no answers.
	got, err = f.member.AuthCheck(ctx, codersdk.AuthorizationRequest{})
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestAuthcheckValidation(t *testing.T) {
	t.Parallel()
	f := newOrgsFixture(t)
	ctx := t.Context()

	for _, tc := range []struct {
		check codersdk.AuthorizationCheck
		field string
	}{
		{codersdk.AuthorizationCheck{Object: codersdk.AuthorizationObject{ResourceType: "spaceship"}, Action: codersdk.ActionRead}, "checks.k.object.resource_type"},
		{codersdk.AuthorizationCheck{Object: codersdk.AuthorizationObject{}, Action: codersdk.ActionRead}, "checks.k.object.resource_type"},
		{codersdk.AuthorizationCheck{Object: codersdk.AuthorizationObject{ResourceType: codersdk.ResourceUser}, Action: codersdk.ActionSSH}, "checks.k.action"},
		{codersdk.AuthorizationCheck{Object: codersdk.AuthorizationObject{ResourceType: codersdk.ResourceUser, OwnerID: "bob"}, Action: codersdk.ActionRead}, "checks.k.object.owner_id"},
		{codersdk.AuthorizationCheck{Object: codersdk.AuthorizationObject{ResourceType: codersdk.ResourceGroup, OrganizationID: "x"}, Action: codersdk.ActionRead}, "checks.k.object.organization_id"},
		{codersdk.AuthorizationCheck{Object: codersdk.AuthorizationObject{ResourceType: codersdk.ResourceGroup, ResourceID: "x"}, Action: codersdk.ActionRead}, "checks.k.object.resource_id"},
		{codersdk.AuthorizationCheck{Object: codersdk.AuthorizationObject{
			ResourceType: codersdk.ResourceTemplate, OrganizationID: f.orgA.ID.String(), AnyOrgOwner: true,
		}, Action: codersdk.ActionCreate}, "checks.k.object.any_org"},
	} {
		_, err := f.member.AuthCheck(ctx, codersdk.AuthorizationRequest{Checks: map[string]codersdk.AuthorizationCheck{
			"ok": {Object: codersdk.AuthorizationObject{ResourceType: codersdk.ResourceUser, OwnerID: codersdk.Me}, Action: codersdk.ActionRead},
			"k":  tc.check,
		}})
		apiErr := requireValidation(t, err, http.StatusBadRequest, tc.field)
		assert.Len(t, apiErr.Validations, 1, "only the bad check is named")
	}
}

func TestAuthScopes(t *testing.T) {
	t.Parallel()
	f := newOrgsFixture(t)
	scopes, err := f.member.ListAPIKeyScopes(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []codersdk.APIKeyScope{codersdk.APIKeyScopeAll, codersdk.APIKeyScopeApplicationConnect}, scopes.External)
}
