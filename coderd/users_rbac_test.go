package coderd_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// The four actors the identity endpoints are checked with.
const (
	actorOwner     = "owner"
	actorMember    = "member"
	actorAuditor   = "auditor"
	actorUserAdmin = "user-admin"
)

var identityActors = []string{actorOwner, actorMember, actorAuditor, actorUserAdmin}

// identityFixture is one server with a logged-in client for each actor.
type identityFixture struct {
	api     *coderd.API
	db      database.Store // raw: only to arrange what no API can
	orgID   uuid.UUID
	clients map[string]*codersdk.Client
	users   map[string]codersdk.User
}

func newIdentityFixture(t *testing.T, opts *coderdtest.Options) *identityFixture {
	t.Helper()
	client, api, db := coderdtest.NewWithDatabase(t, opts)
	first := coderdtest.CreateFirstUser(t, client)
	ownerUser, err := client.User(t.Context(), codersdk.Me)
	require.NoError(t, err)
	f := &identityFixture{
		api: api, db: db, orgID: first.OrganizationID,
		clients: map[string]*codersdk.Client{actorOwner: client},
		users:   map[string]codersdk.User{actorOwner: ownerUser},
	}
	f.clients[actorMember], f.users[actorMember] = coderdtest.CreateAnotherUser(t, client, first.OrganizationID)
	f.clients[actorAuditor], f.users[actorAuditor] = coderdtest.CreateAnotherUser(t, client, first.OrganizationID, actorAuditor)
	f.clients[actorUserAdmin], f.users[actorUserAdmin] = coderdtest.CreateAnotherUser(t, client, first.OrganizationID, actorUserAdmin)
	return f
}

func (f *identityFixture) owner() *codersdk.Client { return f.clients[actorOwner] }

var identityNameCounter atomic.Int64

// uniqueName returns a valid username no other test of the binary uses.
func uniqueName(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, identityNameCounter.Add(1))
}

// strongPassword passes the password policy; it differs per call.
func strongPassword() string {
	return fmt.Sprintf("Vivid-Otter-Lantern-%d!", identityNameCounter.Add(1))
}

// newTarget creates an active plain member as the owner. Without a password
// it logs in with "none", which costs no password hashing.
func (f *identityFixture) newTarget(t *testing.T, password string) codersdk.User {
	t.Helper()
	name := uniqueName("target")
	active := codersdk.UserStatusActive
	req := codersdk.CreateUserRequestWithOrgs{
		Email: name + "@example.com", Username: name, Password: password,
		OrganizationIDs: []uuid.UUID{f.orgID}, UserStatus: &active,
	}
	if password == "" {
		req.UserLoginType = codersdk.LoginTypeNone
	}
	u, err := f.owner().CreateUserWithOrgs(t.Context(), req)
	require.NoError(t, err)
	return u
}

// loginAs returns a new client logged in with email and password.
func loginAs(t *testing.T, base *codersdk.Client, email, password string) *codersdk.Client {
	t.Helper()
	c := codersdk.New(base.URL)
	t.Cleanup(c.HTTPClient.CloseIdleConnections)
	resp, err := c.LoginWithPassword(t.Context(), codersdk.LoginWithPasswordRequest{Email: email, Password: password})
	require.NoError(t, err)
	c.SetSessionToken(resp.SessionToken)
	return c
}

// tokenClient returns a client that authenticates with token.
func tokenClient(t *testing.T, base *codersdk.Client, token string) *codersdk.Client {
	t.Helper()
	c := codersdk.New(base.URL)
	t.Cleanup(c.HTTPClient.CloseIdleConnections)
	c.SetSessionToken(token)
	return c
}

// keyID is the public half of a "<id>-<secret>" token.
func keyID(token string) string {
	id, _, _ := strings.Cut(token, "-")
	return id
}

// requireSDKError asserts err is an API error with the status.
func requireSDKError(t *testing.T, err error, status int) *codersdk.Error {
	t.Helper()
	var apiErr *codersdk.Error
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, status, apiErr.StatusCode(), apiErr.Error())
	return apiErr
}

// validationFields lists the fields an error names.
func validationFields(apiErr *codersdk.Error) []string {
	var out []string
	for _, v := range apiErr.Validations {
		out = append(out, v.Field)
	}
	return out
}

// requireValidation asserts err is a status answer naming field.
func requireValidation(t *testing.T, err error, status int, field string) *codersdk.Error {
	t.Helper()
	apiErr := requireSDKError(t, err, status)
	require.Contains(t, validationFields(apiErr), field, apiErr.Error())
	return apiErr
}

// rbacCase is one request made by each actor against a fresh target user.
type rbacCase struct {
	name   string
	method string
	// path may hold {user} (the target's ID), {keyid} and {keyname} (a
	// token the owner made for the target).
	path string
	body func(target codersdk.User) any
	// passwordTarget makes the target log in with a password.
	passwordTarget bool
	want           map[string]int
	// check, if set, verifies the state after the request.
	check func(t *testing.T, f *identityFixture, tc rbacTarget, status int)
}

type rbacTarget struct {
	user     codersdk.User
	password string
	token    string
	keyName  string
}

func want(owner, member, auditor, userAdmin int) map[string]int {
	return map[string]int{actorOwner: owner, actorMember: member, actorAuditor: auditor, actorUserAdmin: userAdmin}
}

