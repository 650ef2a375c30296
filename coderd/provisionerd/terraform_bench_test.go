package provisionerd_test

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/coderd/provisionerd/terraform"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/pubsub"
	"github.com/devplane/devplane/examples"
)

// These benchmarks run the built-in terraform-offline starter template
// through a real daemon and the real Terraform provisioner, and split each
// job's latency (created_at to completed_at) into the time spent inside the
// provisioner's Import or Build call ("terraform") and everything else
// ("overhead": waiting to be acquired, extracting the archive, reading the
// inputs, streaming logs, storing the results, completing the job). The
// overhead is further split into acquire (created to started), setup
// (started to the provisioner call) and finish (the call's return to
// completed). Jobs run one at a time on one idle daemon.
//
//	go test -run '^$' -bench 'BenchmarkTerraform' -benchtime 10x ./coderd/provisionerd/

const tfExample = "terraform-offline"

// timedCall is one provisioner call, timed in the test process (the same
// clock the daemon stamps started_at and completed_at with).
type timedCall struct {
	start, end time.Time
	err        error
}

// timingProvisioner wraps a provisioner and records each call.
type timingProvisioner struct {
	provisioner.Provisioner
	mu    sync.Mutex
	calls []timedCall
}

func (p *timingProvisioner) record(start time.Time, err error) {
	end := time.Now()
	p.mu.Lock()
	p.calls = append(p.calls, timedCall{start: start, end: end, err: err})
	p.mu.Unlock()
}

func (p *timingProvisioner) Import(ctx context.Context, req provisioner.ImportRequest, log provisioner.Logger) (provisioner.ImportResult, error) {
	start := time.Now()
	res, err := p.Provisioner.Import(ctx, req, log)
	p.record(start, err)
	return res, err
}

func (p *timingProvisioner) Build(ctx context.Context, req provisioner.BuildRequest, log provisioner.Logger) (provisioner.BuildResult, error) {
	start := time.Now()
	res, err := p.Provisioner.Build(ctx, req, log)
	p.record(start, err)
	return res, err
}

// take returns the one call made since the last take.
func (p *timingProvisioner) take(tb testing.TB) timedCall {
	tb.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	require.Len(tb, p.calls, 1, "provisioner calls for one job")
	c := p.calls[0]
	p.calls = p.calls[:0]
	return c
}

// tfBench is an env with one daemon offering the timed Terraform
// provisioner and the example stored as a file.
type tfBench struct {
	*env
	prov   *timingProvisioner
	fileID uuid.UUID
}

func newTFBench(b *testing.B) *tfBench {
	b.Helper()
	cacheDir, err := terraform.DefaultCacheDir()
	require.NoError(b, err)
	e := newEnvTimeout(b, benchTimeout)
	// Builds the mirror if `make test` has not already (not timed).
	_, err = terraform.EnsureProviderMirror(e.ctx, cacheDir, nil)
	require.NoError(b, err, "prepare the provider mirror")
	prov := &timingProvisioner{Provisioner: terraform.New(terraform.Options{CacheDir: cacheDir, Logger: slog.Make()})}
	e.daemon("bench-tf", nil, quiet, withAccessURL, func(o *provisionerd.Options) {
		o.Provisioners = map[database.ProvisionerType]provisioner.Provisioner{database.ProvisionerTypeTerraform: prov}
	})
	data, err := examples.Archive(tfExample)
	require.NoError(b, err)
	return &tfBench{env: e, prov: prov, fileID: e.file(data, "application/x-tar")}
}

