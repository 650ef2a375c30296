package dbauthz

import (
	"context"
	"time"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// GetWorkspacesEligibleForTransition reads every organization's workspaces:
// only the lifecycle executor asks.
func (q *querier) GetWorkspacesEligibleForTransition(ctx context.Context, now time.Time) ([]database.GetWorkspacesEligibleForTransitionRow, error) {
	return act(ctx, q, rbac.ActionRead, rbac.ResourceWorkspace, func() ([]database.GetWorkspacesEligibleForTransitionRow, error) {
		return q.db.GetWorkspacesEligibleForTransition(ctx, now)
	})
}
