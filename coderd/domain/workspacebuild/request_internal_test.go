package workspacebuild

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// The request rules, without a store or HTTP.
func TestValidateRequest(t *testing.T) {
	t.Parallel()
	fields := func(f domain.Fields) []string {
		var out []string
		for _, x := range f {
			out = append(out, x.Field)
		}
		return out
	}
	start := database.WorkspaceTransitionStart
	del := database.WorkspaceTransitionDelete
	cases := []struct {
		name          string
		in            codersdk.CreateWorkspaceBuildRequest
		transition    database.WorkspaceTransition
		reasonOK      bool
		templateAdmin bool
		want          []string
	}{
		{"Valid", codersdk.CreateWorkspaceBuildRequest{}, start, true, false, nil},
		{"BadTransitionAndReason", codersdk.CreateWorkspaceBuildRequest{}, "reboot", false, false, []string{"transition", "reason"}},
		{"DebugLogsNeedTemplateAdmin", codersdk.CreateWorkspaceBuildRequest{LogLevel: codersdk.ProvisionerLogLevelDebug}, start, true, false, []string{"log_level"}},
		{"DebugLogsForTemplateAdmin", codersdk.CreateWorkspaceBuildRequest{LogLevel: codersdk.ProvisionerLogLevelDebug}, start, true, true, nil},
		{"DryRun", codersdk.CreateWorkspaceBuildRequest{DryRun: true}, start, true, false, []string{"dry_run"}},
		{"OrphanOnlyOnDelete", codersdk.CreateWorkspaceBuildRequest{Orphan: true}, start, true, true, []string{"orphan"}},
		{"OrphanWithState", codersdk.CreateWorkspaceBuildRequest{Orphan: true, ProvisionerState: []byte("{}")}, del, true, true, []string{"state"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, c.want, fields(validateRequest(c.in, c.transition, c.reasonOK, c.templateAdmin)))
		})
	}
}

func TestRequestPolicy(t *testing.T) {
	t.Parallel()
	now := time.Now()
	awake, dormant := database.Workspace{}, database.Workspace{DormantAt: &now}
	orphan := codersdk.CreateWorkspaceBuildRequest{Orphan: true}

	assert.NoError(t, requestPolicy(awake, orphan, database.WorkspaceTransitionDelete, true))
	assert.True(t, domain.IsKind(requestPolicy(awake, orphan, database.WorkspaceTransitionDelete, false), domain.KindForbidden),
		"only template administrators orphan")
	assert.True(t, domain.IsKind(requestPolicy(dormant, codersdk.CreateWorkspaceBuildRequest{}, database.WorkspaceTransitionStart, true), domain.KindForbidden),
		"a dormant workspace does not start")
	assert.NoError(t, requestPolicy(dormant, codersdk.CreateWorkspaceBuildRequest{}, database.WorkspaceTransitionStop, false))
}
