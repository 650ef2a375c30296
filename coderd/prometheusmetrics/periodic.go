package prometheusmetrics

import (
	"context"
	"time"

	"cdr.dev/slog"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
)

// DefaultRefreshInterval is how often the deployment-wide counts are read.
const DefaultRefreshInterval = 15 * time.Second

// periodic holds the gauges filled from the database by RunPeriodic.
type periodic struct {
	jobsQueued   *prometheus.GaugeVec
	jobsRunning  *prometheus.GaugeVec
	latestBuild  *prometheus.GaugeVec
	buildsByTmpl *prometheus.GaugeVec
}

func newPeriodic(reg prometheus.Registerer) *periodic {
	p := &periodic{
		jobsQueued: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "coderd", Subsystem: "provisionerd", Name: "jobs_queued",
			Help: "Provisioner jobs of the whole deployment waiting for a daemon, by provisioner and job type.",
		}, []string{"provisioner", "type"}),
		jobsRunning: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "coderd", Subsystem: "provisionerd", Name: "jobs_running",
			Help: "Provisioner jobs of the whole deployment being run by a daemon, by provisioner and job type.",
		}, []string{"provisioner", "type"}),
		latestBuild: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "coderd", Subsystem: "api", Name: "workspace_latest_build",
			Help: "Workspaces by the status of their latest build's job.",
		}, []string{"status"}),
		buildsByTmpl: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Namespace: "coderd", Name: "workspace_latest_build_status",
			Help: "Workspaces by the status of their latest build's job, its transition, and their template and the build's template version.",
		}, []string{"status", "template_name", "template_version", "workspace_transition"}),
	}
	reg.MustRegister(p.jobsQueued, p.jobsRunning, p.latestBuild, p.buildsByTmpl)
	return p
}

// RunPeriodic refreshes the deployment-wide gauges (jobs queued and
// running, workspaces by status and template) every interval until ctx is
// done: one query each, as the metrics actor. db must be dbauthz-wrapped.
// Every replica reads the same numbers; aggregate them with max, not sum.
func (m *Metrics) RunPeriodic(ctx context.Context, db database.Store, log slog.Logger, interval time.Duration) {
	if interval <= 0 {
		interval = DefaultRefreshInterval
	}
	p := newPeriodic(m.Registry)
	ctx = dbauthz.AsMetrics(ctx)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		p.refresh(ctx, db, log)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (p *periodic) refresh(ctx context.Context, db database.Store, log slog.Logger) {
	qctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	jobs, err := db.GetProvisionerJobQueueCounts(qctx)
	if err != nil {
		if ctx.Err() == nil {
			log.Warn(ctx, "refresh provisioner job metrics", slog.Error(err))
		}
	} else {
		// Reset first, so a kind of job that is no longer queued reads 0
		// rather than its last count.
		p.jobsQueued.Reset()
		p.jobsRunning.Reset()
		for _, row := range jobs {
			vec := p.jobsQueued
			if row.Status == "running" {
				vec = p.jobsRunning
			}
			vec.WithLabelValues(string(row.Provisioner), string(row.Type)).Set(float64(row.Count))
		}
	}

	builds, err := db.GetWorkspaceLatestBuildCounts(qctx)
	if err != nil {
		if ctx.Err() == nil {
			log.Warn(ctx, "refresh workspace metrics", slog.Error(err))
		}
		return
	}
	p.latestBuild.Reset()
	p.buildsByTmpl.Reset()
	byStatus := map[string]float64{}
	for _, row := range builds {
		byStatus[row.Status] += float64(row.Count)
		p.buildsByTmpl.WithLabelValues(row.Status, row.TemplateName, row.TemplateVersionName, string(row.Transition)).Set(float64(row.Count))
	}
	for status, n := range byStatus {
		p.latestBuild.WithLabelValues(status).Set(n)
	}
}
