package dbauthz

import (
	"context"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// GetUserCount answers "does any user exist?", which the unauthenticated
// first-user endpoints ask through a system actor.
func (q *querier) GetUserCount(ctx context.Context) (int64, error) {
	return act(ctx, q, rbac.ActionRead, rbac.ResourceSystem, func() (int64, error) { return q.db.GetUserCount(ctx) })
}

func (q *querier) InsertUser(ctx context.Context, arg database.InsertUserParams) (database.User, error) {
	return act(ctx, q, rbac.ActionCreate, rbac.ResourceUser, func() (database.User, error) { return q.db.InsertUser(ctx, arg) })
}

func (q *querier) GetUserByID(ctx context.Context, id uuid.UUID) (database.User, error) {
	return fetch(ctx, q, func() (database.User, error) { return q.db.GetUserByID(ctx, id) })
}

func (q *querier) GetUserByEmailOrUsername(ctx context.Context, arg database.GetUserByEmailOrUsernameParams) (database.User, error) {
	return fetch(ctx, q, func() (database.User, error) { return q.db.GetUserByEmailOrUsername(ctx, arg) })
}

// GetUsers pushes the actor's read filter into the query. Users belong to no
// organization, so only the site-wide and own-row parts of the filter apply.
func (q *querier) GetUsers(ctx context.Context, arg database.GetUsersParams) ([]database.GetUsersRow, error) {
	f, err := q.filter(ctx, rbac.ActionRead, rbac.ResourceUser.Type)
	if err != nil {
		return nil, err
	}
	arg.AuthAll = f.All
	arg.AuthUserID = uuid.Nil
	if f.OwnerWithoutOrg {
		arg.AuthUserID = f.OwnerID
	}
	return q.db.GetUsers(ctx, arg)
}

// userAct loads the user to check action on it: the row's identity (its
// owner is itself) is what the decision depends on.
func userAct[T any](ctx context.Context, q *querier, id uuid.UUID, action rbac.Action, run func() (T, error)) (T, error) {
	var zero T
	u, err := q.GetUserByID(ctx, id)
	if err != nil {
		return zero, err
	}
	return act(ctx, q, action, u.RBACObject(), run)
}

func (q *querier) UpdateUserProfile(ctx context.Context, arg database.UpdateUserProfileParams) (database.User, error) {
	return userAct(ctx, q, arg.ID, rbac.ActionUpdatePersonal, func() (database.User, error) { return q.db.UpdateUserProfile(ctx, arg) })
}

func (q *querier) UpdateUserHashedPassword(ctx context.Context, arg database.UpdateUserHashedPasswordParams) error {
	_, err := userAct(ctx, q, arg.ID, rbac.ActionUpdatePersonal, func() (struct{}, error) {
		return struct{}{}, q.db.UpdateUserHashedPassword(ctx, arg)
	})
	return err
}

func (q *querier) UpdateUserStatus(ctx context.Context, arg database.UpdateUserStatusParams) (database.User, error) {
	return userAct(ctx, q, arg.ID, rbac.ActionUpdate, func() (database.User, error) { return q.db.UpdateUserStatus(ctx, arg) })
}

// UpdateUserRoles needs update on the user; which roles the actor may hand
// out is the handler's check (rbac.CanAssignRole), made before this call.
func (q *querier) UpdateUserRoles(ctx context.Context, arg database.UpdateUserRolesParams) (database.User, error) {
	if err := q.authorize(ctx, rbac.ActionAssign, rbac.ResourceAssignRole); err != nil {
		return database.User{}, err
	}
	return userAct(ctx, q, arg.ID, rbac.ActionUpdate, func() (database.User, error) { return q.db.UpdateUserRoles(ctx, arg) })
}

func (q *querier) UpdateUserDeletedByID(ctx context.Context, arg database.UpdateUserDeletedByIDParams) error {
	_, err := userAct(ctx, q, arg.ID, rbac.ActionDelete, func() (struct{}, error) {
		return struct{}{}, q.db.UpdateUserDeletedByID(ctx, arg)
	})
	return err
}

func (q *querier) UpdateUserLastSeenAt(ctx context.Context, arg database.UpdateUserLastSeenAtParams) error {
	obj := rbac.ResourceUser.WithID(arg.ID).WithOwner(arg.ID)
	return actExec(ctx, q, rbac.ActionUpdate, obj, func() error { return q.db.UpdateUserLastSeenAt(ctx, arg) })
}

func (q *querier) UpdateUserAppearanceSettings(ctx context.Context, arg database.UpdateUserAppearanceSettingsParams) (database.User, error) {
	return userAct(ctx, q, arg.ID, rbac.ActionUpdatePersonal, func() (database.User, error) {
		return q.db.UpdateUserAppearanceSettings(ctx, arg)
	})
}

// GetAuthorizationUserRoles builds actors; only the system may ask.
func (q *querier) GetAuthorizationUserRoles(ctx context.Context, userID uuid.UUID) (database.GetAuthorizationUserRolesRow, error) {
	return act(ctx, q, rbac.ActionRead, rbac.ResourceSystem, func() (database.GetAuthorizationUserRolesRow, error) {
		return q.db.GetAuthorizationUserRoles(ctx, userID)
	})
}

func (q *querier) GetGitSSHKey(ctx context.Context, userID uuid.UUID) (database.GitSSHKey, error) {
	obj := rbac.ResourceUser.WithID(userID).WithOwner(userID)
	return act(ctx, q, rbac.ActionReadPersonal, obj, func() (database.GitSSHKey, error) { return q.db.GetGitSSHKey(ctx, userID) })
}

func (q *querier) InsertGitSSHKey(ctx context.Context, arg database.InsertGitSSHKeyParams) (database.GitSSHKey, error) {
	obj := rbac.ResourceUser.WithID(arg.UserID).WithOwner(arg.UserID)
	return act(ctx, q, rbac.ActionUpdatePersonal, obj, func() (database.GitSSHKey, error) { return q.db.InsertGitSSHKey(ctx, arg) })
}

func (q *querier) UpdateGitSSHKey(ctx context.Context, arg database.UpdateGitSSHKeyParams) (database.GitSSHKey, error) {
	obj := rbac.ResourceUser.WithID(arg.UserID).WithOwner(arg.UserID)
	return act(ctx, q, rbac.ActionUpdatePersonal, obj, func() (database.GitSSHKey, error) { return q.db.UpdateGitSSHKey(ctx, arg) })
}

// GetUsersByIDs keeps the users the actor may read.
func (q *querier) GetUsersByIDs(ctx context.Context, ids []uuid.UUID) ([]database.User, error) {
	if _, ok := ActorFromContext(ctx); !ok {
		return nil, errNoActor
	}
	rows, err := q.db.GetUsersByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	visible := rows[:0]
	for _, u := range rows {
		if q.authorize(ctx, rbac.ActionRead, u.RBACObject()) == nil {
			visible = append(visible, u)
		}
	}
	return visible, nil
}
