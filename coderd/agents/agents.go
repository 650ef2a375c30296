// Package agents is what the server does with workspace agents: it
// authenticates their tokens, records what they report (startup, lifecycle,
// logs, metadata, stats, app health, listening ports) and announces changes
// so watchers on every replica see them. Handlers stay thin; they decode a
// request and call a method here.
//
// Writes are batched where an agent reports often: metadata results
// coalesce in memory and are written once a second for all agents, stats
// once per StatsFlushInterval; lifecycle changes and log batches are written
// at once (they are rare or already batched by the agent).
package agents

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/pubsub"
)

const (
	// LogsCap is the most log output (bytes) stored per agent.
	LogsCap = 1 << 20
	// StatsReportInterval is what agents are told: report stats this often.
	StatsReportInterval = 30 * time.Second
	// StatsFlushInterval is how often buffered stats reach the database.
	StatsFlushInterval = 15 * time.Second
	// MetadataFlushInterval is how often coalesced metadata is written.
	MetadataFlushInterval = time.Second
	// metadataValueLimit caps one metadata value or error, as Coder does.
	metadataValueLimit = 2048
	// APIVersion is the agent API version this server speaks.
	APIVersion = "2.0"
)

// EventLogs is published when an agent's logs grow; followers re-read.
func EventLogs(agentID uuid.UUID) string { return "workspace_agent_logs:" + agentID.String() }

// EventMetadata is published after each metadata flush with the IDs of the
// agents whose metadata changed (comma-separated, in messages under the
// NOTIFY payload limit): one notice per flush rather than one per agent
// keeps the database's transactions per agent low. Watchers check
// MetadataChanged.
const EventMetadata = "workspace_agent_metadata"

// metadataNoticeBytes keeps a notice under PostgreSQL's 8000-byte payload.
const metadataNoticeBytes = 7000

// MetadataChanged reports whether a metadata notice names the agent.
func MetadataChanged(message []byte, agentID uuid.UUID) bool {
	return strings.Contains(string(message), agentID.String())
}

// ErrTokenRefused is returned by Authenticate; its message says why.
type ErrTokenRefused struct{ Reason string }

func (e ErrTokenRefused) Error() string { return e.Reason }

// ErrLogsOverflowed is returned by AppendLogs past LogsCap.
var ErrLogsOverflowed = errors.New("the agent's logs passed their size limit")

// Agent is an authenticated agent with what identifies its workspace.
type Agent struct {
	database.WorkspaceAgent
	WorkspaceID    uuid.UUID
	WorkspaceName  string
	OwnerID        uuid.UUID
	OwnerName      string
	TemplateID     uuid.UUID
	OrganizationID uuid.UUID
}

// Service holds the batches; one per replica.
type Service struct {
	DB        database.Store // dbauthz-wrapped
	Pubsub    pubsub.Pubsub
	Logger    slog.Logger
	ReplicaID uuid.UUID
	Now       func() time.Time

	mu       sync.Mutex
	metadata map[uuid.UUID]map[string]agentsdk.MetadataResult
	stats    []statsRow
	dayUsers map[[2]uuid.UUID]time.Time // (template, user) -> day written
}

type statsRow struct {
	agent Agent
	at    time.Time
	stats agentsdk.Stats
}

