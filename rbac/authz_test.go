package rbac

import (
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

func customRole(name string, site, usr []Permission, byOrg map[uuid.UUID]OrgPermissions) Role {
	return Role{Identifier: RoleIdentifier{Name: name}, Site: site, User: usr, ByOrgID: byOrg}
}

func perm(typ string, a Action) Permission { return Permission{ResourceType: typ, Action: a} }
func negate(typ string, a Action) Permission {
	return Permission{Negate: true, ResourceType: typ, Action: a}
}
func subj(roles ...Role) Subject {
	return Subject{ID: me, FriendlyName: "me", Roles: roles, Scope: scopeRoles[ScopeAll]}
}
func inOrg(p ...Permission) OrgPermissions    { return OrgPermissions{Org: p} }
func asMember(p ...Permission) OrgPermissions { return OrgPermissions{Member: p} }

func TestLevels(t *testing.T) {
	t.Parallel()
	ws := ResourceWorkspace.Type
	mineA := ResourceWorkspace.InOrg(orgA).WithOwner(me)

	cases := []struct {
		name string
		s    Subject
		a    Action
		o    Object
		want bool
	}{
		{"negation beats allow at the site level",
			subj(customRole("a", []Permission{perm(ws, ActionRead)}, nil, nil), customRole("b", []Permission{negate(ws, ActionRead)}, nil, nil)),
			ActionRead, mineA, false},
		{"negation in the same role beats allow",
			subj(customRole("a", []Permission{perm(ws, ActionRead), negate(WildcardSymbol, WildcardSymbol)}, nil, nil)),
			ActionRead, ResourceWorkspace, false},
		{"site negation is final: org allow does not help",
			subj(customRole("a", []Permission{negate(ws, ActionRead)}, nil, map[uuid.UUID]OrgPermissions{orgA: inOrg(perm(ws, ActionRead))})),
			ActionRead, mineA, false},
		{"site negation is final: user allow does not help",
			subj(customRole("a", []Permission{negate(ws, ActionRead)}, []Permission{perm(ws, ActionRead)}, nil)),
			ActionRead, ResourceWorkspace.WithOwner(me), false},
		{"site allow beats org negation",
			user(t, RoleOwner(), ScopedRoleOrgWorkspaceCreationBan(orgA)),
			ActionCreate, mineA, true},
		{"org negation beats member allow",
			user(t, ScopedRoleOrgWorkspaceCreationBan(orgA)),
			ActionCreate, mineA, false},
		{"org negation beats org allow",
			user(t, ScopedRoleOrgAdmin(orgA), ScopedRoleOrgWorkspaceCreationBan(orgA)),
			ActionCreate, ResourceWorkspace.InOrg(orgA).WithOwner(other), false},
		{"org negation only in its org",
			subj(customRole("a", nil, nil, map[uuid.UUID]OrgPermissions{
				orgA: inOrg(negate(ws, ActionRead)),
				orgB: inOrg(perm(ws, ActionRead)),
			})),
			ActionRead, ResourceWorkspace.InOrg(orgB), true},
		{"user-level negation beats member allow",
			subj(customRole("a", nil, []Permission{negate(ws, ActionDelete)}, map[uuid.UUID]OrgPermissions{orgA: asMember(perm(ws, WildcardSymbol))})),
			ActionDelete, mineA, false},
		{"member negation beats user allow",
			subj(customRole("a", nil, []Permission{perm(ws, ActionDelete)}, map[uuid.UUID]OrgPermissions{orgA: asMember(negate(ws, ActionDelete))})),
			ActionDelete, mineA, false},
		{"member perms only for owned objects",
			subj(customRole("a", nil, nil, map[uuid.UUID]OrgPermissions{orgA: asMember(perm(ws, WildcardSymbol))})),
			ActionRead, ResourceWorkspace.InOrg(orgA).WithOwner(other), false},
		{"member perms only in their org",
			subj(customRole("a", nil, nil, map[uuid.UUID]OrgPermissions{orgA: asMember(perm(ws, WildcardSymbol)), orgB: {}})),
			ActionRead, ResourceWorkspace.InOrg(orgB).WithOwner(me), false},
		{"user perms need membership of the object's org",
			subj(customRole("a", nil, []Permission{perm(ws, ActionRead)}, nil)),
			ActionRead, ResourceWorkspace.InOrg(orgA).WithOwner(me), false},
		{"user perms apply to objects without org",
			subj(customRole("a", nil, []Permission{perm(ws, ActionRead)}, nil)),
			ActionRead, ResourceWorkspace.WithOwner(me), true},
		{"an empty ByOrgID entry is membership",
			subj(customRole("a", nil, []Permission{perm(ws, ActionRead)}, map[uuid.UUID]OrgPermissions{orgA: {}})),
			ActionRead, ResourceWorkspace.InOrg(orgA).WithOwner(me), true},
		{"wildcard type",
			subj(customRole("a", []Permission{perm(WildcardSymbol, ActionRead)}, nil, nil)),
			ActionRead, ResourceTemplate, true},
		{"wildcard action",
			subj(customRole("a", []Permission{perm(ResourceTemplate.Type, WildcardSymbol)}, nil, nil)),
			ActionViewInsights, ResourceTemplate, true},
		{"nil owner is not the nil subject",
			Subject{Roles: []Role{customRole("a", nil, []Permission{perm(ws, ActionRead)}, nil)}, Scope: scopeRoles[ScopeAll]},
			ActionRead, ResourceWorkspace, false},
		{"no roles",
			Subject{ID: me, Scope: scopeRoles[ScopeAll]},
			ActionRead, ResourceWorkspace.WithOwner(me), false},
	}
	for _, c := range cases {
		require.Equal(t, c.want, can(t, c.s, c.a, c.o), c.name)
		require.Equal(t, c.want, decide(&c.s, c.a, c.o), "reference: "+c.name)
	}
}

func TestScopes(t *testing.T) {
	t.Parallel()
	appConnect := func(s Subject) Subject {
		s.Scope = mustScope(t, ScopeApplicationConnect)
		return s
	}
	ownerApp := appConnect(user(t, RoleOwner()))
	memberApp := appConnect(user(t))
	mineA := ResourceWorkspace.InOrg(orgA).WithOwner(me)
	othersA := ResourceWorkspace.InOrg(orgA).WithOwner(other)

	require.True(t, can(t, ownerApp, ActionApplicationConnect, othersA))
	require.True(t, can(t, ownerApp, ActionApplicationConnect, mineA))
	require.True(t, can(t, memberApp, ActionApplicationConnect, mineA))
	require.False(t, can(t, memberApp, ActionApplicationConnect, othersA), "the scope never adds to the roles")
	require.False(t, can(t, ownerApp, ActionApplicationConnect, ResourceWorkspaceDormant.InOrg(orgA).WithOwner(me)))
	for _, a := range ResourceWorkspace.AvailableActions() {
		if a == ActionApplicationConnect {
			continue
		}
		require.False(t, can(t, ownerApp, a, mineA), a)
		require.False(t, can(t, memberApp, a, mineA), a)
	}
	for _, c := range []struct {
		a Action
		o Object
	}{
		{ActionRead, ResourceUser.WithID(me).WithOwner(me)},
		{ActionReadPersonal, ResourceUser.WithID(me).WithOwner(me)},
		{ActionRead, ResourceOrganization.InOrg(orgA)},
		{ActionRead, ResourceTemplate.InOrg(orgA)},
		{ActionCreate, ResourceApiKey.WithOwner(me)},
		{ActionRead, ResourceSystem},
		{ActionRead, ResourceWildcard},
		{ActionCreate, ResourceTemplate.AnyOrganization()},
	} {
		require.False(t, can(t, ownerApp, c.a, c.o), "%s %s", c.a, describe(c.o))
	}

	// A scope with organization and member levels restricts likewise.
	s := user(t, RoleOwner())
	s.Scope = Role{ByOrgID: map[uuid.UUID]OrgPermissions{orgA: {
		Org:    []Permission{perm(ResourceTemplate.Type, ActionRead)},
		Member: []Permission{perm(ResourceWorkspace.Type, ActionRead)},
	}}}
	require.True(t, can(t, s, ActionRead, ResourceTemplate.InOrg(orgA)))
	require.False(t, can(t, s, ActionRead, ResourceTemplate.InOrg(orgB)), "scope org perms need membership")
	require.True(t, can(t, s, ActionRead, mineA))
	require.False(t, can(t, s, ActionRead, othersA))
	require.False(t, can(t, s, ActionRead, ResourceTemplate))

	// The zero scope allows nothing.
	s = user(t, RoleOwner())
	s.Scope = Role{}
	require.False(t, can(t, s, ActionRead, ResourceWorkspace))
	require.False(t, can(t, s, ActionRead, ResourceUser.WithOwner(me)))
}

func TestACL(t *testing.T) {
	t.Parallel()
	group := uuid.New()
	ws := ResourceWorkspace.WithID(uuid.New()).InOrg(orgA).WithOwner(other)
	readForMe := map[uuid.UUID][]Action{me: {ActionRead, ActionSSH}}
	everythingForGroup := map[uuid.UUID][]Action{group: {WildcardSymbol}}

	member := user(t)
	member.Groups = []uuid.UUID{group}

	require.False(t, can(t, member, ActionRead, ws))
	require.True(t, can(t, member, ActionRead, ws.WithACLUserList(readForMe)))
	require.True(t, can(t, member, ActionSSH, ws.WithACLUserList(readForMe)))
	require.False(t, can(t, member, ActionUpdate, ws.WithACLUserList(readForMe)))
	require.True(t, can(t, member, ActionUpdate, ws.WithGroupACL(everythingForGroup)))
	require.False(t, can(t, user(t), ActionUpdate, ws.WithGroupACL(everythingForGroup)), "not in the group")
	require.False(t, can(t, member, ActionRead, ws.WithACLUserList(map[uuid.UUID][]Action{other: {ActionRead}})))

	// The "Everyone" group is the organization ID, listed in Groups.
	everyone := member
	everyone.Groups = []uuid.UUID{orgA}
	require.True(t, can(t, everyone, ActionRead, ws.WithGroupACL(map[uuid.UUID][]Action{orgA: {ActionRead}})))

	// Not a member of the object's organization: final, even with an ACL.
	wsB := ResourceWorkspace.InOrg(orgB).WithOwner(other)
	require.False(t, can(t, member, ActionRead, wsB.WithACLUserList(readForMe)))
	require.False(t, can(t, member, ActionRead, wsB.WithGroupACL(everythingForGroup)))

	// Explicit denials are final, even with an ACL.
	banned := user(t, ScopedRoleOrgWorkspaceCreationBan(orgA))
	require.False(t, can(t, banned, ActionDelete, ws.WithACLUserList(map[uuid.UUID][]Action{me: {WildcardSymbol}})))
	require.True(t, can(t, banned, ActionUpdate, ws.WithACLUserList(map[uuid.UUID][]Action{me: {WildcardSymbol}})))
	noDelete := subj(customRole("a", nil, []Permission{negate(ResourceWorkspace.Type, ActionDelete)}, map[uuid.UUID]OrgPermissions{orgA: {}}))
	mine := ResourceWorkspace.InOrg(orgA).WithOwner(me).WithACLUserList(map[uuid.UUID][]Action{me: {WildcardSymbol}})
	require.False(t, can(t, noDelete, ActionDelete, mine), "a user-level negation blocks the ACL on own objects")
	require.True(t, can(t, noDelete, ActionRead, mine))

	// The scope also limits ACL access.
	appOnly := member
	appOnly.Scope = mustScope(t, ScopeApplicationConnect)
	require.False(t, can(t, appOnly, ActionRead, ws.WithACLUserList(readForMe)))
	require.True(t, can(t, appOnly, ActionApplicationConnect, ws.WithGroupACL(everythingForGroup)))

	// Objects without organization: the user ACL applies.
	require.True(t, can(t, member, ActionRead, ResourceTemplate.WithACLUserList(readForMe)))

	// A subject with the nil ID never matches a user ACL entry.
	sys := SystemSubject("x")
	require.False(t, can(t, sys, ActionRead, ResourceTemplate.WithACLUserList(map[uuid.UUID][]Action{uuid.Nil: {WildcardSymbol}})))
}

func TestAnyOrganization(t *testing.T) {
	t.Parallel()
	anyWs := ResourceWorkspace.AnyOrganization().WithOwner(me)
	require.True(t, can(t, user(t), ActionCreate, anyWs))
	require.False(t, can(t, user(t, ScopedRoleOrgWorkspaceCreationBan(orgA)), ActionCreate, anyWs))
	// A second org without the ban is enough.
	s := user(t, ScopedRoleOrgWorkspaceCreationBan(orgA), ScopedRoleOrgMember(orgB))
	require.True(t, can(t, s, ActionCreate, anyWs))

	anyTpl := ResourceTemplate.AnyOrganization()
	require.False(t, can(t, user(t), ActionCreate, anyTpl))
	require.True(t, can(t, user(t, ScopedRoleOrgTemplateAdmin(orgA)), ActionCreate, anyTpl))
	require.False(t, can(t, user(t, ScopedRoleOrgTemplateAdmin(orgA)), ActionCreate, anyTpl.WithOwner(me).InOrg(orgB)), "InOrg replaces AnyOrganization")

	// Site-level allow needs no membership.
	lone := Subject{ID: me, Roles: mustRoles(t, RoleOwner()), Scope: mustScope(t, ScopeAll)}
	require.True(t, can(t, lone, ActionCreate, anyTpl))
	require.False(t, can(t, Subject{ID: me, Roles: mustRoles(t, RoleMember()), Scope: mustScope(t, ScopeAll)}, ActionCreate, anyWs))
}

func TestUnregisteredTypesAndActions(t *testing.T) {
	t.Parallel()
	foo := Object{Type: "foo"}
	// The owner role lists the registered types, so it does not cover
	// unregistered ones; a "*" type permission does.
	require.False(t, can(t, user(t, RoleOwner()), ActionRead, foo))
	require.True(t, can(t, subj(customRole("star", []Permission{perm(WildcardSymbol, WildcardSymbol)}, nil, nil)), ActionRead, foo))
	require.False(t, can(t, user(t), ActionRead, foo))
	custom := subj(customRole("a", []Permission{perm("foo", ActionRead), perm(ResourceTemplate.Type, "frob")}, nil, nil))
	require.True(t, can(t, custom, ActionRead, foo))
	require.False(t, can(t, custom, ActionUpdate, foo))
	require.True(t, can(t, custom, "frob", ResourceTemplate))
	require.False(t, can(t, custom, "frob", ResourceWorkspace))
	require.False(t, can(t, custom, ActionRead, Object{Type: "bar"}))
	err := Prepare(custom).Authorize("frob", ResourceWorkspace)
	require.ErrorContains(t, err, "frob")
	require.ErrorContains(t, err, "workspace")

	f := Prepare(custom).Filter(ActionRead, "foo")
	require.True(t, f.All)
}

func TestUnauthorizedError(t *testing.T) {
	t.Parallel()
	p := Prepare(user(t))
	obj := ResourceTemplate.InOrg(orgA)
	err := p.Authorize(ActionDelete, obj)
	require.Error(t, err)
	require.True(t, IsUnauthorized(err))
	require.True(t, errors.Is(err, ErrUnauthorized))
	var ue *UnauthorizedError
	require.True(t, errors.As(err, &ue))
	require.Equal(t, me, ue.SubjectID())
	require.Equal(t, "me", ue.SubjectName())
	require.Equal(t, ActionDelete, ue.Action())
	require.Equal(t, "template", ue.ObjectType())
	for _, s := range []string{"me", me.String(), "delete", "template"} {
		require.Contains(t, err.Error(), s)
	}
	// Wrapped errors are still recognized.
	require.True(t, IsUnauthorized(errors.Join(errors.New("x"), err)))
	require.False(t, IsUnauthorized(errors.New("x")))
	require.False(t, IsUnauthorized(nil))

	// Denials come from one table.
	require.Same(t, err, p.Authorize(ActionDelete, obj))
	other := p.Authorize(ActionUpdate, obj)
	require.NotSame(t, err, other)
	require.Equal(t, ActionUpdate, other.(*UnauthorizedError).Action())

	// Pairs no resource defines still produce a correct error.
	err = p.Authorize(ActionAssign, ResourceWorkspace)
	require.Equal(t, ActionAssign, err.(*UnauthorizedError).Action())
	require.Equal(t, "workspace", err.(*UnauthorizedError).ObjectType())
}

func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	p := Prepare(user(t, ScopedRoleOrgAdmin(orgA)))
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 200; j++ {
				if p.Authorize(ActionRead, ResourceWorkspace.InOrg(orgA)) != nil {
					errs[i] = errors.New("allowed path denied")
				}
				if p.Authorize(ActionRead, ResourceWorkspace.InOrg(orgB)) == nil {
					errs[i] = errors.New("denied path allowed")
				}
				_ = p.Filter(ActionRead, ResourceWorkspace.Type)
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}
}

