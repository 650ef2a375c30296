package coderd_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
)

func TestProvisionerJobs(t *testing.T) {
	t.Parallel()
	f := newProvFixture(t)
	ctx := t.Context()

	// Oldest first: done (succeeded), then two pending.
	done := pvCreateVersion(t, f.owner, f.orgID)
	pvStartJob(t, f.db, f.orgID, uuid.NullUUID{})
	pvCompleteJob(t, f.db, done.Job.ID, "")
	older := pvCreateVersion(t, f.owner, f.orgID)
	newer := pvCreateVersion(t, f.templateAdmin, f.orgID)

	jobs, err := f.owner.OrganizationProvisionerJobs(ctx, f.orgID, nil)
	require.NoError(t, err)
	require.Len(t, jobs, 3)
	assert.Equal(t, []uuid.UUID{newer.Job.ID, older.Job.ID, done.Job.ID}, pvJobIDs(jobs), "newest first")
	assert.Equal(t, codersdk.ProvisionerJobPending, jobs[0].Status)
	assert.Equal(t, 2, jobs[0].QueuePosition)
	assert.Equal(t, 1, jobs[1].QueuePosition)
	assert.Equal(t, 2, jobs[1].QueueSize)
	assert.Equal(t, codersdk.ProvisionerJobSucceeded, jobs[2].Status)
	assert.Equal(t, 0, jobs[2].QueuePosition)
	assert.Equal(t, newer.Name, jobs[0].Metadata.TemplateVersionName)
	require.NotNil(t, jobs[0].Input.TemplateVersionID)
	assert.Equal(t, newer.ID, *jobs[0].Input.TemplateVersionID)

	jobs, err = f.templateAdmin.OrganizationProvisionerJobs(ctx, f.orgID, &codersdk.OrganizationProvisionerJobsOptions{Limit: 1})
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{newer.Job.ID}, pvJobIDs(jobs))

	jobs, err = f.owner.OrganizationProvisionerJobs(ctx, f.orgID, &codersdk.OrganizationProvisionerJobsOptions{
		Status: []codersdk.ProvisionerJobStatus{codersdk.ProvisionerJobSucceeded},
	})
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{done.Job.ID}, pvJobIDs(jobs))

	jobs, err = f.owner.OrganizationProvisionerJobs(ctx, f.orgID, &codersdk.OrganizationProvisionerJobsOptions{
		Status: []codersdk.ProvisionerJobStatus{codersdk.ProvisionerJobPending}, Limit: 1,
	})
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{newer.Job.ID}, pvJobIDs(jobs))

	_, err = f.owner.OrganizationProvisionerJobs(ctx, f.orgID, &codersdk.OrganizationProvisionerJobsOptions{Status: []codersdk.ProvisionerJobStatus{"stuck"}})
	pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), "status")
	res, err := f.owner.Request(ctx, http.MethodGet, "/api/v2/organizations/default/provisionerjobs?limit=-1", nil)
	require.NoError(t, err)
	pvRequireField(t, pvRequireStatus(t, codersdk.ReadBodyAsError(res), http.StatusBadRequest), "limit")

	// The other organization's queue is its own.
	jobs, err = f.outsider.OrganizationProvisionerJobs(ctx, f.otherOrgID, nil)
	require.NoError(t, err)
	assert.Empty(t, jobs)
	require.NotNil(t, jobs)

	// Members do not see the queue; outsiders do not see the organization.
	_, err = f.member.OrganizationProvisionerJobs(ctx, f.orgID, nil)
	pvRequireStatus(t, err, http.StatusForbidden)
	_, err = f.outsider.OrganizationProvisionerJobs(ctx, f.orgID, nil)
	pvRequireStatus(t, err, http.StatusNotFound)

	t.Run("One", func(t *testing.T) {
		t.Parallel()
		job, err := f.owner.OrganizationProvisionerJob(ctx, f.orgID, older.Job.ID)
		require.NoError(t, err)
		assert.Equal(t, older.Job.ID, job.ID)
		assert.Equal(t, codersdk.ProvisionerJobPending, job.Status)
		assert.Equal(t, 1, job.QueuePosition)
		assert.Equal(t, f.ownerUser.ID, job.InitiatorID)

		_, err = f.owner.OrganizationProvisionerJob(ctx, f.otherOrgID, older.Job.ID)
		pvRequireStatus(t, err, http.StatusNotFound)
		_, err = f.owner.OrganizationProvisionerJob(ctx, f.orgID, uuid.New())
		pvRequireStatus(t, err, http.StatusNotFound)
		_, err = f.member.OrganizationProvisionerJob(ctx, f.orgID, older.Job.ID)
		pvRequireStatus(t, err, http.StatusNotFound)
		res, err := f.owner.Request(ctx, http.MethodGet, "/api/v2/organizations/default/provisionerjobs/nope", nil)
		require.NoError(t, err)
		pvRequireField(t, pvRequireStatus(t, codersdk.ReadBodyAsError(res), http.StatusBadRequest), "job")
	})
}

