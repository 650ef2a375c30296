package coderd_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
)

// newTemplateFixture is a provFixture whose server runs a daemon, so
// imports complete, and an imported version ready to become a template.
func newTemplateFixture(t *testing.T) (*provFixture, codersdk.TemplateVersion) {
	t.Helper()
	f := newProvFixtureWith(t, &coderdtest.Options{IncludeProvisionerDaemon: true})
	v := coderdtest.CreateTemplateVersion(t, f.templateAdmin, f.orgID, nil, uuid.Nil)
	v = coderdtest.AwaitTemplateVersionJobCompleted(t, f.templateAdmin, v.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, v.Job.Status, v.Job.Error)
	return f, v
}

// echoImportFailure is an echo template whose import fails.
func echoImportFailure(t *testing.T) []byte {
	return pvTar(t, map[string]string{"echo.yaml": "import:\n  fail: the template is broken\n"})
}

// TestTemplateJourney is issue #5's end to end: upload an echo template,
// create a version and follow its import, create a template, add and
// promote a second version, archive the first.
func TestTemplateJourney(t *testing.T) {
	t.Parallel()
	f, v1 := newTemplateFixture(t)
	ctx := t.Context()
	admin := f.templateAdmin

	params, err := admin.TemplateVersionRichParameters(ctx, v1.ID)
	require.NoError(t, err)
	require.NotEmpty(t, params, "the import parsed the parameters")

	tpl, err := admin.CreateTemplate(ctx, f.orgID, codersdk.CreateTemplateRequest{
		Name: "dev-env", DisplayName: "Dev environment", Description: "For developers", Icon: "/icon/code.svg",
		VersionID: v1.ID,
	})
	require.NoError(t, err)
	assert.Equal(t, "dev-env", tpl.Name)
	assert.Equal(t, v1.ID, tpl.ActiveVersionID)
	assert.Equal(t, codersdk.ProvisionerTypeEcho, tpl.Provisioner)
	assert.Equal(t, f.templateAdminUser.Username, tpl.CreatedByName)
	assert.Equal(t, time.Hour.Milliseconds(), tpl.ActivityBumpMillis, "default activity bump")
	assert.Equal(t, codersdk.AllDaysOfWeek(), tpl.AutostartRequirement.DaysOfWeek, "autostart allowed every day by default")
	assert.Equal(t, int64(1), tpl.AutostopRequirement.Weeks)
	assert.Equal(t, codersdk.WorkspaceAgentPortShareLevelOwner, tpl.MaxPortShareLevel)
	assert.True(t, tpl.AllowUserAutostart)
	assert.Equal(t, "coder", tpl.OrganizationName)
	assert.Len(t, tpl.BuildTimeStats, 3)

	v1, err = admin.TemplateVersion(ctx, v1.ID)
	require.NoError(t, err)
	require.NotNil(t, v1.TemplateID)
	assert.Equal(t, tpl.ID, *v1.TemplateID, "the version now belongs to the template")

	// The active version cannot be archived.
	err = admin.SetArchiveTemplateVersion(ctx, v1.ID, true)
	pvRequireStatus(t, err, http.StatusBadRequest)

	v2 := coderdtest.CreateTemplateVersion(t, admin, f.orgID, nil, tpl.ID)
	require.NotNil(t, v2.TemplateID)
	v2 = coderdtest.AwaitTemplateVersionJobCompleted(t, admin, v2.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, v2.Job.Status)

	require.NoError(t, admin.UpdateActiveTemplateVersion(ctx, tpl.ID, codersdk.UpdateActiveTemplateVersion{ID: v2.ID}))
	tpl, err = admin.Template(ctx, tpl.ID)
	require.NoError(t, err)
	assert.Equal(t, v2.ID, tpl.ActiveVersionID)

	require.NoError(t, admin.SetArchiveTemplateVersion(ctx, v1.ID, true))
	versions, err := admin.TemplateVersionsByTemplate(ctx, codersdk.TemplateVersionsByTemplateRequest{TemplateID: tpl.ID})
	require.NoError(t, err)
	require.Len(t, versions, 1, "archived versions are left out")
	assert.Equal(t, v2.ID, versions[0].ID)
	versions, err = admin.TemplateVersionsByTemplate(ctx, codersdk.TemplateVersionsByTemplateRequest{TemplateID: tpl.ID, IncludeArchived: true})
	require.NoError(t, err)
	require.Len(t, versions, 2)
	assert.Equal(t, v1.ID, versions[0].ID, "oldest first")
	assert.True(t, versions[0].Archived)

	// Archived versions cannot be promoted.
	err = admin.UpdateActiveTemplateVersion(ctx, tpl.ID, codersdk.UpdateActiveTemplateVersion{ID: v1.ID})
	pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), "id")

	byName, err := admin.TemplateVersionByName(ctx, tpl.ID, v2.Name)
	require.NoError(t, err)
	assert.Equal(t, v2.ID, byName.ID)
	byOrg, err := admin.TemplateVersionByOrganizationAndName(ctx, f.orgID, "dev-env", v2.Name)
	require.NoError(t, err)
	assert.Equal(t, v2.ID, byOrg.ID)
	prev, err := admin.PreviousTemplateVersion(ctx, f.orgID, "dev-env", v2.Name)
	require.NoError(t, err)
	assert.Equal(t, v1.ID, prev.ID)
	_, err = admin.PreviousTemplateVersion(ctx, f.orgID, "dev-env", v1.Name)
	pvRequireStatus(t, err, http.StatusNotFound)
	got, err := admin.TemplateByName(ctx, f.orgID, "DEV-ENV")
	require.NoError(t, err, "names match case-insensitively")
	assert.Equal(t, tpl.ID, got.ID)
}

