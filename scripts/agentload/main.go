// Command agentload opens N simulated workspace agents against a running
// server and keeps them reporting as real agents do: lifecycle once, stats
// every 30 s and metadata at the template's interval (10 s). It counts
// reports that failed or came late, and every window prints the server's
// RSS (from /proc, given its pid) and the database's committed
// transactions per agent per 30 s (pg_stat_database, given its URL).
//
//	go run ./scripts/agentload -url http://127.0.0.1:3000 -token $TOKEN \
//	    -agents 1000 -duration 5m -server-pid $(pgrep -n coder) -db-url $PG
//
// Agents connect as the real agent does: a failed dial is retried after a
// jittered, doubling backoff (1 s up to 30 s), and the retries are counted.
// -ramp spreads the first dials over that long (0 = all at once, a storm as
// after a server restart).
//
// It creates, as the token's user (an owner), an echo template whose one
// workspace has the N agents with tokens it chose, so no build per agent is
// needed.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

type counters struct {
	connected, connectFailed, connectRetries, reports, failed, late atomic.Int64
}

func main() {
	var (
		rawURL   = flag.String("url", "http://127.0.0.1:3000", "server URL")
		token    = flag.String("token", os.Getenv("CODER_SESSION_TOKEN"), "an owner's session token")
		n        = flag.Int("agents", 100, "number of simulated agents")
		perRes   = flag.Int("agents-per-resource", 100, "agents per resource of the template")
		duration = flag.Duration("duration", 2*time.Minute, "how long to hold the agents after all connected")
		window   = flag.Duration("window", 30*time.Second, "reporting window")
		pid      = flag.Int("server-pid", 0, "the server's pid, for its RSS")
		dbURL    = flag.String("db-url", "", "the server's PostgreSQL URL, for committed transactions")
		metaInt  = flag.Int64("metadata-interval", 10, "metadata interval in seconds (as the template declares)")
		ramp     = flag.Duration("ramp", 30*time.Second, "spread the agents' first dials over this long (0: all at once)")
		giveUp   = flag.Duration("connect-give-up", 5*time.Minute, "an agent that has not connected after this long counts as failed")
	)
	flag.Parse()
	if err := run(*rawURL, *token, *n, *perRes, *duration, *window, *pid, *dbURL, *metaInt, *ramp, *giveUp); err != nil {
		fmt.Fprintln(os.Stderr, "agentload:", err)
		os.Exit(1)
	}
}

func run(rawURL, token string, n, perRes int, duration, window time.Duration, pid int, dbURL string, metaInt int64, ramp, giveUp time.Duration) error {
	ctx := context.Background()
	u, err := url.Parse(rawURL)
	if err != nil {
		return err
	}
	client := codersdk.New(u)
	client.SetSessionToken(token)
	tokens, err := setup(ctx, client, n, perRes, metaInt)
	if err != nil {
		return err
	}
	fmt.Printf("workspace built with %d agents; connecting\n", n)

	var c counters
	stop := make(chan struct{})
	var wg sync.WaitGroup
	start := time.Now()
	for i, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			simulate(u, tok, ramp*time.Duration(i)/time.Duration(n), giveUp, metaInt, &c, stop)
		}()
	}
	for c.connected.Load()+c.connectFailed.Load() < int64(n) {
		time.Sleep(200 * time.Millisecond)
	}
	fmt.Printf("connected %d (failed %d, retried dials %d) in %s\n", c.connected.Load(), c.connectFailed.Load(), c.connectRetries.Load(), time.Since(start).Round(time.Millisecond))

	var db *pgx.Conn
	if dbURL != "" {
		db, err = pgx.Connect(ctx, dbURL)
		if err != nil {
			return xerrors.Errorf("connect to database: %w", err)
		}
		defer db.Close(ctx)
	}
	commits := func() int64 {
		if db == nil {
			return 0
		}
		var v int64
		_ = db.QueryRow(ctx, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()").Scan(&v)
		return v
	}
	end := time.Now().Add(duration)
	lastCommits := commits()
	for time.Now().Before(end) {
		time.Sleep(window)
		now := commits()
		perAgent := float64(now-lastCommits) / float64(n) * (30 * time.Second).Seconds() / window.Seconds()
		lastCommits = now
		fmt.Printf("window: connected=%d retried_dials=%d reports=%d failed=%d late=%d rss=%s db_commits_per_agent_per_30s=%.3f\n",
			c.connected.Load(), c.connectRetries.Load(), c.reports.Load(), c.failed.Load(), c.late.Load(), rss(pid), perAgent)
	}
	close(stop)
	wg.Wait()
	return nil
}

