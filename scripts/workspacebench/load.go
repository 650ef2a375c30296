package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"regexp"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/codersdk"
)

// result is one run: one caller, one page size, many clients.
type result struct {
	scenario   string
	workspaces int
	caller     string
	limit      int
	offered    float64 // requests/s offered by an open loop; 0 for a closed loop
	rows       int     // workspaces on each page
	bytes      int     // size of a page's body
	requests   int
	errors     int
	elapsed    time.Duration
	latencies  []time.Duration // sorted
	// others is how many cores other processes on the machine kept busy
	// during the run (-1: unknown); they slow every number here.
	others float64
}

func (r result) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.latencies))*p+0.999999) - 1
	return r.latencies[max(0, min(i, len(r.latencies)-1))]
}

func runScenario(ctx context.Context, cfg config, adminURL string, sc scenario) ([]result, error) {
	_, _ = fmt.Fprintf(os.Stderr, "scenario %s: %d users × %d workspaces, plus the member's 1\n", sc.name, sc.users, sc.workspacesPerUser)
	s, err := startServer(ctx, adminURL, databaseName(sc), cfg.queryStats || cfg.explain, cfg.keepDB)
	if err != nil {
		return nil, err
	}
	defer s.close()
	data, err := seed(ctx, s, sc, cfg.seedWorkers)
	if err != nil {
		return nil, err
	}
	// Fresh statistics, as autovacuum would have gathered by now on a
	// deployment that grew to this size.
	if _, err := s.pool.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		return nil, xerrors.Errorf("vacuum analyze: %w", err)
	}
	pgStats := false
	if cfg.queryStats {
		_, err := s.pool.Exec(ctx, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
		pgStats = err == nil
		if err != nil {
			_, _ = fmt.Fprintln(os.Stderr, "  no pg_stat_statements (it must be preloaded):", err)
		}
	}

	if cfg.cpuProfile != "" {
		f, err := os.Create(cfg.cpuProfile + "-" + sc.name + ".pprof")
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}

	if cfg.hold > 0 {
		_, _ = fmt.Fprintf(os.Stderr, "  serving %s for %s\n  owner token:  %s\n  member token: %s\n",
			s.url, cfg.hold, data.owner.SessionToken(), data.member.SessionToken())
		select {
		case <-ctx.Done():
		case <-time.After(cfg.hold):
		}
		return nil, nil
	}
	if cfg.baseline {
		target := s.url.String() + "/api/v2/users/me"
		if _, err := load(ctx, target, data.member.SessionToken(), cfg.clients, cfg.warmup, 0); err != nil {
			return nil, err
		}
		m, err := load(ctx, target, data.member.SessionToken(), cfg.clients, cfg.duration, 0)
		if err != nil {
			return nil, err
		}
		b := result{requests: m.requests, elapsed: m.elapsed, latencies: m.latencies}
		_, _ = fmt.Fprintf(os.Stderr, "  baseline: GET /api/v2/users/me as the member: %.1f req/s  p50 %s  p99 %s  errors %d\n",
			b.rate(), ms(b.percentile(.5)), ms(b.percentile(.99)), m.errors)
	}

	callers := []struct {
		name   string
		client *codersdk.Client
		sees   int
	}{{"owner", data.owner, data.workspaces}, {"member", data.member, 1}}
	var out []result
	for _, c := range callers {
		if !cfg.callers[c.name] {
			continue
		}
		for _, limit := range cfg.limits {
			for _, offered := range cfg.offered {
				r := result{scenario: sc.name, workspaces: data.workspaces, caller: c.name, limit: limit, offered: offered}
				target := fmt.Sprintf("%s/api/v2/workspaces?limit=%d", s.url, limit)
				if err := checkPage(ctx, target, c.client.SessionToken(), c.sees, min(limit, c.sees), &r); err != nil {
					return nil, xerrors.Errorf("%s, limit %d: %w", c.name, limit, err)
				}
				if cfg.warmup > 0 {
					if _, err := load(ctx, target, c.client.SessionToken(), cfg.clients, cfg.warmup, offered); err != nil {
						return nil, err
					}
				}
				if s.tracer != nil {
					s.tracer.reset()
				}
				if pgStats {
					if _, err := s.pool.Exec(ctx, "SELECT pg_stat_statements_reset()"); err != nil {
						return nil, err
					}
				}
				before := sampleCPU()
				m, err := load(ctx, target, c.client.SessionToken(), cfg.clients, cfg.duration, offered)
				if err != nil {
					return nil, xerrors.Errorf("%s, limit %d: %w", c.name, limit, err)
				}
				r.requests, r.errors, r.elapsed, r.latencies = m.requests, m.errors, m.elapsed, m.latencies
				r.others = othersCores(before, sampleCPU(), m.elapsed)
				out = append(out, r)
				_, _ = fmt.Fprintf(os.Stderr, "  %-6s limit=%-3d offered %-6s %7.1f req/s  p50 %s  p99 %s  errors %d  others' CPU %s\n",
					c.name, limit, r.offeredString(), r.rate(), ms(r.percentile(.5)), ms(r.percentile(.99)), r.errors, r.othersString())
				if s.tracer != nil {
					if cfg.queryStats {
						_, _ = fmt.Fprintln(os.Stderr, "    as the server's pool saw them (wall time, including waits):")
						s.tracer.print(os.Stderr, r.requests)
					}
					if pgStats {
						printPGStats(ctx, s.pool, r)
					}
					if cfg.explain {
						explain(ctx, s.pool, s.tracer)
					}
				}
			}
		}
	}
	return out, nil
}

