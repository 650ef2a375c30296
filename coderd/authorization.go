package coderd

import (
	"fmt"
	"net/http"
	"sort"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/rbac"
)

// @Summary Check authorization
// @Description Answers, for each check, whether the caller's session (its
// @Description user's roles and the key's scope) may do the action on the object.
// @Description Objects are described, never loaded: set every field you know.
// @ID check-authorization
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Authorization
// @Param request body codersdk.AuthorizationRequest true "Authorization request"
// @Success 200 {object} codersdk.AuthorizationResponse
// @Failure 400 {object} codersdk.Response
// @Router /authcheck [post]
func (*API) checkAuthorization(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	var req codersdk.AuthorizationRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}

	// Validate every check before answering any, in a stable order so the
	// same request always gets the same validations.
	keys := make([]string, 0, len(req.Checks))
	for k := range req.Checks {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	resources := rbac.Resources()
	var v httpapi.Validations
	objects := make(map[string]rbac.Object, len(req.Checks))
	for _, k := range keys {
		obj, problems := authorizationObject(req.Checks[k], resources, auth.Subject.ID)
		for _, p := range problems {
			v.Check(fmt.Sprintf("checks.%s.%s", k, p.Field), p.Detail)
		}
		objects[k] = obj
	}
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid authorization checks.", Validations: v})
		return
	}

	resp := make(codersdk.AuthorizationResponse, len(req.Checks))
	for _, k := range keys {
		resp[k] = auth.Actor.Authorize(rbac.Action(req.Checks[k].Action), objects[k]) == nil
	}
	httpapi.Write(ctx, rw, http.StatusOK, resp)
}

// authorizationObject turns one check into the object it asks about, or
// explains what is wrong with it (fields relative to the check).
func authorizationObject(check codersdk.AuthorizationCheck, resources map[string]rbac.ResourceDef, me uuid.UUID) (rbac.Object, []codersdk.ValidationError) {
	var problems []codersdk.ValidationError
	bad := func(field, detail string) {
		problems = append(problems, codersdk.ValidationError{Field: field, Detail: detail})
	}
	o := check.Object
	def, known := resources[string(o.ResourceType)]
	switch {
	case o.ResourceType == "":
		bad("object.resource_type", "is required")
	case !known:
		bad("object.resource_type", fmt.Sprintf("%q is not a resource type", o.ResourceType))
	default:
		if _, ok := def.Actions[rbac.Action(check.Action)]; !ok {
			bad("action", fmt.Sprintf("%q is not an action of resource type %q", check.Action, o.ResourceType))
		}
	}
	parseID := func(field, s string) uuid.UUID {
		if s == "" {
			return uuid.Nil
		}
		id, err := uuid.Parse(s)
		if err != nil {
			bad(field, "must be a UUID")
		}
		return id
	}

	obj := rbac.Object{Type: string(o.ResourceType)}
	if o.OwnerID == codersdk.Me {
		obj.Owner = me
	} else {
		obj.Owner = parseID("object.owner_id", o.OwnerID)
	}
	obj.OrgID = parseID("object.organization_id", o.OrganizationID)
	obj.ID = parseID("object.resource_id", o.ResourceID)
	if o.AnyOrgOwner {
		if o.OrganizationID != "" {
			bad("object.any_org", "cannot be set together with organization_id")
		}
		obj = obj.AnyOrganization()
	}
	return obj, problems
}

// @Summary List API key scopes
// @ID list-api-key-scopes
// @Security CoderSessionToken
// @Produce json
// @Tags Authorization
// @Success 200 {object} codersdk.ExternalAPIKeyScopes
// @Router /auth/scopes [get]
func (*API) authScopes(rw http.ResponseWriter, r *http.Request) {
	httpapi.Write(r.Context(), rw, http.StatusOK, codersdk.ExternalAPIKeyScopes{
		External: []codersdk.APIKeyScope{rbac.ScopeAll, rbac.ScopeApplicationConnect},
	})
}
