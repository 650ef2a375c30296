package codersdk

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/google/uuid"
)

func orgRolesPath(orgID string) string {
	return fmt.Sprintf("/api/v2/organizations/%s/members/roles", url.PathEscape(orgID))
}

func customRoleRequest(role Role) CustomRoleRequest {
	return CustomRoleRequest{
		Name:                          role.Name,
		DisplayName:                   role.DisplayName,
		SitePermissions:               role.SitePermissions,
		UserPermissions:               role.UserPermissions,
		OrganizationPermissions:       role.OrganizationPermissions,
		OrganizationMemberPermissions: role.OrganizationMemberPermissions,
	}
}

// CreateOrganizationRole creates a custom role in role.OrganizationID. The
// caller must hold every permission the role grants.
func (c *Client) CreateOrganizationRole(ctx context.Context, role Role) (Role, error) {
	var out Role
	res, err := c.Request(ctx, http.MethodPost, orgRolesPath(role.OrganizationID), customRoleRequest(role))
	if err != nil {
		return out, err
	}
	return out, decodeJSON(res, http.StatusOK, &out)
}

// UpdateOrganizationRole replaces the display name and permissions of an
// existing custom role in role.OrganizationID.
func (c *Client) UpdateOrganizationRole(ctx context.Context, role Role) (Role, error) {
	var out Role
	res, err := c.Request(ctx, http.MethodPut, orgRolesPath(role.OrganizationID), customRoleRequest(role))
	if err != nil {
		return out, err
	}
	return out, decodeJSON(res, http.StatusOK, &out)
}

// DeleteOrganizationRole deletes a custom role; members holding it lose it.
func (c *Client) DeleteOrganizationRole(ctx context.Context, organizationID uuid.UUID, roleName string) error {
	res, err := c.Request(ctx, http.MethodDelete, orgRolesPath(organizationID.String())+"/"+url.PathEscape(roleName), nil)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusNoContent, nil)
}
