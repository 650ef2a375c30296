package coderd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// @Summary Get member roles by organization
// @ID get-member-roles-by-organization
// @Security CoderSessionToken
// @Produce json
// @Tags Members
// @Param organization path string true "Organization ID or name"
// @Success 200 {array} codersdk.AssignableRoles
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/members/roles [get]
func (api *API) listOrganizationRoles(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org := httpmw.OrganizationParam(r)
	if !api.authorize(r, rbac.ActionRead, rbac.ResourceAssignOrgRole.InOrg(org.ID)) {
		httpapi.ResourceNotFound(rw)
		return
	}
	custom, err := api.Database.GetCustomRoles(ctx, database.GetCustomRolesParams{OrganizationID: org.ID})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	actorRoles := roleIdentifiers(httpmw.APIKeyAuthorization(r).Subject)
	builtin := rbac.OrganizationBuiltinRoles(org.ID)
	out := make([]codersdk.AssignableRoles, 0, len(builtin)+len(custom))
	for _, role := range builtin {
		out = append(out, codersdk.AssignableRoles{
			Role:       convert.Role(role),
			Assignable: rbac.CanAssignRole(actorRoles, role.Identifier),
			BuiltIn:    true,
		})
	}
	for _, row := range custom {
		role, err := convert.CustomRole(row)
		if err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
		out = append(out, codersdk.AssignableRoles{
			Role:       role,
			Assignable: rbac.CanAssignRole(actorRoles, rbac.RoleIdentifier{Name: row.Name, OrganizationID: org.ID}),
		})
	}
	httpapi.Write(ctx, rw, http.StatusOK, out)
}

// @Summary Insert a custom organization role
// @ID insert-a-custom-organization-role
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Members
// @Param organization path string true "Organization ID or name"
// @Param request body codersdk.CustomRoleRequest true "Insert role request"
// @Success 200 {object} codersdk.Role
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Router /organizations/{organization}/members/roles [post]
func (api *API) postOrganizationRole(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org := httpmw.OrganizationParam(r)
	if !api.authorize(r, rbac.ActionCreate, rbac.ResourceAssignOrgRole.InOrg(org.ID)) {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{
			Message: "You are not allowed to create roles in this organization.",
		})
		return
	}
	var req codersdk.CustomRoleRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	audit.SetResource(ctx, audit.Resource{Target: req.Name})
	perms, ok := api.checkCustomRole(rw, r, org.ID, req)
	if !ok {
		return
	}
	now := dbtime.Now()
	row, err := api.Database.InsertCustomRole(ctx, database.InsertCustomRoleParams{
		ID: uuid.New(), OrganizationID: org.ID, Name: req.Name, DisplayName: req.DisplayName,
		OrgPermissions: perms.org, MemberPermissions: perms.member, CreatedAt: now, UpdatedAt: now,
	})
	if database.IsUniqueViolation(err) {
		httpapi.Write(ctx, rw, http.StatusConflict, codersdk.Response{
			Message:     fmt.Sprintf("A role named %q already exists in this organization.", req.Name),
			Validations: []codersdk.ValidationError{{Field: "name", Detail: "is taken"}},
		})
		return
	}
	if err == nil {
		audit.Created(ctx, row)
	}
	api.writeCustomRole(rw, r, row, err)
}