// TestUsersRBACOnOtherUsers makes every request on /users/{user} as each
// actor against another user: a member cannot see others (404, never 403),
// an auditor sees but cannot act (403), a user admin manages users but not
// their keys or privileges, and the owner may do everything.
func TestUsersRBACOnOtherUsers(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)

	ownerView := func(t *testing.T, f *identityFixture, id uuid.UUID) (codersdk.User, error) {
		t.Helper()
		return f.owner().User(t.Context(), id.String())
	}
	cases := []rbacCase{
		{name: "GetUser", method: http.MethodGet, path: "/api/v2/users/{user}", want: want(200, 404, 200, 200)},
		{
			name: "DeleteUser", method: http.MethodDelete, path: "/api/v2/users/{user}", want: want(200, 404, 403, 200),
			check: func(t *testing.T, f *identityFixture, tc rbacTarget, status int) {
				_, err := ownerView(t, f, tc.user.ID)
				if status == http.StatusOK {
					requireSDKError(t, err, http.StatusNotFound)
				} else {
					require.NoError(t, err)
				}
			},
		},
		{
			name: "UpdateProfile", method: http.MethodPut, path: "/api/v2/users/{user}/profile",
			body: func(target codersdk.User) any {
				return codersdk.UpdateUserProfileRequest{Username: target.Username, Name: "Renamed User"}
			},
			want: want(200, 404, 403, 200),
			check: func(t *testing.T, f *identityFixture, tc rbacTarget, status int) {
				u, err := ownerView(t, f, tc.user.ID)
				require.NoError(t, err)
				assert.Equal(t, status == http.StatusOK, u.Name == "Renamed User")
			},
		},
		{
			name: "UpdatePassword", method: http.MethodPut, path: "/api/v2/users/{user}/password",
			body: func(codersdk.User) any {
				return codersdk.UpdateUserPasswordRequest{Password: "Brand-New-Passphrase-42"}
			},
			passwordTarget: true,
			want:           want(204, 404, 403, 204),
			check: func(t *testing.T, f *identityFixture, tc rbacTarget, status int) {
				_, err := f.owner().LoginWithPassword(t.Context(), codersdk.LoginWithPasswordRequest{
					Email: tc.user.Email, Password: "Brand-New-Passphrase-42",
				})
				if status == http.StatusNoContent {
					require.NoError(t, err)
				} else {
					requireSDKError(t, err, http.StatusUnauthorized)
				}
			},
		},
		{
			name: "Suspend", method: http.MethodPut, path: "/api/v2/users/{user}/status/suspend", want: want(200, 404, 403, 200),
			check: func(t *testing.T, f *identityFixture, tc rbacTarget, status int) {
				u, err := ownerView(t, f, tc.user.ID)
				require.NoError(t, err)
				assert.Equal(t, status == http.StatusOK, u.Status == codersdk.UserStatusSuspended)
			},
		},
		{name: "Activate", method: http.MethodPut, path: "/api/v2/users/{user}/status/activate", want: want(200, 404, 403, 200)},
		{name: "GetRoles", method: http.MethodGet, path: "/api/v2/users/{user}/roles", want: want(200, 404, 200, 200)},
		{
			name: "AssignAuditor", method: http.MethodPut, path: "/api/v2/users/{user}/roles",
			body: func(codersdk.User) any { return codersdk.UpdateRoles{Roles: []string{actorAuditor}} },
			want: want(200, 404, 403, 403),
			check: func(t *testing.T, f *identityFixture, tc rbacTarget, status int) {
				u, err := ownerView(t, f, tc.user.ID)
				require.NoError(t, err)
				assert.Equal(t, status == http.StatusOK, len(u.Roles) == 1)
			},
		},
		{name: "GetLoginType", method: http.MethodGet, path: "/api/v2/users/{user}/login-type", want: want(200, 404, 200, 200)},
		{name: "GetAppearance", method: http.MethodGet, path: "/api/v2/users/{user}/appearance", want: want(200, 404, 200, 200)},
		{
			name: "PutAppearance", method: http.MethodPut, path: "/api/v2/users/{user}/appearance",
			body: func(codersdk.User) any { return codersdk.UpdateUserAppearanceSettingsRequest{ThemePreference: "dark"} },
			want: want(200, 404, 403, 200),
		},
		// The git SSH key is personal data: an auditor cannot see it at all.
		{name: "GetGitSSHKey", method: http.MethodGet, path: "/api/v2/users/{user}/gitsshkey", want: want(200, 404, 404, 200)},
		{name: "RegenerateGitSSHKey", method: http.MethodPut, path: "/api/v2/users/{user}/gitsshkey", want: want(200, 404, 404, 200)},
		// Keys belong to their user: only the owner role reaches other
		// users' keys.
		{name: "CreateSessionKey", method: http.MethodPost, path: "/api/v2/users/{user}/keys", want: want(201, 404, 403, 403)},
		{
			name: "CreateToken", method: http.MethodPost, path: "/api/v2/users/{user}/keys/tokens",
			body: func(codersdk.User) any { return codersdk.CreateTokenRequest{TokenName: "minted"} },
			want: want(201, 404, 403, 403),
		},
		{name: "ListTokens", method: http.MethodGet, path: "/api/v2/users/{user}/keys/tokens", want: want(200, 404, 404, 404)},
		{name: "TokenConfig", method: http.MethodGet, path: "/api/v2/users/{user}/keys/tokens/tokenconfig", want: want(200, 404, 200, 200)},
		{name: "TokenByName", method: http.MethodGet, path: "/api/v2/users/{user}/keys/tokens/{keyname}", want: want(200, 404, 404, 404)},
		{name: "KeyByID", method: http.MethodGet, path: "/api/v2/users/{user}/keys/{keyid}", want: want(200, 404, 404, 404)},
		{
			name: "DeleteKey", method: http.MethodDelete, path: "/api/v2/users/{user}/keys/{keyid}", want: want(204, 404, 404, 404),
			check: func(t *testing.T, f *identityFixture, tc rbacTarget, status int) {
				_, err := tokenClient(t, f.owner(), tc.token).User(t.Context(), codersdk.Me)
				if status == http.StatusNoContent {
					requireSDKError(t, err, http.StatusUnauthorized)
				} else {
					require.NoError(t, err)
				}
			},
		},
	}

	for _, tc := range cases {
		for _, actor := range identityActors {
			t.Run(tc.name+"/"+actor, func(t *testing.T) {
				t.Parallel()
				var target rbacTarget
				if tc.passwordTarget {
					target.password = strongPassword()
				}
				target.user = f.newTarget(t, target.password)
				path := strings.ReplaceAll(tc.path, "{user}", target.user.ID.String())
				if strings.Contains(path, "{key") {
					target.keyName = uniqueName("tok")
					key, err := f.owner().CreateToken(t.Context(), target.user.ID.String(), codersdk.CreateTokenRequest{TokenName: target.keyName})
					require.NoError(t, err)
					target.token = key.Key
					path = strings.ReplaceAll(path, "{keyid}", keyID(key.Key))
					path = strings.ReplaceAll(path, "{keyname}", target.keyName)
				}
				var body any
				if tc.body != nil {
					body = tc.body(target.user)
				}
				res := coderdtest.RawRequest(t, f.clients[actor], tc.method, path, body)
				require.Equal(t, tc.want[actor], res.Status, "%s %s as %s: %s", tc.method, tc.path, actor, res.Body)
				if res.Status == http.StatusNotFound {
					// Not found and not allowed to see read the same.
					assert.Equal(t, "Resource not found or you do not have access to this resource", res.Response(t).Message)
				}
				if tc.check != nil {
					tc.check(t, f, target, res.Status)
				}
			})
		}
	}
}

