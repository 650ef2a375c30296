package coderd_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/archive"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/pubsub"
)

// provFixture is a server with the raw store under it (to play the part of
// a provisioner daemon, which these tests do not run), the default
// organization and a second one, and a client per kind of actor.
type provFixture struct {
	api               *coderd.API
	db                database.Store
	orgID, otherOrgID uuid.UUID
	// owner is the site owner; templateAdmin has the site template-admin
	// role; member is a plain member of the default organization.
	owner, templateAdmin, member *codersdk.Client
	// outsider is organization-admin of the other organization only.
	outsider                                               *codersdk.Client
	ownerUser, templateAdminUser, memberUser, outsiderUser codersdk.User
}

func newProvFixture(t *testing.T) *provFixture {
	t.Helper()
	return newProvFixtureWith(t, nil)
}

// newProvFixtureWith is newProvFixture on a server started with opts (for
// instance with a provisioner daemon).
func newProvFixtureWith(t *testing.T, opts *coderdtest.Options) *provFixture {
	t.Helper()
	ctx := t.Context()
	client, api, db := coderdtest.NewWithDatabase(t, opts)
	first := coderdtest.CreateFirstUser(t, client)
	ownerUser, err := client.User(ctx, codersdk.Me)
	require.NoError(t, err)
	f := &provFixture{api: api, db: db, orgID: first.OrganizationID, owner: client, ownerUser: ownerUser}
	f.templateAdmin, f.templateAdminUser = coderdtest.CreateAnotherUser(t, client, f.orgID, "template-admin")
	f.member, f.memberUser = coderdtest.CreateAnotherUser(t, client, f.orgID)

	other, err := client.CreateOrganization(ctx, codersdk.CreateOrganizationRequest{Name: "other-org"})
	require.NoError(t, err)
	f.otherOrgID = other.ID
	f.outsider, f.outsiderUser = coderdtest.CreateAnotherUser(t, client, f.otherOrgID)
	_, err = client.UpdateOrganizationMemberRoles(ctx, f.otherOrgID, f.outsiderUser.ID.String(),
		codersdk.UpdateRoles{Roles: []string{"organization-admin"}})
	require.NoError(t, err)
	return f
}

// pvTar builds a tar archive.
func pvTar(t *testing.T, files map[string]string) []byte {
	t.Helper()
	data, err := archive.CreateTar(files)
	require.NoError(t, err)
	return data
}

// pvUpload uploads a small template as client and returns its file ID.
func pvUpload(t *testing.T, client *codersdk.Client) uuid.UUID {
	t.Helper()
	up, err := client.Upload(t.Context(), codersdk.ContentTypeTar, bytes.NewReader(pvTar(t, map[string]string{"main.tf": "# template\n"})))
	require.NoError(t, err)
	return up.ID
}

// pvCreateVersion uploads a template and creates a version of it as client.
func pvCreateVersion(t *testing.T, client *codersdk.Client, orgID uuid.UUID) codersdk.TemplateVersion {
	t.Helper()
	v, err := client.CreateTemplateVersion(t.Context(), orgID, codersdk.CreateTemplateVersionRequest{
		FileID: pvUpload(t, client), StorageMethod: codersdk.ProvisionerStorageMethodFile,
		Provisioner: codersdk.ProvisionerTypeEcho,
	})
	require.NoError(t, err)
	return v
}

// pvRequireStatus asserts err is an API error with the given status.
func pvRequireStatus(t *testing.T, err error, status int) *codersdk.Error {
	t.Helper()
	require.Error(t, err)
	var apiErr *codersdk.Error
	require.True(t, errors.As(err, &apiErr), "not an API error: %v", err)
	require.Equal(t, status, apiErr.StatusCode(), "%v", err)
	return apiErr
}

// pvRequireField asserts the error carries a validation for field.
func pvRequireField(t *testing.T, apiErr *codersdk.Error, field string) {
	t.Helper()
	for _, v := range apiErr.Validations {
		if v.Field == field {
			return
		}
	}
	t.Fatalf("no validation for %q in %+v", field, apiErr.Validations)
}

// pvStartJob acquires the organization's oldest pending job as a daemon
// would, optionally as worker.
func pvStartJob(t *testing.T, db database.Store, orgID uuid.UUID, worker uuid.NullUUID) database.ProvisionerJob {
	t.Helper()
	now := dbtime.Now()
	job, err := db.AcquireProvisionerJob(t.Context(), database.AcquireProvisionerJobParams{
		StartedAt: &now, WorkerID: worker, OrganizationID: orgID,
		Types: []string{"echo", "terraform"}, Tags: json.RawMessage(`{"scope":"organization"}`),
	})
	require.NoError(t, err)
	return job
}

