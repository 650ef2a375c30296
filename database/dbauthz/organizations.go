package dbauthz

import (
	"context"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/rbac"
	"github.com/devplane/devplane/database"
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