// TestUsersRBACSiteEndpoints checks the endpoints that name no user.
func TestUsersRBACSiteEndpoints(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	cases := []struct {
		name, method, path string
		body               func() any
		want               map[string]int
	}{
		{
			name: "CreateUser", method: http.MethodPost, path: "/api/v2/users",
			body: func() any {
				name := uniqueName("created")
				return codersdk.CreateUserRequestWithOrgs{
					Email: name + "@example.com", Username: name, UserLoginType: codersdk.LoginTypeNone,
				}
			},
			want: want(201, 403, 403, 201),
		},
		{name: "ListUsers", method: http.MethodGet, path: "/api/v2/users", want: want(200, 200, 200, 200)},
		{name: "SiteRoles", method: http.MethodGet, path: "/api/v2/users/roles", want: want(200, 200, 200, 200)},
		{name: "DeploymentConfig", method: http.MethodGet, path: "/api/v2/deployment/config", want: want(200, 403, 200, 403)},
		{name: "DeploymentStats", method: http.MethodGet, path: "/api/v2/deployment/stats", want: want(200, 403, 200, 403)},
		{name: "DeploymentSSH", method: http.MethodGet, path: "/api/v2/deployment/ssh", want: want(200, 200, 200, 200)},
		{name: "Experiments", method: http.MethodGet, path: "/api/v2/experiments", want: want(200, 200, 200, 200)},
		{name: "AvailableExperiments", method: http.MethodGet, path: "/api/v2/experiments/available", want: want(200, 200, 200, 200)},
		{
			name: "CSPReport", method: http.MethodPost, path: "/api/v2/csp/reports",
			body: func() any { return map[string]any{"csp-report": map[string]any{"blocked-uri": "inline"}} },
			want: want(200, 200, 200, 200),
		},
	}
	for _, tc := range cases {
		for _, actor := range identityActors {
			t.Run(tc.name+"/"+actor, func(t *testing.T) {
				t.Parallel()
				var body any
				if tc.body != nil {
					body = tc.body()
				}
				res := coderdtest.RawRequest(t, f.clients[actor], tc.method, tc.path, body)
				require.Equal(t, tc.want[actor], res.Status, "%s %s as %s: %s", tc.method, tc.path, actor, res.Body)
			})
		}
	}

	t.Run("CreatedUserIsVisible", func(t *testing.T) {
		t.Parallel()
		// A user the user admin creates exists for the owner afterwards,
		// dormant by default, in the default organization.
		name := uniqueName("by-uadmin")
		created, err := f.clients[actorUserAdmin].CreateUserWithOrgs(t.Context(), codersdk.CreateUserRequestWithOrgs{
			Email: name + "@example.com", Username: name, Password: strongPassword(),
		})
		require.NoError(t, err)
		got, err := f.owner().User(t.Context(), name)
		require.NoError(t, err)
		assert.Equal(t, created.ID, got.ID)
		assert.Equal(t, codersdk.UserStatusDormant, got.Status)
		assert.Equal(t, []uuid.UUID{f.orgID}, got.OrganizationIDs)
		assert.Empty(t, got.Roles)
	})
}

