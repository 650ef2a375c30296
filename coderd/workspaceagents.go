package coderd

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"cdr.dev/slog"
	"github.com/coder/websocket"
	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/hashicorp/yamux"

	"github.com/devplane/devplane/coderd/agentconn"
	"github.com/devplane/devplane/coderd/agents"
	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/pubsub"
)

// newAgents prepares the agent service and the registry of this replica's
// agent connections.
func (api *API) newAgents() {
	api.Agents = &agents.Service{
		DB: api.Database, Pubsub: api.Pubsub, Logger: api.Logger.Named("agents"), ReplicaID: api.ReplicaID, Now: dbtime.Now,
	}
	api.AgentConns = agentconn.New(api.Database, api.ReplicaID, api.Logger.Named("agentconn"), dbtime.Now)
	api.AgentConns.Connected = api.Metrics.AgentsConnected
}

// StartAgents runs the agents' batch writers and presence refresh. stop
// ends every agent connection (each records its disconnect) and flushes
// what is buffered.
func (api *API) StartAgents(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); api.Agents.Run(ctx) }()
	go func() { defer wg.Done(); api.AgentConns.Run(ctx) }()
	return func() {
		api.AgentConns.CloseAll()
		// Each connection records its disconnect before the database goes.
		done := make(chan struct{})
		go func() { api.agentSessions.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			api.Logger.Warn(ctx, "agent connections did not record their disconnects in time")
		}
		cancel()
		wg.Wait()
	}
}

// agentMeRoutes are the agent's own endpoints, on the main router (token
// auth) and on each agent's tunnel (identity fixed by the connection).
func (api *API) agentMeRoutes(r chi.Router) {
	r.Get("/manifest", api.workspaceAgentManifest)
	r.Post("/startup", api.postWorkspaceAgentStartup)
	r.Post("/report-lifecycle", api.postWorkspaceAgentLifecycle)
	r.Patch("/logs", api.patchWorkspaceAgentLogs)
	r.Post("/log-source", api.postWorkspaceAgentLogSource)
	r.Post("/metadata", api.postWorkspaceAgentMetadata)
	r.Post("/report-stats", api.postWorkspaceAgentStats)
	r.Post("/app-health", api.postWorkspaceAgentAppHealth)
	r.Post("/listening-ports", api.postWorkspaceAgentListeningPorts)
	r.Get("/gitsshkey", api.workspaceAgentGitSSHKey)
}

// tunnelHandler serves the /me endpoints on the agents' tunnels.
func (api *API) tunnelHandler() http.Handler {
	api.agentTunnelOnce.Do(func() {
		r := chi.NewRouter()
		r.NotFound(httpapi.RouteNotFound)
		r.MethodNotAllowed(httpapi.MethodNotAllowed)
		r.Use(httpmw.Recover(api.Logger))
		r.Route("/api/v2/workspaceagents/me", api.agentMeRoutes)
		api.agentTunnel = r
	})
	return api.agentTunnel
}

// @Summary Connect the workspace agent
// @Description The agent's persistent connection: a yamux session (the
// @Description agent is the client) over a WebSocket, or over the raw
// @Description connection when the request asks for Upgrade: devplane-tunnel. The agent sends the
// @Description /workspaceagents/me requests over streams it opens; the
// @Description server opens streams to reach the agent.
// @ID connect-workspace-agent
// @Security CoderSessionToken
// @Tags Agents
// @Success 101
// @Failure 401 {object} codersdk.Response
// @Router /workspaceagents/me/rpc [get]
func (api *API) workspaceAgentRPC(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !httpapi.RequireUpgrade(ctx, rw, r, agentsdk.TunnelUpgrade) {
		return
	}
	agent := httpmw.WorkspaceAgent(r)
	// The session outlives the upgrade request, and holds nothing of it:
	// a context derived from the request's would keep the request, its
	// routing state and its middleware's values alive per agent.
	connCtx := context.Background()
	netConn, err := acceptAgentTunnel(connCtx, rw, r)
	if err != nil {
		return
	}
	mux, err := yamux.Server(netConn, agentconn.ServerYamuxConfig(agentsdk.YamuxConfig()))
	if err != nil {
		_ = netConn.Close()
		return
	}
	session := &agentconn.Session{AgentID: agent.ID, WorkspaceID: agent.WorkspaceID, Mux: mux}
	api.agentSessions.Add(1)
	api.AgentConns.Add(session)
	log := api.Logger.With(slog.F("agent_id", agent.ID), slog.F("workspace_id", agent.WorkspaceID))
	if err := api.Agents.Connected(connCtx, agent); err != nil {
		log.Warn(ctx, "record agent connection", slog.Error(err))
	}
	// Served from a goroutine of its own so that this request's deep
	// middleware stack is not kept for the connection's lifetime (the
	// WebSocket is hijacked; returning does not close it).
	go api.serveAgentTunnel(connCtx, session, agent, log)
}

