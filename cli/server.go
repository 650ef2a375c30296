package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"cdr.dev/slog"
	"cdr.dev/slog/sloggers/sloghuman"
	"cdr.dev/slog/sloggers/slogjson"
	"github.com/coder/serpent"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/xerrors"
	"gopkg.in/yaml.v3"

	"github.com/devplane/devplane/buildinfo"
	"github.com/devplane/devplane/coderd"
	"github.com/devplane/devplane/coderd/apidoc"
	"github.com/devplane/devplane/coderd/prometheusmetrics"
	"github.com/devplane/devplane/coderd/provisionerd/terraform"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/migrations"
	"github.com/devplane/devplane/database/postgres"
	"github.com/devplane/devplane/database/pubsub"
)

// StartedLinePrefix starts the line the server prints once it accepts
// requests; scripts and tests wait for it.
const StartedLinePrefix = "Started HTTP listener at "

func serverCmd() *serpent.Command {
	vals := &codersdk.DeploymentValues{}
	return &serpent.Command{
		Use:     "server",
		Short:   "Start the API server. With no --postgres-url it runs a built-in PostgreSQL under the config directory.",
		Options: vals.Options(),
		Handler: func(inv *serpent.Invocation) error {
			if vals.WriteConfig.Value() {
				return writeConfig(inv.Stdout, inv.Command.Options)
			}
			ctx, stop := inv.SignalNotifyContext(inv.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServer(ctx, inv, vals)
		},
	}
}

func writeConfig(w io.Writer, opts serpent.OptionSet) error {
	n, err := opts.MarshalYAML()
	if err != nil {
		return xerrors.Errorf("render config: %w", err)
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return err
	}
	return enc.Close()
}

func runServer(ctx context.Context, inv *serpent.Invocation, vals *codersdk.DeploymentValues) error {
	logger, closeLogs, err := buildLogger(inv, vals)
	if err != nil {
		return err
	}
	defer closeLogs()
	logger.Info(ctx, "starting", slog.F("version", buildinfo.Version()))

	if err := fillDirectoryDefaults(vals); err != nil {
		return err
	}
	if err := checkTerraformOptions(vals); err != nil {
		return err
	}

	// What was started is stopped in reverse order at the end, each step
	// bounded by the grace period, whatever state the database is in.
	var steps shutdownSteps
	var shutdownCtx context.Context
	defer func() {
		ctx := shutdownCtx
		if ctx == nil {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(context.Background(), vals.ShutdownGrace.Value())
			defer cancel()
		}
		steps.run(ctx, logger)
	}()

	// Start listening before the database is ready so that a taken port fails
	// at once, not after PostgreSQL has been started for nothing.
	listeners, err := listen(vals)
	if err != nil {
		return err
	}
	defer listeners.Close()
	if vals.AccessURL.String() == "" {
		vals.AccessURL = serpent.URL(*listeners.defaultAccessURL())
	}
	secureTransport, err := transportSecurity(ctx, logger, vals)
	if err != nil {
		return err
	}
	reloadCertificatesOnSIGHUP(ctx, logger, listeners.certs)

	pgURL := vals.PostgresURL.Value()
	if pgURL == "" {
		pg, err := postgres.Start(ctx, postgres.Options{
			Dir:    filepath.Join(vals.ConfigDir.Value(), "postgres"),
			Logger: logger.Named("postgres"),
		})
		if err != nil {
			return xerrors.Errorf("start built-in postgres: %w", err)
		}
		// Waited for even past the grace period: it releases the
		// directory's lock, and escalates to SIGKILL on its own.
		steps.addMustFinish("stop built-in postgres", pg.StopContext)
		pgURL = pg.URL()
		logger.Info(ctx, "built-in postgres is running", slog.F("port", pg.Port()))
	}

	health := database.NewHealthMonitor(logger.Named("dbhealth"), 0)
	metrics := prometheusmetrics.New()
	configurePool := []func(*pgxpool.Config){health.Trace}
	if vals.Prometheus.CollectDBMetrics.Value() {
		configurePool = append(configurePool, metrics.TraceQueries())
	}
	pool, err := database.Open(ctx, pgURL, configurePool...)
	if err != nil {
		return err
	}
	metrics.RegisterPool(pool)
	// pgxpool's Close waits for every connection to be returned.
	steps.add("close database pool", func(context.Context) error { pool.Close(); return nil })
	// Pinging through the pool would wait behind a burst of requests and
	// call a busy database down (503 for everyone); ping on a connection
	// of its own.
	pinger, err := database.NewDedicatedPinger(pgURL)
	if err != nil {
		return xerrors.Errorf("parse postgres url: %w", err)
	}
	steps.add("close database health connection", func(context.Context) error { pinger.Close(); return nil })
	healthCtx, stopHealth := context.WithCancel(context.WithoutCancel(ctx))
	steps.add("stop database health monitor", func(context.Context) error { stopHealth(); return nil })
	go health.Run(healthCtx, pinger.Ping)
	if err := migrations.Up(ctx, pool); err != nil {
		return xerrors.Errorf("migrate database: %w", err)
	}

	ps, err := pubsub.New(ctx, logger.Named("pubsub"), pool, pgURL)
	if err != nil {
		return err
	}
	steps.add("close pubsub", func(context.Context) error { return ps.Close() })
	metrics.RegisterPubsub(ps)

	replicaID, _, releaseReplicaID, err := claimReplicaID(vals.ConfigDir.Value())
	if err != nil {
		return err
	}
	steps.add("release replica id", func(context.Context) error { releaseReplicaID(); return nil })

	api, err := coderd.New(ctx, &coderd.Options{
		ReplicaID:         replicaID,
		Logger:            logger,
		Database:          database.NewStore(pool),
		DatabaseHealth:    health,
		Pubsub:            ps,
		AccessURL:         vals.AccessURL.Value(),
		DeploymentValues:  vals,
		DeploymentOptions: inv.Command.Options,
		SwaggerDoc:        apidoc.SwaggerJSON,
		AgentBinaryPath:   agentBinaryPath(logger),
		Metrics:           metrics,
	})
	if err != nil {
		return err
	}

	// Registered before the daemons start and marked stopped after they
	// have settled their jobs (steps run newest first). It heartbeats
	// while requests drain, so that no other replica takes this one for
	// lost while its daemons still run.
	if err := api.Replicas.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	steps.add("mark replica stopped", api.Replicas.Close)
	stopDaemons, err := api.StartProvisionerDaemons(ctx, coderd.ProvisionerDaemonsOptions{
		Count:            int(vals.Provisioner.Daemons.Value()),
		WorkDir:          filepath.Join(vals.CacheDir.Value(), "provisioner"),
		TerraformPath:    vals.Provisioner.TerraformPath.Value(),
		CacheDir:         vals.CacheDir.Value(),
		PrepareTerraform: true,

		TerraformProvidersDir:     vals.Provisioner.TerraformProvidersDir.Value(),
		TerraformOffline:          vals.Provisioner.TerraformOffline.Value(),
		TerraformNetworkMirrorURL: vals.Provisioner.TerraformNetworkMirrorURL.Value(),
		TerraformPluginCacheDir:   vals.Provisioner.TerraformPluginCacheDir.Value(),
	})
	if err != nil {
		return err
	}
	// Before the pubsub and the pool close: a daemon completes its job.
	steps.add("stop provisioner daemons", func(context.Context) error { stopDaemons(); return nil })

	// Agents' batch writers and presence; stopping ends their connections
	// (each records its disconnect) so they reconnect elsewhere.
	stopAgents := api.StartAgents(ctx)
	steps.add("close agent connections", func(context.Context) error { stopAgents(); return nil })

	if interval := vals.AutobuildPollInterval.Value(); interval > 0 {
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		go api.RunLifecycleExecutor(ctx, ticker.C, dbtime.Now)
	}

	if vals.Prometheus.Enable.Value() {
		stop, err := serveIntrospection(ctx, inv.Stdout, logger, "prometheus", PrometheusLinePrefix, vals.Prometheus.Address.String(), metrics.Handler())
		if err != nil {
			return err
		}
		steps.add("stop prometheus listener", stop)
		refreshCtx, stopRefresh := context.WithCancel(context.WithoutCancel(ctx))
		steps.add("stop metrics refresh", func(context.Context) error { stopRefresh(); return nil })
		go metrics.RunPeriodic(refreshCtx, api.Database, logger.Named("metrics"), vals.Prometheus.RefreshInterval.Value())
	}
	if vals.Pprof.Enable.Value() {
		stop, err := serveIntrospection(ctx, inv.Stdout, logger, "pprof", PprofLinePrefix, vals.Pprof.Address.String(), pprofHandler())
		if err != nil {
			return err
		}
		steps.add("stop pprof listener", stop)
	}

	srv := &http.Server{
		Handler: secureTransport(api),
		// Headers and idle keep-alive connections are bounded here; the
		// body and the response have per-request deadlines in the API
		// (httpmw.RequestTimeouts), because ReadTimeout and WriteTimeout
		// would also cut off watch streams and websockets.
		ReadHeaderTimeout: 30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	serveErr := make(chan error, 2)
	listeners.serve(srv, serveErr)

	for _, line := range listeners.startedLines() {
		_, _ = fmt.Fprintln(inv.Stdout, line)
	}
	_, _ = fmt.Fprintf(inv.Stdout, "View the API at %s\n", vals.AccessURL.String())
	logger.Info(ctx, "server started", slog.F("listeners", listeners.startedLines()), slog.F("access_url", vals.AccessURL.String()))

	select {
	case <-ctx.Done():
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			return xerrors.Errorf("serve http: %w", err)
		}
	}

	logger.Info(context.Background(), "shutting down: draining in-flight requests", slog.F("grace", vals.ShutdownGrace.String()))
	grace := vals.ShutdownGrace.Value()
	var cancel context.CancelFunc
	shutdownCtx, cancel = context.WithTimeout(context.Background(), grace)
	defer cancel()
	// Requests get the grace period less a part kept for stopping the
	// daemons, the pubsub and the database.
	drainCtx, cancelDrain := context.WithTimeout(shutdownCtx, grace-min(grace/3, 5*time.Second))
	defer cancelDrain()
	if err := srv.Shutdown(drainCtx); err != nil {
		logger.Warn(context.Background(), "grace period over, closing remaining connections", slog.Error(err))
		_ = srv.Close()
	}
	steps.run(shutdownCtx, logger)
	steps = nil
	logger.Info(context.Background(), "stopped")
	return nil
}

// shutdownSteps are the closes of what runServer started, run last added
// first.
type shutdownSteps []shutdownStep

type shutdownStep struct {
	name string
	fn   func(context.Context) error
	// mustFinish steps are waited for after the deadline too; they must
	// bound themselves.
	mustFinish bool
}

func (s *shutdownSteps) add(name string, fn func(context.Context) error) {
	*s = append(*s, shutdownStep{name: name, fn: fn})
}

func (s *shutdownSteps) addMustFinish(name string, fn func(context.Context) error) {
	*s = append(*s, shutdownStep{name: name, fn: fn, mustFinish: true})
}

// run runs the steps, newest first. A step still running when ctx is done
// is left behind (the process is about to exit) and the next one starts,
// so that a database gone silent cannot hold the shutdown.
func (s shutdownSteps) run(ctx context.Context, logger slog.Logger) {
	for i := len(s) - 1; i >= 0; i-- {
		step := s[i]
		done := make(chan error, 1)
		go func() { done <- step.fn(ctx) }()
		var err error
		if step.mustFinish {
			err = <-done
		} else {
			select {
			case err = <-done:
			case <-ctx.Done():
				logger.Warn(context.Background(), "shutdown step did not finish within the grace period; going on without it", slog.F("step", step.name))
				continue
			}
		}
		if err != nil {
			logger.Error(context.Background(), "shutdown step failed", slog.F("step", step.name), slog.Error(err))
		}
	}
}

// fillDirectoryDefaults picks per-user state directories. Root gets
// /var/lib/coderv2 because the built-in PostgreSQL runs as the postgres user,
// which cannot enter /root.
func fillDirectoryDefaults(vals *codersdk.DeploymentValues) error {
	if vals.ConfigDir.Value() == "" {
		dir := "/var/lib/coderv2"
		if os.Geteuid() != 0 {
			base, err := os.UserConfigDir()
			if err != nil {
				return xerrors.Errorf("find a config directory (set --config-dir): %w", err)
			}
			dir = filepath.Join(base, "coderv2")
		}
		if err := vals.ConfigDir.Set(dir); err != nil {
			return err
		}
	}
	if vals.CacheDir.Value() == "" {
		dir := "/var/cache/coder"
		if os.Geteuid() != 0 {
			base, err := os.UserCacheDir()
			if err != nil {
				return xerrors.Errorf("find a cache directory (set --cache-dir): %w", err)
			}
			dir = filepath.Join(base, "coder")
		}
		if err := vals.CacheDir.Set(dir); err != nil {
			return err
		}
	}
	for _, d := range []string{vals.ConfigDir.Value(), vals.CacheDir.Value()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return xerrors.Errorf("create %s: %w", d, err)
		}
	}
	return nil
}