func TestCreateTemplateValidation(t *testing.T) {
	t.Parallel()
	f, v := newTemplateFixture(t)
	ctx := t.Context()
	admin := f.templateAdmin
	neg, short, weeks := int64(-1), int64(1000), int64(17)
	badLevel := codersdk.WorkspaceAgentPortShareLevel("everyone")

	cases := []struct {
		name  string
		req   codersdk.CreateTemplateRequest
		field string
	}{
		{"NoName", codersdk.CreateTemplateRequest{VersionID: v.ID}, "name"},
		{"BadName", codersdk.CreateTemplateRequest{Name: "no spaces", VersionID: v.ID}, "name"},
		{"LongDescription", codersdk.CreateTemplateRequest{Name: "a", Description: string(make([]byte, 129)), VersionID: v.ID}, "description"},
		{"NegativeTTL", codersdk.CreateTemplateRequest{Name: "a", DefaultTTLMillis: &neg, VersionID: v.ID}, "default_ttl_ms"},
		{"FailureTTLTooShort", codersdk.CreateTemplateRequest{Name: "a", FailureTTLMillis: &short, VersionID: v.ID}, "failure_ttl_ms"},
		{"TooManyWeeks", codersdk.CreateTemplateRequest{Name: "a", VersionID: v.ID,
			AutostopRequirement: &codersdk.TemplateAutostopRequirement{Weeks: weeks}}, "autostop_requirement.weeks"},
		{"BadWeekday", codersdk.CreateTemplateRequest{Name: "a", VersionID: v.ID,
			AutostartRequirement: &codersdk.TemplateAutostartRequirement{DaysOfWeek: []string{"funday"}}}, "autostart_requirement.days_of_week"},
		{"BadPortShareLevel", codersdk.CreateTemplateRequest{Name: "a", VersionID: v.ID, MaxPortShareLevel: &badLevel}, "max_port_share_level"},
		{"NoVersion", codersdk.CreateTemplateRequest{Name: "a"}, "template_version_id"},
		{"UnknownVersion", codersdk.CreateTemplateRequest{Name: "a", VersionID: uuid.New()}, "template_version_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := admin.CreateTemplate(ctx, f.orgID, tc.req)
			pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), tc.field)
		})
	}

	t.Run("FailedImport", func(t *testing.T) {
		bad := coderdtest.CreateTemplateVersion(t, admin, f.orgID, echoImportFailure(t), uuid.Nil)
		bad = coderdtest.AwaitTemplateVersionJobCompleted(t, admin, bad.ID)
		require.Equal(t, codersdk.ProvisionerJobFailed, bad.Job.Status)
		_, err := admin.CreateTemplate(ctx, f.orgID, codersdk.CreateTemplateRequest{Name: "broken", VersionID: bad.ID})
		pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), "template_version_id")
	})

	t.Run("VersionOfAnotherOrganization", func(t *testing.T) {
		_, err := f.owner.CreateTemplate(ctx, f.otherOrgID, codersdk.CreateTemplateRequest{Name: "elsewhere", VersionID: v.ID})
		pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), "template_version_id")
	})

	tpl := coderdtest.CreateTemplate(t, admin, f.orgID, v.ID, func(r *codersdk.CreateTemplateRequest) { r.Name = "taken" })
	t.Run("VersionAlreadyUsed", func(t *testing.T) {
		_, err := admin.CreateTemplate(ctx, f.orgID, codersdk.CreateTemplateRequest{Name: "other", VersionID: v.ID})
		pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), "template_version_id")
	})
	t.Run("NameTaken", func(t *testing.T) {
		v2 := coderdtest.AwaitTemplateVersionJobCompleted(t, admin, coderdtest.CreateTemplateVersion(t, admin, f.orgID, nil, uuid.Nil).ID)
		_, err := admin.CreateTemplate(ctx, f.orgID, codersdk.CreateTemplateRequest{Name: "TAKEN", VersionID: v2.ID})
		pvRequireField(t, pvRequireStatus(t, err, http.StatusConflict), "name")
		// Nothing was written: the version is still free for a template.
		v2, err = admin.TemplateVersion(ctx, v2.ID)
		require.NoError(t, err)
		assert.Nil(t, v2.TemplateID)
	})
	t.Run("MemberCannotCreate", func(t *testing.T) {
		_, err := f.member.CreateTemplate(ctx, f.orgID, codersdk.CreateTemplateRequest{Name: "mine", VersionID: uuid.New()})
		pvRequireStatus(t, err, http.StatusForbidden)
	})
	_ = tpl
}

