package prometheusmetrics

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/multitracer"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// RegisterPool exports the pool's statistics, read at each scrape.
func (m *Metrics) RegisterPool(pool *pgxpool.Pool) {
	m.Registry.MustRegister(poolCollector{pool: pool})
}

var (
	poolAcquired = prometheus.NewDesc("coderd_db_pool_acquired_conns",
		"Connections of the database pool in use now.", nil, nil)
	poolIdle = prometheus.NewDesc("coderd_db_pool_idle_conns",
		"Idle connections of the database pool.", nil, nil)
	poolTotal = prometheus.NewDesc("coderd_db_pool_total_conns",
		"All connections of the database pool (acquired, idle and being opened).", nil, nil)
	poolMax = prometheus.NewDesc("coderd_db_pool_max_conns",
		"The most connections the database pool opens.", nil, nil)
	poolAcquires = prometheus.NewDesc("coderd_db_pool_acquires_total",
		"Connections handed out by the database pool.", nil, nil)
	poolEmptyAcquires = prometheus.NewDesc("coderd_db_pool_empty_acquires_total",
		"Acquires that had to wait because no connection was idle.", nil, nil)
	poolCanceledAcquires = prometheus.NewDesc("coderd_db_pool_canceled_acquires_total",
		"Acquires given up by their caller before a connection was free.", nil, nil)
	poolAcquireWait = prometheus.NewDesc("coderd_db_pool_acquire_wait_seconds_total",
		"Time spent waiting for a connection, summed over all acquires.", nil, nil)
)

type poolCollector struct{ pool *pgxpool.Pool }

func (poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{poolAcquired, poolIdle, poolTotal, poolMax, poolAcquires, poolEmptyAcquires, poolCanceledAcquires, poolAcquireWait} {
		ch <- d
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.pool.Stat()
	ch <- prometheus.MustNewConstMetric(poolAcquired, prometheus.GaugeValue, float64(s.AcquiredConns()))
	ch <- prometheus.MustNewConstMetric(poolIdle, prometheus.GaugeValue, float64(s.IdleConns()))
	ch <- prometheus.MustNewConstMetric(poolTotal, prometheus.GaugeValue, float64(s.TotalConns()))
	ch <- prometheus.MustNewConstMetric(poolMax, prometheus.GaugeValue, float64(s.MaxConns()))
	ch <- prometheus.MustNewConstMetric(poolAcquires, prometheus.CounterValue, float64(s.AcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolEmptyAcquires, prometheus.CounterValue, float64(s.EmptyAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolCanceledAcquires, prometheus.CounterValue, float64(s.CanceledAcquireCount()))
	ch <- prometheus.MustNewConstMetric(poolAcquireWait, prometheus.CounterValue, s.AcquireDuration().Seconds())
}

// TraceQueries returns a pool configuration step (for database.Open) that
// observes every query's latency in coderd_db_query_latencies_seconds,
// labeled with the sqlc query name. It keeps a tracer set by an earlier
// step (the health monitor's).
func (m *Metrics) TraceQueries() func(*pgxpool.Config) {
	hist := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "coderd", Subsystem: "db", Name: "query_latencies_seconds",
		Help:    "Latency of database queries in seconds, by sqlc query name (\"other\" for statements without one).",
		Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5},
	}, []string{"query"})
	m.Registry.MustRegister(hist)
	tracer := queryTracer{hist: hist}
	return func(cfg *pgxpool.Config) {
		if prev := cfg.ConnConfig.Tracer; prev != nil {
			cfg.ConnConfig.Tracer = multitracer.New(prev, tracer)
			return
		}
		cfg.ConnConfig.Tracer = tracer
	}
}

type queryTracer struct{ hist *prometheus.HistogramVec }

type queryStartKey struct{}

type queryStart struct {
	name string
	at   time.Time
}

func (queryTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	return context.WithValue(ctx, queryStartKey{}, queryStart{name: queryName(data.SQL), at: time.Now()})
}

func (t queryTracer) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryEndData) {
	start, ok := ctx.Value(queryStartKey{}).(queryStart)
	if !ok {
		return
	}
	t.hist.WithLabelValues(start.name).Observe(time.Since(start.at).Seconds())
}

// queryName reads the name sqlc puts at the head of each statement
// ("-- name: GetUserByID :one"). Other statements (pings, pg_notify,
// transaction control) share "other", so the label stays bounded.
func queryName(sql string) string {
	const prefix = "-- name: "
	if !strings.HasPrefix(sql, prefix) {
		return "other"
	}
	rest := sql[len(prefix):]
	end := strings.IndexAny(rest, " \n")
	if end <= 0 {
		return "other"
	}
	return rest[:end]
}
