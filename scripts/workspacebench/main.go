// Command workspacebench measures GET /api/v2/workspaces under concurrent
// load, as the owner (who sees every workspace) and as a member (who owns
// one), on a server started in this process against a real PostgreSQL.
//
//	go run ./scripts/workspacebench --scenario all
//
// For each scenario it creates a fresh database, starts the API with one
// in-process echo daemon, creates the template, the member and the member's
// workspace through the API (a real import and a real build), then clones
// that build for every seeded workspace straight through the store, since
// building 20,000 workspaces one by one would take far longer than the
// measurement. Then, for each caller and page size, many clients list
// workspaces for a fixed time and the latencies they saw are printed.
//
// Results go in docs/performance.md ("Workspace list under load").
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"time"

	"golang.org/x/xerrors"
)

type scenario struct {
	name              string
	users             int
	workspacesPerUser int
}

// presets are the scenarios of the issue: many users with a workspace each,
// and few users with many workspaces each.
var presets = []scenario{
	{name: "users", users: 2000, workspacesPerUser: 1},
	{name: "workspaces", users: 100, workspacesPerUser: 200},
}

type config struct {
	scenarios   []scenario
	clients     int
	duration    time.Duration
	warmup      time.Duration
	limits      []int
	offered     []float64
	callers     map[string]bool
	postgresURL string
	seedWorkers int
	cpuProfile  string
	queryStats  bool
	explain     bool
	keepDB      bool
	baseline    bool
	hold        time.Duration
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		_, _ = fmt.Fprintln(os.Stderr, "workspacebench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		_, _ = fmt.Fprintln(os.Stderr, "workspacebench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("workspacebench", flag.ContinueOnError)
	var (
		cfg      config
		name     = fs.String("scenario", "", `"users" (2,000 users × 1 workspace), "workspaces" (100 users × 200 workspaces), or "all"; empty runs --users × --workspaces-per-user`)
		users    = fs.Int("users", 2000, "users that own workspaces, besides the owner and the measured member (with --scenario empty)")
		perUser  = fs.Int("workspaces-per-user", 1, "workspaces of each of those users (with --scenario empty)")
		limitStr = fs.String("limits", "25,100", "page sizes to request, comma separated")
		callers  = fs.String("callers", "owner,member", "who lists workspaces: owner, member, or both, comma separated")
		rateStr  = fs.String("rates", "", "request rates (per second, all clients together) to offer in an open loop, comma separated; 0, or an empty list, is a closed loop, each client sending as soon as it has its previous answer")
	)
	fs.IntVar(&cfg.clients, "clients", 50, "concurrent clients")
	fs.DurationVar(&cfg.duration, "duration", 10*time.Second, "measured time of each run")
	fs.DurationVar(&cfg.warmup, "warmup", 2*time.Second, "unmeasured load before each run")
	fs.StringVar(&cfg.postgresURL, "postgres-url", "", "an existing PostgreSQL whose role may CREATE DATABASE; empty starts a private built-in one")
	fs.IntVar(&cfg.seedWorkers, "seed-workers", runtime.NumCPU(), "concurrent seeding transactions")
	fs.StringVar(&cfg.cpuProfile, "cpuprofile", "", "write a CPU profile of each scenario's measured runs to <file>-<scenario>.pprof")
	fs.BoolVar(&cfg.queryStats, "query-stats", false, "print, for each run, per-statement counts and time from the server's pool and from pg_stat_statements (private PostgreSQL only)")
	fs.DurationVar(&cfg.hold, "hold", 0, "instead of the built-in runs, serve each seeded scenario this long and print its URL and the callers' tokens, for an external load tool such as wrk")
	fs.BoolVar(&cfg.baseline, "baseline", false, "first load GET /api/v2/users/me as the member, the cheapest authenticated request, to show what the stack costs before the list's own work")
	fs.BoolVar(&cfg.keepDB, "keep-database", false, "leave each scenario's seeded database in place (with --postgres-url) and print its URL, to study queries on it afterwards")
	fs.BoolVar(&cfg.explain, "explain", false, "after each run, print EXPLAIN ANALYZE of the last list query it ran")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	switch *name {
	case "":
		if *users < 0 || *perUser < 0 {
			return cfg, xerrors.New("--users and --workspaces-per-user must not be negative")
		}
		cfg.scenarios = []scenario{{name: fmt.Sprintf("%dx%d", *users, *perUser), users: *users, workspacesPerUser: *perUser}}
	case "all":
		cfg.scenarios = presets
	default:
		for _, p := range presets {
			if p.name == *name {
				cfg.scenarios = []scenario{p}
			}
		}
		if cfg.scenarios == nil {
			return cfg, xerrors.Errorf("unknown --scenario %q", *name)
		}
	}
	for _, s := range strings.Split(*limitStr, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return cfg, xerrors.Errorf("bad page size %q in --limits", s)
		}
		cfg.limits = append(cfg.limits, n)
	}
	for _, f := range strings.Split(*rateStr, ",") {
		if strings.TrimSpace(f) == "" {
			continue
		}
		r, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || r < 0 {
			return cfg, xerrors.Errorf("bad rate %q in --rates", f)
		}
		cfg.offered = append(cfg.offered, r)
	}
	cfg.callers = map[string]bool{}
	for _, c := range strings.Split(*callers, ",") {
		c = strings.TrimSpace(c)
		if c != "owner" && c != "member" {
			return cfg, xerrors.Errorf("unknown caller %q in --callers", c)
		}
		cfg.callers[c] = true
	}
	if len(cfg.offered) == 0 {
		cfg.offered = []float64{0}
	}
	if cfg.clients <= 0 || cfg.duration <= 0 || cfg.seedWorkers <= 0 {
		return cfg, xerrors.New("--clients, --duration and --seed-workers must be positive")
	}
	return cfg, nil
}

func run(ctx context.Context, cfg config) error {
	adminURL := cfg.postgresURL
	if adminURL == "" {
		var settings map[string]string
		if cfg.queryStats {
			settings = map[string]string{"shared_preload_libraries": "pg_stat_statements"}
		}
		pg, err := startPostgres(ctx, settings)
		if err != nil {
			return err
		}
		defer pg.close()
		adminURL = pg.url
	}
	fmt.Printf("# workspacebench: %d clients, %s per run (after %s warm-up), GOMAXPROCS=%d, %s\n",
		cfg.clients, cfg.duration, cfg.warmup, runtime.GOMAXPROCS(0), time.Now().UTC().Format("2006-01-02"))
	var all []result
	for _, sc := range cfg.scenarios {
		res, err := runScenario(ctx, cfg, adminURL, sc)
		if err != nil {
			return xerrors.Errorf("scenario %s: %w", sc.name, err)
		}
		all = append(all, res...)
	}
	fmt.Println()
	printTable(os.Stdout, all)
	return nil
}
