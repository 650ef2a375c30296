package dbauthz

import (
	"context"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// The metrics counts are aggregates over the whole deployment, no rows of
// anyone's: reading them is a system read, granted to owners and to the
// metrics collector.

func (q *querier) GetProvisionerJobQueueCounts(ctx context.Context) ([]database.GetProvisionerJobQueueCountsRow, error) {
	return act(ctx, q, rbac.ActionRead, rbac.ResourceSystem, func() ([]database.GetProvisionerJobQueueCountsRow, error) {
		return q.db.GetProvisionerJobQueueCounts(ctx)
	})
}

func (q *querier) GetWorkspaceLatestBuildCounts(ctx context.Context) ([]database.GetWorkspaceLatestBuildCountsRow, error) {
	return act(ctx, q, rbac.ActionRead, rbac.ResourceSystem, func() ([]database.GetWorkspaceLatestBuildCountsRow, error) {
		return q.db.GetWorkspaceLatestBuildCounts(ctx)
	})
}
