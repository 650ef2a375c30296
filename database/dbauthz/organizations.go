package dbauthz

import (
	"context"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

func (q *querier) InsertOrganization(ctx context.Context, arg database.InsertOrganizationParams) (database.Organization, error) {
	return act(ctx, q, rbac.ActionCreate, rbac.ResourceOrganization, func() (database.Organization, error) {
		return q.db.InsertOrganization(ctx, arg)
	})
}

func (q *querier) GetDefaultOrganization(ctx context.Context) (database.Organization, error) {
	return fetch(ctx, q, func() (database.Organization, error) { return q.db.GetDefaultOrganization(ctx) })
}

func (q *querier) GetOrganizationByID(ctx context.Context, id uuid.UUID) (database.Organization, error) {
	return fetch(ctx, q, func() (database.Organization, error) { return q.db.GetOrganizationByID(ctx, id) })
}

func (q *querier) InsertOrganizationMember(ctx context.Context, arg database.InsertOrganizationMemberParams) (database.OrganizationMember, error) {
	obj := rbac.ResourceOrganizationMember.WithID(arg.UserID).InOrg(arg.OrganizationID).WithOwner(arg.UserID)
	return act(ctx, q, rbac.ActionCreate, obj, func() (database.OrganizationMember, error) {
		return q.db.InsertOrganizationMember(ctx, arg)
	})
}

// GetOrganizationIDsByMemberIDs keeps only the users the actor may read, so
// memberships of hidden users never leak through it.
func (q *querier) GetOrganizationIDsByMemberIDs(ctx context.Context, userIDs []uuid.UUID) ([]database.GetOrganizationIDsByMemberIDsRow, error) {
	if _, ok := ActorFromContext(ctx); !ok {
		return nil, errNoActor
	}
	rows, err := q.db.GetOrganizationIDsByMemberIDs(ctx, userIDs)
	if err != nil {
		return nil, err
	}
	visible := rows[:0]
	for _, row := range rows {
		if q.authorize(ctx, rbac.ActionRead, rbac.ResourceUser.WithID(row.UserID).WithOwner(row.UserID)) == nil {
			visible = append(visible, row)
		}
	}
	return visible, nil
}

func (q *querier) GetOrganizations(ctx context.Context, arg database.GetOrganizationsParams) ([]database.Organization, error) {
	f, err := q.filter(ctx, rbac.ActionRead, rbac.ResourceOrganization.Type)
	if err != nil {
		return nil, err
	}
	arg.AuthAll, arg.AuthOrgIds = f.All, f.OrgIDs
	return q.db.GetOrganizations(ctx, arg)
}

func (q *querier) GetOrganizationByName(ctx context.Context, name string) (database.Organization, error) {
	return fetch(ctx, q, func() (database.Organization, error) { return q.db.GetOrganizationByName(ctx, name) })
}

// GetOrganizationsByUserID keeps the organizations the actor may read.
func (q *querier) GetOrganizationsByUserID(ctx context.Context, userID uuid.UUID) ([]database.Organization, error) {
	if _, ok := ActorFromContext(ctx); !ok {
		return nil, errNoActor
	}
	rows, err := q.db.GetOrganizationsByUserID(ctx, userID)
	if err != nil {
		return nil, err
	}
	visible := rows[:0]
	for _, o := range rows {
		if q.authorize(ctx, rbac.ActionRead, o.RBACObject()) == nil {
			visible = append(visible, o)
		}
	}
	return visible, nil
}

func (q *querier) UpdateOrganization(ctx context.Context, arg database.UpdateOrganizationParams) (database.Organization, error) {
	org, err := q.GetOrganizationByID(ctx, arg.ID)
	if err != nil {
		return database.Organization{}, err
	}
	return act(ctx, q, rbac.ActionUpdate, org.RBACObject(), func() (database.Organization, error) {
		return q.db.UpdateOrganization(ctx, arg)
	})
}

func (q *querier) DeleteOrganization(ctx context.Context, id uuid.UUID) error {
	org, err := q.GetOrganizationByID(ctx, id)
	if err != nil {
		return err
	}
	return actExec(ctx, q, rbac.ActionDelete, org.RBACObject(), func() error { return q.db.DeleteOrganization(ctx, id) })
}

func (q *querier) GetOrganizationMember(ctx context.Context, arg database.GetOrganizationMemberParams) (database.OrganizationMember, error) {
	return fetch(ctx, q, func() (database.OrganizationMember, error) { return q.db.GetOrganizationMember(ctx, arg) })
}

// GetOrganizationMembers pushes the actor's read filter on members into SQL:
// whole organizations, or only the actor's own membership rows.
func (q *querier) GetOrganizationMembers(ctx context.Context, arg database.GetOrganizationMembersParams) ([]database.GetOrganizationMembersRow, error) {
	f, err := q.filter(ctx, rbac.ActionRead, rbac.ResourceOrganizationMember.Type)
	if err != nil {
		return nil, err
	}
	arg.AuthAll, arg.AuthOrgIds, arg.AuthOwnerID, arg.AuthOwnerOrgIds = f.All, f.OrgIDs, f.OwnerID, f.OwnerOrgIDs
	return q.db.GetOrganizationMembers(ctx, arg)
}

// UpdateMemberRoles needs update on the membership and the right to assign
// organization roles there; which roles is the handler's CanAssignRole check.
func (q *querier) UpdateMemberRoles(ctx context.Context, arg database.UpdateMemberRolesParams) (database.OrganizationMember, error) {
	m, err := q.GetOrganizationMember(ctx, database.GetOrganizationMemberParams{OrganizationID: arg.OrganizationID, UserID: arg.UserID})
	if err != nil {
		return database.OrganizationMember{}, err
	}
	if err := q.authorize(ctx, rbac.ActionAssign, rbac.ResourceAssignOrgRole.InOrg(arg.OrganizationID)); err != nil {
		return database.OrganizationMember{}, err
	}
	return act(ctx, q, rbac.ActionUpdate, m.RBACObject(), func() (database.OrganizationMember, error) {
		return q.db.UpdateMemberRoles(ctx, arg)
	})
}

func (q *querier) DeleteOrganizationMember(ctx context.Context, arg database.DeleteOrganizationMemberParams) error {
	m, err := q.GetOrganizationMember(ctx, database.GetOrganizationMemberParams(arg))
	if err != nil {
		return err
	}
	return actExec(ctx, q, rbac.ActionDelete, m.RBACObject(), func() error { return q.db.DeleteOrganizationMember(ctx, arg) })
}

// GetWorkspaceOwnerCandidates lists whom the actor may create workspaces for
// in an organization — without needing user:read (the seed 002 case). One
// who may create workspaces for any owner there sees every member; one who
// may create only its own sees itself; anyone else is refused.
func (q *querier) GetWorkspaceOwnerCandidates(ctx context.Context, arg database.GetWorkspaceOwnerCandidatesParams) ([]database.GetWorkspaceOwnerCandidatesRow, error) {
	actor, ok := ActorFromContext(ctx)
	if !ok {
		return nil, errNoActor
	}
	anyOwner := rbac.ResourceWorkspace.InOrg(arg.OrganizationID)
	if q.authorize(ctx, rbac.ActionCreate, anyOwner) != nil {
		self := actor.Subject().ID
		if err := q.authorize(ctx, rbac.ActionCreate, anyOwner.WithOwner(self)); err != nil {
			return nil, err
		}
		arg.OnlyUserID = self
	}
	return q.db.GetWorkspaceOwnerCandidates(ctx, arg)
}
