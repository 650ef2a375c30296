package codersdk

import (
	"context"
	"net/http"
)

// AuthorizationResponse answers each check of an AuthorizationRequest under
// the same key: true when the caller may do it.
type AuthorizationResponse map[string]bool

// AuthorizationRequest asks several permission questions at once. It is a
// struct rather than a bare map so that it can grow fields.
type AuthorizationRequest struct {
	// Checks is a map keyed with an arbitrary string to a permission check.
	// The key can be any string that is helpful to the caller, and allows
	// multiple permission checks to be run in a single request.
	// The key ensures that each permission check has the same key in the
	// response.
	Checks map[string]AuthorizationCheck `json:"checks"`
}

// AuthorizationCheck is used to check if the currently authenticated user (or the specified user) can do a given action to a given set of objects.
//
// @Description AuthorizationCheck is used to check if the currently authenticated user (or the specified user) can do a given action to a given set of objects.
type AuthorizationCheck struct {
	// Object can represent a "set" of objects, such as: all workspaces in an organization, all workspaces owned by me, and all workspaces across the entire product.
	// When defining an object, use the most specific language when possible to
	// produce the smallest set. Meaning to set as many fields on 'Object' as
	// you can. Example, if you want to check if you can update all workspaces
	// owned by 'me', try to also add an 'OrganizationID' to the settings.
	// Omitting the 'OrganizationID' could produce the incorrect value, as
	// workspaces have both `user` and `organization` owners.
	Object AuthorizationObject `json:"object"`
	// Action is any action the object's resource type supports, not only
	// create/read/update/delete; any other answers 400.
	Action RBACAction `json:"action"`
}

// AuthorizationObject can represent a "set" of objects, such as: all workspaces in an organization, all workspaces owned by me,
// all workspaces across the entire product.
//
// @Description AuthorizationObject can represent a "set" of objects, such as: all workspaces in an organization, all workspaces owned by me,
// @Description all workspaces across the entire product.
type AuthorizationObject struct {
	// ResourceType is the name of the resource.
	// `./rbac/resources.go` has the list of valid resource types.
	ResourceType RBACResource `json:"resource_type"`
	// OwnerID (optional) adds the set constraint to all resources owned by a given user.
	OwnerID string `json:"owner_id,omitempty"`
	// OrganizationID (optional) adds the set constraint to all resources owned by a given organization.
	OrganizationID string `json:"organization_id,omitempty"`
	// ResourceID (optional) reduces the set to a singular resource. This assigns
	// a resource ID to the resource type, eg: a single workspace.
	// The rbac library will not fetch the resource from the database, so if you
	// are using this option, you should also set the owner ID and organization ID
	// if possible. Be as specific as possible using all the fields relevant.
	ResourceID string `json:"resource_id,omitempty"`
	// AnyOrgOwner (optional) will disregard the org_owner when checking for permissions.
	// This cannot be set to true if the OrganizationID is set.
	AnyOrgOwner bool `json:"any_org,omitempty"`
}

// ExternalAPIKeyScopes lists the API key scopes a client may request.
type ExternalAPIKeyScopes struct {
	External []APIKeyScope `json:"external"`
}

// AuthCheck asks whether the client's session may do each of the given
// checks. The answer is per check; a check it may not do is false, not an
// error.
func (c *Client) AuthCheck(ctx context.Context, req AuthorizationRequest) (AuthorizationResponse, error) {
	var resp AuthorizationResponse
	res, err := c.Request(ctx, http.MethodPost, "/api/v2/authcheck", req)
	if err != nil {
		return nil, err
	}
	return resp, decodeJSON(res, http.StatusOK, &resp)
}

// ListAPIKeyScopes lists the API key scopes the server supports.
func (c *Client) ListAPIKeyScopes(ctx context.Context) (ExternalAPIKeyScopes, error) {
	var scopes ExternalAPIKeyScopes
	return scopes, c.getJSON(ctx, "/api/v2/auth/scopes", &scopes)
}