// enqueueImport inserts an import of the example and its template version
// as the API does, and wakes the daemon.
func (t *tfBench) enqueueImport() (database.ProvisionerJob, database.TemplateVersion) {
	t.t.Helper()
	jobID, versionID := uuid.New(), uuid.New()
	input, err := json.Marshal(map[string]any{"template_version_id": versionID})
	require.NoError(t.t, err)
	var (
		job     database.ProvisionerJob
		version database.TemplateVersion
	)
	err = t.raw.InTx(t.ctx, func(tx database.Store) error {
		now := dbtime.Now()
		var err error
		job, err = tx.InsertProvisionerJob(t.ctx, database.InsertProvisionerJobParams{
			ID: jobID, CreatedAt: now, UpdatedAt: now, OrganizationID: t.org.ID, InitiatorID: t.user.ID,
			Provisioner: database.ProvisionerTypeTerraform, Type: database.ProvisionerJobTypeTemplateVersionImport,
			FileID: t.fileID, Input: input, Tags: json.RawMessage(`{"scope":"organization"}`),
		})
		if err != nil {
			return err
		}
		version, err = tx.InsertTemplateVersion(t.ctx, database.InsertTemplateVersionParams{
			ID: versionID, OrganizationID: t.org.ID, CreatedAt: now, UpdatedAt: now,
			Name: "v-" + jobID.String()[:8], JobID: job.ID, CreatedBy: t.user.ID,
		})
		return err
	}, nil)
	require.NoError(t.t, err)
	require.NoError(t.t, t.ps.Publish(pubsub.EventProvisionerJobPosted, []byte(`{}`)))
	return job, version
}

// importTemplate imports the example as a new template's active version.
func (t *tfBench) importTemplate() importedVersion {
	t.t.Helper()
	job, version := t.enqueueImport()
	requireSucceeded(t.t, t.waitJob(job.ID, completed))
	t.prov.take(t.t)

	now := dbtime.Now()
	templateID := uuid.New()
	require.NoError(t.t, t.raw.InsertTemplate(t.ctx, database.InsertTemplateParams{
		ID: templateID, CreatedAt: now, UpdatedAt: now, OrganizationID: t.org.ID, Name: "tpl-" + templateID.String()[:8],
		Provisioner: database.ProvisionerTypeTerraform, ActiveVersionID: version.ID, CreatedBy: t.user.ID,
		MaxPortSharingLevel: "owner", CorsBehavior: "simple", UserAcl: []byte("{}"), GroupAcl: []byte("{}"),
	}))
	version, err := t.raw.UpdateTemplateVersionByID(t.ctx, database.UpdateTemplateVersionByIDParams{
		ID: version.ID, Name: version.Name, TemplateID: uuid.NullUUID{UUID: templateID, Valid: true}, UpdatedAt: now,
	})
	require.NoError(t.t, err)
	template, err := t.raw.GetTemplateByID(t.ctx, templateID)
	require.NoError(t.t, err)
	return importedVersion{template: template, version: version, fileID: t.fileID}
}

// enqueueStart inserts the first (start) build of a workspace with its job,
// as the API does, and wakes the daemon. The template's defaults are used
// for every parameter.
func (t *tfBench) enqueueStart(ws database.Workspace, iv importedVersion) database.ProvisionerJob {
	t.t.Helper()
	buildID := uuid.New()
	input, err := json.Marshal(map[string]any{"workspace_build_id": buildID})
	require.NoError(t.t, err)
	var job database.ProvisionerJob
	err = t.raw.InTx(t.ctx, func(tx database.Store) error {
		now := dbtime.Now()
		var err error
		job, err = tx.InsertProvisionerJob(t.ctx, database.InsertProvisionerJobParams{
			ID: uuid.New(), CreatedAt: now, UpdatedAt: now, OrganizationID: t.org.ID, InitiatorID: t.user.ID,
			Provisioner: database.ProvisionerTypeTerraform, Type: database.ProvisionerJobTypeWorkspaceBuild,
			FileID: iv.fileID, Input: input, Tags: json.RawMessage(`{"scope":"organization"}`),
		})
		if err != nil {
			return err
		}
		if err := tx.InsertWorkspaceBuild(t.ctx, database.InsertWorkspaceBuildParams{
			ID: buildID, CreatedAt: now, UpdatedAt: now, WorkspaceID: ws.ID, TemplateVersionID: iv.version.ID,
			BuildNumber: 1, Transition: database.WorkspaceTransitionStart, InitiatorID: t.user.ID,
			ProvisionerState: []byte{}, JobID: job.ID, Reason: database.BuildReasonInitiator,
		}); err != nil {
			return err
		}
		return tx.InsertWorkspaceBuildParameters(t.ctx, database.InsertWorkspaceBuildParametersParams{
			WorkspaceBuildID: buildID, Names: []string{}, Values: []string{},
		})
	}, nil)
	require.NoError(t.t, err)
	require.NoError(t.t, t.ps.Publish(pubsub.EventProvisionerJobPosted, []byte(`{}`)))
	return job
}