func pvJobIDs(jobs []codersdk.ProvisionerJob) []uuid.UUID {
	ids := make([]uuid.UUID, 0, len(jobs))
	for _, j := range jobs {
		ids = append(ids, j.ID)
	}
	return ids
}

func TestProvisionerDaemons(t *testing.T) {
	t.Parallel()
	f := newProvFixture(t)
	ctx := t.Context()

	daemons, err := f.member.OrganizationProvisionerDaemons(ctx, f.orgID)
	require.NoError(t, err)
	require.NotNil(t, daemons)
	assert.Empty(t, daemons)

	now := dbtime.Now()
	upsert := func(name string, seen time.Time, tags string) database.ProvisionerDaemon {
		d, err := f.db.UpsertProvisionerDaemon(ctx, database.UpsertProvisionerDaemonParams{
			ID: uuid.New(), OrganizationID: f.orgID, Name: name, CreatedAt: seen,
			Provisioners: []string{"echo", "terraform"}, Tags: json.RawMessage(tags), Version: "v2.0.0", ApiVersion: "1.0",
		})
		require.NoError(t, err)
		return d
	}
	busy := upsert("a-busy", now, `{"scope":"organization"}`)
	idle := upsert("b-idle", now, `{"scope":"organization"}`)
	upsert("c-gone", now.Add(-time.Hour), `{"scope":"organization","region":"eu"}`)

	// A pending version can see which daemons could take its import.
	v := pvCreateVersion(t, f.owner, f.orgID)
	require.NotNil(t, v.MatchedProvisioners)
	assert.Equal(t, 3, v.MatchedProvisioners.Count)
	assert.Equal(t, 2, v.MatchedProvisioners.Available)
	require.NotNil(t, v.MatchedProvisioners.MostRecentlySeen)

	job := pvStartJob(t, f.db, f.orgID, uuid.NullUUID{UUID: busy.ID, Valid: true})
	require.Equal(t, v.Job.ID, job.ID)

	for _, c := range []*codersdk.Client{f.owner, f.templateAdmin, f.member} {
		daemons, err = c.OrganizationProvisionerDaemons(ctx, f.orgID)
		require.NoError(t, err)
		require.Len(t, daemons, 3)
		byName := map[string]codersdk.ProvisionerDaemon{}
		for _, d := range daemons {
			byName[d.Name] = d
			require.NotNil(t, d.Status)
			require.NotNil(t, d.KeyName)
			assert.Equal(t, f.orgID, d.OrganizationID)
			assert.Equal(t, []codersdk.ProvisionerType{codersdk.ProvisionerTypeEcho, codersdk.ProvisionerTypeTerraform}, d.Provisioners)
		}
		b := byName["a-busy"]
		assert.Equal(t, busy.ID, b.ID)
		assert.Equal(t, codersdk.ProvisionerDaemonBusy, *b.Status)
		require.NotNil(t, b.CurrentJob)
		assert.Equal(t, job.ID, b.CurrentJob.ID)
		assert.Equal(t, "v2.0.0", b.Version)
		assert.Equal(t, "1.0", b.APIVersion)
		i := byName["b-idle"]
		assert.Equal(t, idle.ID, i.ID)
		assert.Equal(t, codersdk.ProvisionerDaemonIdle, *i.Status)
		assert.Nil(t, i.CurrentJob)
		g := byName["c-gone"]
		assert.Equal(t, codersdk.ProvisionerDaemonOffline, *g.Status)
		assert.Equal(t, map[string]string{"scope": "organization", "region": "eu"}, g.Tags)
	}

	// Owners see the running job with its status and worker.
	daemons, err = f.owner.OrganizationProvisionerDaemons(ctx, f.orgID)
	require.NoError(t, err)
	for _, d := range daemons {
		if d.Name == "a-busy" {
			assert.Equal(t, codersdk.ProvisionerJobRunning, d.CurrentJob.Status)
		}
	}
	got, err := f.owner.OrganizationProvisionerJob(ctx, f.orgID, job.ID)
	require.NoError(t, err)
	assert.Equal(t, codersdk.ProvisionerJobRunning, got.Status)
	require.NotNil(t, got.WorkerID)
	assert.Equal(t, busy.ID, *got.WorkerID)
	assert.Equal(t, "a-busy", got.WorkerName)

	_, err = f.outsider.OrganizationProvisionerDaemons(ctx, f.orgID)
	pvRequireStatus(t, err, http.StatusNotFound)
}
