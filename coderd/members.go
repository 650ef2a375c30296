package coderd

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"

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

// organizationRoleNames looks up the display names of the organization's
// roles. Custom roles cost one query, made only when some name is not
// built in; roles the caller may not read keep their bare name.
func organizationRoleNames(ctx context.Context, db database.Store, orgID uuid.UUID, names []string) (convert.OrgRoleNames, error) {
	out := convert.OrgRoleNames{}
	for _, role := range rbac.OrganizationBuiltinRoles(orgID) {
		out[role.Identifier.Name] = role.DisplayName
	}
	needCustom := slices.ContainsFunc(names, func(n string) bool { _, ok := out[n]; return !ok })
	if !needCustom {
		return out, nil
	}
	custom, err := db.GetCustomRoles(ctx, database.GetCustomRolesParams{OrganizationID: orgID})
	if err != nil {
		return nil, err
	}
	for _, c := range custom {
		out[c.Name] = c.DisplayName
	}
	return out, nil
}

// loadMembers converts members of one organization, loading the display
// names of their roles.
func loadMembers(ctx context.Context, db database.Store, orgID uuid.UUID, rows []database.GetOrganizationMembersRow) ([]codersdk.OrganizationMemberWithUserData, error) {
	var all []string
	for _, row := range rows {
		all = append(all, row.OrganizationMember.Roles...)
	}
	names, err := organizationRoleNames(ctx, db, orgID, all)
	if err != nil {
		return nil, err
	}
	out := make([]codersdk.OrganizationMemberWithUserData, 0, len(rows))
	for _, row := range rows {
		out = append(out, codersdk.OrganizationMemberWithUserData{
			Username:           row.Username,
			Name:               row.Name,
			AvatarURL:          row.AvatarUrl,
			Email:              row.Email,
			GlobalRoles:        convert.SlimSiteRoles(row.GlobalRoles),
			OrganizationMember: names.Member(row.OrganizationMember),
			LastSeenAt:         row.LastSeenAt,
			Status:             codersdk.UserStatus(row.Status),
			LoginType:          codersdk.LoginType(row.LoginType),
			UserCreatedAt:      row.UserCreatedAt,
			UserUpdatedAt:      row.UserUpdatedAt,
		})
	}
	return out, nil
}

// writeMember answers with one membership.
func writeMember(rw http.ResponseWriter, r *http.Request, db database.Store, status int, m database.OrganizationMember) {
	ctx := r.Context()
	names, err := organizationRoleNames(ctx, db, m.OrganizationID, m.Roles)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, status, names.Member(m))
}

// @Summary List organization members
// @ID list-organization-members
// @Security CoderSessionToken
// @Produce json
// @Tags Members
// @Param organization path string true "Organization ID or name"
// @Success 200 {array} codersdk.OrganizationMemberWithUserData
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/members [get]
func (api *API) listMembers(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org := httpmw.OrganizationParam(r)
	rows, err := api.Database.GetOrganizationMembers(ctx, database.GetOrganizationMembersParams{OrganizationID: org.ID})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	members, err := loadMembers(ctx, api.Database, org.ID, rows)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, members)
}

// @Summary Paginated organization members
// @ID paginated-organization-members
// @Security CoderSessionToken
// @Produce json
// @Tags Members
// @Param organization path string true "Organization ID or name"
// @Param limit query int false "Page limit, if 0 returns the server's maximum page"
// @Param offset query int false "Page offset"
// @Success 200 {object} codersdk.PaginatedMembersResponse
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/paginated-members [get]
func (api *API) paginatedMembers(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org := httpmw.OrganizationParam(r)
	page, errs := httpapi.ParsePagination(r)
	if len(errs) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid pagination.", Validations: errs})
		return
	}
	params := database.GetOrganizationMembersParams{OrganizationID: org.ID, OffsetOpt: page.Offset, LimitOpt: page.Limit}
	rows, err := api.Database.GetOrganizationMembers(ctx, params)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	count := 0
	if len(rows) > 0 {
		count = int(rows[0].Count)
	} else if page.Offset > 0 {
		// A page past the end still reports how many members there are.
		params.OffsetOpt, params.LimitOpt = 0, 1
		first, err := api.Database.GetOrganizationMembers(ctx, params)
		if err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
		if len(first) > 0 {
			count = int(first[0].Count)
		}
	}
	members, err := loadMembers(ctx, api.Database, org.ID, rows)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.PaginatedMembersResponse{Members: members, Count: count})
}

