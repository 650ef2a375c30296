package coderd_test

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
)

// TestWorkspaceListOrderAndCount checks the list's order (the caller's
// favorites, running ones, then owner and name), that pages cut at any
// offset join up to the whole list, and the count of every way the list
// finds rows: everything (owner), own and shared (member), and an
// organization admin's own workspace outside that organization.
func TestWorkspaceListOrderAndCount(t *testing.T) {
	t.Parallel()
	f, tpl := newWorkspaceFixture(t)
	ctx := t.Context()

	create := func(c *codersdk.Client, name string) codersdk.Workspace {
		w := coderdtest.CreateWorkspace(t, c, tpl.ID, func(r *codersdk.CreateWorkspaceRequest) { r.Name = name })
		coderdtest.AwaitWorkspaceBuildJobCompleted(t, c, w.LatestBuild.ID)
		return w
	}
	stop := func(c *codersdk.Client, w codersdk.Workspace) {
		b, err := c.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop})
		require.NoError(t, err)
		coderdtest.AwaitWorkspaceBuildJobCompleted(t, c, b.ID)
	}
	// Usernames: owner, user1 (template admin), user2 (member).
	ownerB := create(f.owner, "b")
	ownerA := create(f.owner, "a")
	stop(f.owner, ownerA)
	require.NoError(t, f.owner.FavoriteWorkspace(ctx, ownerA.ID, true))
	adminZ := create(f.templateAdmin, "z")
	memberC := create(f.member, "c")
	memberD := create(f.member, "d")
	stop(f.member, memberD)
	// A favorite of another user is not pinned for the owner.
	require.NoError(t, f.member.FavoriteWorkspace(ctx, memberD.ID, true))

	names := func(ws []codersdk.Workspace) []string {
		out := make([]string, 0, len(ws))
		for _, w := range ws {
			out = append(out, w.OwnerName+"/"+w.Name)
		}
		return out
	}
	list := func(c *codersdk.Client, filter codersdk.WorkspaceFilter) codersdk.WorkspacesResponse {
		res, err := c.Workspaces(ctx, filter)
		require.NoError(t, err)
		return res
	}

	want := []string{
		f.ownerUser.Username + "/a", // pinned, though stopped
		f.ownerUser.Username + "/b",
		f.templateAdminUser.Username + "/z",
		f.memberUser.Username + "/c",
		f.memberUser.Username + "/d", // stopped
	}
	all := list(f.owner, codersdk.WorkspaceFilter{})
	assert.Equal(t, want, names(all.Workspaces))
	assert.Equal(t, len(want), all.Count)
	for _, limit := range []int{1, 2, 3} {
		var joined []string
		for offset := 0; offset < len(want)+1; offset += limit {
			page := list(f.owner, codersdk.WorkspaceFilter{Offset: offset, Limit: limit})
			assert.Equal(t, len(want), page.Count, "limit %d offset %d", limit, offset)
			joined = append(joined, names(page.Workspaces)...)
		}
		assert.Equal(t, want, joined, "pages of %d", limit)
	}

	// Filtered counts are counted, not looked up.
	running := list(f.owner, codersdk.WorkspaceFilter{FilterQuery: "status:running"})
	assert.Equal(t, []string{want[1], want[2], want[3]}, names(running.Workspaces))
	assert.Equal(t, 3, running.Count)
	mine := list(f.owner, codersdk.WorkspaceFilter{FilterQuery: "owner:me", Limit: 1, Offset: 1})
	assert.Equal(t, []string{want[1]}, names(mine.Workspaces))
	assert.Equal(t, 2, mine.Count)

	// The member sees its own, its favorite first, then what is shared
	// with it.
	require.NoError(t, f.templateAdmin.UpdateWorkspaceACL(ctx, adminZ.ID, codersdk.UpdateWorkspaceACL{
		UserRoles: map[string]codersdk.WorkspaceRole{f.memberUser.ID.String(): codersdk.WorkspaceRoleUse},
	}))
	memberList := list(f.member, codersdk.WorkspaceFilter{})
	assert.Equal(t, []string{want[4], want[2], want[3]}, names(memberList.Workspaces))
	assert.Equal(t, 3, memberList.Count)
	page := list(f.member, codersdk.WorkspaceFilter{Offset: 1, Limit: 1})
	assert.Equal(t, []string{want[2]}, names(page.Workspaces))
	assert.Equal(t, 3, page.Count)

	// Renaming an owner moves its workspaces.
	_, err := f.owner.UpdateUserProfile(ctx, f.memberUser.ID.String(), codersdk.UpdateUserProfileRequest{Username: "aaa-member"})
	require.NoError(t, err)
	renamed := list(f.owner, codersdk.WorkspaceFilter{})
	assert.Equal(t, []string{want[0], "aaa-member/c", want[1], want[2], "aaa-member/d"}, names(renamed.Workspaces))

	// An admin of another organization, a plain member here, sees only its
	// own workspace here.
	_, err = f.owner.PostOrganizationMember(ctx, f.orgID, f.outsiderUser.ID.String())
	require.NoError(t, err)
	outsiderW := create(f.outsider, "x")
	outsiderList := list(f.outsider, codersdk.WorkspaceFilter{})
	require.Len(t, outsiderList.Workspaces, 1)
	assert.Equal(t, outsiderW.ID, outsiderList.Workspaces[0].ID)
	assert.Equal(t, 1, outsiderList.Count)

	// Deleted workspaces leave the list and the count.
	del, err := f.owner.CreateWorkspaceBuild(ctx, ownerB.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionDelete})
	require.NoError(t, err)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.owner, del.ID)
	after := list(f.owner, codersdk.WorkspaceFilter{})
	assert.Equal(t, len(want), after.Count) // one deleted, the outsider's added
	for _, w := range after.Workspaces {
		assert.NotEqual(t, ownerB.ID, w.ID)
	}
	assert.Contains(t, idsOf(after.Workspaces), memberC.ID)
}

func idsOf(ws []codersdk.Workspace) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(ws))
	for _, w := range ws {
		out = append(out, w.ID)
	}
	return out
}

// TestWorkspaceListStatusFollowsJobs checks that the status the list
// filters and sorts on (kept on the workspace row by triggers) follows the
// latest build's job as the daemon and the API change it: running after a
// start, failed after a failing stop, canceled after a canceled stop.
func TestWorkspaceListStatusFollowsJobs(t *testing.T) {
	t.Parallel()
	spec := echo.SimpleSpec()
	spec.Stop.Fail = "the stop failed"
	f, _, w := newScheduleFixture(t, &spec, nil)
	ctx := t.Context()

	withStatus := func(status codersdk.WorkspaceStatus) []uuid.UUID {
		res, err := f.member.Workspaces(ctx, codersdk.WorkspaceFilter{FilterQuery: "status:" + string(status)})
		require.NoError(t, err)
		for _, x := range res.Workspaces {
			assert.Equal(t, status, x.LatestBuild.Status, "the list's status agrees with the build's")
			assert.NotEmpty(t, x.LatestBuild.Job.WorkerName, "the daemon that ran the job is named")
		}
		return idsOf(res.Workspaces)
	}
	assert.Equal(t, []uuid.UUID{w.ID}, withStatus(codersdk.WorkspaceStatusRunning))

	b, err := f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop})
	require.NoError(t, err)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, b.ID)
	assert.Equal(t, []uuid.UUID{w.ID}, withStatus(codersdk.WorkspaceStatusFailed))
	assert.Empty(t, withStatus(codersdk.WorkspaceStatusRunning))
}
