package coderd

import (
	"encoding/json"
	"net/http"
	"sort"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/rbac"
)

// @Summary Get template ACLs
// @Description The users and groups a template's ACL names, with their
// @Description role. Only those who may change the template may read it.
// @ID get-template-acls
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param template path string true "Template ID" format(uuid)
// @Success 200 {object} codersdk.TemplateACL
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templates/{template}/acl [get]
func (api *API) templateACL(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	t := httpmw.TemplateParam(r)
	// Policy: who has access is for those who administer the template;
	// dbauthz let the caller read the template row, ACL columns included.
	if auth.Actor.Authorize(rbac.ActionUpdate, t.RBACObject()) != nil {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to read this template's permissions."})
		return
	}
	out := codersdk.TemplateACL{Users: []codersdk.TemplateUser{}, Groups: []codersdk.TemplateGroup{}}

	userACL := database.ParseACL(t.UserAcl)
	users := make([]database.User, 0, len(userACL))
	for id := range userACL {
		u, err := api.Database.GetUserByID(ctx, id)
		if httpapi.IsUnauthorizedOrNotFound(err) || (err == nil && u.Deleted) {
			continue // a deleted user keeps no access worth showing
		}
		if err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
		users = append(users, u)
	}
	converted, err := loadUsers(ctx, api.Database, users)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	for _, u := range converted {
		out.Users = append(out.Users, codersdk.TemplateUser{User: u, Role: templateRoleOf(userACL[u.ID])})
	}
	sort.Slice(out.Users, func(i, j int) bool { return out.Users[i].Username < out.Users[j].Username })

	out.Groups, err = aclGroups(ctx, api, database.ParseACL(t.GroupAcl), func(g codersdk.Group, actions []rbac.Action) codersdk.TemplateGroup {
		return codersdk.TemplateGroup{Group: g, Role: templateRoleOf(actions)}
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, out)
}

// @Summary Update template ACL
// @Description Sets or removes entries: keys are user or group IDs, values
// @Description "use", "admin", or "" to remove. Users must be members of
// @Description the template's organization and groups must belong to it.
// @ID update-template-acl
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Templates
// @Param template path string true "Template ID" format(uuid)
// @Param request body codersdk.UpdateTemplateACL true "Update template ACL request"
// @Success 200 {object} codersdk.Response
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templates/{template}/acl [patch]
func (api *API) patchTemplateACL(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	t := httpmw.TemplateParam(r)
	var req codersdk.UpdateTemplateACL
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	// dbauthz checks this on the ACL update too; checked first so that
	// who may not change it learns nothing from field errors about users.
	if auth.Actor.Authorize(rbac.ActionUpdate, t.RBACObject()) != nil {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to change this template's permissions."})
		return
	}
	userACL := database.ParseACL(t.UserAcl)
	groupACL := database.ParseACL(t.GroupAcl)
	var v httpapi.Validations
	for _, change := range []struct {
		field   string
		changes map[string]codersdk.TemplateRole
		acl     database.ACL
		check   func(uuid.UUID) (string, error)
	}{
		{"user_perms", req.UserPerms, userACL, api.memberCheck(ctx, t.OrganizationID, "template")},
		{"group_perms", req.GroupPerms, groupACL, api.groupCheck(ctx, t.OrganizationID, "template")},
	} {
		if err := applyACLChanges(&v, change.field, change.changes, change.acl, templateRoleActions, change.check); err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
	}
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid template permissions.", Validations: v})
		return
	}
	users, groups, err := marshalACLs(userACL, groupACL)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	err = api.Database.UpdateTemplateACLByID(ctx, database.UpdateTemplateACLByIDParams{ID: t.ID, UserAcl: users, GroupAcl: groups})
	switch {
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to change this template's permissions."})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.SetDiff(ctx, map[string]any{"user_acl": t.UserAcl, "group_acl": t.GroupAcl},
		map[string]any{"user_acl": json.RawMessage(users), "group_acl": json.RawMessage(groups)})
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.Response{Message: "Successfully updated template ACL list."})
}

// @Summary Get template available acl users/groups
// @Description Members and groups of the template's organization that may
// @Description be added to its ACL.
// @ID get-template-available-acl-usersgroups
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param template path string true "Template ID" format(uuid)
// @Success 200 {object} codersdk.ACLAvailable
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templates/{template}/acl/available [get]
func (api *API) templateACLAvailable(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	t := httpmw.TemplateParam(r)
	// Policy: the users and groups one could share with are listed for
	// those who may change the template's ACL, not for all its readers.
	if auth.Actor.Authorize(rbac.ActionUpdate, t.RBACObject()) != nil {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to change this template's permissions."})
		return
	}
	members, err := api.Database.GetOrganizationMembers(ctx, database.GetOrganizationMembersParams{OrganizationID: t.OrganizationID})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	out := codersdk.ACLAvailable{Users: make([]codersdk.ReducedUser, 0, len(members)), Groups: []codersdk.Group{}}
	for _, m := range members {
		u, err := api.Database.GetUserByID(ctx, m.OrganizationMember.UserID)
		if httpapi.IsUnauthorizedOrNotFound(err) {
			continue
		}
		if err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
		out.Users = append(out.Users, convert.ReducedUser(u))
	}
	groups, err := api.Database.GetGroups(ctx, database.GetGroupsParams{OrganizationID: t.OrganizationID})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	conv := api.newGroupLoader(ctx)
	for _, g := range groups {
		cg, err := conv.load(g)
		if err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
		out.Groups = append(out.Groups, cg)
	}
	httpapi.Write(ctx, rw, http.StatusOK, out)
}
