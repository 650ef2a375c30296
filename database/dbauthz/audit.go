package dbauthz

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// InsertAuditLog is done by the server, as the audit writer, whatever the
// caller of the audited request may do: the log is not the caller's to
// write or to skip.
func (q *querier) InsertAuditLog(ctx context.Context, arg database.InsertAuditLogParams) error {
	return actExec(ctx, q, rbac.ActionCreate, rbac.ResourceAuditLog, func() error {
		return q.db.InsertAuditLog(ctx, arg)
	})
}

// auditFilter is the caller's read filter on the audit log, as the audit
// queries' auth parameters for a search of organization org (uuid.Nil: any).
// Two rewrites give the same rows in a form PostgreSQL plans well: a caller
// allowed exactly one organization searches that organization, and a search
// of an allowed organization needs no further check. An equality keeps the
// (organization_id, time) index in time order, where "= ANY(array)" makes
// PostgreSQL 15 sort every match, and a second condition on the column
// would make it misjudge how many rows match.
func (q *querier) auditFilter(ctx context.Context, org uuid.UUID) (all bool, orgIDs []uuid.UUID, narrowed uuid.UUID, err error) {
	f, err := q.filter(ctx, rbac.ActionRead, rbac.ResourceAuditLog.Type)
	if err != nil {
		return false, nil, org, err
	}
	if !f.All && len(f.OrgIDs) == 1 && org == uuid.Nil {
		org = f.OrgIDs[0]
	}
	if !f.All && org != uuid.Nil && slices.Contains(f.OrgIDs, org) {
		return true, nil, org, nil
	}
	return f.All, f.OrgIDs, org, nil
}

// GetAuditLogsOffset filters in SQL: site auditors and owners see every row,
// organization auditors (and admins) the rows of their organizations, and
// everyone else nothing.
func (q *querier) GetAuditLogsOffset(ctx context.Context, arg database.GetAuditLogsOffsetParams) ([]database.GetAuditLogsOffsetRow, error) {
	var err error
	arg.AuthAll, arg.AuthOrgIds, arg.OrganizationID, err = q.auditFilter(ctx, arg.OrganizationID)
	if err != nil {
		return nil, err
	}
	return q.db.GetAuditLogsOffset(ctx, arg)
}

// CountAuditLogs counts what GetAuditLogsOffset would return, under the same
// filter.
func (q *querier) CountAuditLogs(ctx context.Context, arg database.CountAuditLogsParams) (int64, error) {
	var err error
	arg.AuthAll, arg.AuthOrgIds, arg.OrganizationID, err = q.auditFilter(ctx, arg.OrganizationID)
	if err != nil {
		return 0, err
	}
	return q.db.CountAuditLogs(ctx, arg)
}

// GetAuditActorIDs resolves the username: and email: of an audit search.
// It is part of reading the log, so it needs what reading the log needs:
// whoever may read no audit row learns no user IDs from it.
func (q *querier) GetAuditActorIDs(ctx context.Context, arg database.GetAuditActorIDsParams) ([]uuid.UUID, error) {
	all, orgIDs, _, err := q.auditFilter(ctx, uuid.Nil)
	if err != nil {
		return nil, err
	}
	if !all && len(orgIDs) == 0 {
		return nil, nil
	}
	return q.db.GetAuditActorIDs(ctx, arg)
}

// UseCustomPlansInTx only changes how PostgreSQL plans the caller's own
// statements in its own transaction; it reads and writes nothing, so it asks
// nothing (see exempt in dbauthz_test.go).
func (q *querier) UseCustomPlansInTx(ctx context.Context) error {
	return q.db.UseCustomPlansInTx(ctx)
}
