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
)

// newWorkspaceFixture is a server with a daemon, the provFixture's actors
// and a template (echo's simple one) that the Everyone group may use.
func newWorkspaceFixture(t *testing.T) (*provFixture, codersdk.Template) {
	t.Helper()
	f, v := newTemplateFixture(t)
	tpl := coderdtest.CreateTemplate(t, f.templateAdmin, f.orgID, v.ID)
	return f, tpl
}

func requireStatus(t *testing.T, c *codersdk.Client, id uuid.UUID, want codersdk.WorkspaceStatus) codersdk.Workspace {
	t.Helper()
	w, err := c.Workspace(t.Context(), id)
	require.NoError(t, err)
	require.Equal(t, want, w.LatestBuild.Status, "job error: %s", w.LatestBuild.Job.Error)
	return w
}

// TestWorkspaceJourney is issue #7's journey with the echo provisioner:
// create → running, list, search, favorite, share, stop → stopped, start,
// delete → gone.
func TestWorkspaceJourney(t *testing.T) {
	t.Parallel()
	f, tpl := newWorkspaceFixture(t)
	ctx := t.Context()
	member := f.member

	w, err := member.CreateUserWorkspace(ctx, codersdk.Me, codersdk.CreateWorkspaceRequest{
		TemplateID: tpl.ID, Name: "dev",
		RichParameterValues: []codersdk.WorkspaceBuildParameter{{Name: "region", Value: "eu"}},
	})
	require.NoError(t, err)
	assert.Equal(t, "dev", w.Name)
	assert.Equal(t, f.memberUser.ID, w.OwnerID)
	assert.Equal(t, f.memberUser.Username, w.OwnerName)
	assert.Equal(t, tpl.Name, w.TemplateName)
	assert.Equal(t, "coder", w.OrganizationName)
	assert.Equal(t, int32(1), w.LatestBuild.BuildNumber)
	assert.Equal(t, codersdk.WorkspaceTransitionStart, w.LatestBuild.Transition)
	assert.Equal(t, codersdk.BuildReasonInitiator, w.LatestBuild.Reason)
	assert.Equal(t, codersdk.ProvisionerJobTypeWorkspaceBuild, w.LatestBuild.Job.Type)
	assert.False(t, w.Outdated)
	assert.Equal(t, codersdk.AutomaticUpdatesNever, w.AutomaticUpdates)

	b := coderdtest.AwaitWorkspaceBuildJobCompleted(t, member, w.LatestBuild.ID)
	require.Equal(t, codersdk.WorkspaceStatusRunning, b.Status, "job error: %s", b.Job.Error)
	w = requireStatus(t, member, w.ID, codersdk.WorkspaceStatusRunning)
	require.NotEmpty(t, w.LatestBuild.Resources)
	var agents int
	for _, r := range w.LatestBuild.Resources {
		agents += len(r.Agents)
	}
	assert.Equal(t, 1, agents)
	assert.False(t, w.Health.Healthy, "the agent has not connected")
	assert.Len(t, w.Health.FailingAgents, 1)
	params, err := member.WorkspaceBuildParameters(ctx, b.ID)
	require.NoError(t, err)
	assert.ElementsMatch(t, []codersdk.WorkspaceBuildParameter{{Name: "region", Value: "eu"}, {Name: "cpu", Value: "2"}}, params,
		"the given value and the default")
	state, err := member.WorkspaceBuildState(ctx, b.ID)
	require.NoError(t, err)
	assert.NotEmpty(t, state, "the provisioner's state is kept")

	// Read by owner and name, and list.
	byName, err := member.WorkspaceByOwnerAndName(ctx, codersdk.Me, "DEV", false)
	require.NoError(t, err)
	assert.Equal(t, w.ID, byName.ID)
	list, err := member.Workspaces(ctx, codersdk.WorkspaceFilter{FilterQuery: "owner:me status:running"})
	require.NoError(t, err)
	require.Equal(t, 1, list.Count)
	assert.Equal(t, w.ID, list.Workspaces[0].ID)
	list, err = member.Workspaces(ctx, codersdk.WorkspaceFilter{FilterQuery: "status:stopped"})
	require.NoError(t, err)
	assert.Zero(t, list.Count)

	// Favorite.
	require.NoError(t, member.FavoriteWorkspace(ctx, w.ID, true))
	got, err := member.Workspace(ctx, w.ID)
	require.NoError(t, err)
	assert.True(t, got.Favorite)
	pvRequireStatus(t, f.owner.FavoriteWorkspace(ctx, w.ID, true), http.StatusForbidden)

	// Immutable parameters cannot change; mutable ones follow their rules.
	_, err = member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{
		Transition: codersdk.WorkspaceTransitionStart, RichParameterValues: []codersdk.WorkspaceBuildParameter{{Name: "region", Value: "us"}},
	})
	pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), "region")
	_, err = member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{
		Transition: codersdk.WorkspaceTransitionStart, RichParameterValues: []codersdk.WorkspaceBuildParameter{{Name: "cpu", Value: "99"}},
	})
	pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), "cpu")

	// Stop, then start with a new cpu value.
	stop, err := member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop})
	require.NoError(t, err)
	assert.Equal(t, int32(2), stop.BuildNumber)
	stop = coderdtest.AwaitWorkspaceBuildJobCompleted(t, member, stop.ID)
	require.Equal(t, codersdk.WorkspaceStatusStopped, stop.Status, stop.Job.Error)
	params, err = member.WorkspaceBuildParameters(ctx, stop.ID)
	require.NoError(t, err)
	assert.Len(t, params, 2, "a stop keeps the previous values")
	w = requireStatus(t, member, w.ID, codersdk.WorkspaceStatusStopped)
	assert.True(t, w.Health.Healthy, "a stopped workspace has no agents to fail")

	start, err := member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{
		Transition: codersdk.WorkspaceTransitionStart, RichParameterValues: []codersdk.WorkspaceBuildParameter{{Name: "cpu", Value: "4"}},
	})
	require.NoError(t, err)
	start = coderdtest.AwaitWorkspaceBuildJobCompleted(t, member, start.ID)
	require.Equal(t, codersdk.WorkspaceStatusRunning, start.Status, start.Job.Error)
	byNumber, err := member.WorkspaceBuildByUsernameAndWorkspaceNameAndBuildNumber(ctx, codersdk.Me, "dev", 3)
	require.NoError(t, err)
	assert.Equal(t, start.ID, byNumber.ID)
	builds, err := member.WorkspaceBuilds(ctx, codersdk.WorkspaceBuildsRequest{WorkspaceID: w.ID})
	require.NoError(t, err)
	require.Len(t, builds, 3)
	assert.Equal(t, int32(3), builds[0].BuildNumber, "newest first")

	// Delete: gone unless asked for.
	del, err := member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionDelete})
	require.NoError(t, err)
	del = coderdtest.AwaitWorkspaceBuildJobCompleted(t, member, del.ID)
	require.Equal(t, codersdk.WorkspaceStatusDeleted, del.Status, del.Job.Error)
	_, err = member.Workspace(ctx, w.ID)
	pvRequireStatus(t, err, http.StatusNotFound)
	deleted, err := member.DeletedWorkspace(ctx, w.ID)
	require.NoError(t, err)
	assert.Equal(t, codersdk.WorkspaceStatusDeleted, deleted.LatestBuild.Status)
	list, err = member.Workspaces(ctx, codersdk.WorkspaceFilter{})
	require.NoError(t, err)
	assert.Zero(t, list.Count)
	// The name is free again.
	coderdtest.CreateWorkspace(t, member, tpl.ID, func(r *codersdk.CreateWorkspaceRequest) { r.Name = "dev" })
}

