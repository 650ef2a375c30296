package rbac

import (
	"bytes"
	"slices"
	"sort"

	"github.com/google/uuid"
)

// Decision contexts: where an object sits relative to the subject.
const (
	ctxNull     = iota // the object belongs to no organization
	ctxOutside         // an organization the subject is not a member of
	ctxAnyOrg          // AnyOrganization objects
	ctxFirstOrg        // the subject's organizations (see PreparedSubject.orgCtx)
)

// Above this many organizations, look them up in a map instead of scanning.
const orgScanLimit = 8

// cell is the folded decision for one (context, resource type). Bit i of
// each mask stands for allActions[i].
type cell struct {
	allow    uint32 // allowed, object owned by someone else (or no one)
	allowOwn uint32 // allowed, object owned by the subject
	acl      uint32 // allowed if the object's ACL grants it (not owned)
	aclOwn   uint32 // allowed if the object's ACL grants it (owned)
}

// PreparedSubject is a Subject with its decision tables built. It is
// immutable and safe for concurrent use; prepare once per request (or cache)
// and ask many questions.
type PreparedSubject struct {
	subject Subject
	info    subjectInfo
	orgs    []uuid.UUID // member organizations, sorted
	orgCtx  []int32     // orgCtx[i] is the context of orgs[i]
	orgMap  map[uuid.UUID]int32
	cells   []cell // contexts × nTypes
	errs    errTable
}

// Prepare builds the decision tables for s. The subject's slices are kept,
// not copied; do not modify them afterwards.
func Prepare(s Subject) *PreparedSubject {
	orgs, entries := groupByOrg(s.Roles)
	p := &PreparedSubject{
		subject: s,
		info:    subjectInfo{id: s.ID, name: s.FriendlyName},
		orgs:    orgs,
		orgCtx:  make([]int32, len(orgs)),
	}
	if len(orgs) > orgScanLimit {
		p.orgMap = make(map[uuid.UUID]int32, len(orgs))
	}

	n := nTypes
	buf := make(levels, 8*n)
	rSite, rUser, rOrg, rMember := buf[0:n], buf[n:2*n], buf[2*n:3*n], buf[3*n:4*n]
	sSite, sUser, sOrg, sMember := buf[4*n:5*n], buf[5*n:6*n], buf[6*n:7*n], buf[7*n:8*n]
	for _, r := range s.Roles {
		rSite.add(r.Site)
		rUser.add(r.User)
	}
	sSite.add(s.Scope.Site)
	sUser.add(s.Scope.User)

	// Organizations whose permissions are the very same slices (the usual
	// case: plain membership of many organizations) share one context.
	p.cells = make([]cell, 0, (ctxFirstOrg+min(len(orgs), 4))*n)
	p.cells = p.cells[:ctxFirstOrg*n]
	var seen []orgSignature

	// No organization: site, then user.
	fill(p.context(ctxNull), rSite, nil, rUser, nil, sSite, nil, sUser, nil)

	// Not a member: only the site level can allow, for roles and scope
	// alike, and no ACL applies.
	outside := p.context(ctxOutside)
	for t := range outside {
		a := rSite[t].allow &^ rSite[t].deny & sSite[t].allow &^ sSite[t].deny
		outside[t] = cell{allow: a, allowOwn: a}
	}
	copy(p.context(ctxAnyOrg), outside)

	for i, org := range orgs {
		j := 0
		for j < len(entries) && entries[j].org == i {
			j++
		}
		group := entries[:j]
		entries = entries[j:]
		scopeOrg := s.Scope.ByOrgID[org]

		ctx := -1
		for _, sig := range seen {
			if sig.matches(group, scopeOrg) {
				ctx = sig.ctx
				break
			}
		}
		if ctx < 0 {
			ctx = len(p.cells) / n
			p.cells = append(p.cells, make([]cell, n)...)
			seen = append(seen, orgSignature{ctx: ctx, roles: group, scope: scopeOrg})

			clear(buf[2*n : 4*n])
			clear(buf[6*n : 8*n])
			for _, e := range group {
				rOrg.add(e.perms.Org)
				rMember.add(e.perms.Member)
			}
			sOrg.add(scopeOrg.Org)
			sMember.add(scopeOrg.Member)
			c := p.context(ctx)
			fill(c, rSite, rOrg, rUser, rMember, sSite, sOrg, sUser, sMember)
			// "Allowed in some organization" is the union over them.
			anyOrg := p.context(ctxAnyOrg)
			for t := range c {
				anyOrg[t].allow |= c[t].allow
				anyOrg[t].allowOwn |= c[t].allowOwn
				anyOrg[t].acl |= c[t].acl
				anyOrg[t].aclOwn |= c[t].aclOwn
			}
		}
		p.orgCtx[i] = int32(ctx)
		if p.orgMap != nil {
			p.orgMap[org] = int32(ctx)
		}
	}
	return p
}