// pvCompleteJob completes a job as its daemon would; errMsg non-empty fails it.
func pvCompleteJob(t *testing.T, db database.Store, jobID uuid.UUID, errMsg string) {
	t.Helper()
	now := dbtime.Now()
	p := database.UpdateProvisionerJobWithCompleteByIDParams{ID: jobID, CompletedAt: &now}
	if errMsg != "" {
		p.Error = &errMsg
	}
	require.NoError(t, db.UpdateProvisionerJobWithCompleteByID(t.Context(), p))
}

// pvInsertLogs stores logs of a job as its daemon would.
func pvInsertLogs(t *testing.T, db database.Store, jobID uuid.UUID, outputs ...string) []database.ProvisionerJobLog {
	t.Helper()
	p := database.InsertProvisionerJobLogsParams{JobID: jobID}
	for _, o := range outputs {
		p.CreatedAt = append(p.CreatedAt, dbtime.Now())
		p.Source = append(p.Source, "provisioner")
		p.Level = append(p.Level, "info")
		p.Stage = append(p.Stage, "Planning")
		p.Output = append(p.Output, o)
	}
	logs, err := db.InsertProvisionerJobLogs(t.Context(), p)
	require.NoError(t, err)
	return logs
}

var generatedVersionName = regexp.MustCompile(`^[a-z]+_[a-z]+[0-9]$`)

