package dbauthz

import (
	"context"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

func (q *querier) InsertAPIKey(ctx context.Context, arg database.InsertAPIKeyParams) (database.APIKey, error) {
	obj := rbac.ResourceApiKey.WithOwner(arg.UserID)
	return act(ctx, q, rbac.ActionCreate, obj, func() (database.APIKey, error) { return q.db.InsertAPIKey(ctx, arg) })
}

func (q *querier) GetAPIKeyByID(ctx context.Context, id string) (database.APIKey, error) {
	return fetch(ctx, q, func() (database.APIKey, error) { return q.db.GetAPIKeyByID(ctx, id) })
}

func (q *querier) GetAPIKeyByName(ctx context.Context, arg database.GetAPIKeyByNameParams) (database.APIKey, error) {
	return fetch(ctx, q, func() (database.APIKey, error) { return q.db.GetAPIKeyByName(ctx, arg) })
}

// GetAPIKeysByUserID returns rows of one owner, so one check covers them all.
func (q *querier) GetAPIKeysByUserID(ctx context.Context, arg database.GetAPIKeysByUserIDParams) ([]database.APIKey, error) {
	obj := rbac.ResourceApiKey.WithOwner(arg.UserID)
	return act(ctx, q, rbac.ActionRead, obj, func() ([]database.APIKey, error) { return q.db.GetAPIKeysByUserID(ctx, arg) })
}

func (q *querier) UpdateAPIKeyByID(ctx context.Context, arg database.UpdateAPIKeyByIDParams) error {
	key, err := q.db.GetAPIKeyByID(ctx, arg.ID)
	if err != nil {
		return err
	}
	return actExec(ctx, q, rbac.ActionUpdate, key.RBACObject(), func() error { return q.db.UpdateAPIKeyByID(ctx, arg) })
}

func (q *querier) DeleteAPIKeyByID(ctx context.Context, id string) error {
	key, err := q.GetAPIKeyByID(ctx, id)
	if err != nil {
		return err
	}
	return actExec(ctx, q, rbac.ActionDelete, key.RBACObject(), func() error { return q.db.DeleteAPIKeyByID(ctx, id) })
}

func (q *querier) DeleteAPIKeysByUserID(ctx context.Context, userID uuid.UUID) error {
	obj := rbac.ResourceApiKey.WithOwner(userID)
	return actExec(ctx, q, rbac.ActionDelete, obj, func() error { return q.db.DeleteAPIKeysByUserID(ctx, userID) })
}
