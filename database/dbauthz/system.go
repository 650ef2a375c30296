package dbauthz

import (
	"context"

	"github.com/devplane/devplane/rbac"
)

func (q *querier) GetDeploymentID(ctx context.Context) (string, error) {
	return act(ctx, q, rbac.ActionRead, rbac.ResourceSystem, func() (string, error) { return q.db.GetDeploymentID(ctx) })
}

func (q *querier) InsertDeploymentID(ctx context.Context, deploymentID string) error {
	return actExec(ctx, q, rbac.ActionCreate, rbac.ResourceSystem, func() error { return q.db.InsertDeploymentID(ctx, deploymentID) })
}