func TestPostTemplateVersion(t *testing.T) {
	t.Parallel()
	f := newProvFixture(t)
	ctx := t.Context()

	t.Run("Owner", func(t *testing.T) {
		t.Parallel()
		fileID := pvUpload(t, f.owner)
		v, err := f.owner.CreateTemplateVersion(ctx, f.orgID, codersdk.CreateTemplateVersionRequest{
			FileID: fileID, StorageMethod: codersdk.ProvisionerStorageMethodFile, Provisioner: codersdk.ProvisionerTypeEcho,
			Message: "first cut", ProvisionerTags: map[string]string{"region": "eu"},
			UserVariableValues: []codersdk.VariableValue{{Name: "region", Value: "eu"}},
		})
		require.NoError(t, err)
		assert.Regexp(t, generatedVersionName, v.Name, "a friendly generated name")
		assert.Equal(t, "first cut", v.Message)
		assert.Equal(t, f.orgID, v.OrganizationID)
		assert.Nil(t, v.TemplateID)
		assert.False(t, v.Archived)
		assert.Equal(t, f.ownerUser.ID, v.CreatedBy.ID)
		assert.Equal(t, "owner", v.CreatedBy.Username)

		job := v.Job
		assert.Equal(t, codersdk.ProvisionerJobPending, job.Status)
		assert.Equal(t, codersdk.ProvisionerJobTypeTemplateVersionImport, job.Type)
		assert.GreaterOrEqual(t, job.QueuePosition, 1)
		assert.GreaterOrEqual(t, job.QueueSize, job.QueuePosition)
		assert.Equal(t, fileID, job.FileID)
		assert.Equal(t, f.ownerUser.ID, job.InitiatorID)
		assert.Equal(t, f.orgID, job.OrganizationID)
		assert.Equal(t, map[string]string{"region": "eu", "scope": "organization"}, job.Tags)
		require.NotNil(t, job.Input.TemplateVersionID)
		assert.Equal(t, v.ID, *job.Input.TemplateVersionID)
		assert.Equal(t, v.Name, job.Metadata.TemplateVersionName)
		assert.Nil(t, job.StartedAt)
		require.NotNil(t, v.MatchedProvisioners, "a pending job says which daemons could take it")
		assert.Equal(t, 0, v.MatchedProvisioners.Count)

		// The job's input carries the variables for the daemon.
		raw, err := f.db.GetProvisionerJobByID(ctx, job.ID)
		require.NoError(t, err)
		var input struct {
			TemplateVersionID  uuid.UUID                `json:"template_version_id"`
			UserVariableValues []codersdk.VariableValue `json:"user_variable_values"`
		}
		require.NoError(t, json.Unmarshal(raw.Input, &input))
		assert.Equal(t, v.ID, input.TemplateVersionID)
		assert.Equal(t, []codersdk.VariableValue{{Name: "region", Value: "eu"}}, input.UserVariableValues)

		got, err := f.owner.TemplateVersion(ctx, v.ID)
		require.NoError(t, err)
		assert.Equal(t, v.ID, got.ID)
		assert.Equal(t, v.Name, got.Name)
	})

	t.Run("TemplateAdminWithAnotherUsersFile", func(t *testing.T) {
		t.Parallel()
		v, err := f.templateAdmin.CreateTemplateVersion(ctx, f.orgID, codersdk.CreateTemplateVersionRequest{
			Name: "v1.0-beta", FileID: pvUpload(t, f.member), Provisioner: codersdk.ProvisionerTypeTerraform,
		})
		require.NoError(t, err)
		assert.Equal(t, "v1.0-beta", v.Name)
		assert.Equal(t, codersdk.ProvisionerJobPending, v.Job.Status)
		assert.Equal(t, f.templateAdminUser.ID, v.CreatedBy.ID)
	})

	t.Run("MemberForbidden", func(t *testing.T) {
		t.Parallel()
		_, err := f.member.CreateTemplateVersion(ctx, f.orgID, codersdk.CreateTemplateVersionRequest{
			FileID: pvUpload(t, f.member), Provisioner: codersdk.ProvisionerTypeEcho,
		})
		pvRequireStatus(t, err, http.StatusForbidden)
	})

	t.Run("OutsiderCannotSeeOrganization", func(t *testing.T) {
		t.Parallel()
		_, err := f.outsider.CreateTemplateVersion(ctx, f.orgID, codersdk.CreateTemplateVersionRequest{
			FileID: pvUpload(t, f.outsider), Provisioner: codersdk.ProvisionerTypeEcho,
		})
		pvRequireStatus(t, err, http.StatusNotFound)
	})

	t.Run("Validation", func(t *testing.T) {
		t.Parallel()
		fileID := pvUpload(t, f.owner)
		for _, tc := range []struct {
			name  string
			req   codersdk.CreateTemplateVersionRequest
			field string
		}{
			{"NoFile", codersdk.CreateTemplateVersionRequest{Provisioner: codersdk.ProvisionerTypeEcho}, "file_id"},
			{"Example", codersdk.CreateTemplateVersionRequest{ExampleID: "no-such-example", Provisioner: codersdk.ProvisionerTypeEcho}, "example_id"},
			{"Provisioner", codersdk.CreateTemplateVersionRequest{FileID: fileID, Provisioner: "pulumi"}, "provisioner"},
			{"NoProvisioner", codersdk.CreateTemplateVersionRequest{FileID: fileID}, "provisioner"},
			{"StorageMethod", codersdk.CreateTemplateVersionRequest{FileID: fileID, Provisioner: codersdk.ProvisionerTypeEcho, StorageMethod: "s3"}, "storage_method"},
			{"Template", codersdk.CreateTemplateVersionRequest{FileID: fileID, Provisioner: codersdk.ProvisionerTypeEcho, TemplateID: uuid.New()}, "template_id"},
			{"Name", codersdk.CreateTemplateVersionRequest{FileID: fileID, Provisioner: codersdk.ProvisionerTypeEcho, Name: "not a name"}, "name"},
			{"UnknownFile", codersdk.CreateTemplateVersionRequest{FileID: uuid.New(), Provisioner: codersdk.ProvisionerTypeEcho}, "file_id"},
			{"Variable", codersdk.CreateTemplateVersionRequest{FileID: fileID, Provisioner: codersdk.ProvisionerTypeEcho, UserVariableValues: []codersdk.VariableValue{{Value: "x"}}}, "user_variable_values[0].name"},
		} {
			_, err := f.owner.CreateTemplateVersion(ctx, f.orgID, tc.req)
			apiErr := pvRequireStatus(t, err, http.StatusBadRequest)
			pvRequireField(t, apiErr, tc.field)
		}
	})
}

func TestTemplateVersionVisibility(t *testing.T) {
	t.Parallel()
	f := newProvFixture(t)
	ctx := t.Context()
	v := pvCreateVersion(t, f.templateAdmin, f.orgID)

	_, err := f.owner.TemplateVersion(ctx, v.ID)
	require.NoError(t, err)
	// A version attached to no template is for template authors only.
	_, err = f.member.TemplateVersion(ctx, v.ID)
	pvRequireStatus(t, err, http.StatusNotFound)
	_, err = f.outsider.TemplateVersion(ctx, v.ID)
	pvRequireStatus(t, err, http.StatusNotFound)
	_, err = f.owner.TemplateVersion(ctx, uuid.New())
	pvRequireStatus(t, err, http.StatusNotFound)

	res, err := f.owner.Request(ctx, http.MethodGet, "/api/v2/templateversions/latest", nil)
	require.NoError(t, err)
	pvRequireField(t, pvRequireStatus(t, codersdk.ReadBodyAsError(res), http.StatusBadRequest), "templateversion")
}

