package rbac

import "github.com/google/uuid"

// Object is the thing being acted on. uuid.Nil means "not set" for ID, Owner
// and OrgID. Build objects from the Resource* values:
//
//	rbac.ResourceWorkspace.WithID(id).InOrg(orgID).WithOwner(ownerID)
//
// The builders return copies; the ACL maps are shared, not copied.
type Object struct {
	ID    uuid.UUID
	Owner uuid.UUID
	OrgID uuid.UUID
	Type  string

	// AnyOrgOwner asks "in some organization I can act in", e.g. "may I
	// create a template in any organization?". OrgID is ignored when set.
	AnyOrgOwner bool

	ACLUserList  map[uuid.UUID][]Action
	ACLGroupList map[uuid.UUID][]Action
}

// Objecter lets database rows say which Object they are.
type Objecter interface {
	RBACObject() Object
}

// RBACObject makes Object an Objecter.
func (o Object) RBACObject() Object { return o }

// WithID sets the object's ID (informational; decisions do not depend on it).
func (o Object) WithID(id uuid.UUID) Object {
	o.ID = id
	return o
}

// InOrg places the object in an organization, replacing AnyOrganization.
func (o Object) InOrg(orgID uuid.UUID) Object {
	o.OrgID = orgID
	o.AnyOrgOwner = false
	return o
}

// WithOwner sets the user that owns the object.
func (o Object) WithOwner(ownerID uuid.UUID) Object {
	o.Owner = ownerID
	return o
}

// AnyOrganization turns the object into the question "in any organization
// the subject can act in?", replacing InOrg.
func (o Object) AnyOrganization() Object {
	o.OrgID = uuid.Nil
	o.AnyOrgOwner = true
	return o
}

// WithACLUserList sets the per-user ACL: user ID → actions (or "*").
func (o Object) WithACLUserList(acl map[uuid.UUID][]Action) Object {
	o.ACLUserList = acl
	return o
}

// WithGroupACL sets the per-group ACL: group ID → actions (or "*").
func (o Object) WithGroupACL(acl map[uuid.UUID][]Action) Object {
	o.ACLGroupList = acl
	return o
}

// AvailableActions lists the actions defined for the object's type.
func (o Object) AvailableActions() []Action {
	return resourceActions(o.Type)
}
