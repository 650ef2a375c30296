package rbac

import "sort"

// ResourceDef is a resource type and the actions defined for it (action →
// human description). Custom roles are validated against these.
type ResourceDef struct {
	Type    string
	Actions map[Action]string
}

// One Object per resource type; build concrete objects from them with
// WithID, InOrg, WithOwner and friends.
var (
	ResourceWildcard                      = Object{Type: WildcardSymbol}
	ResourceAIGatewayKey                  = Object{Type: "ai_gateway_key"}
	ResourceAIProvider                    = Object{Type: "ai_provider"}
	ResourceAiModelPrice                  = Object{Type: "ai_model_price"}
	ResourceAiSeat                        = Object{Type: "ai_seat"}
	ResourceAibridgeInterception          = Object{Type: "aibridge_interception"}
	ResourceApiKey                        = Object{Type: "api_key"}
	ResourceAssignOrgRole                 = Object{Type: "assign_org_role"}
	ResourceAssignRole                    = Object{Type: "assign_role"}
	ResourceAuditLog                      = Object{Type: "audit_log"}
	ResourceBoundaryLog                   = Object{Type: "boundary_log"}
	ResourceBoundaryUsage                 = Object{Type: "boundary_usage"}
	ResourceChat                          = Object{Type: "chat"}
	ResourceConnectionLog                 = Object{Type: "connection_log"}
	ResourceCryptoKey                     = Object{Type: "crypto_key"}
	ResourceDebugInfo                     = Object{Type: "debug_info"}
	ResourceDeploymentConfig              = Object{Type: "deployment_config"}
	ResourceDeploymentStats               = Object{Type: "deployment_stats"}
	ResourceFile                          = Object{Type: "file"}
	ResourceGroup                         = Object{Type: "group"}
	ResourceGroupMember                   = Object{Type: "group_member"}
	ResourceIdpsyncSettings               = Object{Type: "idpsync_settings"}
	ResourceInboxNotification             = Object{Type: "inbox_notification"}
	ResourceLicense                       = Object{Type: "license"}
	ResourceNotificationMessage           = Object{Type: "notification_message"}
	ResourceNotificationPreference        = Object{Type: "notification_preference"}
	ResourceNotificationTemplate          = Object{Type: "notification_template"}
	ResourceOauth2App                     = Object{Type: "oauth2_app"}
	ResourceOauth2AppCodeToken            = Object{Type: "oauth2_app_code_token"}
	ResourceOauth2AppSecret               = Object{Type: "oauth2_app_secret"}
	ResourceOrganization                  = Object{Type: "organization"}
	ResourceOrganizationMember            = Object{Type: "organization_member"}
	ResourcePrebuiltWorkspace             = Object{Type: "prebuilt_workspace"}
	ResourceProvisionerDaemon             = Object{Type: "provisioner_daemon"}
	ResourceProvisionerJobs               = Object{Type: "provisioner_jobs"}
	ResourceReplicas                      = Object{Type: "replicas"}
	ResourceSystem                        = Object{Type: "system"} // deprecated catch-all; prefer a specific type
	ResourceTailnetCoordinator            = Object{Type: "tailnet_coordinator"}
	ResourceTask                          = Object{Type: "task"}
	ResourceTemplate                      = Object{Type: "template"}
	ResourceUsageEvent                    = Object{Type: "usage_event"}
	ResourceUser                          = Object{Type: "user"}
	ResourceUserSecret                    = Object{Type: "user_secret"}
	ResourceUserSkill                     = Object{Type: "user_skill"}
	ResourceWebpushSubscription           = Object{Type: "webpush_subscription"}
	ResourceWorkspace                     = Object{Type: "workspace"}
	ResourceWorkspaceAgentDevcontainers   = Object{Type: "workspace_agent_devcontainers"}
	ResourceWorkspaceAgentResourceMonitor = Object{Type: "workspace_agent_resource_monitor"}
	ResourceWorkspaceBuildOrchestration   = Object{Type: "workspace_build_orchestration"}
	ResourceWorkspaceDormant              = Object{Type: "workspace_dormant"}
	ResourceWorkspaceProxy                = Object{Type: "workspace_proxy"}
)

