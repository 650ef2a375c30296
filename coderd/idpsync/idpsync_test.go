package idpsync_test

import (
	"regexp"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"

	"github.com/devplane/devplane/coderd/idpsync"
	"github.com/devplane/devplane/codersdk"
)

func TestClaimValues(t *testing.T) {
	t.Parallel()
	claims := map[string]any{"list": []any{"a", 1, "b"}, "one": "x", "num": 3.0}
	assert.Equal(t, []string{"a", "b"}, idpsync.ClaimValues(claims, "list"))
	assert.Equal(t, []string{"x"}, idpsync.ClaimValues(claims, "one"))
	assert.Nil(t, idpsync.ClaimValues(claims, "num"))
	assert.Nil(t, idpsync.ClaimValues(claims, "missing"))
	assert.Nil(t, idpsync.ClaimValues(claims, ""))
}

func TestOrganizations(t *testing.T) {
	t.Parallel()
	def, a, b := uuid.New(), uuid.New(), uuid.New()
	s := codersdk.OrganizationSyncSettings{
		Field: "orgs", AssignDefault: true,
		Mapping: map[string][]uuid.UUID{"eng": {a}, "all": {a, b}},
	}
	want, on := idpsync.Organizations(s, map[string]any{"orgs": []any{"eng", "unknown"}}, def)
	assert.True(t, on)
	assert.ElementsMatch(t, []uuid.UUID{def, a}, want)

	s.AssignDefault = false
	want, _ = idpsync.Organizations(s, map[string]any{"orgs": []any{"all"}}, def)
	assert.ElementsMatch(t, []uuid.UUID{a, b}, want)

	want, on = idpsync.Organizations(codersdk.OrganizationSyncSettings{AssignDefault: true}, nil, def)
	assert.False(t, on, "no field: sync off")
	assert.Equal(t, []uuid.UUID{def}, want)
}

func TestGroups(t *testing.T) {
	t.Parallel()
	g := uuid.New()
	s := codersdk.GroupSyncSettings{
		Field:             "groups",
		RegexFilter:       regexp.MustCompile("^team-"),
		Mapping:           map[string][]uuid.UUID{"team-ops": {g}},
		LegacyNameMapping: map[string]string{"team-old": "team-new"},
		AutoCreateMissing: true,
	}
	plan, on := idpsync.Groups(s, map[string]any{"groups": []any{"team-ops", "team-a", "team-old", "other", "team-a"}})
	assert.True(t, on)
	assert.Equal(t, []uuid.UUID{g}, plan.IDs)
	assert.Equal(t, []string{"team-a", "team-new"}, plan.Names)
	assert.True(t, plan.AutoCreate)

	_, on = idpsync.Groups(codersdk.GroupSyncSettings{}, map[string]any{"groups": []any{"x"}})
	assert.False(t, on)
}

func TestRoles(t *testing.T) {
	t.Parallel()
	roles, on := idpsync.Roles(codersdk.RoleSyncSettings{Field: "roles", Mapping: map[string][]string{"admins": {"organization-admin"}}},
		map[string]any{"roles": []any{"admins", "organization-auditor"}})
	assert.True(t, on)
	assert.Equal(t, []string{"organization-admin", "organization-auditor"}, roles)

	site, on := idpsync.SiteRoles("roles", map[string][]string{"ops": {"owner"}}, []string{"auditor"}, map[string]any{"roles": "ops"})
	assert.True(t, on)
	assert.Equal(t, []string{"auditor", "owner"}, site)
	_, on = idpsync.SiteRoles("", nil, nil, nil)
	assert.False(t, on)
}

func TestDiffAndPatchMapping(t *testing.T) {
	t.Parallel()
	add, remove := idpsync.Diff([]string{"a", "b"}, []string{"b", "c"})
	assert.Equal(t, []string{"c"}, add)
	assert.Equal(t, []string{"a"}, remove)

	m := map[string][]string{"x": {"r1"}}
	out := idpsync.PatchMapping(m,
		[]codersdk.IDPSyncMapping[string]{{Given: "x", Gets: "r2"}, {Given: "y", Gets: "r3"}, {Given: "z", Gets: "r4"}},
		[]codersdk.IDPSyncMapping[string]{{Given: "x", Gets: "r1"}, {Given: "z", Gets: "r4"}})
	assert.Equal(t, map[string][]string{"x": {"r2"}, "y": {"r3"}}, out, "a mapping in both add and remove is removed")
	assert.Equal(t, map[string][]string{"x": {"r1"}}, m, "the input is not changed")
}
