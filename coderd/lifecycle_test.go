package coderd_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtime"
)

// newScheduleFixture: a daemon-backed server and a template with the given
// settings (durations in milliseconds), plus one running workspace of the
// member.
func newScheduleFixture(t *testing.T, spec *echo.Spec, mutate func(*codersdk.CreateTemplateRequest)) (*provFixture, codersdk.Template, codersdk.Workspace) {
	t.Helper()
	f := newProvFixtureWith(t, &coderdtest.Options{IncludeProvisionerDaemon: true})
	var archive []byte
	if spec != nil {
		var err error
		archive, err = echo.Template(*spec)
		require.NoError(t, err)
	}
	v := coderdtest.AwaitTemplateVersionJobCompleted(t, f.templateAdmin, coderdtest.CreateTemplateVersion(t, f.templateAdmin, f.orgID, archive, uuid.Nil).ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, v.Job.Status, v.Job.Error)
	tpl := coderdtest.CreateTemplate(t, f.templateAdmin, f.orgID, v.ID, mutate)
	w := coderdtest.CreateWorkspace(t, f.member, tpl.ID)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, w.LatestBuild.ID)
	w, err := f.member.Workspace(t.Context(), w.ID)
	require.NoError(t, err)
	return f, tpl, w
}

func ms(d time.Duration) *int64 { v := d.Milliseconds(); return &v }

// awaitLatest waits for the workspace's latest build to finish and returns
// the workspace.
func awaitLatest(t *testing.T, c *codersdk.Client, id uuid.UUID) codersdk.Workspace {
	t.Helper()
	// With deleted workspaces: a delete build may finish before the first
	// read.
	w, err := c.DeletedWorkspace(t.Context(), id)
	require.NoError(t, err)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, c, w.LatestBuild.ID)
	w, err = c.DeletedWorkspace(t.Context(), id)
	require.NoError(t, err)
	return w
}

func TestAutostopAtDeadline(t *testing.T) {
	t.Parallel()
	f, _, w := newScheduleFixture(t, nil, func(r *codersdk.CreateTemplateRequest) { r.DefaultTTLMillis = ms(time.Hour) })
	ctx := t.Context()
	require.Equal(t, codersdk.WorkspaceStatusRunning, w.LatestBuild.Status)
	require.NotNil(t, w.LatestBuild.Deadline, "a start with a TTL has a deadline")
	deadline := *w.LatestBuild.Deadline
	assert.WithinDuration(t, dbtime.Now().Add(time.Hour), deadline, 5*time.Minute)

	stats, err := f.api.LifecycleTick(ctx, deadline.Add(-time.Minute))
	require.NoError(t, err)
	assert.Empty(t, stats.Stopped, "not before the deadline")
	stats, err = f.api.LifecycleTick(ctx, deadline.Add(time.Second))
	require.NoError(t, err)
	require.Empty(t, stats.Errors)
	assert.Equal(t, []uuid.UUID{w.ID}, stats.Stopped)
	w = awaitLatest(t, f.member, w.ID)
	assert.Equal(t, codersdk.WorkspaceStatusStopped, w.LatestBuild.Status)
	assert.Equal(t, codersdk.BuildReasonAutostop, w.LatestBuild.Reason)

	// Extending moves the deadline of a running workspace only.
	err = f.member.PutExtendWorkspace(ctx, w.ID, codersdk.PutExtendWorkspaceRequest{Deadline: dbtime.Now().Add(2 * time.Hour)})
	pvRequireStatus(t, err, http.StatusBadRequest)
}

