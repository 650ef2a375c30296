package provisionerd_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/pubsub"
)

func TestTagsMustMatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("plain", nil)
	e.daemon("gpu", nil, func(o *provisionerd.Options) { o.Tags = map[string]string{"gpu": "true"} })
	file := e.file(echo.SimpleTemplate(), "application/x-tar")
	gpuJob, _ := e.enqueue(jobSpec{fileID: file, tags: map[string]string{"scope": "organization", "gpu": "true"}})
	gpuJob = e.waitJob(gpuJob.ID, completed)
	requireSucceeded(t, gpuJob)

	daemons, err := e.raw.GetProvisionerDaemonsByOrganization(e.ctx, e.org.ID)
	require.NoError(t, err)
	byID := map[uuid.UUID]string{}
	for _, d := range daemons {
		byID[d.ProvisionerDaemon.ID] = d.ProvisionerDaemon.Name
	}
	require.Equal(t, "gpu", byID[gpuJob.WorkerID.UUID])
}

func TestAnyOrganization(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.daemon("test-1", nil) // registered in e.org
	now := dbtime.Now()
	other, err := e.raw.InsertOrganization(e.ctx, database.InsertOrganizationParams{
		ID: uuid.New(), Name: "other", DisplayName: "Other", CreatedAt: now, UpdatedAt: now,
	})
	require.NoError(t, err)
	e.org = other
	job, _ := e.enqueue(jobSpec{fileID: e.file(echo.SimpleTemplate(), "application/x-tar")})
	job = e.waitJob(job.ID, completed)
	requireSucceeded(t, job)
	require.Equal(t, other.ID, job.OrganizationID)
	require.Equal(t, d.ID(), job.WorkerID.UUID)
}

func TestProvisionerPanic(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", panicProvisioner{})
	job, _ := e.enqueue(jobSpec{fileID: e.file(echo.SimpleTemplate(), "application/x-tar")})
	job = e.waitJob(job.ID, completed)
	require.Contains(t, deref(job.Error), "internal error: provisioner panicked: kaboom")
}

// TestExactlyOnceUnderLoad runs 200 jobs on three daemons: every job
// succeeds and is imported exactly once.
func TestExactlyOnceUnderLoad(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := newCountingProvisioner()
	daemons := map[uuid.UUID]bool{}
	for i := range 3 {
		daemons[e.daemon(fmt.Sprintf("load-%d", i), prov).ID()] = true
	}
	file := e.file(echo.SimpleTemplate(), "application/x-tar")
	const jobs = 200
	ids := make([]uuid.UUID, jobs)
	notify := make(chan struct{}, 1)
	for i := range ids {
		ids[i] = uuid.New()
		cancel, err := e.ps.Subscribe(pubsub.EventProvisionerJobLogs(ids[i].String()), func(context.Context, []byte) {
			select {
			case notify <- struct{}{}:
			default:
			}
		})
		require.NoError(t, err)
		t.Cleanup(cancel)
	}
	for i, id := range ids {
		e.enqueue(jobSpec{id: id, fileID: file, version: fmt.Sprintf("v%03d", i)})
	}

	var all []database.ProvisionerJob
	for {
		var err error
		all, err = e.raw.GetProvisionerJobsByOrganization(e.ctx, database.GetProvisionerJobsByOrganizationParams{OrganizationID: e.org.ID})
		require.NoError(t, err)
		done := 0
		for _, j := range all {
			if j.CompletedAt != nil {
				done++
			}
		}
		if done == jobs {
			break
		}
		select {
		case <-notify:
		case <-e.ctx.Done():
			t.Fatalf("timed out: %d of %d jobs completed", done, jobs)
		}
	}
	require.Len(t, all, jobs)
	for _, j := range all {
		requireSucceeded(t, j)
		require.True(t, daemons[j.WorkerID.UUID], "job %s ran on an unknown worker", j.ID)
		resources, err := e.raw.GetWorkspaceResourcesByJobID(e.ctx, j.ID)
		require.NoError(t, err)
		require.Len(t, resources, 3)
	}
	calls := prov.snapshot()
	require.Len(t, calls, jobs)
	for i := range jobs {
		require.Equal(t, 1, calls[fmt.Sprintf("v%03d", i)], "version v%03d", i)
	}
}

// countingProvisioner is echo, counting imports per template version name.
type countingProvisioner struct {
	provisioner.Provisioner
	mu    sync.Mutex
	calls map[string]int
}

func newCountingProvisioner() *countingProvisioner {
	return &countingProvisioner{Provisioner: echo.New(), calls: map[string]int{}}
}

func (c *countingProvisioner) Import(ctx context.Context, req provisioner.ImportRequest, log provisioner.Logger) (provisioner.ImportResult, error) {
	c.mu.Lock()
	c.calls[req.Metadata.TemplateVersion]++
	c.mu.Unlock()
	return c.Provisioner.Import(ctx, req, log)
}

func (c *countingProvisioner) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.calls))
	for k, v := range c.calls {
		out[k] = v
	}
	return out
}

type panicProvisioner struct{ provisioner.Provisioner }

func (panicProvisioner) Import(context.Context, provisioner.ImportRequest, provisioner.Logger) (provisioner.ImportResult, error) {
	panic("kaboom")
}
