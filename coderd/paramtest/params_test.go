package paramtest_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// fixture is a server with a daemon, an owner, a member with a deleted
// workspace "gone" and a live one "live", and a second organization.
type fixture struct {
	owner, member *codersdk.Client
	memberUser    codersdk.User
	orgID         uuid.UUID
	otherOrgID    uuid.UUID
	version       codersdk.TemplateVersion
	template      codersdk.Template
	live, gone    codersdk.Workspace
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := t.Context()
	owner := coderdtest.New(t, &coderdtest.Options{IncludeProvisionerDaemon: true})
	first := coderdtest.CreateFirstUser(t, owner)
	f := &fixture{owner: owner, orgID: first.OrganizationID}
	f.member, f.memberUser = coderdtest.CreateAnotherUser(t, owner, f.orgID)
	other, err := owner.CreateOrganization(ctx, codersdk.CreateOrganizationRequest{Name: "other"})
	require.NoError(t, err)
	f.otherOrgID = other.ID

	f.version = coderdtest.CreateTemplateVersion(t, owner, f.orgID, nil, uuid.Nil)
	f.version = coderdtest.AwaitTemplateVersionJobCompleted(t, owner, f.version.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, f.version.Job.Status, f.version.Job.Error)
	f.template = coderdtest.CreateTemplate(t, owner, f.orgID, f.version.ID)

	f.live = coderdtest.CreateWorkspace(t, f.member, f.template.ID, func(r *codersdk.CreateWorkspaceRequest) { r.Name = "live" })
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, f.live.LatestBuild.ID)
	f.gone = coderdtest.CreateWorkspace(t, f.member, f.template.ID, func(r *codersdk.CreateWorkspaceRequest) { r.Name = "gone" })
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, f.gone.LatestBuild.ID)
	del, err := f.member.CreateWorkspaceBuild(ctx, f.gone.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionDelete})
	require.NoError(t, err)
	del = coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, del.ID)
	require.Equal(t, codersdk.WorkspaceStatusDeleted, del.Status, del.Job.Error)
	return f
}

// requireBad checks a 400 that names field.
func requireBad(t *testing.T, res coderdtest.RawResult, field string) {
	t.Helper()
	require.Equal(t, http.StatusBadRequest, res.Status, "%s", res.Body)
	assert.Equal(t, []string{field}, res.Fields(t))
}

// TestIncludeDeleted: the two ways to name a workspace, by ID and by owner
// and name, treat include_deleted alike (it used to work only by ID, and
// only spelled "true" by name).
func TestIncludeDeleted(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	paths := map[string]string{
		"by ID":   "/api/v2/workspaces/" + f.gone.ID.String(),
		"by name": "/api/v2/users/" + f.memberUser.Username + "/workspace/gone",
	}
	for name, path := range paths {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			res := coderdtest.RawRequest(t, f.member, http.MethodGet, path, nil)
			assert.Equal(t, http.StatusNotFound, res.Status, "deleted: a 404 unless asked for")
			for _, yes := range []string{"true", "1", "t", "TRUE"} {
				res := coderdtest.RawRequest(t, f.member, http.MethodGet, path+"?include_deleted="+yes, nil)
				require.Equal(t, http.StatusOK, res.Status, "include_deleted=%s: %s", yes, res.Body)
				assert.Contains(t, string(res.Body), f.gone.ID.String())
			}
			for _, no := range []string{"false", "0"} {
				res := coderdtest.RawRequest(t, f.member, http.MethodGet, path+"?include_deleted="+no, nil)
				assert.Equal(t, http.StatusNotFound, res.Status, "include_deleted=%s", no)
			}
			requireBad(t, coderdtest.RawRequest(t, f.member, http.MethodGet, path+"?include_deleted=maybe", nil), "include_deleted")
		})
	}
	// Only reads see a deleted workspace.
	res := coderdtest.RawRequest(t, f.member, http.MethodPut, paths["by ID"]+"/ttl?include_deleted=true", codersdk.UpdateWorkspaceTTLRequest{})
	assert.Equal(t, http.StatusNotFound, res.Status)
	// A live workspace reads the same with or without it.
	for _, path := range []string{"/api/v2/workspaces/" + f.live.ID.String(), "/api/v2/users/me/workspace/live"} {
		res := coderdtest.RawRequest(t, f.member, http.MethodGet, path+"?include_deleted=1", nil)
		assert.Equal(t, http.StatusOK, res.Status, path)
	}
}

// TestMalformedIDs: every ID parameter answers 400 naming itself when it is
// not a UUID, and 404 when it is one that names nothing. The dry-run job
// used to answer 404 to anything.
func TestMalformedIDs(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	v := f.version.ID.String()
	cases := []struct{ field, format string }{
		{"workspace", "/api/v2/workspaces/%s"},
		{"template", "/api/v2/templates/%s"},
		{"templateversion", "/api/v2/templateversions/%s"},
		{"group", "/api/v2/groups/%s"},
		{"fileID", "/api/v2/files/%s"},
		{"workspacebuild", "/api/v2/workspacebuilds/%s"},
		{"job", "/api/v2/organizations/" + f.orgID.String() + "/provisionerjobs/%s"},
		{"jobID", "/api/v2/templateversions/" + v + "/dry-run/%s"},
		{"jobID", "/api/v2/templateversions/" + v + "/dry-run/%s/logs"},
	}
	for _, c := range cases {
		requireBad(t, coderdtest.RawRequest(t, f.owner, http.MethodGet, fmt.Sprintf(c.format, "not-a-uuid"), nil), c.field)
		res := coderdtest.RawRequest(t, f.owner, http.MethodGet, fmt.Sprintf(c.format, uuid.NewString()), nil)
		assert.Equal(t, http.StatusNotFound, res.Status, c.format)
	}
}