func TestExtendAndUsage(t *testing.T) {
	t.Parallel()
	f, tpl, w := newScheduleFixture(t, nil, func(r *codersdk.CreateTemplateRequest) {
		r.DefaultTTLMillis = ms(time.Hour)
		r.ActivityBumpMillis = ms(3 * time.Hour)
	})
	ctx := t.Context()
	err := f.member.PutExtendWorkspace(ctx, w.ID, codersdk.PutExtendWorkspaceRequest{Deadline: dbtime.Now().Add(10 * time.Minute)})
	pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), "deadline")
	want := dbtime.Now().Add(2 * time.Hour).Truncate(time.Second)
	require.NoError(t, f.member.PutExtendWorkspace(ctx, w.ID, codersdk.PutExtendWorkspaceRequest{Deadline: want}))
	got, err := f.member.Workspace(ctx, w.ID)
	require.NoError(t, err)
	require.NotNil(t, got.LatestBuild.Deadline)
	assert.True(t, want.Equal(*got.LatestBuild.Deadline), "deadline %s, want %s", got.LatestBuild.Deadline, want)

	// Usage bumps the deadline to now + activity bump, marks last used and
	// counts a daily user; a storm of reports is absorbed.
	before := got.LastUsedAt
	for range 5 {
		require.NoError(t, f.member.PostWorkspaceUsage(ctx, w.ID, codersdk.PostWorkspaceUsageRequest{}))
	}
	got, err = f.member.Workspace(ctx, w.ID)
	require.NoError(t, err)
	assert.True(t, got.LastUsedAt.After(before))
	require.NotNil(t, got.LatestBuild.Deadline)
	assert.WithinDuration(t, dbtime.Now().Add(3*time.Hour), *got.LatestBuild.Deadline, 5*time.Minute)
	daus, err := f.templateAdmin.TemplateDAUs(ctx, tpl.ID, 0)
	require.NoError(t, err)
	require.Len(t, daus.Entries, 1)
	assert.Equal(t, 1, daus.Entries[0].Amount)
	// Readers who cannot connect do not count as use.
	err = f.templateAdmin.PostWorkspaceUsage(ctx, w.ID, codersdk.PostWorkspaceUsageRequest{})
	pvRequireStatus(t, err, http.StatusForbidden)
}

func TestAutostart(t *testing.T) {
	t.Parallel()
	f, _, w := newScheduleFixture(t, nil, nil)
	ctx := t.Context()
	bad := []string{"every day", "CRON_TZ=Mars/Olympus 0 9 * * *", "0 9 1 * *", "0 9 * * * *"}
	for _, s := range bad {
		err := f.member.UpdateWorkspaceAutostart(ctx, w.ID, codersdk.UpdateWorkspaceAutostartRequest{Schedule: &s})
		pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), "schedule")
	}
	s := "CRON_TZ=UTC 0 9 * * *"
	require.NoError(t, f.member.UpdateWorkspaceAutostart(ctx, w.ID, codersdk.UpdateWorkspaceAutostartRequest{Schedule: &s}))
	stop, err := f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop})
	require.NoError(t, err)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, stop.ID)
	w, err = f.member.Workspace(ctx, w.ID)
	require.NoError(t, err)
	require.NotNil(t, w.NextStartAt)
	next := *w.NextStartAt
	assert.Equal(t, 9, next.UTC().Hour())

	stats, err := f.api.LifecycleTick(ctx, next.Add(-time.Minute))
	require.NoError(t, err)
	assert.Empty(t, stats.Started)
	stats, err = f.api.LifecycleTick(ctx, next.Add(time.Minute))
	require.NoError(t, err)
	require.Empty(t, stats.Errors)
	assert.Equal(t, []uuid.UUID{w.ID}, stats.Started)
	w = awaitLatest(t, f.member, w.ID)
	assert.Equal(t, codersdk.WorkspaceStatusRunning, w.LatestBuild.Status)
	assert.Equal(t, codersdk.BuildReasonAutostart, w.LatestBuild.Reason)
	require.NotNil(t, w.NextStartAt)
	assert.Equal(t, next.Add(24*time.Hour).UTC(), w.NextStartAt.UTC(), "the schedule moved on")

	// Clearing turns it off; a template that disallows autostart refuses.
	require.NoError(t, f.member.UpdateWorkspaceAutostart(ctx, w.ID, codersdk.UpdateWorkspaceAutostartRequest{}))
	no := false
	_, err = f.templateAdmin.UpdateTemplateMeta(ctx, w.TemplateID, codersdk.UpdateTemplateMeta{AllowUserAutostart: no})
	require.NoError(t, err)
	err = f.member.UpdateWorkspaceAutostart(ctx, w.ID, codersdk.UpdateWorkspaceAutostartRequest{Schedule: &s})
	pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), "schedule")
}

