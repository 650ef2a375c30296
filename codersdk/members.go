package codersdk

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/google/uuid"
)

// DefaultOrganization names the default organization wherever an
// {organization} path segment is accepted, next to an ID or a name. No
// organization may take it as its name.
const DefaultOrganization = "default"

// PaginatedMembersRequest selects one page of an organization's members.
type PaginatedMembersRequest struct {
	OrganizationID uuid.UUID `json:"organization_id" format:"uuid"`
	// Limit caps the page; 0 asks for the server's maximum.
	Limit  int `json:"limit,omitempty"`
	Offset int `json:"offset,omitempty"`
}

// PaginatedMembersResponse is one page of an organization's members and how
// many members there are in all.
type PaginatedMembersResponse struct {
	Members []OrganizationMemberWithUserData `json:"members"`
	Count   int                              `json:"count"`
}

// organizationPath builds /api/v2/organizations/{organization} plus optional
// further segments. org is an ID, a name or DefaultOrganization.
func organizationPath(org string, rest ...string) string {
	p := "/api/v2/organizations/" + url.PathEscape(org)
	for _, seg := range rest {
		p += "/" + url.PathEscape(seg)
	}
	return p
}

// Organizations lists the organizations the caller may read.
func (c *Client) Organizations(ctx context.Context) ([]Organization, error) {
	var orgs []Organization
	return orgs, c.getJSON(ctx, "/api/v2/organizations", &orgs)
}

// Organization returns one organization by ID.
func (c *Client) Organization(ctx context.Context, id uuid.UUID) (Organization, error) {
	return c.OrganizationByName(ctx, id.String())
}

// OrganizationByName returns one organization by name (an ID or
// DefaultOrganization work too).
func (c *Client) OrganizationByName(ctx context.Context, name string) (Organization, error) {
	var org Organization
	return org, c.getJSON(ctx, organizationPath(name), &org)
}

// CreateOrganization creates an organization with the caller as its admin.
func (c *Client) CreateOrganization(ctx context.Context, req CreateOrganizationRequest) (Organization, error) {
	var org Organization
	res, err := c.Request(ctx, http.MethodPost, "/api/v2/organizations", req)
	if err != nil {
		return org, err
	}
	return org, decodeJSON(res, http.StatusCreated, &org)
}

// UpdateOrganization changes the fields set in req and leaves the others.
func (c *Client) UpdateOrganization(ctx context.Context, org string, req UpdateOrganizationRequest) (Organization, error) {
	var out Organization
	res, err := c.Request(ctx, http.MethodPatch, organizationPath(org), req)
	if err != nil {
		return out, err
	}
	return out, decodeJSON(res, http.StatusOK, &out)
}

// DeleteOrganization deletes an organization. The default organization
// cannot be deleted.
func (c *Client) DeleteOrganization(ctx context.Context, org string) error {
	res, err := c.Request(ctx, http.MethodDelete, organizationPath(org), nil)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusOK, nil)
}

// OrganizationsByUser lists the organizations a user belongs to that the
// caller may read.
func (c *Client) OrganizationsByUser(ctx context.Context, user string) ([]Organization, error) {
	var orgs []Organization
	return orgs, c.getJSON(ctx, userPath(user, "organizations"), &orgs)
}

// OrganizationByUserAndName returns an organization by name if the user
// belongs to it.
func (c *Client) OrganizationByUserAndName(ctx context.Context, user, name string) (Organization, error) {
	var org Organization
	return org, c.getJSON(ctx, userPath(user, "organizations", url.PathEscape(name)), &org)
}

// OrganizationMembers lists every member of an organization the caller may
// see.
func (c *Client) OrganizationMembers(ctx context.Context, organizationID uuid.UUID) ([]OrganizationMemberWithUserData, error) {
	var members []OrganizationMemberWithUserData
	return members, c.getJSON(ctx, organizationPath(organizationID.String(), "members"), &members)
}

// OrganizationMembersPaginated returns one page of an organization's
// members.
func (c *Client) OrganizationMembersPaginated(ctx context.Context, req PaginatedMembersRequest) (PaginatedMembersResponse, error) {
	var resp PaginatedMembersResponse
	opts := []RequestOption{}
	if req.Limit > 0 {
		opts = append(opts, WithQueryParam("limit", strconv.Itoa(req.Limit)))
	}
	if req.Offset > 0 {
		opts = append(opts, WithQueryParam("offset", strconv.Itoa(req.Offset)))
	}
	return resp, c.getJSON(ctx, organizationPath(req.OrganizationID.String(), "paginated-members"), &resp, opts...)
}

// PostOrganizationMember adds a user to an organization.
func (c *Client) PostOrganizationMember(ctx context.Context, organizationID uuid.UUID, user string) (OrganizationMember, error) {
	var member OrganizationMember
	res, err := c.Request(ctx, http.MethodPost, organizationPath(organizationID.String(), "members", user), nil)
	if err != nil {
		return member, err
	}
	return member, decodeJSON(res, http.StatusOK, &member)
}

// DeleteOrganizationMember removes a user from an organization.
func (c *Client) DeleteOrganizationMember(ctx context.Context, organizationID uuid.UUID, user string) error {
	res, err := c.Request(ctx, http.MethodDelete, organizationPath(organizationID.String(), "members", user), nil)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusNoContent, nil)
}

// UpdateOrganizationMemberRoles replaces a member's organization roles. Pass
// every role the member should keep.
func (c *Client) UpdateOrganizationMemberRoles(ctx context.Context, organizationID uuid.UUID, user string, req UpdateRoles) (OrganizationMember, error) {
	var member OrganizationMember
	res, err := c.Request(ctx, http.MethodPut, organizationPath(organizationID.String(), "members", user, "roles"), req)
	if err != nil {
		return member, err
	}
	return member, decodeJSON(res, http.StatusOK, &member)
}

// WorkspaceAvailableUsers lists the members of an organization the caller
// may create workspaces for: everyone when it may create them for any
// owner, else only itself. query filters on username, name and email.
func (c *Client) WorkspaceAvailableUsers(ctx context.Context, organizationID uuid.UUID, user, query string, page Pagination) ([]MinimalUser, error) {
	var users []MinimalUser
	return users, c.getJSON(ctx, organizationPath(organizationID.String(), "members", user, "workspaces", "available-users"), &users,
		WithQueryParam("q", query), page.AsRequestOption())
}