func TestPatchTemplateVersion(t *testing.T) {
	t.Parallel()
	f := newProvFixture(t)
	ctx := t.Context()
	v := pvCreateVersion(t, f.owner, f.orgID)

	updated, err := f.templateAdmin.UpdateTemplateVersion(ctx, v.ID, codersdk.PatchTemplateVersionRequest{Name: "release_2"})
	require.NoError(t, err)
	assert.Equal(t, "release_2", updated.Name)
	assert.Equal(t, v.Message, updated.Message, "left alone")

	msg := "now with a message"
	updated, err = f.owner.UpdateTemplateVersion(ctx, v.ID, codersdk.PatchTemplateVersionRequest{Message: &msg})
	require.NoError(t, err)
	assert.Equal(t, "release_2", updated.Name, "left alone")
	assert.Equal(t, msg, updated.Message)
	assert.True(t, !updated.UpdatedAt.Before(v.UpdatedAt))

	got, err := f.owner.TemplateVersion(ctx, v.ID)
	require.NoError(t, err)
	assert.Equal(t, "release_2", got.Name)
	assert.Equal(t, msg, got.Message)

	_, err = f.owner.UpdateTemplateVersion(ctx, v.ID, codersdk.PatchTemplateVersionRequest{Name: "-bad-"})
	pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), "name")
	_, err = f.member.UpdateTemplateVersion(ctx, v.ID, codersdk.PatchTemplateVersionRequest{Name: "mine"})
	pvRequireStatus(t, err, http.StatusNotFound)
	// The 409 for a name taken within a template needs templates, which
	// arrive with a later change.
}

func TestCancelTemplateVersion(t *testing.T) {
	t.Parallel()

	t.Run("Pending", func(t *testing.T) {
		t.Parallel()
		f := newProvFixture(t)
		ctx := t.Context()
		v := pvCreateVersion(t, f.owner, f.orgID)

		err := f.member.CancelTemplateVersion(ctx, v.ID)
		pvRequireStatus(t, err, http.StatusNotFound)

		require.NoError(t, f.templateAdmin.CancelTemplateVersion(ctx, v.ID))
		got, err := f.owner.TemplateVersion(ctx, v.ID)
		require.NoError(t, err)
		assert.Equal(t, codersdk.ProvisionerJobCanceled, got.Job.Status, "a pending job is canceled at once")
		assert.NotNil(t, got.Job.CanceledAt)
		assert.NotNil(t, got.Job.CompletedAt)
		assert.Equal(t, 0, got.Job.QueuePosition)

		err = f.owner.CancelTemplateVersion(ctx, v.ID)
		pvRequireStatus(t, err, http.StatusBadRequest)
	})

	t.Run("Running", func(t *testing.T) {
		t.Parallel()
		f := newProvFixture(t)
		ctx := t.Context()
		v := pvCreateVersion(t, f.owner, f.orgID)
		job := pvStartJob(t, f.db, f.orgID, uuid.NullUUID{})
		require.Equal(t, v.Job.ID, job.ID)

		got, err := f.owner.TemplateVersion(ctx, v.ID)
		require.NoError(t, err)
		assert.Equal(t, codersdk.ProvisionerJobRunning, got.Job.Status)
		assert.Nil(t, got.MatchedProvisioners, "only pending jobs look for daemons")

		// The daemon hears of the cancellation through the job's log event.
		heard := make(chan struct{}, 1)
		cancelSub, err := f.api.Pubsub.Subscribe(pubsub.EventProvisionerJobLogs(job.ID.String()), func(context.Context, []byte) {
			select {
			case heard <- struct{}{}:
			default:
			}
		})
		require.NoError(t, err)
		defer cancelSub()

		require.NoError(t, f.owner.CancelTemplateVersion(ctx, v.ID))
		select {
		case <-heard:
		case <-time.After(15 * time.Second):
			t.Fatal("cancel published no job event")
		}
		got, err = f.owner.TemplateVersion(ctx, v.ID)
		require.NoError(t, err)
		assert.Equal(t, codersdk.ProvisionerJobCanceling, got.Job.Status, "the daemon finishes a running job")
		err = f.owner.CancelTemplateVersion(ctx, v.ID)
		pvRequireStatus(t, err, http.StatusBadRequest)

		pvCompleteJob(t, f.db, job.ID, "canceled")
		got, err = f.owner.TemplateVersion(ctx, v.ID)
		require.NoError(t, err)
		assert.Equal(t, codersdk.ProvisionerJobCanceled, got.Job.Status)
	})

	t.Run("Completed", func(t *testing.T) {
		t.Parallel()
		f := newProvFixture(t)
		ctx := t.Context()
		v := pvCreateVersion(t, f.owner, f.orgID)
		pvStartJob(t, f.db, f.orgID, uuid.NullUUID{})
		pvCompleteJob(t, f.db, v.Job.ID, "")

		got, err := f.owner.TemplateVersion(ctx, v.ID)
		require.NoError(t, err)
		assert.Equal(t, codersdk.ProvisionerJobSucceeded, got.Job.Status)

		err = f.owner.CancelTemplateVersion(ctx, v.ID)
		apiErr := pvRequireStatus(t, err, http.StatusBadRequest)
		assert.Contains(t, apiErr.Message, "already completed")
	})

	t.Run("Failed", func(t *testing.T) {
		t.Parallel()
		f := newProvFixture(t)
		ctx := t.Context()
		v := pvCreateVersion(t, f.owner, f.orgID)
		pvStartJob(t, f.db, f.orgID, uuid.NullUUID{})
		pvCompleteJob(t, f.db, v.Job.ID, "terraform init: exit status 1")
		got, err := f.owner.TemplateVersion(ctx, v.ID)
		require.NoError(t, err)
		assert.Equal(t, codersdk.ProvisionerJobFailed, got.Job.Status)
		assert.Equal(t, "terraform init: exit status 1", got.Job.Error)
	})
}

