package audit_test

import (
	"encoding/json"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

func TestDiff(t *testing.T) {
	t.Parallel()

	t.Run("DatabaseRowFieldsAreSnakeCase", func(t *testing.T) {
		t.Parallel()
		id := uuid.New()
		old := database.User{ID: id, Username: "alice", Name: "Alice", HashedPassword: "$argon2id$old", RbacRoles: []string{}}
		updated := old
		updated.Name = "Alice B."
		updated.HashedPassword = "$argon2id$new"
		updated.RbacRoles = []string{"auditor"}
		d := audit.Diff(old, updated)
		assert.Equal(t, codersdk.AuditDiff{
			"name":            {Old: "Alice", New: "Alice B."},
			"hashed_password": {Secret: true},
			"rbac_roles":      {Old: []any{}, New: []any{"auditor"}},
		}, d)
	})

	t.Run("CreateAndDelete", func(t *testing.T) {
		t.Parallel()
		g := database.Group{ID: uuid.New(), Name: "devs", QuotaAllowance: 0}
		created := audit.Diff(nil, g)
		assert.Equal(t, "devs", created["name"].New)
		assert.NotContains(t, created, "quota_allowance", "zero on both sides says nothing")
		deleted := audit.Diff(g, nil)
		assert.Equal(t, "devs", deleted["name"].Old)
		assert.Nil(t, deleted["name"].New)
	})

	t.Run("SecretsByName", func(t *testing.T) {
		t.Parallel()
		for _, name := range []string{"password", "old_password", "hashed_secret", "private_key", "session_token",
			"auth_token", "token", "key", "provisioner_state", "client_secret"} {
			assert.True(t, audit.IsSecretField(name), name)
		}
		for _, name := range []string{"token_name", "public_key", "name", "username", "key_id", "login_type"} {
			assert.False(t, audit.IsSecretField(name), name)
		}
		d := audit.Diff(map[string]any{"token": "a", "nested": map[string]any{"password": "x", "user": "u"}},
			map[string]any{"token": "b", "nested": map[string]any{"password": "y", "user": "v"}})
		assert.Equal(t, codersdk.AuditDiffField{Secret: true}, d["token"])
		raw, err := json.Marshal(d)
		require.NoError(t, err)
		assert.NotContains(t, string(raw), `"x"`)
		assert.NotContains(t, string(raw), `"y"`)
		assert.Contains(t, string(raw), `"v"`, "a nested change shows, its secrets blanked")
	})

	t.Run("ExplicitSecretsAndIgnored", func(t *testing.T) {
		t.Parallel()
		d := audit.Diff(map[string]any{"pin": 1, "updated_at": "a"}, map[string]any{"pin": 2, "updated_at": "b"}, "pin")
		assert.Equal(t, codersdk.AuditDiff{"pin": {Secret: true}}, d)
	})

	t.Run("LargeNumbersStayExact", func(t *testing.T) {
		t.Parallel()
		var ttl int64 = 9007199254740993 // 2^53 + 1
		d := audit.Diff(map[string]any{"ttl": int64(0)}, map[string]any{"ttl": ttl})
		raw, err := json.Marshal(d)
		require.NoError(t, err)
		assert.Contains(t, string(raw), "9007199254740993")
	})
}

func TestClassifyRoutes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		method, pattern string
		typ             codersdk.ResourceType
		action          codersdk.AuditAction
	}{
		{"POST", "/users", codersdk.ResourceTypeUser, codersdk.AuditActionCreate},
		{"POST", "/users/first", codersdk.ResourceTypeUser, codersdk.AuditActionCreate},
		{"DELETE", "/users/{user}", codersdk.ResourceTypeUser, codersdk.AuditActionDelete},
		{"PUT", "/users/{user}/password", codersdk.ResourceTypeUser, codersdk.AuditActionWrite},
		{"POST", "/users/login", codersdk.ResourceTypeAPIKey, codersdk.AuditActionLogin},
		{"POST", "/users/logout", codersdk.ResourceTypeAPIKey, codersdk.AuditActionLogout},
		{"POST", "/users/{user}/keys/tokens", codersdk.ResourceTypeAPIKey, codersdk.AuditActionCreate},
		{"DELETE", "/users/{user}/keys/{keyid}", codersdk.ResourceTypeAPIKey, codersdk.AuditActionDelete},
		{"PUT", "/users/{user}/gitsshkey", codersdk.ResourceTypeGitSSHKey, codersdk.AuditActionWrite},
		{"POST", "/users/{user}/workspaces", codersdk.ResourceTypeWorkspace, codersdk.AuditActionCreate},
		{"POST", "/organizations/{organization}/members/{user}/workspaces", codersdk.ResourceTypeWorkspace, codersdk.AuditActionCreate},
		{"PUT", "/organizations/{organization}/members/{user}/roles", codersdk.ResourceTypeOrganizationMember, codersdk.AuditActionWrite},
		{"DELETE", "/organizations/{organization}/members/roles/{roleName}", codersdk.ResourceTypeCustomRole, codersdk.AuditActionDelete},
		{"POST", "/organizations/{organization}/groups", codersdk.ResourceTypeGroup, codersdk.AuditActionCreate},
		{"POST", "/organizations/{organization}/templates", codersdk.ResourceTypeTemplate, codersdk.AuditActionCreate},
		{"POST", "/organizations/{organization}/templateversions", codersdk.ResourceTypeTemplateVersion, codersdk.AuditActionCreate},
		{"PATCH", "/organizations/{organization}", codersdk.ResourceTypeOrganization, codersdk.AuditActionWrite},
		{"DELETE", "/templates/{template}", codersdk.ResourceTypeTemplate, codersdk.AuditActionDelete},
		{"PATCH", "/templates/{template}/acl", codersdk.ResourceTypeTemplate, codersdk.AuditActionWrite},
		{"POST", "/templateversions/{templateversion}/archive", codersdk.ResourceTypeTemplateVersion, codersdk.AuditActionWrite},
		{"POST", "/workspaces/{workspace}/builds", codersdk.ResourceTypeWorkspaceBuild, codersdk.AuditActionWrite},
		{"DELETE", "/workspaces/{workspace}/acl", codersdk.ResourceTypeWorkspace, codersdk.AuditActionWrite},
		{"PATCH", "/workspacebuilds/{workspacebuild}/cancel", codersdk.ResourceTypeWorkspaceBuild, codersdk.AuditActionWrite},
		{"POST", "/files", codersdk.ResourceTypeFile, codersdk.AuditActionCreate},
		{"DELETE", "/groups/{group}", codersdk.ResourceTypeGroup, codersdk.AuditActionDelete},
	}
	for _, c := range cases {
		typ, action := audit.Classify(c.method, c.pattern)
		assert.Equal(t, c.typ, typ, "%s %s", c.method, c.pattern)
		assert.Equal(t, c.action, action, "%s %s", c.method, c.pattern)
	}
}