// TokenHash is what is stored of an agent token.
func TokenHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// Authenticate finds the agent a token belongs to. The token works only for
// the agent of the workspace's latest build, while that build is a start
// and the workspace exists.
func (s *Service) Authenticate(ctx context.Context, token string) (Agent, error) {
	if token == "" {
		return Agent{}, ErrTokenRefused{"An agent token is required in the Coder-Session-Token header."}
	}
	row, err := s.DB.GetWorkspaceAgentByAuthTokenHash(dbauthz.AsWorkspaceAgent(ctx), TokenHash(token))
	if errors.Is(err, database.ErrNoRows) {
		return Agent{}, ErrTokenRefused{"The agent token is not valid."}
	}
	if err != nil {
		return Agent{}, xerrors.Errorf("look up agent token: %w", err)
	}
	switch {
	case row.WorkspaceDeleted:
		return Agent{}, ErrTokenRefused{"The agent's workspace was deleted."}
	case row.BuildNumber != row.LatestBuildNumber:
		return Agent{}, ErrTokenRefused{"The agent token belongs to a build that a newer build of the workspace superseded."}
	case row.Transition != database.WorkspaceTransitionStart:
		return Agent{}, ErrTokenRefused{"The agent's workspace is not started."}
	}
	return Agent{
		WorkspaceAgent: row.WorkspaceAgent, WorkspaceID: row.WorkspaceID, WorkspaceName: row.WorkspaceName,
		OwnerID: row.OwnerID, OwnerName: row.OwnerName, TemplateID: row.TemplateID, OrganizationID: row.OrganizationID,
	}, nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now().UTC()
}

func (s *Service) ctx(ctx context.Context) context.Context { return dbauthz.AsWorkspaceAgent(ctx) }

func (s *Service) workspaceChanged(ctx context.Context, a Agent) {
	domain.Events{Pubsub: s.Pubsub, Logger: s.Logger}.WorkspaceChanged(ctx, a.WorkspaceID)
}

func (s *Service) publish(ctx context.Context, event string) { s.publishMessage(ctx, event, "") }

func (s *Service) publishMessage(ctx context.Context, event, message string) {
	if err := s.Pubsub.Publish(event, []byte(message)); err != nil {
		s.Logger.Warn(ctx, "publish agent change", slog.F("event", event), slog.Error(err))
	}
}

// Connected records that the agent connected to this replica.
func (s *Service) Connected(ctx context.Context, a Agent) error {
	err := s.DB.UpdateWorkspaceAgentConnected(s.ctx(ctx), database.UpdateWorkspaceAgentConnectedParams{
		ID: a.ID, Now: s.now(), ReplicaID: s.ReplicaID,
	})
	if err != nil {
		return xerrors.Errorf("record agent connected: %w", err)
	}
	s.workspaceChanged(ctx, a)
	return nil
}

// Disconnected records that the agent's connection to this replica ended.
func (s *Service) Disconnected(ctx context.Context, a Agent) error {
	err := s.DB.UpdateWorkspaceAgentDisconnected(s.ctx(ctx), database.UpdateWorkspaceAgentDisconnectedParams{
		ID: a.ID, Now: s.now(), ReplicaID: s.ReplicaID,
	})
	if err != nil {
		return xerrors.Errorf("record agent disconnected: %w", err)
	}
	s.workspaceChanged(ctx, a)
	return nil
}

