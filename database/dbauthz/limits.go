package dbauthz

import (
	"context"
	"time"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// The login and API rate limit counters are the deployment's own
// bookkeeping, written by the limiter actor (AsLimiter) and by nobody else.

func (q *querier) ReserveLoginAttempt(ctx context.Context, arg database.ReserveLoginAttemptParams) (database.ReserveLoginAttemptRow, error) {
	return act(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() (database.ReserveLoginAttemptRow, error) {
		return q.db.ReserveLoginAttempt(ctx, arg)
	})
}

func (q *querier) FailLoginAttempt(ctx context.Context, arg database.FailLoginAttemptParams) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() error { return q.db.FailLoginAttempt(ctx, arg) })
}

func (q *querier) SucceedLoginAttempt(ctx context.Context, arg database.SucceedLoginAttemptParams) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() error { return q.db.SucceedLoginAttempt(ctx, arg) })
}

func (q *querier) ReleaseLoginAttempt(ctx context.Context, key string) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() error { return q.db.ReleaseLoginAttempt(ctx, key) })
}

func (q *querier) DeleteForgottenLoginLimits(ctx context.Context, now time.Time) (int64, error) {
	return act(ctx, q, rbac.ActionDelete, rbac.ResourceSystem, func() (int64, error) { return q.db.DeleteForgottenLoginLimits(ctx, now) })
}

func (q *querier) AddRateLimitCounts(ctx context.Context, arg database.AddRateLimitCountsParams) ([]database.AddRateLimitCountsRow, error) {
	return act(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() ([]database.AddRateLimitCountsRow, error) {
		return q.db.AddRateLimitCounts(ctx, arg)
	})
}

func (q *querier) DeleteRateLimitCountsBefore(ctx context.Context, before time.Time) (int64, error) {
	return act(ctx, q, rbac.ActionDelete, rbac.ResourceSystem, func() (int64, error) { return q.db.DeleteRateLimitCountsBefore(ctx, before) })
}
