package codersdk

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// AutomaticUpdates says whether starts move a workspace to the template's
// active version.
type AutomaticUpdates string

const (
	AutomaticUpdatesAlways AutomaticUpdates = "always"
	AutomaticUpdatesNever  AutomaticUpdates = "never"
)

// WorkspaceStatus is derived from the latest build's transition and its
// job's status.
type WorkspaceStatus string

const (
	WorkspaceStatusPending   WorkspaceStatus = "pending"
	WorkspaceStatusStarting  WorkspaceStatus = "starting"
	WorkspaceStatusRunning   WorkspaceStatus = "running"
	WorkspaceStatusStopping  WorkspaceStatus = "stopping"
	WorkspaceStatusStopped   WorkspaceStatus = "stopped"
	WorkspaceStatusFailed    WorkspaceStatus = "failed"
	WorkspaceStatusCanceling WorkspaceStatus = "canceling"
	WorkspaceStatusCanceled  WorkspaceStatus = "canceled"
	WorkspaceStatusDeleting  WorkspaceStatus = "deleting"
	WorkspaceStatusDeleted   WorkspaceStatus = "deleted"
)

// WorkspaceStatuses lists every status, for validation.
var WorkspaceStatuses = []WorkspaceStatus{
	WorkspaceStatusPending, WorkspaceStatusStarting, WorkspaceStatusRunning, WorkspaceStatusStopping,
	WorkspaceStatusStopped, WorkspaceStatusFailed, WorkspaceStatusCanceling, WorkspaceStatusCanceled,
	WorkspaceStatusDeleting, WorkspaceStatusDeleted,
}

// BuildReason says why a build happened.
type BuildReason string

const (
	BuildReasonInitiator BuildReason = "initiator"
	BuildReasonAutostart BuildReason = "autostart"
	BuildReasonAutostop  BuildReason = "autostop"
	BuildReasonDormancy  BuildReason = "dormancy"
	BuildReasonDashboard BuildReason = "dashboard"
	BuildReasonCLI       BuildReason = "cli"
	BuildReasonSSH       BuildReason = "ssh_connection"
	BuildReasonVSCode    BuildReason = "vscode_connection"
	BuildReasonJetBrains BuildReason = "jetbrains_connection"
)

// Workspace is a user's instance of a template.
type Workspace struct {
	ID                                   uuid.UUID           `json:"id" format:"uuid"`
	CreatedAt                            time.Time           `json:"created_at" format:"date-time"`
	UpdatedAt                            time.Time           `json:"updated_at" format:"date-time"`
	OwnerID                              uuid.UUID           `json:"owner_id" format:"uuid"`
	OwnerName                            string              `json:"owner_name"`
	OwnerAvatarURL                       string              `json:"owner_avatar_url"`
	OrganizationID                       uuid.UUID           `json:"organization_id" format:"uuid"`
	OrganizationName                     string              `json:"organization_name"`
	TemplateID                           uuid.UUID           `json:"template_id" format:"uuid"`
	TemplateName                         string              `json:"template_name"`
	TemplateDisplayName                  string              `json:"template_display_name"`
	TemplateIcon                         string              `json:"template_icon"`
	TemplateAllowUserCancelWorkspaceJobs bool                `json:"template_allow_user_cancel_workspace_jobs"`
	TemplateActiveVersionID              uuid.UUID           `json:"template_active_version_id" format:"uuid"`
	TemplateRequireActiveVersion         bool                `json:"template_require_active_version"`
	TemplateUseClassicParameterFlow      bool                `json:"template_use_classic_parameter_flow"`
	LatestBuild                          WorkspaceBuild      `json:"latest_build"`
	LatestAppStatus                      *WorkspaceAppStatus `json:"latest_app_status"`
	// Outdated is true when the latest build is not of the template's
	// active version.
	Outdated          bool             `json:"outdated"`
	Name              string           `json:"name"`
	AutostartSchedule *string          `json:"autostart_schedule,omitempty"`
	TTLMillis         *int64           `json:"ttl_ms,omitempty"`
	LastUsedAt        time.Time        `json:"last_used_at" format:"date-time"`
	DeletingAt        *time.Time       `json:"deleting_at" format:"date-time"`
	DormantAt         *time.Time       `json:"dormant_at" format:"date-time"`
	Health            WorkspaceHealth  `json:"health"`
	AutomaticUpdates  AutomaticUpdates `json:"automatic_updates" enums:"always,never"`
	AllowRenames      bool             `json:"allow_renames"`
	Favorite          bool             `json:"favorite"`
	NextStartAt       *time.Time       `json:"next_start_at" format:"date-time"`
	// IsPrebuild is always false: this server has no prebuilds.
	IsPrebuild bool `json:"is_prebuild"`
	// TaskID is never set: this server has no tasks.
	TaskID     uuid.NullUUID          `json:"task_id,omitempty" swaggertype:"string" format:"uuid"`
	SharedWith []SharedWorkspaceActor `json:"shared_with,omitempty"`
}

