package database

import (
	"encoding/json"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/rbac"
)

// RBACObject: each row says which RBAC object it is, so dbauthz can check
// the row it fetched without knowing the table.

func (u User) RBACObject() rbac.Object {
	return rbac.ResourceUser.WithID(u.ID).WithOwner(u.ID)
}

func (k APIKey) RBACObject() rbac.Object {
	return rbac.ResourceApiKey.WithOwner(k.UserID)
}

func (o Organization) RBACObject() rbac.Object {
	return rbac.ResourceOrganization.WithID(o.ID).InOrg(o.ID)
}

func (m OrganizationMember) RBACObject() rbac.Object {
	return rbac.ResourceOrganizationMember.WithID(m.UserID).InOrg(m.OrganizationID).WithOwner(m.UserID)
}

func (k GitSSHKey) RBACObject() rbac.Object {
	return rbac.ResourceUser.WithID(k.UserID).WithOwner(k.UserID)
}

func (g Group) RBACObject() rbac.Object {
	return rbac.ResourceGroup.WithID(g.ID).InOrg(g.OrganizationID)
}

func (f File) RBACObject() rbac.Object {
	return rbac.ResourceFile.WithID(f.ID).WithOwner(f.CreatedBy)
}

// RBACObject of a template version is its template's without the ACL (dbauthz
// adds it from the template row), or — before it is attached to one — "a
// template in this organization".
func (v TemplateVersion) RBACObject() rbac.Object {
	if v.TemplateID.Valid {
		return rbac.ResourceTemplate.WithID(v.TemplateID.UUID).InOrg(v.OrganizationID)
	}
	return rbac.ResourceTemplate.InOrg(v.OrganizationID)
}

// TemplateACL is a template's user_acl or group_acl column: the actions
// granted to each user or group ID.
type TemplateACL map[uuid.UUID][]rbac.Action

// ParseTemplateACL reads an ACL column. A malformed column grants nothing.
func ParseTemplateACL(raw []byte) TemplateACL {
	acl := TemplateACL{}
	if len(raw) == 0 {
		return acl
	}
	if err := json.Unmarshal(raw, &acl); err != nil {
		return TemplateACL{}
	}
	return acl
}

// RBACObject of a template carries its ACL: members see a template through
// a user or group entry (the organization's Everyone group by default).
func (t Template) RBACObject() rbac.Object {
	return rbac.ResourceTemplate.WithID(t.ID).InOrg(t.OrganizationID).
		WithACLUserList(ParseTemplateACL(t.UserAcl)).
		WithGroupACL(ParseTemplateACL(t.GroupAcl))
}
