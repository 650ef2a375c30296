package dbauthz

import (
	"context"
	"time"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// Replicas are read with ResourceReplicas (owners, and the registry); they
// are written only by the server itself, as system resources.

func (q *querier) UpsertReplica(ctx context.Context, arg database.UpsertReplicaParams) (database.Replica, error) {
	return act(ctx, q, rbac.ActionCreate, rbac.ResourceSystem, func() (database.Replica, error) { return q.db.UpsertReplica(ctx, arg) })
}

func (q *querier) UpdateReplicaHeartbeat(ctx context.Context, arg database.UpdateReplicaHeartbeatParams) (database.Replica, error) {
	return act(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() (database.Replica, error) { return q.db.UpdateReplicaHeartbeat(ctx, arg) })
}

func (q *querier) UpdateReplicaStopped(ctx context.Context, arg database.UpdateReplicaStoppedParams) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() error { return q.db.UpdateReplicaStopped(ctx, arg) })
}

func (q *querier) MarkLostReplicas(ctx context.Context, arg database.MarkLostReplicasParams) ([]database.Replica, error) {
	return act(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() ([]database.Replica, error) { return q.db.MarkLostReplicas(ctx, arg) })
}

func (q *querier) GetReplicasUpdatedAfter(ctx context.Context, updatedAfter time.Time) ([]database.Replica, error) {
	return act(ctx, q, rbac.ActionRead, rbac.ResourceReplicas, func() ([]database.Replica, error) {
		return q.db.GetReplicasUpdatedAfter(ctx, updatedAfter)
	})
}

// GetUnfinishedProvisionerJobsOfLostReplicas reads jobs and the replicas
// that held them.
func (q *querier) GetUnfinishedProvisionerJobsOfLostReplicas(ctx context.Context, arg database.GetUnfinishedProvisionerJobsOfLostReplicasParams) ([]database.GetUnfinishedProvisionerJobsOfLostReplicasRow, error) {
	if err := q.authorize(ctx, rbac.ActionRead, rbac.ResourceProvisionerJobs); err != nil {
		return nil, err
	}
	return act(ctx, q, rbac.ActionRead, rbac.ResourceReplicas, func() ([]database.GetUnfinishedProvisionerJobsOfLostReplicasRow, error) {
		return q.db.GetUnfinishedProvisionerJobsOfLostReplicas(ctx, arg)
	})
}

func (q *querier) GetDeploymentWorkspaceStats(ctx context.Context) (database.GetDeploymentWorkspaceStatsRow, error) {
	return act(ctx, q, rbac.ActionRead, rbac.ResourceDeploymentStats, func() (database.GetDeploymentWorkspaceStatsRow, error) {
		return q.db.GetDeploymentWorkspaceStats(ctx)
	})
}