// WorkspaceHealth is healthy when every agent of the latest start build is
// connected (and trivially when there are none).
type WorkspaceHealth struct {
	Healthy       bool        `json:"healthy" example:"false"`
	FailingAgents []uuid.UUID `json:"failing_agents" format:"uuid"`
}

// SharedWorkspaceActorType is a user or a group.
type SharedWorkspaceActorType string

const (
	SharedWorkspaceActorTypeGroup SharedWorkspaceActorType = "group"
	SharedWorkspaceActorTypeUser  SharedWorkspaceActorType = "user"
)

// SharedWorkspaceActor is someone a workspace is shared with.
type SharedWorkspaceActor struct {
	ID        uuid.UUID                `json:"id" format:"uuid"`
	ActorType SharedWorkspaceActorType `json:"actor_type" enums:"group,user"`
	Name      string                   `json:"name"`
	AvatarURL string                   `json:"avatar_url,omitempty" format:"uri"`
	Roles     []WorkspaceRole          `json:"roles" enums:"admin,use"`
}

// WorkspaceBuild is one transition of a workspace.
type WorkspaceBuild struct {
	ID                      uuid.UUID            `json:"id" format:"uuid"`
	CreatedAt               time.Time            `json:"created_at" format:"date-time"`
	UpdatedAt               time.Time            `json:"updated_at" format:"date-time"`
	WorkspaceID             uuid.UUID            `json:"workspace_id" format:"uuid"`
	WorkspaceName           string               `json:"workspace_name"`
	WorkspaceOwnerID        uuid.UUID            `json:"workspace_owner_id" format:"uuid"`
	WorkspaceOwnerName      string               `json:"workspace_owner_name,omitempty"`
	WorkspaceOwnerAvatarURL string               `json:"workspace_owner_avatar_url,omitempty"`
	TemplateVersionID       uuid.UUID            `json:"template_version_id" format:"uuid"`
	TemplateVersionName     string               `json:"template_version_name"`
	BuildNumber             int32                `json:"build_number"`
	Transition              WorkspaceTransition  `json:"transition" enums:"start,stop,delete"`
	InitiatorID             uuid.UUID            `json:"initiator_id" format:"uuid"`
	InitiatorUsername       string               `json:"initiator_name"`
	Job                     ProvisionerJob       `json:"job"`
	Reason                  BuildReason          `json:"reason" enums:"initiator,autostart,autostop"`
	Resources               []WorkspaceResource  `json:"resources"`
	Deadline                *time.Time           `json:"deadline,omitempty" format:"date-time"`
	MaxDeadline             *time.Time           `json:"max_deadline,omitempty" format:"date-time"`
	Status                  WorkspaceStatus      `json:"status" enums:"pending,starting,running,stopping,stopped,failed,canceling,canceled,deleting,deleted"`
	DailyCost               int32                `json:"daily_cost"`
	MatchedProvisioners     *MatchedProvisioners `json:"matched_provisioners,omitempty"`
	TemplateVersionPresetID *uuid.UUID           `json:"template_version_preset_id" format:"uuid"`
	HasAITask               *bool                `json:"has_ai_task,omitempty"`
	HasExternalAgent        *bool                `json:"has_external_agent,omitempty"`
}