type orgEntry struct {
	org   int // index into the sorted member organizations
	id    uuid.UUID
	perms OrgPermissions
}

// groupByOrg returns the member organizations, sorted, and every role's
// organization entry grouped by organization in that order (roles in their
// order within a group), in one pass over the roles' maps.
func groupByOrg(roles []Role) ([]uuid.UUID, []orgEntry) {
	var raw []orgEntry
	for _, r := range roles {
		for org, op := range r.ByOrgID {
			if org != uuid.Nil {
				raw = append(raw, orgEntry{id: org, perms: op})
			}
		}
	}
	if len(raw) == 0 {
		return nil, nil
	}
	orgs := make([]uuid.UUID, len(raw))
	for i := range raw {
		orgs[i] = raw[i].id
	}
	slices.SortFunc(orgs, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	orgs = slices.Compact(orgs)
	// Counting sort by organization index: linear and stable.
	starts := make([]int, len(orgs)+1)
	for i := range raw {
		raw[i].org = orgIndex(orgs, raw[i].id)
		starts[raw[i].org+1]++
	}
	for i := 1; i < len(starts); i++ {
		starts[i] += starts[i-1]
	}
	out := make([]orgEntry, len(raw))
	for _, e := range raw {
		out[starts[e.org]] = e
		starts[e.org]++
	}
	return orgs, out
}

// orgSignature identifies an organization's permissions by the identity of
// the slices they come from.
type orgSignature struct {
	ctx   int
	roles []orgEntry
	scope OrgPermissions
}

func (sig orgSignature) matches(roles []orgEntry, scope OrgPermissions) bool {
	if len(roles) != len(sig.roles) || !sameSlice(scope.Org, sig.scope.Org) || !sameSlice(scope.Member, sig.scope.Member) {
		return false
	}
	for i := range roles {
		if !sameSlice(roles[i].perms.Org, sig.roles[i].perms.Org) || !sameSlice(roles[i].perms.Member, sig.roles[i].perms.Member) {
			return false
		}
	}
	return true
}

// sameSlice reports whether a and b are the same slice (same backing array
// and length), hence certainly the same permissions.
func sameSlice(a, b []Permission) bool {
	if len(a) != len(b) {
		return false
	}
	return len(a) == 0 || &a[0] == &b[0]
}

// orgIndex finds org in the sorted list.
func orgIndex(orgs []uuid.UUID, org uuid.UUID) int {
	return sort.Search(len(orgs), func(i int) bool { return bytes.Compare(orgs[i][:], org[:]) >= 0 })
}

// Subject returns the subject the tables were built from.
func (p *PreparedSubject) Subject() Subject { return p.subject }

// Authorize returns nil when the subject may do action on object, and a
// *UnauthorizedError otherwise. It does not allocate.
func (p *PreparedSubject) Authorize(action Action, object Object) error {
	ai, aok := actionIndex[action]
	ti, tok := typeIndex[object.Type]
	if !aok || !tok {
		return p.authorizeUnregistered(action, object)
	}
	var ctx int
	switch {
	case object.AnyOrgOwner:
		ctx = ctxAnyOrg
	case object.OrgID == uuid.Nil:
		ctx = ctxNull
	default:
		ctx = p.orgContext(object.OrgID)
	}
	c := &p.cells[ctx*nTypes+int(ti)]
	allow, acl := c.allow, c.acl
	if object.Owner != uuid.Nil && object.Owner == p.subject.ID {
		allow, acl = c.allowOwn, c.aclOwn
	}
	bit := uint32(1) << ai
	if allow&bit != 0 {
		return nil
	}
	if acl&bit != 0 && aclGrants(p.subject.ID, p.subject.Groups, action, object.ACLUserList, object.ACLGroupList) {
		return nil
	}
	return p.denied(ti, ai)
}

// Authorize is a one-off decision. Prefer Prepare and PreparedSubject when
// asking more than once.
func Authorize(s Subject, action Action, object Object) error {
	return Prepare(s).Authorize(action, object)
}

func (p *PreparedSubject) context(ctx int) []cell {
	return p.cells[ctx*nTypes : (ctx+1)*nTypes]
}

func (p *PreparedSubject) orgContext(org uuid.UUID) int {
	if p.orgMap != nil {
		if c, ok := p.orgMap[org]; ok {
			return int(c)
		}
		return ctxOutside
	}
	for i := range p.orgs {
		if p.orgs[i] == org {
			return int(p.orgCtx[i])
		}
	}
	return ctxOutside
}

// authorizeUnregistered decides for a type or action outside the registry
// (which the tables do not cover) by evaluating the contract directly.
func (p *PreparedSubject) authorizeUnregistered(action Action, object Object) error {
	if decide(&p.subject, action, object) {
		return nil
	}
	return &UnauthorizedError{subject: &p.info, pair: &typeAction{typ: object.Type, action: action}}
}

// lvl is one level's verdict for one type: which actions a matching
// permission allows, and which a matching negation denies.
type lvl struct{ allow, deny uint32 }

type levels []lvl

// add folds permissions into the level, expanding wildcards. Permissions on
// types or actions outside the registry cannot match a registered pair and
// are left out (unregistered pairs are decided by decide).
func (l levels) add(perms []Permission) {
	if len(perms) == 0 {
		return
	}
	if c, ok := compiledBuiltins[&perms[0]]; ok && len(c) == len(perms) {
		for _, cp := range c {
			if cp.typ < 0 {
				for t := range l {
					l[t].set(cp.mask, cp.negate)
				}
			} else {
				l[cp.typ].set(cp.mask, cp.negate)
			}
		}
		return
	}
	for _, p := range perms {
		var mask uint32
		if p.Action == WildcardSymbol {
			mask = ^uint32(0)
		} else if ai, ok := actionIndex[p.Action]; ok {
			mask = 1 << ai
		} else {
			continue
		}
		if p.ResourceType == WildcardSymbol {
			for t := range l {
				l[t].set(mask, p.Negate)
			}
		} else if ti, ok := typeIndex[p.ResourceType]; ok {
			l[ti].set(mask, p.Negate)
		}
	}
}

// compiledPerm is a Permission with its type and action resolved.
type compiledPerm struct {
	typ    int // type index; -1 for every type
	mask   uint32
	negate bool
}

// compiledBuiltins holds the built-in roles' and scopes' permission slices
// resolved once, keyed by the slice's first element (with the length
// checked on use). Those slices are package data that is never modified,
// so their identity stands for their content. Written only in init.
var compiledBuiltins = map[*Permission][]compiledPerm{}

func init() {
	register := func(perms []Permission) {
		if len(perms) == 0 {
			return
		}
		c := make([]compiledPerm, 0, len(perms))
		for _, p := range perms {
			cp := compiledPerm{typ: -1, negate: p.Negate, mask: ^uint32(0)}
			if p.Action != WildcardSymbol {
				ai, ok := actionIndex[p.Action]
				if !ok {
					continue
				}
				cp.mask = 1 << ai
			}
			if p.ResourceType != WildcardSymbol {
				ti, ok := typeIndex[p.ResourceType]
				if !ok {
					continue
				}
				cp.typ = int(ti)
			}
			c = append(c, cp)
		}
		if len(c) == len(perms) {
			compiledBuiltins[&perms[0]] = c
		}
	}
	for _, r := range siteRoles {
		register(r.Site)
		register(r.User)
	}
	for _, def := range orgRoleDefs {
		register(def.site)
		register(def.org)
		register(def.member)
	}
	for _, r := range scopeRoles {
		register(r.Site)
	}
}

func (v *lvl) set(mask uint32, negate bool) {
	if negate {
		v.deny |= mask
	} else {
		v.allow |= mask
	}
}

func (l levels) at(t int) lvl {
	if l == nil {
		return lvl{}
	}
	return l[t]
}

// evalLevels applies the site → organization → user order to one type's
// masks. gate is "every level abstained" (the ACL may still allow).
func evalLevels(site, org, user lvl) (allow, allowOwn, gate, gateOwn uint32) {
	allow = site.allow &^ site.deny
	undecided := ^(site.allow | site.deny)
	allow |= undecided & org.allow &^ org.deny
	undecided &^= org.allow | org.deny
	allowOwn = allow | undecided&user.allow&^user.deny
	return allow, allowOwn, undecided, undecided &^ (user.allow | user.deny)
}

// fill computes one context's cells. org and member levels are nil for the
// no-organization context.
func fill(dst []cell, rSite, rOrg, rUser, rMember, sSite, sOrg, sUser, sMember levels) {
	for t := range dst {
		ru, su := rUser[t], sUser[t]
		if rMember != nil {
			m := rMember[t]
			ru = lvl{allow: ru.allow | m.allow, deny: ru.deny | m.deny}
		}
		if sMember != nil {
			m := sMember[t]
			su = lvl{allow: su.allow | m.allow, deny: su.deny | m.deny}
		}
		rA, rAOwn, rGate, rGateOwn := evalLevels(rSite[t], rOrg.at(t), ru)
		sA, sAOwn, _, _ := evalLevels(sSite[t], sOrg.at(t), su)
		dst[t] = cell{
			allow:    rA & sA,
			allowOwn: rAOwn & sAOwn,
			acl:      rGate & sA,
			aclOwn:   rGateOwn & sAOwn,
		}
	}
}

// memberOrgs lists, sorted and without duplicates, the organizations the
// roles make the subject a member of.
func memberOrgs(roles []Role) []uuid.UUID {
	var out []uuid.UUID
	for _, r := range roles {
		for org := range r.ByOrgID {
			if org != uuid.Nil {
				out = append(out, org)
			}
		}
	}
	slices.SortFunc(out, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return slices.Compact(out)
}

func aclGrants(userID uuid.UUID, groups []uuid.UUID, action Action, users, groupACL map[uuid.UUID][]Action) bool {
	if userID != uuid.Nil && hasAction(users[userID], action) {
		return true
	}
	if len(groupACL) == 0 {
		return false
	}
	for _, g := range groups {
		if hasAction(groupACL[g], action) {
			return true
		}
	}
	return false
}

func hasAction(acts []Action, action Action) bool {
	for _, a := range acts {
		if a == action || a == WildcardSymbol {
			return true
		}
	}
	return false
}

// The contract written out directly, without tables. It decides pairs the
// tables do not cover and serves the tests as the reference the tables are
// checked against.

const (
	abstained = 0
	allowed   = 1
	denied    = -1
)

// levelVerdict folds the permissions of one level, over several roles.
func levelVerdict(verdict int, perms []Permission, action Action, typ string) int {
	if verdict == denied {
		return denied
	}
	for _, p := range perms {
		if (p.ResourceType == typ || p.ResourceType == WildcardSymbol) &&
			(p.Action == action || p.Action == WildcardSymbol) {
			if p.Negate {
				return denied
			}
			verdict = allowed
		}
	}
	return verdict
}

// evalRoles runs steps 1-3 for roles; org is the object's organization
// (uuid.Nil for none), member whether the subject belongs to it.
func evalRoles(roles []Role, action Action, typ string, org uuid.UUID, member, own bool) int {
	v := abstained
	for _, r := range roles {
		v = levelVerdict(v, r.Site, action, typ)
	}
	if v != abstained {
		return v
	}
	if org != uuid.Nil {
		if !member {
			return denied
		}
		for _, r := range roles {
			v = levelVerdict(v, r.ByOrgID[org].Org, action, typ)
		}
		if v != abstained {
			return v
		}
	}
	if own {
		for _, r := range roles {
			v = levelVerdict(v, r.User, action, typ)
			if org != uuid.Nil {
				v = levelVerdict(v, r.ByOrgID[org].Member, action, typ)
			}
		}
	}
	return v
}

// decideClass returns whether roles and scope allow, and whether they
// would allow given an ACL grant, for an object of one class.
func decideClass(s *Subject, action Action, typ string, org uuid.UUID, member, own bool) (allow, aclGate bool) {
	role := evalRoles(s.Roles, action, typ, org, member, own)
	scope := evalRoles([]Role{s.Scope}, action, typ, org, member, own)
	return role == allowed && scope == allowed, role == abstained && scope == allowed
}

func isMember(roles []Role, org uuid.UUID) bool {
	for _, r := range roles {
		if _, ok := r.ByOrgID[org]; ok {
			return true
		}
	}
	return false
}

// decide is the reference decision for one object.
func decide(s *Subject, action Action, o Object) bool {
	own := o.Owner != uuid.Nil && o.Owner == s.ID
	aclOK := func(gate bool) bool {
		return gate && aclGrants(s.ID, s.Groups, action, o.ACLUserList, o.ACLGroupList)
	}
	if o.AnyOrgOwner {
		// The site level alone: what an organization the subject is not
		// in would get.
		if a, _ := decideClass(s, action, o.Type, outsideOrg, false, own); a {
			return true
		}
		for _, org := range memberOrgs(s.Roles) {
			if a, g := decideClass(s, action, o.Type, org, true, own); a || aclOK(g) {
				return true
			}
		}
		return false
	}
	member := o.OrgID != uuid.Nil && isMember(s.Roles, o.OrgID)
	a, g := decideClass(s, action, o.Type, o.OrgID, member, own)
	return a || aclOK(g)
}

// outsideOrg stands for "some organization the subject is not in"; only
// its being non-nil matters (membership is passed separately).
var outsideOrg = uuid.Max
