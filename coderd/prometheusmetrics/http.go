package prometheusmetrics

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/devplane/devplane/coderd/httpmw"
)

// HTTPMiddleware counts every request by the chi route pattern it matched
// (never the raw path, which would give a series per workspace id), its
// method and status, and observes the latency of those that are not
// streams. isStreaming says which requests hold their response open.
//
// It belongs after httpmw.Logger, whose StatusWriter it reads, and before
// httpmw.Recover, so a panic is counted as the 500 it becomes.
func (m *Metrics) HTTPMiddleware(isStreaming func(*http.Request) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw, ok := rw.(*httpmw.StatusWriter)
			if !ok {
				sw = &httpmw.StatusWriter{ResponseWriter: rw, Status: http.StatusOK}
			}
			websocket := isWebsocket(r)
			stream := websocket || (isStreaming != nil && isStreaming(r))

			m.concurrentRequests.Inc()
			if websocket {
				m.concurrentWebsockets.Inc()
			}
			defer func() {
				m.concurrentRequests.Dec()
				path := routePattern(r)
				method := methodLabel(r.Method)
				took := time.Since(start).Seconds()
				switch {
				case websocket:
					m.concurrentWebsockets.Dec()
					m.websocketDurations.WithLabelValues(path).Observe(took)
				case !stream:
					m.latencies.WithLabelValues(method, path).Observe(took)
				}
				m.requests.WithLabelValues(strconv.Itoa(sw.Status), method, path).Inc()
			}()
			next.ServeHTTP(sw, r)
		})
	}
}

// routePattern is the pattern chi matched, such as
// /api/v2/workspaces/{workspace}; requests no route matched (the dashboard's
// pages and assets, unknown paths) share one label.
func routePattern(r *http.Request) string {
	rctx := chi.RouteContext(r.Context())
	if rctx == nil {
		return "STATIC"
	}
	p := rctx.RoutePattern()
	if p == "" || p == "/*" {
		return "STATIC"
	}
	// Sub-routers leave "/*" joins in mounted patterns: drop them.
	for strings.Contains(p, "/*/") {
		p = strings.ReplaceAll(p, "/*/", "/")
	}
	return p
}

// methodLabel keeps the label's values few: a client may send any method.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return method
	}
	return "OTHER"
}

func isWebsocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}
