package audit

import (
	"context"
	"net/http"
	"strconv"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// Outcomes of entries written outside a request. The log's status_code is
// upstream's HTTP-shaped column, so background work records success and
// failure as the statuses a request would have had.
const (
	StatusSucceeded = http.StatusOK
	StatusFailed    = http.StatusInternalServerError
)

// BuildFields are the additional fields of a build's entry, as upstream
// shows them.
func BuildFields(w database.Workspace, b database.InsertWorkspaceBuildParams) map[string]any {
	return map[string]any{
		"workspace_name":  w.Name,
		"workspace_id":    w.ID,
		"workspace_owner": w.OwnerUsername,
		// Strings, as upstream's dashboard reads them.
		"build_number": strconv.Itoa(int(b.BuildNumber)),
		"build_reason": string(b.Reason),
		"transition":   string(b.Transition),
	}
}

// Build records a build the server enqueued itself (autostart, autostop,
// dormancy), or one a request caused beside its own change, as an entry of
// its own: by the system, or by the request's actor. status is
// StatusSucceeded or StatusFailed.
func Build(ctx context.Context, db database.Store, w database.Workspace, b database.InsertWorkspaceBuildParams, status int) error {
	return Related(ctx, db, Entry{
		ResourceType:     codersdk.ResourceTypeWorkspaceBuild,
		ResourceID:       b.ID,
		ResourceTarget:   w.Name,
		ResourceIcon:     w.TemplateIcon,
		OrganizationID:   w.OrganizationID,
		Action:           codersdk.AuditAction(b.Transition),
		StatusCode:       status,
		AdditionalFields: BuildFields(w, b),
		BuildReason:      codersdk.BuildReason(b.Reason),
	})
}
