package coderd

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"

	"github.com/coder/websocket"
	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/connlog"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
	"github.com/devplane/devplane/rbac"
)

// @Summary Open PTY to workspace agent
// @Description A WebSocket to a terminal in the workspace that outlives the
// @Description connection for a while: reconnecting with the same
// @Description `reconnect` id reattaches and replays recent output. The
// @Description client sends codersdk.ReconnectingPTYRequest JSON messages
// @Description (text or binary); the server sends the terminal's output as
// @Description binary messages.
// @ID open-pty-to-workspace-agent
// @Security CoderSessionToken
// @Tags Agents
// @Param workspaceagent path string true "Workspace agent ID" format(uuid)
// @Param reconnect query string true "Terminal id, chosen by the client" format(uuid)
// @Param height query int false "Rows"
// @Param width query int false "Columns"
// @Param command query string false "Command to run instead of the login shell"
// @Success 101
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Failure 502 {object} codersdk.Response
// @Router /workspaceagents/{workspaceagent}/pty [get]
func (api *API) workspaceAgentPTY(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	row := httpmw.WorkspaceAgentParam(r)
	agent := row.WorkspaceAgent

	q := r.URL.Query()
	reconnect, err := uuid.Parse(q.Get("reconnect"))
	if err != nil {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message:     "Query parameter \"reconnect\" must be a UUID.",
			Validations: []codersdk.ValidationError{{Field: "reconnect", Detail: "must be a UUID"}},
		})
		return
	}
	var size [2]uint16
	for i, name := range []string{"height", "width"} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		n, err := strconv.ParseUint(v, 10, 16)
		if err != nil {
			httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
				Message:     "Query parameter \"" + name + "\" must be a number from 0 to 65535.",
				Validations: []codersdk.ValidationError{{Field: name, Detail: "must be a number from 0 to 65535"}},
			})
			return
		}
		size[i] = uint16(n)
	}

	workspace, err := api.Database.GetWorkspaceByID(ctx, row.WorkspaceID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	if err := auth.Actor.Authorize(rbac.ActionSSH, workspace.RBACObject()); err != nil {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to open a terminal in this workspace."})
		return
	}

	path := agentsdk.AgentPTYPath + "?" + url.Values{
		"reconnect": {reconnect.String()},
		"height":    {strconv.Itoa(int(size[0]))},
		"width":     {strconv.Itoa(int(size[1]))},
		"command":   {q.Get("command")},
	}.Encode()
	stream, err := api.AgentConns.Dial(ctx, agent.ID, path)
	if err != nil {
		api.writeDialError(ctx, rw, "open terminal on agent", agent.ID, err)
		return
	}
	defer stream.Close()

	// A plain request gets its 426 after the dial (whose failures are
	// answered first) and before a session is recorded.
	if !httpapi.RequireUpgrade(ctx, rw, r) {
		return
	}
	conn, err := api.ConnLog.Start(ctx, connlog.ConnStart{
		Type: codersdk.ConnectionTypeReconnectingPTY, Workspace: workspace, AgentID: agent.ID, AgentName: agent.Name,
		UserID: auth.Key.UserID, IP: connlog.RequestIP(r), UserAgent: r.UserAgent(),
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	reason := "client disconnected"
	defer func() { conn.End(nil, reason) }()

	ws, err := websocket.Accept(rw, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		reason = "websocket upgrade failed"
		return
	}
	defer func() { _ = ws.CloseNow() }()
	ws.SetReadLimit(1 << 20)
	// The session ends with either side, not with a request deadline.
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()

	// Agent → client: output as binary messages.
	agentDone := make(chan struct{})
	go func() {
		defer close(agentDone)
		defer cancel()
		buf := make([]byte, 32<<10)
		for {
			n, err := stream.Read(buf)
			if n > 0 {
				if werr := ws.Write(ctx, websocket.MessageBinary, buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				return
			}
		}
	}()

	// Client → agent: each message is checked, then passed on.
	enc := json.NewEncoder(stream)
	for {
		_, msg, err := ws.Read(ctx)
		if err != nil {
			break
		}
		var in codersdk.ReconnectingPTYRequest
		if err := json.Unmarshal(msg, &in); err != nil {
			reason = "client sent a message that is not a terminal request"
			_ = ws.Close(websocket.StatusUnsupportedData, "each message must be a JSON {data, height, width} object")
			break
		}
		if err := enc.Encode(in); err != nil {
			break
		}
	}
	select {
	case <-agentDone:
		if reason == "client disconnected" {
			reason = "terminal closed"
		}
	default:
	}
	cancel()
	_ = stream.Close()
	<-agentDone
	_ = ws.Close(websocket.StatusNormalClosure, "")
}