// TestUsersRBACOnSelf checks what every actor may do to its own account.
func TestUsersRBACOnSelf(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	cases := []selfCase{
		{name: "Get", method: http.MethodGet, path: "/api/v2/users/me", status: 200},
		{name: "GetByUsername", method: http.MethodGet, path: "/api/v2/users/{username}", status: 200},
		{
			name: "UpdateProfile", method: http.MethodPut, path: "/api/v2/users/me/profile",
			body: func(me codersdk.User) any {
				return codersdk.UpdateUserProfileRequest{Username: me.Username, Name: "Myself"}
			},
			status: 200,
		},
		{
			name: "ChangeOwnRoles", method: http.MethodPut, path: "/api/v2/users/me/roles",
			body:   func(codersdk.User) any { return codersdk.UpdateRoles{Roles: []string{actorOwner}} },
			status: 400, message: "own roles",
		},
		{name: "DeleteSelf", method: http.MethodDelete, path: "/api/v2/users/me", status: 403, message: "delete yourself"},
		{name: "SuspendSelf", method: http.MethodPut, path: "/api/v2/users/me/status/suspend", status: 400, message: "suspend yourself"},
		{name: "GetRoles", method: http.MethodGet, path: "/api/v2/users/me/roles", status: 200},
		{name: "GetGitSSHKey", method: http.MethodGet, path: "/api/v2/users/me/gitsshkey", status: 200},
		{name: "ListTokens", method: http.MethodGet, path: "/api/v2/users/me/keys/tokens", status: 200},
		{
			name: "CreateToken", method: http.MethodPost, path: "/api/v2/users/me/keys/tokens",
			body:   func(codersdk.User) any { return codersdk.CreateTokenRequest{TokenName: uniqueName("self")} },
			status: 201,
		},
		{name: "TokenConfig", method: http.MethodGet, path: "/api/v2/users/me/keys/tokens/tokenconfig", status: 200},
		{
			name: "PutAppearance", method: http.MethodPut, path: "/api/v2/users/me/appearance",
			body:   func(codersdk.User) any { return codersdk.UpdateUserAppearanceSettingsRequest{ThemePreference: "light"} },
			status: 200,
		},
		{name: "LoginType", method: http.MethodGet, path: "/api/v2/users/me/login-type", status: 200},
	}
	// The group returns when every parallel subtest has.
	t.Run("Requests", func(t *testing.T) {
		runSelfCases(t, f, cases)
	})
	// Nothing above changed anyone's roles or status.
	for _, actor := range identityActors {
		u, err := f.owner().User(t.Context(), f.users[actor].ID.String())
		require.NoError(t, err)
		assert.Equal(t, codersdk.UserStatusActive, u.Status, actor)
		assert.Equal(t, f.users[actor].Roles, u.Roles, actor)
	}
}

type selfCase struct {
	name, method, path string
	body               func(me codersdk.User) any
	status             int
	message            string
}

func runSelfCases(t *testing.T, f *identityFixture, cases []selfCase) {
	for _, tc := range cases {
		for _, actor := range identityActors {
			t.Run(tc.name+"/"+actor, func(t *testing.T) {
				t.Parallel()
				me := f.users[actor]
				var body any
				if tc.body != nil {
					body = tc.body(me)
				}
				path := strings.ReplaceAll(tc.path, "{username}", me.Username)
				res := coderdtest.RawRequest(t, f.clients[actor], tc.method, path, body)
				require.Equal(t, tc.status, res.Status, "%s %s as %s: %s", tc.method, path, actor, res.Body)
				if tc.message != "" {
					assert.Contains(t, res.Response(t).Message, tc.message)
				}
			})
		}
	}
}

// TestListUsersVisibility: a member lists only itself; the others list
// everyone.
func TestListUsersVisibility(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	everyone := []uuid.UUID{}
	for _, actor := range identityActors {
		everyone = append(everyone, f.users[actor].ID)
	}
	for _, actor := range identityActors {
		t.Run(actor, func(t *testing.T) {
			t.Parallel()
			resp, err := f.clients[actor].Users(t.Context(), codersdk.UsersRequest{})
			require.NoError(t, err)
			ids := []uuid.UUID{}
			for _, u := range resp.Users {
				ids = append(ids, u.ID)
				// Organizations of every listed user are filled in.
				assert.Equal(t, []uuid.UUID{f.orgID}, u.OrganizationIDs, u.Username)
			}
			if actor == actorMember {
				assert.Equal(t, []uuid.UUID{f.users[actorMember].ID}, ids)
				assert.Equal(t, 1, resp.Count)
				return
			}
			assert.ElementsMatch(t, everyone, ids)
			assert.Equal(t, len(everyone), resp.Count)
		})
	}
}