func TestCreateWorkspaceValidation(t *testing.T) {
	t.Parallel()
	f, tpl := newWorkspaceFixture(t)
	ctx := t.Context()
	bad := "not a cron"
	tooShort := int64(1000)
	cases := []struct {
		name   string
		req    codersdk.CreateWorkspaceRequest
		fields []string
	}{
		{"NeitherTemplateNorVersion", codersdk.CreateWorkspaceRequest{Name: "a"}, []string{"template_id", "template_version_id"}},
		{"BothTemplateAndVersion", codersdk.CreateWorkspaceRequest{Name: "a", TemplateID: tpl.ID, TemplateVersionID: tpl.ActiveVersionID}, []string{"template_id", "template_version_id"}},
		{"BadName", codersdk.CreateWorkspaceRequest{Name: "no spaces", TemplateID: tpl.ID}, []string{"name"}},
		{"UnknownTemplate", codersdk.CreateWorkspaceRequest{Name: "a", TemplateID: uuid.New()}, []string{"template_id"}},
		{"BadSchedule", codersdk.CreateWorkspaceRequest{Name: "a", TemplateID: tpl.ID, AutostartSchedule: &bad}, []string{"autostart_schedule"}},
		{"TTLTooShort", codersdk.CreateWorkspaceRequest{Name: "a", TemplateID: tpl.ID, TTLMillis: &tooShort}, []string{"ttl_ms"}},
		{"UnknownParameter", codersdk.CreateWorkspaceRequest{Name: "a", TemplateID: tpl.ID,
			RichParameterValues: []codersdk.WorkspaceBuildParameter{{Name: "color", Value: "red"}}}, []string{"rich_parameter_values[0].name"}},
		{"BadOption", codersdk.CreateWorkspaceRequest{Name: "a", TemplateID: tpl.ID,
			RichParameterValues: []codersdk.WorkspaceBuildParameter{{Name: "region", Value: "mars"}}}, []string{"region"}},
		{"OutOfRange", codersdk.CreateWorkspaceRequest{Name: "a", TemplateID: tpl.ID,
			RichParameterValues: []codersdk.WorkspaceBuildParameter{{Name: "cpu", Value: "0"}}}, []string{"cpu"}},
		{"BadAutomaticUpdates", codersdk.CreateWorkspaceRequest{Name: "a", TemplateID: tpl.ID, AutomaticUpdates: "sometimes"}, []string{"automatic_updates"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.member.CreateUserWorkspace(ctx, codersdk.Me, tc.req)
			apiErr := pvRequireStatus(t, err, http.StatusBadRequest)
			for _, field := range tc.fields {
				pvRequireField(t, apiErr, field)
			}
		})
	}
	t.Run("NameTaken", func(t *testing.T) {
		coderdtest.CreateWorkspace(t, f.member, tpl.ID, func(r *codersdk.CreateWorkspaceRequest) { r.Name = "taken" })
		_, err := f.member.CreateUserWorkspace(ctx, codersdk.Me, codersdk.CreateWorkspaceRequest{Name: "TAKEN", TemplateID: tpl.ID})
		pvRequireField(t, pvRequireStatus(t, err, http.StatusConflict), "name")
		// Another user may use the name.
		coderdtest.CreateWorkspace(t, f.templateAdmin, tpl.ID, func(r *codersdk.CreateWorkspaceRequest) { r.Name = "taken" })
	})
	t.Run("Preset", func(t *testing.T) {
		presets, err := f.member.TemplateVersionPresets(ctx, tpl.ActiveVersionID)
		require.NoError(t, err)
		require.NotEmpty(t, presets)
		w := coderdtest.CreateWorkspace(t, f.member, tpl.ID, func(r *codersdk.CreateWorkspaceRequest) { r.TemplateVersionPresetID = presets[0].ID })
		params, err := f.member.WorkspaceBuildParameters(ctx, w.LatestBuild.ID)
		require.NoError(t, err)
		assert.ElementsMatch(t, []codersdk.WorkspaceBuildParameter{{Name: "region", Value: "eu"}, {Name: "cpu", Value: "1"}}, params)
		require.NotNil(t, w.LatestBuild.TemplateVersionPresetID)
	})
	t.Run("Schedule", func(t *testing.T) {
		s := "CRON_TZ=Europe/Berlin 30 9 * * 1-5"
		w := coderdtest.CreateWorkspace(t, f.member, tpl.ID, func(r *codersdk.CreateWorkspaceRequest) { r.AutostartSchedule = &s })
		require.NotNil(t, w.AutostartSchedule)
		assert.Equal(t, s, *w.AutostartSchedule)
		require.NotNil(t, w.NextStartAt)
	})
}

