package coderd

import (
	"context"
	"net"
	"net/http"
	"sync"

	"cdr.dev/slog"
	"github.com/coder/websocket"
	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/agentconn"
	"github.com/devplane/devplane/coderd/connlog"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
	"github.com/devplane/devplane/rbac"
)

// @Summary Open an SSH connection to a workspace agent
// @Description A WebSocket whose binary messages carry a raw SSH connection
// @Description to the agent's SSH server (what `coder ssh --stdio` speaks).
// @Description Needs the workspace's ssh permission.
// @ID open-ssh-connection-to-workspace-agent
// @Security CoderSessionToken
// @Tags Agents
// @Param workspaceagent path string true "Workspace agent ID" format(uuid)
// @Success 101
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Failure 502 {object} codersdk.Response
// @Router /workspaceagents/{workspaceagent}/ssh [get]
func (api *API) workspaceAgentSSH(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	row := httpmw.WorkspaceAgentParam(r)
	workspace, err := api.Database.GetWorkspaceByID(ctx, row.WorkspaceID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	// Reading the workspace is not enough: connecting needs ssh. Those who
	// may not read it never got here (the agent lookup answered 404);
	// readers who may not connect are told so, as by the terminal and
	// port forwarding.
	if !api.authorize(r, rbac.ActionSSH, workspace.RBACObject()) {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to connect to this workspace over SSH."})
		return
	}

	agentConn, err := api.AgentConns.Dial(ctx, row.WorkspaceAgent.ID, agentsdk.AgentSSHPath)
	if err != nil {
		api.writeDialError(ctx, rw, "dial agent ssh", row.WorkspaceAgent.ID, err)
		return
	}
	defer agentConn.Close()

	// A plain request gets its 426 after the dial (whose failures are
	// answered first) and before a session is recorded.
	if !httpapi.RequireUpgrade(ctx, rw, r) {
		return
	}
	// Every session is on record before it starts.
	record, err := api.ConnLog.Start(ctx, connlog.ConnStart{
		Type:      codersdk.ConnectionTypeSSH,
		Workspace: workspace,
		AgentID:   row.WorkspaceAgent.ID,
		AgentName: row.WorkspaceAgent.Name,
		UserID:    httpmw.APIKeyAuthorization(r).Key.UserID,
		IP:        connlog.RequestIP(r),
		UserAgent: r.UserAgent(),
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	reason := "the client closed the connection"
	defer func() { record.End(nil, reason) }()

	ws, err := websocket.Accept(rw, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return
	}
	ws.SetReadLimit(-1)
	// The connection ends when either side closes, not with a request
	// deadline.
	connCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	clientConn := websocket.NetConn(connCtx, ws, websocket.MessageBinary)
	defer clientConn.Close()
	if pipeConns(clientConn, agentConn) == agentConn {
		reason = "the workspace agent closed the connection"
	}
}

// writeDialError answers a connection that could not be made through the
// agent with what happened (agentconn.DialResponse) and logs the cause,
// which may name internal addresses.
func (api *API) writeDialError(ctx context.Context, rw http.ResponseWriter, what string, agentID uuid.UUID, err error) {
	api.Logger.Info(ctx, what, slog.F("agent_id", agentID), slog.Error(err))
	status, res := agentconn.DialResponse(err)
	httpapi.Write(ctx, rw, status, res)
}

// pipeConns copies both ways until one side ends, then closes both, and
// returns the side whose reading ended first.
func pipeConns(a, b net.Conn) net.Conn {
	var once sync.Once
	var first net.Conn
	closeBoth := func(ended net.Conn) {
		once.Do(func() {
			first = ended
			_ = a.Close()
			_ = b.Close()
		})
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		_, _ = agentsdk.Copy(a, b)
		closeBoth(b)
	}()
	go func() {
		defer wg.Done()
		_, _ = agentsdk.Copy(b, a)
		closeBoth(a)
	}()
	wg.Wait()
	return first
}