// TestTemplateAuthorization: template admins see and change every template;
// members see templates through the ACL (the Everyone group by default)
// and may change them only with an admin entry; other organizations see
// nothing.
func TestTemplateAuthorization(t *testing.T) {
	t.Parallel()
	f, v := newTemplateFixture(t)
	ctx := t.Context()
	tpl := coderdtest.CreateTemplate(t, f.templateAdmin, f.orgID, v.ID)

	visible := func(c *codersdk.Client) bool {
		list, err := c.Templates(ctx, codersdk.TemplateFilter{})
		require.NoError(t, err)
		inList := false
		for _, x := range list {
			inList = inList || x.ID == tpl.ID
		}
		_, err = c.Template(ctx, tpl.ID)
		if err != nil {
			pvRequireStatus(t, err, http.StatusNotFound)
		}
		require.Equal(t, inList, err == nil, "the list and the single read agree")
		return inList
	}
	assert.True(t, visible(f.owner))
	assert.True(t, visible(f.templateAdmin))
	assert.True(t, visible(f.member), "the Everyone group may use the template")
	assert.False(t, visible(f.outsider), "another organization's admin")

	// A member with "use" reads the template's versions and parameters.
	versions, err := f.member.TemplateVersionsByTemplate(ctx, codersdk.TemplateVersionsByTemplateRequest{TemplateID: tpl.ID})
	require.NoError(t, err)
	require.Len(t, versions, 1)
	_, err = f.member.TemplateVersionRichParameters(ctx, tpl.ActiveVersionID)
	require.NoError(t, err)

	// ... but changes nothing.
	name := "renamed"
	_, err = f.member.UpdateTemplateMeta(ctx, tpl.ID, codersdk.UpdateTemplateMeta{Name: name})
	pvRequireStatus(t, err, http.StatusForbidden)
	pvRequireStatus(t, f.member.DeleteTemplate(ctx, tpl.ID), http.StatusForbidden)
	_, err = f.member.TemplateACL(ctx, tpl.ID)
	pvRequireStatus(t, err, http.StatusForbidden)
	pvRequireStatus(t, f.member.UpdateActiveTemplateVersion(ctx, tpl.ID, codersdk.UpdateActiveTemplateVersion{ID: v.ID}), http.StatusForbidden)
	_, err = f.member.TemplateDAUs(ctx, tpl.ID, 0)
	pvRequireStatus(t, err, http.StatusForbidden)
	_, err = f.member.CreateTemplateVersion(ctx, f.orgID, codersdk.CreateTemplateVersionRequest{
		StorageMethod: codersdk.ProvisionerStorageMethodFile, FileID: pvUpload(t, f.member),
		Provisioner: codersdk.ProvisionerTypeEcho, TemplateID: tpl.ID,
	})
	pvRequireStatus(t, err, http.StatusForbidden)
	// The outsider cannot even name it.
	_, err = f.outsider.TemplateVersionRichParameters(ctx, tpl.ActiveVersionID)
	pvRequireStatus(t, err, http.StatusNotFound)

	// Without the Everyone group only admins see it...
	_, err = f.templateAdmin.UpdateTemplateMeta(ctx, tpl.ID, codersdk.UpdateTemplateMeta{DisableEveryoneGroupAccess: true})
	require.NoError(t, err)
	assert.False(t, visible(f.member))
	_, err = f.member.TemplateVersion(ctx, tpl.ActiveVersionID)
	pvRequireStatus(t, err, http.StatusNotFound)

	// ... until the ACL names the member.
	require.NoError(t, f.templateAdmin.UpdateTemplateACL(ctx, tpl.ID, codersdk.UpdateTemplateACL{
		UserPerms: map[string]codersdk.TemplateRole{f.memberUser.ID.String(): codersdk.TemplateRoleUse},
	}))
	assert.True(t, visible(f.member))
	_, err = f.member.UpdateTemplateMeta(ctx, tpl.ID, codersdk.UpdateTemplateMeta{Name: name})
	pvRequireStatus(t, err, http.StatusForbidden)

	// An admin entry lets the member administer this template alone.
	require.NoError(t, f.templateAdmin.UpdateTemplateACL(ctx, tpl.ID, codersdk.UpdateTemplateACL{
		UserPerms: map[string]codersdk.TemplateRole{f.memberUser.ID.String(): codersdk.TemplateRoleAdmin},
	}))
	updated, err := f.member.UpdateTemplateMeta(ctx, tpl.ID, codersdk.UpdateTemplateMeta{Name: name})
	require.NoError(t, err)
	assert.Equal(t, name, updated.Name)
	acl, err := f.member.TemplateACL(ctx, tpl.ID)
	require.NoError(t, err)
	require.Len(t, acl.Users, 1)
	assert.Equal(t, f.memberUser.ID, acl.Users[0].ID)
	assert.Equal(t, codersdk.TemplateRoleAdmin, acl.Users[0].Role)
	assert.Empty(t, acl.Groups, "Everyone was removed")
	_, err = f.member.CreateTemplate(ctx, f.orgID, codersdk.CreateTemplateRequest{Name: "mine", VersionID: v.ID})
	pvRequireStatus(t, err, http.StatusForbidden)

	// A group entry works like a user entry.
	group, err := f.owner.CreateGroup(ctx, f.orgID, codersdk.CreateGroupRequest{Name: "devs"})
	require.NoError(t, err)
	_, err = f.owner.PatchGroup(ctx, group.ID, codersdk.PatchGroupRequest{AddUsers: []string{f.memberUser.ID.String()}})
	require.NoError(t, err)
	require.NoError(t, f.templateAdmin.UpdateTemplateACL(ctx, tpl.ID, codersdk.UpdateTemplateACL{
		UserPerms:  map[string]codersdk.TemplateRole{f.memberUser.ID.String(): codersdk.TemplateRoleDeleted},
		GroupPerms: map[string]codersdk.TemplateRole{group.ID.String(): codersdk.TemplateRoleUse},
	}))
	assert.True(t, visible(f.member), "through the devs group")
	require.NoError(t, f.templateAdmin.UpdateTemplateACL(ctx, tpl.ID, codersdk.UpdateTemplateACL{
		GroupPerms: map[string]codersdk.TemplateRole{group.ID.String(): codersdk.TemplateRoleDeleted},
	}))
	assert.False(t, visible(f.member))

	// ACL entries must name members and groups of the organization.
	err = f.templateAdmin.UpdateTemplateACL(ctx, tpl.ID, codersdk.UpdateTemplateACL{
		UserPerms:  map[string]codersdk.TemplateRole{f.outsiderUser.ID.String(): codersdk.TemplateRoleUse, "nope": codersdk.TemplateRoleUse},
		GroupPerms: map[string]codersdk.TemplateRole{uuid.NewString(): "owner"},
	})
	apiErr := pvRequireStatus(t, err, http.StatusBadRequest)
	assert.Len(t, apiErr.Validations, 3)

	available, err := f.templateAdmin.TemplateACLAvailable(ctx, tpl.ID)
	require.NoError(t, err)
	assert.Len(t, available.Users, 3, "owner, template admin and member of the organization")
	assert.NotEmpty(t, available.Groups)
}