// Manifest is what the agent runs.
func (s *Service) Manifest(ctx context.Context, a Agent) (agentsdk.Manifest, error) {
	ctx = s.ctx(ctx)
	apps, err := s.DB.GetWorkspaceAppsByAgentID(ctx, a.ID)
	if err != nil {
		return agentsdk.Manifest{}, xerrors.Errorf("apps: %w", err)
	}
	scripts, err := s.DB.GetWorkspaceAgentScriptsByAgentIDs(ctx, []uuid.UUID{a.ID})
	if err != nil {
		return agentsdk.Manifest{}, xerrors.Errorf("scripts: %w", err)
	}
	metadata, err := s.DB.GetWorkspaceAgentMetadata(ctx, a.ID)
	if err != nil {
		return agentsdk.Manifest{}, xerrors.Errorf("metadata: %w", err)
	}
	m := agentsdk.Manifest{
		AgentID: a.ID, AgentName: a.Name, OwnerName: a.OwnerName, WorkspaceID: a.WorkspaceID, WorkspaceName: a.WorkspaceName,
		Directory: a.Directory, MOTDFile: a.MotdFile,
		EnvironmentVariables: map[string]string{},
		Apps:                 make([]codersdk.WorkspaceApp, 0, len(apps)),
		Scripts:              make([]codersdk.WorkspaceAgentScript, 0, len(scripts)),
		Metadata:             make([]codersdk.WorkspaceAgentMetadataDescription, 0, len(metadata)),
		DisplayApps:          make([]codersdk.DisplayApp, 0, len(a.DisplayApps)),
	}
	if len(a.EnvironmentVariables) > 0 {
		if err := json.Unmarshal(a.EnvironmentVariables, &m.EnvironmentVariables); err != nil {
			return agentsdk.Manifest{}, xerrors.Errorf("environment variables: %w", err)
		}
	}
	for _, app := range apps {
		m.Apps = append(m.Apps, App(app))
	}
	for _, sc := range scripts {
		m.Scripts = append(m.Scripts, Script(sc))
	}
	for _, md := range metadata {
		m.Metadata = append(m.Metadata, MetadataDescription(md))
	}
	for _, d := range a.DisplayApps {
		m.DisplayApps = append(m.DisplayApps, codersdk.DisplayApp(d))
	}
	return m, nil
}

// Startup records the agent's version and environment.
func (s *Service) Startup(ctx context.Context, a Agent, req agentsdk.PostStartupRequest) error {
	var f domain.Fields
	subsystems := make([]string, 0, len(req.Subsystems))
	for _, sub := range req.Subsystems {
		switch sub {
		case codersdk.AgentSubsystemEnvbox, codersdk.AgentSubsystemEnvbuilder, codersdk.AgentSubsystemExectrace:
			subsystems = append(subsystems, string(sub))
		default:
			f.Check("subsystems", "must be envbox, envbuilder or exectrace, got "+string(sub))
		}
	}
	if err := f.Err("Invalid agent startup report."); err != nil {
		return err
	}
	err := s.DB.UpdateWorkspaceAgentStartup(s.ctx(ctx), database.UpdateWorkspaceAgentStartupParams{
		ID: a.ID, Version: req.Version, ApiVersion: APIVersion, ExpandedDirectory: req.ExpandedDirectory,
		OperatingSystem: req.OperatingSystem, Architecture: req.Architecture, Subsystems: subsystems, Now: s.now(),
	})
	if err != nil {
		return xerrors.Errorf("record agent startup: %w", err)
	}
	s.workspaceChanged(ctx, a)
	return nil
}

// lifecycleRank orders lifecycle states: a report must move forward.
var lifecycleRank = map[codersdk.WorkspaceAgentLifecycle]int{
	codersdk.WorkspaceAgentLifecycleCreated:         0,
	codersdk.WorkspaceAgentLifecycleStarting:        1,
	codersdk.WorkspaceAgentLifecycleStartTimeout:    2,
	codersdk.WorkspaceAgentLifecycleStartError:      3,
	codersdk.WorkspaceAgentLifecycleReady:           3,
	codersdk.WorkspaceAgentLifecycleShuttingDown:    4,
	codersdk.WorkspaceAgentLifecycleShutdownTimeout: 5,
	codersdk.WorkspaceAgentLifecycleShutdownError:   6,
	codersdk.WorkspaceAgentLifecycleOff:             6,
}

// ValidLifecycleTransition says whether an agent in state from may report
// to. States move forward (a start that timed out may still finish); an
// agent process that restarts begins again at created or starting.
func ValidLifecycleTransition(from, to codersdk.WorkspaceAgentLifecycle) bool {
	rf, okf := lifecycleRank[from]
	rt, okt := lifecycleRank[to]
	if !okf || !okt {
		return false
	}
	if from == to || to == codersdk.WorkspaceAgentLifecycleCreated || to == codersdk.WorkspaceAgentLifecycleStarting {
		return true
	}
	return rt > rf
}