// TestRoleAssignment covers who may assign which site roles.
func TestRoleAssignment(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)

	t.Run("OwnerAssignsEverySiteRole", func(t *testing.T) {
		t.Parallel()
		target := f.newTarget(t, "")
		all := []string{"auditor", "template-admin", "user-admin", "owner"}
		updated, err := f.owner().UpdateUserRoles(t.Context(), target.ID.String(), codersdk.UpdateRoles{Roles: all})
		require.NoError(t, err)
		names := func(roles []codersdk.SlimRole) []string {
			out := []string{}
			for _, r := range roles {
				out = append(out, r.Name)
			}
			return out
		}
		assert.ElementsMatch(t, all, names(updated.Roles))
		got, err := f.owner().GetUserRoles(t.Context(), target.ID.String())
		require.NoError(t, err)
		assert.ElementsMatch(t, all, got.Roles)
		assert.Equal(t, map[uuid.UUID][]string{f.orgID: {}}, got.OrganizationRoles)

		// And removes them again; "member" is implicit and never stored.
		updated, err = f.owner().UpdateUserRoles(t.Context(), target.ID.String(), codersdk.UpdateRoles{Roles: []string{"member"}})
		require.NoError(t, err)
		assert.Empty(t, updated.Roles)
		again, err := f.owner().User(t.Context(), target.ID.String())
		require.NoError(t, err)
		assert.Empty(t, again.Roles)
	})

	t.Run("RoleTakesEffectOnExistingSession", func(t *testing.T) {
		t.Parallel()
		password := strongPassword()
		target := f.newTarget(t, password)
		targetClient := loginAs(t, f.owner(), target.Email, password)
		_, err := targetClient.DeploymentConfig(t.Context())
		requireSDKError(t, err, http.StatusForbidden)
		_, err = f.owner().UpdateUserRoles(t.Context(), target.ID.String(), codersdk.UpdateRoles{Roles: []string{"auditor"}})
		require.NoError(t, err)
		_, err = targetClient.DeploymentConfig(t.Context())
		require.NoError(t, err)
	})

	t.Run("UserAdminAssignsNothing", func(t *testing.T) {
		t.Parallel()
		for _, role := range []string{"auditor", "template-admin", "user-admin", "owner"} {
			target := f.newTarget(t, "")
			_, err := f.clients[actorUserAdmin].UpdateUserRoles(t.Context(), target.ID.String(), codersdk.UpdateRoles{Roles: []string{role}})
			requireSDKError(t, err, http.StatusForbidden)
			got, err := f.owner().User(t.Context(), target.ID.String())
			require.NoError(t, err)
			assert.Empty(t, got.Roles, role)
		}
		// Nor remove one.
		_, err := f.clients[actorUserAdmin].UpdateUserRoles(t.Context(), f.users[actorAuditor].ID.String(), codersdk.UpdateRoles{Roles: []string{}})
		requireSDKError(t, err, http.StatusForbidden)
	})

	t.Run("NobodyChangesOwnRoles", func(t *testing.T) {
		t.Parallel()
		for _, actor := range identityActors {
			_, err := f.clients[actor].UpdateUserRoles(t.Context(), codersdk.Me, codersdk.UpdateRoles{Roles: []string{}})
			requireSDKError(t, err, http.StatusBadRequest)
		}
		u, err := f.owner().User(t.Context(), codersdk.Me)
		require.NoError(t, err)
		require.Len(t, u.Roles, 1)
		assert.Equal(t, "owner", u.Roles[0].Name)
	})

	t.Run("UnknownRole", func(t *testing.T) {
		t.Parallel()
		target := f.newTarget(t, "")
		for _, role := range []string{"superhero", "organization-admin", ""} {
			_, err := f.owner().UpdateUserRoles(t.Context(), target.ID.String(), codersdk.UpdateRoles{Roles: []string{"auditor", role}})
			requireValidation(t, err, http.StatusBadRequest, "roles")
		}
		got, err := f.owner().User(t.Context(), target.ID.String())
		require.NoError(t, err)
		assert.Empty(t, got.Roles)
	})
}

// TestAssignableSiteRoles: GET /users/roles lists the site roles, not the
// implicit member role, with assignable computed for the caller.
func TestAssignableSiteRoles(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	for _, actor := range identityActors {
		t.Run(actor, func(t *testing.T) {
			t.Parallel()
			res := coderdtest.RawRequest(t, f.clients[actor], http.MethodGet, "/api/v2/users/roles", nil)
			require.Equal(t, http.StatusOK, res.Status)
			var roles []codersdk.AssignableRoles
			require.NoError(t, json.Unmarshal(res.Body, &roles))
			assignable := map[string]bool{}
			for _, r := range roles {
				assignable[r.Name] = r.Assignable
				assert.True(t, r.BuiltIn, r.Name)
				assert.NotEmpty(t, r.DisplayName, r.Name)
				assert.Empty(t, r.OrganizationID, r.Name)
			}
			isOwner := actor == actorOwner
			assert.Equal(t, map[string]bool{
				"owner": isOwner, "auditor": isOwner, "template-admin": isOwner, "user-admin": isOwner,
			}, assignable)
		})
	}
}

// TestUserAdminCannotEscalate: a user admin manages plain users, but cannot
// take over, remove, lock out or demote anyone holding a role it could not
// assign itself.
func TestUserAdminCannotEscalate(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	ua := f.clients[actorUserAdmin]
	owner := f.users[actorOwner]

	err := ua.UpdateUserPassword(t.Context(), owner.ID.String(), codersdk.UpdateUserPasswordRequest{Password: "Hijacked-Owner-Passphrase-1"})
	requireSDKError(t, err, http.StatusForbidden)
	_, err = f.owner().LoginWithPassword(t.Context(), codersdk.LoginWithPasswordRequest{Email: owner.Email, Password: "Hijacked-Owner-Passphrase-1"})
	requireSDKError(t, err, http.StatusUnauthorized)

	err = ua.DeleteUser(t.Context(), owner.ID.String())
	requireSDKError(t, err, http.StatusForbidden)
	err = ua.DeleteUser(t.Context(), f.users[actorAuditor].ID.String())
	requireSDKError(t, err, http.StatusForbidden)

	_, err = ua.UpdateUserStatus(t.Context(), owner.ID.String(), codersdk.UserStatusSuspended)
	requireSDKError(t, err, http.StatusBadRequest)

	_, err = ua.UpdateUserRoles(t.Context(), owner.ID.String(), codersdk.UpdateRoles{Roles: []string{}})
	requireSDKError(t, err, http.StatusForbidden)

	// The owner is untouched and still works.
	me, err := f.owner().User(t.Context(), codersdk.Me)
	require.NoError(t, err)
	assert.Equal(t, codersdk.UserStatusActive, me.Status)
	require.Len(t, me.Roles, 1)

	// Not even an owner suspends another owner: remove the role first.
	other := f.newTarget(t, "")
	_, err = f.owner().UpdateUserRoles(t.Context(), other.ID.String(), codersdk.UpdateRoles{Roles: []string{"owner"}})
	require.NoError(t, err)
	_, err = f.owner().UpdateUserStatus(t.Context(), other.ID.String(), codersdk.UserStatusSuspended)
	apiErr := requireSDKError(t, err, http.StatusBadRequest)
	assert.Contains(t, apiErr.Message, "owner")
	// But the owner may delete another owner.
	require.NoError(t, f.owner().DeleteUser(t.Context(), other.ID.String()))
}

