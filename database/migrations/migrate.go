// Package migrations holds the schema as numbered SQL files and applies them.
//
// Files are NNNNNN_name.up.sql and NNNNNN_name.down.sql. Each step runs in its
// own transaction together with the version bump, so a failed step leaves the
// schema exactly at the previous version (PostgreSQL DDL is transactional).
// A session advisory lock serializes concurrent migrators, so several server
// replicas starting at once apply each step exactly once.
package migrations

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/xerrors"
)

//go:embed *.sql
var files embed.FS

// lockKey is an arbitrary constant that names "the schema migration" among
// the advisory locks of the database.
const lockKey int64 = 0x64657670_6c616e65 // "devplane"

// Step is one migration: its version and the SQL to go up and down.
type Step struct {
	Version int
	Name    string
	Up      string
	Down    string
}

var fileName = regexp.MustCompile(`^(\d{6})_([a-z0-9_]+)\.(up|down)\.sql$`)

// Steps returns every migration in version order. It fails on gaps, on
// duplicate versions and on a step without both directions.
func Steps() ([]Step, error) {
	return StepsFrom(files)
}

// StepsFrom reads migrations from fsys; Steps reads the embedded ones.
func StepsFrom(fsys fs.FS) ([]Step, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]*Step{}
	for _, e := range entries {
		m := fileName.FindStringSubmatch(e.Name())
		if m == nil {
			if e.Name() != "migrate.go" {
				return nil, xerrors.Errorf("migration file %q is not named NNNNNN_name.(up|down).sql", e.Name())
			}
			continue
		}
		v, _ := strconv.Atoi(m[1])
		body, err := fs.ReadFile(fsys, e.Name())
		if err != nil {
			return nil, err
		}
		s := byVersion[v]
		if s == nil {
			s = &Step{Version: v, Name: m[2]}
			byVersion[v] = s
		}
		if s.Name != m[2] {
			return nil, xerrors.Errorf("migration %06d has two names: %q and %q", v, s.Name, m[2])
		}
		if m[3] == "up" {
			s.Up = string(body)
		} else {
			s.Down = string(body)
		}
	}
	steps := make([]Step, 0, len(byVersion))
	for _, s := range byVersion {
		if s.Up == "" || s.Down == "" {
			return nil, xerrors.Errorf("migration %06d_%s needs both an up and a down file", s.Version, s.Name)
		}
		steps = append(steps, *s)
	}
	sort.Slice(steps, func(i, j int) bool { return steps[i].Version < steps[j].Version })
	for i, s := range steps {
		if s.Version != i+1 {
			return nil, xerrors.Errorf("migration versions must run 1, 2, 3, … without gaps; found %06d at position %d", s.Version, i+1)
		}
	}
	return steps, nil
}

// Latest is the version the embedded migrations lead to.
func Latest() int {
	steps, err := Steps()
	if err != nil || len(steps) == 0 {
		return 0
	}
	return steps[len(steps)-1].Version
}

// Up applies every pending migration.
func Up(ctx context.Context, pool *pgxpool.Pool) error {
	return To(ctx, pool, Latest())
}

// To moves the schema to version target, up or down. Version 0 is an empty
// schema.
func To(ctx context.Context, pool *pgxpool.Pool, target int) error {
	steps, err := Steps()
	if err != nil {
		return err
	}
	if target < 0 || target > len(steps) {
		return xerrors.Errorf("target version %d is outside 0..%d", target, len(steps))
	}

	conn, err := pool.Acquire(ctx)
	if err != nil {
		return xerrors.Errorf("acquire connection: %w", err)
	}
	defer conn.Release()

	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", lockKey); err != nil {
		return xerrors.Errorf("take migration lock: %w", err)
	}
	defer func() {
		// A fresh context: the lock must be released even if ctx is done.
		_, _ = conn.Exec(context.Background(), "SELECT pg_advisory_unlock($1)", lockKey)
	}()

	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return xerrors.Errorf("create schema_migrations: %w", err)
	}
	current, err := version(ctx, conn.Conn())
	if err != nil {
		return err
	}
	if current > len(steps) {
		return xerrors.Errorf("database schema is at version %d but this binary only knows %d: it was migrated by a newer server", current, len(steps))
	}

	for current < target {
		s := steps[current]
		if err := apply(ctx, conn.Conn(), s.Up, s.Version); err != nil {
			return xerrors.Errorf("migrate up to %06d_%s: %w", s.Version, s.Name, err)
		}
		current++
	}
	for current > target {
		s := steps[current-1]
		if err := apply(ctx, conn.Conn(), s.Down, s.Version-1); err != nil {
			return xerrors.Errorf("migrate down from %06d_%s: %w", s.Version, s.Name, err)
		}
		current--
	}
	return nil
}

// Current returns the schema version of the database, 0 when unmigrated.
func Current(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Release()
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&exists); err != nil {
		return 0, err
	}
	if !exists {
		return 0, nil
	}
	return version(ctx, conn.Conn())
}

func version(ctx context.Context, conn *pgx.Conn) (int, error) {
	var v int
	err := conn.QueryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	if err != nil {
		return 0, xerrors.Errorf("read schema version: %w", err)
	}
	return v, nil
}

func apply(ctx context.Context, conn *pgx.Conn, sql string, newVersion int) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "DELETE FROM schema_migrations"); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version) VALUES ($1)", newVersion)
		return err
	})
}

// String renders a step for logs.
func (s Step) String() string { return fmt.Sprintf("%06d_%s", s.Version, s.Name) }
