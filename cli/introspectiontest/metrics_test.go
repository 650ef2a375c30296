package introspectiontest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
)

// TestMetrics scrapes a real server after API requests and a workspace
// build: requests are labeled with route patterns, never raw paths, and
// the job, workspace, database and pubsub metrics are there.
func TestMetrics(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "--postgres-url", dbtestutil.Open(t), "--provisioner-daemons", "1",
		"--prometheus-enable", "--prometheus-address", "127.0.0.1:0",
		"--prometheus-collect-db-metrics", "--prometheus-refresh-interval", "200ms")
	require.NotNil(t, srv.prometheus, "the server printed no Prometheus listener line")
	require.Nil(t, srv.pprof, "pprof is off unless enabled")

	ctx := context.Background()
	client := codersdk.New(srv.api)
	first := coderdtest.CreateFirstUser(t, client)
	version := coderdtest.CreateTemplateVersion(t, client, first.OrganizationID, nil, uuid.Nil)
	coderdtest.AwaitTemplateVersionJobCompleted(t, client, version.ID)
	template := coderdtest.CreateTemplate(t, client, first.OrganizationID, version.ID)
	ws := coderdtest.CreateWorkspace(t, client, template.ID)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, client, ws.LatestBuild.ID)
	_, err := client.Workspace(ctx, ws.ID)
	require.NoError(t, err)
	_, err = client.Workspace(ctx, uuid.New())
	require.Error(t, err)

	const wsPattern = "/api/v2/workspaces/{workspace}"
	var samples []sample
	require.Eventually(t, func() bool {
		samples = scrape(t, srv.prometheus)
		// The periodic gauges catch up within a refresh interval. The
		// daemon records a job's timing (and leaves the running gauge)
		// only after the job is completed, which the client may see
		// first; a request is counted after its response is written.
		return len(find(samples, "coderd_workspace_latest_build_status", map[string]string{"status": "succeeded"})) > 0 &&
			len(find(samples, "coderd_provisionerd_job_timings_seconds_count", map[string]string{"type": "workspace_build"})) > 0 &&
			len(find(samples, "coderd_api_requests_processed_total", map[string]string{"code": "200", "method": "GET", "path": wsPattern})) > 0 &&
			len(find(samples, "coderd_api_requests_processed_total", map[string]string{"code": "404", "method": "GET", "path": wsPattern})) > 0
	}, time.Minute, 100*time.Millisecond)

	ok := find(samples, "coderd_api_requests_processed_total", map[string]string{"code": "200", "method": "GET", "path": wsPattern})
	require.Len(t, ok, 1)
	assert.GreaterOrEqual(t, ok[0].value, 1.0)
	assert.Len(t, find(samples, "coderd_api_requests_processed_total", map[string]string{"code": "404", "method": "GET", "path": wsPattern}), 1,
		"a 404 is counted under the route's pattern too")
	assert.NotEmpty(t, find(samples, "coderd_api_requests_processed_total", map[string]string{"code": "201", "method": "POST", "path": "/api/v2/users/first"}))
	assert.NotEmpty(t, find(samples, "coderd_api_request_latencies_seconds_bucket", map[string]string{"method": "GET", "path": wsPattern, "le": "+Inf"}))
	for _, s := range samples {
		if p, ok := s.labels["path"]; ok {
			assert.NotContains(t, p, ws.ID.String(), "raw paths must not become labels")
		}
	}
	assert.NotEmpty(t, find(samples, "coderd_api_concurrent_requests", nil))

	timings := find(samples, "coderd_provisionerd_job_timings_seconds_count", map[string]string{"provisioner": "echo", "type": "workspace_build", "status": "success"})
	require.Len(t, timings, 1)
	assert.Equal(t, 1.0, timings[0].value)
	assert.NotEmpty(t, find(samples, "coderd_provisionerd_job_timings_seconds_count", map[string]string{"type": "template_version_import", "status": "success"}))
	current := find(samples, "coderd_provisionerd_jobs_current", map[string]string{"provisioner": "echo"})
	require.Len(t, current, 1)
	assert.Equal(t, 0.0, current[0].value)

	byTemplate := find(samples, "coderd_workspace_latest_build_status", map[string]string{
		"status": "succeeded", "template_name": template.Name, "template_version": version.Name, "workspace_transition": "start",
	})
	require.Len(t, byTemplate, 1)
	assert.Equal(t, 1.0, byTemplate[0].value)
	latest := find(samples, "coderd_api_workspace_latest_build", map[string]string{"status": "succeeded"})
	require.Len(t, latest, 1)
	assert.Equal(t, 1.0, latest[0].value)

	total := find(samples, "coderd_db_pool_total_conns", nil)
	require.Len(t, total, 1)
	assert.Positive(t, total[0].value)
	assert.Len(t, find(samples, "coderd_db_pool_acquire_wait_seconds_total", nil), 1)
	assert.NotEmpty(t, find(samples, "coderd_db_query_latencies_seconds_count", map[string]string{"query": "GetWorkspaceByID"}),
		"queries are labeled with their sqlc names")

	connected := find(samples, "coder_pubsub_connected", nil)
	require.Len(t, connected, 1)
	assert.Equal(t, 1.0, connected[0].value)
	assert.Len(t, find(samples, "coder_pubsub_disconnections_total", nil), 1)
	assert.NotEmpty(t, find(samples, "coder_pubsub_publishes_total", map[string]string{"success": "true"}))
	agents := find(samples, "coderd_agents_connected", nil)
	require.Len(t, agents, 1)
	assert.Equal(t, 0.0, agents[0].value)
	assert.NotEmpty(t, find(samples, "go_goroutines", nil))

	// The API listener does not serve metrics.
	_, body := get(t, srv.api, "/metrics")
	assert.NotContains(t, body, "coderd_api_requests_processed_total")
}