func TestPatchTemplateMeta(t *testing.T) {
	t.Parallel()
	f, v := newTemplateFixture(t)
	ctx := t.Context()
	admin := f.templateAdmin
	tpl := coderdtest.CreateTemplate(t, admin, f.orgID, v.ID, func(r *codersdk.CreateTemplateRequest) {
		r.Description = "keep me"
		ttl := time.Hour.Milliseconds()
		r.DefaultTTLMillis = &ttl
	})

	// Like Coder's API: booleans and durations are set from the body,
	// pointer fields left out keep their value.
	msg := "use dev-env-2"
	updated, err := admin.UpdateTemplateMeta(ctx, tpl.ID, codersdk.UpdateTemplateMeta{
		DefaultTTLMillis: tpl.DefaultTTLMillis, ActivityBumpMillis: tpl.ActivityBumpMillis,
		AllowUserAutostart: true, AllowUserAutostop: true, AllowUserCancelWorkspaceJobs: true,
		DeprecationMessage:   &msg,
		AutostartRequirement: &codersdk.TemplateAutostartRequirement{DaysOfWeek: []string{"Monday", "friday"}},
		AutostopRequirement:  &codersdk.TemplateAutostopRequirement{DaysOfWeek: []string{"saturday"}, Weeks: 2},
	})
	require.NoError(t, err)
	assert.Equal(t, "keep me", updated.Description, "absent pointer fields keep their value")
	assert.Equal(t, time.Hour.Milliseconds(), updated.DefaultTTLMillis)
	assert.True(t, updated.AllowUserAutostart)
	assert.True(t, updated.Deprecated)
	assert.Equal(t, msg, updated.DeprecationMessage)
	assert.Equal(t, []string{"monday", "friday"}, updated.AutostartRequirement.DaysOfWeek)
	assert.Equal(t, codersdk.TemplateAutostopRequirement{DaysOfWeek: []string{"saturday"}, Weeks: 2}, updated.AutostopRequirement)

	// A body without the booleans and durations turns them off.
	res, err := admin.Request(ctx, http.MethodPatch, "/api/v2/templates/"+tpl.ID.String(),
		map[string]any{"failure_ttl_ms": 120000, "allow_user_autostop": true})
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	got, err := admin.Template(ctx, tpl.ID)
	require.NoError(t, err)
	assert.False(t, got.AllowUserAutostart)
	assert.Zero(t, got.DefaultTTLMillis)
	assert.Equal(t, int64(120000), got.FailureTTLMillis)
	assert.True(t, got.AllowUserAutostop)
	assert.Equal(t, "keep me", got.Description)

	// The same settings again change nothing: 304.
	_, err = admin.UpdateTemplateMeta(ctx, tpl.ID, codersdk.UpdateTemplateMeta{
		AllowUserAutostop: true, FailureTTLMillis: 120000, ActivityBumpMillis: got.ActivityBumpMillis,
	})
	require.ErrorContains(t, err, "not modified")

	// Deprecated templates are listed only on request.
	list, err := admin.Templates(ctx, codersdk.TemplateFilter{SearchQuery: "deprecated:false"})
	require.NoError(t, err)
	assert.Empty(t, list)
	list, err = admin.Templates(ctx, codersdk.TemplateFilter{SearchQuery: "deprecated:true"})
	require.NoError(t, err)
	assert.Len(t, list, 1)

	bad := int64(-5)
	_, err = admin.UpdateTemplateMeta(ctx, tpl.ID, codersdk.UpdateTemplateMeta{Name: "bad name", ActivityBumpMillis: bad})
	apiErr := pvRequireStatus(t, err, http.StatusBadRequest)
	pvRequireField(t, apiErr, "name")
	pvRequireField(t, apiErr, "activity_bump_ms")

	other := coderdtest.CreateTemplate(t, admin, f.orgID,
		coderdtest.AwaitTemplateVersionJobCompleted(t, admin, coderdtest.CreateTemplateVersion(t, admin, f.orgID, nil, uuid.Nil).ID).ID)
	_, err = admin.UpdateTemplateMeta(ctx, other.ID, codersdk.UpdateTemplateMeta{Name: tpl.Name})
	pvRequireField(t, pvRequireStatus(t, err, http.StatusConflict), "name")
}

