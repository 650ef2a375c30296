// Package agentsdk is the contract between the workspace agent (`coder
// agent`) and the server: the agent's own endpoints under
// /api/v2/workspaceagents/me and the persistent connection it keeps.
//
// The agent dials ConnectPath authenticated with its token, as a raw
// upgraded stream (TunnelUpgrade) or, where that is refused, a WebSocket,
// and runs a yamux session over it; the agent is the yamux client. Each side
// serves HTTP on the streams the other side opens: the agent calls the /me
// endpoints over streams it opens (Conn.HTTPClient), and the server reaches
// the agent over streams it opens (terminals, SSH and ports ride on those).
// The /me endpoints also answer plain HTTP requests that carry the agent
// token, for agents or scripts without the tunnel.
package agentsdk

import (
	"time"

	"github.com/google/uuid"

	"github.com/devplane/devplane/codersdk"
)

// Environment variables the build hands to the agent (the names Coder's
// templates use in coder_agent.init_script and token).
const (
	EnvAgentToken = "CODER_AGENT_TOKEN"
	EnvAgentURL   = "CODER_AGENT_URL"
)

// Paths of the agent's endpoints, relative to the server URL.
const (
	ConnectPath        = "/api/v2/workspaceagents/me/rpc"
	ManifestPath       = "/api/v2/workspaceagents/me/manifest"
	StartupPath        = "/api/v2/workspaceagents/me/startup"
	LifecyclePath      = "/api/v2/workspaceagents/me/report-lifecycle"
	LogsPath           = "/api/v2/workspaceagents/me/logs"
	LogSourcePath      = "/api/v2/workspaceagents/me/log-source"
	MetadataPath       = "/api/v2/workspaceagents/me/metadata"
	StatsPath          = "/api/v2/workspaceagents/me/report-stats"
	AppHealthPath      = "/api/v2/workspaceagents/me/app-health"
	ListeningPortsPath = "/api/v2/workspaceagents/me/listening-ports"
	GitSSHKeyPath      = "/api/v2/workspaceagents/me/gitsshkey"
)

// Manifest is everything the agent needs to run the workspace: GET
// ManifestPath. The agent reads it once per connection.
type Manifest struct {
	AgentID       uuid.UUID `json:"agent_id" format:"uuid"`
	AgentName     string    `json:"agent_name"`
	OwnerName     string    `json:"owner_name"`
	WorkspaceID   uuid.UUID `json:"workspace_id" format:"uuid"`
	WorkspaceName string    `json:"workspace_name"`
	// Directory is the working directory as the template wrote it; the agent
	// expands ~ and $VARS and reports the result in PostStartupRequest.
	Directory            string                                       `json:"directory"`
	EnvironmentVariables map[string]string                            `json:"environment_variables"`
	MOTDFile             string                                       `json:"motd_file"`
	Apps                 []codersdk.WorkspaceApp                      `json:"apps"`
	Scripts              []codersdk.WorkspaceAgentScript              `json:"scripts"`
	Metadata             []codersdk.WorkspaceAgentMetadataDescription `json:"metadata"`
	DisplayApps          []codersdk.DisplayApp                        `json:"display_apps"`
	// DisableDirectConnections is reserved; every connection goes through
	// the server.
	DisableDirectConnections bool `json:"disable_direct_connections"`
}

// PostStartupRequest is what the agent tells the server once connected:
// POST StartupPath.
type PostStartupRequest struct {
	Version           string                    `json:"version"`
	ExpandedDirectory string                    `json:"expanded_directory"`
	OperatingSystem   string                    `json:"operating_system"`
	Architecture      string                    `json:"architecture"`
	Subsystems        []codersdk.AgentSubsystem `json:"subsystems"`
}

