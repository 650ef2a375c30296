package codersdk_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/devplane/devplane/codersdk"
)

// docsAPIKey is upstream's codersdk.APIKey example, except that the
// allow_list id is "*" instead of "string": ids must be a UUID or "*".
const docsAPIKey = `{
  "allow_list": [
    {
      "id": "*",
      "type": "*"
    }
  ],
  "created_at": "2019-08-24T14:15:22Z",
  "expires_at": "2019-08-24T14:15:22Z",
  "id": "string",
  "last_used": "2019-08-24T14:15:22Z",
  "lifetime_seconds": 0,
  "login_type": "password",
  "scope": "all",
  "scopes": [
    "all"
  ],
  "token_name": "string",
  "updated_at": "2019-08-24T14:15:22Z",
  "user_id": "a169451c-8525-4352-b8ca-070dd449a1a5"
}`

func TestAPIKeyWireFormat(t *testing.T) {
	t.Parallel()

	for _, tc := range []golden{
		{name: "APIKey", example: docsAPIKey, newT: func() any { return &codersdk.APIKey{} }},
		// Upstream's tokens list adds the owner's username to each key.
		{name: "APIKeyWithOwner", example: strings.Replace(docsAPIKey, `"user_id"`, `"username": "string", "user_id"`, 1), newT: func() any { return &codersdk.APIKeyWithOwner{} }},
		{name: "CreateTokenRequest", example: `{
  "allow_list": [
    {
      "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
      "type": "workspace"
    }
  ],
  "lifetime": 0,
  "scope": "all",
  "scopes": [
    "all"
  ],
  "token_name": "string"
}`, newT: func() any { return &codersdk.CreateTokenRequest{} }},
		{name: "GenerateAPIKeyResponse", example: `{"key": "string"}`, newT: func() any { return &codersdk.GenerateAPIKeyResponse{} }},
		{name: "TokenConfig", example: `{"max_token_lifetime": 0}`, newT: func() any { return &codersdk.TokenConfig{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkGolden(t, tc)
		})
	}
}

// docsAPIKeyScopes is the "Enumerated Values" cell of codersdk.APIKeyScope in
// upstream's schemas.md.
const docsAPIKeyScopes = "`ai_gateway_key:*`, `ai_gateway_key:create`, `ai_gateway_key:delete`, `ai_gateway_key:read`, `ai_gateway_key:update`, " +
	"`ai_model_price:*`, `ai_model_price:read`, `ai_model_price:update`, `ai_provider:*`, `ai_provider:create`, " +
	"`ai_provider:delete`, `ai_provider:read`, `ai_provider:update`, `ai_seat:*`, `ai_seat:create`, `ai_seat:read`, " +
	"`aibridge_interception:*`, `aibridge_interception:create`, `aibridge_interception:read`, `aibridge_interception:update`, " +
	"`all`, `api_key:*`, `api_key:create`, `api_key:delete`, `api_key:read`, `api_key:update`, `application_connect`, " +
	"`assign_org_role:*`, `assign_org_role:assign`, `assign_org_role:create`, `assign_org_role:delete`, " +
	"`assign_org_role:read`, `assign_org_role:unassign`, `assign_org_role:update`, `assign_role:*`, `assign_role:assign`, " +
	"`assign_role:read`, `assign_role:unassign`, `audit_log:*`, `audit_log:create`, `audit_log:read`, `boundary_log:*`, " +
	"`boundary_log:create`, `boundary_log:delete`, `boundary_log:read`, `boundary_usage:*`, `boundary_usage:delete`, " +
	"`boundary_usage:read`, `boundary_usage:update`, `chat:*`, `chat:create`, `chat:delete`, `chat:read`, " +
	"`chat:share`, `chat:update`, `chat_automation:*`, `chat_automation:create`, `chat_automation:delete`, " +
	"`chat_automation:read`, `chat_automation:update`, `chat_model_config:*`, `chat_model_config:create`, " +
	"`chat_model_config:delete`, `chat_model_config:read`, `chat_model_config:share`, `chat_model_config:update`, " +
	"`chat_project:*`, `chat_project:create`, `chat_project:delete`, `chat_project:read`, `chat_project:update`, " +
	"`chat_project_memory:*`, `chat_project_memory:create`, `chat_project_memory:delete`, `chat_project_memory:read`, " +
	"`coder:all`, `coder:apikeys.manage_self`, `coder:application_connect`, `coder:templates.author`, `coder:templates.build`, " +
	"`coder:workspaces.access`, `coder:workspaces.create`, `coder:workspaces.delete`, `coder:workspaces.operate`, " +
	"`connection_log:*`, `connection_log:read`, `connection_log:update`, `crypto_key:*`, `crypto_key:create`, " +
	"`crypto_key:delete`, `crypto_key:read`, `crypto_key:update`, `debug_info:*`, `debug_info:read`, `deployment_config:*`, " +
	"`deployment_config:read`, `deployment_config:update`, `deployment_stats:*`, `deployment_stats:read`, " +
	"`file:*`, `file:create`, `file:read`, `group:*`, `group:create`, `group:delete`, `group:read`, `group:update`, " +
	"`group_member:*`, `group_member:read`, `idpsync_settings:*`, `idpsync_settings:read`, `idpsync_settings:update`, " +
	"`inbox_notification:*`, `inbox_notification:create`, `inbox_notification:read`, `inbox_notification:update`, " +
	"`license:*`, `license:create`, `license:delete`, `license:read`, `mcp_server_config:*`, `mcp_server_config:create`, " +
	"`mcp_server_config:delete`, `mcp_server_config:read`, `mcp_server_config:share`, `mcp_server_config:update`, " +
	"`notification_message:*`, `notification_message:create`, `notification_message:delete`, `notification_message:read`, " +
	"`notification_message:update`, `notification_preference:*`, `notification_preference:read`, `notification_preference:update`, " +
	"`notification_template:*`, `notification_template:read`, `notification_template:update`, `oauth2_app:*`, " +
	"`oauth2_app:create`, `oauth2_app:delete`, `oauth2_app:read`, `oauth2_app:update`, `oauth2_app_code_token:*`, " +
	"`oauth2_app_code_token:create`, `oauth2_app_code_token:delete`, `oauth2_app_code_token:read`, `oauth2_app_secret:*`, " +
	"`oauth2_app_secret:create`, `oauth2_app_secret:delete`, `oauth2_app_secret:read`, `oauth2_app_secret:update`, " +
	"`organization:*`, `organization:create`, `organization:delete`, `organization:read`, `organization:update`, " +
	"`organization_member:*`, `organization_member:create`, `organization_member:delete`, `organization_member:read`, " +
	"`organization_member:update`, `organization_skill:*`, `organization_skill:create`, `organization_skill:delete`, " +
	"`organization_skill:read`, `organization_skill:share`, `organization_skill:update`, `prebuilt_workspace:*`, " +
	"`prebuilt_workspace:delete`, `prebuilt_workspace:update`, `provisioner_daemon:*`, `provisioner_daemon:create`, " +
	"`provisioner_daemon:delete`, `provisioner_daemon:read`, `provisioner_daemon:update`, `provisioner_jobs:*`, " +
	"`provisioner_jobs:create`, `provisioner_jobs:read`, `provisioner_jobs:update`, `replicas:*`, `replicas:read`, " +
	"`system:*`, `system:create`, `system:delete`, `system:read`, `system:update`, `tailnet_coordinator:*`, " +
	"`tailnet_coordinator:create`, `tailnet_coordinator:delete`, `tailnet_coordinator:read`, `tailnet_coordinator:update`, " +
	"`template:*`, `template:create`, `template:delete`, `template:read`, `template:update`, `template:use`, " +
	"`template:view_insights`, `usage_event:*`, `usage_event:create`, `usage_event:read`, `usage_event:update`, " +
	"`user:*`, `user:create`, `user:delete`, `user:read`, `user:read_personal`, `user:update`, `user:update_personal`, " +
	"`user_secret:*`, `user_secret:create`, `user_secret:delete`, `user_secret:read`, `user_secret:update`, " +
	"`user_skill:*`, `user_skill:create`, `user_skill:delete`, `user_skill:read`, `user_skill:update`, " +
	"`webpush_subscription:*`, `webpush_subscription:create`, `webpush_subscription:delete`, `webpush_subscription:read`, " +
	"`workspace:*`, `workspace:application_connect`, `workspace:create`, `workspace:create_agent`, `workspace:delete`, " +
	"`workspace:delete_agent`, `workspace:read`, `workspace:share`, `workspace:ssh`, `workspace:start`, " +
	"`workspace:stop`, `workspace:update`, `workspace:update_agent`, `workspace_agent_devcontainers:*`, " +
	"`workspace_agent_devcontainers:create`, `workspace_agent_resource_monitor:*`, `workspace_agent_resource_monitor:create`, " +
	"`workspace_agent_resource_monitor:read`, `workspace_agent_resource_monitor:update`, `workspace_build_orchestration:*`, " +
	"`workspace_build_orchestration:create`, `workspace_build_orchestration:delete`, `workspace_build_orchestration:read`, " +
	"`workspace_build_orchestration:update`, `workspace_dormant:*`, `workspace_dormant:application_connect`, " +
	"`workspace_dormant:create`, `workspace_dormant:create_agent`, `workspace_dormant:delete`, `workspace_dormant:delete_agent`, " +
	"`workspace_dormant:read`, `workspace_dormant:share`, `workspace_dormant:ssh`, `workspace_dormant:start`, " +
	"`workspace_dormant:stop`, `workspace_dormant:update`, `workspace_dormant:update_agent`, `workspace_proxy:*`, " +
	"`workspace_proxy:create`, `workspace_proxy:delete`, `workspace_proxy:read`, `workspace_proxy:update`"

func TestAPIKeyScopes(t *testing.T) {
	t.Parallel()

	want := enumList(docsAPIKeyScopes)
	assertStrings(t, sortedStrings(codersdk.AllAPIKeyScopes()), want)
	for _, s := range want {
		if !codersdk.APIKeyScope(s).Valid() {
			t.Errorf("%q is not valid", s)
		}
	}
	for _, s := range []string{"", "*", "*:*", "workspace", "workspace:", "workspace:use", "nope:read", "coder:nope"} {
		if codersdk.APIKeyScope(s).Valid() {
			t.Errorf("%q is valid", s)
		}
	}
}

func TestAPIAllowListTarget(t *testing.T) {
	t.Parallel()

	id := uuid.MustParse("497f6eca-6276-4993-bfeb-53cbbbba6f08")
	for _, tc := range []struct {
		in      string
		want    codersdk.APIAllowListTarget
		wantErr bool
	}{
		{in: `{"type":"workspace","id":"497f6eca-6276-4993-bfeb-53cbbbba6f08"}`, want: codersdk.AllowResourceTarget(codersdk.ResourceWorkspace, id)},
		{in: `"workspace:497f6eca-6276-4993-bfeb-53cbbbba6f08"`, want: codersdk.AllowResourceTarget(codersdk.ResourceWorkspace, id)},
		{in: `{"type":"*","id":"*"}`, want: codersdk.AllowAllTarget()},
		{in: `"template:*"`, want: codersdk.APIAllowListTarget{Type: codersdk.ResourceTemplate, ID: "*"}},
		{in: `{"type":"workspace","id":"string"}`, wantErr: true},
		{in: `{"type":"nope","id":"*"}`, wantErr: true},
		{in: `{"type":"workspace"}`, wantErr: true},
		{in: `{}`, wantErr: true},
		{in: `"workspace"`, wantErr: true},
		{in: `42`, wantErr: true},
	} {
		var got codersdk.APIAllowListTarget
		err := json.Unmarshal([]byte(tc.in), &got)
		if tc.wantErr {
			if err == nil {
				t.Errorf("%s: decoded to %+v, want error", tc.in, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.in, got, tc.want)
		}
		out, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		if want := `{"type":"` + string(tc.want.Type) + `","id":"` + tc.want.ID + `"}`; string(out) != want {
			t.Errorf("%s: encoded as %s, want %s", tc.in, out, want)
		}
	}
}
