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

// Workspace ACL roles as stored: "use" reaches and runs the workspace,
// "admin" does everything its owner can.
var workspaceUseActions = []rbac.Action{
	rbac.ActionRead, rbac.ActionSSH, rbac.ActionApplicationConnect, rbac.ActionWorkspaceStart, rbac.ActionWorkspaceStop,
}

func workspaceRoleActions(role codersdk.WorkspaceRole) []rbac.Action {
	if role == codersdk.WorkspaceRoleAdmin {
		return []rbac.Action{rbac.WildcardSymbol}
	}
	return workspaceUseActions
}

// @Summary Get workspace ACLs
// @ID get-workspace-acls
// @Security CoderSessionToken
// @Produce json
// @Tags Workspaces
// @Param workspace path string true "Workspace ID" format(uuid)
// @Success 200 {object} codersdk.WorkspaceACL
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/acl [get]
func (api *API) workspaceACL(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w := httpmw.WorkspaceParam(r)
	out := codersdk.WorkspaceACL{Users: []codersdk.WorkspaceUser{}, Groups: []codersdk.WorkspaceGroup{}}
	for id, actions := range database.ParseACL(w.UserAcl) {
		u, err := api.minimalUser(ctx, id)
		if err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
		out.Users = append(out.Users, codersdk.WorkspaceUser{MinimalUser: u, Role: convert.WorkspaceRoleOf(actions)})
	}
	sort.Slice(out.Users, func(i, j int) bool { return out.Users[i].Username < out.Users[j].Username })
	groups, err := aclGroups(ctx, api, database.ParseACL(w.GroupAcl), func(g codersdk.Group, actions []rbac.Action) codersdk.WorkspaceGroup {
		return codersdk.WorkspaceGroup{Group: g, Role: convert.WorkspaceRoleOf(actions)}
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	out.Groups = groups
	httpapi.Write(ctx, rw, http.StatusOK, out)
}

// @Summary Update workspace ACL
// @Description Shares the workspace: keys are user or group IDs, values
// @Description "use", "admin", or "" to remove the entry. Users must be
// @Description members of the workspace's organization, groups must belong
// @Description to it.
// @ID update-workspace-acl
// @Security CoderSessionToken
// @Accept json
// @Tags Workspaces
// @Param workspace path string true "Workspace ID" format(uuid)
// @Param request body codersdk.UpdateWorkspaceACL true "Update workspace ACL request"
// @Success 204
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/acl [patch]
func (api *API) patchWorkspaceACL(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w := httpmw.WorkspaceParam(r)
	var req codersdk.UpdateWorkspaceACL
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	// dbauthz checks share on the ACL update too; checked first so that who
	// may not share learns nothing from field errors about users and groups.
	if httpmw.APIKeyAuthorization(r).Actor.Authorize(rbac.ActionShare, w.RBACObject()) != nil {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to share this workspace."})
		return
	}
	users, groups := database.ParseACL(w.UserAcl), database.ParseACL(w.GroupAcl)
	var v httpapi.Validations
	members := api.memberCheck(ctx, w.OrganizationID, "workspace")
	userOK := func(id uuid.UUID) (string, error) {
		if id == w.OwnerID {
			return "the owner already has every right on the workspace", nil
		}
		return members(id)
	}
	for _, change := range []struct {
		field   string
		changes map[string]codersdk.WorkspaceRole
		acl     database.ACL
		check   func(uuid.UUID) (string, error)
	}{
		{"user_roles", req.UserRoles, users, userOK},
		{"group_roles", req.GroupRoles, groups, api.groupCheck(ctx, w.OrganizationID, "workspace")},
	} {
		if err := applyACLChanges(&v, change.field, change.changes, change.acl, workspaceRoleActions, change.check); err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
	}
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid workspace sharing.", Validations: v})
		return
	}
	api.writeWorkspaceACL(rw, r, w, users, groups)
}

// @Summary Completely clears the workspace's user and group ACLs
// @ID completely-clears-the-workspaces-user-and-group-acls
// @Security CoderSessionToken
// @Tags Workspaces
// @Param workspace path string true "Workspace ID" format(uuid)
// @Success 204
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/acl [delete]
func (api *API) deleteWorkspaceACL(rw http.ResponseWriter, r *http.Request) {
	w := httpmw.WorkspaceParam(r)
	// dbauthz checks share on the ACL update too; checked first for the
	// same answer as the update above.
	if httpmw.APIKeyAuthorization(r).Actor.Authorize(rbac.ActionShare, w.RBACObject()) != nil {
		httpapi.Write(r.Context(), rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to share this workspace."})
		return
	}
	api.writeWorkspaceACL(rw, r, w, database.ACL{}, database.ACL{})
}

func (api *API) writeWorkspaceACL(rw http.ResponseWriter, r *http.Request, w database.Workspace, users, groups database.ACL) {
	ctx := r.Context()
	userJSON, groupJSON, err := marshalACLs(users, groups)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	err = api.Database.UpdateWorkspaceACLByID(ctx, database.UpdateWorkspaceACLByIDParams{ID: w.ID, UserAcl: userJSON, GroupAcl: groupJSON})
	if err == nil {
		api.workspaceChanged(ctx, w.ID)
	}
	switch {
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to share this workspace."})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.SetDiff(ctx, map[string]any{"user_acl": w.UserAcl, "group_acl": w.GroupAcl},
		map[string]any{"user_acl": json.RawMessage(userJSON), "group_acl": json.RawMessage(groupJSON)})
	rw.WriteHeader(http.StatusNoContent)
}
