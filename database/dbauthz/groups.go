package dbauthz

import (
	"context"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

func (q *querier) InsertGroup(ctx context.Context, arg database.InsertGroupParams) (database.Group, error) {
	return act(ctx, q, rbac.ActionCreate, rbac.ResourceGroup.InOrg(arg.OrganizationID), func() (database.Group, error) {
		return q.db.InsertGroup(ctx, arg)
	})
}

func (q *querier) GetGroupByID(ctx context.Context, id uuid.UUID) (database.Group, error) {
	return fetch(ctx, q, func() (database.Group, error) { return q.db.GetGroupByID(ctx, id) })
}

func (q *querier) GetGroupByOrgAndName(ctx context.Context, arg database.GetGroupByOrgAndNameParams) (database.Group, error) {
	return fetch(ctx, q, func() (database.Group, error) { return q.db.GetGroupByOrgAndName(ctx, arg) })
}

func (q *querier) GetGroups(ctx context.Context, arg database.GetGroupsParams) ([]database.Group, error) {
	f, err := q.filter(ctx, rbac.ActionRead, rbac.ResourceGroup.Type)
	if err != nil {
		return nil, err
	}
	arg.AuthAll, arg.AuthOrgIds = f.All, f.OrgIDs
	return q.db.GetGroups(ctx, arg)
}

// groupAct loads the group (which must be readable) and checks action on it.
func groupAct(ctx context.Context, q *querier, id uuid.UUID, action rbac.Action, run func() error) error {
	g, err := q.GetGroupByID(ctx, id)
	if err != nil {
		return err
	}
	return actExec(ctx, q, action, g.RBACObject(), run)
}

func (q *querier) UpdateGroupByID(ctx context.Context, arg database.UpdateGroupByIDParams) (database.Group, error) {
	var out database.Group
	err := groupAct(ctx, q, arg.ID, rbac.ActionUpdate, func() error {
		var err error
		out, err = q.db.UpdateGroupByID(ctx, arg)
		return err
	})
	return out, err
}

func (q *querier) DeleteGroupByID(ctx context.Context, id uuid.UUID) error {
	return groupAct(ctx, q, id, rbac.ActionDelete, func() error { return q.db.DeleteGroupByID(ctx, id) })
}

// Changing who is in a group is updating the group.
func (q *querier) InsertGroupMember(ctx context.Context, arg database.InsertGroupMemberParams) error {
	return groupAct(ctx, q, arg.GroupID, rbac.ActionUpdate, func() error { return q.db.InsertGroupMember(ctx, arg) })
}

func (q *querier) DeleteGroupMember(ctx context.Context, arg database.DeleteGroupMemberParams) error {
	return groupAct(ctx, q, arg.GroupID, rbac.ActionUpdate, func() error { return q.db.DeleteGroupMember(ctx, arg) })
}

// GetGroupMembers needs the group readable and its members readable.
func (q *querier) GetGroupMembers(ctx context.Context, groupID uuid.UUID) ([]database.User, error) {
	g, err := q.GetGroupByID(ctx, groupID)
	if err != nil {
		return nil, err
	}
	return act(ctx, q, rbac.ActionRead, rbac.ResourceGroupMember.InOrg(g.OrganizationID), func() ([]database.User, error) {
		return q.db.GetGroupMembers(ctx, groupID)
	})
}

// GetGroupMemberCount needs only the group readable: a count names no one.
func (q *querier) GetGroupMemberCount(ctx context.Context, groupID uuid.UUID) (int64, error) {
	if _, err := q.GetGroupByID(ctx, groupID); err != nil {
		return 0, err
	}
	return q.db.GetGroupMemberCount(ctx, groupID)
}

// GetGroupsByIDs keeps the groups the actor may read.
func (q *querier) GetGroupsByIDs(ctx context.Context, ids []uuid.UUID) ([]database.Group, error) {
	if _, ok := ActorFromContext(ctx); !ok {
		return nil, errNoActor
	}
	rows, err := q.db.GetGroupsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	visible := rows[:0]
	for _, g := range rows {
		if q.authorize(ctx, rbac.ActionRead, g.RBACObject()) == nil {
			visible = append(visible, g)
		}
	}
	return visible, nil
}