func TestTemplatesQuery(t *testing.T) {
	t.Parallel()
	f, v := newTemplateFixture(t)
	ctx := t.Context()
	admin := f.templateAdmin
	coderdtest.CreateTemplate(t, admin, f.orgID, v.ID, func(r *codersdk.CreateTemplateRequest) {
		r.Name, r.DisplayName = "python-dev", "Python"
	})
	v2 := coderdtest.AwaitTemplateVersionJobCompleted(t, f.owner, coderdtest.CreateTemplateVersion(t, f.owner, f.orgID, nil, uuid.Nil).ID)
	coderdtest.CreateTemplate(t, f.owner, f.orgID, v2.ID, func(r *codersdk.CreateTemplateRequest) { r.Name = "go-dev" })

	names := func(q string) []string {
		list, err := admin.Templates(ctx, codersdk.TemplateFilter{SearchQuery: q})
		require.NoError(t, err, q)
		out := []string{}
		for _, x := range list {
			out = append(out, x.Name)
		}
		return out
	}
	assert.Equal(t, []string{"go-dev", "python-dev"}, names(""))
	assert.Equal(t, []string{"python-dev"}, names("pyth"))
	assert.Equal(t, []string{"python-dev"}, names("name:PYTHON"), "display name, any case")
	assert.Equal(t, []string{"go-dev"}, names("exact_name:go-dev"))
	assert.Empty(t, names("exact_name:go"))
	assert.Equal(t, []string{"go-dev"}, names("author:owner"))
	assert.Equal(t, []string{"python-dev"}, names("author:me"))
	assert.Equal(t, []string{"go-dev", "python-dev"}, names("organization:coder"))

	byOrg, err := admin.TemplatesByOrganization(ctx, f.orgID)
	require.NoError(t, err)
	assert.Len(t, byOrg, 2)

	for _, q := range []string{"color:blue", "deprecated:maybe", "organization:nowhere", "author:nobody"} {
		_, err := admin.Templates(ctx, codersdk.TemplateFilter{SearchQuery: q})
		pvRequireStatus(t, err, http.StatusBadRequest)
	}
}