func TestArchiveTemplateVersion(t *testing.T) {
	t.Parallel()
	f := newProvFixture(t)
	ctx := t.Context()
	v := pvCreateVersion(t, f.owner, f.orgID)

	err := f.owner.SetArchiveTemplateVersion(ctx, v.ID, true)
	apiErr := pvRequireStatus(t, err, http.StatusBadRequest)
	assert.Contains(t, apiErr.Message, "pending")

	job := pvStartJob(t, f.db, f.orgID, uuid.NullUUID{})
	err = f.owner.SetArchiveTemplateVersion(ctx, v.ID, true)
	pvRequireStatus(t, err, http.StatusBadRequest)

	pvCompleteJob(t, f.db, job.ID, "")
	err = f.member.SetArchiveTemplateVersion(ctx, v.ID, true)
	pvRequireStatus(t, err, http.StatusNotFound)
	require.NoError(t, f.templateAdmin.SetArchiveTemplateVersion(ctx, v.ID, true))
	got, err := f.owner.TemplateVersion(ctx, v.ID)
	require.NoError(t, err)
	assert.True(t, got.Archived)
	err = f.owner.SetArchiveTemplateVersion(ctx, v.ID, true)
	pvRequireStatus(t, err, http.StatusBadRequest)

	require.NoError(t, f.owner.SetArchiveTemplateVersion(ctx, v.ID, false))
	got, err = f.owner.TemplateVersion(ctx, v.ID)
	require.NoError(t, err)
	assert.False(t, got.Archived)
	err = f.owner.SetArchiveTemplateVersion(ctx, v.ID, false)
	pvRequireStatus(t, err, http.StatusBadRequest)

	// A canceled import can be archived.
	canceled := pvCreateVersion(t, f.owner, f.orgID)
	require.NoError(t, f.owner.CancelTemplateVersion(ctx, canceled.ID))
	require.NoError(t, f.owner.SetArchiveTemplateVersion(ctx, canceled.ID, true))
}

func TestTemplateVersionLogs(t *testing.T) {
	t.Parallel()
	f := newProvFixture(t)
	ctx := t.Context()
	v := pvCreateVersion(t, f.owner, f.orgID)

	logs, err := f.owner.TemplateVersionLogs(ctx, v.ID, 0)
	require.NoError(t, err)
	require.NotNil(t, logs, "an empty list, not null")
	assert.Empty(t, logs)

	stored := pvInsertLogs(t, f.db, v.Job.ID, "one", "two", "three")
	logs, err = f.templateAdmin.TemplateVersionLogs(ctx, v.ID, 0)
	require.NoError(t, err)
	require.Len(t, logs, 3)
	assert.Equal(t, "one", logs[0].Output)
	assert.Equal(t, stored[0].ID, logs[0].ID)
	assert.Equal(t, codersdk.LogLevelInfo, logs[0].Level)
	assert.Equal(t, codersdk.LogSourceProvisioner, logs[0].Source)
	assert.Equal(t, "Planning", logs[0].Stage)

	logs, err = f.owner.TemplateVersionLogs(ctx, v.ID, stored[0].ID)
	require.NoError(t, err)
	require.Len(t, logs, 2)
	assert.Equal(t, "two", logs[0].Output)
	assert.Equal(t, "three", logs[1].Output)

	res, err := f.owner.Request(ctx, http.MethodGet, "/api/v2/templateversions/"+v.ID.String()+"/logs?after=abc", nil)
	require.NoError(t, err)
	assert.Equal(t, "application/json; charset=utf-8", res.Header.Get("Content-Type"))
	pvRequireField(t, pvRequireStatus(t, codersdk.ReadBodyAsError(res), http.StatusBadRequest), "after")

	// Following without a websocket is a plain 400 too.
	res, err = f.owner.Request(ctx, http.MethodGet, "/api/v2/templateversions/"+v.ID.String()+"/logs?follow", nil)
	require.NoError(t, err)
	pvRequireStatus(t, codersdk.ReadBodyAsError(res), http.StatusBadRequest)

	_, err = f.member.TemplateVersionLogs(ctx, v.ID, 0)
	pvRequireStatus(t, err, http.StatusNotFound)
}

