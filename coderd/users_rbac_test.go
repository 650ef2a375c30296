package coderd_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

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
	c := coderdtest.Anonymous(base)
	t.Cleanup(c.HTTPClient.CloseIdleConnections)
	resp, err := c.LoginWithPassword(t.Context(), codersdk.LoginWithPasswordRequest{Email: email, Password: password})
	require.NoError(t, err)
	c.SetSessionToken(resp.SessionToken)
	return c
}

// tokenClient returns a client that authenticates with token.
func tokenClient(t *testing.T, base *codersdk.Client, token string) *codersdk.Client {
	t.Helper()
	c := coderdtest.Anonymous(base)
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