func TestTemplateExamples(t *testing.T) {
	t.Parallel()
	f := newProvFixtureWith(t, &coderdtest.Options{IncludeProvisionerDaemon: true})
	ctx := t.Context()
	list, err := f.member.TemplateExamples(ctx, f.orgID)
	require.NoError(t, err)
	var found *codersdk.TemplateExample
	for i := range list {
		if list[i].ID == "echo-dev" {
			found = &list[i]
		}
	}
	require.NotNil(t, found, "the echo starter is built in")
	assert.NotEmpty(t, found.Name)
	assert.Contains(t, found.Markdown, "# Echo development workspace")
	assert.Contains(t, found.Tags, "echo")

	v, err := f.templateAdmin.CreateTemplateVersion(ctx, f.orgID, codersdk.CreateTemplateVersionRequest{
		StorageMethod: codersdk.ProvisionerStorageMethodFile, ExampleID: "echo-dev", Provisioner: codersdk.ProvisionerTypeEcho,
	})
	require.NoError(t, err)
	v = coderdtest.AwaitTemplateVersionJobCompleted(t, f.templateAdmin, v.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, v.Job.Status, v.Job.Error)
	params, err := f.templateAdmin.TemplateVersionRichParameters(ctx, v.ID)
	require.NoError(t, err)
	assert.Len(t, params, 3)
	presets, err := f.templateAdmin.TemplateVersionPresets(ctx, v.ID)
	require.NoError(t, err)
	assert.Len(t, presets, 2)

	_, err = f.templateAdmin.CreateTemplateVersion(ctx, f.orgID, codersdk.CreateTemplateVersionRequest{
		StorageMethod: codersdk.ProvisionerStorageMethodFile, ExampleID: "no-such-example", Provisioner: codersdk.ProvisionerTypeEcho,
	})
	pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), "example_id")
}