// allResourceObjects is every exported Resource* value; a test checks it
// against resourceTable.
var allResourceObjects = []Object{
	ResourceWildcard, ResourceAIGatewayKey, ResourceAIProvider, ResourceAiModelPrice,
	ResourceAiSeat, ResourceAibridgeInterception, ResourceApiKey, ResourceAssignOrgRole,
	ResourceAssignRole, ResourceAuditLog, ResourceBoundaryLog, ResourceBoundaryUsage,
	ResourceChat, ResourceConnectionLog, ResourceCryptoKey, ResourceDebugInfo,
	ResourceDeploymentConfig, ResourceDeploymentStats, ResourceFile, ResourceGroup,
	ResourceGroupMember, ResourceIdpsyncSettings, ResourceInboxNotification, ResourceLicense,
	ResourceNotificationMessage, ResourceNotificationPreference, ResourceNotificationTemplate,
	ResourceOauth2App, ResourceOauth2AppCodeToken, ResourceOauth2AppSecret, ResourceOrganization,
	ResourceOrganizationMember, ResourcePrebuiltWorkspace, ResourceProvisionerDaemon,
	ResourceProvisionerJobs, ResourceReplicas, ResourceSystem, ResourceTailnetCoordinator,
	ResourceTask, ResourceTemplate, ResourceUsageEvent, ResourceUser, ResourceUserSecret,
	ResourceUserSkill, ResourceWebpushSubscription, ResourceWorkspace,
	ResourceWorkspaceAgentDevcontainers, ResourceWorkspaceAgentResourceMonitor,
	ResourceWorkspaceBuildOrchestration, ResourceWorkspaceDormant, ResourceWorkspaceProxy,
}

func crud(noun string) map[Action]string {
	return map[Action]string{
		ActionCreate: "create " + noun,
		ActionRead:   "read " + noun,
		ActionUpdate: "update " + noun,
		ActionDelete: "delete " + noun,
	}
}

func workspaceActions() map[Action]string {
	return map[Action]string{
		ActionCreate:             "create a new workspace",
		ActionRead:               "read workspace data to show it",
		ActionUpdate:             "edit workspace settings (schedule, permissions, parameters)",
		ActionDelete:             "delete a workspace",
		ActionWorkspaceStart:     "start a workspace",
		ActionWorkspaceStop:      "stop a workspace",
		ActionSSH:                "ssh into a workspace",
		ActionApplicationConnect: "connect to workspace apps through the browser",
		ActionCreateAgent:        "create a workspace agent",
		ActionDeleteAgent:        "delete a workspace agent",
		ActionUpdateAgent:        "update a workspace agent",
		ActionShare:              "share a workspace with other users or groups",
		ActionUseShared:          "use a workspace shared through its ACL",
	}
}

