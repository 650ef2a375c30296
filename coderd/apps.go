package coderd

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"cdr.dev/slog"
	"github.com/coder/websocket"

	"github.com/devplane/devplane/coderd/connlog"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/coderd/workspaceapps"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/rbac"
)

// newApps builds the app proxy; routes() mounts it.
func (api *API) newApps() *workspaceapps.Server {
	return workspaceapps.New(workspaceapps.Options{
		Logger:       api.Logger.Named("apps"),
		DB:           api.Database,
		Dialer:       api.AgentConns,
		AccessURL:    api.AccessURL,
		WildcardHost: api.DeploymentValues.WildcardAccessURL.Value(),
		Authenticate: httpmw.ExtractAPIKey(httpmw.ExtractAPIKeyConfig{
			DB:                          api.Database,
			Logger:                      api.Logger,
			DisableSessionExpiryRefresh: api.DeploymentValues.SessionConfig.DisableExpiryRefresh.Value(),
			Optional:                    true,
		}),
		Sessions: &workspaceapps.IdleSessions{Idle: appSessionIdle, Start: api.startAppSession},
	})
}

// appSessionIdle ends an app session on record after this long without a
// request: a browser's page loads and reloads are one session.
const appSessionIdle = 5 * time.Minute

func (api *API) startAppSession(ctx context.Context, key workspaceapps.SessionKey, info workspaceapps.SessionInfo) func() {
	conn, err := api.ConnLog.Start(ctx, connlog.ConnStart{
		Type: codersdk.ConnectionTypeWorkspaceApp, Workspace: info.Workspace, AgentID: info.Agent.ID, AgentName: info.Agent.Name,
		UserID: key.UserID, IP: info.IP, UserAgent: info.UserAgent, SlugOrPort: key.SlugOrPort, AppID: info.AppID,
	})
	if err != nil {
		api.Logger.Error(ctx, "record app session", slog.Error(err))
		return nil
	}
	return func() { conn.End(nil, "idle") }
}

// @Summary Forward a port of the workspace
// @Description A WebSocket whose binary messages carry one connection to
// @Description a port on the workspace's loopback, through its agent. For
// @Description udp each message is one datagram. Used by coder port-forward.
// @ID forward-workspace-agent-port
// @Security CoderSessionToken
// @Tags Agents
// @Param workspaceagent path string true "Workspace agent ID" format(uuid)
// @Param network query string false "tcp (default) or udp" Enums(tcp,udp)
// @Param port query int true "Port in the workspace"
// @Success 101
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Failure 502 {object} codersdk.Response
// @Router /workspaceagents/{workspaceagent}/port-forward [get]
func (api *API) workspaceAgentPortForward(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	row := httpmw.WorkspaceAgentParam(r)
	q := r.URL.Query()
	network := q.Get("network")
	if network == "" {
		network = "tcp"
	}
	if network != "tcp" && network != "udp" {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message:     "Invalid query parameter.",
			Validations: []codersdk.ValidationError{{Field: "network", Detail: "must be tcp or udp"}},
		})
		return
	}
	port, err := strconv.ParseUint(q.Get("port"), 10, 16)
	if err != nil || port == 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message:     "Invalid query parameter.",
			Validations: []codersdk.ValidationError{{Field: "port", Detail: "must be a number from 1 to 65535"}},
		})
		return
	}
	ws, err := api.Database.GetWorkspaceByID(ctx, row.WorkspaceID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	auth := httpmw.APIKeyAuthorization(r)
	if auth.Actor.Authorize(rbac.ActionSSH, ws.RBACObject()) != nil {
		// Readers who may not connect are told so; others never got here
		// (the agent lookup answered 404).
		httpapi.Forbidden(rw)
		return
	}
	stream, err := api.AgentConns.Dial(ctx, row.WorkspaceAgent.ID, agentsdk.AgentDialPath+"?"+url.Values{
		"network": {network}, "port": {strconv.FormatUint(port, 10)},
	}.Encode())
	if err != nil {
		httpapi.Write(ctx, rw, http.StatusBadGateway, codersdk.Response{
			Message: "Could not reach the port through the workspace agent.", Detail: err.Error(),
		})
		return
	}
	defer stream.Close()
	session, err := api.ConnLog.Start(ctx, connlog.ConnStart{
		Type: codersdk.ConnectionTypePortForwarding, Workspace: ws, AgentID: row.WorkspaceAgent.ID, AgentName: row.WorkspaceAgent.Name,
		UserID: auth.Key.UserID, IP: connlog.RequestIP(r), UserAgent: r.UserAgent(), SlugOrPort: strconv.FormatUint(port, 10),
	})
	if err != nil {
		// Every session is on record or refused.
		httpapi.InternalServerError(rw, err)
		return
	}
	defer session.End(nil, "")
	wsConn, err := websocket.Accept(rw, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return
	}
	wsConn.SetReadLimit(1 << 20)
	api.Logger.Debug(ctx, "port forward", slog.F("agent_id", row.WorkspaceAgent.ID), slog.F("network", network), slog.F("port", port))
	if network == "udp" {
		pipeDatagramsOverWebSocket(ctx, wsConn, stream)
		return
	}
	netConn := websocket.NetConn(context.WithoutCancel(ctx), wsConn, websocket.MessageBinary)
	pipeConns(netConn, stream)
}

// pipeConns copies both ways until one side ends.
func pipeConns(a, b net.Conn) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _, _ = io.Copy(a, b); _ = a.Close() }()
	go func() { defer wg.Done(); _, _ = io.Copy(b, a); _ = b.Close() }()
	wg.Wait()
}

// pipeDatagramsOverWebSocket maps WebSocket messages to the agent's
// length-prefixed datagram framing and back.
func pipeDatagramsOverWebSocket(ctx context.Context, ws *websocket.Conn, stream net.Conn) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	go func() {
		defer cancel()
		head := make([]byte, 2)
		buf := make([]byte, 65535)
		for {
			if _, err := io.ReadFull(stream, head); err != nil {
				return
			}
			n := int(head[0])<<8 | int(head[1])
			if _, err := io.ReadFull(stream, buf[:n]); err != nil {
				return
			}
			if err := ws.Write(ctx, websocket.MessageBinary, buf[:n]); err != nil {
				return
			}
		}
	}()
	for {
		_, msg, err := ws.Read(ctx)
		if err != nil || len(msg) > 65535 {
			_ = ws.Close(websocket.StatusNormalClosure, "")
			return
		}
		frame := append([]byte{byte(len(msg) >> 8), byte(len(msg))}, msg...)
		if _, err := stream.Write(frame); err != nil {
			_ = ws.Close(websocket.StatusGoingAway, "the workspace port closed")
			return
		}
	}
}

// errNotDashboardSession marks a caller whose key cannot mint app tokens.
var errNotDashboardSession = errors.New("only a full session can open apps")

// appTokenFor mints an app-scoped key for the caller; the subdomain app
// trades it for its own cookie. It is never the session token itself.
func (api *API) appTokenFor(ctx context.Context, r *http.Request, key database.APIKey) (string, error) {
	if key.Scope != database.ApiKeyScopeAll {
		return "", errNotDashboardSession
	}
	token, _, err := api.createAPIKey(dbauthz.AsLogin(ctx), createAPIKeyParams{
		UserID: key.UserID, LoginType: key.LoginType, Lifetime: api.DeploymentValues.SessionConfig.DefaultDuration.Value(),
		Scope: database.ApiKeyScopeApplicationConnect, RemoteIP: remoteIP(r),
	})
	return token, err
}