// TestWorkspaceAuthorization: members create and see their own workspaces;
// others see them only when shared (use or admin, to a user or a group) or
// as admins of the organization; another organization sees nothing.
func TestWorkspaceAuthorization(t *testing.T) {
	t.Parallel()
	f, tpl := newWorkspaceFixture(t)
	ctx := t.Context()
	w := coderdtest.CreateWorkspace(t, f.member, tpl.ID)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, w.LatestBuild.ID)
	other, otherUser := coderdtest.CreateAnotherUser(t, f.owner, f.orgID)

	visible := func(c *codersdk.Client) bool {
		list, err := c.Workspaces(ctx, codersdk.WorkspaceFilter{})
		require.NoError(t, err)
		inList := false
		for _, x := range list.Workspaces {
			inList = inList || x.ID == w.ID
		}
		_, err = c.Workspace(ctx, w.ID)
		if err != nil {
			pvRequireStatus(t, err, http.StatusNotFound)
		}
		require.Equal(t, inList, err == nil, "list and single read agree")
		return inList
	}
	assert.True(t, visible(f.member))
	assert.True(t, visible(f.owner))
	assert.True(t, visible(f.templateAdmin), "template admins read workspaces")
	assert.False(t, visible(other), "another member")
	assert.False(t, visible(f.outsider), "another organization")

	// Creating for someone else needs the right to (a member cannot even
	// name another member through the users API).
	_, err := other.CreateWorkspace(ctx, f.orgID, f.memberUser.ID.String(), codersdk.CreateWorkspaceRequest{Name: "theirs", TemplateID: tpl.ID})
	pvRequireStatus(t, err, http.StatusNotFound)
	_, err = f.templateAdmin.CreateWorkspace(ctx, f.orgID, f.memberUser.ID.String(), codersdk.CreateWorkspaceRequest{Name: "theirs", TemplateID: tpl.ID})
	pvRequireStatus(t, err, http.StatusForbidden)
	created, err := f.owner.CreateWorkspace(ctx, f.orgID, otherUser.ID.String(), codersdk.CreateWorkspaceRequest{Name: "for-other", TemplateID: tpl.ID})
	require.NoError(t, err)
	assert.Equal(t, otherUser.ID, created.OwnerID)
	_, err = f.owner.CreateWorkspace(ctx, f.orgID, f.outsiderUser.ID.String(), codersdk.CreateWorkspaceRequest{Name: "x", TemplateID: tpl.ID})
	pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), "user")

	// Others cannot build it.
	_, err = other.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop})
	pvRequireStatus(t, err, http.StatusNotFound)

	// Shared with "use": visible, startable, not shareable further.
	require.NoError(t, f.member.UpdateWorkspaceACL(ctx, w.ID, codersdk.UpdateWorkspaceACL{
		UserRoles: map[string]codersdk.WorkspaceRole{otherUser.ID.String(): codersdk.WorkspaceRoleUse},
	}))
	assert.True(t, visible(other))
	list, err := other.Workspaces(ctx, codersdk.WorkspaceFilter{FilterQuery: "shared_with_user:me"})
	require.NoError(t, err)
	assert.Equal(t, 1, list.Count)
	got, err := other.Workspace(ctx, w.ID)
	require.NoError(t, err)
	require.Len(t, got.SharedWith, 1)
	assert.Equal(t, otherUser.Username, got.SharedWith[0].Name)
	assert.Equal(t, []codersdk.WorkspaceRole{codersdk.WorkspaceRoleUse}, got.SharedWith[0].Roles)
	err = other.UpdateWorkspaceACL(ctx, w.ID, codersdk.UpdateWorkspaceACL{
		UserRoles: map[string]codersdk.WorkspaceRole{otherUser.ID.String(): codersdk.WorkspaceRoleAdmin},
	})
	pvRequireStatus(t, err, http.StatusForbidden)
	_, err = other.WorkspaceBuildState(ctx, w.LatestBuild.ID)
	pvRequireStatus(t, err, http.StatusForbidden)
	stop, err := other.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop})
	require.NoError(t, err, "use lets a shared user stop the workspace")
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, other, stop.ID)
	_, err = other.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionDelete})
	pvRequireStatus(t, err, http.StatusForbidden)

	// Through a group, as admin.
	group, err := f.owner.CreateGroup(ctx, f.orgID, codersdk.CreateGroupRequest{Name: "pairing"})
	require.NoError(t, err)
	_, err = f.owner.PatchGroup(ctx, group.ID, codersdk.PatchGroupRequest{AddUsers: []string{otherUser.ID.String()}})
	require.NoError(t, err)
	require.NoError(t, f.member.UpdateWorkspaceACL(ctx, w.ID, codersdk.UpdateWorkspaceACL{
		UserRoles:  map[string]codersdk.WorkspaceRole{otherUser.ID.String(): codersdk.WorkspaceRoleDeleted},
		GroupRoles: map[string]codersdk.WorkspaceRole{group.ID.String(): codersdk.WorkspaceRoleAdmin},
	}))
	acl, err := other.WorkspaceACL(ctx, w.ID)
	require.NoError(t, err)
	assert.Empty(t, acl.Users)
	require.Len(t, acl.Groups, 1)
	assert.Equal(t, codersdk.WorkspaceRoleAdmin, acl.Groups[0].Role)
	_, err = other.WorkspaceBuildState(ctx, w.LatestBuild.ID)
	require.NoError(t, err, "admin reads the state")

	// Unknown users and groups are named in the 400.
	err = f.member.UpdateWorkspaceACL(ctx, w.ID, codersdk.UpdateWorkspaceACL{
		UserRoles:  map[string]codersdk.WorkspaceRole{f.outsiderUser.ID.String(): codersdk.WorkspaceRoleUse, f.memberUser.ID.String(): codersdk.WorkspaceRoleUse},
		GroupRoles: map[string]codersdk.WorkspaceRole{uuid.NewString(): codersdk.WorkspaceRoleUse, group.ID.String(): "owner"},
	})
	assert.Len(t, pvRequireStatus(t, err, http.StatusBadRequest).Validations, 4)

	require.NoError(t, f.member.DeleteWorkspaceACL(ctx, w.ID))
	assert.False(t, visible(other))

	// A template with workspaces cannot be deleted.
	pvRequireStatus(t, f.templateAdmin.DeleteTemplate(ctx, tpl.ID), http.StatusBadRequest)
}

