// The RBAC policy's resource types and the actions each supports, for the
// custom role editor. Mirrors codersdk.RBACResourceActions (codersdk/roles.go);
// rbac.test.ts fails when the two differ, and the Record type fails the
// build when the generated RBACResource enum gains or loses a type.
import type { Permission, RBACAction, RBACResource } from "./types";

export type GrantableResource = Exclude<RBACResource, "*">;

export const RESOURCE_ACTIONS: Record<GrantableResource, RBACAction[]> = {
  ai_gateway_key: ["create", "delete", "read", "update"],
  ai_model_price: ["read", "update"],
  ai_provider: ["create", "delete", "read", "update"],
  ai_seat: ["create", "read"],
  aibridge_interception: ["create", "read", "update"],
  api_key: ["create", "delete", "read", "update"],
  assign_org_role: ["assign", "create", "delete", "read", "unassign", "update"],
  assign_role: ["assign", "read", "unassign"],
  audit_log: ["create", "read"],
  boundary_log: ["create", "delete", "read"],
  boundary_usage: ["delete", "read", "update"],
  chat: ["create", "delete", "read", "share", "update"],
  chat_automation: ["create", "delete", "read", "update"],
  chat_model_config: ["create", "delete", "read", "share", "update"],
  chat_project: ["create", "delete", "read", "update"],
  chat_project_memory: ["create", "delete", "read"],
  connection_log: ["read", "update"],
  crypto_key: ["create", "delete", "read", "update"],
  debug_info: ["read"],
  deployment_config: ["read", "update"],
  deployment_stats: ["read"],
  file: ["create", "read"],
  group: ["create", "delete", "read", "update"],
  group_member: ["read"],
  idpsync_settings: ["read", "update"],
  inbox_notification: ["create", "read", "update"],
  license: ["create", "delete", "read"],
  mcp_server_config: ["create", "delete", "read", "share", "update"],
  notification_message: ["create", "delete", "read", "update"],
  notification_preference: ["read", "update"],
  notification_template: ["read", "update"],
  oauth2_app: ["create", "delete", "read", "update"],
  oauth2_app_code_token: ["create", "delete", "read"],
  oauth2_app_secret: ["create", "delete", "read", "update"],
  organization: ["create", "delete", "read", "update"],
  organization_member: ["create", "delete", "read", "update"],
  organization_skill: ["create", "delete", "read", "share", "update"],
  prebuilt_workspace: ["delete", "update"],
  provisioner_daemon: ["create", "delete", "read", "update"],
  provisioner_jobs: ["create", "read", "update"],
  replicas: ["read"],
  system: ["create", "delete", "read", "update"],
  tailnet_coordinator: ["create", "delete", "read", "update"],
  template: ["create", "delete", "read", "update", "use", "view_insights"],
  usage_event: ["create", "read", "update"],
  user: ["create", "delete", "read", "read_personal", "update", "update_personal"],
  user_secret: ["create", "delete", "read", "update"],
  user_skill: ["create", "delete", "read", "update"],
  webpush_subscription: ["create", "delete", "read"],
  workspace: ["application_connect", "create", "create_agent", "delete", "delete_agent", "read", "share", "ssh", "start", "stop", "update", "update_agent"],
  workspace_agent_devcontainers: ["create"],
  workspace_agent_resource_monitor: ["create", "read", "update"],
  workspace_build_orchestration: ["create", "delete", "read", "update"],
  workspace_dormant: ["application_connect", "create", "create_agent", "delete", "delete_agent", "read", "share", "ssh", "start", "stop", "update", "update_agent"],
  workspace_proxy: ["create", "delete", "read", "update"],
};

/** What organization roles are usually about; the editor shows these first. */
export const COMMON_RESOURCES: GrantableResource[] = [
  "workspace", "template", "file", "group", "group_member", "organization_member",
  "assign_org_role", "provisioner_daemon", "provisioner_jobs", "audit_log", "organization",
];

/** A set of "resource:action" keys: what the editor's checkboxes hold. */
export type PermissionSet = Set<string>;

export const permKey = (resource: string, action: string) => `${resource}:${action}`;

export function toPermissionSet(perms: Permission[] | undefined): PermissionSet {
  return new Set((perms ?? []).filter((p) => !p.negate).map((p) => permKey(p.resource_type ?? "", p.action ?? "")));
}

/** The set as the API's permission list, in the table's order (stable diffs in the audit log). */
export function fromPermissionSet(set: PermissionSet): Permission[] {
  const out: Permission[] = [];
  for (const [resource, actions] of Object.entries(RESOURCE_ACTIONS) as [GrantableResource, RBACAction[]][]) {
    for (const action of actions) {
      if (set.has(permKey(resource, action))) out.push({ resource_type: resource, action, negate: false });
    }
  }
  return out;
}
