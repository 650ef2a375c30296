package coderd

import (
	"context"
	"fmt"
	"net/http"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/domain/workspace"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/coderd/searchquery"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
)

// Bounds on a workspace's own TTL.
const (
	minWorkspaceTTL = workspace.MinTTL
	maxWorkspaceTTL = workspace.MaxTTL
)

// writeWorkspace answers with the workspace as the API shows it.
func (api *API) writeWorkspace(rw http.ResponseWriter, r *http.Request, status int, w database.Workspace) {
	ctx := r.Context()
	out, err := api.loadWorkspaces(ctx, httpmw.APIKeyAuthorization(r).Key.UserID, []database.Workspace{w})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	if len(out) == 0 {
		httpapi.ResourceNotFound(rw)
		return
	}
	httpapi.Write(ctx, rw, status, out[0])
}

// @Summary Create user workspace by organization
// @Description Create a new workspace using a template. The request must
// @Description specify either the Template ID or the Template Version ID,
// @Description not both. If the Template ID is specified, the active version
// @Description of the template will be used.
// @ID create-user-workspace-by-organization
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Workspaces
// @Param organization path string true "Organization ID" format(uuid)
// @Param user path string true "Username, UUID, or me"
// @Param request body codersdk.CreateWorkspaceRequest true "Create workspace request"
// @Success 201 {object} codersdk.Workspace
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Router /organizations/{organization}/members/{user}/workspaces [post]
func (api *API) postWorkspacesByOrganization(rw http.ResponseWriter, r *http.Request) {
	org := httpmw.OrganizationParam(r)
	api.createWorkspace(rw, r, httpmw.UserParam(r), &org)
}

// @Summary Create user workspace
// @Description Create a new workspace using a template, in the template's
// @Description organization. The request must specify either the Template ID
// @Description or the Template Version ID, not both. If the Template ID is
// @Description specified, the active version of the template will be used.
// @ID create-user-workspace
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Workspaces
// @Param user path string true "Username, UUID, or me"
// @Param request body codersdk.CreateWorkspaceRequest true "Create workspace request"
// @Success 201 {object} codersdk.Workspace
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Router /users/{user}/workspaces [post]
func (api *API) postUserWorkspaces(rw http.ResponseWriter, r *http.Request) {
	api.createWorkspace(rw, r, httpmw.UserParam(r), nil)
}

// createWorkspace creates a workspace for owner with its first build (a
// start). org, when given, must be the template's organization.
func (api *API) createWorkspace(rw http.ResponseWriter, r *http.Request, owner database.User, org *database.Organization) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	var req codersdk.CreateWorkspaceRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	audit.SetResource(ctx, audit.Resource{Target: req.Name})
	create := workspace.CreateRequest{
		Owner: owner, Initiator: auth.Key.UserID, Actor: auth.Actor, Workspace: req,
	}
	if org != nil {
		create.Organization = org.ID
	}
	id, err := api.workspaceCreator().Create(ctx, create)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	w, err := api.Database.GetWorkspaceByID(ctx, id)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Created(ctx, w)
	audit.SetField(ctx, "workspace_owner", w.OwnerUsername)
	api.writeWorkspace(rw, r, http.StatusCreated, w)
}

// @Summary Get workspace metadata by ID
// @ID get-workspace-metadata-by-id
// @Security CoderSessionToken
// @Produce json
// @Tags Workspaces
// @Param workspace path string true "Workspace ID" format(uuid)
// @Param include_deleted query bool false "Return data instead of HTTP 404 if the workspace is deleted"
// @Success 200 {object} codersdk.Workspace
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace} [get]
func (api *API) workspace(rw http.ResponseWriter, r *http.Request) {
	api.writeWorkspace(rw, r, http.StatusOK, httpmw.WorkspaceParam(r))
}

// @Summary Get workspace metadata by user and workspace name
// @ID get-workspace-metadata-by-user-and-workspace-name
// @Security CoderSessionToken
// @Produce json
// @Tags Workspaces
// @Param user path string true "User ID, name, or me"
// @Param workspacename path string true "Workspace name"
// @Param include_deleted query bool false "Return data instead of HTTP 404 if the workspace is deleted"
// @Success 200 {object} codersdk.Workspace
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /users/{user}/workspace/{workspacename} [get]
func (api *API) workspaceByOwnerAndName(rw http.ResponseWriter, r *http.Request) {
	api.writeWorkspace(rw, r, http.StatusOK, httpmw.WorkspaceParam(r))
}