func TestTemplateVersionLogsFollow(t *testing.T) {
	t.Parallel()
	f := newProvFixture(t)
	ctx := t.Context()
	v := pvCreateVersion(t, f.owner, f.orgID)
	first := pvInsertLogs(t, f.db, v.Job.ID, "before")

	stream, closer, err := f.owner.TemplateVersionLogsAfter(ctx, v.ID, 0)
	require.NoError(t, err)
	defer closer.Close()

	next := func() (codersdk.ProvisionerJobLog, bool) {
		t.Helper()
		select {
		case l, ok := <-stream:
			return l, ok
		case <-time.After(20 * time.Second):
			t.Fatal("no log arrived")
			return codersdk.ProvisionerJobLog{}, false
		}
	}
	l, ok := next()
	require.True(t, ok)
	assert.Equal(t, first[0].ID, l.ID)
	assert.Equal(t, "before", l.Output)

	job := pvStartJob(t, f.db, f.orgID, uuid.NullUUID{})
	pvInsertLogs(t, f.db, job.ID, "during 1", "during 2")
	require.NoError(t, f.api.Pubsub.Publish(pubsub.EventProvisionerJobLogs(job.ID.String()), nil))
	l, ok = next()
	require.True(t, ok)
	assert.Equal(t, "during 1", l.Output)
	l, ok = next()
	require.True(t, ok)
	assert.Equal(t, "during 2", l.Output)

	pvInsertLogs(t, f.db, job.ID, "last words")
	pvCompleteJob(t, f.db, job.ID, "")
	require.NoError(t, f.api.Pubsub.Publish(pubsub.EventProvisionerJobLogs(job.ID.String()), nil))
	l, ok = next()
	require.True(t, ok)
	assert.Equal(t, "last words", l.Output)
	_, ok = next()
	assert.False(t, ok, "the stream ends when the job completes")

	// Following a completed job replays what is after the cursor and ends.
	stream, closer2, err := f.owner.TemplateVersionLogsAfter(ctx, v.ID, first[0].ID)
	require.NoError(t, err)
	defer closer2.Close()
	var outputs []string
	for l := range stream {
		outputs = append(outputs, l.Output)
	}
	assert.Equal(t, []string{"during 1", "during 2", "last words"}, outputs)

	_, _, err = f.member.TemplateVersionLogsAfter(ctx, v.ID, 0)
	pvRequireStatus(t, err, http.StatusNotFound)
}

