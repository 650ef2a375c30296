package codersdk

import (
	"context"
	"slices"
	"time"
)

// DeploymentStats summarizes workspaces and sessions across the deployment.
// The numbers are aggregated periodically, not computed per request.
type DeploymentStats struct {
	// AggregatedFrom is the start of the window the stats cover.
	AggregatedFrom time.Time `json:"aggregated_from" format:"date-time"`
	// CollectedAt is when the stats were computed.
	CollectedAt time.Time `json:"collected_at" format:"date-time"`
	// NextUpdateAt is when the stats will next be computed.
	NextUpdateAt time.Time                   `json:"next_update_at" format:"date-time"`
	Workspaces   WorkspaceDeploymentStats    `json:"workspaces"`
	SessionCount SessionCountDeploymentStats `json:"session_count"`
}

// WorkspaceDeploymentStats counts workspaces by the state of their latest
// build, and sums their network traffic.
type WorkspaceDeploymentStats struct {
	Pending             int64                        `json:"pending"`
	Building            int64                        `json:"building"`
	Running             int64                        `json:"running"`
	Failed              int64                        `json:"failed"`
	Stopped             int64                        `json:"stopped"`
	ConnectionLatencyMS WorkspaceConnectionLatencyMS `json:"connection_latency_ms"`
	RxBytes             int64                        `json:"rx_bytes"`
	TxBytes             int64                        `json:"tx_bytes"`
}

// WorkspaceConnectionLatencyMS holds latency percentiles in milliseconds.
type WorkspaceConnectionLatencyMS struct {
	P50 float64 `json:"p50"`
	P95 float64 `json:"p95"`
}

// SessionCountDeploymentStats counts open sessions to workspaces.
type SessionCountDeploymentStats struct {
	// Apps holds one entry per reported app name, each with the family it
	// counts towards. The fields below repeat those totals per family.
	Apps map[string]SessionCountApp `json:"apps"`
	// Deprecated: total Apps by Family instead.
	VSCode int64 `json:"vscode"`
	// Deprecated: total Apps by Family instead.
	SSH int64 `json:"ssh"`
	// Deprecated: total Apps by Family instead.
	JetBrains int64 `json:"jetbrains"`
	// Deprecated: total Apps by Family instead.
	ReconnectingPTY int64 `json:"reconnecting_pty"`
}

// SessionCountApp is the session count of one app.
type SessionCountApp struct {
	Count int64 `json:"count"`
	// DisplayName is the known name of the app, or its identifier.
	DisplayName string `json:"display_name"`
	// Family is the group this app counts towards.
	Family AppFamilyName `json:"family"`
	// Icon is a path under /icon/, empty when the app has none.
	Icon string `json:"icon"`
}

// AppFamilyName groups the apps that sessions are opened with.
type AppFamilyName string

const (
	AppFamilyJetBrains       AppFamilyName = "jetbrains"
	AppFamilyPortForwarding  AppFamilyName = "port_forwarding"
	AppFamilyReconnectingPTY AppFamilyName = "reconnecting_pty"
	AppFamilySFTP            AppFamilyName = "sftp"
	AppFamilySSH             AppFamilyName = "ssh"
	AppFamilyUnknown         AppFamilyName = "unknown"
	AppFamilyVSCode          AppFamilyName = "vscode"
)

// SSHConfigResponse tells `coder config-ssh` how to write the SSH config of
// the deployment's workspaces.
type SSHConfigResponse struct {
	// HostnamePrefix is prepended to workspace names to form SSH host names.
	// Deprecated: use HostnameSuffix instead.
	HostnamePrefix string `json:"hostname_prefix"`
	// HostnameSuffix is appended to workspace names to form SSH host names.
	HostnameSuffix string `json:"hostname_suffix"`
	// SSHConfigOptions are extra ssh_config options, keyed by option name.
	SSHConfigOptions map[string]string `json:"ssh_config_options"`
}

// Experiment names a feature that is off unless the operator enables it
// with --experiments.
type Experiment string

