package coderd

import (
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/domain/workspacebuild"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// writeBuild answers with one build as the API shows it.
func (api *API) writeBuild(rw http.ResponseWriter, r *http.Request, status int, w database.Workspace, ref buildRef) {
	ctx := r.Context()
	buildID := ref.buildID
	builds, err := api.loadWorkspaceBuilds(ctx, []buildRef{ref}, map[uuid.UUID]database.Workspace{w.ID: w})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	b, ok := builds[buildID]
	if !ok {
		httpapi.ResourceNotFound(rw)
		return
	}
	httpapi.Write(ctx, rw, status, b)
}

// @Summary Create workspace build
// @Description Starts, stops or deletes the workspace. A build while another
// @Description is pending or running is refused with 409. Parameter values
// @Description not given keep the previous build's (except ephemeral ones).
// @ID create-workspace-build
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Builds
// @Param workspace path string true "Workspace ID" format(uuid)
// @Param request body codersdk.CreateWorkspaceBuildRequest true "Create workspace build request"
// @Success 201 {object} codersdk.WorkspaceBuild
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Router /workspaces/{workspace}/builds [post]
func (api *API) postWorkspaceBuilds(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	w := httpmw.WorkspaceParam(r)
	var req codersdk.CreateWorkspaceBuildRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	created, err := api.builds().Request(ctx, workspacebuild.Request{
		Workspace: w, Initiator: auth.Key.UserID, Actor: auth.Actor, Build: req,
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	api.writeBuild(rw, r, http.StatusCreated, w, buildRef{buildID: created.Build.ID, jobID: created.Job.ID})
}

// @Summary Get workspace builds by workspace ID
// @Description Newest first.
// @ID get-workspace-builds-by-workspace-id
// @Security CoderSessionToken
// @Produce json
// @Tags Builds
// @Param workspace path string true "Workspace ID" format(uuid)
// @Param after_id query string false "After ID" format(uuid)
// @Param limit query int false "Page limit"
// @Param offset query int false "Page offset"
// @Param since query string false "Only builds created after this time (RFC 3339)" format(date-time)
// @Success 200 {array} codersdk.WorkspaceBuild
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/builds [get]
func (api *API) workspaceBuilds(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w := httpmw.WorkspaceParam(r)
	page, v := httpapi.ParsePagination(r)
	var since time.Time
	if s := r.URL.Query().Get("since"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			v = append(v, codersdk.ValidationError{Field: "since", Detail: "must be an RFC 3339 time such as 2024-01-02T15:04:05Z"})
		}
		since = t
	}
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid query.", Validations: v})
		return
	}
	rows, err := api.Database.GetWorkspaceBuildsByWorkspaceID(ctx, database.GetWorkspaceBuildsByWorkspaceIDParams{
		WorkspaceID: w.ID, Since: since, AfterID: page.AfterID, OffsetOpt: page.Offset, LimitOpt: page.Limit,
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	refs := make([]buildRef, 0, len(rows))
	for _, b := range rows {
		refs = append(refs, buildRef{buildID: b.ID, jobID: b.JobID})
	}
	builds, err := api.loadWorkspaceBuilds(ctx, refs, map[uuid.UUID]database.Workspace{w.ID: w})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	out := make([]codersdk.WorkspaceBuild, 0, len(rows))
	for _, b := range rows {
		if converted, ok := builds[b.ID]; ok {
			out = append(out, converted)
		}
	}
	httpapi.Write(ctx, rw, http.StatusOK, out)
}

// @Summary Get workspace build by user, workspace name, and build number
// @ID get-workspace-build-by-user-workspace-name-and-build-number
// @Security CoderSessionToken
// @Produce json
// @Tags Builds
// @Param user path string true "Username, UUID, or me"
// @Param workspacename path string true "Workspace name"
// @Param buildnumber path string true "Build number" format(number)
// @Success 200 {object} codersdk.WorkspaceBuild
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /users/{user}/workspace/{workspacename}/builds/{buildnumber} [get]
func (api *API) workspaceBuildByBuildNumber(rw http.ResponseWriter, r *http.Request) {
	w, b := httpmw.WorkspaceParam(r), httpmw.WorkspaceBuildParam(r)
	api.writeBuild(rw, r, http.StatusOK, w, buildRef{buildID: b.ID, jobID: b.JobID})
}

// buildWorkspace loads the workspace of {workspacebuild}.
func (api *API) buildWorkspace(rw http.ResponseWriter, r *http.Request) (database.WorkspaceBuild, database.Workspace, bool) {
	b := httpmw.WorkspaceBuildParam(r)
	w, err := api.Database.GetWorkspaceByID(r.Context(), b.WorkspaceID)
	if httpapi.IsUnauthorizedOrNotFound(err) {
		httpapi.ResourceNotFound(rw)
		return b, w, false
	}
	if err != nil {
		httpapi.WriteError(r.Context(), rw, err)
		return b, w, false
	}
	return b, w, true
}

// @Summary Get workspace build
// @ID get-workspace-build
// @Security CoderSessionToken
// @Produce json
// @Tags Builds
// @Param workspacebuild path string true "Workspace build ID" format(uuid)
// @Success 200 {object} codersdk.WorkspaceBuild
// @Failure 404 {object} codersdk.Response
// @Router /workspacebuilds/{workspacebuild} [get]
func (api *API) workspaceBuild(rw http.ResponseWriter, r *http.Request) {
	b, w, ok := api.buildWorkspace(rw, r)
	if !ok {
		return
	}
	api.writeBuild(rw, r, http.StatusOK, w, buildRef{buildID: b.ID, jobID: b.JobID})
}

// @Summary Get workspace build logs
// @Description With follow, the request must be a websocket upgrade: each
// @Description log is sent as a JSON text message as it is stored, and the
// @Description server closes the socket normally once the build completes.
// @ID get-workspace-build-logs
// @Security CoderSessionToken
// @Produce json
// @Tags Builds
// @Param workspacebuild path string true "Workspace build ID" format(uuid)
// @Param after query int false "Only logs with an ID greater than this"
// @Param follow query bool false "Stream logs over a websocket until the build completes"
// @Success 200 {array} codersdk.ProvisionerJobLog
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspacebuilds/{workspacebuild}/logs [get]
func (api *API) workspaceBuildLogs(rw http.ResponseWriter, r *http.Request) {
	b := httpmw.WorkspaceBuildParam(r)
	job, err := api.Database.GetProvisionerJobByID(r.Context(), b.JobID)
	if err != nil {
		httpapi.WriteError(r.Context(), rw, err)
		return
	}
	api.provisionerJobLogs(rw, r, job)
}

// @Summary Get build parameters for workspace build
// @ID get-build-parameters-for-workspace-build
// @Security CoderSessionToken
// @Produce json
// @Tags Builds
// @Param workspacebuild path string true "Workspace build ID" format(uuid)
// @Success 200 {array} codersdk.WorkspaceBuildParameter
// @Failure 404 {object} codersdk.Response
// @Router /workspacebuilds/{workspacebuild}/parameters [get]
func (api *API) workspaceBuildParameters(rw http.ResponseWriter, r *http.Request) {
	b := httpmw.WorkspaceBuildParam(r)
	rows, err := api.Database.GetWorkspaceBuildParameters(r.Context(), b.ID)
	httpapi.WriteList(rw, r, rows, err, func(p database.WorkspaceBuildParameter) codersdk.WorkspaceBuildParameter {
		return codersdk.WorkspaceBuildParameter{Name: p.Name, Value: p.Value}
	})
}

// @Summary Get workspace resources for workspace build
// @ID get-workspace-resources-for-workspace-build
// @Security CoderSessionToken
// @Produce json
// @Tags Builds
// @Param workspacebuild path string true "Workspace build ID" format(uuid)
// @Success 200 {array} codersdk.WorkspaceResource
// @Failure 404 {object} codersdk.Response
// @Router /workspacebuilds/{workspacebuild}/resources [get]
func (api *API) workspaceBuildResources(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	b := httpmw.WorkspaceBuildParam(r)
	resources, err := api.loadBuildResources(ctx, []uuid.UUID{b.JobID})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	out := resources[b.JobID]
	if out == nil {
		out = []codersdk.WorkspaceResource{}
	}
	httpapi.Write(ctx, rw, http.StatusOK, out)
}

// @Summary Get provisioner state for workspace build
// @Description The provisioner's state after the build (Terraform state for
// @Description Terraform templates). It may hold secrets, so only those who
// @Description may change the workspace read it.
// @ID get-provisioner-state-for-workspace-build
// @Security CoderSessionToken
// @Produce json
// @Tags Builds
// @Param workspacebuild path string true "Workspace build ID" format(uuid)
// @Success 200
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspacebuilds/{workspacebuild}/state [get]
func (api *API) workspaceBuildState(rw http.ResponseWriter, r *http.Request) {
	b, w, ok := api.buildWorkspace(rw, r)
	if !ok {
		return
	}
	// Policy: the state holds the workspace's secrets, so reading it needs
	// what changing the workspace needs, not just reading the build.
	if httpmw.APIKeyAuthorization(r).Actor.Authorize(rbac.ActionUpdate, w.RBACObject()) != nil {
		httpapi.Write(r.Context(), rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to read this workspace's provisioner state."})
		return
	}
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(http.StatusOK)
	_, _ = rw.Write(b.ProvisionerState)
}

// @Summary Cancel workspace build
// @Description A pending build is canceled at once; a running one is marked
// @Description canceling and its daemon stops it. Users who are not template
// @Description administrators may cancel only when the template allows it.
// @ID cancel-workspace-build
// @Security CoderSessionToken
// @Produce json
// @Tags Builds
// @Param workspacebuild path string true "Workspace build ID" format(uuid)
// @Success 200 {object} codersdk.Response
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspacebuilds/{workspacebuild}/cancel [patch]
func (api *API) patchCancelWorkspaceBuild(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	b, w, ok := api.buildWorkspace(rw, r)
	if !ok {
		return
	}
	audit.SetResource(ctx, audit.Resource{ID: b.ID, Target: w.Name, Icon: w.TemplateIcon, OrganizationID: w.OrganizationID})
	audit.SetField(ctx, "build_number", b.BuildNumber)
	template, err := api.Database.GetTemplateByID(ctx, w.TemplateID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	// Policy: the template may keep its users from canceling builds; its
	// administrators still may.
	if !w.TemplateAllowUserCancelWorkspaceJobs && auth.Actor.Authorize(rbac.ActionUpdate, template.RBACObject()) != nil {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "The template does not allow users to cancel workspace builds."})
		return
	}
	// dbauthz checks this on the cancel too; checked first so that who may
	// not cancel hears 403 rather than whether the build already finished.
	if auth.Actor.Authorize(rbac.ActionUpdate, w.RBACObject()) != nil {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to cancel this build."})
		return
	}
	job, err := api.Database.GetProvisionerJobByID(ctx, b.JobID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	api.cancelJob(rw, r, job, "build")
}
