package migrations_test

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/database/dbtestutil"
	"github.com/devplane/devplane/database/migrations"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }

// tables lists the user tables, to compare schemas between steps.
func tables(t *testing.T, pool *pgxpool.Pool) []string {
	t.Helper()
	rows, err := pool.Query(context.Background(),
		`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations' ORDER BY 1`)
	require.NoError(t, err)
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		names = append(names, n)
	}
	require.NoError(t, rows.Err())
	return names
}

func TestUpDownUp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbtestutil.OpenEmpty(t))
	require.NoError(t, err)
	defer pool.Close()

	require.NoError(t, migrations.Up(ctx, pool))
	v, err := migrations.Current(ctx, pool)
	require.NoError(t, err)
	require.Equal(t, migrations.Latest(), v)
	migrated := tables(t, pool)
	require.NotEmpty(t, migrated)

	// Step down one version at a time so every down file runs.
	for target := migrations.Latest() - 1; target >= 0; target-- {
		require.NoError(t, migrations.To(ctx, pool, target), "down to %d", target)
		v, err := migrations.Current(ctx, pool)
		require.NoError(t, err)
		require.Equal(t, target, v)
	}
	assert.Empty(t, tables(t, pool), "down to zero leaves no tables behind")

	require.NoError(t, migrations.Up(ctx, pool))
	assert.Equal(t, migrated, tables(t, pool))

	// Up again is a no-op.
	require.NoError(t, migrations.Up(ctx, pool))
}

func TestConcurrentMigratorsApplyOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbtestutil.OpenEmpty(t))
	require.NoError(t, err)
	defer pool.Close()

	errs := make(chan error, 4)
	for range 4 {
		go func() { errs <- migrations.Up(ctx, pool) }()
	}
	for range 4 {
		require.NoError(t, <-errs)
	}
	var rows int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM schema_migrations").Scan(&rows))
	assert.Equal(t, 1, rows, "one version row, not one per migrator")
}

func TestStepsAreWellFormed(t *testing.T) {
	t.Parallel()
	steps, err := migrations.Steps()
	require.NoError(t, err)
	for i, s := range steps {
		assert.Equal(t, i+1, s.Version)
		assert.NotEmpty(t, s.Up)
		assert.NotEmpty(t, s.Down)
	}
}

func TestNewerDatabaseIsRefused(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, dbtestutil.Open(t))
	require.NoError(t, err)
	defer pool.Close()
	_, err = pool.Exec(ctx, "UPDATE schema_migrations SET version = version + 100")
	require.NoError(t, err)
	err = migrations.Up(ctx, pool)
	require.ErrorContains(t, err, "newer server")
}

func TestBadFileNamesAreRejected(t *testing.T) {
	t.Parallel()
	_, err := migrations.StepsFrom(fstest.MapFS{
		"000001_a.up.sql":   {Data: []byte("select 1")},
		"000001_a.down.sql": {Data: []byte("select 1")},
		"000003_c.up.sql":   {Data: []byte("select 1")},
		"000003_c.down.sql": {Data: []byte("select 1")},
	})
	require.ErrorContains(t, err, "without gaps")

	_, err = migrations.StepsFrom(fstest.MapFS{"000001_a.up.sql": {Data: []byte("select 1")}})
	require.ErrorContains(t, err, "both an up and a down")
}
