package rbac

import (
	"testing"

	"github.com/google/uuid"
)

// benchSubject is a realistic user: site member plus the given roles, a
// member of orgA and four more organizations, in two groups.
func benchSubject(b *testing.B, scope string, extra ...RoleIdentifier) *PreparedSubject {
	b.Helper()
	ids := []RoleIdentifier{RoleMember(), ScopedRoleOrgMember(orgA)}
	for i := 0; i < 4; i++ {
		ids = append(ids, ScopedRoleOrgMember(uuid.New()))
	}
	ids = append(ids, extra...)
	return Prepare(Subject{
		ID:           me,
		FriendlyName: "bench",
		Roles:        mustRoles(b, ids...),
		Groups:       []uuid.UUID{uuid.New(), orgA},
		Scope:        mustScope(b, scope),
	})
}

func BenchmarkAuthorize(b *testing.B) {
	ownWorkspace := ResourceWorkspace.WithID(uuid.New()).InOrg(orgA).WithOwner(me)
	cases := []struct {
		name  string
		p     *PreparedSubject
		a     Action
		o     Object
		allow bool
	}{
		{"owner-allowed", benchSubject(b, ScopeAll, RoleOwner()), ActionUpdate, ResourceWorkspace.InOrg(orgB).WithOwner(other), true},
		{"member-allowed-own-workspace", benchSubject(b, ScopeAll), ActionWorkspaceStart, ownWorkspace, true},
		{"member-denied-other-org", benchSubject(b, ScopeAll), ActionRead, ResourceWorkspace.InOrg(orgB).WithOwner(me), false},
		{"with-scope", benchSubject(b, ScopeApplicationConnect, RoleOwner()), ActionApplicationConnect, ownWorkspace, true},
		{"with-scope-denied", benchSubject(b, ScopeApplicationConnect, RoleOwner()), ActionRead, ownWorkspace, false},
		{"member-acl-allowed", benchSubject(b, ScopeAll), ActionRead,
			ResourceWorkspace.InOrg(orgA).WithOwner(other).WithGroupACL(map[uuid.UUID][]Action{orgA: {ActionRead}}), true},
		{"org-admin-many-orgs", benchSubject(b, ScopeAll, ScopedRoleOrgAdmin(orgA)), ActionDelete, ResourceTemplate.InOrg(orgA), true},
	}
	for _, c := range cases {
		if (c.p.Authorize(c.a, c.o) == nil) != c.allow {
			b.Fatalf("%s: wrong decision", c.name)
		}
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = c.p.Authorize(c.a, c.o)
			}
		})
	}
}

// BenchmarkPrepare is the per-request cost of building the tables.
func BenchmarkPrepare(b *testing.B) {
	for _, n := range []int{1, 5, 50} {
		ids := []RoleIdentifier{RoleMember(), RoleTemplateAdmin()}
		for i := 0; i < n; i++ {
			ids = append(ids, ScopedRoleOrgMember(uuid.New()))
		}
		s := Subject{ID: me, Roles: mustRoles(b, ids...), Scope: mustScope(b, ScopeAll)}
		b.Run(map[int]string{1: "orgs-1", 5: "orgs-5", 50: "orgs-50"}[n], func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = Prepare(s)
			}
		})
	}
}

func BenchmarkFilter(b *testing.B) {
	p := benchSubject(b, ScopeAll)
	b.ReportAllocs()
	for b.Loop() {
		_ = p.Filter(ActionRead, ResourceWorkspace.Type)
	}
}