// ReportLifecycle records a lifecycle transition with its times: started_at
// when starting begins, ready_at when starting ends (ready, error or
// timeout).
func (s *Service) ReportLifecycle(ctx context.Context, a Agent, req agentsdk.PostLifecycleRequest) error {
	if _, ok := lifecycleRank[req.State]; !ok {
		return domain.Invalid("Invalid lifecycle state.", domain.FieldError{Field: "state", Detail: "unknown lifecycle state " + string(req.State)})
	}
	// The row may be older than the last report on this connection.
	current, err := s.DB.GetWorkspaceAgentByAuthTokenHash(s.ctx(ctx), a.AuthTokenHash)
	if err != nil {
		return xerrors.Errorf("read agent: %w", err)
	}
	from := codersdk.WorkspaceAgentLifecycle(current.WorkspaceAgent.LifecycleState)
	if current.WorkspaceAgent.ID != a.ID {
		return domain.Conflict("The agent was replaced by a newer build.", "")
	}
	if !ValidLifecycleTransition(from, req.State) {
		return domain.Conflict("Invalid lifecycle transition.",
			"The agent is "+string(from)+" and cannot become "+string(req.State)+".")
	}
	at := req.ChangedAt
	if at.IsZero() {
		at = s.now()
	}
	startedAt, readyAt := current.WorkspaceAgent.StartedAt, current.WorkspaceAgent.ReadyAt
	switch req.State {
	case codersdk.WorkspaceAgentLifecycleCreated:
		startedAt, readyAt = nil, nil
	case codersdk.WorkspaceAgentLifecycleStarting:
		startedAt, readyAt = &at, nil
	case codersdk.WorkspaceAgentLifecycleReady, codersdk.WorkspaceAgentLifecycleStartError, codersdk.WorkspaceAgentLifecycleStartTimeout:
		if startedAt == nil {
			startedAt = &at
		}
		readyAt = &at
	}
	err = s.DB.UpdateWorkspaceAgentLifecycle(s.ctx(ctx), database.UpdateWorkspaceAgentLifecycleParams{
		ID: a.ID, LifecycleState: string(req.State), StartedAt: startedAt, ReadyAt: readyAt, Now: s.now(),
	})
	if err != nil {
		return xerrors.Errorf("record lifecycle: %w", err)
	}
	s.workspaceChanged(ctx, a)
	return nil
}

// AppendLogs stores log lines of one source. Past LogsCap it stores one
// final line saying so, marks the logs overflowed and returns
// ErrLogsOverflowed.
func (s *Service) AppendLogs(ctx context.Context, a Agent, req agentsdk.PatchLogsRequest) error {
	var f domain.Fields
	if req.LogSourceID == uuid.Nil {
		f.Check("log_source_id", "is required")
	}
	params := database.InsertWorkspaceAgentLogsParams{AgentID: a.ID, LogSourceID: req.LogSourceID, Cap: LogsCap}
	length := 0
	for i, l := range req.Logs {
		level := l.Level
		switch level {
		case "":
			level = codersdk.LogLevelInfo
		case codersdk.LogLevelTrace, codersdk.LogLevelDebug, codersdk.LogLevelInfo, codersdk.LogLevelWarn, codersdk.LogLevelError:
		default:
			f.Check("logs", "line "+itoa(i)+" has an unknown level "+string(l.Level))
		}
		at := l.CreatedAt
		if at.IsZero() {
			at = s.now()
		}
		params.CreatedAt = append(params.CreatedAt, at)
		params.Output = append(params.Output, l.Output)
		params.Level = append(params.Level, string(level))
		length += len(l.Output)
	}
	if err := f.Err("Invalid agent logs."); err != nil {
		return err
	}
	if len(req.Logs) == 0 {
		return nil
	}
	if length > LogsCap {
		length = LogsCap + 1
	}
	params.OutputLength = int32(length) //nolint:gosec // capped above
	ctx2 := s.ctx(ctx)
	rows, err := s.DB.InsertWorkspaceAgentLogs(ctx2, params)
	if err != nil {
		return xerrors.Errorf("insert agent logs: %w", err)
	}
	if len(rows) > 0 {
		s.publish(ctx, EventLogs(a.ID))
		return nil
	}
	_, err = s.DB.InsertWorkspaceAgentLogOverflow(ctx2, database.InsertWorkspaceAgentLogOverflowParams{
		AgentID: a.ID, LogSourceID: req.LogSourceID, CreatedAt: s.now(),
		Output: "The agent's logs passed the limit of 1 MiB; later lines were dropped.",
	})
	if err != nil {
		return xerrors.Errorf("mark agent logs overflowed: %w", err)
	}
	s.publish(ctx, EventLogs(a.ID))
	s.workspaceChanged(ctx, a)
	return ErrLogsOverflowed
}