// acceptAgentTunnel upgrades the agent's request to the connection the
// session runs on: a raw byte stream when the agent asks for one
// (agentsdk.TunnelUpgrade; no framing, no masking), a WebSocket otherwise.
func acceptAgentTunnel(ctx context.Context, rw http.ResponseWriter, r *http.Request) (net.Conn, error) {
	if strings.EqualFold(r.Header.Get("Upgrade"), agentsdk.TunnelUpgrade) {
		return agentsdk.AcceptUpgrade(rw, r, agentsdk.TunnelUpgrade)
	}
	ws, err := websocket.Accept(rw, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(-1)
	return websocket.NetConn(ctx, ws, websocket.MessageBinary), nil
}

// serveAgentTunnel answers the agent's requests on its session until the
// connection ends, then records the disconnect.
func (api *API) serveAgentTunnel(ctx context.Context, session *agentconn.Session, agent agents.Agent, log slog.Logger) {
	defer api.agentSessions.Done()
	srv := &http.Server{
		Handler:           api.tunnelHandler(),
		ReadHeaderTimeout: time.Minute,
		// Agents open a stream per request; one an older agent keeps idle
		// is closed after a while (past the agent's own idle timeout, so
		// its transport closes first and never sends on a closing stream).
		IdleTimeout: 2 * time.Minute,
		// Plain HTTP/1.1 on the streams: an empty map skips the HTTP/2
		// set-up net/http does per server (~1 KB per agent).
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
		BaseContext: func(_ net.Listener) context.Context {
			return httpmw.WithWorkspaceAgent(ctx, agent)
		},
	}
	_ = srv.Serve(session.Mux)
	_ = session.Mux.Close()
	// A newer session of the agent (it reconnected) owns its presence.
	if api.AgentConns.Remove(session) {
		if err := api.Agents.Disconnected(ctx, agent); err != nil {
			log.Warn(ctx, "record agent disconnection", slog.Error(err))
		}
	}
}

// @Summary Get the workspace agent's manifest
// @ID get-workspace-agent-manifest
// @Security CoderSessionToken
// @Produce json
// @Tags Agents
// @Success 200 {object} agentsdk.Manifest
// @Failure 401 {object} codersdk.Response
// @Router /workspaceagents/me/manifest [get]
func (api *API) workspaceAgentManifest(rw http.ResponseWriter, r *http.Request) {
	m, err := api.Agents.Manifest(r.Context(), httpmw.WorkspaceAgent(r))
	if err != nil {
		httpapi.WriteError(r.Context(), rw, err)
		return
	}
	httpapi.Write(r.Context(), rw, http.StatusOK, m)
}

// agentReport decodes a report and hands it to the service; 204 on success.
func agentReport[T any](rw http.ResponseWriter, r *http.Request, do func(context.Context, agents.Agent, T) error) {
	var req T
	if !httpapi.Read(r.Context(), rw, r, &req) {
		return
	}
	if err := do(r.Context(), httpmw.WorkspaceAgent(r), req); err != nil {
		httpapi.WriteError(r.Context(), rw, err)
		return
	}
	rw.WriteHeader(http.StatusNoContent)
}

// @Summary Report the workspace agent's startup
// @ID post-workspace-agent-startup
// @Security CoderSessionToken
// @Accept json
// @Tags Agents
// @Param request body agentsdk.PostStartupRequest true "Startup"
// @Success 204
// @Failure 400 {object} codersdk.Response
// @Failure 401 {object} codersdk.Response
// @Router /workspaceagents/me/startup [post]
func (api *API) postWorkspaceAgentStartup(rw http.ResponseWriter, r *http.Request) {
	agentReport(rw, r, api.Agents.Startup)
}

// @Summary Report a workspace agent lifecycle transition
// @Description States move forward: created, starting, then ready,
// @Description start_error or start_timeout, then shutting_down, then off,
// @Description shutdown_error or shutdown_timeout. An agent that restarts may
// @Description report created or starting again. Other transitions are 409.
// @ID post-workspace-agent-lifecycle
// @Security CoderSessionToken
// @Accept json
// @Tags Agents
// @Param request body agentsdk.PostLifecycleRequest true "Lifecycle"
// @Success 204
// @Failure 400 {object} codersdk.Response
// @Failure 401 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Router /workspaceagents/me/report-lifecycle [post]
func (api *API) postWorkspaceAgentLifecycle(rw http.ResponseWriter, r *http.Request) {
	agentReport(rw, r, api.Agents.ReportLifecycle)
}

// @Summary Append workspace agent logs
// @Description Past 1 MiB of output per agent the logs are marked
// @Description overflowed, one last line says so, and the answer is 413.
// @ID patch-workspace-agent-logs
// @Security CoderSessionToken
// @Accept json
// @Tags Agents
// @Param request body agentsdk.PatchLogsRequest true "Logs"
// @Success 204
// @Failure 400 {object} codersdk.Response
// @Failure 401 {object} codersdk.Response
// @Failure 413 {object} codersdk.Response
// @Router /workspaceagents/me/logs [patch]
func (api *API) patchWorkspaceAgentLogs(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var req agentsdk.PatchLogsRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	err := api.Agents.AppendLogs(ctx, httpmw.WorkspaceAgent(r), req)
	if errors.Is(err, agents.ErrLogsOverflowed) {
		httpapi.Write(ctx, rw, http.StatusRequestEntityTooLarge, codersdk.Response{
			Message: "The agent's logs passed their size limit.",
			Detail:  "Each agent may store 1 MiB of log output; later lines are dropped.",
		})
		return
	}
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	rw.WriteHeader(http.StatusNoContent)
}

// @Summary Register a workspace agent log source
// @ID post-workspace-agent-log-source
// @Security CoderSessionToken
// @Accept json
// @Tags Agents
// @Param request body agentsdk.PostLogSourceRequest true "Log source"
// @Success 204
// @Failure 400 {object} codersdk.Response
// @Failure 401 {object} codersdk.Response
// @Router /workspaceagents/me/log-source [post]
func (api *API) postWorkspaceAgentLogSource(rw http.ResponseWriter, r *http.Request) {
	agentReport(rw, r, api.Agents.AddLogSource)
}

// @Summary Report workspace agent metadata
// @Description Results are buffered and written about once a second.
// @ID post-workspace-agent-metadata
// @Security CoderSessionToken
// @Accept json
// @Tags Agents
// @Param request body agentsdk.PostMetadataRequest true "Metadata"
// @Success 204
// @Failure 400 {object} codersdk.Response
// @Failure 401 {object} codersdk.Response
// @Router /workspaceagents/me/metadata [post]
func (api *API) postWorkspaceAgentMetadata(rw http.ResponseWriter, r *http.Request) {
	agentReport(rw, r, api.Agents.ReportMetadata)
}

// @Summary Report workspace agent stats
// @ID post-workspace-agent-stats
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Agents
// @Param request body agentsdk.Stats true "Stats"
// @Success 200 {object} agentsdk.StatsResponse
// @Failure 400 {object} codersdk.Response
// @Failure 401 {object} codersdk.Response
// @Router /workspaceagents/me/report-stats [post]
func (api *API) postWorkspaceAgentStats(rw http.ResponseWriter, r *http.Request) {
	var req agentsdk.Stats
	if !httpapi.Read(r.Context(), rw, r, &req) {
		return
	}
	httpapi.Write(r.Context(), rw, http.StatusOK, api.Agents.ReportStats(r.Context(), httpmw.WorkspaceAgent(r), req))
}

// @Summary Report workspace app health
// @ID post-workspace-agent-app-health
// @Security CoderSessionToken
// @Accept json
// @Tags Agents
// @Param request body agentsdk.PostAppHealthsRequest true "App healths"
// @Success 204
// @Failure 400 {object} codersdk.Response
// @Failure 401 {object} codersdk.Response
// @Router /workspaceagents/me/app-health [post]
func (api *API) postWorkspaceAgentAppHealth(rw http.ResponseWriter, r *http.Request) {
	agentReport(rw, r, api.Agents.ReportAppHealth)
}

// @Summary Report workspace agent listening ports
// @ID post-workspace-agent-listening-ports
// @Security CoderSessionToken
// @Accept json
// @Tags Agents
// @Param request body agentsdk.PostListeningPortsRequest true "Ports"
// @Success 204
// @Failure 400 {object} codersdk.Response
// @Failure 401 {object} codersdk.Response
// @Router /workspaceagents/me/listening-ports [post]
func (api *API) postWorkspaceAgentListeningPorts(rw http.ResponseWriter, r *http.Request) {
	agentReport(rw, r, api.Agents.ReportListeningPorts)
}

// @Summary Get the workspace owner's git SSH key
// @ID get-workspace-agent-git-ssh-key
// @Security CoderSessionToken
// @Produce json
// @Tags Agents
// @Success 200 {object} agentsdk.GitSSHKey
// @Failure 401 {object} codersdk.Response
// @Router /workspaceagents/me/gitsshkey [get]
func (api *API) workspaceAgentGitSSHKey(rw http.ResponseWriter, r *http.Request) {
	k, err := api.Agents.GitSSHKey(r.Context(), httpmw.WorkspaceAgent(r))
	if err != nil {
		httpapi.WriteError(r.Context(), rw, err)
		return
	}
	httpapi.Write(r.Context(), rw, http.StatusOK, k)
}

// @Summary Get workspace agent by ID
// @ID get-workspace-agent-by-id
// @Security CoderSessionToken
// @Produce json
// @Tags Agents
// @Param workspaceagent path string true "Workspace agent ID" format(uuid)
// @Success 200 {object} codersdk.WorkspaceAgent
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaceagents/{workspaceagent} [get]
func (api *API) workspaceAgent(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	row := httpmw.WorkspaceAgentParam(r)
	out, err := api.convertAgent(ctx, row.WorkspaceAgent)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, out)
}

