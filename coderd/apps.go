package coderd

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"cdr.dev/slog"
	"github.com/coder/websocket"

	"github.com/devplane/devplane/coderd/apikey"
	"github.com/devplane/devplane/coderd/connlog"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/coderd/workspaceapps"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// newApps builds the app proxy; routes() mounts it.
func (api *API) newApps() *workspaceapps.Server {
	return workspaceapps.New(workspaceapps.Options{
		Logger:        api.Logger.Named("apps"),
		DB:            api.Database,
		Dialer:        api.AgentConns,
		AccessURL:     api.AccessURL,
		WildcardHost:  api.DeploymentValues.WildcardAccessURL.Value(),
		Authenticate:  api.optionalAPIKey(),
		Sessions:      &workspaceapps.IdleSessions{Idle: appSessionIdle, Start: api.startAppSession},
		ExchangeToken: api.exchangeAppToken,
	})
}

// optionalAPIKey authenticates a token when there is one and lets
// signed-out requests through (public apps, sign-in redirects).
func (api *API) optionalAPIKey() func(http.Handler) http.Handler {
	return httpmw.ExtractAPIKey(httpmw.ExtractAPIKeyConfig{
		DB:                          api.Database,
		Logger:                      api.Logger,
		DisableSessionExpiryRefresh: api.DeploymentValues.SessionConfig.DisableExpiryRefresh.Value(),
		Optional:                    true,
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
// @Failure 403 {object} codersdk.Response
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
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to forward ports of this workspace."})
		return
	}
	stream, err := api.AgentConns.Dial(ctx, row.WorkspaceAgent.ID, agentsdk.AgentDialPath+"?"+url.Values{
		"network": {network}, "port": {strconv.FormatUint(port, 10)},
	}.Encode())
	if err != nil {
		api.writeDialError(ctx, rw, "forward port through agent", row.WorkspaceAgent.ID, err)
		return
	}
	defer stream.Close()
	// A plain request gets its 426 after the dial (whose failures are
	// answered first) and before a session is recorded.
	if !httpapi.RequireUpgrade(ctx, rw, r) {
		return
	}
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
	_ = pipeConns(netConn, stream)
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

// oneTimeAppTokenLifetime bounds the trip of an auth redirect's token from
// the dashboard to the app host.
const oneTimeAppTokenLifetime = time.Minute

// @Summary Redirect to URI with encrypted API key
// @Description Signs a browser in to a subdomain app: with the dashboard's
// @Description session it sends the browser to redirect_uri (an app host)
// @Description with a one-time, app-scoped token in the
// @Description coder_application_connect_api_key parameter, which the app
// @Description host trades for its own cookie. Signed out, it sends the
// @Description browser to the login page first.
// @ID redirect-to-uri-with-encrypted-api-key
// @Security CoderSessionToken
// @Tags Applications
// @Param redirect_uri query string true "An app host URL"
// @Success 307
// @Failure 400 {object} codersdk.Response
// @Router /applications/auth-redirect [get]
func (api *API) appAuthRedirect(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth, signedIn := httpmw.APIKeyAuthorizationOptional(r)
	if !signedIn && !httpapi.WantsHTML(r) {
		httpapi.Write(ctx, rw, http.StatusUnauthorized, codersdk.Response{
			Message: "You must be signed in to open an app: sign in to the dashboard in a browser first.",
		})
		return
	}
	if !signedIn {
		u := api.AccessURL.JoinPath("/login")
		u.RawQuery = url.Values{"redirect": {r.URL.RequestURI()}}.Encode()
		http.Redirect(rw, r, u.String(), http.StatusSeeOther)
		return
	}
	target, err := url.Parse(r.URL.Query().Get("redirect_uri"))
	if err != nil || (target.Scheme != "http" && target.Scheme != "https") || !api.apps.IsAppHost(target.Host) {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message:     "Invalid query parameter.",
			Validations: []codersdk.ValidationError{{Field: "redirect_uri", Detail: "must be the URL of a subdomain app of this deployment"}},
		})
		return
	}
	if auth.Key.Scope != database.ApiKeyScopeAll {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "Only a dashboard session can sign in to apps."})
		return
	}
	token, _, err := api.createAPIKey(dbauthz.AsAppProxy(ctx), createAPIKeyParams{
		UserID: auth.Key.UserID, LoginType: auth.Key.LoginType, Lifetime: oneTimeAppTokenLifetime,
		Scope: database.ApiKeyScopeApplicationConnect, RemoteIP: remoteIP(r),
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	q := target.Query()
	q.Set(workspaceapps.AppTokenQueryParam, token)
	target.RawQuery = q.Encode()
	http.Redirect(rw, r, target.String(), http.StatusTemporaryRedirect)
}

// exchangeAppToken spends a one-time app token (it is deleted) and mints
// the app-scoped token the app host keeps, for a session's lifetime. Not
// the dashboard's session token: the app host never sees that.
func (api *API) exchangeAppToken(ctx context.Context, r *http.Request, oneTime string) (string, time.Time, error) {
	ctx = dbauthz.AsAppProxy(ctx)
	id, secret, err := apikey.Parse(oneTime)
	if err != nil {
		return "", time.Time{}, err
	}
	key, err := api.Database.GetAPIKeyByID(dbauthz.AsAPIKeyAuthenticator(ctx), id)
	if err != nil {
		return "", time.Time{}, err
	}
	now := dbtime.Now()
	if !apikey.SecretMatches(secret, key.HashedSecret) || key.Scope != database.ApiKeyScopeApplicationConnect ||
		!now.Before(key.ExpiresAt) || key.LifetimeSeconds > int64(oneTimeAppTokenLifetime.Seconds()) {
		return "", time.Time{}, errors.New("not a valid one-time app token")
	}
	if err := api.Database.DeleteAPIKeyByID(ctx, key.ID); err != nil {
		return "", time.Time{}, err
	}
	lifetime := api.DeploymentValues.SessionConfig.DefaultDuration.Value()
	token, _, err := api.createAPIKey(ctx, createAPIKeyParams{
		UserID: key.UserID, LoginType: key.LoginType, Lifetime: lifetime,
		Scope: database.ApiKeyScopeApplicationConnect, RemoteIP: remoteIP(r),
	})
	return token, now.Add(lifetime), err
}
