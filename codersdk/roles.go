package codersdk

import (
	"context"
	"fmt"
	"net/url"
	"slices"

	"github.com/google/uuid"
)

// RBACResource names a kind of object that permissions apply to. The values
// are the resource types of the RBAC policy; "*" matches every type.
type RBACResource string

// RBACAction names something an actor can do to a resource.
type RBACAction string

// The resource types of the RBAC policy, as the API spells them.
const (
	ResourceWildcard                      RBACResource = "*"
	ResourceAiGatewayKey                  RBACResource = "ai_gateway_key"
	ResourceAiModelPrice                  RBACResource = "ai_model_price"
	ResourceAiProvider                    RBACResource = "ai_provider"
	ResourceAiSeat                        RBACResource = "ai_seat"
	ResourceAibridgeInterception          RBACResource = "aibridge_interception"
	ResourceApiKey                        RBACResource = "api_key"
	ResourceAssignOrgRole                 RBACResource = "assign_org_role"
	ResourceAssignRole                    RBACResource = "assign_role"
	ResourceAuditLog                      RBACResource = "audit_log"
	ResourceBoundaryLog                   RBACResource = "boundary_log"
	ResourceBoundaryUsage                 RBACResource = "boundary_usage"
	ResourceChat                          RBACResource = "chat"
	ResourceChatAutomation                RBACResource = "chat_automation"
	ResourceChatModelConfig               RBACResource = "chat_model_config"
	ResourceChatProject                   RBACResource = "chat_project"
	ResourceChatProjectMemory             RBACResource = "chat_project_memory"
	ResourceConnectionLog                 RBACResource = "connection_log"
	ResourceCryptoKey                     RBACResource = "crypto_key"
	ResourceDebugInfo                     RBACResource = "debug_info"
	ResourceDeploymentConfig              RBACResource = "deployment_config"
	ResourceDeploymentStats               RBACResource = "deployment_stats"
	ResourceFile                          RBACResource = "file"
	ResourceGroup                         RBACResource = "group"
	ResourceGroupMember                   RBACResource = "group_member"
	ResourceIdpsyncSettings               RBACResource = "idpsync_settings"
	ResourceInboxNotification             RBACResource = "inbox_notification"
	ResourceLicense                       RBACResource = "license"
	ResourceMcpServerConfig               RBACResource = "mcp_server_config"
	ResourceNotificationMessage           RBACResource = "notification_message"
	ResourceNotificationPreference        RBACResource = "notification_preference"
	ResourceNotificationTemplate          RBACResource = "notification_template"
	ResourceOauth2App                     RBACResource = "oauth2_app"
	ResourceOauth2AppCodeToken            RBACResource = "oauth2_app_code_token"
	ResourceOauth2AppSecret               RBACResource = "oauth2_app_secret"
	ResourceOrganization                  RBACResource = "organization"
	ResourceOrganizationMember            RBACResource = "organization_member"
	ResourceOrganizationSkill             RBACResource = "organization_skill"
	ResourcePrebuiltWorkspace             RBACResource = "prebuilt_workspace"
	ResourceProvisionerDaemon             RBACResource = "provisioner_daemon"
	ResourceProvisionerJobs               RBACResource = "provisioner_jobs"
	ResourceReplicas                      RBACResource = "replicas"
	ResourceSystem                        RBACResource = "system"
	ResourceTailnetCoordinator            RBACResource = "tailnet_coordinator"
	ResourceTemplate                      RBACResource = "template"
	ResourceUsageEvent                    RBACResource = "usage_event"
	ResourceUser                          RBACResource = "user"
	ResourceUserSecret                    RBACResource = "user_secret"
	ResourceUserSkill                     RBACResource = "user_skill"
	ResourceWebpushSubscription           RBACResource = "webpush_subscription"
	ResourceWorkspace                     RBACResource = "workspace"
	ResourceWorkspaceAgentDevcontainers   RBACResource = "workspace_agent_devcontainers"
	ResourceWorkspaceAgentResourceMonitor RBACResource = "workspace_agent_resource_monitor"
	ResourceWorkspaceBuildOrchestration   RBACResource = "workspace_build_orchestration"
	ResourceWorkspaceDormant              RBACResource = "workspace_dormant"
	ResourceWorkspaceProxy                RBACResource = "workspace_proxy"
)

// The actions of the RBAC policy, as the API spells them.
const (
	ActionApplicationConnect RBACAction = "application_connect"
	ActionAssign             RBACAction = "assign"
	ActionCreate             RBACAction = "create"
	ActionCreateAgent        RBACAction = "create_agent"
	ActionDelete             RBACAction = "delete"
	ActionDeleteAgent        RBACAction = "delete_agent"
	ActionRead               RBACAction = "read"
	ActionReadPersonal       RBACAction = "read_personal"
	ActionSSH                RBACAction = "ssh"
	ActionShare              RBACAction = "share"
	ActionUnassign           RBACAction = "unassign"
	ActionUpdate             RBACAction = "update"
	ActionUpdateAgent        RBACAction = "update_agent"
	ActionUpdatePersonal     RBACAction = "update_personal"
	ActionUse                RBACAction = "use"
	ActionViewInsights       RBACAction = "view_insights"
	ActionWorkspaceStart     RBACAction = "start"
	ActionWorkspaceStop      RBACAction = "stop"
)