// @Summary List workspaces
// @Description Workspaces the caller may see, the caller's favorites first,
// @Description then running ones, then by owner and name.
// @ID list-workspaces
// @Security CoderSessionToken
// @Produce json
// @Tags Workspaces
// @Param q query string false "Search query: owner:, template:, name:, status:, organization:, has-agent:, dormant:, healthy:, last_used_after:, last_used_before:, has-ai-task:, has_external_agent:, shared:, shared_with_user:, shared_with_group:, free text"
// @Param limit query int false "Page limit"
// @Param offset query int false "Page offset"
// @Success 200 {object} codersdk.WorkspacesResponse
// @Failure 400 {object} codersdk.Response
// @Router /workspaces [get]
func (api *API) workspaces(rw http.ResponseWriter, r *http.Request) {
	ctx := dbauthz.WithReadCache(r.Context())
	auth := httpmw.APIKeyAuthorization(r)
	filter, errs := searchquery.Workspaces(r.URL.Query().Get("q"), dbtime.Now())
	page, v := httpapi.ParsePagination(r)
	for _, e := range errs {
		v = append(v, codersdk.ValidationError{Field: e.Field, Detail: e.Detail})
	}
	p := database.GetAuthorizedWorkspacesParams{
		Name: filter.Name, TemplateNames: filter.Templates, Statuses: filter.Statuses, HasAgent: filter.HasAgent,
		Dormant: filter.Dormant, Healthy: filter.Healthy, Shared: filter.Shared,
		RequesterID: auth.Key.UserID, OffsetOpt: page.Offset, LimitOpt: page.Limit,
	}
	if !filter.LastUsedAfter.IsZero() {
		p.LastUsedAfter = &filter.LastUsedAfter
	}
	if !filter.LastUsedBefore.IsZero() {
		p.LastUsedBefore = &filter.LastUsedBefore
	}
	v = append(v, api.resolveWorkspaceFilter(ctx, filter, auth.Key.UserID, &p)...)
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid workspaces query.", Validations: v})
		return
	}
	if (filter.HasAITask != nil && *filter.HasAITask) || (filter.HasExternalAgent != nil && *filter.HasExternalAgent) {
		// No workspace here has AI tasks or external agents.
		httpapi.Write(ctx, rw, http.StatusOK, codersdk.WorkspacesResponse{Workspaces: []codersdk.Workspace{}})
		return
	}
	rows, err := api.Database.GetAuthorizedWorkspaces(ctx, p)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	workspaces := make([]database.Workspace, 0, len(rows))
	count := 0
	for _, row := range rows {
		workspaces = append(workspaces, row.Workspace)
		count = int(row.Count)
	}
	if len(rows) == 0 && page.Offset > 0 {
		// Past the end: the count must come from a page that has rows.
		p.OffsetOpt, p.LimitOpt = 0, 1
		first, err := api.Database.GetAuthorizedWorkspaces(ctx, p)
		if err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
		if len(first) > 0 {
			count = int(first[0].Count)
		}
	}
	out, err := api.loadWorkspaces(ctx, auth.Key.UserID, workspaces)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.WorkspacesResponse{Workspaces: out, Count: count})
}

// resolveWorkspaceFilter sets the IDs of the users, group and organization
// a workspace search names in p, and says which it could not resolve.
func (api *API) resolveWorkspaceFilter(ctx context.Context, filter searchquery.WorkspacesFilter, requester uuid.UUID, p *database.GetAuthorizedWorkspacesParams) httpapi.Validations {
	var v httpapi.Validations
	resolveUser := func(field, value string) uuid.UUID {
		u, err := lookupUserFilter(ctx, api.Database, value, requester)
		if err != nil {
			v = append(v, codersdk.ValidationError{Field: field, Detail: fmt.Sprintf("no user %q exists that you may read", value)})
			return uuid.Nil
		}
		return u
	}
	if filter.Owner != "" {
		p.OwnerID = resolveUser("owner", filter.Owner)
	}
	if filter.SharedWithUser != "" {
		p.SharedWithUserID = resolveUser("shared_with_user", filter.SharedWithUser).String()
	}
	if filter.SharedWithGroup != "" {
		id, err := uuid.Parse(filter.SharedWithGroup)
		if err != nil {
			v = append(v, codersdk.ValidationError{Field: "shared_with_group", Detail: "must be a group ID"})
		}
		p.SharedWithGroupID = id.String()
	}
	if filter.Organization != "" {
		var (
			org database.Organization
			err error
		)
		if id, perr := uuid.Parse(filter.Organization); perr == nil {
			org, err = api.Database.GetOrganizationByID(ctx, id)
		} else {
			org, err = api.Database.GetOrganizationByName(ctx, filter.Organization)
		}
		if err != nil {
			v = append(v, codersdk.ValidationError{Field: "organization", Detail: fmt.Sprintf("no organization %q exists that you may read", filter.Organization)})
		}
		p.OrganizationID = org.ID
	}
	return v
}

