package dbauthz

import (
	"context"
	"encoding/json"
	"time"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// Identity-provider links are looked up before anyone is signed in, by the
// sign-in actor; they are system rows.
func (q *querier) GetUserLinkByLinkedID(ctx context.Context, arg database.GetUserLinkByLinkedIDParams) (database.UserLink, error) {
	return act(ctx, q, rbac.ActionRead, rbac.ResourceSystem, func() (database.UserLink, error) {
		return q.db.GetUserLinkByLinkedID(ctx, arg)
	})
}

// UpsertUserLink changes how the user signs in: an update of the user.
func (q *querier) UpsertUserLink(ctx context.Context, arg database.UpsertUserLinkParams) (database.UserLink, error) {
	return userAct(ctx, q, arg.UserID, rbac.ActionUpdate, func() (database.UserLink, error) { return q.db.UpsertUserLink(ctx, arg) })
}

func (q *querier) UpdateUserLoginType(ctx context.Context, arg database.UpdateUserLoginTypeParams) (database.User, error) {
	return userAct(ctx, q, arg.ID, rbac.ActionUpdate, func() (database.User, error) { return q.db.UpdateUserLoginType(ctx, arg) })
}

// InsertUserLoginConversion is a user asking to switch their own sign-in;
// it needs the personal update right on that user.
func (q *querier) InsertUserLoginConversion(ctx context.Context, arg database.InsertUserLoginConversionParams) error {
	_, err := userAct(ctx, q, arg.UserID, rbac.ActionUpdatePersonal, func() (struct{}, error) {
		return struct{}{}, q.db.InsertUserLoginConversion(ctx, arg)
	})
	return err
}

func (q *querier) ConsumeUserLoginConversion(ctx context.Context, stateHash []byte) (database.UserLoginConversion, error) {
	return act(ctx, q, rbac.ActionDelete, rbac.ResourceSystem, func() (database.UserLoginConversion, error) {
		return q.db.ConsumeUserLoginConversion(ctx, stateHash)
	})
}

func (q *querier) DeleteExpiredUserLoginConversions(ctx context.Context, now time.Time) error {
	return actExec(ctx, q, rbac.ActionDelete, rbac.ResourceSystem, func() error { return q.db.DeleteExpiredUserLoginConversions(ctx, now) })
}

// idpSyncObject is the settings row's object: in its organization, or
// deployment-wide for the organization sync settings.
func idpSyncObject(org database.GetIDPSyncSettingsParams) rbac.Object {
	if org.OrganizationID.Valid {
		return rbac.ResourceIdpsyncSettings.InOrg(org.OrganizationID.UUID)
	}
	return rbac.ResourceIdpsyncSettings
}

func (q *querier) GetIDPSyncSettings(ctx context.Context, arg database.GetIDPSyncSettingsParams) (json.RawMessage, error) {
	return act(ctx, q, rbac.ActionRead, idpSyncObject(arg), func() (json.RawMessage, error) { return q.db.GetIDPSyncSettings(ctx, arg) })
}

func (q *querier) UpsertIDPSyncSettings(ctx context.Context, arg database.UpsertIDPSyncSettingsParams) error {
	obj := idpSyncObject(database.GetIDPSyncSettingsParams{Kind: arg.Kind, OrganizationID: arg.OrganizationID})
	return actExec(ctx, q, rbac.ActionUpdate, obj, func() error { return q.db.UpsertIDPSyncSettings(ctx, arg) })
}
