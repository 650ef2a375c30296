package prometheusmetrics

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQueryName(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "GetUserByID", queryName("-- name: GetUserByID :one\nSELECT 1"))
	assert.Equal(t, "InTx", queryName("-- name: InTx :exec\n"))
	assert.Equal(t, "other", queryName("SELECT pg_notify($1, $2)"))
	assert.Equal(t, "other", queryName("-- name: "))
	assert.Equal(t, "other", queryName(""))
}

func TestHTTPMiddlewareLabelsRoutePatterns(t *testing.T) {
	t.Parallel()
	m := New()
	r := chi.NewRouter()
	r.Use(m.HTTPMiddleware(func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/watch") }))
	r.NotFound(func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusNotFound) })
	r.Route("/api/v2", func(r chi.Router) {
		r.Route("/workspaces/{workspace}", func(r chi.Router) {
			r.Get("/", func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusOK) })
			r.Get("/watch", func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusOK) })
			r.Get("/panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
		})
	})
	for _, path := range []string{"/api/v2/workspaces/1111", "/api/v2/workspaces/2222", "/api/v2/workspaces/3333/watch", "/dashboard/page"} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, httptest.NewRequest("BREW", "/api/v2/workspaces/1111", nil))

	assert.Equal(t, 2.0, testutil.ToFloat64(m.requests.WithLabelValues("200", "GET", "/api/v2/workspaces/{workspace}")))
	assert.Equal(t, 1.0, testutil.ToFloat64(m.requests.WithLabelValues("200", "GET", "/api/v2/workspaces/{workspace}/watch")))
	assert.Equal(t, 1.0, testutil.ToFloat64(m.requests.WithLabelValues("404", "GET", "STATIC")))
	// chi routes no unknown method, so it has no pattern; its method is
	// folded into OTHER so clients cannot mint label values.
	assert.Equal(t, 1.0, testutil.ToFloat64(m.requests.WithLabelValues("405", "OTHER", "STATIC")))
	// Streams are counted, but not timed: GET {workspace}, GET STATIC
	// and OTHER STATIC are.
	assert.Equal(t, 3, testutil.CollectAndCount(m.latencies), "one series per timed method and pattern")
	assert.Equal(t, 0.0, testutil.ToFloat64(m.concurrentRequests))
	// Only label values are checked: the runtime collectors' sample
	// values (memory sizes, CPU seconds) may contain the same digits.
	for _, value := range gatheredLabelValues(t, m) {
		for _, id := range []string{"1111", "2222", "3333"} {
			assert.NotContains(t, value, id, "raw paths must not become labels")
		}
	}
	assert.Contains(t, gatherText(t, m), `path="/api/v2/workspaces/{workspace}"`)
}

func gatheredLabelValues(t *testing.T, m *Metrics) []string {
	t.Helper()
	families, err := m.Registry.Gather()
	require.NoError(t, err)
	var values []string
	for _, family := range families {
		for _, metric := range family.GetMetric() {
			for _, label := range metric.GetLabel() {
				values = append(values, label.GetValue())
			}
		}
	}
	return values
}

func gatherText(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	return rec.Body.String()
}

// BenchmarkHTTPMiddleware is the cost the metrics add to each request.
func BenchmarkHTTPMiddleware(b *testing.B) {
	m := New()
	r := chi.NewRouter()
	r.Use(m.HTTPMiddleware(nil))
	r.Get("/api/v2/workspaces/{workspace}", func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusOK) })
	req := httptest.NewRequest(http.MethodGet, "/api/v2/workspaces/1111", nil)
	b.ReportAllocs()
	for b.Loop() {
		r.ServeHTTP(httptest.NewRecorder(), req)
	}
}

// BenchmarkWithoutMiddleware is the same request without metrics.
func BenchmarkWithoutMiddleware(b *testing.B) {
	r := chi.NewRouter()
	r.Get("/api/v2/workspaces/{workspace}", func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusOK) })
	req := httptest.NewRequest(http.MethodGet, "/api/v2/workspaces/1111", nil)
	b.ReportAllocs()
	for b.Loop() {
		r.ServeHTTP(httptest.NewRecorder(), req)
	}
}