// WorkspaceBuildParameter is a parameter value of a build.
type WorkspaceBuildParameter struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// CreateWorkspaceRequest creates a workspace and its first (start) build.
// Give template_id (the active version is used) or template_version_id,
// not both.
type CreateWorkspaceRequest struct {
	TemplateID              uuid.UUID                 `json:"template_id,omitempty" format:"uuid"`
	TemplateVersionID       uuid.UUID                 `json:"template_version_id,omitempty" format:"uuid"`
	Name                    string                    `json:"name" validate:"workspace_name,required"`
	AutostartSchedule       *string                   `json:"autostart_schedule,omitempty"`
	TTLMillis               *int64                    `json:"ttl_ms,omitempty"`
	RichParameterValues     []WorkspaceBuildParameter `json:"rich_parameter_values,omitempty"`
	AutomaticUpdates        AutomaticUpdates          `json:"automatic_updates,omitempty" enums:"always,never"`
	TemplateVersionPresetID uuid.UUID                 `json:"template_version_preset_id,omitempty" format:"uuid"`
}

// CreateWorkspaceBuildReason is the reasons a client may give for a build.
type CreateWorkspaceBuildReason string

// CreateWorkspaceBuildRequest asks for a transition of a workspace.
type CreateWorkspaceBuildRequest struct {
	// TemplateVersionID defaults to the latest build's version (the
	// active one for automatic updates or required active version).
	TemplateVersionID uuid.UUID           `json:"template_version_id,omitempty" format:"uuid"`
	Transition        WorkspaceTransition `json:"transition" validate:"oneof=start stop delete,required" enums:"start,stop,delete"`
	// DryRun is refused (400): plan a version with its dry-run endpoint.
	DryRun bool `json:"dry_run,omitempty"`
	// ProvisionerState is the state the provisioner starts from, instead
	// of the previous build's; template administrators only.
	ProvisionerState []byte `json:"state,omitempty"`
	// Orphan, with a delete, starts the provisioner from no state, so it
	// destroys nothing and the infrastructure is left alone; template
	// administrators only.
	Orphan              bool                      `json:"orphan,omitempty"`
	RichParameterValues []WorkspaceBuildParameter `json:"rich_parameter_values,omitempty"`
	LogLevel            ProvisionerLogLevel       `json:"log_level,omitempty" enums:"debug"`
	// TemplateVersionPresetID applies a preset of the version.
	TemplateVersionPresetID uuid.UUID                  `json:"template_version_preset_id,omitempty" format:"uuid"`
	Reason                  CreateWorkspaceBuildReason `json:"reason,omitempty" enums:"dashboard,cli,ssh_connection,vscode_connection,jetbrains_connection"`
}

// ProvisionerLogLevel is the verbosity a build asks for.
type ProvisionerLogLevel string

// ProvisionerLogLevelDebug makes the provisioner log in detail.
const ProvisionerLogLevelDebug ProvisionerLogLevel = "debug"

// UpdateWorkspaceRequest renames a workspace.
type UpdateWorkspaceRequest struct {
	Name string `json:"name,omitempty" validate:"username"`
}

// WorkspacesResponse is a page of workspaces and the total count.
type WorkspacesResponse struct {
	Workspaces []Workspace `json:"workspaces"`
	Count      int         `json:"count"`
}

// WorkspaceRole is what a workspace ACL entry grants.
type WorkspaceRole string

const (
	WorkspaceRoleAdmin   WorkspaceRole = "admin"
	WorkspaceRoleUse     WorkspaceRole = "use"
	WorkspaceRoleDeleted WorkspaceRole = ""
)

// WorkspaceACL lists who a workspace is shared with.
type WorkspaceACL struct {
	Users  []WorkspaceUser  `json:"users"`
	Groups []WorkspaceGroup `json:"group"`
}

// WorkspaceUser is a user a workspace is shared with.
type WorkspaceUser struct {
	MinimalUser
	Role WorkspaceRole `json:"role" enums:"admin,use"`
}

// WorkspaceGroup is a group a workspace is shared with.
type WorkspaceGroup struct {
	Group
	Role WorkspaceRole `json:"role" enums:"admin,use"`
}

// UpdateWorkspaceACL changes entries: keys are user or group IDs, an empty
// role removes the entry, entries not named are kept.
type UpdateWorkspaceACL struct {
	UserRoles  map[string]WorkspaceRole `json:"user_roles,omitempty"`
	GroupRoles map[string]WorkspaceRole `json:"group_roles,omitempty"`
}

// WorkspaceFilter is the q= of GET /workspaces plus pagination.
type WorkspaceFilter struct {
	// FilterQuery is the raw q=, e.g. "owner:me status:running".
	FilterQuery string
	Offset      int
	Limit       int
}

