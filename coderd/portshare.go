package coderd

import (
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
)

// portShareRank orders share levels from narrowest to widest, so a share
// can be checked against the template's maximum.
var portShareRank = map[codersdk.WorkspaceAgentPortShareLevel]int{
	codersdk.WorkspaceAgentPortShareLevelOwner:         0,
	codersdk.WorkspaceAgentPortShareLevelAuthenticated: 1,
	codersdk.WorkspaceAgentPortShareLevelOrganization:  2,
	codersdk.WorkspaceAgentPortShareLevelPublic:        3,
}

// @Summary Get workspace agent port shares
// @ID get-workspace-agent-port-shares
// @Security CoderSessionToken
// @Produce json
// @Tags PortSharing
// @Param workspace path string true "Workspace ID" format(uuid)
// @Success 200 {object} codersdk.WorkspaceAgentPortShares
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/port-share [get]
func (api *API) workspacePortShares(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w := httpmw.WorkspaceParam(r)
	rows, err := api.Database.GetWorkspaceAgentPortShares(ctx, w.ID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	out := codersdk.WorkspaceAgentPortShares{Shares: make([]codersdk.WorkspaceAgentPortShare, 0, len(rows))}
	for _, s := range rows {
		out.Shares = append(out.Shares, convert.PortShare(s))
	}
	httpapi.Write(ctx, rw, http.StatusOK, out)
}

// @Summary Upsert workspace agent port share
// @Description Shares a port of one of the workspace's agents at a level up
// @Description to the template's max_port_share_level. Sharing at "owner"
// @Description removes the share.
// @ID upsert-workspace-agent-port-share
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags PortSharing
// @Param workspace path string true "Workspace ID" format(uuid)
// @Param request body codersdk.UpsertWorkspaceAgentPortShareRequest true "Upsert port sharing level request"
// @Success 200 {object} codersdk.WorkspaceAgentPortShare
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/port-share [post]
func (api *API) postWorkspacePortShare(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w := httpmw.WorkspaceParam(r)
	var req codersdk.UpsertWorkspaceAgentPortShareRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	// The workspace is the resource; which port, and how far shared, is
	// what changed.
	audit.SetField(ctx, "port_share", req)
	if req.Protocol == "" {
		req.Protocol = codersdk.WorkspaceAgentPortShareProtocolHTTP
	}
	t, err := api.Database.GetTemplateByID(ctx, w.TemplateID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	var v httpapi.Validations
	rank, known := portShareRank[req.ShareLevel]
	switch {
	case !known:
		v.Check("share_level", `must be "owner", "authenticated", "organization" or "public"`)
	case rank > portShareRank[codersdk.WorkspaceAgentPortShareLevel(t.MaxPortSharingLevel)]:
		v.Check("share_level", fmt.Sprintf("the template allows sharing up to %q", t.MaxPortSharingLevel))
	}
	if req.Port < 1 || req.Port > 65535 {
		v.Check("port", "must be between 1 and 65535")
	}
	if req.Protocol != codersdk.WorkspaceAgentPortShareProtocolHTTP && req.Protocol != codersdk.WorkspaceAgentPortShareProtocolHTTPS {
		v.Check("protocol", `must be "http" or "https"`)
	}
	if problem, err := api.checkAgentName(r, w.ID, req.AgentName); err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	} else if problem != "" {
		v.Check("agent_name", problem)
	}
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid port share.", Validations: v})
		return
	}
	if req.ShareLevel == codersdk.WorkspaceAgentPortShareLevelOwner {
		_, err := api.Database.DeleteWorkspaceAgentPortShare(ctx, database.DeleteWorkspaceAgentPortShareParams{
			WorkspaceID: w.ID, AgentName: req.AgentName, Port: req.Port,
		})
		if err != nil {
			writePortShareError(rw, r, err)
			return
		}
		api.workspaceChanged(ctx, w.ID)
		httpapi.Write(ctx, rw, http.StatusOK, codersdk.WorkspaceAgentPortShare{
			WorkspaceID: w.ID, AgentName: req.AgentName, Port: req.Port, ShareLevel: req.ShareLevel, Protocol: req.Protocol,
		})
		return
	}
	share, err := api.Database.UpsertWorkspaceAgentPortShare(ctx, database.UpsertWorkspaceAgentPortShareParams{
		WorkspaceID: w.ID, AgentName: req.AgentName, Port: req.Port, ShareLevel: string(req.ShareLevel), Protocol: string(req.Protocol),
	})
	if err != nil {
		writePortShareError(rw, r, err)
		return
	}
	api.workspaceChanged(ctx, w.ID)
	httpapi.Write(ctx, rw, http.StatusOK, convert.PortShare(share))
}

