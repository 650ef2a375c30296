package database

import (
	"context"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"golang.org/x/xerrors"
)

// WorkspaceResourceTrees are the resources of build jobs with their agents
// and apps, each row with its workspace.
type WorkspaceResourceTrees struct {
	Resources []GetWorkspaceResourcesByBuildJobIDsRow
	Agents    []GetWorkspaceAgentsByBuildJobIDsRow
	Apps      []GetWorkspaceAppsByBuildJobIDsRow
}

// GetWorkspaceResourceTreesByBuildJobIDs runs the three loaders in one
// batch, one round trip instead of three, on their generic plans (see
// genericPlanStatements). Inside a transaction they run one after another.
func (s *sqlStore) GetWorkspaceResourceTreesByBuildJobIDs(ctx context.Context, jobIDs []uuid.UUID) (WorkspaceResourceTrees, error) {
	if s.inTx {
		return resourceTrees(ctx, s.Queries, jobIDs)
	}
	statements := []string{getWorkspaceResourcesByBuildJobIDs, getWorkspaceAgentsByBuildJobIDs, getWorkspaceAppsByBuildJobIDs}
	batch := &pgx.Batch{}
	batch.Queue(useGenericPlan)
	for _, sql := range statements {
		batch.Queue(sql, jobIDs)
	}
	results := s.pool.SendBatch(ctx, batch)
	defer results.Close()
	if _, err := results.Exec(); err != nil {
		return WorkspaceResourceTrees{}, err
	}
	trees, err := resourceTrees(ctx, New(&batchReader{results: results, statements: statements}), jobIDs)
	if err != nil {
		return WorkspaceResourceTrees{}, err
	}
	return trees, results.Close()
}

func resourceTrees(ctx context.Context, q *Queries, jobIDs []uuid.UUID) (WorkspaceResourceTrees, error) {
	var (
		t   WorkspaceResourceTrees
		err error
	)
	if t.Resources, err = q.GetWorkspaceResourcesByBuildJobIDs(ctx, jobIDs); err != nil {
		return t, err
	}
	if t.Agents, err = q.GetWorkspaceAgentsByBuildJobIDs(ctx, jobIDs); err != nil {
		return t, err
	}
	t.Apps, err = q.GetWorkspaceAppsByBuildJobIDs(ctx, jobIDs)
	return t, err
}

// batchReader hands a sent batch's results, in order, to generated query
// methods called in the order their statements were queued; the methods'
// own arguments were queued with them.
type batchReader struct {
	results    pgx.BatchResults
	statements []string
	next       int
}

func (b *batchReader) take(sql string) error {
	if b.next >= len(b.statements) || b.statements[b.next] != sql {
		return xerrors.New("batch read out of the order it was queued in")
	}
	b.next++
	return nil
}

func (b *batchReader) Query(_ context.Context, sql string, _ ...any) (pgx.Rows, error) {
	if err := b.take(sql); err != nil {
		return nil, err
	}
	return b.results.Query()
}

func (b *batchReader) Exec(_ context.Context, sql string, _ ...any) (pgconn.CommandTag, error) {
	if err := b.take(sql); err != nil {
		return pgconn.CommandTag{}, err
	}
	return b.results.Exec()
}

func (b *batchReader) QueryRow(_ context.Context, sql string, _ ...any) pgx.Row {
	if err := b.take(sql); err != nil {
		return errRow{err}
	}
	return b.results.QueryRow()
}

type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