// PostLifecycleRequest reports a lifecycle transition: POST LifecyclePath.
// ChangedAt is when it happened in the workspace, so a report sent after a
// reconnect keeps its time.
type PostLifecycleRequest struct {
	State     codersdk.WorkspaceAgentLifecycle `json:"state"`
	ChangedAt time.Time                        `json:"changed_at" format:"date-time"`
}

// Log is one line of a script's (or the agent's own) output.
type Log struct {
	CreatedAt time.Time         `json:"created_at" format:"date-time"`
	Output    string            `json:"output"`
	Level     codersdk.LogLevel `json:"level"`
}

// PatchLogsRequest appends lines to one log source: PATCH LogsPath. The
// server caps the total size per agent; past the cap it answers 413 and marks
// the agent's logs overflowed, and the agent stops sending.
type PatchLogsRequest struct {
	LogSourceID uuid.UUID `json:"log_source_id" format:"uuid"`
	Logs        []Log     `json:"logs"`
}

// PostLogSourceRequest registers a log source the agent creates itself
// (scripts get theirs from the build): POST LogSourcePath. Idempotent by ID.
type PostLogSourceRequest struct {
	ID          uuid.UUID `json:"id" format:"uuid"`
	DisplayName string    `json:"display_name"`
	Icon        string    `json:"icon"`
}

// MetadataResult is one run of a metadata script.
type MetadataResult struct {
	CollectedAt time.Time `json:"collected_at" format:"date-time"`
	// Age is how many seconds old the value was when sent.
	Age   int64  `json:"age"`
	Value string `json:"value"`
	Error string `json:"error"`
}

// Metadata is a result for one metadata key.
type Metadata struct {
	Key string `json:"key"`
	MetadataResult
}

// PostMetadataRequest reports metadata results, several keys at once: POST
// MetadataPath.
type PostMetadataRequest struct {
	Metadata []Metadata `json:"metadata"`
}

// Stats is a report of the agent's connections and traffic since the last
// report (Coder's agent stats fields): POST StatsPath.
type Stats struct {
	// ConnectionsByProto is the number of open connections per protocol.
	ConnectionsByProto map[string]int64 `json:"connections_by_proto"`
	ConnectionCount    int64            `json:"connection_count"`
	// ConnectionMedianLatencyMS is -1 when unknown.
	ConnectionMedianLatencyMS float64 `json:"connection_median_latency_ms"`
	RxPackets                 int64   `json:"rx_packets"`
	RxBytes                   int64   `json:"rx_bytes"`
	TxPackets                 int64   `json:"tx_packets"`
	TxBytes                   int64   `json:"tx_bytes"`
	// Sessions open now, by kind.
	SessionCountVSCode          int64 `json:"session_count_vscode"`
	SessionCountJetBrains       int64 `json:"session_count_jetbrains"`
	SessionCountReconnectingPTY int64 `json:"session_count_reconnecting_pty"`
	SessionCountSSH             int64 `json:"session_count_ssh"`
}

// StatsResponse tells the agent when to report next.
type StatsResponse struct {
	ReportInterval time.Duration `json:"report_interval" swaggertype:"integer"`
}

// PostAppHealthsRequest reports the health of apps with a health check:
// POST AppHealthPath.
type PostAppHealthsRequest struct {
	Healths map[uuid.UUID]codersdk.WorkspaceAppHealth `json:"healths"`
}

// ListeningPort is a TCP port a process listens on in the workspace.
type ListeningPort struct {
	ProcessName string `json:"process_name"`
	Network     string `json:"network" enums:"tcp"`
	Port        uint16 `json:"port"`
}

// PostListeningPortsRequest replaces the agent's list of listening ports:
// POST ListeningPortsPath. The agent sends it when the list changes.
type PostListeningPortsRequest struct {
	Ports []ListeningPort `json:"ports"`
}

// GitSSHKey is the workspace owner's key, for git inside the workspace: GET
// GitSSHKeyPath.
type GitSSHKey struct {
	PublicKey  string `json:"public_key"`
	PrivateKey string `json:"private_key"`
}
