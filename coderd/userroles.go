package coderd

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// A user's site-wide roles: reading them, assigning them, and which the
// caller may assign.

// @Summary Get user roles
// @ID get-user-roles
// @Security CoderSessionToken
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Success 200 {object} codersdk.UserRoles
// @Router /users/{user}/roles [get]
func (api *API) userRoles(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	user := httpmw.UserParam(r)
	resp := codersdk.UserRoles{
		Roles:             append([]string{}, user.RbacRoles...),
		OrganizationRoles: map[uuid.UUID][]string{},
	}
	rows, err := api.Database.GetOrganizationIDsByMemberIDs(ctx, []uuid.UUID{user.ID})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	for _, row := range rows {
		for _, orgID := range row.OrganizationIds {
			resp.OrganizationRoles[orgID] = []string{}
		}
	}
	httpapi.Write(ctx, rw, http.StatusOK, resp)
}

// @Summary Assign role to user
// @ID assign-role-to-user
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Param request body codersdk.UpdateRoles true "Update roles request"
// @Success 200 {object} codersdk.User
// @Failure 400 {object} codersdk.Response
// @Router /users/{user}/roles [put]
func (api *API) putUserRoles(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	user := httpmw.UserParam(r)
	auth := httpmw.APIKeyAuthorization(r)
	var req codersdk.UpdateRoles
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	if user.ID == auth.Key.UserID {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "You cannot change your own roles."})
		return
	}

	var v httpapi.Validations
	wanted := []string{}
	for _, name := range req.Roles {
		if name == rbac.RoleMember().Name {
			continue // implicit for everyone; never stored
		}
		if _, err := rbac.BuiltinRole(rbac.RoleIdentifier{Name: name}); err != nil {
			v.Check("roles", fmt.Sprintf("%q is not a site role", name))
			continue
		}
		if !slices.Contains(wanted, name) {
			wanted = append(wanted, name)
		}
	}
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid roles.", Validations: v})
		return
	}

	// Every role added or removed must be one the actor may assign: granting
	// is bounded by what the actor holds, so no one escalates.
	actorRoles := roleIdentifiers(auth.Subject)
	for _, name := range symmetricDifference(user.RbacRoles, wanted) {
		if !rbac.CanAssignRole(actorRoles, rbac.RoleIdentifier{Name: name}) {
			httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{
				Message: fmt.Sprintf("You are not allowed to assign or remove the role %q.", name),
			})
			return
		}
	}

	updated, err := api.Database.UpdateUserRoles(ctx, database.UpdateUserRolesParams{ID: user.ID, RbacRoles: wanted, UpdatedAt: dbtime.Now()})
	if dbauthz.IsNotAuthorizedError(err) {
		httpapi.Forbidden(rw)
		return
	}
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	api.writeUser(rw, r, updated)
}

func roleIdentifiers(s rbac.Subject) []rbac.RoleIdentifier {
	out := make([]rbac.RoleIdentifier, 0, len(s.Roles))
	for _, r := range s.Roles {
		out = append(out, r.Identifier)
	}
	return out
}

// outranks returns a site role of target that actor could not assign, if
// any. Taking over or removing such a user would let the actor escalate
// (reset an owner's password, then log in as the owner) or lock out those
// above it.
func outranks(target database.User, actor rbac.Subject) (string, bool) {
	actorRoles := roleIdentifiers(actor)
	for _, name := range target.RbacRoles {
		if !rbac.CanAssignRole(actorRoles, rbac.RoleIdentifier{Name: name}) {
			return name, true
		}
	}
	return "", false
}

// symmetricDifference lists the names in exactly one of a and b.
func symmetricDifference(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, x)
		}
	}
	return out
}

// @Summary Get site member roles
// @ID get-site-member-roles
// @Security CoderSessionToken
// @Produce json
// @Tags Members
// @Success 200 {array} codersdk.AssignableRoles
// @Router /users/roles [get]
func (*API) assignableSiteRoles(rw http.ResponseWriter, r *http.Request) {
	auth := httpmw.APIKeyAuthorization(r)
	actorRoles := roleIdentifiers(auth.Subject)
	roles := rbac.SiteBuiltinRoles()
	out := make([]codersdk.AssignableRoles, 0, len(roles))
	for _, role := range roles {
		if role.Identifier == rbac.RoleMember() {
			continue // implied for everyone and never assigned, as upstream
		}
		out = append(out, codersdk.AssignableRoles{
			Role:       convert.Role(role),
			Assignable: rbac.CanAssignRole(actorRoles, role.Identifier),
			BuiltIn:    true,
		})
	}
	httpapi.Write(r.Context(), rw, http.StatusOK, out)
}