// @Summary Upsert a custom organization role
// @Description Replaces the display name and permissions of an existing custom
// @Description role (as upstream, it does not create one: a missing role is a 404).
// @ID upsert-a-custom-organization-role
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Members
// @Param organization path string true "Organization ID or name"
// @Param request body codersdk.CustomRoleRequest true "Update role request"
// @Success 200 {object} codersdk.Role
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/members/roles [put]
func (api *API) putOrganizationRole(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org := httpmw.OrganizationParam(r)
	if !api.authorize(r, rbac.ActionUpdate, rbac.ResourceAssignOrgRole.InOrg(org.ID)) {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{
			Message: "You are not allowed to change roles in this organization.",
		})
		return
	}
	var req codersdk.CustomRoleRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	audit.SetResource(ctx, audit.Resource{Target: req.Name})
	perms, ok := api.checkCustomRole(rw, r, org.ID, req)
	if !ok {
		return
	}
	old, err := getCustomRole(ctx, api.Database, org.ID, req.Name)
	if err != nil {
		writeCustomRoleLookupError(rw, r, req.Name, err)
		return
	}
	row, err := api.Database.UpdateCustomRole(ctx, database.UpdateCustomRoleParams{
		OrganizationID: org.ID, Name: req.Name, DisplayName: req.DisplayName,
		OrgPermissions: perms.org, MemberPermissions: perms.member, UpdatedAt: dbtime.Now(),
	})
	if errors.Is(err, database.ErrNoRows) {
		// Deleted between the lookup and the update.
		writeCustomRoleLookupError(rw, r, req.Name, err)
		return
	}
	if err == nil {
		audit.Updated(ctx, old, row)
	}
	api.writeCustomRole(rw, r, row, err)
}

// @Summary Delete a custom organization role
// @ID delete-a-custom-organization-role
// @Security CoderSessionToken
// @Produce json
// @Tags Members
// @Param organization path string true "Organization ID or name"
// @Param roleName path string true "Role name"
// @Success 204
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/members/roles/{roleName} [delete]
func (api *API) deleteOrganizationRole(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org := httpmw.OrganizationParam(r)
	name := httpmw.CustomRoleParam(r).Name
	audit.SetResource(ctx, audit.Resource{Target: name})
	var old database.CustomRole
	// One transaction: a role must never be gone while members still hold
	// it, nor be removed from members and then survive.
	err := api.Database.InTx(ctx, func(tx database.Store) error {
		// Read again in the transaction: the role may have gone since.
		var err error
		if old, err = getCustomRole(ctx, tx, org.ID, name); err != nil {
			return err
		}
		if err := tx.RemoveRoleFromMembers(ctx, database.RemoveRoleFromMembersParams{Name: name, OrganizationID: org.ID}); err != nil {
			return err
		}
		return tx.DeleteCustomRole(ctx, database.DeleteCustomRoleParams{OrganizationID: org.ID, Name: name})
	}, nil)
	switch {
	case errors.Is(err, database.ErrNoRows):
		writeCustomRoleLookupError(rw, r, name, err)
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{
			Message: "You are not allowed to delete roles in this organization.",
		})
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
	default:
		audit.Deleted(ctx, old)
		rw.WriteHeader(http.StatusNoContent)
	}
}

// customRolePermissions are a validated role's permissions as stored.
type customRolePermissions struct {
	org, member json.RawMessage
}

