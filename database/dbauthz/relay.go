package dbauthz

import (
	"context"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// The replica relay's secret and its lookup of where an agent is connected
// are the server's own business: system resources.

func (q *querier) InsertReplicaRelaySecret(ctx context.Context, secret string) error {
	return actExec(ctx, q, rbac.ActionCreate, rbac.ResourceSystem, func() error { return q.db.InsertReplicaRelaySecret(ctx, secret) })
}

func (q *querier) GetReplicaRelaySecret(ctx context.Context) (string, error) {
	return act(ctx, q, rbac.ActionRead, rbac.ResourceSystem, func() (string, error) { return q.db.GetReplicaRelaySecret(ctx) })
}

func (q *querier) GetWorkspaceAgentRelayTarget(ctx context.Context, arg database.GetWorkspaceAgentRelayTargetParams) (database.GetWorkspaceAgentRelayTargetRow, error) {
	return act(ctx, q, rbac.ActionRead, rbac.ResourceSystem, func() (database.GetWorkspaceAgentRelayTargetRow, error) {
		return q.db.GetWorkspaceAgentRelayTarget(ctx, arg)
	})
}
