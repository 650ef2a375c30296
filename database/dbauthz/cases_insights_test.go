package dbauthz_test

import (
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

func init() {
	for name, tc := range insightsCases {
		if _, dup := cases[name]; dup {
			panic("dbauthz test: two cases for " + name)
		}
		cases[name] = tc
	}
}

// insightsCases: insights are read through the view_insights filter on
// templates.
var insightsCases = map[string]testCase{
	"GetInsightsSessions": {
		args:   func(seed) []any { return []any{database.GetInsightsSessionsParams{}} },
		checks: insightsFilter,
	},
	"GetInsightsAgentStats": {
		args:   func(seed) []any { return []any{database.GetInsightsAgentStatsParams{}} },
		checks: insightsFilter,
	},
	"GetInsightsUserLatency": {
		args:   func(seed) []any { return []any{database.GetInsightsUserLatencyParams{}} },
		checks: insightsFilter,
	},
}

func insightsFilter(seed) []check {
	return []check{{Action: rbac.ActionViewInsights, Type: rbac.ResourceTemplate.Type, Filter: true}}
}