func (r result) rate() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r result) offeredString() string {
	if r.offered == 0 {
		return "closed"
	}
	return fmt.Sprintf("%g/s", r.offered)
}

// checkPage asks for one page and checks it shows what the caller may see.
func checkPage(ctx context.Context, target, token string, count, rows int, r *result) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	req.Header.Set(codersdk.SessionTokenHeader, token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return xerrors.Errorf("status %d: %s", res.StatusCode, body)
	}
	var page codersdk.WorkspacesResponse
	if err := json.Unmarshal(body, &page); err != nil {
		return err
	}
	if page.Count != count || len(page.Workspaces) != rows {
		return xerrors.Errorf("the page has %d of %d workspaces; want %d of %d", len(page.Workspaces), page.Count, rows, count)
	}
	r.rows, r.bytes = len(page.Workspaces), len(body)
	return nil
}

type measured struct {
	requests, errors int
	elapsed          time.Duration
	latencies        []time.Duration
}

// load runs clients goroutines, each sending one request after the other
// for d, over keep-alive connections, and reading every body in full.
// load runs clients that GET target for d. With rate 0 each client sends
// its next request as soon as it has read the previous body (a closed
// loop). Otherwise the clients together offer rate requests/s, each on its
// own schedule, and a latency counts from when the request was due, so a
// server that falls behind is charged for the wait (an open loop).
func load(ctx context.Context, target, token string, clients int, d time.Duration, rate float64) (measured, error) {
	transport := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: time.Minute}
	var (
		mu       sync.Mutex
		m        measured
		firstErr error
		wg       sync.WaitGroup
	)
	start := time.Now()
	end := start.Add(d)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 1024)
			errs := 0
			var clientErr error
			var interval time.Duration
			due := time.Now()
			if rate > 0 {
				interval = time.Duration(float64(clients) / rate * float64(time.Second))
				due = due.Add(time.Duration(rand.Int64N(int64(interval) + 1)))
			}
			for time.Now().Before(end) && ctx.Err() == nil {
				t0 := time.Now()
				if rate > 0 {
					time.Sleep(time.Until(due))
					t0 = due
					due = due.Add(interval)
				}
				err := get(ctx, client, target, token)
				lat = append(lat, time.Since(t0))
				if err != nil {
					errs++
					if clientErr == nil {
						clientErr = err
					}
				}
			}
			mu.Lock()
			m.latencies = append(m.latencies, lat...)
			m.errors += errs
			if firstErr == nil {
				firstErr = clientErr
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	m.elapsed = time.Since(start)
	m.requests = len(m.latencies)
	sort.Slice(m.latencies, func(i, j int) bool { return m.latencies[i] < m.latencies[j] })
	if ctx.Err() != nil {
		return m, ctx.Err()
	}
	if m.errors == m.requests {
		return m, xerrors.Errorf("every request failed; the first: %w", firstErr)
	}
	if firstErr != nil {
		_, _ = fmt.Fprintf(os.Stderr, "  %d of %d requests failed; the first: %v\n", m.errors, m.requests, firstErr)
	}
	return m, nil
}

