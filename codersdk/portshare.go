package codersdk

import (
	"context"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// WorkspaceAgentPortShareProtocol is how a shared port is reached.
type WorkspaceAgentPortShareProtocol string

const (
	WorkspaceAgentPortShareProtocolHTTP  WorkspaceAgentPortShareProtocol = "http"
	WorkspaceAgentPortShareProtocolHTTPS WorkspaceAgentPortShareProtocol = "https"
)

// WorkspaceAgentPortShare is a port of an agent shared beyond the owner.
type WorkspaceAgentPortShare struct {
	WorkspaceID uuid.UUID                       `json:"workspace_id" format:"uuid"`
	AgentName   string                          `json:"agent_name"`
	Port        int32                           `json:"port"`
	ShareLevel  WorkspaceAgentPortShareLevel    `json:"share_level" enums:"owner,authenticated,organization,public"`
	Protocol    WorkspaceAgentPortShareProtocol `json:"protocol" enums:"http,https"`
}

// WorkspaceAgentPortShares lists a workspace's shared ports.
type WorkspaceAgentPortShares struct {
	Shares []WorkspaceAgentPortShare `json:"shares"`
}

// UpsertWorkspaceAgentPortShareRequest shares a port (or changes how).
type UpsertWorkspaceAgentPortShareRequest struct {
	AgentName  string                          `json:"agent_name"`
	Port       int32                           `json:"port"`
	ShareLevel WorkspaceAgentPortShareLevel    `json:"share_level" enums:"owner,authenticated,organization,public"`
	Protocol   WorkspaceAgentPortShareProtocol `json:"protocol" enums:"http,https"`
}

// DeleteWorkspaceAgentPortShareRequest stops sharing a port.
type DeleteWorkspaceAgentPortShareRequest struct {
	AgentName string `json:"agent_name"`
	Port      int32  `json:"port"`
}

// ProvisionerTimingStage is a stage of a provisioner job.
type ProvisionerTimingStage string

// ProvisionerTiming is how long one stage took for one resource.
type ProvisionerTiming struct {
	JobID     uuid.UUID              `json:"job_id" format:"uuid"`
	StartedAt time.Time              `json:"started_at" format:"date-time"`
	EndedAt   time.Time              `json:"ended_at" format:"date-time"`
	Stage     ProvisionerTimingStage `json:"stage" enums:"init,plan,graph,apply"`
	Source    string                 `json:"source"`
	Action    string                 `json:"action"`
	Resource  string                 `json:"resource"`
}

// AgentScriptTiming and AgentConnectionTiming describe agent start-up;
// agents do not report them to this server yet, so the lists are empty.
type AgentScriptTiming struct {
	StartedAt          time.Time `json:"started_at" format:"date-time"`
	EndedAt            time.Time `json:"ended_at" format:"date-time"`
	ExitCode           int32     `json:"exit_code"`
	Stage              string    `json:"stage"`
	Status             string    `json:"status"`
	DisplayName        string    `json:"display_name"`
	WorkspaceAgentID   string    `json:"workspace_agent_id"`
	WorkspaceAgentName string    `json:"workspace_agent_name"`
}

// AgentConnectionTiming is when an agent connected.
type AgentConnectionTiming struct {
	StartedAt          time.Time `json:"started_at" format:"date-time"`
	EndedAt            time.Time `json:"ended_at" format:"date-time"`
	Stage              string    `json:"stage"`
	WorkspaceAgentID   string    `json:"workspace_agent_id"`
	WorkspaceAgentName string    `json:"workspace_agent_name"`
}

// WorkspaceBuildTimings are the timings of a workspace's latest build.
type WorkspaceBuildTimings struct {
	ProvisionerTimings     []ProvisionerTiming     `json:"provisioner_timings"`
	AgentScriptTimings     []AgentScriptTiming     `json:"agent_script_timings"`
	AgentConnectionTimings []AgentConnectionTiming `json:"agent_connection_timings"`
}

// GetWorkspaceAgentPortShares lists the workspace's shared ports.
func (c *Client) GetWorkspaceAgentPortShares(ctx context.Context, id uuid.UUID) (WorkspaceAgentPortShares, error) {
	var out WorkspaceAgentPortShares
	return out, c.getJSON(ctx, workspacePath(id, "/port-share"), &out)
}

// UpsertWorkspaceAgentPortShare shares a port of an agent.
func (c *Client) UpsertWorkspaceAgentPortShare(ctx context.Context, id uuid.UUID, req UpsertWorkspaceAgentPortShareRequest) (WorkspaceAgentPortShare, error) {
	var out WorkspaceAgentPortShare
	res, err := c.Request(ctx, http.MethodPost, workspacePath(id, "/port-share"), req)
	if err != nil {
		return out, err
	}
	return out, decodeJSON(res, http.StatusOK, &out)
}

// DeleteWorkspaceAgentPortShare stops sharing a port.
func (c *Client) DeleteWorkspaceAgentPortShare(ctx context.Context, id uuid.UUID, req DeleteWorkspaceAgentPortShareRequest) error {
	res, err := c.Request(ctx, http.MethodDelete, workspacePath(id, "/port-share"), req)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusOK, nil)
}

// WorkspaceTimings returns the timings of the workspace's latest build.
func (c *Client) WorkspaceTimings(ctx context.Context, id uuid.UUID) (WorkspaceBuildTimings, error) {
	var out WorkspaceBuildTimings
	return out, c.getJSON(ctx, workspacePath(id, "/timings"), &out)
}