func TestTemplateVersionImportResults(t *testing.T) {
	t.Parallel()
	f := newProvFixture(t)
	ctx := t.Context()
	v := pvCreateVersion(t, f.owner, f.orgID)

	// Nothing imported yet: empty lists, not null.
	params, err := f.owner.TemplateVersionRichParameters(ctx, v.ID)
	require.NoError(t, err)
	require.NotNil(t, params)
	assert.Empty(t, params)
	auths, err := f.owner.TemplateVersionExternalAuth(ctx, v.ID)
	require.NoError(t, err)
	require.NotNil(t, auths)
	assert.Empty(t, auths)

	// What a daemon would store after importing.
	minCPU, maxCPU := int32(1), int32(8)
	_, err = f.db.InsertTemplateVersionParameter(ctx, database.InsertTemplateVersionParameterParams{
		TemplateVersionID: v.ID, Name: "cpu", DisplayName: "CPU", Description: "How **many** [cores](https://example.com)",
		Type: "number", FormType: "slider", Mutable: true, Required: false, DefaultValue: "2",
		Options: json.RawMessage(`[]`), ValidationMin: &minCPU, ValidationMax: &maxCPU, ValidationMonotonic: "increasing",
		DisplayOrder: 1,
	})
	require.NoError(t, err)
	_, err = f.db.InsertTemplateVersionParameter(ctx, database.InsertTemplateVersionParameterParams{
		TemplateVersionID: v.ID, Name: "region", Type: "string", Required: true, DisplayOrder: 2,
		Options: json.RawMessage(`[{"name":"Europe","description":"EU","value":"eu","icon":"/eu.svg"},{"name":"US","description":"","value":"us","icon":""}]`),
	})
	require.NoError(t, err)
	for _, vv := range []database.InsertTemplateVersionVariableParams{
		{TemplateVersionID: v.ID, Name: "token", Type: "string", Value: "hunter2", DefaultValue: "changeme", Sensitive: true, Required: true},
		{TemplateVersionID: v.ID, Name: "image", Type: "string", Value: "ubuntu", DefaultValue: "debian"},
	} {
		_, err = f.db.InsertTemplateVersionVariable(ctx, vv)
		require.NoError(t, err)
	}
	presetID := uuid.New()
	_, err = f.db.InsertTemplateVersionPreset(ctx, database.InsertTemplateVersionPresetParams{
		ID: presetID, TemplateVersionID: v.ID, Name: "small", IsDefault: true,
		Parameters: json.RawMessage(`[{"name":"cpu","value":"1"}]`), CreatedAt: dbtime.Now(),
	})
	require.NoError(t, err)
	require.NoError(t, f.db.UpdateTemplateVersionImportResultByJobID(ctx, database.UpdateTemplateVersionImportResultByJobIDParams{
		JobID: v.Job.ID, Readme: "# Readme", UpdatedAt: dbtime.Now(),
		ExternalAuthProviders: json.RawMessage(`[{"id":"github","optional":true},"gitlab"]`),
	}))
	start := pvInsertResource(t, f.db, v.Job.ID, database.WorkspaceTransitionStart, "dev")
	pvInsertResource(t, f.db, v.Job.ID, database.WorkspaceTransitionStop, "volume")

	params, err = f.templateAdmin.TemplateVersionRichParameters(ctx, v.ID)
	require.NoError(t, err)
	require.Len(t, params, 2)
	cpu := params[0]
	assert.Equal(t, "cpu", cpu.Name)
	assert.Equal(t, "CPU", cpu.DisplayName)
	assert.Equal(t, "How many cores", cpu.DescriptionPlaintext)
	assert.Equal(t, "slider", cpu.FormType)
	require.NotNil(t, cpu.ValidationMin)
	assert.Equal(t, int32(1), *cpu.ValidationMin)
	assert.Equal(t, codersdk.MonotonicOrderIncreasing, cpu.ValidationMonotonic)
	assert.Empty(t, cpu.Options)
	assert.NotNil(t, cpu.Options)
	region := params[1]
	assert.True(t, region.Required)
	assert.Equal(t, []codersdk.TemplateVersionParameterOption{
		{Name: "Europe", Description: "EU", Value: "eu", Icon: "/eu.svg"},
		{Name: "US", Value: "us"},
	}, region.Options)

	vars, err := f.owner.TemplateVersionVariables(ctx, v.ID)
	require.NoError(t, err)
	require.Len(t, vars, 2)
	assert.Equal(t, "image", vars[0].Name)
	assert.Equal(t, "ubuntu", vars[0].Value)
	assert.Equal(t, "token", vars[1].Name)
	assert.True(t, vars[1].Sensitive)
	assert.NotContains(t, vars[1].Value, "hunter2")
	assert.NotContains(t, vars[1].DefaultValue, "changeme")

	presets, err := f.owner.TemplateVersionPresets(ctx, v.ID)
	require.NoError(t, err)
	require.Len(t, presets, 1)
	assert.Equal(t, presetID, presets[0].ID)
	assert.Equal(t, "small", presets[0].Name)
	assert.True(t, presets[0].Default)
	assert.Equal(t, []codersdk.PresetParameter{{Name: "cpu", Value: "1"}}, presets[0].Parameters)

	auths, err = f.owner.TemplateVersionExternalAuth(ctx, v.ID)
	require.NoError(t, err)
	require.Len(t, auths, 2)
	assert.Equal(t, "github", auths[0].ID)
	assert.True(t, auths[0].Optional)
	assert.False(t, auths[0].Authenticated)
	assert.Equal(t, "gitlab", auths[1].ID)
	assert.False(t, auths[1].Authenticated)

	got, err := f.owner.TemplateVersion(ctx, v.ID)
	require.NoError(t, err)
	assert.Equal(t, "# Readme", got.Readme)

	resources, err := f.owner.TemplateVersionResources(ctx, v.ID)
	require.NoError(t, err)
	require.Len(t, resources, 1, "the resources of starting a workspace")
	res := resources[0]
	assert.Equal(t, start.ID, res.ID)
	assert.Equal(t, codersdk.WorkspaceTransitionStart, res.Transition)
	assert.Equal(t, "docker_container", res.Type)
	assert.Equal(t, int32(3), res.DailyCost)
	assert.Equal(t, []codersdk.WorkspaceResourceMetadata{{Key: "image", Value: "ubuntu"}}, res.Metadata)
	require.Len(t, res.Agents, 1)
	agent := res.Agents[0]
	assert.Equal(t, "main", agent.Name)
	assert.Equal(t, codersdk.WorkspaceAgentConnecting, agent.Status)
	assert.Equal(t, codersdk.WorkspaceAgentLifecycleCreated, agent.LifecycleState)
	assert.False(t, agent.Health.Healthy)
	assert.Equal(t, "linux", agent.OperatingSystem)
	assert.Equal(t, map[string]string{"FOO": "bar"}, agent.EnvironmentVariables)
	assert.Equal(t, []codersdk.DisplayApp{codersdk.DisplayAppWebTerminal}, agent.DisplayApps)
	assert.False(t, agent.ParentID.Valid)
	require.Len(t, agent.Apps, 1)
	app := agent.Apps[0]
	assert.Equal(t, "code", app.Slug)
	assert.Equal(t, codersdk.WorkspaceAppSharingLevelOwner, app.SharingLevel)
	assert.Equal(t, codersdk.WorkspaceAppHealthInitializing, app.Health)
	assert.Equal(t, "http://localhost:8080/healthz", app.Healthcheck.URL)
	assert.Equal(t, codersdk.WorkspaceAppOpenInSlimWindow, app.OpenIn)

	// The raw JSON has what Coder clients expect.
	raw, err := f.owner.Request(ctx, http.MethodGet, "/api/v2/templateversions/"+v.ID.String()+"/resources", nil)
	require.NoError(t, err)
	defer raw.Body.Close()
	var doc []map[string]any
	require.NoError(t, json.NewDecoder(raw.Body).Decode(&doc))
	agentDoc := doc[0]["agents"].([]any)[0].(map[string]any)
	assert.Nil(t, agentDoc["parent_id"])
	assert.Equal(t, "connecting", agentDoc["status"])
	assert.Equal(t, []any{}, agentDoc["scripts"])

	// Members may not see an unattached version's import results.
	_, err = f.member.TemplateVersionResources(ctx, v.ID)
	pvRequireStatus(t, err, http.StatusNotFound)
	_, err = f.member.TemplateVersionVariables(ctx, v.ID)
	pvRequireStatus(t, err, http.StatusNotFound)
}

