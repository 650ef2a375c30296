package coderd_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtestutil"
	"github.com/devplane/devplane/database/pubsub"
)

// auditBenchRows is how many audit rows BenchmarkAuditLogQuery seeds.
const auditBenchRows = 1_000_000

// seedAuditLogs fills audit_logs with n rows shaped like a busy deployment's
// year: mostly builds and workspace changes and logins, 1,000 actors (and
// the system), three organizations, 20,000 resources, spread over 365 days.
// It is one INSERT … SELECT over generate_series: the server writes rows one
// request at a time, which would take hours for a million.
func seedAuditLogs(ctx context.Context, pool *pgxpool.Pool, n int, orgs []string) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	// The test cluster commits asynchronously; a production one does not,
	// and VACUUM can mark a page all-visible (which index-only scans rely
	// on) only once the commit that wrote it is flushed.
	if _, err := conn.Exec(ctx, `SET synchronous_commit = on`); err != nil {
		return err
	}
	_, err = conn.Exec(ctx, `
INSERT INTO users (id, email, username, created_at, updated_at)
SELECT gen_random_uuid(), 'user' || i || '@bench.example.com', 'benchuser' || i, now(), now()
FROM generate_series(1, 1000) AS i`)
	if err != nil {
		return fmt.Errorf("seed users: %w", err)
	}
	_, err = conn.Exec(ctx, `
WITH actors AS (SELECT array_agg(id ORDER BY username) AS ids FROM users WHERE username LIKE 'benchuser%'),
resources AS (SELECT array_agg(gen_random_uuid()) AS ids FROM generate_series(1, 20000))
INSERT INTO audit_logs (id, "time", user_id, organization_id, ip, user_agent, resource_type, resource_id,
    resource_target, action, diff, status_code, additional_fields, request_id, build_reason)
SELECT gen_random_uuid(),
    now() - random() * interval '365 days',
    CASE WHEN r.sys < 0.05 THEN NULL ELSE actors.ids[1 + (r.u * 1000)::int % 1000] END,
    CASE WHEN r.o < 0.8 THEN $2::uuid WHEN r.o < 0.9 THEN $3::uuid ELSE $4::uuid END,
    '10.0.0.1'::inet, 'bench', t.typ, resources.ids[1 + r.res], 'res-' || r.res,
    CASE t.typ
        WHEN 'workspace_build' THEN (ARRAY['start', 'stop', 'stop', 'delete'])[1 + (r.a * 4)::int % 4]
        WHEN 'api_key' THEN (ARRAY['login', 'login', 'logout', 'create'])[1 + (r.a * 4)::int % 4]
        ELSE (ARRAY['create', 'write', 'write', 'delete'])[1 + (r.a * 4)::int % 4]
    END,
    '{}', CASE WHEN r.s < 0.05 THEN 403 ELSE 200 END, '{}', gen_random_uuid(),
    CASE WHEN t.typ = 'workspace_build'
        THEN (ARRAY['initiator', 'initiator', 'autostart', 'autostop', 'dormancy'])[1 + (r.b * 5)::int % 5] END
FROM generate_series(1, $1::int) AS g,
    LATERAL (SELECT random() AS sys, random() AS u, random() AS o, random() AS t, random() AS a, random() AS s,
        random() AS b, (random() * 19999)::int AS res, g AS dummy) AS r,
    LATERAL (SELECT CASE
        WHEN r.t < 0.40 THEN 'workspace_build' WHEN r.t < 0.60 THEN 'workspace' WHEN r.t < 0.75 THEN 'api_key'
        WHEN r.t < 0.85 THEN 'user' WHEN r.t < 0.90 THEN 'template' WHEN r.t < 0.95 THEN 'template_version'
        WHEN r.t < 0.98 THEN 'group' ELSE 'organization' END AS typ) AS t,
    actors, resources`, n, orgs[0], orgs[1], orgs[2])
	if err != nil {
		return fmt.Errorf("seed audit logs: %w", err)
	}
	// What autovacuum would have done by the time a table is this big: the
	// planner's statistics and the visibility map index-only counts use.
	_, err = conn.Exec(ctx, `VACUUM ANALYZE audit_logs`)
	return err
}

