package codersdk

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/google/uuid"
)

// GroupSource says where a group's membership comes from.
type GroupSource string

const (
	// GroupSourceUser groups are managed through the API.
	GroupSourceUser GroupSource = "user"
	// GroupSourceOIDC groups are synced from an identity provider.
	GroupSourceOIDC GroupSource = "oidc"
)

// EveryoneGroup is the name of the group every organization has, whose ID
// is the organization's ID and whose members are the organization's members.
const EveryoneGroup = "Everyone"

// CreateGroupRequest is the body of POST /organizations/{organization}/groups.
type CreateGroupRequest struct {
	Name           string `json:"name" validate:"required"`
	DisplayName    string `json:"display_name"`
	AvatarURL      string `json:"avatar_url"`
	QuotaAllowance int    `json:"quota_allowance"`
}

// Group is a named set of users inside one organization.
type Group struct {
	ID             uuid.UUID     `json:"id" format:"uuid"`
	Name           string        `json:"name"`
	DisplayName    string        `json:"display_name"`
	OrganizationID uuid.UUID     `json:"organization_id" format:"uuid"`
	Members        []ReducedUser `json:"members"`
	// How many members are in this group. Shows the total count,
	// even if the user is not authorized to read group member details.
	// May be greater than `len(Group.Members)`.
	TotalMemberCount        int         `json:"total_member_count"`
	AvatarURL               string      `json:"avatar_url" format:"uri"`
	QuotaAllowance          int         `json:"quota_allowance"`
	Source                  GroupSource `json:"source" enums:"user,oidc"`
	OrganizationName        string      `json:"organization_name"`
	OrganizationDisplayName string      `json:"organization_display_name"`
}

// IsEveryone reports whether g is its organization's "Everyone" group.
func (g Group) IsEveryone() bool {
	return g.ID == g.OrganizationID
}

// PatchGroupRequest is the body of PATCH /groups/{group}. Fields left out
// keep their value.
type PatchGroupRequest struct {
	// AddUsers and RemoveUsers are user IDs.
	AddUsers       []string `json:"add_users"`
	RemoveUsers    []string `json:"remove_users"`
	Name           string   `json:"name"`
	DisplayName    *string  `json:"display_name"`
	AvatarURL      *string  `json:"avatar_url"`
	QuotaAllowance *int     `json:"quota_allowance"`
}

// GroupArguments filter GET /groups.
type GroupArguments struct {
	// Organization can be an organization ID or name.
	Organization string
	// HasMember can be a user ID, a username or Me.
	HasMember string
}

func groupPath(id uuid.UUID) string {
	return "/api/v2/groups/" + id.String()
}

func orgGroupsPath(orgID uuid.UUID) string {
	return fmt.Sprintf("/api/v2/organizations/%s/groups", orgID)
}

// CreateGroup creates a group in an organization.
func (c *Client) CreateGroup(ctx context.Context, orgID uuid.UUID, req CreateGroupRequest) (Group, error) {
	var g Group
	res, err := c.Request(ctx, http.MethodPost, orgGroupsPath(orgID), req)
	if err != nil {
		return g, err
	}
	return g, decodeJSON(res, http.StatusCreated, &g)
}

// GroupsByOrganization lists the groups of one organization that the caller
// may read.
func (c *Client) GroupsByOrganization(ctx context.Context, orgID uuid.UUID) ([]Group, error) {
	var groups []Group
	return groups, c.getJSON(ctx, orgGroupsPath(orgID), &groups)
}

// GroupByOrgAndName returns a group by its name (matched case-insensitively).
func (c *Client) GroupByOrgAndName(ctx context.Context, orgID uuid.UUID, name string) (Group, error) {
	var g Group
	return g, c.getJSON(ctx, orgGroupsPath(orgID)+"/"+url.PathEscape(name), &g)
}

// Groups lists the groups the caller may read, across organizations.
func (c *Client) Groups(ctx context.Context, args GroupArguments) ([]Group, error) {
	var groups []Group
	return groups, c.getJSON(ctx, "/api/v2/groups", &groups,
		WithQueryParam("organization", args.Organization),
		WithQueryParam("has_member", args.HasMember),
	)
}

// Group returns a group by ID.
func (c *Client) Group(ctx context.Context, group uuid.UUID) (Group, error) {
	var g Group
	return g, c.getJSON(ctx, groupPath(group), &g)
}

// PatchGroup changes a group's fields and members.
func (c *Client) PatchGroup(ctx context.Context, group uuid.UUID, req PatchGroupRequest) (Group, error) {
	var g Group
	res, err := c.Request(ctx, http.MethodPatch, groupPath(group), req)
	if err != nil {
		return g, err
	}
	return g, decodeJSON(res, http.StatusOK, &g)
}

// DeleteGroup deletes a group. The Everyone group cannot be deleted.
func (c *Client) DeleteGroup(ctx context.Context, group uuid.UUID) error {
	res, err := c.Request(ctx, http.MethodDelete, groupPath(group), nil)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusOK, nil)
}
