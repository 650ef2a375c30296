// Package dbtestutil gives each test its own real PostgreSQL database.
//
// A test binary that uses it calls Main from TestMain. Main starts one private
// PostgreSQL cluster for the binary (or uses CODER_TEST_POSTGRES_URL), and the
// first test migrates a template database once. Every Open after that clones
// the template with CREATE DATABASE … TEMPLATE, which copies files instead of
// replaying migrations, and drops the clone when the test ends.
package dbtestutil

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/migrations"
	"github.com/devplane/devplane/database/postgres"
	"github.com/devplane/devplane/database/pubsub"
)

// EnvPostgresURL points tests at an existing server instead of a private
// cluster. The role needs CREATEDB.
const EnvPostgresURL = "CODER_TEST_POSTGRES_URL"

var (
	mainCalled bool

	clusterOnce sync.Once
	cluster     *postgres.Server
	clusterDir  string
	adminURL    string
	clusterErr  error

	templateOnce sync.Once
	templateName string
	templateErr  error
)

// Main runs the tests of a package and stops the private cluster afterwards.
// Call it from TestMain: func TestMain(m *testing.M) { dbtestutil.Main(m) }.
func Main(m *testing.M) {
	mainCalled = true
	code := m.Run()
	if cluster != nil {
		if err := cluster.Stop(); err != nil {
			_, _ = fmt.Fprintln(os.Stderr, "dbtestutil: stop postgres:", err)
		}
	}
	if clusterDir != "" {
		_ = os.RemoveAll(clusterDir)
	}
	os.Exit(code)
}

func startCluster() (string, error) {
	clusterOnce.Do(func() {
		if u := os.Getenv(EnvPostgresURL); u != "" {
			adminURL = u
			return
		}
		if !mainCalled {
			clusterErr = xerrors.New("dbtestutil: call dbtestutil.Main from TestMain (or set " + EnvPostgresURL + ") so the private cluster is stopped")
			return
		}
		clusterDir, clusterErr = os.MkdirTemp("", "devplane-testpg-")
		if clusterErr != nil {
			return
		}
		// The cluster runs as the postgres user when tests run as root; it
		// must be able to enter the directory.
		if clusterErr = os.Chmod(clusterDir, 0o755); clusterErr != nil {
			return
		}
		cluster, clusterErr = postgres.Start(context.Background(), postgres.Options{
			Dir:       filepath.Join(clusterDir, "pg"),
			Logger:    slog.Make(),
			Ephemeral: true,
		})
		if clusterErr == nil {
			adminURL = cluster.URL()
		}
	})
	return adminURL, clusterErr
}

// templateDatabase returns the name of a migrated database to clone. Its name
// carries a hash of the migrations, so a shared external server keeps one per
// schema and never clones a stale one.
func templateDatabase(ctx context.Context, admin string) (string, error) {
	templateOnce.Do(func() {
		steps, err := migrations.Steps()
		if err != nil {
			templateErr = err
			return
		}
		h := sha256.New()
		for _, s := range steps {
			_, _ = h.Write([]byte(s.Up))
			_, _ = h.Write([]byte(s.Down))
		}
		name := "devplane_template_" + hex.EncodeToString(h.Sum(nil))[:16]

		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			templateErr = xerrors.Errorf("connect to test postgres: %w", err)
			return
		}
		defer conn.Close(ctx)
		// Serialize template creation across test binaries sharing a server.
		if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(727272)"); err != nil {
			templateErr = err
			return
		}
		defer func() { _, _ = conn.Exec(context.Background(), "SELECT pg_advisory_unlock(727272)") }()

		var exists bool
		if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
			templateErr = err
			return
		}
		if !exists {
			tmp := name + "_building"
			_, _ = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+tmp+" WITH (FORCE)")
			if _, err := conn.Exec(ctx, "CREATE DATABASE "+tmp); err != nil {
				templateErr = err
				return
			}
			if err := migrateDatabase(ctx, withDatabase(admin, tmp)); err != nil {
				templateErr = err
				return
			}
			// Renaming last makes a half-migrated template impossible.
			if _, err := conn.Exec(ctx, "ALTER DATABASE "+tmp+" RENAME TO "+name); err != nil {
				templateErr = err
				return
			}
		}
		templateName = name
	})
	return templateName, templateErr
}

