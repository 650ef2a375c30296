package rbac

import (
	"slices"

	"github.com/google/uuid"
)

// Filter says, for one action on one resource type, which rows the subject
// may see, as query parameters. A row (organization_id, owner_id, ACL) is
// visible iff
//
//	All
//	OR organization_id = ANY(OrgIDs)
//	OR (owner_id = OwnerID AND (organization_id = ANY(OwnerOrgIDs)
//	                            OR (OwnerWithoutOrg AND organization_id IS NULL)))
//	OR (<the row's ACL grants Action to ACLUserID or to one of ACLGroupIDs>
//	    AND (   (owner_id IS DISTINCT FROM OwnerID
//	             AND (organization_id = ANY(ACLOrgIDs) OR (ACLWithoutOrg AND organization_id IS NULL)))
//	         OR (owner_id = OwnerID
//	             AND (organization_id = ANY(ACLOwnerOrgIDs) OR (ACLOwnerWithoutOrg AND organization_id IS NULL)))))
//
// "the ACL grants" means the user or group entry lists Action or "*". Tables
// without ACL columns stop before the last clause; HasACL reports whether the
// clause can match anything at all. Allows and AllowsObject are the same
// predicate in Go, and the tests check both against Authorize.
//
// Why this form is exact, also for roles and scope together: for a fixed
// action and type, Authorize's answer for a row depends only on its class —
// its organization (none / one the subject is not in / member organization
// X) and whether the subject owns it — plus, for the ACL step, its ACL. Roles
// and scope each give a verdict per class, and the decision is their AND, so
// the filter is the per-class AND of two per-class answers. The form lists
// allowed classes, with two couplings, and both survive an AND: (1) "not a
// member" and "no organization, not owned" are decided by the site level
// alone, so they are allowed together or not at all — that is All; (2)
// owning never removes access, because the user level is only consulted
// after site and organization abstained — so OrgIDs (every row of X) implies
// the owned rows of X. The AND of two answers with these properties has
// them too: role ∩ scope stays in the form. The ACL part lists classes where
// roles abstained and the scope allows; it needs its own lists because the
// no-organization class may be ACL-gated while "not a member" never is, and
// a user-level negation blocks ACLs on owned rows only.
type Filter struct {
	Action       Action
	ResourceType string

	All             bool
	OrgIDs          []uuid.UUID
	OwnerID         uuid.UUID // the subject; uuid.Nil if it can own nothing
	OwnerOrgIDs     []uuid.UUID
	OwnerWithoutOrg bool

	ACLUserID          uuid.UUID // uuid.Nil when no user ACL entry can count
	ACLGroupIDs        []uuid.UUID
	ACLOrgIDs          []uuid.UUID
	ACLWithoutOrg      bool
	ACLOwnerOrgIDs     []uuid.UUID
	ACLOwnerWithoutOrg bool
}

// Filter computes the filter for action on resourceType; see Filter.
func (p *PreparedSubject) Filter(action Action, resourceType string) Filter {
	f := Filter{Action: action, ResourceType: resourceType}
	class := p.classifier(action, resourceType)

	if class(ctxOutside, uuid.Nil).allow != 0 {
		f.All = true
		return f
	}
	canOwn := p.subject.ID != uuid.Nil
	if canOwn {
		f.OwnerID = p.subject.ID
	}
	null := class(ctxNull, uuid.Nil)
	f.OwnerWithoutOrg = canOwn && null.allowOwn != 0
	f.ACLWithoutOrg = null.acl != 0
	f.ACLOwnerWithoutOrg = canOwn && null.aclOwn != 0 && null.allowOwn == 0
	for i, org := range p.orgs {
		c := class(int(p.orgCtx[i]), org)
		switch {
		case c.allow != 0:
			f.OrgIDs = append(f.OrgIDs, org)
		case canOwn && c.allowOwn != 0:
			f.OwnerOrgIDs = append(f.OwnerOrgIDs, org)
		}
		if c.acl != 0 && c.allow == 0 {
			f.ACLOrgIDs = append(f.ACLOrgIDs, org)
		}
		if canOwn && c.aclOwn != 0 && c.allowOwn == 0 {
			f.ACLOwnerOrgIDs = append(f.ACLOwnerOrgIDs, org)
		}
	}
	if p.subject.ID == uuid.Nil && len(p.subject.Groups) == 0 {
		// No ACL entry can name this subject.
		f.ACLOrgIDs, f.ACLOwnerOrgIDs, f.ACLWithoutOrg, f.ACLOwnerWithoutOrg = nil, nil, false, false
	}
	if f.HasACL() {
		f.ACLUserID = p.subject.ID
		f.ACLGroupIDs = slices.Clone(p.subject.Groups)
	}
	return f
}

