package codersdk

import (
	"context"
	"encoding/json"
	"net/netip"
	"time"

	"github.com/google/uuid"
)

// ResourceType is the kind of thing an audit log entry is about.
type ResourceType string

const (
	ResourceTypeTemplate           ResourceType = "template"
	ResourceTypeTemplateVersion    ResourceType = "template_version"
	ResourceTypeUser               ResourceType = "user"
	ResourceTypeWorkspace          ResourceType = "workspace"
	ResourceTypeWorkspaceBuild     ResourceType = "workspace_build"
	ResourceTypeGitSSHKey          ResourceType = "git_ssh_key"
	ResourceTypeAPIKey             ResourceType = "api_key"
	ResourceTypeGroup              ResourceType = "group"
	ResourceTypeOrganization       ResourceType = "organization"
	ResourceTypeCustomRole         ResourceType = "custom_role"
	ResourceTypeOrganizationMember ResourceType = "organization_member"
	// ResourceTypeFile is an uploaded file (a template's source archive).
	// Upstream Coder does not audit uploads; this server does.
	ResourceTypeFile ResourceType = "file"
	// A session opened to a workspace agent (terminal, SSH, port) is
	// recorded on the agent; an app session on the app.
	ResourceTypeWorkspaceAgent ResourceType = "workspace_agent"
	ResourceTypeWorkspaceApp   ResourceType = "workspace_app"
)

// ResourceTypes lists every resource type, for validation.
var ResourceTypes = []ResourceType{
	ResourceTypeTemplate, ResourceTypeTemplateVersion, ResourceTypeUser, ResourceTypeWorkspace,
	ResourceTypeWorkspaceBuild, ResourceTypeGitSSHKey, ResourceTypeAPIKey, ResourceTypeGroup,
	ResourceTypeOrganization, ResourceTypeCustomRole, ResourceTypeOrganizationMember, ResourceTypeFile,
	ResourceTypeWorkspaceAgent, ResourceTypeWorkspaceApp,
}

// FriendlyString names the resource type in sentences ("created workspace").
func (r ResourceType) FriendlyString() string {
	switch r {
	case ResourceTypeTemplateVersion:
		return "template version"
	case ResourceTypeWorkspaceBuild:
		// A build is described by the workspace it builds: "started
		// workspace dev".
		return "workspace"
	case ResourceTypeGitSSHKey:
		return "git ssh key"
	case ResourceTypeAPIKey:
		return "token"
	case ResourceTypeCustomRole:
		return "custom role"
	case ResourceTypeOrganizationMember:
		return "organization member"
	case ResourceTypeWorkspaceAgent:
		return "workspace agent"
	case ResourceTypeWorkspaceApp:
		return "workspace app"
	case "":
		return "unknown"
	default:
		return string(r)
	}
}

// AuditAction is what was done to the resource.
type AuditAction string

const (
	AuditActionCreate   AuditAction = "create"
	AuditActionWrite    AuditAction = "write"
	AuditActionDelete   AuditAction = "delete"
	AuditActionStart    AuditAction = "start"
	AuditActionStop     AuditAction = "stop"
	AuditActionLogin    AuditAction = "login"
	AuditActionLogout   AuditAction = "logout"
	AuditActionRegister AuditAction = "register"
	// Sessions: connect/disconnect to an agent, open/close of an app.
	AuditActionConnect    AuditAction = "connect"
	AuditActionDisconnect AuditAction = "disconnect"
	AuditActionOpen       AuditAction = "open"
	AuditActionClose      AuditAction = "close"
)

// AuditActions lists every action, for validation.
var AuditActions = []AuditAction{
	AuditActionCreate, AuditActionWrite, AuditActionDelete, AuditActionStart, AuditActionStop,
	AuditActionLogin, AuditActionLogout, AuditActionRegister,
	AuditActionConnect, AuditActionDisconnect, AuditActionOpen, AuditActionClose,
}

// Friendly is the past tense used in descriptions.
func (a AuditAction) Friendly() string {
	switch a {
	case AuditActionCreate:
		return "created"
	case AuditActionWrite:
		return "updated"
	case AuditActionDelete:
		return "deleted"
	case AuditActionStart:
		return "started"
	case AuditActionStop:
		return "stopped"
	case AuditActionLogin:
		return "logged in"
	case AuditActionLogout:
		return "logged out"
	case AuditActionRegister:
		return "registered"
	case AuditActionConnect:
		return "connected to"
	case AuditActionDisconnect:
		return "disconnected from"
	case AuditActionOpen:
		return "opened"
	case AuditActionClose:
		return "closed"
	default:
		return "unknown"
	}
}

// AuditDiff maps each changed field to its values before and after.
type AuditDiff map[string]AuditDiffField

// AuditDiffField is one changed field. Secret fields carry no values: that
// they changed is all the log says.
type AuditDiffField struct {
	Old    any  `json:"old,omitempty"`
	New    any  `json:"new,omitempty"`
	Secret bool `json:"secret"`
}

// AuditLog is one audited change, or attempted change.
type AuditLog struct {
	ID        uuid.UUID  `json:"id" format:"uuid"`
	RequestID uuid.UUID  `json:"request_id" format:"uuid"`
	Time      time.Time  `json:"time" format:"date-time"`
	IP        netip.Addr `json:"ip" swaggertype:"string" format:"ipv4"`
	UserAgent string     `json:"user_agent"`
	// ResourceType and ResourceID name what was changed; ResourceTarget is
	// its name at the time.
	ResourceType     ResourceType    `json:"resource_type"`
	ResourceID       uuid.UUID       `json:"resource_id" format:"uuid"`
	ResourceTarget   string          `json:"resource_target"`
	ResourceIcon     string          `json:"resource_icon"`
	Action           AuditAction     `json:"action"`
	Diff             AuditDiff       `json:"diff"`
	StatusCode       int32           `json:"status_code"`
	AdditionalFields json.RawMessage `json:"additional_fields" swaggertype:"object"`
	Description      string          `json:"description"`
	ResourceLink     string          `json:"resource_link"`
	// IsDeleted reports whether the resource is gone now.
	IsDeleted bool `json:"is_deleted"`

	// Deprecated: Use 'organization.id' instead.
	OrganizationID uuid.UUID            `json:"organization_id" format:"uuid"`
	Organization   *MinimalOrganization `json:"organization,omitempty"`

	// User is who made the change; null for the system and for requests
	// by no known user (a failed login).
	User *User `json:"user"`
}

// AuditLogsRequest filters and pages GET /audit.
type AuditLogsRequest struct {
	// SearchQuery is the q= parameter, e.g. "resource_type:workspace
	// action:create".
	SearchQuery string `json:"q,omitempty"`
	Pagination
}

// AuditLogResponse is one page of GET /audit.
type AuditLogResponse struct {
	AuditLogs []AuditLog `json:"audit_logs"`
	// Count is how many entries match the query, across all pages, counted
	// up to CountCap.
	Count int64 `json:"count"`
	// CountCap is the most Count reports: when Count equals it, at least
	// that many entries match. 0 means Count is exact.
	CountCap int64 `json:"count_cap"`
}

// AuditLogs returns one page of the audit log, newest first.
func (c *Client) AuditLogs(ctx context.Context, req AuditLogsRequest) (AuditLogResponse, error) {
	var res AuditLogResponse
	return res, c.getJSON(ctx, "/api/v2/audit", &res,
		WithQueryParam("q", req.SearchQuery), req.Pagination.AsRequestOption())
}