// The experiments upstream defines. This server implements none of them
// yet; they are listed so that their names are recognized.
const (
	ExperimentAgentLifecycleHooks       Experiment = "agent-lifecycle-hooks"
	ExperimentAIGatewayReverseProxy     Experiment = "ai-gateway-reverse-proxy"
	ExperimentAIGatewaySeatExclusion    Experiment = "ai-gateway-seat-exclusion"
	ExperimentAutoFillParameters        Experiment = "auto-fill-parameters"
	ExperimentChatAdvisor               Experiment = "chat-advisor"
	ExperimentChatAutomations           Experiment = "chat-automations"
	ExperimentChatInlineMCPServers      Experiment = "chat-inline-mcp-servers"
	ExperimentChatProjects              Experiment = "chat-projects"
	ExperimentChatStageMetrics          Experiment = "chat-stage-metrics"
	ExperimentChatVirtualDesktop        Experiment = "chat-virtual-desktop"
	ExperimentEnableAIWorkspaceDebug    Experiment = "enable-ai-workspace-debug"
	ExperimentExample                   Experiment = "example"
	ExperimentMCPServerHTTP             Experiment = "mcp-server-http"
	ExperimentMCPToolSearch             Experiment = "mcp-tool-search"
	ExperimentNoNATSPubsub              Experiment = "no_nats_pubsub"
	ExperimentNotifications             Experiment = "notifications"
	ExperimentWorkspaceBuildUpdates     Experiment = "workspace-build-updates"
	ExperimentWorkspaceCapableLicensing Experiment = "workspace-capable-licensing"
	ExperimentWorkspaceUsage            Experiment = "workspace-usage"
)

// ExperimentsKnown lists every experiment name the server recognizes.
// Unknown names given to --experiments are warned about and ignored.
var ExperimentsKnown = Experiments{
	ExperimentAgentLifecycleHooks,
	ExperimentAIGatewayReverseProxy,
	ExperimentAIGatewaySeatExclusion,
	ExperimentAutoFillParameters,
	ExperimentChatAdvisor,
	ExperimentChatAutomations,
	ExperimentChatInlineMCPServers,
	ExperimentChatProjects,
	ExperimentChatStageMetrics,
	ExperimentChatVirtualDesktop,
	ExperimentEnableAIWorkspaceDebug,
	ExperimentExample,
	ExperimentMCPServerHTTP,
	ExperimentMCPToolSearch,
	ExperimentNoNATSPubsub,
	ExperimentNotifications,
	ExperimentWorkspaceBuildUpdates,
	ExperimentWorkspaceCapableLicensing,
	ExperimentWorkspaceUsage,
}

// ExperimentsSafe lists the experiments that "--experiments='*'" enables.
// None are safe yet.
var ExperimentsSafe = Experiments{}

// Known reports whether e is in ExperimentsKnown.
func (e Experiment) Known() bool {
	return slices.Contains(ExperimentsKnown, e)
}

// Experiments is a set of experiment names.
type Experiments []Experiment

// Enabled reports whether ex is in the set.
func (e Experiments) Enabled(ex Experiment) bool {
	return slices.Contains(e, ex)
}

// AvailableExperiments is the body of GET /experiments/available: the
// experiments that are safe to enable.
type AvailableExperiments struct {
	Safe []Experiment `json:"safe"`
}

// DeploymentConfig returns the server's configuration. The options are
// decoded into a fresh DeploymentValues so that each option's value has its
// real type; values the server hides as secret come back empty.
func (c *Client) DeploymentConfig(ctx context.Context) (*DeploymentConfig, error) {
	vals := &DeploymentValues{}
	cfg := &DeploymentConfig{Values: vals, Options: vals.Options()}
	if err := c.getJSON(ctx, "/api/v2/deployment/config", cfg); err != nil {
		return nil, err
	}
	return cfg, nil
}

// SSHConfiguration returns the settings `coder config-ssh` needs.
func (c *Client) SSHConfiguration(ctx context.Context) (SSHConfigResponse, error) {
	var resp SSHConfigResponse
	return resp, c.getJSON(ctx, "/api/v2/deployment/ssh", &resp)
}

// DeploymentStats returns the latest aggregated deployment statistics.
func (c *Client) DeploymentStats(ctx context.Context) (DeploymentStats, error) {
	var stats DeploymentStats
	return stats, c.getJSON(ctx, "/api/v2/deployment/stats", &stats)
}

// Experiments returns the experiments enabled on the deployment.
func (c *Client) Experiments(ctx context.Context) (Experiments, error) {
	var exps Experiments
	return exps, c.getJSON(ctx, "/api/v2/experiments", &exps)
}

// SafeExperiments returns the experiments that are safe to enable. Note that
// upstream's reference documents this response as a bare array, while its
// server sends (and its client reads) the object {"safe": [...]}.
func (c *Client) SafeExperiments(ctx context.Context) (AvailableExperiments, error) {
	var avail AvailableExperiments
	return avail, c.getJSON(ctx, "/api/v2/experiments/available", &avail)
}