// pvInsertResource stores a resource with one agent and one app, as a
// daemon's import would.
func pvInsertResource(t *testing.T, db database.Store, jobID uuid.UUID, transition database.WorkspaceTransition, name string) database.WorkspaceResource {
	t.Helper()
	ctx := t.Context()
	now := dbtime.Now()
	res, err := db.InsertWorkspaceResource(ctx, database.InsertWorkspaceResourceParams{
		ID: uuid.New(), JobID: jobID, CreatedAt: now, Transition: transition, Type: "docker_container", Name: name,
		Icon: "/icon/docker.svg", DailyCost: 3, Metadata: json.RawMessage(`[{"key":"image","value":"ubuntu","sensitive":false}]`),
	})
	require.NoError(t, err)
	agent, err := db.InsertWorkspaceAgent(ctx, database.InsertWorkspaceAgentParams{
		ID: uuid.New(), ResourceID: res.ID, CreatedAt: now, UpdatedAt: now, Name: "main", OperatingSystem: "linux",
		Architecture: "amd64", Directory: "/home/coder", EnvironmentVariables: json.RawMessage(`{"FOO":"bar"}`),
		AuthTokenHash: []byte(uuid.NewString()), ConnectionTimeoutSeconds: 120, DisplayApps: []string{"web_terminal"},
	})
	require.NoError(t, err)
	_, err = db.InsertWorkspaceApp(ctx, database.InsertWorkspaceAppParams{
		ID: uuid.New(), AgentID: agent.ID, CreatedAt: now, Slug: "code", DisplayName: "Code", Url: "http://localhost:8080",
		SharingLevel: "owner", HealthcheckUrl: "http://localhost:8080/healthz", HealthcheckInterval: 5, HealthcheckThreshold: 3,
		OpenIn: "slim-window",
	})
	require.NoError(t, err)
	return res
}