// AddLogSource registers a log source of the agent's own (idempotent).
func (s *Service) AddLogSource(ctx context.Context, a Agent, req agentsdk.PostLogSourceRequest) error {
	var f domain.Fields
	if req.ID == uuid.Nil {
		f.Check("id", "is required")
	}
	if req.DisplayName == "" {
		f.Check("display_name", "is required")
	}
	if err := f.Err("Invalid log source."); err != nil {
		return err
	}
	return s.DB.InsertWorkspaceAgentLogSources(s.ctx(ctx), database.InsertWorkspaceAgentLogSourcesParams{
		WorkspaceAgentID: a.ID, CreatedAt: s.now(), Ids: []uuid.UUID{req.ID},
		DisplayNames: []string{req.DisplayName}, Icons: []string{req.Icon},
	})
}

// ReportMetadata buffers results; FlushMetadata writes them.
func (s *Service) ReportMetadata(_ context.Context, a Agent, req agentsdk.PostMetadataRequest) error {
	var f domain.Fields
	for i, m := range req.Metadata {
		if m.Key == "" {
			f.Check("metadata", "item "+itoa(i)+" has no key")
		}
	}
	if err := f.Err("Invalid metadata report."); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.metadata == nil {
		s.metadata = map[uuid.UUID]map[string]agentsdk.MetadataResult{}
	}
	byKey := s.metadata[a.ID]
	if byKey == nil {
		byKey = map[string]agentsdk.MetadataResult{}
		s.metadata[a.ID] = byKey
	}
	for _, m := range req.Metadata {
		r := m.MetadataResult
		r.Value = truncate(r.Value, metadataValueLimit)
		r.Error = truncate(r.Error, metadataValueLimit)
		if r.CollectedAt.IsZero() {
			r.CollectedAt = s.now()
		}
		byKey[m.Key] = r
	}
	return nil
}

// FlushMetadata writes buffered metadata in one statement and tells the
// watchers of each changed agent.
func (s *Service) FlushMetadata(ctx context.Context) {
	s.mu.Lock()
	pending := s.metadata
	s.metadata = nil
	s.mu.Unlock()
	if len(pending) == 0 {
		return
	}
	var p database.UpdateWorkspaceAgentMetadataParams
	for agentID, byKey := range pending {
		for key, r := range byKey {
			p.AgentIds = append(p.AgentIds, agentID)
			p.Keys = append(p.Keys, key)
			p.Values = append(p.Values, r.Value)
			p.Errors = append(p.Errors, r.Error)
			p.CollectedAts = append(p.CollectedAts, r.CollectedAt)
		}
	}
	if err := s.DB.UpdateWorkspaceAgentMetadata(s.ctx(ctx), p); err != nil {
		s.Logger.Warn(ctx, "write agent metadata", slog.F("agents", len(pending)), slog.Error(err))
		return
	}
	var notice strings.Builder
	for agentID := range pending {
		if notice.Len()+37 > metadataNoticeBytes {
			s.publishMessage(ctx, EventMetadata, notice.String())
			notice.Reset()
		}
		if notice.Len() > 0 {
			notice.WriteByte(',')
		}
		notice.WriteString(agentID.String())
	}
	s.publishMessage(ctx, EventMetadata, notice.String())
}

