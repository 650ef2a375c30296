package coderd_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// awaitDryRun follows a dry run's logs until the server ends the stream
// (the job completed) and returns them with the job as it is then.
func awaitDryRun(t *testing.T, client *codersdk.Client, versionID, jobID uuid.UUID) (codersdk.ProvisionerJob, []codersdk.ProvisionerJobLog) {
	t.Helper()
	// A bound on a hung daemon, not an expectation of speed.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	stream, closer, err := client.TemplateVersionDryRunLogsAfter(ctx, versionID, jobID, 0)
	require.NoError(t, err)
	defer closer.Close()
	var logs []codersdk.ProvisionerJobLog
	for l := range stream {
		logs = append(logs, l)
	}
	require.NoError(t, ctx.Err(), "the dry run did not complete")
	job, err := client.TemplateVersionDryRun(t.Context(), versionID, jobID)
	require.NoError(t, err)
	require.False(t, job.Status.Active(), "the log stream ended while the dry run is %s", job.Status)
	return job, logs
}

func dryRunOutputs(logs []codersdk.ProvisionerJobLog) []string {
	out := make([]string, 0, len(logs))
	for _, l := range logs {
		out = append(out, l.Output)
	}
	return out
}

// TestTemplateVersionDryRun plans the echo template on the in-process
// daemon and reads what it planned, then checks who may do so.
func TestTemplateVersionDryRun(t *testing.T) {
	t.Parallel()
	f, v := newTemplateFixture(t)
	ctx := t.Context()
	admin := f.templateAdmin

	job, err := admin.CreateTemplateVersionDryRun(ctx, v.ID, codersdk.CreateTemplateVersionDryRunRequest{
		WorkspaceName:       "dry",
		RichParameterValues: []codersdk.WorkspaceBuildParameter{{Name: "region", Value: "eu"}},
	})
	require.NoError(t, err)
	assert.Equal(t, codersdk.ProvisionerJobTypeTemplateVersionDryRun, job.Type)
	assert.Equal(t, f.templateAdminUser.ID, job.InitiatorID)
	assert.Equal(t, f.orgID, job.OrganizationID)
	assert.Equal(t, v.Job.FileID, job.FileID, "the dry run plans the imported file")
	assert.Equal(t, v.Job.Tags, job.Tags)
	require.NotNil(t, job.Input.TemplateVersionID)
	assert.Equal(t, v.ID, *job.Input.TemplateVersionID)
	assert.Equal(t, v.Name, job.Metadata.TemplateVersionName)

	done, followed := awaitDryRun(t, admin, v.ID, job.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, done.Status, done.Error)
	assert.NotNil(t, done.CompletedAt)
	// The given region and the CPU count's default both reached the plan.
	assert.Contains(t, dryRunOutputs(followed), "Starting dry in eu with 2 CPUs")

	t.Run("Logs", func(t *testing.T) {
		stored, err := admin.TemplateVersionDryRunLogs(ctx, v.ID, job.ID, 0)
		require.NoError(t, err)
		require.NotEmpty(t, stored)
		assert.Equal(t, dryRunOutputs(followed), dryRunOutputs(stored), "following and listing agree")
		rest, err := admin.TemplateVersionDryRunLogs(ctx, v.ID, job.ID, stored[0].ID)
		require.NoError(t, err)
		assert.Equal(t, dryRunOutputs(stored[1:]), dryRunOutputs(rest))
	})

	t.Run("Resources", func(t *testing.T) {
		resources, err := admin.TemplateVersionDryRunResources(ctx, v.ID, job.ID)
		require.NoError(t, err)
		var dev *codersdk.WorkspaceResource
		for i, res := range resources {
			assert.Equal(t, job.ID, res.JobID)
			assert.Equal(t, codersdk.WorkspaceTransitionStart, res.Transition)
			if res.Name == "dev" {
				dev = &resources[i]
			}
		}
		require.NotNil(t, dev, "the container is planned: %+v", resources)
		require.Len(t, dev.Agents, 1)
		assert.Equal(t, "main", dev.Agents[0].Name)
		require.Len(t, dev.Agents[0].Apps, 1)
		assert.Equal(t, "code-server", dev.Agents[0].Apps[0].Slug)
		metadata := map[string]string{}
		for _, m := range dev.Metadata {
			metadata[m.Key] = m.Value
		}
		assert.Equal(t, "eu", metadata["region"])
		assert.Equal(t, "2", metadata["cpu"])
	})

	t.Run("MatchedProvisioners", func(t *testing.T) {
		matched, err := admin.TemplateVersionDryRunMatchedProvisioners(ctx, v.ID, job.ID)
		require.NoError(t, err)
		assert.Equal(t, 1, matched.Count, "the in-process daemon")
		assert.Equal(t, 1, matched.Available)
		assert.NotNil(t, matched.MostRecentlySeen)
	})

	t.Run("CancelCompleted", func(t *testing.T) {
		err := admin.CancelTemplateVersionDryRun(ctx, v.ID, job.ID)
		assert.Contains(t, pvRequireStatus(t, err, http.StatusBadRequest).Message, "already completed")
	})

	t.Run("Validation", func(t *testing.T) {
		cases := []struct {
			name  string
			req   codersdk.CreateTemplateVersionDryRunRequest
			field string
		}{
			{"UnknownParameter", codersdk.CreateTemplateVersionDryRunRequest{
				RichParameterValues: []codersdk.WorkspaceBuildParameter{{Name: "color", Value: "red"}},
			}, "rich_parameter_values[0].name"},
			{"BadOption", codersdk.CreateTemplateVersionDryRunRequest{
				RichParameterValues: []codersdk.WorkspaceBuildParameter{{Name: "region", Value: "mars"}},
			}, "region"},
			{"OutOfRange", codersdk.CreateTemplateVersionDryRunRequest{
				RichParameterValues: []codersdk.WorkspaceBuildParameter{{Name: "cpu", Value: "9"}},
			}, "cpu"},
			{"UnnamedVariable", codersdk.CreateTemplateVersionDryRunRequest{
				UserVariableValues: []codersdk.VariableValue{{Value: "x"}},
			}, "user_variable_values[0].name"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := admin.CreateTemplateVersionDryRun(ctx, v.ID, tc.req)
				pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), tc.field)
			})
		}
	})

	t.Run("FailedImport", func(t *testing.T) {
		bad := coderdtest.CreateTemplateVersion(t, admin, f.orgID, echoImportFailure(t), uuid.Nil)
		bad = coderdtest.AwaitTemplateVersionJobCompleted(t, admin, bad.ID)
		require.Equal(t, codersdk.ProvisionerJobFailed, bad.Job.Status)
		_, err := admin.CreateTemplateVersionDryRun(ctx, bad.ID, codersdk.CreateTemplateVersionDryRunRequest{})
		assert.Contains(t, pvRequireStatus(t, err, http.StatusBadRequest).Message, "failed")
	})

	t.Run("NotADryRunOfThisVersion", func(t *testing.T) {
		other := coderdtest.AwaitTemplateVersionJobCompleted(t, admin, coderdtest.CreateTemplateVersion(t, admin, f.orgID, nil, uuid.Nil).ID)
		require.Equal(t, codersdk.ProvisionerJobSucceeded, other.Job.Status)
		_, err := admin.TemplateVersionDryRun(ctx, other.ID, job.ID)
		pvRequireStatus(t, err, http.StatusNotFound)
		_, err = admin.TemplateVersionDryRunResources(ctx, other.ID, job.ID)
		pvRequireStatus(t, err, http.StatusNotFound)
		_, err = admin.TemplateVersionDryRunLogs(ctx, other.ID, job.ID, 0)
		pvRequireStatus(t, err, http.StatusNotFound)
		pvRequireStatus(t, admin.CancelTemplateVersionDryRun(ctx, other.ID, job.ID), http.StatusNotFound)
		// The version's own import job is no dry run.
		_, err = admin.TemplateVersionDryRun(ctx, v.ID, v.Job.ID)
		pvRequireStatus(t, err, http.StatusNotFound)
		_, err = admin.TemplateVersionDryRun(ctx, v.ID, uuid.New())
		pvRequireStatus(t, err, http.StatusNotFound)
		// A malformed ID is a 400 naming it, as every ID parameter (and
		// upstream) answers.
		res := coderdtest.RawRequest(t, admin, http.MethodGet, "/api/v2/templateversions/"+v.ID.String()+"/dry-run/not-a-uuid", nil)
		assert.Equal(t, http.StatusBadRequest, res.Status)
		assert.Equal(t, []string{"jobID"}, res.Fields(t))
	})

	t.Run("Outsider", func(t *testing.T) {
		_, err := f.outsider.CreateTemplateVersionDryRun(ctx, v.ID, codersdk.CreateTemplateVersionDryRunRequest{})
		pvRequireStatus(t, err, http.StatusNotFound)
		_, err = f.outsider.TemplateVersionDryRun(ctx, v.ID, job.ID)
		pvRequireStatus(t, err, http.StatusNotFound)
		_, err = f.outsider.TemplateVersionDryRunResources(ctx, v.ID, job.ID)
		pvRequireStatus(t, err, http.StatusNotFound)
	})

	t.Run("MemberThroughEveryone", func(t *testing.T) {
		// An unattached version is its template admins' alone.
		_, err := f.member.CreateTemplateVersionDryRun(ctx, v.ID, codersdk.CreateTemplateVersionDryRunRequest{})
		pvRequireStatus(t, err, http.StatusNotFound)

		coderdtest.CreateTemplate(t, admin, f.orgID, v.ID)
		mine, err := f.member.CreateTemplateVersionDryRun(ctx, v.ID, codersdk.CreateTemplateVersionDryRunRequest{WorkspaceName: "mine"})
		require.NoError(t, err, "the Everyone group may use the template")
		assert.Equal(t, f.memberUser.ID, mine.InitiatorID)
		done, logs := awaitDryRun(t, f.member, v.ID, mine.ID)
		require.Equal(t, codersdk.ProvisionerJobSucceeded, done.Status, done.Error)
		assert.Contains(t, dryRunOutputs(logs), "Starting mine in us with 2 CPUs", "defaults throughout")
		resources, err := f.member.TemplateVersionDryRunResources(ctx, v.ID, mine.ID)
		require.NoError(t, err)
		assert.NotEmpty(t, resources)
		matched, err := f.member.TemplateVersionDryRunMatchedProvisioners(ctx, v.ID, mine.ID)
		require.NoError(t, err)
		assert.Equal(t, 1, matched.Count)

		// A dry run is its initiator's, like the workspace it plans.
		_, err = f.member.TemplateVersionDryRun(ctx, v.ID, job.ID)
		pvRequireStatus(t, err, http.StatusNotFound)
		_, err = admin.TemplateVersionDryRun(ctx, v.ID, mine.ID)
		require.NoError(t, err, "template admins read members' workspaces")
		// Canceling is changing the template's jobs.
		pvRequireStatus(t, f.member.CancelTemplateVersionDryRun(ctx, v.ID, mine.ID), http.StatusForbidden)
	})
}