// TestUserAppearance round-trips the appearance settings.
func TestUserAppearance(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	member := f.clients[actorMember]

	initial, err := member.GetUserAppearanceSettings(t.Context(), codersdk.Me)
	require.NoError(t, err)
	assert.Equal(t, codersdk.UserAppearanceSettings{}, initial)

	req := codersdk.UpdateUserAppearanceSettingsRequest{
		ThemePreference: "dark", TerminalFont: codersdk.TerminalFontFiraCode,
		ThemeMode: codersdk.ThemeModeSync, ThemeLight: "light-tritan", ThemeDark: "dark-protan-deuter",
	}
	updated, err := member.UpdateUserAppearanceSettings(t.Context(), codersdk.Me, req)
	require.NoError(t, err)
	wantSettings := codersdk.UserAppearanceSettings{
		ThemePreference: "dark", TerminalFont: codersdk.TerminalFontFiraCode,
		ThemeMode: codersdk.ThemeModeSync, ThemeLight: "light-tritan", ThemeDark: "dark-protan-deuter",
	}
	assert.Equal(t, wantSettings, updated)
	got, err := member.GetUserAppearanceSettings(t.Context(), codersdk.Me)
	require.NoError(t, err)
	assert.Equal(t, wantSettings, got)
	// The owner reads the same through the user's ID.
	got, err = f.owner().GetUserAppearanceSettings(t.Context(), f.users[actorMember].ID.String())
	require.NoError(t, err)
	assert.Equal(t, wantSettings, got)

	t.Run("BadFont", func(t *testing.T) {
		_, err := member.UpdateUserAppearanceSettings(t.Context(), codersdk.Me, codersdk.UpdateUserAppearanceSettingsRequest{
			ThemePreference: "dark", TerminalFont: "comic-sans",
		})
		requireValidation(t, err, http.StatusBadRequest, "terminal_font")
		got, err := member.GetUserAppearanceSettings(t.Context(), codersdk.Me)
		require.NoError(t, err)
		assert.Equal(t, wantSettings, got, "a refused update changes nothing")
	})
	t.Run("EmptyThemePreference", func(t *testing.T) {
		_, err := member.UpdateUserAppearanceSettings(t.Context(), codersdk.Me, codersdk.UpdateUserAppearanceSettingsRequest{})
		requireValidation(t, err, http.StatusBadRequest, "theme_preference")
	})
	t.Run("LoginType", func(t *testing.T) {
		lt, err := member.GetUserLoginType(t.Context(), codersdk.Me)
		require.NoError(t, err)
		assert.Equal(t, codersdk.LoginTypePassword, lt.LoginType)
		none := f.newTarget(t, "")
		lt, err = f.owner().GetUserLoginType(t.Context(), none.ID.String())
		require.NoError(t, err)
		assert.Equal(t, codersdk.LoginTypeNone, lt.LoginType)
	})
}