// @Summary Add organization member
// @ID add-organization-member
// @Security CoderSessionToken
// @Produce json
// @Tags Members
// @Param organization path string true "Organization ID or name"
// @Param user path string true "User ID, username, or me"
// @Success 200 {object} codersdk.OrganizationMember
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Router /organizations/{organization}/members/{user} [post]
func (api *API) postOrganizationMember(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org := httpmw.OrganizationParam(r)
	user := httpmw.UserParam(r)
	now := dbtime.Now()
	member, err := api.Database.InsertOrganizationMember(ctx, database.InsertOrganizationMemberParams{
		OrganizationID: org.ID, UserID: user.ID, CreatedAt: now, UpdatedAt: now, Roles: []string{},
	})
	switch {
	case database.IsUniqueViolation(err, "organization_members_pkey"):
		httpapi.Write(ctx, rw, http.StatusConflict, codersdk.Response{
			Message: fmt.Sprintf("User %q is already a member of organization %q.", user.Username, org.Name),
		})
		return
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to add members to this organization."})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	auditMember(ctx, user, nil, member)
	writeMember(rw, r, api.Database, http.StatusOK, member)
}

// getMember loads the {user}'s membership of the {organization}, answering
// 404 when there is none the caller may see.
func (api *API) getMember(rw http.ResponseWriter, r *http.Request) (database.OrganizationMember, bool) {
	org := httpmw.OrganizationParam(r)
	user := httpmw.UserParam(r)
	m, err := api.Database.GetOrganizationMember(r.Context(), database.GetOrganizationMemberParams{OrganizationID: org.ID, UserID: user.ID})
	if httpapi.IsUnauthorizedOrNotFound(err) {
		httpapi.Write(r.Context(), rw, http.StatusNotFound, codersdk.Response{
			Message: fmt.Sprintf("User %q is not a member of organization %q.", user.Username, org.Name),
		})
		return database.OrganizationMember{}, false
	}
	if err != nil {
		httpapi.WriteError(r.Context(), rw, err)
		return database.OrganizationMember{}, false
	}
	return m, true
}

// @Summary Remove organization member
// @ID remove-organization-member
// @Security CoderSessionToken
// @Tags Members
// @Param organization path string true "Organization ID or name"
// @Param user path string true "User ID, username, or me"
// @Success 204
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/members/{user} [delete]
func (api *API) deleteOrganizationMember(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org := httpmw.OrganizationParam(r)
	auth := httpmw.APIKeyAuthorization(r)
	member, ok := api.getMember(rw, r)
	if !ok {
		return
	}
	if member.UserID == auth.Key.UserID {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "You cannot remove yourself from an organization."})
		return
	}
	// Removing a member takes its roles away, so it needs the right to
	// unassign each of them: nobody removes those above it.
	if role, ok := outranksInOrg(member, auth.Subject); ok {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{
			Message: fmt.Sprintf("You cannot remove a member with the %q role: you could not assign it.", role),
		})
		return
	}
	err := api.Database.InTx(ctx, func(tx database.Store) error {
		// Explicit group memberships in the organization go with the
		// membership; "Everyone" follows it by itself.
		groups, err := tx.GetGroups(ctx, database.GetGroupsParams{OrganizationID: org.ID, HasMemberID: member.UserID})
		if err != nil {
			return err
		}
		if err := tx.DeleteOrganizationMember(ctx, database.DeleteOrganizationMemberParams{
			OrganizationID: org.ID, UserID: member.UserID,
		}); err != nil {
			return err
		}
		for _, g := range groups {
			if g.ID == org.ID {
				continue
			}
			if err := tx.DeleteGroupMember(ctx, database.DeleteGroupMemberParams{GroupID: g.ID, UserID: member.UserID}); err != nil {
				return err
			}
		}
		return nil
	}, nil)
	if dbauthz.IsNotAuthorizedError(err) {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to remove members from this organization."})
		return
	}
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	auditMember(ctx, httpmw.UserParam(r), member, nil)
	rw.WriteHeader(http.StatusNoContent)
}

// outranksInOrg returns an organization role of the member that actor could
// not assign, if any.
func outranksInOrg(m database.OrganizationMember, actor rbac.Subject) (string, bool) {
	actorRoles := roleIdentifiers(actor)
	for _, name := range m.Roles {
		if !rbac.CanAssignRole(actorRoles, rbac.RoleIdentifier{Name: name, OrganizationID: m.OrganizationID}) {
			return name, true
		}
	}
	return "", false
}