func workspacePath(id uuid.UUID, suffix string) string {
	return fmt.Sprintf("/api/v2/workspaces/%s%s", id, suffix)
}

// CreateUserWorkspace creates a workspace for user (a username, ID or
// "me").
func (c *Client) CreateUserWorkspace(ctx context.Context, user string, req CreateWorkspaceRequest) (Workspace, error) {
	var w Workspace
	res, err := c.Request(ctx, http.MethodPost, fmt.Sprintf("/api/v2/users/%s/workspaces", url.PathEscape(user)), req)
	if err != nil {
		return w, err
	}
	return w, decodeJSON(res, http.StatusCreated, &w)
}

// CreateWorkspace creates a workspace for user in an organization.
func (c *Client) CreateWorkspace(ctx context.Context, orgID uuid.UUID, user string, req CreateWorkspaceRequest) (Workspace, error) {
	var w Workspace
	res, err := c.Request(ctx, http.MethodPost, fmt.Sprintf("/api/v2/organizations/%s/members/%s/workspaces", orgID, url.PathEscape(user)), req)
	if err != nil {
		return w, err
	}
	return w, decodeJSON(res, http.StatusCreated, &w)
}

// Workspace returns a workspace by ID.
func (c *Client) Workspace(ctx context.Context, id uuid.UUID) (Workspace, error) {
	var w Workspace
	return w, c.getJSON(ctx, workspacePath(id, ""), &w)
}

// DeletedWorkspace returns a workspace by ID, deleted or not.
func (c *Client) DeletedWorkspace(ctx context.Context, id uuid.UUID) (Workspace, error) {
	var w Workspace
	return w, c.getJSON(ctx, workspacePath(id, ""), &w, WithQueryParam("include_deleted", "true"))
}

// WorkspaceByOwnerAndName returns a user's workspace by name.
func (c *Client) WorkspaceByOwnerAndName(ctx context.Context, owner, name string, includeDeleted bool) (Workspace, error) {
	var w Workspace
	return w, c.getJSON(ctx, fmt.Sprintf("/api/v2/users/%s/workspace/%s", url.PathEscape(owner), url.PathEscape(name)), &w,
		WithQueryParam("include_deleted", strconv.FormatBool(includeDeleted)))
}

// Workspaces lists the workspaces the caller may see.
func (c *Client) Workspaces(ctx context.Context, filter WorkspaceFilter) (WorkspacesResponse, error) {
	var out WorkspacesResponse
	opts := []RequestOption{WithQueryParam("q", strings.TrimSpace(filter.FilterQuery))}
	if filter.Offset > 0 || filter.Limit > 0 {
		opts = append(opts, Pagination{Offset: filter.Offset, Limit: filter.Limit}.AsRequestOption())
	}
	return out, c.getJSON(ctx, "/api/v2/workspaces", &out, opts...)
}

// UpdateWorkspace renames a workspace.
func (c *Client) UpdateWorkspace(ctx context.Context, id uuid.UUID, req UpdateWorkspaceRequest) error {
	res, err := c.Request(ctx, http.MethodPatch, workspacePath(id, ""), req)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusNoContent, nil)
}

// FavoriteWorkspace marks (or with favorite false, unmarks) a workspace as
// a favorite of its owner.
func (c *Client) FavoriteWorkspace(ctx context.Context, id uuid.UUID, favorite bool) error {
	method := http.MethodPut
	if !favorite {
		method = http.MethodDelete
	}
	res, err := c.Request(ctx, method, workspacePath(id, "/favorite"), nil)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusNoContent, nil)
}

// WorkspaceACL returns who the workspace is shared with.
func (c *Client) WorkspaceACL(ctx context.Context, id uuid.UUID) (WorkspaceACL, error) {
	var out WorkspaceACL
	return out, c.getJSON(ctx, workspacePath(id, "/acl"), &out)
}

// UpdateWorkspaceACL changes who the workspace is shared with.
func (c *Client) UpdateWorkspaceACL(ctx context.Context, id uuid.UUID, req UpdateWorkspaceACL) error {
	res, err := c.Request(ctx, http.MethodPatch, workspacePath(id, "/acl"), req)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusNoContent, nil)
}

// DeleteWorkspaceACL stops sharing the workspace with anyone.
func (c *Client) DeleteWorkspaceACL(ctx context.Context, id uuid.UUID) error {
	res, err := c.Request(ctx, http.MethodDelete, workspacePath(id, "/acl"), nil)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusNoContent, nil)
}