// ReportStats buffers a stats report; FlushStats writes it.
func (s *Service) ReportStats(_ context.Context, a Agent, stats agentsdk.Stats) agentsdk.StatsResponse {
	s.mu.Lock()
	s.stats = append(s.stats, statsRow{agent: a, at: s.now(), stats: stats})
	s.mu.Unlock()
	return agentsdk.StatsResponse{ReportInterval: StatsReportInterval}
}

// FlushStats writes buffered stats in one statement, marks workspaces with
// open sessions used and counts their owners as the template's daily users.
func (s *Service) FlushStats(ctx context.Context) {
	s.mu.Lock()
	rows := s.stats
	s.stats = nil
	s.mu.Unlock()
	if len(rows) == 0 {
		return
	}
	now := s.now()
	ctx2 := s.ctx(ctx)
	p := database.InsertWorkspaceAgentStatsParams{CreatedAt: now}
	used := map[uuid.UUID]bool{}
	var users [][2]uuid.UUID
	for _, r := range rows {
		st := r.stats
		byProto, _ := json.Marshal(st.ConnectionsByProto)
		if st.ConnectionsByProto == nil {
			byProto = []byte("{}")
		}
		p.Ids = append(p.Ids, uuid.New())
		p.AgentIds = append(p.AgentIds, r.agent.ID)
		p.WorkspaceIds = append(p.WorkspaceIds, r.agent.WorkspaceID)
		p.TemplateIds = append(p.TemplateIds, r.agent.TemplateID)
		p.UserIds = append(p.UserIds, r.agent.OwnerID)
		p.ConnectionsByProto = append(p.ConnectionsByProto, byProto)
		p.ConnectionCounts = append(p.ConnectionCounts, st.ConnectionCount)
		p.ConnectionMedianLatencyMs = append(p.ConnectionMedianLatencyMs, st.ConnectionMedianLatencyMS)
		p.RxPackets = append(p.RxPackets, st.RxPackets)
		p.RxBytes = append(p.RxBytes, st.RxBytes)
		p.TxPackets = append(p.TxPackets, st.TxPackets)
		p.TxBytes = append(p.TxBytes, st.TxBytes)
		p.SessionCountVscode = append(p.SessionCountVscode, st.SessionCountVSCode)
		p.SessionCountJetbrains = append(p.SessionCountJetbrains, st.SessionCountJetBrains)
		p.SessionCountReconnectingPty = append(p.SessionCountReconnectingPty, st.SessionCountReconnectingPTY)
		p.SessionCountSsh = append(p.SessionCountSsh, st.SessionCountSSH)
		if st.SessionCountVSCode+st.SessionCountJetBrains+st.SessionCountReconnectingPTY+st.SessionCountSSH > 0 && !used[r.agent.WorkspaceID] {
			used[r.agent.WorkspaceID] = true
			users = append(users, [2]uuid.UUID{r.agent.TemplateID, r.agent.OwnerID})
		}
	}
	if err := s.DB.InsertWorkspaceAgentStats(ctx2, p); err != nil {
		s.Logger.Warn(ctx, "write agent stats", slog.F("rows", len(rows)), slog.Error(err))
	}
	if len(used) > 0 {
		ids := make([]uuid.UUID, 0, len(used))
		for id := range used {
			ids = append(ids, id)
		}
		if err := s.DB.UpdateWorkspacesLastUsedAt(ctx2, database.UpdateWorkspacesLastUsedAtParams{LastUsedAt: now, Ids: ids}); err != nil {
			s.Logger.Warn(ctx, "mark workspaces used from agent stats", slog.Error(err))
		}
	}
	day := now.Truncate(24 * time.Hour)
	for _, u := range users {
		s.mu.Lock()
		if s.dayUsers == nil {
			s.dayUsers = map[[2]uuid.UUID]time.Time{}
		}
		seen := s.dayUsers[u].Equal(day)
		s.dayUsers[u] = day
		s.mu.Unlock()
		if seen {
			continue
		}
		if err := s.DB.InsertTemplateDailyUser(ctx2, database.InsertTemplateDailyUserParams{TemplateID: u[0], UserID: u[1], Day: day}); err != nil {
			s.Logger.Warn(ctx, "record template daily user", slog.Error(err))
		}
	}
}

