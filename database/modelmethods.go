package database

import (
	"encoding/json"

	"github.com/google/uuid"

	"github.com/devplane/devplane/rbac"
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

// ACL is a user_acl or group_acl column (templates, workspaces): the
// actions granted to each user or group ID.
type ACL map[uuid.UUID][]rbac.Action

// ParseACL reads an ACL column. A malformed column grants nothing.
func ParseACL(raw []byte) ACL {
	acl := ACL{}
	if len(raw) == 0 {
		return acl
	}
	if err := json.Unmarshal(raw, &acl); err != nil {
		return ACL{}
	}
	return acl
}

// RBACObject of a template carries its ACL: members see a template through
// a user or group entry (the organization's Everyone group by default).
func (t Template) RBACObject() rbac.Object {
	return rbac.ResourceTemplate.WithID(t.ID).InOrg(t.OrganizationID).
		WithACLUserList(ParseACL(t.UserAcl)).
		WithGroupACL(ParseACL(t.GroupAcl))
}

// RBACObject of a workspace: its owner and organization, and the users and
// groups it is shared with. A dormant workspace is a workspace_dormant
// object, on which owners may do less.
func (w Workspace) RBACObject() rbac.Object {
	obj := rbac.ResourceWorkspace
	if w.DormantAt != nil {
		obj = rbac.ResourceWorkspaceDormant
	}
	return obj.WithID(w.ID).InOrg(w.OrganizationID).WithOwner(w.OwnerID).
		WithACLUserList(ParseACL(w.UserAcl)).
		WithGroupACL(ParseACL(w.GroupAcl))
}