func get(ctx context.Context, client *http.Client, target, token string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return err
	}
	req.Header.Set(codersdk.SessionTokenHeader, token)
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if _, err := io.Copy(io.Discard, res.Body); err != nil {
		return err
	}
	if res.StatusCode != http.StatusOK {
		return xerrors.Errorf("status %d", res.StatusCode)
	}
	return nil
}

func (r result) othersString() string {
	if r.others < 0 {
		return "?"
	}
	return strconv.FormatFloat(r.others, 'f', 2, 64) + " cores"
}

func ms(d time.Duration) string {
	return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
}

func printTable(w io.Writer, results []result) {
	_, _ = fmt.Fprintln(w, "| workspaces | caller | limit | rows | page size | offered | requests/s | p50 | p90 | p99 | max | errors | others' CPU |")
	_, _ = fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range results {
		_, _ = fmt.Fprintf(w, "| %d | %s | %d | %d | %.1f KiB | %s | %.1f | %s | %s | %s | %s | %d | %s |\n",
			r.workspaces, r.caller, r.limit, r.rows, float64(r.bytes)/1024, r.offeredString(), r.rate(),
			ms(r.percentile(.5)), ms(r.percentile(.9)), ms(r.percentile(.99)), ms(r.percentile(1)), r.errors, r.othersString())
	}
}

// statementTracer sums, per sqlc query name, how often the pool ran a
// statement and for how long, and keeps the last list query to EXPLAIN.
type statementTracer struct {
	mu    sync.Mutex
	stats map[string]*statementStat
	list  *pgx.TraceQueryStartData
}

type statementStat struct {
	count int
	total time.Duration
}

type traceStart struct{}

type traceInfo struct {
	name  string
	start time.Time
}

func newStatementTracer() *statementTracer {
	return &statementTracer{stats: map[string]*statementStat{}}
}

var sqlcName = regexp.MustCompile(`^-- name: (\w+)`)

func statementName(sql string) string {
	sql = strings.TrimSpace(sql)
	if m := sqlcName.FindStringSubmatch(sql); m != nil {
		return m[1]
	}
	line, _, _ := strings.Cut(sql, "\n")
	return line
}

func (t *statementTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	name := statementName(data.SQL)
	if name == "GetAuthorizedWorkspaces" {
		t.mu.Lock()
		d := data
		t.list = &d
		t.mu.Unlock()
	}
	return context.WithValue(ctx, traceStart{}, traceInfo{name: name, start: time.Now()})
}

// The server sends some statements in a batch behind a plan setting
// (database.genericPlanStatements): the batch's time is its last
// statement's.
func (t *statementTracer) TraceBatchStart(ctx context.Context, conn *pgx.Conn, data pgx.TraceBatchStartData) context.Context {
	queued := data.Batch.QueuedQueries
	if len(queued) == 0 {
		return ctx
	}
	last := queued[len(queued)-1]
	return t.TraceQueryStart(ctx, conn, pgx.TraceQueryStartData{SQL: last.SQL, Args: last.Arguments})
}

func (*statementTracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (t *statementTracer) TraceBatchEnd(ctx context.Context, conn *pgx.Conn, _ pgx.TraceBatchEndData) {
	t.TraceQueryEnd(ctx, conn, pgx.TraceQueryEndData{})
}

func (t *statementTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryEndData) {
	info, ok := ctx.Value(traceStart{}).(traceInfo)
	if !ok {
		return
	}
	d := time.Since(info.start)
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.stats[info.name]
	if s == nil {
		s = &statementStat{}
		t.stats[info.name] = s
	}
	s.count++
	s.total += d
}

func (t *statementTracer) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stats = map[string]*statementStat{}
}