// @Summary Assign role to organization member
// @ID assign-role-to-organization-member
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Members
// @Param organization path string true "Organization ID or name"
// @Param user path string true "User ID, username, or me"
// @Param request body codersdk.UpdateRoles true "Update roles request"
// @Success 200 {object} codersdk.OrganizationMember
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/members/{user}/roles [put]
func (api *API) putMemberRoles(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org := httpmw.OrganizationParam(r)
	auth := httpmw.APIKeyAuthorization(r)
	var req codersdk.UpdateRoles
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	member, ok := api.getMember(rw, r)
	if !ok {
		return
	}
	if member.UserID == auth.Key.UserID {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: "You cannot change your own organization roles.",
			Detail:  "Another user with the appropriate permissions must change your roles.",
		})
		return
	}

	names, err := organizationRoleNames(ctx, api.Database, org.ID, req.Roles)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	wanted, v := wantedOrgRoles(req.Roles, org.ID, names)
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid roles.", Validations: v})
		return
	}

	// Every role added or removed must be one the actor may assign, so no
	// one grants more than it holds.
	actorRoles := roleIdentifiers(auth.Subject)
	for _, name := range symmetricDifference(member.Roles, wanted) {
		if !rbac.CanAssignRole(actorRoles, rbac.RoleIdentifier{Name: name, OrganizationID: org.ID}) {
			httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{
				Message: fmt.Sprintf("You are not allowed to assign or remove the role %q.", name),
			})
			return
		}
	}

	updated, err := api.Database.UpdateMemberRoles(ctx, database.UpdateMemberRolesParams{
		OrganizationID: org.ID, UserID: member.UserID, Roles: wanted, UpdatedAt: dbtime.Now(),
	})
	if dbauthz.IsNotAuthorizedError(err) {
		httpapi.Forbidden(rw)
		return
	}
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	auditMember(ctx, httpmw.UserParam(r), member, updated)
	httpapi.Write(ctx, rw, http.StatusOK, names.Member(updated))
}

// wantedOrgRoles reads the organization roles a member should have from
// the names (or "name:organization_id" identifiers) given, dropping the
// implicit member role and duplicates; known are the organization's roles.
func wantedOrgRoles(given []string, orgID uuid.UUID, known convert.OrgRoleNames) ([]string, httpapi.Validations) {
	var v httpapi.Validations
	wanted := []string{}
	for _, raw := range given {
		name := raw
		// Accept the "name:organization_id" form clients get from
		// SlimRole.UniqueName, for this organization only.
		if id, err := rbac.ParseRoleIdentifier(raw); err == nil && id.IsOrgRole() {
			if id.OrganizationID != orgID {
				v.Check("roles", fmt.Sprintf("%q belongs to another organization", raw))
				continue
			}
			name = id.Name
		} else if strings.Contains(raw, ":") {
			v.Check("roles", fmt.Sprintf("%q is not a role name", raw))
			continue
		}
		if name == rbac.RoleOrgMember() {
			continue // implicit for every member; never stored
		}
		if _, ok := known[name]; !ok {
			v.Check("roles", fmt.Sprintf("%q is not a role of this organization", raw))
			continue
		}
		if !slices.Contains(wanted, name) {
			wanted = append(wanted, name)
		}
	}
	return wanted, v
}

// @Summary Get users available for workspace creation
// @Description Lists the members of the organization the caller may create
// @Description workspaces for: every member when it may create workspaces for
// @Description any owner there, else only itself.
// @ID get-users-available-for-workspace-creation
// @Security CoderSessionToken
// @Produce json
// @Tags Workspaces
// @Param organization path string true "Organization ID or name"
// @Param user path string true "User ID, username, or me"
// @Param q query string false "Search query: free text matched against username, name and email"
// @Param limit query int false "Limit results"
// @Param offset query int false "Offset for pagination"
// @Success 200 {array} codersdk.MinimalUser
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/members/{user}/workspaces/available-users [get]
func (api *API) workspaceAvailableUsers(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org := httpmw.OrganizationParam(r)
	page, errs := httpapi.ParsePagination(r)
	if len(errs) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid pagination.", Validations: errs})
		return
	}
	rows, err := api.Database.GetWorkspaceOwnerCandidates(ctx, database.GetWorkspaceOwnerCandidatesParams{
		OrganizationID: org.ID,
		Search:         strings.TrimSpace(r.URL.Query().Get("q")),
		OffsetOpt:      page.Offset,
		LimitOpt:       page.Limit,
	})
	if dbauthz.IsNotAuthorizedError(err) {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{
			Message: "You are not allowed to create workspaces in this organization.",
		})
		return
	}
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	users := make([]codersdk.MinimalUser, 0, len(rows))
	for _, u := range rows {
		users = append(users, codersdk.MinimalUser{ID: u.ID, Username: u.Username, Name: u.Name, AvatarURL: u.AvatarUrl})
	}
	httpapi.Write(ctx, rw, http.StatusOK, users)
}