func TestTTLAndAutoupdates(t *testing.T) {
	t.Parallel()
	f, _, w := newScheduleFixture(t, nil, nil)
	ctx := t.Context()
	for _, bad := range []*int64{ms(time.Second), ms(31 * 24 * time.Hour)} {
		err := f.member.UpdateWorkspaceTTL(ctx, w.ID, codersdk.UpdateWorkspaceTTLRequest{TTLMillis: bad})
		pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), "ttl_ms")
	}
	require.NoError(t, f.member.UpdateWorkspaceTTL(ctx, w.ID, codersdk.UpdateWorkspaceTTLRequest{TTLMillis: ms(2 * time.Hour)}))
	got, err := f.member.Workspace(ctx, w.ID)
	require.NoError(t, err)
	require.NotNil(t, got.TTLMillis)
	assert.Equal(t, (2 * time.Hour).Milliseconds(), *got.TTLMillis)
	require.NoError(t, f.member.UpdateWorkspaceTTL(ctx, w.ID, codersdk.UpdateWorkspaceTTLRequest{}))
	got, err = f.member.Workspace(ctx, w.ID)
	require.NoError(t, err)
	assert.Nil(t, got.TTLMillis)

	err = f.member.UpdateWorkspaceAutomaticUpdates(ctx, w.ID, codersdk.UpdateWorkspaceAutomaticUpdatesRequest{AutomaticUpdates: "often"})
	pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), "automatic_updates")
	require.NoError(t, f.member.UpdateWorkspaceAutomaticUpdates(ctx, w.ID, codersdk.UpdateWorkspaceAutomaticUpdatesRequest{AutomaticUpdates: codersdk.AutomaticUpdatesAlways}))

	// With automatic updates a start uses the active version.
	v2 := coderdtest.AwaitTemplateVersionJobCompleted(t, f.templateAdmin, coderdtest.CreateTemplateVersion(t, f.templateAdmin, f.orgID, nil, w.TemplateID).ID)
	require.NoError(t, f.templateAdmin.UpdateActiveTemplateVersion(ctx, w.TemplateID, codersdk.UpdateActiveTemplateVersion{ID: v2.ID}))
	got, err = f.member.Workspace(ctx, w.ID)
	require.NoError(t, err)
	assert.True(t, got.Outdated)
	stop, err := f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop})
	require.NoError(t, err)
	assert.Equal(t, got.LatestBuild.TemplateVersionID, stop.TemplateVersionID, "a stop keeps the version")
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, stop.ID)
	start, err := f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStart})
	require.NoError(t, err)
	assert.Equal(t, v2.ID, start.TemplateVersionID)
}

func TestDormancy(t *testing.T) {
	t.Parallel()
	f, _, w := newScheduleFixture(t, nil, func(r *codersdk.CreateTemplateRequest) {
		r.TimeTilDormantMillis = ms(time.Hour)
		r.TimeTilDormantAutoDeleteMillis = ms(2 * time.Hour)
	})
	ctx := t.Context()
	now := dbtime.Now()
	stats, err := f.api.LifecycleTick(ctx, now.Add(30*time.Minute))
	require.NoError(t, err)
	assert.Empty(t, stats.Dormant)
	dormantAt := now.Add(90 * time.Minute)
	stats, err = f.api.LifecycleTick(ctx, dormantAt)
	require.NoError(t, err)
	require.Empty(t, stats.Errors)
	assert.Equal(t, []uuid.UUID{w.ID}, stats.Dormant)
	assert.Equal(t, []uuid.UUID{w.ID}, stats.Stopped, "dormant workspaces stop")
	w = awaitLatest(t, f.member, w.ID)
	require.NotNil(t, w.DormantAt)
	require.NotNil(t, w.DeletingAt)
	assert.Equal(t, codersdk.WorkspaceStatusStopped, w.LatestBuild.Status)
	assert.Equal(t, codersdk.BuildReasonDormancy, w.LatestBuild.Reason)

	_, err = f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStart})
	pvRequireStatus(t, err, http.StatusForbidden)

	stats, err = f.api.LifecycleTick(ctx, w.DeletingAt.Add(time.Second))
	require.NoError(t, err)
	require.Empty(t, stats.Errors)
	assert.Equal(t, []uuid.UUID{w.ID}, stats.Deleted)
	w = awaitLatest(t, f.member, w.ID)
	assert.Equal(t, codersdk.WorkspaceStatusDeleted, w.LatestBuild.Status)
}

