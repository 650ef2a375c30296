package prometheusmetrics

import (
	"time"

	"github.com/devplane/devplane/coderd/provisionerd"
	"github.com/devplane/devplane/database"
)

// JobObserver records the jobs this replica's daemons run: the running
// gauge and, when each ends, its duration by outcome.
func (m *Metrics) JobObserver() provisionerd.JobObserver { return jobObserver{m} }

type jobObserver struct{ m *Metrics }

func (o jobObserver) JobStarted(job database.ProvisionerJob) {
	o.m.jobsCurrent.WithLabelValues(string(job.Provisioner)).Inc()
}

func (o jobObserver) JobFinished(job database.ProvisionerJob, outcome string, took time.Duration) {
	o.m.jobsCurrent.WithLabelValues(string(job.Provisioner)).Dec()
	o.m.jobTimings.WithLabelValues(string(job.Provisioner), string(job.Type), outcome).Observe(took.Seconds())
}
