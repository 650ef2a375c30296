package codersdk_test

import (
	"testing"

	"github.com/devplane/devplane/codersdk"
)

const docsPermissions = `[
    {
      "action": "application_connect",
      "negate": true,
      "resource_type": "*"
    }
  ]`

func TestRoleWireFormat(t *testing.T) {
	t.Parallel()

	for _, tc := range []golden{
		{name: "AssignableRoles", example: `{
  "assignable": true,
  "built_in": true,
  "display_name": "string",
  "name": "string",
  "organization_id": "7c60d51f-b44e-4682-87d6-449835ea4de6",
  "organization_member_permissions": ` + docsPermissions + `,
  "organization_permissions": ` + docsPermissions + `,
  "site_permissions": ` + docsPermissions + `,
  "user_permissions": ` + docsPermissions + `
}`, newT: func() any { return &codersdk.AssignableRoles{} }},
		{name: "Role", example: `{
  "display_name": "string",
  "name": "string",
  "organization_id": "7c60d51f-b44e-4682-87d6-449835ea4de6",
  "organization_member_permissions": ` + docsPermissions + `,
  "organization_permissions": ` + docsPermissions + `,
  "site_permissions": ` + docsPermissions + `,
  "user_permissions": ` + docsPermissions + `
}`, newT: func() any { return &codersdk.Role{} }},
		{name: "CustomRoleRequest", example: `{
  "display_name": "string",
  "name": "string",
  "organization_member_permissions": ` + docsPermissions + `,
  "organization_permissions": ` + docsPermissions + `,
  "site_permissions": ` + docsPermissions + `,
  "user_permissions": ` + docsPermissions + `
}`, newT: func() any { return &codersdk.CustomRoleRequest{} }},
		{name: "SlimRole", example: `{
  "display_name": "string",
  "name": "string",
  "organization_id": "string"
}`, newT: func() any { return &codersdk.SlimRole{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkGolden(t, tc)
		})
	}
}

func TestRBACEnums(t *testing.T) {
	t.Parallel()

	t.Run("RBACResource", func(t *testing.T) {
		t.Parallel()
		// The "Enumerated Values" cell of codersdk.RBACResource.
		want := enumList("`*`, `ai_gateway_key`, `ai_model_price`, `ai_provider`, `ai_seat`, `aibridge_interception`, " +
			"`api_key`, `assign_org_role`, `assign_role`, `audit_log`, `boundary_log`, `boundary_usage`, `chat`, " +
			"`chat_automation`, `chat_model_config`, `chat_project`, `chat_project_memory`, `connection_log`, " +
			"`crypto_key`, `debug_info`, `deployment_config`, `deployment_stats`, `file`, `group`, `group_member`, " +
			"`idpsync_settings`, `inbox_notification`, `license`, `mcp_server_config`, `notification_message`, " +
			"`notification_preference`, `notification_template`, `oauth2_app`, `oauth2_app_code_token`, " +
			"`oauth2_app_secret`, `organization`, `organization_member`, `organization_skill`, `prebuilt_workspace`, " +
			"`provisioner_daemon`, `provisioner_jobs`, `replicas`, `system`, `tailnet_coordinator`, `template`, " +
			"`usage_event`, `user`, `user_secret`, `user_skill`, `webpush_subscription`, `workspace`, " +
			"`workspace_agent_devcontainers`, `workspace_agent_resource_monitor`, `workspace_build_orchestration`, " +
			"`workspace_dormant`, `workspace_proxy`")
		got := sortedStrings(codersdk.AllRBACResources())
		assertStrings(t, got, want)
		if all := codersdk.AllRBACResources(); all[0] != codersdk.ResourceWildcard {
			t.Errorf("first resource = %q, want the wildcard", all[0])
		}
	})
	t.Run("RBACAction", func(t *testing.T) {
		t.Parallel()
		// The "Enumerated Values" cell of codersdk.RBACAction.
		want := enumList("`application_connect`, `assign`, `create`, `create_agent`, `delete`, `delete_agent`, " +
			"`read`, `read_personal`, `share`, `ssh`, `start`, `stop`, `unassign`, `update`, `update_agent`, " +
			"`update_personal`, `use`, `view_insights`")
		got := sortedStrings(codersdk.AllRBACActions())
		assertStrings(t, got, want)

		// Every action some resource supports is a known action, and every
		// known action is used by some resource.
		used := map[codersdk.RBACAction]bool{}
		for r, actions := range codersdk.RBACResourceActions {
			for _, a := range actions {
				if !a.Valid() {
					t.Errorf("%s lists unknown action %q", r, a)
				}
				used[a] = true
			}
		}
		for _, a := range codersdk.AllRBACActions() {
			if !used[a] {
				t.Errorf("no resource supports %q", a)
			}
		}
	})
	t.Run("ValidFor", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			r    codersdk.RBACResource
			a    codersdk.RBACAction
			want bool
		}{
			{codersdk.ResourceWorkspace, codersdk.ActionSSH, true},
			{codersdk.ResourceWorkspace, codersdk.ActionWorkspaceStart, true},
			{codersdk.ResourceTemplate, codersdk.ActionSSH, false},
			{codersdk.ResourceUser, codersdk.ActionReadPersonal, true},
			{codersdk.ResourceWildcard, codersdk.ActionRead, true},
			{codersdk.ResourceWildcard, "fly", false},
			{"nope", codersdk.ActionRead, false},
		} {
			if got := tc.a.ValidFor(tc.r); got != tc.want {
				t.Errorf("%q.ValidFor(%q) = %t, want %t", tc.a, tc.r, got, tc.want)
			}
		}
	})
}