// classifier returns, per context, the cell restricted to one (type,
// action): each mask is non-zero iff its bit is set. org names the
// organization of a member context.
func (p *PreparedSubject) classifier(action Action, typ string) func(ctx int, org uuid.UUID) cell {
	ai, aok := actionIndex[action]
	ti, tok := typeIndex[typ]
	if aok && tok {
		bit := uint32(1) << ai
		return func(ctx int, _ uuid.UUID) cell {
			c := p.cells[ctx*nTypes+int(ti)]
			return cell{allow: c.allow & bit, allowOwn: c.allowOwn & bit, acl: c.acl & bit, aclOwn: c.aclOwn & bit}
		}
	}
	// Outside the registry: evaluate the contract per class.
	return func(ctx int, org uuid.UUID) cell {
		member := false
		switch {
		case ctx == ctxOutside:
			org = outsideOrg
		case ctx >= ctxFirstOrg:
			member = true
		default:
			org = uuid.Nil
		}
		var c cell
		a, g := decideClass(&p.subject, action, typ, org, member, false)
		c.allow, c.acl = b2u(a), b2u(g)
		a, g = decideClass(&p.subject, action, typ, org, member, true)
		c.allowOwn, c.aclOwn = b2u(a), b2u(g)
		return c
	}
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// HasACL reports whether an ACL can make any row visible.
func (f Filter) HasACL() bool {
	return f.ACLWithoutOrg || f.ACLOwnerWithoutOrg || len(f.ACLOrgIDs) > 0 || len(f.ACLOwnerOrgIDs) > 0
}

func (f Filter) owns(ownerID uuid.UUID) bool {
	return ownerID != uuid.Nil && ownerID == f.OwnerID
}

// Allows is the filter without its ACL clause, for a row's organization
// (uuid.Nil: none) and owner (uuid.Nil: none).
func (f Filter) Allows(orgID, ownerID uuid.UUID) bool {
	if f.All {
		return true
	}
	if orgID != uuid.Nil && slices.Contains(f.OrgIDs, orgID) {
		return true
	}
	if f.owns(ownerID) {
		if orgID == uuid.Nil {
			return f.OwnerWithoutOrg
		}
		return slices.Contains(f.OwnerOrgIDs, orgID)
	}
	return false
}

// AllowsObject is the whole filter, ACL clause included, for an object
// standing for a row (AnyOrgOwner is not meaningful here).
func (f Filter) AllowsObject(o Object) bool {
	if f.Allows(o.OrgID, o.Owner) {
		return true
	}
	var applies bool
	switch {
	case f.owns(o.Owner) && o.OrgID == uuid.Nil:
		applies = f.ACLOwnerWithoutOrg
	case f.owns(o.Owner):
		applies = slices.Contains(f.ACLOwnerOrgIDs, o.OrgID)
	case o.OrgID == uuid.Nil:
		applies = f.ACLWithoutOrg
	default:
		applies = slices.Contains(f.ACLOrgIDs, o.OrgID)
	}
	return applies && f.ACLGrants(o.ACLUserList, o.ACLGroupList)
}

// ACLGrants reports whether ACL lists grant the filter's action to the
// filter's user or groups.
func (f Filter) ACLGrants(users, groups map[uuid.UUID][]Action) bool {
	return aclGrants(f.ACLUserID, f.ACLGroupIDs, f.Action, users, groups)
}