// BenchmarkAuditLogQuery measures GET /api/v2/audit over HTTP, as the owner
// and as an organization auditor, on a million audit rows. Each case runs
// b.N requests one after another and reports the median and 99th
// percentile latency; the count is part of every answer.
//
//	go test -run '^$' -bench BenchmarkAuditLogQuery -benchtime 200x ./coderd/
func BenchmarkAuditLogQuery(b *testing.B) {
	ctx := context.Background()
	dbURL := dbtestutil.Open(b)
	tracer := &auditQueryTimer{}
	pool, err := database.Open(ctx, dbURL, func(c *pgxpool.Config) { c.ConnConfig.Tracer = tracer })
	require.NoError(b, err)
	b.Cleanup(pool.Close)
	ps, err := pubsub.New(ctx, slog.Make(), pool, dbURL)
	require.NoError(b, err)
	b.Cleanup(func() { _ = ps.Close() })
	vals, _ := coderdtest.DeploymentValues(b)
	_ = vals.RateLimit.DisableAll.Set("true")
	api, err := coderd.New(ctx, &coderd.Options{
		Logger: slog.Make(), Database: database.NewStore(pool), Pubsub: ps,
		AccessURL: &url.URL{Scheme: "http", Host: "localhost"}, DeploymentValues: vals,
	})
	require.NoError(b, err)
	srv := &http.Server{Handler: api, ReadHeaderTimeout: time.Minute}
	client, stop := serveForBench(b, srv)
	defer stop()

	first := coderdtest.CreateFirstUser(b, client)
	orgIDs := []uuid.UUID{first.OrganizationID}
	for _, name := range []string{"bench-b", "bench-c"} {
		o, err := client.CreateOrganization(ctx, codersdk.CreateOrganizationRequest{Name: name})
		require.NoError(b, err)
		orgIDs = append(orgIDs, o.ID)
	}
	orgs := []string{orgIDs[0].String(), orgIDs[1].String(), orgIDs[2].String()}
	// The organization auditor of the smallest organization (10% of rows).
	orgAuditor, orgAuditorUser := coderdtest.CreateAnotherUser(b, client, orgIDs[2])
	_, err = client.UpdateOrganizationMemberRoles(ctx, orgIDs[2], orgAuditorUser.ID.String(),
		codersdk.UpdateRoles{Roles: []string{"organization-auditor"}})
	require.NoError(b, err)

	start := time.Now()
	require.NoError(b, seedAuditLogs(ctx, pool, auditBenchRows, orgs))
	b.Logf("seeded %d audit rows in %s", auditBenchRows, time.Since(start).Round(time.Second))

	var resourceID, target string
	require.NoError(b, pool.QueryRow(ctx, `SELECT resource_id::text, resource_target FROM audit_logs
		WHERE resource_type = 'workspace' LIMIT 1`).Scan(&resourceID, &target))
	week := time.Now().Add(-100 * 24 * time.Hour)
	cases := []struct {
		name   string
		caller *codersdk.Client
		q      string
		offset int
	}{
		{"none", client, "", 0},
		{"resource_type+action", client, "resource_type:workspace action:create", 0},
		{"action", client, "action:login", 0},
		{"username", client, "username:benchuser42", 0},
		{"email", client, "email:user42@bench.example.com", 0},
		{"resource_id+resource_type", client, "resource_id:" + resourceID + " resource_type:workspace", 0},
		{"resource_target", client, "resource_target:" + target, 0},
		{"created_in_a_week", client, fmt.Sprintf("resource_type:workspace action:create date_from:%d date_to:%d",
			week.Unix(), week.Add(7*24*time.Hour).Unix()), 0},
		{"build_reason", client, "build_reason:autostart", 0},
		{"organization", client, "organization:bench-b", 0},
		{"org_auditor", orgAuditor, "", 0},
		{"org_auditor+resource_type", orgAuditor, "resource_type:workspace_build action:start", 0},
		{"deep_page", client, "resource_type:workspace", 10_000},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			target := fmt.Sprintf("%s/api/v2/audit?limit=50&offset=%d&q=%s", client.URL, c.offset, url.QueryEscape(c.q))
			var count int64
			lat := make([]time.Duration, 0, b.N)
			tracer.reset()
			for b.Loop() {
				t0 := time.Now()
				res, err := c.caller.AuditLogs(ctx, codersdk.AuditLogsRequest{
					SearchQuery: c.q, Pagination: codersdk.Pagination{Limit: 50, Offset: c.offset},
				})
				lat = append(lat, time.Since(t0))
				require.NoError(b, err, target)
				count = res.Count
			}
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[(len(lat)*99)/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(count), "matched")
			// Of which the two audit queries, on average.
			b.ReportMetric(tracer.meanMillis(len(lat)), "db-ms")
		})
	}
}

// serveForBench serves srv on a local port and returns a client for it.
func serveForBench(b *testing.B, srv *http.Server) (*codersdk.Client, func()) {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	go func() { _ = srv.Serve(ln) }()
	u, err := url.Parse("http://" + ln.Addr().String())
	require.NoError(b, err)
	client := codersdk.New(u)
	return client, func() {
		_ = srv.Close()
		client.HTTPClient.CloseIdleConnections()
	}
}

// auditQueryTimer sums the time the pool spends in the two audit queries
// of GET /audit, to tell database time from the rest of a request.
type auditQueryTimer struct {
	mu    sync.Mutex
	total time.Duration
}

type auditQueryStart struct{}

func (t *auditQueryTimer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if !strings.Contains(data.SQL, "-- name: CountAuditLogs") && !strings.Contains(data.SQL, "-- name: GetAuditLogsOffset") {
		return ctx
	}
	return context.WithValue(ctx, auditQueryStart{}, time.Now())
}

func (t *auditQueryTimer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryEndData) {
	start, ok := ctx.Value(auditQueryStart{}).(time.Time)
	if !ok {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total += time.Since(start)
}

func (t *auditQueryTimer) reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.total = 0
}

// meanMillis is the database time per request over n requests.
func (t *auditQueryTimer) meanMillis(n int) float64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return float64(t.total.Microseconds()) / 1000 / float64(n)
}