// checkTerraformOptions refuses option values Terraform would ignore
// without a word.
func checkTerraformOptions(vals *codersdk.DeploymentValues) error {
	mirror := vals.Provisioner.TerraformNetworkMirrorURL.Value()
	if mirror == "" {
		return nil
	}
	if vals.Provisioner.TerraformOffline.Value() {
		return xerrors.New("--terraform-offline and --terraform-network-mirror-url exclude each other: offline, providers come only from --terraform-providers-dir")
	}
	if _, err := terraform.ValidateNetworkMirrorURL(mirror); err != nil {
		return xerrors.Errorf("--terraform-network-mirror-url: %w", err)
	}
	return nil
}

// buildLogger writes human logs unless only JSON was asked for.
func buildLogger(inv *serpent.Invocation, vals *codersdk.DeploymentValues) (slog.Logger, func(), error) {
	var (
		sinks   []slog.Sink
		closers []io.Closer
	)
	open := func(path string) (io.Writer, error) {
		switch path {
		case "/dev/stderr":
			return inv.Stderr, nil
		case "/dev/stdout":
			return inv.Stdout, nil
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
		if err != nil {
			return nil, xerrors.Errorf("open log file: %w", err)
		}
		closers = append(closers, f)
		return f, nil
	}

	humanOpt := inv.Command.Options.ByFlag("log-human")
	humanPath := vals.Logging.Human.Value()
	jsonPath := vals.Logging.JSON.Value()
	if jsonPath != "" && humanOpt != nil && humanOpt.ValueSource == serpent.ValueSourceDefault {
		humanPath = ""
	}
	if humanPath != "" {
		w, err := open(humanPath)
		if err != nil {
			return slog.Logger{}, nil, err
		}
		sinks = append(sinks, sloghuman.Sink(w))
	}
	if jsonPath != "" {
		w, err := open(jsonPath)
		if err != nil {
			return slog.Logger{}, nil, err
		}
		sinks = append(sinks, slogjson.Sink(w))
	}
	logger := slog.Make(sinks...)
	if vals.Verbose.Value() {
		logger = logger.Leveled(slog.LevelDebug)
	}
	return logger, func() {
		for _, c := range closers {
			_ = c.Close()
		}
	}, nil
}

// agentBinaryPath is this executable, served to workspaces as the agent.
func agentBinaryPath(logger slog.Logger) string {
	path, err := os.Executable()
	if err != nil {
		logger.Warn(context.Background(), "cannot find this executable; workspaces cannot download the agent", slog.Error(err))
		return ""
	}
	return path
}