// TestCreateUserValidation covers POST /users/first and POST /users input
// checks: 400 naming the field, 409 naming the taken one.
func TestCreateUserValidation(t *testing.T) {
	t.Parallel()
	good := codersdk.CreateUserRequestWithOrgs{Email: "fine@example.com", Username: "fine-user", Password: coderdtest.FirstUserPassword}
	cases := []struct {
		name   string
		mutate func(r *codersdk.CreateUserRequestWithOrgs)
		field  string
	}{
		{"BadEmail", func(r *codersdk.CreateUserRequestWithOrgs) { r.Email = "not-an-email" }, "email"},
		{"EmailWithName", func(r *codersdk.CreateUserRequestWithOrgs) { r.Email = "Jane <jane@example.com>" }, "email"},
		{"EmptyEmail", func(r *codersdk.CreateUserRequestWithOrgs) { r.Email = "" }, "email"},
		{"UsernameWithSpace", func(r *codersdk.CreateUserRequestWithOrgs) { r.Username = "Bad Name!" }, "username"},
		{"UsernameTooLong", func(r *codersdk.CreateUserRequestWithOrgs) { r.Username = strings.Repeat("a", 33) }, "username"},
		{"UsernameMe", func(r *codersdk.CreateUserRequestWithOrgs) { r.Username = "me" }, "username"},
		{"UsernameEmpty", func(r *codersdk.CreateUserRequestWithOrgs) { r.Username = "" }, "username"},
		{"WeakPassword", func(r *codersdk.CreateUserRequestWithOrgs) { r.Password = "password" }, "password"},
		{"NameWithSpaces", func(r *codersdk.CreateUserRequestWithOrgs) { r.Name = " padded " }, "name"},
	}

	t.Run("FirstUser", func(t *testing.T) {
		t.Parallel()
		client := coderdtest.New(t, nil)
		for _, tc := range cases {
			req := good
			tc.mutate(&req)
			_, err := client.CreateFirstUser(t.Context(), codersdk.CreateFirstUserRequest{
				Email: req.Email, Username: req.Username, Name: req.Name, Password: req.Password,
			})
			requireValidation(t, err, http.StatusBadRequest, tc.field)
		}
		// Nothing was created by the refused attempts.
		has, err := client.HasFirstUser(t.Context())
		require.NoError(t, err)
		assert.False(t, has)

		// 33 characters is refused but 32 is fine.
		_, err = client.CreateFirstUser(t.Context(), codersdk.CreateFirstUserRequest{
			Email: "first@example.com", Username: strings.Repeat("a", 32), Password: coderdtest.FirstUserPassword,
		})
		require.NoError(t, err)
		_, err = client.CreateFirstUser(t.Context(), codersdk.CreateFirstUserRequest{
			Email: "second@example.com", Username: "second", Password: coderdtest.FirstUserPassword,
		})
		requireSDKError(t, err, http.StatusConflict)
	})

	t.Run("User", func(t *testing.T) {
		t.Parallel()
		f := newIdentityFixture(t, nil)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				req := good
				tc.mutate(&req)
				_, err := f.owner().CreateUserWithOrgs(t.Context(), req)
				requireValidation(t, err, http.StatusBadRequest, tc.field)
			})
		}
		t.Run("Duplicates", func(t *testing.T) {
			t.Parallel()
			name := uniqueName("dup")
			_, err := f.owner().CreateUserWithOrgs(t.Context(), codersdk.CreateUserRequestWithOrgs{
				Email: name + "@example.com", Username: name, UserLoginType: codersdk.LoginTypeNone,
			})
			require.NoError(t, err)
			// Uniqueness ignores case.
			_, err = f.owner().CreateUserWithOrgs(t.Context(), codersdk.CreateUserRequestWithOrgs{
				Email: "other-" + name + "@example.com", Username: strings.ToUpper(name), UserLoginType: codersdk.LoginTypeNone,
			})
			requireValidation(t, err, http.StatusConflict, "username")
			_, err = f.owner().CreateUserWithOrgs(t.Context(), codersdk.CreateUserRequestWithOrgs{
				Email: strings.ToUpper(name) + "@EXAMPLE.COM", Username: "other-" + name, UserLoginType: codersdk.LoginTypeNone,
			})
			requireValidation(t, err, http.StatusConflict, "email")
			resp, err := f.owner().Users(t.Context(), codersdk.UsersRequest{Search: name})
			require.NoError(t, err)
			assert.Equal(t, 1, resp.Count, "refused duplicates were not created")
		})
		t.Run("OtherFields", func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				name  string
				body  string
				field string
			}{
				{"UnknownLoginType", `{"email":"a1@example.com","username":"a1","login_type":"smoke-signals"}`, "login_type"},
				{"PasswordForNone", `{"email":"a2@example.com","username":"a2","login_type":"none","password":"Some-Strong-Pass-99"}`, "password"},
				{"BadStatus", `{"email":"a3@example.com","username":"a3","login_type":"none","user_status":"retired"}`, "user_status"},
				{"UnknownOrg", `{"email":"a4@example.com","username":"a4","login_type":"none","organization_ids":["` + uuid.NewString() + `"]}`, "organization_ids"},
				{"UnknownJSONField", `{"email":"a5@example.com","username":"a5","login_type":"none","favourite_colour":"blue"}`, "favourite_colour"},
				{"WrongType", `{"email":"a6@example.com","username":7}`, "username"},
			} {
				res := coderdtest.RawRequest(t, f.owner(), http.MethodPost, "/api/v2/users", tc.body)
				require.Equal(t, http.StatusBadRequest, res.Status, "%s: %s", tc.name, res.Body)
				assert.Contains(t, res.Fields(t), tc.field, tc.name)
			}
			for _, body := range []string{`{"email":`, `not json`, ``, `{"email":"x@example.com"} {}`} {
				res := coderdtest.RawRequest(t, f.owner(), http.MethodPost, "/api/v2/users", body)
				require.Equal(t, http.StatusBadRequest, res.Status, "%q: %s", body, res.Body)
				assert.NotEmpty(t, res.Response(t).Message)
			}
			// None of the refused requests created a user.
			resp, err := f.owner().Users(t.Context(), codersdk.UsersRequest{Search: "@example.com"})
			require.NoError(t, err)
			for _, u := range resp.Users {
				assert.NotRegexp(t, `^a[0-9]$`, u.Username)
			}
		})
	})
}

// TestUpdateProfileValidation covers PUT /users/{user}/profile input.
func TestUpdateProfileValidation(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	member := f.clients[actorMember]
	me := f.users[actorMember]

	_, err := member.UpdateUserProfile(t.Context(), codersdk.Me, codersdk.UpdateUserProfileRequest{Username: "Bad Name!"})
	requireValidation(t, err, http.StatusBadRequest, "username")
	_, err = member.UpdateUserProfile(t.Context(), codersdk.Me, codersdk.UpdateUserProfileRequest{Username: f.users[actorAuditor].Username})
	requireValidation(t, err, http.StatusConflict, "username")

	newName := uniqueName("renamed")
	updated, err := member.UpdateUserProfile(t.Context(), codersdk.Me, codersdk.UpdateUserProfileRequest{Username: newName, Name: "Mem Ber"})
	require.NoError(t, err)
	assert.Equal(t, newName, updated.Username)
	got, err := f.owner().User(t.Context(), newName)
	require.NoError(t, err)
	assert.Equal(t, me.ID, got.ID)
	assert.Equal(t, "Mem Ber", got.Name)
	// The old name no longer resolves.
	_, err = f.owner().User(t.Context(), me.Username)
	requireSDKError(t, err, http.StatusNotFound)
}