// checkCustomRole validates a custom organization role request and that the
// caller holds every permission it would grant. On failure it answers (400
// for malformed input, 403 for escalation, each naming the fields) and
// returns false. dbauthz refuses escalation again when the role is written;
// checking here first is what lets the answer name the offending fields.
func (*API) checkCustomRole(rw http.ResponseWriter, r *http.Request, orgID uuid.UUID, req codersdk.CustomRoleRequest) (customRolePermissions, bool) {
	ctx := r.Context()
	var v httpapi.Validations
	v.Check("name", httpapi.NameValid(req.Name))
	if rbac.IsBuiltinRole(req.Name) {
		v.Check("name", fmt.Sprintf("%q is the name of a built-in role", req.Name))
	}
	v.Check("display_name", httpapi.DisplayNameValid(req.DisplayName))
	if len(req.SitePermissions) > 0 {
		v.Check("site_permissions", "must be empty: an organization role cannot grant site-wide permissions")
	}
	if len(req.UserPermissions) > 0 {
		v.Check("user_permissions", "must be empty: an organization role cannot grant user permissions; use organization_member_permissions")
	}
	orgPerms := checkPermissions(&v, "organization_permissions", req.OrganizationPermissions)
	memberPerms := checkPermissions(&v, "organization_member_permissions", req.OrganizationMemberPermissions)
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid role.", Validations: v})
		return customRolePermissions{}, false
	}

	actor := httpmw.APIKeyAuthorization(r).Actor
	var denied httpapi.Validations
	grantable := func(field string, perms []rbac.Permission, member bool) {
		for i, p := range perms {
			op := rbac.OrgPermissions{Org: []rbac.Permission{p}}
			level := "in this organization"
			if member {
				op = rbac.OrgPermissions{Member: []rbac.Permission{p}}
				level = "on what you own in this organization"
			}
			err := actor.CanGrant(rbac.Role{ByOrgID: map[uuid.UUID]rbac.OrgPermissions{orgID: op}})
			if err != nil {
				denied.Check(fmt.Sprintf("%s[%d]", field, i), fmt.Sprintf("you do not hold %s %s", p, level))
			}
		}
	}
	grantable("organization_permissions", orgPerms, false)
	grantable("organization_member_permissions", memberPerms, true)
	if len(denied) > 0 {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{
			Message:     "You cannot grant permissions you do not hold yourself: " + denied[0].Detail + ".",
			Validations: denied,
		})
		return customRolePermissions{}, false
	}

	var out customRolePermissions
	var err error
	if out.org, err = json.Marshal(orgPerms); err == nil {
		out.member, err = json.Marshal(memberPerms)
	}
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return customRolePermissions{}, false
	}
	return out, true
}

// checkPermissions converts permissions, adding a validation for each one
// that names an unknown resource or action, is negated, or uses a wildcard
// (a wildcard would silently grow with every resource added later).
func checkPermissions(v *httpapi.Validations, field string, in []codersdk.Permission) []rbac.Permission {
	out := make([]rbac.Permission, 0, len(in))
	for i, p := range in {
		perm := rbac.Permission{Negate: p.Negate, ResourceType: string(p.ResourceType), Action: rbac.Action(p.Action)}
		name := fmt.Sprintf("%s[%d]", field, i)
		switch err := perm.Valid(); {
		case err != nil:
			v.Check(name, err.Error())
		case perm.ResourceType == rbac.WildcardSymbol || perm.Action == rbac.WildcardSymbol:
			v.Check(name, "wildcards cannot be granted: name each resource type and action")
		case perm.Negate:
			v.Check(name, "negative permissions cannot be granted")
		default:
			out = append(out, perm)
		}
	}
	return out
}

// getCustomRole returns one custom role of an organization, or
// database.ErrNoRows.
func getCustomRole(ctx context.Context, db database.Store, orgID uuid.UUID, name string) (database.CustomRole, error) {
	rows, err := db.GetCustomRoles(ctx, database.GetCustomRolesParams{
		OrganizationID: orgID,
		Lookup:         []string{rbac.RoleIdentifier{Name: name, OrganizationID: orgID}.String()},
	})
	if err != nil {
		return database.CustomRole{}, err
	}
	if len(rows) == 0 {
		return database.CustomRole{}, database.ErrNoRows
	}
	return rows[0], nil
}

func writeCustomRoleLookupError(rw http.ResponseWriter, r *http.Request, name string, err error) {
	if httpapi.IsUnauthorizedOrNotFound(err) {
		httpapi.Write(r.Context(), rw, http.StatusNotFound, codersdk.Response{
			Message: fmt.Sprintf("No custom role named %q in this organization.", name),
		})
		return
	}
	httpapi.WriteError(r.Context(), rw, err)
}

// writeCustomRole answers with the role a write returned, or with the
// write's error.
func (*API) writeCustomRole(rw http.ResponseWriter, r *http.Request, row database.CustomRole, err error) {
	ctx := r.Context()
	switch {
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{
			Message: "You are not allowed to write this role.",
			Detail:  err.Error(),
		})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	role, err := convert.CustomRole(row)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, role)
}