// Run flushes the batches until ctx ends, then once more.
func (s *Service) Run(ctx context.Context) {
	metadata := time.NewTicker(MetadataFlushInterval)
	defer metadata.Stop()
	stats := time.NewTicker(StatsFlushInterval)
	defer stats.Stop()
	for {
		select {
		case <-ctx.Done():
			final := context.WithoutCancel(ctx)
			s.FlushMetadata(final)
			s.FlushStats(final)
			return
		case <-metadata.C:
			s.FlushMetadata(ctx)
		case <-stats.C:
			s.FlushStats(ctx)
		}
	}
}

// ReportAppHealth records app health check results for the agent's apps.
func (s *Service) ReportAppHealth(ctx context.Context, a Agent, req agentsdk.PostAppHealthsRequest) error {
	var f domain.Fields
	p := database.UpdateWorkspaceAppHealthsParams{AgentID: a.ID}
	for id, h := range req.Healths {
		switch h {
		case codersdk.WorkspaceAppHealthDisabled, codersdk.WorkspaceAppHealthInitializing,
			codersdk.WorkspaceAppHealthHealthy, codersdk.WorkspaceAppHealthUnhealthy:
		default:
			f.Check("healths", "app "+id.String()+" has an unknown health "+string(h))
		}
		p.Ids = append(p.Ids, id)
		p.Healths = append(p.Healths, string(h))
	}
	if err := f.Err("Invalid app health report."); err != nil {
		return err
	}
	if len(p.Ids) == 0 {
		return nil
	}
	if err := s.DB.UpdateWorkspaceAppHealths(s.ctx(ctx), p); err != nil {
		return xerrors.Errorf("record app health: %w", err)
	}
	s.workspaceChanged(ctx, a)
	return nil
}

// ReportListeningPorts replaces the agent's listening ports.
func (s *Service) ReportListeningPorts(ctx context.Context, a Agent, req agentsdk.PostListeningPortsRequest) error {
	var f domain.Fields
	ports := make([]codersdk.WorkspaceAgentListeningPort, 0, len(req.Ports))
	for i, p := range req.Ports {
		if p.Network != "" && p.Network != "tcp" {
			f.Check("ports", "port "+itoa(i)+" must be on network tcp")
		}
		ports = append(ports, codersdk.WorkspaceAgentListeningPort{ProcessName: p.ProcessName, Network: "tcp", Port: p.Port})
	}
	if err := f.Err("Invalid listening ports."); err != nil {
		return err
	}
	raw, err := json.Marshal(ports)
	if err != nil {
		return err
	}
	return s.DB.UpdateWorkspaceAgentListeningPorts(s.ctx(ctx), database.UpdateWorkspaceAgentListeningPortsParams{ID: a.ID, ListeningPorts: raw})
}

// GitSSHKey is the workspace owner's key.
func (s *Service) GitSSHKey(ctx context.Context, a Agent) (agentsdk.GitSSHKey, error) {
	k, err := s.DB.GetGitSSHKey(s.ctx(ctx), a.OwnerID)
	if err != nil {
		return agentsdk.GitSSHKey{}, err
	}
	return agentsdk.GitSSHKey{PublicKey: k.PublicKey, PrivateKey: k.PrivateKey}, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func itoa(i int) string {
	return formatInt(i)
}
