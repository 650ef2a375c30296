package dbauthz

import (
	"context"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// InsertConnectionLog is done by the server, as the connection logger,
// whoever connected: the log is not the connecting user's to write.
func (q *querier) InsertConnectionLog(ctx context.Context, arg database.InsertConnectionLogParams) (database.ConnectionLog, error) {
	return act(ctx, q, rbac.ActionUpdate, rbac.ResourceConnectionLog.InOrg(arg.OrganizationID), func() (database.ConnectionLog, error) {
		return q.db.InsertConnectionLog(ctx, arg)
	})
}

// CloseConnectionLog records a session's end, as the connection logger.
func (q *querier) CloseConnectionLog(ctx context.Context, arg database.CloseConnectionLogParams) (int64, error) {
	return act(ctx, q, rbac.ActionUpdate, rbac.ResourceConnectionLog, func() (int64, error) {
		return q.db.CloseConnectionLog(ctx, arg)
	})
}

// CloseConnectionLogsOfStoppedReplicas closes the sessions of replicas
// that stopped, as the connection logger.
func (q *querier) CloseConnectionLogsOfStoppedReplicas(ctx context.Context, selfID uuid.UUID) ([]database.ConnectionLog, error) {
	return act(ctx, q, rbac.ActionUpdate, rbac.ResourceConnectionLog, func() ([]database.ConnectionLog, error) {
		return q.db.CloseConnectionLogsOfStoppedReplicas(ctx, selfID)
	})
}

// CloseConnectionLogsOfReplica closes one replica's sessions, as the
// connection logger.
func (q *querier) CloseConnectionLogsOfReplica(ctx context.Context, arg database.CloseConnectionLogsOfReplicaParams) ([]database.ConnectionLog, error) {
	return act(ctx, q, rbac.ActionUpdate, rbac.ResourceConnectionLog, func() ([]database.ConnectionLog, error) {
		return q.db.CloseConnectionLogsOfReplica(ctx, arg)
	})
}

// GetConnectionLogsOffset filters in SQL: site auditors and owners see every
// row, organization auditors (and admins) the rows of their organizations,
// everyone else nothing.
func (q *querier) GetConnectionLogsOffset(ctx context.Context, arg database.GetConnectionLogsOffsetParams) ([]database.ConnectionLog, error) {
	f, err := q.filter(ctx, rbac.ActionRead, rbac.ResourceConnectionLog.Type)
	if err != nil {
		return nil, err
	}
	arg.AuthAll, arg.AuthOrgIds = f.All, f.OrgIDs
	if !f.All && len(f.OrgIDs) == 0 {
		return nil, nil
	}
	return q.db.GetConnectionLogsOffset(ctx, arg)
}
