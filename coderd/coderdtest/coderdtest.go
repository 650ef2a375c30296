// Package coderdtest starts an in-process API server on a fresh database and
// hands tests a client for it, so tests drive the API as users do.
package coderdtest

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"testing"
	"time"

	"cdr.dev/slog"
	"cdr.dev/slog/sloggers/slogtest"
	"github.com/coder/serpent"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/devplane/devplane/coderd"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/coderd/userpassword"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtestutil"
	"github.com/devplane/devplane/database/pubsub"
)

// DeploymentValues returns the defaults of every option, for a test to
// change before passing them in Options.
func DeploymentValues(t testing.TB) (*codersdk.DeploymentValues, serpent.OptionSet) {
	t.Helper()
	vals, opts, err := codersdk.NewDeploymentValues()
	if err != nil {
		t.Fatal(err)
	}
	return vals, opts
}

// Options change the server a test gets; the zero value is a sensible server.
type Options struct {
	DeploymentValues *codersdk.DeploymentValues
	// DeploymentOptions is the option set of DeploymentValues, which knows
	// where each value came from; nil derives one that knows nothing.
	DeploymentOptions serpent.OptionSet
	SwaggerDoc        []byte
	// IncludeProvisionerDaemon runs one in-process daemon with the echo
	// provisioner, so template imports complete.
	IncludeProvisionerDaemon bool
	// Logger defaults to one that fails the test on error logs.
	Logger *slog.Logger
	// QueryTracer sees every statement of the server's pool, so tests can
	// count the queries a request makes.
	QueryTracer pgx.QueryTracer
	// KeepRateLimits leaves the API rate limit of DeploymentValues on;
	// otherwise tests, which make many requests from one address, run
	// without it.
	KeepRateLimits bool
	// PasswordHasher defaults to one with a queue long enough that no test
	// sees 503 from it; tests of the pool's limit pass their own.
	PasswordHasher *userpassword.Hasher
	// HTTPTimeouts shortens the per-request deadlines (zero: defaults).
	HTTPTimeouts httpmw.Timeouts
	// DatabaseURL makes the server a replica on an existing database
	// (dbtestutil.Open), with its own pool and pubsub; empty gives each
	// server a fresh database.
	DatabaseURL string
	// PubsubURL, with DatabaseURL, is where the server's pubsub listens
	// (dbtestutil.NewProxy in front of the database, say, to cut only the
	// LISTEN connection); empty means DatabaseURL.
	PubsubURL string
	// AgentBinaryPath is served at /bin/coder-<os>-<arch> (agentbin.Path
	// builds one).
	AgentBinaryPath string
}

// New starts a server on a fresh migrated database and returns an
// unauthenticated client for it.
func New(t testing.TB, opts *Options) *codersdk.Client {
	t.Helper()
	client, _ := NewWithAPI(t, opts)
	return client
}

// NewWithAPI is New that also returns the server, for tests that inspect it.
func NewWithAPI(t testing.TB, opts *Options) (*codersdk.Client, *coderd.API) {
	t.Helper()
	client, api, _ := NewWithDatabase(t, opts)
	return client, api
}

// NewWithDatabase is NewWithAPI that also returns the raw, unauthorized
// store under the server. Tests use it only to arrange what no API can (an
// expired key, say) and never to assert through it what the API should
// show.
func NewWithDatabase(t testing.TB, opts *Options) (*codersdk.Client, *coderd.API, database.Store) {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	logger := slogtest.Make(t, nil).Leveled(slog.LevelDebug)
	if opts.Logger != nil {
		logger = *opts.Logger
	}
	var configure []func(*pgxpool.Config)
	if opts.QueryTracer != nil {
		configure = append(configure, func(c *pgxpool.Config) { c.ConnConfig.Tracer = opts.QueryTracer })
	}
	var db database.Store
	var ps pubsub.Pubsub
	if opts.DatabaseURL != "" {
		db, ps = dbtestutil.ConnectWithPubsubAt(t, opts.DatabaseURL, opts.PubsubURL, configure...)
	} else {
		db, ps = dbtestutil.NewDBWithPubsub(t, configure...)
	}

	// Listen first: the API needs its own URL before it can be built.
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	serverURL := &url.URL{Scheme: "http", Host: listener.Addr().String()}

	vals, optSet := opts.DeploymentValues, serpent.OptionSet(nil)
	if vals == nil {
		vals, optSet = DeploymentValues(t)
	} else if optSet = opts.DeploymentOptions; optSet == nil {
		optSet = vals.Options()
	}
	// Tests make many requests from one IP; the limiter has its own tests.
	if !opts.KeepRateLimits {
		_ = vals.RateLimit.DisableAll.Set("true")
	}
	hasher := opts.PasswordHasher
	if hasher == nil {
		hasher = userpassword.NewHasher(runtime.GOMAXPROCS(0), 10_000)
	}
	api, err := coderd.New(context.Background(), &coderd.Options{
		Logger:            logger,
		Database:          db,
		Pubsub:            ps,
		AccessURL:         serverURL,
		DeploymentValues:  vals,
		DeploymentOptions: optSet,
		SwaggerDoc:        opts.SwaggerDoc,
		PasswordHasher:    hasher,
		HTTPTimeouts:      opts.HTTPTimeouts,
		AgentBinaryPath:   opts.AgentBinaryPath,
	})
	if err != nil {
		t.Fatal(err)
	}
	// Every test server is a registered replica, as a real one is.
	if err := api.Replicas.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := api.Replicas.Close(ctx); err != nil {
			// A test may have cut the replica off its database.
			t.Logf("coderdtest: mark replica stopped: %v", err)
		}
	})
	// Agents' batch writers; stopping ends their connections first.
	t.Cleanup(api.StartAgents(context.Background()))
	if opts.IncludeProvisionerDaemon {
		// The Terraform provisioner uses the default cache directory, whose
		// provider mirror `make test` prepares.
		stop, err := api.StartProvisionerDaemons(context.Background(), coderd.ProvisionerDaemonsOptions{
			Count: 1, WorkDir: t.TempDir(),
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(stop)
	}
	srv := &httptest.Server{Listener: listener, Config: &http.Server{Handler: api}}
	srv.Start()
	t.Cleanup(srv.Close)

	client := codersdk.New(serverURL)
	// Its own transport, not http.DefaultTransport: every httptest server
	// closes the default transport's idle connections when it closes, which
	// breaks a request another parallel test is starting on one of them
	// ("http: CloseIdleConnections called"). Clients made from this one
	// (CreateAnotherUser) share it.
	transport := http.DefaultTransport.(*http.Transport).Clone()
	client.HTTPClient.Transport = transport
	t.Cleanup(transport.CloseIdleConnections)
	return client, api, db
}