// print lists statements by total time, with their count per request and
// mean duration (which includes waiting on the connection's turn on the
// CPU, not for a connection from the pool).
func (t *statementTracer) print(w io.Writer, requests int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	names := make([]string, 0, len(t.stats))
	var total time.Duration
	for n, s := range t.stats {
		names = append(names, n)
		total += s.total
	}
	sort.Slice(names, func(i, j int) bool { return t.stats[names[i]].total > t.stats[names[j]].total })
	_, _ = fmt.Fprintf(w, "    %-45s %9s %10s %7s\n", "statement", "per req", "mean", "share")
	for _, n := range names {
		s := t.stats[n]
		_, _ = fmt.Fprintf(w, "    %-45s %9.2f %10s %6.1f%%\n", n, float64(s.count)/float64(max(requests, 1)),
			ms(s.total/time.Duration(s.count)), 100*float64(s.total)/float64(max(total, 1)))
	}
}

// printPGStats lists the statements PostgreSQL spent the most time
// executing during the run.
func printPGStats(ctx context.Context, pool *pgxpool.Pool, r result) {
	rows, err := pool.Query(ctx, `SELECT calls, total_exec_time, query FROM pg_stat_statements
		WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
		ORDER BY total_exec_time DESC LIMIT 12`)
	if err != nil {
		_, _ = fmt.Fprintln(os.Stderr, "    pg_stat_statements:", err)
		return
	}
	defer rows.Close()
	_, _ = fmt.Fprintf(os.Stderr, "    as PostgreSQL executed them (pg_stat_statements), %.0f s of wall time:\n", r.elapsed.Seconds())
	_, _ = fmt.Fprintf(os.Stderr, "    %-45s %9s %10s %12s\n", "statement", "per req", "mean", "total")
	for rows.Next() {
		var (
			calls int64
			total float64
			query string
		)
		if err := rows.Scan(&calls, &total, &query); err != nil {
			_, _ = fmt.Fprintln(os.Stderr, "    pg_stat_statements:", err)
			return
		}
		_, _ = fmt.Fprintf(os.Stderr, "    %-45s %9.2f %7.2f ms %9.0f ms\n", statementName(query),
			float64(calls)/float64(max(r.requests, 1)), total/float64(max(calls, 1)), total)
	}
}

// explain runs EXPLAIN ANALYZE of the last list query with its arguments
// (a plan made for those values), then times the query on one connection
// on its generic plan, as the server runs it, and planned for each
// execution, to show what planning would cost.
func explain(ctx context.Context, pool *pgxpool.Pool, t *statementTracer) {
	t.mu.Lock()
	list := t.list
	t.mu.Unlock()
	if list == nil {
		return
	}
	defer timePlanModes(ctx, pool, list)
	rows, err := pool.Query(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+list.SQL, list.Args...)
	if err != nil {
		_, _ = fmt.Fprintln(os.Stderr, "    explain:", err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			_, _ = fmt.Fprintln(os.Stderr, "    explain:", err)
			return
		}
		_, _ = fmt.Fprintln(os.Stderr, "    "+line)
	}
}

func timePlanModes(ctx context.Context, pool *pgxpool.Pool, list *pgx.TraceQueryStartData) {
	pooled, err := pool.Acquire(ctx)
	if err != nil {
		return
	}
	// Taken out of the pool for good: the session setting must not leak
	// into the server's connections.
	conn := pooled.Hijack()
	defer conn.Close(ctx)
	for _, mode := range []string{"force_generic_plan", "force_custom_plan"} {
		if _, err := conn.Exec(ctx, "SET plan_cache_mode = "+mode); err != nil {
			_, _ = fmt.Fprintln(os.Stderr, "    plan_cache_mode:", err)
			return
		}
		const warm, runs = 6, 20
		var total time.Duration
		for i := range warm + runs {
			start := time.Now()
			rows, err := conn.Query(ctx, list.SQL, list.Args...)
			if err != nil {
				_, _ = fmt.Fprintln(os.Stderr, "    plan_cache_mode:", err)
				return
			}
			rows.Close()
			if i >= warm {
				total += time.Since(start)
			}
		}
		_, _ = fmt.Fprintf(os.Stderr, "    list query on one connection, plan_cache_mode=%s: %s per run\n", mode, ms(total/runs))
	}
}