func (api *API) convertAgent(ctx context.Context, a database.WorkspaceAgent) (codersdk.WorkspaceAgent, error) {
	apps, err := api.Database.GetWorkspaceAppsByAgentID(ctx, a.ID)
	if err != nil {
		return codersdk.WorkspaceAgent{}, err
	}
	scripts, err := api.Database.GetWorkspaceAgentScriptsByAgentIDs(ctx, []uuid.UUID{a.ID})
	if err != nil {
		return codersdk.WorkspaceAgent{}, err
	}
	sources, err := api.Database.GetWorkspaceAgentLogSourcesByAgentIDs(ctx, []uuid.UUID{a.ID})
	if err != nil {
		return codersdk.WorkspaceAgent{}, err
	}
	converted := make([]codersdk.WorkspaceApp, 0, len(apps))
	for _, app := range apps {
		converted = append(converted, convert.WorkspaceApp(app))
	}
	out := convert.WorkspaceAgent(a, converted)
	for _, sc := range scripts {
		out.Scripts = append(out.Scripts, agents.Script(sc))
	}
	for _, ls := range sources {
		out.LogSources = append(out.LogSources, agents.LogSource(ls))
	}
	return out, nil
}

// @Summary Get workspace agent listening ports
// @ID get-workspace-agent-listening-ports
// @Security CoderSessionToken
// @Produce json
// @Tags Agents
// @Param workspaceagent path string true "Workspace agent ID" format(uuid)
// @Success 200 {object} codersdk.WorkspaceAgentListeningPortsResponse
// @Failure 404 {object} codersdk.Response
// @Router /workspaceagents/{workspaceagent}/listening-ports [get]
func (api *API) workspaceAgentListeningPorts(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	row := httpmw.WorkspaceAgentParam(r)
	res := codersdk.WorkspaceAgentListeningPortsResponse{Ports: []codersdk.WorkspaceAgentListeningPort{}}
	if len(row.WorkspaceAgent.ListeningPorts) > 0 {
		if err := json.Unmarshal(row.WorkspaceAgent.ListeningPorts, &res.Ports); err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
	}
	httpapi.Write(ctx, rw, http.StatusOK, res)
}