// setup creates a template whose workspace has n agents with known tokens.
func setup(ctx context.Context, client *codersdk.Client, n, perRes int, metaInt int64) ([]string, error) {
	me, err := client.User(ctx, codersdk.Me)
	if err != nil {
		return nil, xerrors.Errorf("whoami: %w", err)
	}
	if len(me.OrganizationIDs) == 0 {
		return nil, xerrors.New("the user is in no organization")
	}
	org := me.OrganizationIDs[0]
	tokens := make([]string, n)
	var resources []echo.Resource
	for i := 0; i < n; i++ {
		tokens[i] = uuid.NewString()
		if i%perRes == 0 {
			resources = append(resources, echo.Resource{Name: "r" + strconv.Itoa(i/perRes), Type: "null_resource"})
		}
		r := &resources[len(resources)-1]
		r.Agents = append(r.Agents, echo.Agent{
			Name: "a" + strconv.Itoa(i), Token: tokens[i],
			Metadata: []echo.AgentMetadata{{Key: "load", DisplayName: "Load", Script: "uptime", Interval: metaInt, Timeout: 1}},
		})
	}
	archive, err := echo.Template(echo.Spec{Start: echo.Phase{Resources: resources}})
	if err != nil {
		return nil, err
	}
	file, err := client.Upload(ctx, "application/x-tar", strings.NewReader(string(archive)))
	if err != nil {
		return nil, xerrors.Errorf("upload: %w", err)
	}
	version, err := client.CreateTemplateVersion(ctx, org, codersdk.CreateTemplateVersionRequest{
		StorageMethod: codersdk.ProvisionerStorageMethodFile, FileID: file.ID, Provisioner: codersdk.ProvisionerTypeEcho,
	})
	if err != nil {
		return nil, xerrors.Errorf("template version: %w", err)
	}
	if err := waitJob(ctx, func() (codersdk.ProvisionerJob, error) {
		v, err := client.TemplateVersion(ctx, version.ID)
		return v.Job, err
	}); err != nil {
		return nil, err
	}
	name := "agentload-" + strconv.FormatInt(time.Now().Unix(), 36)
	template, err := client.CreateTemplate(ctx, org, codersdk.CreateTemplateRequest{Name: name, VersionID: version.ID})
	if err != nil {
		return nil, xerrors.Errorf("template: %w", err)
	}
	ws, err := client.CreateUserWorkspace(ctx, codersdk.Me, codersdk.CreateWorkspaceRequest{TemplateID: template.ID, Name: name})
	if err != nil {
		return nil, xerrors.Errorf("workspace: %w", err)
	}
	return tokens, waitJob(ctx, func() (codersdk.ProvisionerJob, error) {
		b, err := client.WorkspaceBuild(ctx, ws.LatestBuild.ID)
		return b.Job, err
	})
}

