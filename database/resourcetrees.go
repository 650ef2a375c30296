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

// WorkspaceBuildsWithResources are builds with their jobs, and the
// resource trees of those jobs.
type WorkspaceBuildsWithResources struct {
	Builds []GetWorkspaceBuildsWithJobsByIDsRow
	WorkspaceResourceTrees
}

// GetWorkspaceBuildsWithResources loads builds by ID and the resource
// trees of their jobs (jobIDs, known to the caller) in one round trip.
func (s *sqlStore) GetWorkspaceBuildsWithResources(ctx context.Context, buildIDs, jobIDs []uuid.UUID) (WorkspaceBuildsWithResources, error) {
	var out WorkspaceBuildsWithResources
	err := s.batch(ctx, func(q *Queries) error {
		var err error
		if out.Builds, err = q.GetWorkspaceBuildsWithJobsByIDs(ctx, buildIDs); err != nil {
			return err
		}
		out.WorkspaceResourceTrees, err = resourceTrees(ctx, q, jobIDs)
		return err
	}, queued{getWorkspaceBuildsWithJobsByIDs, buildIDs}, queued{getWorkspaceResourcesByBuildJobIDs, jobIDs},
		queued{getWorkspaceAgentsByBuildJobIDs, jobIDs}, queued{getWorkspaceAppsByBuildJobIDs, jobIDs})
	return out, err
}

// GetWorkspaceResourceTreesByBuildJobIDs runs the three loaders in one
// round trip instead of three.
func (s *sqlStore) GetWorkspaceResourceTreesByBuildJobIDs(ctx context.Context, jobIDs []uuid.UUID) (WorkspaceResourceTrees, error) {
	var out WorkspaceResourceTrees
	err := s.batch(ctx, func(q *Queries) error {
		var err error
		out, err = resourceTrees(ctx, q, jobIDs)
		return err
	}, queued{getWorkspaceResourcesByBuildJobIDs, jobIDs}, queued{getWorkspaceAgentsByBuildJobIDs, jobIDs},
		queued{getWorkspaceAppsByBuildJobIDs, jobIDs})
	return out, err
}

// queued is a sqlc statement with its one argument.
type queued struct {
	sql string
	arg any
}

// batch sends statements in one round trip, behind the generic-plan
// setting, then runs read, whose generated methods must call them in the
// same order with the same arguments. Inside a transaction read runs on
// the transaction, one statement after another.
func (s *sqlStore) batch(ctx context.Context, read func(*Queries) error, statements ...queued) error {
	if s.inTx {
		return read(s.Queries)
	}
	b := &pgx.Batch{}
	b.Queue(useGenericPlan)
	order := make([]string, 0, len(statements))
	for _, st := range statements {
		b.Queue(st.sql, st.arg)
		order = append(order, st.sql)
	}
	results := s.pool.SendBatch(ctx, b)
	defer results.Close()
	if _, err := results.Exec(); err != nil {
		return err
	}
	if err := read(New(&batchReader{results: results, statements: order})); err != nil {
		return err
	}
	return results.Close()
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