// @Summary Get logs by workspace agent
// @Description With follow, the request must be a WebSocket upgrade: each
// @Description message is a JSON array of logs, sent as they are stored.
// @ID get-logs-by-workspace-agent
// @Security CoderSessionToken
// @Produce json
// @Tags Agents
// @Param workspaceagent path string true "Workspace agent ID" format(uuid)
// @Param after query int false "Only logs with an ID greater than this"
// @Param follow query bool false "Follow log stream"
// @Param no_compression query bool false "Disable compression for WebSocket connection"
// @Success 200 {array} codersdk.WorkspaceAgentLog
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaceagents/{workspaceagent}/logs [get]
func (api *API) workspaceAgentLogs(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	agent := httpmw.WorkspaceAgentParam(r).WorkspaceAgent
	q := r.URL.Query()
	var after int64
	if raw := q.Get("after"); raw != "" {
		v, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || v < 0 {
			httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
				Message:     "Invalid query parameter.",
				Validations: []codersdk.ValidationError{{Field: "after", Detail: "must be a non-negative integer"}},
			})
			return
		}
		after = v
	}
	follow := false
	if raw, ok := q["follow"]; ok {
		v, err := strconv.ParseBool(raw[0])
		if raw[0] != "" && err != nil {
			httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
				Message:     "Invalid query parameter.",
				Validations: []codersdk.ValidationError{{Field: "follow", Detail: "must be a boolean"}},
			})
			return
		}
		follow = raw[0] == "" || v
	}
	read := func(ctx context.Context) ([]codersdk.WorkspaceAgentLog, error) {
		rows, err := api.Database.GetWorkspaceAgentLogsAfter(ctx, database.GetWorkspaceAgentLogsAfterParams{AgentID: agent.ID, AfterID: after})
		if err != nil {
			return nil, err
		}
		out := make([]codersdk.WorkspaceAgentLog, 0, len(rows))
		for _, l := range rows {
			out = append(out, agents.Log(l))
		}
		if len(rows) > 0 {
			after = rows[len(rows)-1].ID
		}
		return out, nil
	}
	if !follow {
		logs, err := read(ctx)
		if err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
		httpapi.Write(ctx, rw, http.StatusOK, logs)
		return
	}

	if !httpapi.RequireUpgrade(ctx, rw, r) {
		return
	}

	// Subscribe before the first read so no batch falls between them.
	notify := make(chan struct{}, 1)
	cancelSub, err := pubsub.SubscribeWake(api.Pubsub, agents.EventLogs(agent.ID), notify, nil)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	defer cancelSub()
	conn, err := websocket.Accept(rw, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return
	}
	ctx = conn.CloseRead(context.WithoutCancel(ctx))
	defer func() { _ = conn.CloseNow() }()
	send := func() bool {
		logs, err := read(ctx)
		if err != nil {
			api.Logger.Warn(ctx, "read agent logs", slog.Error(err))
			return false
		}
		if len(logs) == 0 {
			return true
		}
		msg, err := json.Marshal(logs)
		if err != nil {
			return false
		}
		wctx, cancel := context.WithTimeout(ctx, workspaceWatchWriteTimeout)
		defer cancel()
		return conn.Write(wctx, websocket.MessageText, msg) == nil
	}
	if !send() {
		return
	}
	// A slow poll catches notices lost to a pubsub reconnect.
	poll := time.NewTicker(10 * time.Second)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-notify:
		case <-poll.C:
		}
		if !send() {
			return
		}
	}
}