// resourceTable is the registry of resource types, named as Coder's API
// names them. The wildcard has no actions of its own: "*" on "*" grants
// every action on every type.
var resourceTable = []ResourceDef{
	{Type: WildcardSymbol, Actions: map[Action]string{}},
	{Type: "user", Actions: map[Action]string{
		ActionCreate:         "create a user",
		ActionRead:           "read user data",
		ActionUpdate:         "update a user",
		ActionDelete:         "delete a user",
		ActionReadPersonal:   "read personal user data such as settings and auth links",
		ActionUpdatePersonal: "update personal user data",
	}},
	{Type: "workspace", Actions: workspaceActions()},
	{Type: "workspace_dormant", Actions: workspaceActions()},
	{Type: "task", Actions: crud("a task")},
	{Type: "chat", Actions: map[Action]string{
		ActionCreate: "create a chat",
		ActionRead:   "read chat messages and metadata",
		ActionUpdate: "update chat title or settings",
		ActionDelete: "delete a chat",
		ActionShare:  "share a chat with other users or groups",
	}},
	{Type: "prebuilt_workspace", Actions: map[Action]string{
		ActionUpdate: "update prebuilt workspace settings",
		ActionDelete: "delete a prebuilt workspace",
	}},
	{Type: "workspace_proxy", Actions: crud("a workspace proxy")},
	{Type: "workspace_build_orchestration", Actions: crud("a workspace build orchestration")},
	{Type: "license", Actions: map[Action]string{
		ActionCreate: "add a license",
		ActionRead:   "read licenses",
		ActionDelete: "delete a license",
	}},
	{Type: "audit_log", Actions: map[Action]string{
		ActionCreate: "write audit log entries",
		ActionRead:   "read audit logs",
	}},
	{Type: "connection_log", Actions: map[Action]string{
		ActionRead:   "read connection logs",
		ActionUpdate: "upsert connection log entries",
	}},
	{Type: "deployment_config", Actions: map[Action]string{
		ActionRead:   "read the deployment config",
		ActionUpdate: "update deployment health settings",
	}},
	{Type: "deployment_stats", Actions: map[Action]string{ActionRead: "read deployment stats"}},
	{Type: "replicas", Actions: map[Action]string{ActionRead: "read replicas"}},
	{Type: "template", Actions: map[Action]string{
		ActionCreate:       "create a template",
		ActionRead:         "read a template",
		ActionUpdate:       "update a template",
		ActionDelete:       "delete a template",
		ActionUse:          "create a workspace from the template",
		ActionViewInsights: "view template insights",
	}},
	{Type: "group", Actions: crud("a group")},
	{Type: "group_member", Actions: map[Action]string{ActionRead: "read group members"}},
	{Type: "file", Actions: map[Action]string{
		ActionCreate: "upload a file",
		ActionRead:   "read files",
	}},
	{Type: "provisioner_daemon", Actions: crud("a provisioner daemon or key")},
	{Type: "provisioner_jobs", Actions: map[Action]string{
		ActionCreate: "create provisioner jobs",
		ActionRead:   "read provisioner jobs",
		ActionUpdate: "update provisioner jobs",
	}},
	{Type: "organization", Actions: crud("an organization")},
	{Type: "organization_member", Actions: crud("an organization member")},
	{Type: "debug_info", Actions: map[Action]string{ActionRead: "use the debug routes"}},
	{Type: "system", Actions: crud("system resources")},
	{Type: "api_key", Actions: crud("an API key")},
	{Type: "tailnet_coordinator", Actions: crud("a tailnet coordinator")},
	{Type: "assign_role", Actions: map[Action]string{
		ActionAssign:   "assign site roles",
		ActionUnassign: "unassign site roles",
		ActionRead:     "see which site roles are assignable",
	}},
	{Type: "assign_org_role", Actions: map[Action]string{
		ActionAssign:   "assign organization roles",
		ActionUnassign: "unassign organization roles",
		ActionCreate:   "create custom organization roles",
		ActionRead:     "see which organization roles are assignable",
		ActionUpdate:   "edit custom organization roles",
		ActionDelete:   "delete custom organization roles",
	}},
	{Type: "oauth2_app", Actions: crud("an OAuth2 app")},
	{Type: "oauth2_app_secret", Actions: crud("an OAuth2 app secret")},
	{Type: "oauth2_app_code_token", Actions: map[Action]string{
		ActionCreate: "create an OAuth2 app code token",
		ActionRead:   "read an OAuth2 app code token",
		ActionDelete: "delete an OAuth2 app code token",
	}},
	{Type: "notification_message", Actions: crud("notification messages")},
	{Type: "notification_template", Actions: map[Action]string{
		ActionRead:   "read notification templates",
		ActionUpdate: "update notification templates",
	}},
	{Type: "notification_preference", Actions: map[Action]string{
		ActionRead:   "read notification preferences",
		ActionUpdate: "update notification preferences",
	}},
	{Type: "webpush_subscription", Actions: map[Action]string{
		ActionCreate: "create web push subscriptions",
		ActionRead:   "read web push subscriptions",
		ActionDelete: "delete web push subscriptions",
	}},
	{Type: "inbox_notification", Actions: map[Action]string{
		ActionCreate: "create inbox notifications",
		ActionRead:   "read inbox notifications",
		ActionUpdate: "update inbox notifications",
	}},
	{Type: "crypto_key", Actions: crud("crypto keys")},
	{Type: "idpsync_settings", Actions: map[Action]string{
		ActionRead:   "read IdP sync settings",
		ActionUpdate: "update IdP sync settings",
	}},
	{Type: "workspace_agent_resource_monitor", Actions: map[Action]string{
		ActionCreate: "create workspace agent resource monitors",
		ActionRead:   "read workspace agent resource monitors",
		ActionUpdate: "update workspace agent resource monitors",
	}},
	{Type: "workspace_agent_devcontainers", Actions: map[Action]string{
		ActionCreate: "create workspace agent devcontainers",
	}},
	{Type: "user_secret", Actions: crud("a user secret")},
	{Type: "user_skill", Actions: crud("a user skill")},
	{Type: "usage_event", Actions: map[Action]string{
		ActionCreate: "create usage events",
		ActionRead:   "read usage events",
		ActionUpdate: "update usage events",
	}},
	{Type: "aibridge_interception", Actions: map[Action]string{
		ActionCreate: "create AI Bridge interceptions and related records",
		ActionRead:   "read AI Bridge interceptions and related records",
		ActionUpdate: "update AI Bridge interceptions and related records",
	}},
	{Type: "ai_model_price", Actions: map[Action]string{
		ActionRead:   "read AI model prices",
		ActionUpdate: "update AI model prices",
	}},
	{Type: "ai_provider", Actions: crud("an AI provider")},
	{Type: "ai_seat", Actions: map[Action]string{
		ActionCreate: "record AI seat usage",
		ActionRead:   "read AI seat state",
	}},
	{Type: "boundary_log", Actions: map[Action]string{
		ActionCreate: "create boundary log records",
		ActionRead:   "read boundary logs",
		ActionDelete: "delete boundary logs",
	}},
	{Type: "ai_gateway_key", Actions: crud("an AI Gateway key")},
	{Type: "boundary_usage", Actions: map[Action]string{
		ActionRead:   "read boundary usage statistics",
		ActionUpdate: "upsert boundary usage statistics",
		ActionDelete: "delete boundary usage statistics",
	}},
}