// CreateWorkspaceBuild starts, stops or deletes a workspace.
func (c *Client) CreateWorkspaceBuild(ctx context.Context, id uuid.UUID, req CreateWorkspaceBuildRequest) (WorkspaceBuild, error) {
	var b WorkspaceBuild
	res, err := c.Request(ctx, http.MethodPost, workspacePath(id, "/builds"), req)
	if err != nil {
		return b, err
	}
	return b, decodeJSON(res, http.StatusCreated, &b)
}

// WorkspaceBuildsRequest selects a page of a workspace's builds.
type WorkspaceBuildsRequest struct {
	WorkspaceID uuid.UUID
	Pagination
	Since time.Time
}

// WorkspaceBuilds lists a workspace's builds, newest first.
func (c *Client) WorkspaceBuilds(ctx context.Context, req WorkspaceBuildsRequest) ([]WorkspaceBuild, error) {
	opts := []RequestOption{req.Pagination.AsRequestOption()}
	if !req.Since.IsZero() {
		opts = append(opts, WithQueryParam("since", req.Since.Format(time.RFC3339Nano)))
	}
	var out []WorkspaceBuild
	return out, c.getJSON(ctx, workspacePath(req.WorkspaceID, "/builds"), &out, opts...)
}

func workspaceBuildPath(id uuid.UUID, suffix string) string {
	return fmt.Sprintf("/api/v2/workspacebuilds/%s%s", id, suffix)
}

// WorkspaceBuild returns a build by ID.
func (c *Client) WorkspaceBuild(ctx context.Context, id uuid.UUID) (WorkspaceBuild, error) {
	var b WorkspaceBuild
	return b, c.getJSON(ctx, workspaceBuildPath(id, ""), &b)
}

// WorkspaceBuildByUsernameAndWorkspaceNameAndBuildNumber returns a build by
// its number.
func (c *Client) WorkspaceBuildByUsernameAndWorkspaceNameAndBuildNumber(ctx context.Context, user, workspace string, number int) (WorkspaceBuild, error) {
	var b WorkspaceBuild
	return b, c.getJSON(ctx, fmt.Sprintf("/api/v2/users/%s/workspace/%s/builds/%d", url.PathEscape(user), url.PathEscape(workspace), number), &b)
}

// WorkspaceBuildParameters returns the parameter values of a build.
func (c *Client) WorkspaceBuildParameters(ctx context.Context, id uuid.UUID) ([]WorkspaceBuildParameter, error) {
	var out []WorkspaceBuildParameter
	return out, c.getJSON(ctx, workspaceBuildPath(id, "/parameters"), &out)
}

// WorkspaceBuildState returns the provisioner state a build left.
func (c *Client) WorkspaceBuildState(ctx context.Context, id uuid.UUID) ([]byte, error) {
	res, err := c.Request(ctx, http.MethodGet, workspaceBuildPath(id, "/state"), nil)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, ReadBodyAsError(res)
	}
	return io.ReadAll(res.Body)
}

// WorkspaceBuildLogs returns the build's logs stored so far with an id
// greater than after.
func (c *Client) WorkspaceBuildLogs(ctx context.Context, id uuid.UUID, after int64) ([]ProvisionerJobLog, error) {
	return c.provisionerJobLogs(ctx, workspaceBuildPath(id, "/logs"), after)
}

// WorkspaceBuildLogsAfter follows a build's logs until its job completes.
func (c *Client) WorkspaceBuildLogsAfter(ctx context.Context, id uuid.UUID, after int64) (<-chan ProvisionerJobLog, io.Closer, error) {
	return c.provisionerJobLogsAfter(ctx, workspaceBuildPath(id, "/logs"), after)
}

// WorkspaceBuildResources returns the resources a build created.
func (c *Client) WorkspaceBuildResources(ctx context.Context, id uuid.UUID) ([]WorkspaceResource, error) {
	var out []WorkspaceResource
	return out, c.getJSON(ctx, workspaceBuildPath(id, "/resources"), &out)
}

// CancelWorkspaceBuild cancels a build's job.
func (c *Client) CancelWorkspaceBuild(ctx context.Context, id uuid.UUID) error {
	res, err := c.Request(ctx, http.MethodPatch, workspaceBuildPath(id, "/cancel"), nil)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusOK, nil)
}