// TestListUsersSearch covers q=, limit, offset and after_id of GET /users.
func TestListUsersSearch(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	first := coderdtest.CreateFirstUser(t, client)
	ctx := t.Context()

	// Twelve users in creation order: alpha-01..06 then beta-01..06.
	// Odd ones are active, even ones dormant (the default); beta-05 and
	// beta-06 log in with "none"; beta-03's email says "gamma".
	byName := map[string]codersdk.User{}
	var names []string
	for _, prefix := range []string{"alpha", "beta"} {
		for i := 1; i <= 6; i++ {
			name := fmt.Sprintf("%s-%02d", prefix, i)
			req := codersdk.CreateUserRequestWithOrgs{
				Email: name + "@example.com", Username: name, Password: coderdtest.FirstUserPassword,
				OrganizationIDs: []uuid.UUID{first.OrganizationID},
			}
			if name == "beta-03" {
				req.Email = "gamma-fan@example.org"
			}
			if i%2 == 1 {
				active := codersdk.UserStatusActive
				req.UserStatus = &active
			}
			if name == "beta-05" || name == "beta-06" {
				req.UserLoginType, req.Password = codersdk.LoginTypeNone, ""
			}
			u, err := client.CreateUserWithOrgs(ctx, req)
			require.NoError(t, err)
			byName[name] = u
			names = append(names, name)
		}
	}
	_, err := client.UpdateUserStatus(ctx, "alpha-05", codersdk.UserStatusSuspended)
	require.NoError(t, err)

	usernames := func(resp codersdk.GetUsersResponse) []string {
		out := []string{}
		for _, u := range resp.Users {
			out = append(out, u.Username)
		}
		return out
	}
	query := func(t *testing.T, q string, page codersdk.Pagination) codersdk.GetUsersResponse {
		t.Helper()
		resp, err := client.Users(ctx, codersdk.UsersRequest{SearchQuery: q, Pagination: page})
		require.NoError(t, err, q)
		return resp
	}

	createdAfter := byName["alpha-06"].CreatedAt.UTC().Format(time.RFC3339Nano)
	for _, tc := range []struct {
		name string
		q    string
		want []string
	}{
		{"All", "", append([]string{"alpha-01", "alpha-02", "alpha-03", "alpha-04", "alpha-05", "alpha-06", "beta-01", "beta-02", "beta-03", "beta-04", "beta-05", "beta-06"}, "owner")},
		{"FreeTextUsername", "alpha", []string{"alpha-01", "alpha-02", "alpha-03", "alpha-04", "alpha-05", "alpha-06"}},
		{"FreeTextIgnoresCase", "ALPHA-0", []string{"alpha-01", "alpha-02", "alpha-03", "alpha-04", "alpha-05", "alpha-06"}},
		{"FreeTextEmail", "gamma", []string{"beta-03"}},
		{"SearchKey", "search:example.org", []string{"beta-03"}},
		{"StatusActive", "status:active", []string{"alpha-01", "alpha-03", "beta-01", "beta-03", "beta-05", "owner"}},
		{"StatusDormant", "status:dormant", []string{"alpha-02", "alpha-04", "alpha-06", "beta-02", "beta-04", "beta-06"}},
		{"StatusSuspended", "status:suspended", []string{"alpha-05"}},
		{"StatusList", "status:suspended,dormant alpha", []string{"alpha-02", "alpha-04", "alpha-05", "alpha-06"}},
		{"RoleOwner", "role:owner", []string{"owner"}},
		{"LoginTypeNone", "login_type:none", []string{"beta-05", "beta-06"}},
		{"CreatedAfter", "created_after:" + createdAfter, []string{"beta-01", "beta-02", "beta-03", "beta-04", "beta-05", "beta-06"}},
		{"Combined", "beta status:active login_type:password", []string{"beta-01", "beta-03"}},
		{"NoMatch", "zeta", []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp := query(t, tc.q, codersdk.Pagination{})
			want := slices.Clone(tc.want)
			slices.Sort(want)
			assert.Equal(t, want, usernames(resp), "results are in username order")
			assert.Equal(t, len(tc.want), resp.Count)
		})
	}

	t.Run("LimitOffset", func(t *testing.T) {
		t.Parallel()
		resp := query(t, "alpha", codersdk.Pagination{Limit: 2, Offset: 2})
		assert.Equal(t, []string{"alpha-03", "alpha-04"}, usernames(resp))
		assert.Equal(t, 6, resp.Count, "count is every match, not the page")
		resp = query(t, "", codersdk.Pagination{Limit: 5})
		assert.Len(t, resp.Users, 5)
		assert.Equal(t, 13, resp.Count)
		resp = query(t, "alpha", codersdk.Pagination{Limit: 4, Offset: 4})
		assert.Equal(t, []string{"alpha-05", "alpha-06"}, usernames(resp))
		assert.Equal(t, 6, resp.Count)
	})

	t.Run("AfterID", func(t *testing.T) {
		t.Parallel()
		resp := query(t, "alpha", codersdk.Pagination{AfterID: byName["alpha-02"].ID, Limit: 2})
		assert.Equal(t, []string{"alpha-03", "alpha-04"}, usernames(resp))
		// Walking pages by after_id visits everyone once, in order.
		var walked []string
		after := uuid.Nil
		for {
			page := query(t, "", codersdk.Pagination{AfterID: after, Limit: 5})
			if len(page.Users) == 0 {
				break
			}
			walked = append(walked, usernames(page)...)
			after = page.Users[len(page.Users)-1].ID
		}
		want := append(slices.Clone(names), "owner")
		slices.Sort(want)
		assert.Equal(t, want, walked)
	})

	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name, rawQuery, field string
		}{
			{"BadStatus", "q=status:bogus", "status"},
			{"BadLoginType", "q=login_type:carrier-pigeon", "login_type"},
			{"UnknownKey", "q=colour:blue", "colour"},
			{"BadTime", "q=created_after:yesterday", "created_after"},
			{"Unterminated", "q=%22open", "q"},
			{"NegativeLimit", "limit=-1", "limit"},
			{"HugeLimit", "limit=1000000", "limit"},
			{"NegativeOffset", "offset=-3", "offset"},
			{"NotANumber", "limit=ten", "limit"},
			{"BadAfterID", "after_id=not-a-uuid", "after_id"},
		} {
			res := coderdtest.RawRequest(t, client, http.MethodGet, "/api/v2/users?"+tc.rawQuery, nil)
			require.Equal(t, http.StatusBadRequest, res.Status, "%s: %s", tc.name, res.Body)
			assert.Contains(t, res.Fields(t), tc.field, tc.name)
		}
	})
}
