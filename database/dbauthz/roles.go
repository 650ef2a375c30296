package dbauthz

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// CustomRole turns a stored custom role into the rbac role it grants.
func CustomRole(r database.CustomRole) (rbac.Role, error) {
	var org, member []rbac.Permission
	if err := json.Unmarshal(r.OrgPermissions, &org); err != nil {
		return rbac.Role{}, xerrors.Errorf("custom role %s: organization permissions: %w", r.Name, err)
	}
	if err := json.Unmarshal(r.MemberPermissions, &member); err != nil {
		return rbac.Role{}, xerrors.Errorf("custom role %s: member permissions: %w", r.Name, err)
	}
	return rbac.Role{
		Identifier:  rbac.RoleIdentifier{Name: r.Name, OrganizationID: r.OrganizationID},
		DisplayName: r.DisplayName,
		ByOrgID:     map[uuid.UUID]rbac.OrgPermissions{r.OrganizationID: {Org: org, Member: member}},
	}, nil
}

// canGrant refuses a custom role carrying a permission the actor does not
// hold itself: nobody escalates by writing a role. It lives here, not in the
// handler, so no caller can skip it.
func (q *querier) canGrant(ctx context.Context, r database.CustomRole) error {
	actor, ok := ActorFromContext(ctx)
	if !ok {
		return errNoActor
	}
	role, err := CustomRole(r)
	if err != nil {
		return err
	}
	if err := actor.CanGrant(role); err != nil {
		if rbac.IsUnauthorized(err) {
			return NotAuthorizedError{Err: err}
		}
		return err
	}
	return nil
}

func (q *querier) InsertCustomRole(ctx context.Context, arg database.InsertCustomRoleParams) (database.CustomRole, error) {
	if err := q.authorize(ctx, rbac.ActionCreate, rbac.ResourceAssignOrgRole.InOrg(arg.OrganizationID)); err != nil {
		return database.CustomRole{}, err
	}
	if err := q.canGrant(ctx, database.CustomRole{
		Name: arg.Name, OrganizationID: arg.OrganizationID, OrgPermissions: arg.OrgPermissions, MemberPermissions: arg.MemberPermissions,
	}); err != nil {
		return database.CustomRole{}, err
	}
	return q.db.InsertCustomRole(ctx, arg)
}

func (q *querier) UpdateCustomRole(ctx context.Context, arg database.UpdateCustomRoleParams) (database.CustomRole, error) {
	if err := q.authorize(ctx, rbac.ActionUpdate, rbac.ResourceAssignOrgRole.InOrg(arg.OrganizationID)); err != nil {
		return database.CustomRole{}, err
	}
	if err := q.canGrant(ctx, database.CustomRole{
		Name: arg.Name, OrganizationID: arg.OrganizationID, OrgPermissions: arg.OrgPermissions, MemberPermissions: arg.MemberPermissions,
	}); err != nil {
		return database.CustomRole{}, err
	}
	return q.db.UpdateCustomRole(ctx, arg)
}

// GetCustomRoles keeps the roles of organizations whose roles the actor may
// read.
func (q *querier) GetCustomRoles(ctx context.Context, arg database.GetCustomRolesParams) ([]database.CustomRole, error) {
	if _, ok := ActorFromContext(ctx); !ok {
		return nil, errNoActor
	}
	rows, err := q.db.GetCustomRoles(ctx, arg)
	if err != nil {
		return nil, err
	}
	visible := rows[:0]
	for _, r := range rows {
		if q.authorize(ctx, rbac.ActionRead, rbac.ResourceAssignOrgRole.InOrg(r.OrganizationID)) == nil {
			visible = append(visible, r)
		}
	}
	return visible, nil
}

func (q *querier) DeleteCustomRole(ctx context.Context, arg database.DeleteCustomRoleParams) error {
	return actExec(ctx, q, rbac.ActionDelete, rbac.ResourceAssignOrgRole.InOrg(arg.OrganizationID), func() error {
		return q.db.DeleteCustomRole(ctx, arg)
	})
}

func (q *querier) RemoveRoleFromMembers(ctx context.Context, arg database.RemoveRoleFromMembersParams) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceOrganizationMember.InOrg(arg.OrganizationID), func() error {
		return q.db.RemoveRoleFromMembers(ctx, arg)
	})
}
