package rbac

import (
	"math/rand/v2"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

// gen draws random subjects and objects over three organizations the
// subject may belong to and a fourth it never does.
type gen struct {
	r      *rand.Rand
	orgs   []uuid.UUID // candidate memberships
	outOrg uuid.UUID
	groups []uuid.UUID
}

func newGen(seed uint64) *gen {
	return &gen{
		r:      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		orgs:   []uuid.UUID{orgA, orgB, orgC},
		outOrg: uuid.MustParse("dddddddd-0000-4000-8000-000000000004"),
		groups: []uuid.UUID{uuid.MustParse("99999999-0000-4000-8000-000000000001"), uuid.MustParse("99999999-0000-4000-8000-000000000002")},
	}
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

var (
	genTypes   = []string{"workspace", "workspace_dormant", "template", "user", "api_key", WildcardSymbol, "foo"}
	genActions = []Action{ActionRead, ActionCreate, ActionDelete, ActionSSH, ActionApplicationConnect, ActionShare, "frob", WildcardSymbol}
)

func (g *gen) perms(n int) []Permission {
	out := make([]Permission, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, Permission{Negate: g.chance(0.2), ResourceType: pick(g, genTypes), Action: pick(g, genActions)})
	}
	return out
}

func (g *gen) customRole() Role {
	r := Role{Identifier: RoleIdentifier{Name: "custom"}, Site: g.perms(g.r.IntN(3)), User: g.perms(g.r.IntN(4))}
	if g.chance(0.7) {
		r.ByOrgID = map[uuid.UUID]OrgPermissions{}
		for _, org := range append(g.orgs, g.outOrg) {
			if g.chance(0.4) {
				r.ByOrgID[org] = OrgPermissions{Org: g.perms(g.r.IntN(4)), Member: g.perms(g.r.IntN(4))}
			}
		}
	}
	return r
}

func (g *gen) subject(t testing.TB) Subject {
	var roles []Role
	for _, id := range []RoleIdentifier{RoleOwner(), RoleMember(), RoleAuditor(), RoleTemplateAdmin(), RoleUserAdmin()} {
		if g.chance(0.25) {
			roles = append(roles, mustRoles(t, id)...)
		}
	}
	for _, org := range g.orgs {
		if g.chance(0.6) {
			roles = append(roles, mustRoles(t, ScopedRoleOrgMember(org))...)
		}
		for _, name := range orgRoleOrder {
			if name != orgMember && g.chance(0.15) {
				roles = append(roles, mustRoles(t, RoleIdentifier{Name: name, OrganizationID: org})...)
			}
		}
	}
	for n := g.r.IntN(3); n > 0; n-- {
		roles = append(roles, g.customRole())
	}
	s := Subject{ID: me, FriendlyName: "random", Roles: roles}
	if g.chance(0.05) {
		s.ID = uuid.Nil
	}
	switch x := g.r.Float64(); {
	case x < 0.55:
		s.Scope = mustScope(t, ScopeAll)
	case x < 0.75:
		s.Scope = mustScope(t, ScopeApplicationConnect)
	case x < 0.8:
		s.Scope = Role{}
	default:
		s.Scope = g.customRole()
	}
	for _, grp := range append(g.groups, orgA) {
		if g.chance(0.4) {
			s.Groups = append(s.Groups, grp)
		}
	}
	return s
}

func (g *gen) acl(keys []uuid.UUID) map[uuid.UUID][]Action {
	if g.chance(0.5) {
		return nil
	}
	m := map[uuid.UUID][]Action{}
	for _, k := range keys {
		if g.chance(0.5) {
			m[k] = []Action{pick(g, genActions), pick(g, genActions)}
		}
	}
	return m
}

func (g *gen) object(withACL, anyOrg bool) Object {
	o := Object{ID: uuid.New(), Type: pick(g, genTypes)}
	o.OrgID = pick(g, []uuid.UUID{uuid.Nil, orgA, orgB, orgC, g.outOrg})
	o.Owner = pick(g, []uuid.UUID{uuid.Nil, me, other})
	if withACL {
		o.ACLUserList = g.acl([]uuid.UUID{me, other, uuid.Nil})
		o.ACLGroupList = g.acl(append(g.groups, orgA, orgB))
	}
	if anyOrg && g.chance(0.15) {
		o = o.AnyOrganization()
	}
	return o
}

// TestTablesMatchReference checks the precomputed tables against the
// contract evaluated directly, on random subjects and objects.
func TestTablesMatchReference(t *testing.T) {
	t.Parallel()
	const seed = 20240601
	g := newGen(seed)
	for i := 0; i < 400; i++ {
		s := g.subject(t)
		p := Prepare(s)
		for j := 0; j < 150; j++ {
			o := g.object(true, true)
			a := pick(g, genActions)
			want := decide(&s, a, o)
			got := p.Authorize(a, o) == nil
			if want != got {
				t.Fatalf("seed %d subject %d object %d: %s on %s (acl users %v groups %v): tables say %v, reference %v\nroles: %+v\nscope: %+v\ngroups: %v",
					seed, i, j, a, describe(o), o.ACLUserList, o.ACLGroupList, got, want, s.Roles, s.Scope, s.Groups)
			}
		}
	}
}

// TestFilterMatchesAuthorize: for random subjects (random role mixes over
// three organizations, random scopes) and random rows,
// Filter(a, t).Allows(org, owner) == (Authorize(a, o) == nil) without ACLs,
// and AllowsObject agrees with Authorize with ACLs.
func TestFilterMatchesAuthorize(t *testing.T) {
	t.Parallel()
	const seed = 77
	g := newGen(seed)
	for i := 0; i < 400; i++ {
		s := g.subject(t)
		p := Prepare(s)
		filters := map[[2]string]Filter{}
		for j := 0; j < 150; j++ {
			withACL := j%2 == 0
			o := g.object(withACL, false)
			a := pick(g, genActions)
			key := [2]string{string(a), o.Type}
			f, ok := filters[key]
			if !ok {
				f = p.Filter(a, o.Type)
				filters[key] = f
			}
			want := p.Authorize(a, o) == nil
			if !withACL {
				require.Equal(t, want, f.Allows(o.OrgID, o.Owner), "seed %d subject %d: %s on %s, filter %+v", seed, i, a, describe(o), f)
			}
			require.Equal(t, want, f.AllowsObject(o), "seed %d subject %d: %s on %s with ACL %v/%v, filter %+v", seed, i, a, describe(o), o.ACLUserList, o.ACLGroupList, f)
		}
	}
}

func TestFilter(t *testing.T) {
	t.Parallel()
	ws := ResourceWorkspace.Type

	f := Prepare(user(t, RoleOwner())).Filter(ActionRead, ws)
	require.True(t, f.All)
	require.False(t, f.HasACL())

	// A member sees its own workspaces in its organizations.
	s := user(t, ScopedRoleOrgMember(orgB))
	f = Prepare(s).Filter(ActionRead, ws)
	require.False(t, f.All)
	require.Empty(t, f.OrgIDs)
	require.Equal(t, me, f.OwnerID)
	require.ElementsMatch(t, []uuid.UUID{orgA, orgB}, f.OwnerOrgIDs)
	require.False(t, f.OwnerWithoutOrg)
	// ACL grants count in its organizations.
	require.ElementsMatch(t, []uuid.UUID{orgA, orgB}, f.ACLOrgIDs)
	require.Equal(t, me, f.ACLUserID)

	// An org admin sees every workspace of its organization.
	f = Prepare(user(t, ScopedRoleOrgAdmin(orgB))).Filter(ActionRead, ws)
	require.Equal(t, []uuid.UUID{orgB}, f.OrgIDs)
	require.Equal(t, []uuid.UUID{orgA}, f.OwnerOrgIDs)

	// Users: own row only (the shape dbauthz.GetUsers relies on).
	f = Prepare(user(t)).Filter(ActionRead, ResourceUser.Type)
	require.False(t, f.All)
	require.True(t, f.OwnerWithoutOrg)
	require.Equal(t, me, f.OwnerID)
	require.True(t, f.Allows(uuid.Nil, me))
	require.False(t, f.Allows(uuid.Nil, other))
	require.True(t, Prepare(user(t, RoleUserAdmin())).Filter(ActionRead, ResourceUser.Type).All)

	// The scope narrows the filter.
	app := user(t, RoleOwner())
	app.Scope = mustScope(t, ScopeApplicationConnect)
	f = Prepare(app).Filter(ActionRead, ws)
	require.Equal(t, Filter{Action: ActionRead, ResourceType: ws, OwnerID: me}, f)
	require.True(t, Prepare(app).Filter(ActionApplicationConnect, ws).All)

	// A subject that cannot own gets no owner clauses.
	f = Prepare(SystemSubject("x", perm(ws, ActionRead))).Filter(ActionDelete, ws)
	require.Equal(t, Filter{Action: ActionDelete, ResourceType: ws}, f)
	require.False(t, f.Allows(uuid.Nil, uuid.Nil))
}
