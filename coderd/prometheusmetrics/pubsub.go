package prometheusmetrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/devplane/devplane/database/pubsub"
)

// PubsubStatser is a pubsub that reports its counters (pubsub.PG).
type PubsubStatser interface {
	Stats() pubsub.Stats
}

// RegisterPubsub exports the pubsub's health, read at each scrape.
func (m *Metrics) RegisterPubsub(ps PubsubStatser) {
	m.Registry.MustRegister(pubsubCollector{ps: ps})
}

var (
	pubsubConnected = prometheus.NewDesc("coder_pubsub_connected",
		"Whether the pubsub's LISTEN connection to PostgreSQL is up (1) or reconnecting (0).", nil, nil)
	pubsubDisconnections = prometheus.NewDesc("coder_pubsub_disconnections_total",
		"Times the pubsub's LISTEN connection was lost (each is followed by a reconnect).", nil, nil)
	pubsubEvents = prometheus.NewDesc("coder_pubsub_current_events",
		"Events the pubsub listens to now.", nil, nil)
	pubsubSubscribers = prometheus.NewDesc("coder_pubsub_current_subscribers",
		"Listeners subscribed to the pubsub now, over all events.", nil, nil)
	pubsubPublishes = prometheus.NewDesc("coder_pubsub_publishes_total",
		"Messages published, by whether the NOTIFY succeeded.", []string{"success"}, nil)
)

type pubsubCollector struct{ ps PubsubStatser }

func (pubsubCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{pubsubConnected, pubsubDisconnections, pubsubEvents, pubsubSubscribers, pubsubPublishes} {
		ch <- d
	}
}

func (c pubsubCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.ps.Stats()
	connected := 0.0
	if s.Connected {
		connected = 1
	}
	ch <- prometheus.MustNewConstMetric(pubsubConnected, prometheus.GaugeValue, connected)
	ch <- prometheus.MustNewConstMetric(pubsubDisconnections, prometheus.CounterValue, float64(s.Disconnections))
	ch <- prometheus.MustNewConstMetric(pubsubEvents, prometheus.GaugeValue, float64(s.Events))
	ch <- prometheus.MustNewConstMetric(pubsubSubscribers, prometheus.GaugeValue, float64(s.Subscribers))
	ch <- prometheus.MustNewConstMetric(pubsubPublishes, prometheus.CounterValue, float64(s.Publishes), "true")
	ch <- prometheus.MustNewConstMetric(pubsubPublishes, prometheus.CounterValue, float64(s.PublishFailures), "false")
}