// Resources returns every resource type keyed by its name. The result is a
// copy; callers may modify it.
func Resources() map[string]ResourceDef {
	out := make(map[string]ResourceDef, len(resourceTable))
	for _, r := range resourceTable {
		acts := make(map[Action]string, len(r.Actions))
		for a, d := range r.Actions {
			acts[a] = d
		}
		out[r.Type] = ResourceDef{Type: r.Type, Actions: acts}
	}
	return out
}

// resourceActions returns the actions defined for a type in bit order.
func resourceActions(typ string) []Action {
	i, ok := typeIndex[typ]
	if !ok {
		return nil
	}
	acts := make([]Action, 0, len(resourceTable[i].Actions))
	for a := range resourceTable[i].Actions {
		acts = append(acts, a)
	}
	sort.Slice(acts, func(x, y int) bool { return actionIndex[acts[x]] < actionIndex[acts[y]] })
	return acts
}

// Indexes into the decision tables, fixed at start-up.
var (
	nTypes      = len(resourceTable)
	typeIndex   = buildTypeIndex()
	actionIndex = buildActionIndex()
	// typeActions[t] is the bitmask of the actions defined for type t.
	typeActions = buildTypeActions()
)

func buildTypeIndex() map[string]uint8 {
	if len(resourceTable) > 255 {
		panic("rbac: too many resource types for the decision tables")
	}
	m := make(map[string]uint8, len(resourceTable))
	for i, r := range resourceTable {
		if _, dup := m[r.Type]; dup {
			panic("rbac: duplicate resource type " + r.Type)
		}
		m[r.Type] = uint8(i)
	}
	return m
}

func buildActionIndex() map[Action]uint8 {
	if len(allActions) > 32 {
		panic("rbac: too many actions for a 32-bit mask")
	}
	m := make(map[Action]uint8, len(allActions))
	for i, a := range allActions {
		m[a] = uint8(i)
	}
	return m
}

func buildTypeActions() []uint32 {
	out := make([]uint32, len(resourceTable))
	for i, r := range resourceTable {
		for a := range r.Actions {
			ai, ok := actionIndex[a]
			if !ok {
				panic("rbac: resource " + r.Type + " uses unregistered action " + string(a))
			}
			out[i] |= 1 << ai
		}
	}
	return out
}