func migrateDatabase(ctx context.Context, dbURL string) error {
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	return migrations.Up(ctx, pool)
}

// OpenEmpty creates an empty, unmigrated database for the test and returns
// its URL. Migration tests use it.
func OpenEmpty(t testing.TB) string {
	t.Helper()
	return createDatabase(t, "")
}

// Open creates a migrated database for the test and returns its URL.
func Open(t testing.TB) string {
	t.Helper()
	admin, err := startCluster()
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := templateDatabase(context.Background(), admin)
	if err != nil {
		t.Fatalf("dbtestutil: prepare template database: %v", err)
	}
	return createDatabase(t, tmpl)
}

func createDatabase(t testing.TB, template string) string {
	t.Helper()
	admin, err := startCluster()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	name := "test_" + strings.ReplaceAll(uuid.NewString(), "-", "")
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("dbtestutil: connect: %v", err)
	}
	defer conn.Close(ctx)
	stmt := "CREATE DATABASE " + name
	if template != "" {
		stmt += " TEMPLATE " + template
	}
	if _, err := conn.Exec(ctx, stmt); err != nil {
		t.Fatalf("dbtestutil: %s: %v", stmt, err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), admin)
		if err != nil {
			t.Logf("dbtestutil: drop %s: %v", name, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("dbtestutil: drop %s: %v", name, err)
		}
	})
	return withDatabase(admin, name)
}

// NewDB returns a Store and its pool on a fresh migrated database.
func NewDB(t testing.TB) (database.Store, *pgxpool.Pool) {
	t.Helper()
	pool, err := database.Open(context.Background(), Open(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return database.NewStore(pool), pool
}

// NewDBWithPubsub is NewDB plus a pubsub on the same database; configure is
// passed to database.Open (a test's query tracer, say).
func NewDBWithPubsub(t testing.TB, configure ...func(*pgxpool.Config)) (database.Store, pubsub.Pubsub) {
	t.Helper()
	return ConnectWithPubsub(t, Open(t), configure...)
}

// ConnectWithPubsub opens a Store and a pubsub of their own on an existing
// database, as another server replica sharing that database would.
func ConnectWithPubsub(t testing.TB, url string, configure ...func(*pgxpool.Config)) (database.Store, pubsub.Pubsub) {
	t.Helper()
	return ConnectWithPubsubAt(t, url, "", configure...)
}

// ConnectWithPubsubAt is ConnectWithPubsub with the pubsub listening at
// pubsubURL (empty: url), so a test can cut the LISTEN connection alone.
func ConnectWithPubsubAt(t testing.TB, url, pubsubURL string, configure ...func(*pgxpool.Config)) (database.Store, pubsub.Pubsub) {
	t.Helper()
	pool, err := database.Open(context.Background(), url, configure...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if pubsubURL == "" {
		pubsubURL = url
	}
	ps, err := pubsub.New(context.Background(), slog.Make(), pool, pubsubURL)
	if err != nil {
		t.Fatal(err)
	}
	// Registered after the pool's cleanup, so it runs first.
	t.Cleanup(func() { _ = ps.Close() })
	return database.NewStore(pool), ps
}

// AdminURL returns the URL of the test server's maintenance database.
func AdminURL(t testing.TB) string {
	t.Helper()
	u, err := startCluster()
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func withDatabase(rawURL, name string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		// The URLs come from the postgres package or the environment; a
		// malformed one is a setup error that every test would hit.
		panic(fmt.Sprintf("dbtestutil: bad postgres url: %v", err))
	}
	u.Path = "/" + name
	return u.String()
}
