package dbauthz

import (
	"context"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// Insights reads are filtered by the organizations whose templates' insights
// the caller may view (rbac.ActionViewInsights): owners and auditors see
// every organization, organization auditors and template admins theirs,
// everyone else nothing. The handler answers 404 before asking when the
// caller may view none; a template the caller names is checked there too.

// insightsFilter is the caller's insights filter; ok is false when the
// caller may view nothing (or err is set), and the read returns no rows.
func (q *querier) insightsFilter(ctx context.Context) (f rbac.Filter, ok bool, err error) {
	f, err = q.filter(ctx, rbac.ActionViewInsights, rbac.ResourceTemplate.Type)
	if err != nil {
		return f, false, err
	}
	return f, f.All || len(f.OrgIDs) > 0, nil
}

func (q *querier) GetInsightsSessions(ctx context.Context, arg database.GetInsightsSessionsParams) ([]database.GetInsightsSessionsRow, error) {
	f, ok, err := q.insightsFilter(ctx)
	if !ok {
		return nil, err
	}
	arg.AuthAll, arg.AuthOrgIds = f.All, f.OrgIDs
	return q.db.GetInsightsSessions(ctx, arg)
}

func (q *querier) GetInsightsAgentStats(ctx context.Context, arg database.GetInsightsAgentStatsParams) ([]database.GetInsightsAgentStatsRow, error) {
	f, ok, err := q.insightsFilter(ctx)
	if !ok {
		return nil, err
	}
	arg.AuthAll, arg.AuthOrgIds = f.All, f.OrgIDs
	return q.db.GetInsightsAgentStats(ctx, arg)
}

func (q *querier) GetInsightsUserLatency(ctx context.Context, arg database.GetInsightsUserLatencyParams) ([]database.GetInsightsUserLatencyRow, error) {
	f, ok, err := q.insightsFilter(ctx)
	if !ok {
		return nil, err
	}
	arg.AuthAll, arg.AuthOrgIds = f.All, f.OrgIDs
	return q.db.GetInsightsUserLatency(ctx, arg)
}