// UpdateWorkspaceAutostartRequest sets (or with an empty or null schedule,
// clears) the autostart schedule: "CRON_TZ=<tz> <min> <hour> * * <dow>".
type UpdateWorkspaceAutostartRequest struct {
	Schedule *string `json:"schedule,omitempty"`
}

// UpdateWorkspaceTTLRequest sets (or with null clears) how long after a
// start the workspace stops.
type UpdateWorkspaceTTLRequest struct {
	TTLMillis *int64 `json:"ttl_ms"`
}

// PutExtendWorkspaceRequest moves the running workspace's deadline.
type PutExtendWorkspaceRequest struct {
	Deadline time.Time `json:"deadline" validate:"required" format:"date-time"`
}

// UpdateWorkspaceDormancy marks a workspace dormant or wakes it.
type UpdateWorkspaceDormancy struct {
	Dormant bool `json:"dormant"`
}

// UpdateWorkspaceAutomaticUpdatesRequest sets whether starts follow the
// template's active version.
type UpdateWorkspaceAutomaticUpdatesRequest struct {
	AutomaticUpdates AutomaticUpdates `json:"automatic_updates" enums:"always,never"`
}

// PostWorkspaceUsageRequest says what was used; both fields are optional.
type PostWorkspaceUsageRequest struct {
	AgentID uuid.UUID `json:"agent_id" format:"uuid"`
	AppName string    `json:"app_name" enums:"vscode,jetbrains,reconnecting-pty,ssh"`
}

// ResolveAutostartResponse says whether an autostart would need parameter
// values the workspace lacks.
type ResolveAutostartResponse struct {
	ParameterMismatch bool `json:"parameter_mismatch"`
}

func (c *Client) putWorkspace(ctx context.Context, id uuid.UUID, suffix string, body any, want int, out any) error {
	res, err := c.Request(ctx, http.MethodPut, workspacePath(id, suffix), body)
	if err != nil {
		return err
	}
	return decodeJSON(res, want, out)
}

// UpdateWorkspaceAutostart sets or clears the autostart schedule.
func (c *Client) UpdateWorkspaceAutostart(ctx context.Context, id uuid.UUID, req UpdateWorkspaceAutostartRequest) error {
	return c.putWorkspace(ctx, id, "/autostart", req, http.StatusNoContent, nil)
}

// UpdateWorkspaceTTL sets or clears the TTL.
func (c *Client) UpdateWorkspaceTTL(ctx context.Context, id uuid.UUID, req UpdateWorkspaceTTLRequest) error {
	return c.putWorkspace(ctx, id, "/ttl", req, http.StatusNoContent, nil)
}

// PutExtendWorkspace moves the deadline of the running workspace.
func (c *Client) PutExtendWorkspace(ctx context.Context, id uuid.UUID, req PutExtendWorkspaceRequest) error {
	return c.putWorkspace(ctx, id, "/extend", req, http.StatusOK, nil)
}

// UpdateWorkspaceDormancy marks the workspace dormant or wakes it.
func (c *Client) UpdateWorkspaceDormancy(ctx context.Context, id uuid.UUID, req UpdateWorkspaceDormancy) (Workspace, error) {
	var w Workspace
	return w, c.putWorkspace(ctx, id, "/dormant", req, http.StatusOK, &w)
}

// UpdateWorkspaceAutomaticUpdates sets whether starts follow the active version.
func (c *Client) UpdateWorkspaceAutomaticUpdates(ctx context.Context, id uuid.UUID, req UpdateWorkspaceAutomaticUpdatesRequest) error {
	return c.putWorkspace(ctx, id, "/autoupdates", req, http.StatusNoContent, nil)
}

// PostWorkspaceUsage reports that the workspace is in use.
func (c *Client) PostWorkspaceUsage(ctx context.Context, id uuid.UUID, req PostWorkspaceUsageRequest) error {
	res, err := c.Request(ctx, http.MethodPost, workspacePath(id, "/usage"), req)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusNoContent, nil)
}

// ResolveAutostart says whether an autostart would lack parameter values.
func (c *Client) ResolveAutostart(ctx context.Context, id uuid.UUID) (ResolveAutostartResponse, error) {
	var out ResolveAutostartResponse
	return out, c.getJSON(ctx, workspacePath(id, "/resolve-autostart"), &out)
}