func TestDormantByHand(t *testing.T) {
	t.Parallel()
	f, _, w := newScheduleFixture(t, nil, nil)
	ctx := t.Context()
	got, err := f.member.UpdateWorkspaceDormancy(ctx, w.ID, codersdk.UpdateWorkspaceDormancy{Dormant: true})
	require.NoError(t, err)
	require.NotNil(t, got.DormantAt)
	assert.Nil(t, got.DeletingAt, "the template does not delete dormant workspaces")
	assert.Equal(t, codersdk.WorkspaceTransitionStop, got.LatestBuild.Transition, "marking dormant stops it")
	awaitLatest(t, f.member, w.ID)
	got, err = f.member.UpdateWorkspaceDormancy(ctx, w.ID, codersdk.UpdateWorkspaceDormancy{Dormant: false})
	require.NoError(t, err)
	assert.Nil(t, got.DormantAt)
	start, err := f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStart})
	require.NoError(t, err)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, start.ID)
}

func TestFailureTTL(t *testing.T) {
	t.Parallel()
	spec := echo.SimpleSpec()
	spec.Start.Fail = "out of capacity"
	f, _, w := newScheduleFixture(t, &spec, func(r *codersdk.CreateTemplateRequest) { r.FailureTTLMillis = ms(time.Hour) })
	ctx := t.Context()
	require.Equal(t, codersdk.WorkspaceStatusFailed, w.LatestBuild.Status)
	stats, err := f.api.LifecycleTick(ctx, dbtime.Now().Add(2*time.Hour))
	require.NoError(t, err)
	require.Empty(t, stats.Errors)
	assert.Equal(t, []uuid.UUID{w.ID}, stats.Stopped)
	w = awaitLatest(t, f.member, w.ID)
	assert.Equal(t, codersdk.WorkspaceStatusStopped, w.LatestBuild.Status)
}

// TestLifecycleReplicas: two executors ticking at once build once.
func TestLifecycleReplicas(t *testing.T) {
	t.Parallel()
	f, _, w := newScheduleFixture(t, nil, func(r *codersdk.CreateTemplateRequest) { r.DefaultTTLMillis = ms(time.Hour) })
	ctx := t.Context()
	at := w.LatestBuild.Deadline.Add(time.Minute)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.api.LifecycleTick(ctx, at)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	builds, err := f.member.WorkspaceBuilds(ctx, codersdk.WorkspaceBuildsRequest{WorkspaceID: w.ID})
	require.NoError(t, err)
	assert.Len(t, builds, 2, "one start, one autostop")
}

func TestResolveAutostart(t *testing.T) {
	t.Parallel()
	f, tpl, w := newScheduleFixture(t, nil, nil)
	ctx := t.Context()
	res, err := f.member.ResolveAutostart(ctx, w.ID)
	require.NoError(t, err)
	assert.False(t, res.ParameterMismatch)

	// The new active version needs a value the workspace lacks.
	spec := echo.SimpleSpec()
	spec.Parameters = append(spec.Parameters, echo.Parameter{Name: "team", Type: "string", Required: true, Mutable: true})
	archive, err := echo.Template(spec)
	require.NoError(t, err)
	v2 := coderdtest.AwaitTemplateVersionJobCompleted(t, f.templateAdmin, coderdtest.CreateTemplateVersion(t, f.templateAdmin, f.orgID, archive, tpl.ID).ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, v2.Job.Status, v2.Job.Error)
	require.NoError(t, f.templateAdmin.UpdateActiveTemplateVersion(ctx, tpl.ID, codersdk.UpdateActiveTemplateVersion{ID: v2.ID}))
	require.NoError(t, f.member.UpdateWorkspaceAutomaticUpdates(ctx, w.ID, codersdk.UpdateWorkspaceAutomaticUpdatesRequest{AutomaticUpdates: codersdk.AutomaticUpdatesAlways}))
	res, err = f.member.ResolveAutostart(ctx, w.ID)
	require.NoError(t, err)
	assert.True(t, res.ParameterMismatch)
}