// TestConcurrentBuilds: of builds requested at once, exactly one is
// created; the others are 409s. The stop takes a minute (the echo delay),
// so every request races the first one's build rather than finding it
// finished; the build is canceled at the end.
func TestConcurrentBuilds(t *testing.T) {
	t.Parallel()
	spec := echo.SimpleSpec()
	spec.Stop.Delay = time.Minute
	f, _, w := newScheduleFixture(t, &spec, nil)
	ctx := t.Context()

	const n = 4
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		created int
		codes   []int
	)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop})
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				created++
				return
			}
			var apiErr *codersdk.Error
			if assert.ErrorAs(t, err, &apiErr) {
				codes = append(codes, apiErr.StatusCode())
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, created)
	for _, c := range codes {
		assert.Equal(t, http.StatusConflict, c)
	}
	builds, err := f.member.WorkspaceBuilds(ctx, codersdk.WorkspaceBuildsRequest{WorkspaceID: w.ID})
	require.NoError(t, err)
	require.Len(t, builds, 2)
	require.NoError(t, f.member.CancelWorkspaceBuild(ctx, builds[0].ID))
	canceled := coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, builds[0].ID)
	assert.Equal(t, codersdk.WorkspaceStatusCanceled, canceled.Status)
	// The list filters on the status the job's cancel left on the row.
	list, err := f.member.Workspaces(ctx, codersdk.WorkspaceFilter{FilterQuery: "status:canceled"})
	require.NoError(t, err)
	require.Len(t, list.Workspaces, 1)
	assert.Equal(t, w.ID, list.Workspaces[0].ID)
}

