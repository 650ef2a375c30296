// Package prometheusmetrics holds the server's Prometheus metrics: HTTP
// requests by route pattern, the database pool and query latency,
// provisioner jobs, workspaces by status and template, pubsub health and
// agents connected. The names follow Coder's where Coder has the metric, so
// dashboards and alerts written for Coder keep working.
//
// Every server has a Metrics (the API records into it whether or not it is
// served); `--prometheus-enable` only decides whether a listener serves it.
package prometheusmetrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one server's registry and the metrics the server records
// into directly; periodic and scrape-time ones are added by the Register
// and Run functions.
type Metrics struct {
	Registry *prometheus.Registry

	requests             *prometheus.CounterVec
	latencies            *prometheus.HistogramVec
	concurrentRequests   prometheus.Gauge
	concurrentWebsockets prometheus.Gauge
	websocketDurations   *prometheus.HistogramVec

	jobsCurrent *prometheus.GaugeVec
	jobTimings  *prometheus.HistogramVec

	// AgentsConnected is the number of workspace agents connected to this
	// replica; the registry of agent connections (coderd/agentconn) sets it.
	AgentsConnected prometheus.Gauge
}

// New makes a registry with the Go runtime and process collectors and the
// server's own metrics.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	m := &Metrics{
		Registry: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "coderd", Subsystem: "api", Name: "requests_processed_total",
			Help: "The total number of processed API requests, by route pattern, method and status code.",
		}, []string{"code", "method", "path"}),
		latencies: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "coderd", Subsystem: "api", Name: "request_latencies_seconds",
			Help:    "Latency of API requests in seconds, by route pattern and method. Streams (watch, followed logs, websockets) are not included.",
			Buckets: []float64{0.001, 0.005, 0.010, 0.025, 0.050, 0.100, 0.250, 0.500, 1, 5, 10, 30},
		}, []string{"method", "path"}),
		concurrentRequests: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "coderd", Subsystem: "api", Name: "concurrent_requests",
			Help: "The number of concurrent API requests, streams included.",
		}),
		concurrentWebsockets: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "coderd", Subsystem: "api", Name: "concurrent_websockets",
			Help: "The number of open websocket connections.",
		}),
		websocketDurations: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "coderd", Subsystem: "api", Name: "websocket_durations_seconds",
			Help:    "How long websocket connections stayed open, by route pattern.",
			Buckets: []float64{0.001, 1, 60, 60 * 60, 60 * 60 * 15, 60 * 60 * 30},
		}, []string{"path"}),
		jobsCurrent: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "coderd", Subsystem: "provisionerd", Name: "jobs_current",
			Help: "The number of provisioner jobs this replica's daemons are running, by provisioner.",
		}, []string{"provisioner"}),
		jobTimings: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "coderd", Subsystem: "provisionerd", Name: "job_timings_seconds",
			Help:    "How long the provisioner jobs this replica's daemons ran took, by provisioner, job type and outcome (success, failed, canceled, interrupted).",
			Buckets: []float64{1, 10, 30, 60, 5 * 60, 10 * 60, 30 * 60, 60 * 60},
		}, []string{"provisioner", "type", "status"}),
		AgentsConnected: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "coderd", Name: "agents_connected",
			Help: "The number of workspace agents connected to this replica.",
		}),
	}
	reg.MustRegister(m.requests, m.latencies, m.concurrentRequests, m.concurrentWebsockets,
		m.websocketDurations, m.jobsCurrent, m.jobTimings, m.AgentsConnected)
	return m
}

// Handler serves the registry in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}
