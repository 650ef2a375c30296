package database

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// genericPlanStatements run on PostgreSQL's generic plan of their prepared
// statement. Each is written so that its generic plan is right for every
// caller (the parameters switch whole branches on and off as it runs), and
// is big enough that planning it for each execution's values costs more
// than running it: 3-5 ms against about 1 ms for the workspace list. Left to
// itself, PostgreSQL keeps planning such a statement for each execution,
// because the generic plan's estimated cost counts every branch.
// Only :many statements (sent with Query) are handled.
var genericPlanStatements = map[string]bool{
	getAuthorizedWorkspaces: true,
	// The loaders of builds, resources, agents and apps by ID list, when
	// called alone (pages send them together, see sqlStore.batch): their
	// generic plans (index lookups) are right for any length, and
	// PostgreSQL otherwise replanned them on every call.
	getWorkspaceBuildsWithJobsByIDs:    true,
	getWorkspaceResourcesByBuildJobIDs: true,
	getWorkspaceAgentsByBuildJobIDs:    true,
	getWorkspaceAppsByBuildJobIDs:      true,
}

// useGenericPlan makes PostgreSQL use generic plans until the (implicit)
// transaction ends.
const useGenericPlan = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)"

// genericPlanPool sends each genericPlanStatement in one batch (one round
// trip, one implicit transaction) after a transaction-local setting that
// makes PostgreSQL use the generic plan. Inside explicit transactions the
// statements run as they are, since the setting would outlive them there.
type genericPlanPool struct {
	*pgxpool.Pool
}

func (p genericPlanPool) Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error) {
	if !genericPlanStatements[sql] {
		return p.Pool.Query(ctx, sql, args...)
	}
	batch := &pgx.Batch{}
	batch.Queue(useGenericPlan)
	batch.Queue(sql, args...)
	results := p.Pool.SendBatch(ctx, batch)
	if _, err := results.Exec(); err != nil {
		_ = results.Close()
		return nil, err
	}
	rows, err := results.Query()
	if err != nil {
		_ = results.Close()
		return nil, err
	}
	return batchRows{Rows: rows, results: results}, nil
}

// batchRows releases the batch (and its connection) when the rows close.
type batchRows struct {
	pgx.Rows
	results pgx.BatchResults
}

func (r batchRows) Close() {
	r.Rows.Close()
	_ = r.results.Close()
}