func TestArchiveUnusedTemplateVersions(t *testing.T) {
	t.Parallel()
	f, v := newTemplateFixture(t)
	ctx := t.Context()
	admin := f.templateAdmin
	tpl := coderdtest.CreateTemplate(t, admin, f.orgID, v.ID)
	failed := coderdtest.AwaitTemplateVersionJobCompleted(t, admin, coderdtest.CreateTemplateVersion(t, admin, f.orgID, echoImportFailure(t), tpl.ID).ID)
	ok := coderdtest.AwaitTemplateVersionJobCompleted(t, admin, coderdtest.CreateTemplateVersion(t, admin, f.orgID, nil, tpl.ID).ID)

	res, err := admin.ArchiveTemplateVersions(ctx, tpl.ID, false)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{failed.ID}, res.ArchivedIDs, "by default only failed imports")
	res, err = admin.ArchiveTemplateVersions(ctx, tpl.ID, true)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{ok.ID}, res.ArchivedIDs, "never the active version")

	_, err = f.member.ArchiveTemplateVersions(ctx, tpl.ID, true)
	pvRequireStatus(t, err, http.StatusForbidden)
}

func TestDeleteTemplate(t *testing.T) {
	t.Parallel()
	f, v := newTemplateFixture(t)
	ctx := t.Context()
	tpl := coderdtest.CreateTemplate(t, f.templateAdmin, f.orgID, v.ID, func(r *codersdk.CreateTemplateRequest) { r.Name = "gone" })
	require.NoError(t, f.templateAdmin.DeleteTemplate(ctx, tpl.ID))
	_, err := f.templateAdmin.Template(ctx, tpl.ID)
	pvRequireStatus(t, err, http.StatusNotFound)
	list, err := f.templateAdmin.Templates(ctx, codersdk.TemplateFilter{})
	require.NoError(t, err)
	assert.Empty(t, list)
	// The name is free again.
	v2 := coderdtest.AwaitTemplateVersionJobCompleted(t, f.templateAdmin, coderdtest.CreateTemplateVersion(t, f.templateAdmin, f.orgID, nil, uuid.Nil).ID)
	coderdtest.CreateTemplate(t, f.templateAdmin, f.orgID, v2.ID, func(r *codersdk.CreateTemplateRequest) { r.Name = "gone" })
}

func TestTemplateDAUs(t *testing.T) {
	t.Parallel()
	f, v := newTemplateFixture(t)
	ctx := t.Context()
	tpl := coderdtest.CreateTemplate(t, f.templateAdmin, f.orgID, v.ID)
	today := dbtime.Now().UTC().Truncate(24 * time.Hour)
	for _, u := range []struct {
		id   uuid.UUID
		days int
	}{{f.memberUser.ID, 0}, {f.ownerUser.ID, 0}, {f.memberUser.ID, 1}, {f.memberUser.ID, 30}} {
		require.NoError(t, f.db.InsertTemplateDailyUser(ctx, database.InsertTemplateDailyUserParams{
			TemplateID: tpl.ID, UserID: u.id, Day: today.AddDate(0, 0, -u.days),
		}))
	}
	daus, err := f.templateAdmin.TemplateDAUs(ctx, tpl.ID, 0)
	require.NoError(t, err)
	require.Len(t, daus.Entries, 3)
	last := daus.Entries[2]
	assert.Equal(t, today.Format(time.DateOnly), last.Date)
	assert.Equal(t, 2, last.Amount)
	assert.Equal(t, 1, daus.Entries[0].Amount)

	got, err := f.templateAdmin.Template(ctx, tpl.ID)
	require.NoError(t, err)
	assert.Equal(t, 2, got.ActiveUserCount, "distinct users in the last 7 days")

	_, err = f.templateAdmin.TemplateDAUs(ctx, tpl.ID, 99)
	pvRequireField(t, pvRequireStatus(t, err, http.StatusBadRequest), "tz_offset")
}