// TestPprof: the profiler answers on its own listener only.
func TestPprof(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "--postgres-url", dbtestutil.Open(t), "--provisioner-daemons", "0",
		"--pprof-enable", "--pprof-address", "127.0.0.1:0")
	require.NotNil(t, srv.pprof, "the server printed no pprof listener line")
	require.Nil(t, srv.prometheus, "metrics are off unless enabled")

	status, body := get(t, srv.pprof, "/debug/pprof/")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "goroutine")
	status, body = get(t, srv.pprof, "/debug/pprof/goroutine?debug=1")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "goroutine profile:")
	status, body = get(t, srv.pprof, "/debug/pprof/cmdline")
	require.Equal(t, http.StatusOK, status)
	assert.NotEmpty(t, body)

	for _, path := range []string{"/debug/pprof/", "/debug/pprof/goroutine?debug=1", "/api/v2/debug/pprof/"} {
		_, body := get(t, srv.api, path)
		assert.False(t, strings.Contains(body, "goroutine profile:") || strings.Contains(body, "Types of profiles available"),
			"the API listener must not serve the profiler at %s", path)
	}
}

// TestMetricsQueuedJobs: with no daemon to take it, an import waits in the
// queue, and the deployment-wide gauge says so.
func TestMetricsQueuedJobs(t *testing.T) {
	t.Parallel()
	srv := startServer(t, "--postgres-url", dbtestutil.Open(t), "--provisioner-daemons", "0",
		"--prometheus-enable", "--prometheus-address", "127.0.0.1:0", "--prometheus-refresh-interval", "200ms")
	client := codersdk.New(srv.api)
	first := coderdtest.CreateFirstUser(t, client)
	coderdtest.CreateTemplateVersion(t, client, first.OrganizationID, nil, uuid.Nil)

	want := map[string]string{"provisioner": "echo", "type": "template_version_import"}
	require.Eventually(t, func() bool {
		queued := find(scrape(t, srv.prometheus), "coderd_provisionerd_jobs_queued", want)
		return len(queued) == 1 && queued[0].value == 1
	}, time.Minute, 100*time.Millisecond)
	assert.Empty(t, find(scrape(t, srv.prometheus), "coderd_provisionerd_jobs_running", nil), "nothing runs without a daemon")
}
