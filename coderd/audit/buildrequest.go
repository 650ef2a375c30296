package audit

import (
	"context"

	"github.com/google/uuid"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// BuildRequest names the build a request creates in the request's record:
// the build is the resource and the workspace its target. Called before the
// build is decided too, so a refused build is logged as the attempt it was.
func BuildRequest(ctx context.Context, w database.Workspace, b database.InsertWorkspaceBuildParams) {
	Set(ctx, func(rec *Record) {
		rec.ResourceType = codersdk.ResourceTypeWorkspaceBuild
		rec.ResourceID, rec.ResourceTarget, rec.ResourceIcon = b.ID, w.Name, w.TemplateIcon
		rec.OrganizationID = w.OrganizationID
		if b.Transition.Valid() {
			rec.Action = codersdk.AuditAction(b.Transition)
		}
		rec.BuildReason = codersdk.BuildReason(b.Reason)
		if rec.AdditionalFields == nil {
			rec.AdditionalFields = map[string]any{}
		}
		for k, v := range BuildFields(w, b) {
			rec.AdditionalFields[k] = v
		}
		if b.ID == uuid.Nil {
			// Refused before it had a number.
			delete(rec.AdditionalFields, "build_number")
		}
	})
}