// lookupUserFilter resolves a username, user ID or "me" in a search query.
func lookupUserFilter(ctx context.Context, db database.Store, value string, me uuid.UUID) (uuid.UUID, error) {
	if value == codersdk.Me {
		return me, nil
	}
	if id, err := uuid.Parse(value); err == nil {
		return id, nil
	}
	u, err := db.GetUserByEmailOrUsername(ctx, database.GetUserByEmailOrUsernameParams{Username: value})
	if err != nil {
		return uuid.Nil, err
	}
	return u.ID, nil
}

// @Summary Update workspace metadata by ID
// @Description Renames the workspace, when the server allows renames
// @Description (--allow-workspace-renames).
// @ID update-workspace-metadata-by-id
// @Security CoderSessionToken
// @Accept json
// @Tags Workspaces
// @Param workspace path string true "Workspace ID" format(uuid)
// @Param request body codersdk.UpdateWorkspaceRequest true "Metadata update request"
// @Success 204
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Router /workspaces/{workspace} [patch]
func (api *API) patchWorkspace(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w := httpmw.WorkspaceParam(r)
	var req codersdk.UpdateWorkspaceRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	if req.Name == "" || req.Name == w.Name {
		rw.WriteHeader(http.StatusNoContent)
		return
	}
	if problem := httpapi.NameValid(req.Name); problem != "" {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid workspace name.",
			Validations: []codersdk.ValidationError{{Field: "name", Detail: problem}}})
		return
	}
	if !api.DeploymentValues.AllowWorkspaceRenames.Value() {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: "Workspace renames are not allowed on this deployment.",
			Detail:  "Renaming can orphan infrastructure named after the workspace; an administrator can allow it with --allow-workspace-renames.",
		})
		return
	}
	err := api.Database.UpdateWorkspaceName(ctx, database.UpdateWorkspaceNameParams{ID: w.ID, Name: req.Name, UpdatedAt: dbtime.Now()})
	if err == nil {
		api.workspaceChanged(ctx, w.ID)
	}
	switch {
	case database.IsUniqueViolation(err, "workspaces_owner_name_lower_idx"):
		httpapi.Write(ctx, rw, http.StatusConflict, codersdk.Response{
			Message:     fmt.Sprintf("Workspace %q already exists.", req.Name),
			Validations: []codersdk.ValidationError{{Field: "name", Detail: "This value is already in use and should be unique."}},
		})
		return
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to rename this workspace."})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.SetDiff(ctx, map[string]any{"name": w.Name}, map[string]any{"name": req.Name})
	rw.WriteHeader(http.StatusNoContent)
}

// @Summary Favorite workspace by ID.
// @ID favorite-workspace-by-id
// @Security CoderSessionToken
// @Tags Workspaces
// @Param workspace path string true "Workspace ID" format(uuid)
// @Success 204
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/favorite [put]
func (api *API) putFavoriteWorkspace(rw http.ResponseWriter, r *http.Request) {
	api.setFavorite(rw, r, true)
}

// @Summary Unfavorite workspace by ID.
// @ID unfavorite-workspace-by-id
// @Security CoderSessionToken
// @Tags Workspaces
// @Param workspace path string true "Workspace ID" format(uuid)
// @Success 204
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/favorite [delete]
func (api *API) deleteFavoriteWorkspace(rw http.ResponseWriter, r *http.Request) {
	api.setFavorite(rw, r, false)
}

// setFavorite: favorites are the owner's, so only the owner sets them.
func (api *API) setFavorite(rw http.ResponseWriter, r *http.Request, favorite bool) {
	ctx := r.Context()
	w := httpmw.WorkspaceParam(r)
	if httpmw.APIKeyAuthorization(r).Key.UserID != w.OwnerID {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You can only favorite workspaces you own."})
		return
	}
	err := api.Database.UpdateWorkspaceFavorite(ctx, database.UpdateWorkspaceFavoriteParams{ID: w.ID, Favorite: favorite})
	if err == nil {
		api.workspaceChanged(ctx, w.ID)
	}
	switch {
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to change this workspace."})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.SetDiff(ctx, map[string]any{"favorite": w.Favorite}, map[string]any{"favorite": favorite})
	rw.WriteHeader(http.StatusNoContent)
}