func waitJob(ctx context.Context, get func() (codersdk.ProvisionerJob, error)) error {
	for {
		job, err := get()
		if err != nil {
			return err
		}
		switch job.Status {
		case codersdk.ProvisionerJobSucceeded:
			return nil
		case codersdk.ProvisionerJobFailed, codersdk.ProvisionerJobCanceled:
			return xerrors.Errorf("job %s: %s", job.Status, job.Error)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// webSocketOnly makes the agents tunnel over WebSockets, as through a proxy
// that passes nothing else, instead of the raw upgrade.
var webSocketOnly = flag.Bool("websocket", false, "tunnel over WebSockets instead of the raw upgrade (agentsdk.TunnelUpgrade)")

// simulate is one agent: connect, start, then report until stop.
func simulate(u *url.URL, token string, delay, giveUp time.Duration, metaInt int64, c *counters, stop <-chan struct{}) {
	ctx := context.Background()
	time.Sleep(delay)
	ac := &agentsdk.Client{URL: u, Token: token, HTTPClient: &http.Client{}, WebSocketOnly: *webSocketOnly}
	conn, err := dial(ctx, ac, giveUp, c)
	if err != nil {
		c.connectFailed.Add(1)
		fmt.Fprintln(os.Stderr, "connect:", err)
		return
	}
	defer conn.Close()
	c.connected.Add(1)
	report := func(deadline time.Duration, fn func(context.Context) error) {
		rctx, cancel := context.WithTimeout(ctx, deadline)
		defer cancel()
		begin := time.Now()
		err := fn(rctx)
		c.reports.Add(1)
		switch {
		case err != nil:
			// Print a sample, not every one, so a storm stays readable.
			if c.failed.Add(1)%500 == 1 {
				fmt.Fprintln(os.Stderr, "report:", err)
			}
		case time.Since(begin) > 5*time.Second:
			c.late.Add(1)
		}
	}
	report(time.Minute, func(ctx context.Context) error { _, err := conn.Manifest(ctx); return err })
	report(time.Minute, func(ctx context.Context) error {
		return conn.PostStartup(ctx, agentsdk.PostStartupRequest{Version: "agentload", OperatingSystem: "linux", Architecture: "amd64"})
	})
	for _, st := range []codersdk.WorkspaceAgentLifecycle{codersdk.WorkspaceAgentLifecycleStarting, codersdk.WorkspaceAgentLifecycleReady} {
		report(time.Minute, func(ctx context.Context) error {
			return conn.PostLifecycle(ctx, agentsdk.PostLifecycleRequest{State: st, ChangedAt: time.Now()})
		})
	}
	stats := time.NewTicker(30 * time.Second)
	defer stats.Stop()
	meta := time.NewTicker(time.Duration(metaInt) * time.Second)
	defer meta.Stop()
	for {
		select {
		case <-stop:
			return
		case <-conn.Session.CloseChan():
			c.connected.Add(-1)
			c.failed.Add(1)
			return
		case <-stats.C:
			report(30*time.Second, func(ctx context.Context) error {
				_, err := conn.PostStats(ctx, agentsdk.Stats{ConnectionMedianLatencyMS: -1})
				return err
			})
		case <-meta.C:
			report(10*time.Second, func(ctx context.Context) error {
				return conn.PostMetadata(ctx, agentsdk.PostMetadataRequest{Metadata: []agentsdk.Metadata{
					{Key: "load", MetadataResult: agentsdk.MetadataResult{CollectedAt: time.Now(), Value: strconv.FormatInt(time.Now().Unix()%100, 10)}},
				}})
			})
		}
	}
}

// dial connects as the agent's connect loop does: each attempt bounded by
// 30 s, failures retried after a jittered, doubling wait of 1 s to 30 s.
func dial(ctx context.Context, ac *agentsdk.Client, giveUp time.Duration, c *counters) (*agentsdk.Conn, error) {
	deadline := time.Now().Add(giveUp)
	var wait time.Duration
	for {
		dialCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		conn, err := ac.Connect(dialCtx)
		cancel()
		if err == nil {
			return conn, nil
		}
		wait = backoff(wait, time.Second, 30*time.Second)
		if time.Now().Add(wait).After(deadline) {
			return nil, err
		}
		c.connectRetries.Add(1)
		time.Sleep(wait)
	}
}

// backoff doubles prev within [lowest, highest] and picks between half and
// all of it, as the agent does.
func backoff(prev, lowest, highest time.Duration) time.Duration {
	d := min(max(prev*2, lowest), highest)
	half := d / 2
	return half + rand.N(d-half+1)
}

func rss(pid int) string {
	if pid == 0 {
		return "?"
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "?"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			return strings.Join(strings.Fields(strings.TrimPrefix(line, "VmRSS:")), " ")
		}
	}
	return "?"
}