// TestTemplateVersionDryRunCancel runs without a daemon, completing the
// import by hand, so the dry run stays pending until canceled.
func TestTemplateVersionDryRunCancel(t *testing.T) {
	t.Parallel()
	f := newProvFixture(t)
	ctx := t.Context()
	v := pvCreateVersion(t, f.owner, f.orgID)

	_, err := f.owner.CreateTemplateVersionDryRun(ctx, v.ID, codersdk.CreateTemplateVersionDryRunRequest{})
	assert.Contains(t, pvRequireStatus(t, err, http.StatusBadRequest).Message, "pending", "the import has not run")

	imp := pvStartJob(t, f.db, f.orgID, uuid.NullUUID{})
	require.Equal(t, v.Job.ID, imp.ID)
	pvCompleteJob(t, f.db, imp.ID, "")

	job, err := f.owner.CreateTemplateVersionDryRun(ctx, v.ID, codersdk.CreateTemplateVersionDryRunRequest{WorkspaceName: "dry"})
	require.NoError(t, err)
	assert.Equal(t, codersdk.ProvisionerJobPending, job.Status)
	assert.Equal(t, 1, job.QueuePosition)

	matched, err := f.owner.TemplateVersionDryRunMatchedProvisioners(ctx, v.ID, job.ID)
	require.NoError(t, err)
	assert.Equal(t, 0, matched.Count, "no daemon runs")

	// The member cannot see the unattached version at all.
	pvRequireStatus(t, f.member.CancelTemplateVersionDryRun(ctx, v.ID, job.ID), http.StatusNotFound)

	require.NoError(t, f.owner.CancelTemplateVersionDryRun(ctx, v.ID, job.ID))
	got, err := f.owner.TemplateVersionDryRun(ctx, v.ID, job.ID)
	require.NoError(t, err)
	assert.Equal(t, codersdk.ProvisionerJobCanceled, got.Status, "a pending job is canceled at once")
	assert.NotNil(t, got.CanceledAt)
	assert.NotNil(t, got.CompletedAt)
	err = f.owner.CancelTemplateVersionDryRun(ctx, v.ID, job.ID)
	pvRequireStatus(t, err, http.StatusBadRequest)

	// A running dry run is marked canceling for its daemon to stop.
	running, err := f.templateAdmin.CreateTemplateVersionDryRun(ctx, v.ID, codersdk.CreateTemplateVersionDryRunRequest{})
	require.NoError(t, err)
	started := pvStartJob(t, f.db, f.orgID, uuid.NullUUID{})
	require.Equal(t, running.ID, started.ID)
	require.NoError(t, f.templateAdmin.CancelTemplateVersionDryRun(ctx, v.ID, running.ID))
	got, err = f.templateAdmin.TemplateVersionDryRun(ctx, v.ID, running.ID)
	require.NoError(t, err)
	assert.Equal(t, codersdk.ProvisionerJobCanceling, got.Status)
	pvRequireStatus(t, f.templateAdmin.CancelTemplateVersionDryRun(ctx, v.ID, running.ID), http.StatusBadRequest)
}