// jobTiming is one job's latency, split up.
type jobTiming struct {
	endToEnd, terraform, overhead time.Duration
	acquire, setup, finish        time.Duration
}

// measure waits for the job, checks it succeeded and splits its latency
// using the provisioner call recorded for it.
func (t *tfBench) measure(jobID uuid.UUID) jobTiming {
	t.t.Helper()
	job := t.waitJob(jobID, completed)
	requireSucceeded(t.t, job)
	call := t.prov.take(t.t)
	require.NoError(t.t, call.err)
	tm := jobTiming{
		endToEnd:  job.CompletedAt.Sub(job.CreatedAt),
		terraform: call.end.Sub(call.start),
		acquire:   job.StartedAt.Sub(job.CreatedAt),
		setup:     call.start.Sub(*job.StartedAt),
		finish:    job.CompletedAt.Sub(call.end),
	}
	tm.overhead = tm.endToEnd - tm.terraform
	return tm
}

func reportTimings(b *testing.B, timings []jobTiming) {
	b.Helper()
	pick := func(f func(jobTiming) time.Duration) []time.Duration {
		out := make([]time.Duration, len(timings))
		for i, t := range timings {
			out[i] = f(t)
		}
		slices.Sort(out)
		return out
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	median := func(s []time.Duration) float64 { return ms(s[len(s)/2]) }
	// With 10 jobs the p95 is the slowest one.
	p95 := func(s []time.Duration) float64 { return ms(s[(len(s)*95)/100]) }

	for _, m := range []struct {
		name string
		f    func(jobTiming) time.Duration
	}{
		{"e2e", func(t jobTiming) time.Duration { return t.endToEnd }},
		{"terraform", func(t jobTiming) time.Duration { return t.terraform }},
		{"overhead", func(t jobTiming) time.Duration { return t.overhead }},
	} {
		s := pick(m.f)
		b.ReportMetric(median(s), m.name+"-median-ms")
		b.ReportMetric(p95(s), m.name+"-p95-ms")
	}
	// Where the overhead goes (medians).
	b.ReportMetric(median(pick(func(t jobTiming) time.Duration { return t.acquire })), "acquire-median-ms")
	b.ReportMetric(median(pick(func(t jobTiming) time.Duration { return t.setup })), "setup-median-ms")
	b.ReportMetric(median(pick(func(t jobTiming) time.Duration { return t.finish })), "finish-median-ms")
	// ns/op is the wall time per job, including waiting to observe it.

	slowest := slices.MaxFunc(timings, func(a, b jobTiming) int { return int(a.overhead - b.overhead) })
	b.Logf("%d jobs; slowest overhead %.1f ms = acquire %.1f + setup %.1f + finish %.1f (terraform %.0f ms)",
		len(timings), ms(slowest.overhead), ms(slowest.acquire), ms(slowest.setup), ms(slowest.finish), ms(slowest.terraform))
}

// BenchmarkTerraformImport imports the terraform-offline example, one
// template version import at a time.
func BenchmarkTerraformImport(b *testing.B) {
	t := newTFBench(b)
	// Warm up: the first terraform run pays for loading the provider
	// mirror and filling the OS cache.
	t.importTemplate()

	timings := make([]jobTiming, 0, b.N)
	b.ResetTimer()
	for range b.N {
		job, _ := t.enqueueImport()
		timings = append(timings, t.measure(job.ID))
	}
	b.StopTimer()
	reportTimings(b, timings)
}

// BenchmarkTerraformStartBuild starts a new workspace of the imported
// terraform-offline example, one build at a time.
func BenchmarkTerraformStartBuild(b *testing.B) {
	t := newTFBench(b)
	iv := t.importTemplate()
	owner := t.newOwner()
	// Warm up with one build, not timed.
	warm := t.enqueueStart(t.newWorkspace(owner, iv, nil), iv)
	t.measure(warm.ID)

	timings := make([]jobTiming, 0, b.N)
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		ws := t.newWorkspace(owner, iv, nil)
		b.StartTimer()
		job := t.enqueueStart(ws, iv)
		timings = append(timings, t.measure(job.ID))
	}
	b.StopTimer()
	reportTimings(b, timings)
}