func TestSystemSubject(t *testing.T) {
	t.Parallel()
	s := SystemSubject("autobuild", perm(ResourceWorkspace.Type, ActionWorkspaceStart), perm(ResourceWorkspace.Type, ActionRead))
	require.Equal(t, "system:autobuild", s.FriendlyName)
	require.Equal(t, uuid.Nil, s.ID)
	require.Len(t, s.Roles, 1)
	require.True(t, can(t, s, ActionWorkspaceStart, ResourceWorkspace.InOrg(orgA).WithOwner(other)))
	require.True(t, can(t, s, ActionRead, ResourceWorkspace.InOrg(orgB)))
	require.False(t, can(t, s, ActionDelete, ResourceWorkspace.InOrg(orgA)))
	require.False(t, can(t, s, ActionRead, ResourceTemplate))
	err := Prepare(s).Authorize(ActionDelete, ResourceWorkspace)
	require.True(t, strings.Contains(err.Error(), "system:autobuild"), err.Error())
	require.Equal(t, s.FriendlyName, Prepare(s).Subject().FriendlyName)
}

func TestCanGrant(t *testing.T) {
	t.Parallel()
	tplCreate := perm(ResourceTemplate.Type, ActionCreate)
	owner := Prepare(user(t, RoleOwner()))
	member := Prepare(user(t))
	oadmin := Prepare(user(t, ScopedRoleOrgAdmin(orgA)))

	require.NoError(t, owner.CanGrant(Role{Site: []Permission{tplCreate}}))
	require.NoError(t, owner.CanGrant(Role{ByOrgID: map[uuid.UUID]OrgPermissions{orgB: {Org: []Permission{tplCreate}}}}))

	err := member.CanGrant(Role{Site: []Permission{tplCreate}})
	require.True(t, IsUnauthorized(err), err)
	require.ErrorContains(t, err, "template:create")

	// Org admins grant inside their org only.
	require.NoError(t, oadmin.CanGrant(Role{ByOrgID: map[uuid.UUID]OrgPermissions{orgA: {
		Org:    []Permission{tplCreate, perm(ResourceWorkspace.Type, ActionRead)},
		Member: []Permission{perm(ResourceWorkspace.Type, ActionWorkspaceStart)},
	}}}))
	require.True(t, IsUnauthorized(oadmin.CanGrant(Role{ByOrgID: map[uuid.UUID]OrgPermissions{orgB: {Org: []Permission{tplCreate}}}})))
	require.True(t, IsUnauthorized(oadmin.CanGrant(Role{Site: []Permission{tplCreate}})))
	require.True(t, IsUnauthorized(oadmin.CanGrant(Role{ByOrgID: map[uuid.UUID]OrgPermissions{orgA: {Org: []Permission{perm(ResourceWorkspace.Type, ActionSSH)}}}})))

	// Users grant what they may do with what they own.
	require.NoError(t, member.CanGrant(Role{User: []Permission{perm(ResourceApiKey.Type, ActionRead)}}))
	require.NoError(t, member.CanGrant(Role{ByOrgID: map[uuid.UUID]OrgPermissions{orgA: {Member: []Permission{perm(ResourceWorkspace.Type, ActionSSH)}}}}))
	require.True(t, IsUnauthorized(member.CanGrant(Role{User: []Permission{perm(ResourceUser.Type, ActionDelete)}})))

	// Refused whatever the subject holds; malformed is not "unauthorized".
	for _, r := range []Role{
		{Site: []Permission{perm(WildcardSymbol, WildcardSymbol)}},
		{Site: []Permission{perm(ResourceTemplate.Type, WildcardSymbol)}},
		{Site: []Permission{negate(ResourceTemplate.Type, ActionRead)}},
		{Site: []Permission{perm("nope", ActionRead)}},
		{Site: []Permission{perm(ResourceTemplate.Type, ActionSSH)}},
		{ByOrgID: map[uuid.UUID]OrgPermissions{uuid.Nil: {Org: []Permission{tplCreate}}}},
	} {
		err := owner.CanGrant(r)
		require.Error(t, err)
		require.False(t, IsUnauthorized(err), err)
	}

	// The scope limits what can be granted.
	app := user(t, RoleOwner())
	app.Scope = mustScope(t, ScopeApplicationConnect)
	require.True(t, IsUnauthorized(Prepare(app).CanGrant(Role{Site: []Permission{tplCreate}})))
}