// @Summary Delete workspace agent port share
// @ID delete-workspace-agent-port-share
// @Security CoderSessionToken
// @Accept json
// @Tags PortSharing
// @Param workspace path string true "Workspace ID" format(uuid)
// @Param request body codersdk.DeleteWorkspaceAgentPortShareRequest true "Delete port sharing level request"
// @Success 200
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/port-share [delete]
func (api *API) deleteWorkspacePortShare(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w := httpmw.WorkspaceParam(r)
	var req codersdk.DeleteWorkspaceAgentPortShareRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	audit.SetField(ctx, "port_share", req)
	n, err := api.Database.DeleteWorkspaceAgentPortShare(ctx, database.DeleteWorkspaceAgentPortShareParams{
		WorkspaceID: w.ID, AgentName: req.AgentName, Port: req.Port,
	})
	if err != nil {
		writePortShareError(rw, r, err)
		return
	}
	if n == 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: fmt.Sprintf("Port %d of agent %q is not shared.", req.Port, req.AgentName),
		})
		return
	}
	api.workspaceChanged(ctx, w.ID)
	rw.WriteHeader(http.StatusOK)
}

func writePortShareError(rw http.ResponseWriter, r *http.Request, err error) {
	if dbauthz.IsNotAuthorizedError(err) {
		httpapi.Write(r.Context(), rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to share this workspace's ports."})
		return
	}
	httpapi.WriteError(r.Context(), rw, err)
}

// checkAgentName says what is wrong with name as an agent of the
// workspace's latest build, or "".
func (api *API) checkAgentName(r *http.Request, workspaceID uuid.UUID, name string) (string, error) {
	if name == "" {
		return "is required", nil
	}
	latest, err := api.Database.GetLatestWorkspaceBuildByWorkspaceID(r.Context(), workspaceID)
	if err != nil {
		return "", err
	}
	agents, err := api.Database.GetWorkspaceAgentsByBuildJobIDs(r.Context(), []uuid.UUID{latest.JobID})
	if err != nil {
		return "", err
	}
	for _, a := range agents {
		if a.WorkspaceAgent.Name == name {
			return "", nil
		}
	}
	return fmt.Sprintf("the workspace has no agent named %q", name), nil
}

// @Summary Get workspace timings by ID
// @Description Provisioner timings of the latest build, per stage and
// @Description resource. Agent timings are empty: agents do not report them
// @Description to this server yet.
// @ID get-workspace-timings-by-id
// @Security CoderSessionToken
// @Produce json
// @Tags Workspaces
// @Param workspace path string true "Workspace ID" format(uuid)
// @Success 200 {object} codersdk.WorkspaceBuildTimings
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/timings [get]
func (api *API) workspaceTimings(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w := httpmw.WorkspaceParam(r)
	latest, err := api.Database.GetLatestWorkspaceBuildByWorkspaceID(ctx, w.ID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	rows, err := api.Database.GetProvisionerJobTimings(ctx, latest.JobID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	out := codersdk.WorkspaceBuildTimings{
		ProvisionerTimings:     make([]codersdk.ProvisionerTiming, 0, len(rows)),
		AgentScriptTimings:     []codersdk.AgentScriptTiming{},
		AgentConnectionTimings: []codersdk.AgentConnectionTiming{},
	}
	for _, t := range rows {
		out.ProvisionerTimings = append(out.ProvisionerTimings, codersdk.ProvisionerTiming{
			JobID: t.JobID, StartedAt: t.StartedAt, EndedAt: t.EndedAt, Stage: codersdk.ProvisionerTimingStage(t.Stage),
			Source: t.Source, Action: t.Action, Resource: t.Resource,
		})
	}
	httpapi.Write(ctx, rw, http.StatusOK, out)
}