// RBACResourceActions lists, for every resource type, the actions that mean
// something for it. A permission naming an action missing here can never be
// checked, so servers reject it. The wildcard resource has no actions of its
// own.
var RBACResourceActions = map[RBACResource][]RBACAction{
	ResourceWildcard:                      {},
	ResourceAiGatewayKey:                  {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceAiModelPrice:                  {ActionRead, ActionUpdate},
	ResourceAiProvider:                    {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceAiSeat:                        {ActionCreate, ActionRead},
	ResourceAibridgeInterception:          {ActionCreate, ActionRead, ActionUpdate},
	ResourceApiKey:                        {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceAssignOrgRole:                 {ActionAssign, ActionCreate, ActionDelete, ActionRead, ActionUnassign, ActionUpdate},
	ResourceAssignRole:                    {ActionAssign, ActionRead, ActionUnassign},
	ResourceAuditLog:                      {ActionCreate, ActionRead},
	ResourceBoundaryLog:                   {ActionCreate, ActionDelete, ActionRead},
	ResourceBoundaryUsage:                 {ActionDelete, ActionRead, ActionUpdate},
	ResourceChat:                          {ActionCreate, ActionDelete, ActionRead, ActionShare, ActionUpdate},
	ResourceChatAutomation:                {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceChatModelConfig:               {ActionCreate, ActionDelete, ActionRead, ActionShare, ActionUpdate},
	ResourceChatProject:                   {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceChatProjectMemory:             {ActionCreate, ActionDelete, ActionRead},
	ResourceConnectionLog:                 {ActionRead, ActionUpdate},
	ResourceCryptoKey:                     {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceDebugInfo:                     {ActionRead},
	ResourceDeploymentConfig:              {ActionRead, ActionUpdate},
	ResourceDeploymentStats:               {ActionRead},
	ResourceFile:                          {ActionCreate, ActionRead},
	ResourceGroup:                         {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceGroupMember:                   {ActionRead},
	ResourceIdpsyncSettings:               {ActionRead, ActionUpdate},
	ResourceInboxNotification:             {ActionCreate, ActionRead, ActionUpdate},
	ResourceLicense:                       {ActionCreate, ActionDelete, ActionRead},
	ResourceMcpServerConfig:               {ActionCreate, ActionDelete, ActionRead, ActionShare, ActionUpdate},
	ResourceNotificationMessage:           {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceNotificationPreference:        {ActionRead, ActionUpdate},
	ResourceNotificationTemplate:          {ActionRead, ActionUpdate},
	ResourceOauth2App:                     {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceOauth2AppCodeToken:            {ActionCreate, ActionDelete, ActionRead},
	ResourceOauth2AppSecret:               {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceOrganization:                  {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceOrganizationMember:            {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceOrganizationSkill:             {ActionCreate, ActionDelete, ActionRead, ActionShare, ActionUpdate},
	ResourcePrebuiltWorkspace:             {ActionDelete, ActionUpdate},
	ResourceProvisionerDaemon:             {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceProvisionerJobs:               {ActionCreate, ActionRead, ActionUpdate},
	ResourceReplicas:                      {ActionRead},
	ResourceSystem:                        {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceTailnetCoordinator:            {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceTemplate:                      {ActionCreate, ActionDelete, ActionRead, ActionUpdate, ActionUse, ActionViewInsights},
	ResourceUsageEvent:                    {ActionCreate, ActionRead, ActionUpdate},
	ResourceUser:                          {ActionCreate, ActionDelete, ActionRead, ActionReadPersonal, ActionUpdate, ActionUpdatePersonal},
	ResourceUserSecret:                    {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceUserSkill:                     {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceWebpushSubscription:           {ActionCreate, ActionDelete, ActionRead},
	ResourceWorkspace:                     {ActionApplicationConnect, ActionCreate, ActionCreateAgent, ActionDelete, ActionDeleteAgent, ActionRead, ActionShare, ActionSSH, ActionWorkspaceStart, ActionWorkspaceStop, ActionUpdate, ActionUpdateAgent},
	ResourceWorkspaceAgentDevcontainers:   {ActionCreate},
	ResourceWorkspaceAgentResourceMonitor: {ActionCreate, ActionRead, ActionUpdate},
	ResourceWorkspaceBuildOrchestration:   {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
	ResourceWorkspaceDormant:              {ActionApplicationConnect, ActionCreate, ActionCreateAgent, ActionDelete, ActionDeleteAgent, ActionRead, ActionShare, ActionSSH, ActionWorkspaceStart, ActionWorkspaceStop, ActionUpdate, ActionUpdateAgent},
	ResourceWorkspaceProxy:                {ActionCreate, ActionDelete, ActionRead, ActionUpdate},
}

// Valid reports whether r is a resource type of the policy (or the wildcard).
func (r RBACResource) Valid() bool {
	_, ok := RBACResourceActions[r]
	return ok
}

// AllRBACResources returns every resource type, wildcard first, then sorted.
func AllRBACResources() []RBACResource {
	out := make([]RBACResource, 0, len(RBACResourceActions))
	for r := range RBACResourceActions {
		out = append(out, r)
	}
	slices.Sort(out) // "*" sorts before any letter.
	return out
}

// AllRBACActions returns every action, sorted.
func AllRBACActions() []RBACAction {
	return []RBACAction{
		ActionApplicationConnect, ActionAssign, ActionCreate, ActionCreateAgent,
		ActionDelete, ActionDeleteAgent, ActionRead, ActionReadPersonal,
		ActionShare, ActionSSH, ActionWorkspaceStart, ActionWorkspaceStop,
		ActionUnassign, ActionUpdate, ActionUpdateAgent, ActionUpdatePersonal,
		ActionUse, ActionViewInsights,
	}
}

// Valid reports whether a is an action of the policy.
func (a RBACAction) Valid() bool {
	return slices.Contains(AllRBACActions(), a)
}

// ValidFor reports whether a is an action that resource r supports. Every
// action is valid on the wildcard resource, as a role may grant it across all
// types.
func (a RBACAction) ValidFor(r RBACResource) bool {
	actions, ok := RBACResourceActions[r]
	if !ok {
		return false
	}
	if r == ResourceWildcard {
		return a.Valid()
	}
	return slices.Contains(actions, a)
}

// SlimRole is the short form of a role carried on users and members.
type SlimRole struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	// OrganizationID is empty for site-wide roles.
	OrganizationID string `json:"organization_id,omitempty"`
}

// String returns the display name, or the name when there is none.
func (r SlimRole) String() string {
	if r.DisplayName != "" {
		return r.DisplayName
	}
	return r.Name
}

// UniqueName identifies the role across the deployment: organization roles
// are scoped by their organization, "name:organization_id".
func (r SlimRole) UniqueName() string {
	if r.OrganizationID != "" {
		return r.Name + ":" + r.OrganizationID
	}
	return r.Name
}

// Permission grants (or, negated, denies) one action on one resource type.
type Permission struct {
	// Negate makes this a negative permission
	Negate       bool         `json:"negate"`
	ResourceType RBACResource `json:"resource_type"`
	Action       RBACAction   `json:"action"`
}

// Role is a named set of permissions. Site roles have no organization;
// organization roles apply inside OrganizationID only.
type Role struct {
	Name string `json:"name"`
	// OrganizationID is empty for site-wide roles.
	OrganizationID string `json:"organization_id,omitempty" format:"uuid"`
	DisplayName    string `json:"display_name"`
	// SitePermissions apply deployment wide.
	SitePermissions []Permission `json:"site_permissions"`
	// UserPermissions apply to objects owned by the role's holder.
	UserPermissions []Permission `json:"user_permissions"`
	// OrganizationPermissions are specific for the organization in the field 'OrganizationID' above.
	OrganizationPermissions []Permission `json:"organization_permissions"`
	// OrganizationMemberPermissions are specific for the organization in the field 'OrganizationID' above.
	// They apply to objects that the holder owns inside that organization.
	OrganizationMemberPermissions []Permission `json:"organization_member_permissions"`
}

// AssignableRoles is a role as listed for an actor, with whether that actor
// may hand it out.
type AssignableRoles struct {
	Role
	Assignable bool `json:"assignable"`
	// BuiltIn roles are immutable
	BuiltIn bool `json:"built_in"`
}

// CustomRoleRequest creates or replaces a custom organization role. The
// organization comes from the request path.
type CustomRoleRequest struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	// SitePermissions must be empty for organization roles; they are kept for
	// wire compatibility.
	SitePermissions []Permission `json:"site_permissions"`
	UserPermissions []Permission `json:"user_permissions"`
	// OrganizationPermissions are specific to the organization the role belongs to.
	OrganizationPermissions []Permission `json:"organization_permissions"`
	// OrganizationMemberPermissions are specific to the organization the role belongs to.
	OrganizationMemberPermissions []Permission `json:"organization_member_permissions"`
}

// ListSiteRoles lists the site-wide roles and whether the caller may assign
// each one.
func (c *Client) ListSiteRoles(ctx context.Context) ([]AssignableRoles, error) {
	var roles []AssignableRoles
	return roles, c.getJSON(ctx, "/api/v2/users/roles", &roles)
}

// ListOrganizationRoles lists the roles of one organization, built-in and
// custom, and whether the caller may assign each one.
func (c *Client) ListOrganizationRoles(ctx context.Context, org uuid.UUID) ([]AssignableRoles, error) {
	var roles []AssignableRoles
	return roles, c.getJSON(ctx, fmt.Sprintf("/api/v2/organizations/%s/members/roles", url.PathEscape(org.String())), &roles)
}