// TestBuildNumber: build numbers are positive whole numbers; one the
// workspace does not have is a 404.
func TestBuildNumber(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	base := "/api/v2/users/me/workspace/live/builds/"
	for _, bad := range []string{"0", "-1", "one", "1.5", "99999999999"} {
		requireBad(t, coderdtest.RawRequest(t, f.member, http.MethodGet, base+bad, nil), "buildnumber")
	}
	assert.Equal(t, http.StatusNotFound, coderdtest.RawRequest(t, f.member, http.MethodGet, base+"7", nil).Status)
	res := coderdtest.RawRequest(t, f.member, http.MethodGet, base+"1", nil)
	require.Equal(t, http.StatusOK, res.Status, "%s", res.Body)
	// The deleted workspace's builds read with include_deleted, as the
	// workspace does.
	gone := "/api/v2/users/me/workspace/gone/builds/2"
	assert.Equal(t, http.StatusNotFound, coderdtest.RawRequest(t, f.member, http.MethodGet, gone, nil).Status)
	assert.Equal(t, http.StatusOK, coderdtest.RawRequest(t, f.member, http.MethodGet, gone+"?include_deleted=true", nil).Status)
}

// TestScopedParams: a row that exists but belongs to another parent in the
// path is a 404, like a missing one.
func TestScopedParams(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()

	// A job of this organization, asked for under another.
	job := f.version.Job.ID.String()
	assert.Equal(t, http.StatusOK, coderdtest.RawRequest(t, f.owner, http.MethodGet, "/api/v2/organizations/"+f.orgID.String()+"/provisionerjobs/"+job, nil).Status)
	assert.Equal(t, http.StatusNotFound, coderdtest.RawRequest(t, f.owner, http.MethodGet, "/api/v2/organizations/"+f.otherOrgID.String()+"/provisionerjobs/"+job, nil).Status)

	// The member's token, asked for under the owner.
	token, err := f.member.CreateToken(ctx, codersdk.Me, codersdk.CreateTokenRequest{TokenName: "ci"})
	require.NoError(t, err)
	keyID := token.Key[:10]
	assert.Equal(t, http.StatusOK, coderdtest.RawRequest(t, f.owner, http.MethodGet, "/api/v2/users/"+f.memberUser.ID.String()+"/keys/"+keyID, nil).Status)
	assert.Equal(t, http.StatusNotFound, coderdtest.RawRequest(t, f.owner, http.MethodGet, "/api/v2/users/me/keys/"+keyID, nil).Status)
	assert.Equal(t, http.StatusOK, coderdtest.RawRequest(t, f.owner, http.MethodGet, "/api/v2/users/"+f.memberUser.Username+"/keys/tokens/ci", nil).Status)
	assert.Equal(t, http.StatusNotFound, coderdtest.RawRequest(t, f.owner, http.MethodGet, "/api/v2/users/me/keys/tokens/ci", nil).Status)

	// Templates and versions by name, under their organization and template.
	byName := "/api/v2/organizations/" + f.orgID.String() + "/templates/" + f.template.Name
	assert.Equal(t, http.StatusOK, coderdtest.RawRequest(t, f.owner, http.MethodGet, byName, nil).Status)
	assert.Equal(t, http.StatusOK, coderdtest.RawRequest(t, f.owner, http.MethodGet, byName+"/versions/"+f.version.Name, nil).Status)
	assert.Equal(t, http.StatusNotFound, coderdtest.RawRequest(t, f.owner, http.MethodGet, byName+"/versions/nope", nil).Status)
	assert.Equal(t, http.StatusNotFound, coderdtest.RawRequest(t, f.owner, http.MethodGet,
		"/api/v2/organizations/"+f.otherOrgID.String()+"/templates/"+f.template.Name, nil).Status)
	assert.Equal(t, http.StatusOK, coderdtest.RawRequest(t, f.owner, http.MethodGet,
		"/api/v2/templates/"+f.template.ID.String()+"/versions/"+f.version.Name, nil).Status)

	// A built-in role is not a custom role to delete; a missing one is a 404.
	roles := "/api/v2/organizations/" + f.orgID.String() + "/members/roles/"
	requireBad(t, coderdtest.RawRequest(t, f.owner, http.MethodDelete, roles+"organization-admin", nil), "roleName")
	assert.Equal(t, http.StatusNotFound, coderdtest.RawRequest(t, f.owner, http.MethodDelete, roles+"never-existed", nil).Status)

	// An organization by name is the user's only if they are a member.
	assert.Equal(t, http.StatusOK, coderdtest.RawRequest(t, f.owner, http.MethodGet, "/api/v2/users/me/organizations/other", nil).Status)
	assert.Equal(t, http.StatusNotFound, coderdtest.RawRequest(t, f.owner, http.MethodGet,
		"/api/v2/users/"+f.memberUser.ID.String()+"/organizations/other", nil).Status)
}