func TestRenameWorkspace(t *testing.T) {
	t.Parallel()
	f, tpl := newWorkspaceFixture(t)
	ctx := t.Context()
	w := coderdtest.CreateWorkspace(t, f.member, tpl.ID, func(r *codersdk.CreateWorkspaceRequest) { r.Name = "old" })
	err := f.member.UpdateWorkspace(ctx, w.ID, codersdk.UpdateWorkspaceRequest{Name: "new"})
	pvRequireStatus(t, err, http.StatusBadRequest) // renames are off by default
}

// TestBuildStateAndOrphan covers the template administrator's ways around
// the stored provisioner state: a build that starts from a given state,
// and an orphan delete, which starts from none, so the provisioner has
// nothing to destroy (echo's state counts the builds it has seen). The
// owner acts as the template administrator who may also build the member's
// workspace.
func TestBuildStateAndOrphan(t *testing.T) {
	t.Parallel()
	f, _, w := newScheduleFixture(t, nil, nil)
	ctx := t.Context()
	buildsSeen := func(buildID uuid.UUID) int {
		raw, err := f.owner.WorkspaceBuildState(ctx, buildID)
		require.NoError(t, err)
		s, err := echo.ParseState(raw)
		require.NoError(t, err)
		return s.Builds
	}
	require.Equal(t, 1, buildsSeen(w.LatestBuild.ID))

	// Bad combinations are named; members may do neither.
	_, err := f.owner.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{
		Transition: codersdk.WorkspaceTransitionStop, Orphan: true,
	})
	requireValidation(t, err, http.StatusBadRequest, "orphan")
	_, err = f.owner.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{
		Transition: codersdk.WorkspaceTransitionDelete, Orphan: true, ProvisionerState: []byte(`{}`),
	})
	requireValidation(t, err, http.StatusBadRequest, "state")
	_, err = f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{
		Transition: codersdk.WorkspaceTransitionDelete, Orphan: true,
	})
	pvRequireStatus(t, err, http.StatusForbidden)
	_, err = f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{
		Transition: codersdk.WorkspaceTransitionStop, ProvisionerState: []byte(`{"builds":41}`),
	})
	pvRequireStatus(t, err, http.StatusForbidden)

	// A given state is where the provisioner starts.
	stop, err := f.owner.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{
		Transition: codersdk.WorkspaceTransitionStop, ProvisionerState: []byte(`{"transition":"start","builds":41}`),
	})
	require.NoError(t, err)
	stopped := coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.owner, stop.ID)
	require.Equal(t, codersdk.WorkspaceStatusStopped, stopped.Status, stopped.Job.Error)
	assert.Equal(t, 42, buildsSeen(stop.ID))

	// An orphan delete starts from nothing and deletes the workspace.
	del, err := f.owner.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{
		Transition: codersdk.WorkspaceTransitionDelete, Orphan: true,
	})
	require.NoError(t, err)
	deleted := coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.owner, del.ID)
	require.Equal(t, codersdk.WorkspaceStatusDeleted, deleted.Status, deleted.Job.Error)
	assert.Equal(t, 1, buildsSeen(del.ID))
	_, err = f.member.Workspace(ctx, w.ID)
	pvRequireStatus(t, err, http.StatusNotFound)
}