// @Summary Watch for workspace agent metadata updates
// @Description Server-Sent Events: a "data" event with all metadata items
// @Description (codersdk.WorkspaceAgentMetadata) at once and after every
// @Description change, a "ping" every 15 seconds.
// @ID watch-for-workspace-agent-metadata-updates
// @Security CoderSessionToken
// @Produce text/event-stream
// @Tags Agents
// @Param workspaceagent path string true "Workspace agent ID" format(uuid)
// @Success 200 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaceagents/{workspaceagent}/watch-metadata [get]
func (api *API) watchWorkspaceAgentMetadata(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	agent := httpmw.WorkspaceAgentParam(r).WorkspaceAgent
	notify := make(chan struct{}, 1)
	cancelSub, err := pubsub.SubscribeWake(api.Pubsub, agents.EventMetadata, notify, func(msg []byte) bool {
		return agents.MetadataChanged(msg, agent.ID) || pubsub.IsReconnected(msg)
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	defer cancelSub()
	read := func() ([]byte, error) {
		rows, err := api.Database.GetWorkspaceAgentMetadata(ctx, agent.ID)
		if err != nil {
			return nil, err
		}
		now := dbtime.Now()
		out := make([]codersdk.WorkspaceAgentMetadata, 0, len(rows))
		for _, m := range rows {
			out = append(out, agents.Metadata(m, now))
		}
		return json.Marshal(out)
	}
	first, err := read()
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	h := rw.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	rw.WriteHeader(http.StatusOK)
	stream := &sseStream{rw: rw, rc: http.NewResponseController(rw)}
	if stream.send(codersdk.ServerSentEventTypeData, first) != nil {
		return
	}
	ping := time.NewTicker(workspaceWatchPingInterval)
	defer ping.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ping.C:
			if stream.send(codersdk.ServerSentEventTypePing, nil) != nil {
				return
			}
			continue
		case <-notify:
		}
		data, err := read()
		if err != nil {
			if dbauthz.IsNotAuthorizedError(err) {
				return
			}
			resp, _ := json.Marshal(codersdk.Response{Message: "Internal error reading agent metadata."})
			if stream.send(codersdk.ServerSentEventTypeError, resp) != nil {
				return
			}
			continue
		}
		if stream.send(codersdk.ServerSentEventTypeData, data) != nil {
			return
		}
	}
}
