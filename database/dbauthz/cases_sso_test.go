package dbauthz_test

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// ssoCases are the authorization cases of the single sign-on rows: user
// links, login conversions and IdP sync settings.
var ssoCases = map[string]testCase{
	"GetUserLinkByLinkedID": {
		args: func(s seed) []any {
			mustDo(s.raw.UpsertUserLink(context.Background(), database.UpsertUserLinkParams{
				UserID: s.user.ID, LoginType: database.LoginTypeOidc, LinkedID: "sub", Now: dbtime.Now(),
			}))
			return []any{database.GetUserLinkByLinkedIDParams{LoginType: database.LoginTypeOidc, LinkedID: "sub"}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionRead, rbac.ResourceSystem)} },
	},
	"UpsertUserLink": {
		args: func(s seed) []any {
			return []any{database.UpsertUserLinkParams{UserID: s.user.ID, LoginType: database.LoginTypeOidc, LinkedID: "sub", Now: dbtime.Now()}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, userObj(s.user.ID)), authz(rbac.ActionUpdate, userObj(s.user.ID))}
		},
	},
	"UpdateUserLoginType": {
		args: func(s seed) []any {
			return []any{database.UpdateUserLoginTypeParams{ID: s.user.ID, LoginType: database.LoginTypeOidc, UpdatedAt: dbtime.Now()}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, userObj(s.user.ID)), authz(rbac.ActionUpdate, userObj(s.user.ID))}
		},
	},
	"InsertUserLoginConversion": {
		args: func(s seed) []any {
			return []any{database.InsertUserLoginConversionParams{
				StateHash: []byte("h"), UserID: s.user.ID, ToType: database.LoginTypeOidc, ExpiresAt: dbtime.Now(),
			}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, userObj(s.user.ID)), authz(rbac.ActionUpdatePersonal, userObj(s.user.ID))}
		},
	},
	"ConsumeUserLoginConversion": {
		args: func(s seed) []any {
			mustDo(struct{}{}, s.raw.InsertUserLoginConversion(context.Background(), database.InsertUserLoginConversionParams{
				StateHash: []byte("h"), UserID: s.user.ID, ToType: database.LoginTypeOidc, ExpiresAt: dbtime.Now(),
			}))
			return []any{[]byte("h")}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionDelete, rbac.ResourceSystem)} },
	},
	"DeleteExpiredUserLoginConversions": {
		args:   func(seed) []any { return []any{dbtime.Now()} },
		checks: func(seed) []check { return []check{authz(rbac.ActionDelete, rbac.ResourceSystem)} },
	},
	"GetIDPSyncSettings": {
		args: func(s seed) []any {
			mustDo(struct{}{}, s.raw.UpsertIDPSyncSettings(context.Background(), database.UpsertIDPSyncSettingsParams{
				Kind: "group", OrganizationID: uuid.NullUUID{UUID: s.org.ID, Valid: true}, Settings: json.RawMessage(`{}`), UpdatedAt: dbtime.Now(),
			}))
			return []any{database.GetIDPSyncSettingsParams{Kind: "group", OrganizationID: uuid.NullUUID{UUID: s.org.ID, Valid: true}}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionRead, rbac.ResourceIdpsyncSettings.InOrg(s.org.ID))}
		},
	},
	"UpsertIDPSyncSettings": {
		args: func(seed) []any {
			return []any{database.UpsertIDPSyncSettingsParams{Kind: "organization", Settings: json.RawMessage(`{}`), UpdatedAt: dbtime.Now()}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionUpdate, rbac.ResourceIdpsyncSettings)} },
	},
}

// mustDo panics when arranging a case's row fails: the case cannot run.
func mustDo[T any](_ T, err error) {
	if err != nil {
		panic(err)
	}
}
