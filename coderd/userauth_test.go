package coderd_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// authenticatedRoutes are the routes of the users, authorization and general
// groups that need a session. {user}, {keyid} and {keyname} are filled in.
var authenticatedRoutes = []struct{ method, path string }{
	{http.MethodPost, "/api/v2/csp/reports"},
	{http.MethodGet, "/api/v2/deployment/config"},
	{http.MethodGet, "/api/v2/deployment/ssh"},
	{http.MethodGet, "/api/v2/deployment/stats"},
	{http.MethodGet, "/api/v2/experiments"},
	{http.MethodGet, "/api/v2/experiments/available"},
	{http.MethodPost, "/api/v2/users/logout"},
	{http.MethodGet, "/api/v2/users"},
	{http.MethodPost, "/api/v2/users"},
	{http.MethodGet, "/api/v2/users/roles"},
	{http.MethodGet, "/api/v2/users/{user}"},
	{http.MethodDelete, "/api/v2/users/{user}"},
	{http.MethodPut, "/api/v2/users/{user}/profile"},
	{http.MethodPut, "/api/v2/users/{user}/password"},
	{http.MethodPut, "/api/v2/users/{user}/status/activate"},
	{http.MethodPut, "/api/v2/users/{user}/status/suspend"},
	{http.MethodGet, "/api/v2/users/{user}/roles"},
	{http.MethodPut, "/api/v2/users/{user}/roles"},
	{http.MethodGet, "/api/v2/users/{user}/login-type"},
	{http.MethodGet, "/api/v2/users/{user}/appearance"},
	{http.MethodPut, "/api/v2/users/{user}/appearance"},
	{http.MethodGet, "/api/v2/users/{user}/gitsshkey"},
	{http.MethodPut, "/api/v2/users/{user}/gitsshkey"},
	{http.MethodPost, "/api/v2/users/{user}/keys"},
	{http.MethodPost, "/api/v2/users/{user}/keys/tokens"},
	{http.MethodGet, "/api/v2/users/{user}/keys/tokens"},
	{http.MethodGet, "/api/v2/users/{user}/keys/tokens/tokenconfig"},
	{http.MethodGet, "/api/v2/users/{user}/keys/tokens/{keyname}"},
	{http.MethodGet, "/api/v2/users/{user}/keys/{keyid}"},
	{http.MethodDelete, "/api/v2/users/{user}/keys/{keyid}"},
}

// TestAuthenticationRequired: every authenticated route answers 401, with a
// message, to a request without a usable token, before it looks at the body
// or the user in the path.
func TestAuthenticationRequired(t *testing.T) {
	t.Parallel()
	client, api := coderdtest.NewWithAPI(t, nil)
	first := coderdtest.CreateFirstUser(t, client)
	token, err := client.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{TokenName: "valid"})
	require.NoError(t, err)
	id := keyID(token.Key)

	routes := api.Routes()
	require.NotNil(t, routes)
	for _, tc := range authenticatedRoutes {
		// The list must not go stale: each entry is a real route.
		require.True(t, routes.Match(chi.NewRouteContext(), tc.method, tc.path), "%s %s is not routed", tc.method, tc.path)
	}

	for _, bad := range []struct{ name, token string }{
		{"NoToken", ""},
		{"Malformed", "not-a-token"},
		{"NoSecret", id},
		{"UnknownID", "abcdefghij-0123456789abcdefghijkl"},
		{"WrongSecret", id + "-" + strings.Repeat("x", 22)},
		{"SecretOfAnotherKey", "abcdefghij" + token.Key[len(id):]},
	} {
		t.Run(bad.name, func(t *testing.T) {
			t.Parallel()
			c := tokenClient(t, client, bad.token)
			for _, tc := range authenticatedRoutes {
				path := strings.NewReplacer("{user}", first.UserID.String(), "{keyid}", id, "{keyname}", "valid").Replace(tc.path)
				res := coderdtest.RawRequest(t, c, tc.method, path, `{}`)
				require.Equal(t, http.StatusUnauthorized, res.Status, "%s %s: %s", tc.method, path, res.Body)
				assert.NotEmpty(t, res.Response(t).Message, "%s %s", tc.method, path)
			}
		})
	}

	// The valid token was not harmed by any of this.
	me, err := tokenClient(t, client, token.Key).User(t.Context(), codersdk.Me)
	require.NoError(t, err)
	assert.Equal(t, first.UserID, me.ID)
}

// TestPublicRoutes answer without a session.
func TestPublicRoutes(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	_ = coderdtest.CreateFirstUser(t, client)
	anon := tokenClient(t, client, "")
	for _, tc := range []struct{ method, path, body string }{
		{http.MethodGet, "/api/v2/", ""},
		{http.MethodGet, "/api/v2/buildinfo", ""},
		{http.MethodGet, "/api/v2/updatecheck", ""},
		{http.MethodGet, "/api/v2/users/first", ""},
		{http.MethodGet, "/api/v2/users/authmethods", ""},
		{http.MethodPost, "/api/v2/users/validate-password", `{"password":"x"}`},
	} {
		var body any
		if tc.body != "" {
			body = tc.body
		}
		res := coderdtest.RawRequest(t, anon, tc.method, tc.path, body)
		assert.Equal(t, http.StatusOK, res.Status, "%s %s: %s", tc.method, tc.path, res.Body)
	}

	methods, err := anon.AuthMethods(t.Context())
	require.NoError(t, err)
	assert.True(t, methods.Password.Enabled)
	assert.False(t, methods.Github.Enabled)
	assert.False(t, methods.OIDC.Enabled)

	weak, err := anon.ValidateUserPassword(t.Context(), codersdk.ValidateUserPasswordRequest{Password: "password"})
	require.NoError(t, err)
	assert.False(t, weak.Valid)
	assert.NotEmpty(t, weak.Details)
	strong, err := anon.ValidateUserPassword(t.Context(), codersdk.ValidateUserPasswordRequest{Password: coderdtest.FirstUserPassword})
	require.NoError(t, err)
	assert.True(t, strong.Valid)
}

// TestSessionTokenTransports: the header and the cookie authenticate; the
// coder_session_token query parameter does only on streams (see
// coderd/browsertest), not on a route like this one.
func TestSessionTokenTransports(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	first := coderdtest.CreateFirstUser(t, client)
	token := client.SessionToken()
	anon := tokenClient(t, client, "")

	for _, tc := range []struct {
		name string
		opt  codersdk.RequestOption
		want int
	}{
		{"Header", func(r *http.Request) { r.Header.Set(codersdk.SessionTokenHeader, token) }, http.StatusOK},
		{"Cookie", func(r *http.Request) { r.AddCookie(&http.Cookie{Name: codersdk.SessionTokenCookie, Value: token}) }, http.StatusOK},
		{"QueryParameter", codersdk.WithQueryParam(codersdk.SessionTokenQueryParam, token), http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := coderdtest.RawRequest(t, anon, http.MethodGet, "/api/v2/users/me", nil, tc.opt)
			require.Equal(t, tc.want, res.Status, string(res.Body))
			if tc.want == http.StatusOK {
				assert.Contains(t, string(res.Body), first.UserID.String())
			}
		})
	}
}

// TestDeletedKeyRejected: a key deleted through the API stops working at
// once, and only that key.
func TestDeletedKeyRejected(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	_ = coderdtest.CreateFirstUser(t, client)
	token, err := client.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{TokenName: "doomed"})
	require.NoError(t, err)
	tc := tokenClient(t, client, token.Key)
	_, err = tc.User(t.Context(), codersdk.Me)
	require.NoError(t, err)

	require.NoError(t, client.DeleteAPIKey(t.Context(), codersdk.Me, keyID(token.Key)))
	_, err = tc.User(t.Context(), codersdk.Me)
	requireSDKError(t, err, http.StatusUnauthorized)
	_, err = client.User(t.Context(), codersdk.Me)
	require.NoError(t, err, "the session that deleted it still works")
}

// TestLogout ends the session server-side and clears the cookie.
func TestLogout(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	_ = coderdtest.CreateFirstUser(t, client)
	session := loginAs(t, client, "owner@example.com", coderdtest.FirstUserPassword)

	res := coderdtest.RawRequest(t, session, http.MethodPost, "/api/v2/users/logout", nil)
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	assert.NotEmpty(t, res.Response(t).Message)
	var cleared *http.Cookie
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == codersdk.SessionTokenCookie {
			cleared = c
		}
	}
	require.NotNil(t, cleared, "logout sets the session cookie")
	assert.Empty(t, cleared.Value)
	assert.Negative(t, cleared.MaxAge, "the cookie is deleted")
	assert.Equal(t, "/", cleared.Path)

	_, err := session.User(t.Context(), codersdk.Me)
	requireSDKError(t, err, http.StatusUnauthorized)
	// Other sessions of the same user live on.
	_, err = client.User(t.Context(), codersdk.Me)
	require.NoError(t, err)
}

// expireKey moves a key's expiry into the past through the raw store, which
// no API can do.
func expireKey(t *testing.T, db database.Store, token string) {
	t.Helper()
	key, err := db.GetAPIKeyByID(t.Context(), keyID(token))
	require.NoError(t, err)
	require.NoError(t, db.UpdateAPIKeyByID(t.Context(), database.UpdateAPIKeyByIDParams{
		ID: key.ID, LastUsed: key.LastUsed, IpAddress: key.IpAddress, ExpiresAt: key.CreatedAt.Add(-time.Minute),
	}))
}

// TestExpiredKeyRejected: neither an expired token nor an expired session
// authenticates, and using one does not revive it.
func TestExpiredKeyRejected(t *testing.T) {
	t.Parallel()
	client, _, db := coderdtest.NewWithDatabase(t, nil)
	_ = coderdtest.CreateFirstUser(t, client)
	token, err := client.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{TokenName: "short"})
	require.NoError(t, err)
	session := loginAs(t, client, "owner@example.com", coderdtest.FirstUserPassword)

	for name, key := range map[string]string{"Token": token.Key, "Session": session.SessionToken()} {
		expireKey(t, db, key)
		c := tokenClient(t, client, key)
		for range 2 {
			_, err := c.User(t.Context(), codersdk.Me)
			apiErr := requireSDKError(t, err, http.StatusUnauthorized)
			assert.Contains(t, apiErr.Message, "expired", name)
		}
	}
	_, err = client.User(t.Context(), codersdk.Me)
	require.NoError(t, err)
}

// TestSuspendedUser: suspension ends access at once without deleting keys;
// activation restores it.
func TestSuspendedUser(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	password := strongPassword()
	target := f.newTarget(t, password)
	session := loginAs(t, f.owner(), target.Email, password)
	token, err := session.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{TokenName: "cli"})
	require.NoError(t, err)
	tok := tokenClient(t, f.owner(), token.Key)

	suspended, err := f.clients[actorUserAdmin].UpdateUserStatus(t.Context(), target.ID.String(), codersdk.UserStatusSuspended)
	require.NoError(t, err)
	assert.Equal(t, codersdk.UserStatusSuspended, suspended.Status)

	for _, c := range []*codersdk.Client{session, tok} {
		_, err = c.User(t.Context(), codersdk.Me)
		apiErr := requireSDKError(t, err, http.StatusUnauthorized)
		assert.Contains(t, apiErr.Message, "suspended")
	}
	_, err = f.owner().LoginWithPassword(t.Context(), codersdk.LoginWithPasswordRequest{Email: target.Email, Password: password})
	apiErr := requireSDKError(t, err, http.StatusUnauthorized)
	assert.Contains(t, apiErr.Message, "suspended")
	// Without the right password, a suspended account looks like any other
	// failed login.
	_, err = f.owner().LoginWithPassword(t.Context(), codersdk.LoginWithPasswordRequest{Email: target.Email, Password: "Wrong-Password-123"})
	apiErr = requireSDKError(t, err, http.StatusUnauthorized)
	assert.NotContains(t, apiErr.Message, "suspended")

	activated, err := f.owner().UpdateUserStatus(t.Context(), target.ID.String(), codersdk.UserStatusActive)
	require.NoError(t, err)
	assert.Equal(t, codersdk.UserStatusActive, activated.Status)
	for _, c := range []*codersdk.Client{session, tok} {
		me, err := c.User(t.Context(), codersdk.Me)
		require.NoError(t, err)
		assert.Equal(t, target.ID, me.ID)
	}
	_ = loginAs(t, f.owner(), target.Email, password)
}

// TestDeletedUser: a deleted user's keys die with it, it cannot log in, and
// its username and email are free again for a new, different user.
func TestDeletedUser(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	password := strongPassword()
	target := f.newTarget(t, password)
	session := loginAs(t, f.owner(), target.Email, password)
	token, err := session.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{TokenName: "cli"})
	require.NoError(t, err)

	require.NoError(t, f.clients[actorUserAdmin].DeleteUser(t.Context(), target.ID.String()))
	for _, c := range []*codersdk.Client{session, tokenClient(t, f.owner(), token.Key)} {
		_, err = c.User(t.Context(), codersdk.Me)
		requireSDKError(t, err, http.StatusUnauthorized)
	}
	_, err = f.owner().LoginWithPassword(t.Context(), codersdk.LoginWithPasswordRequest{Email: target.Email, Password: password})
	apiErr := requireSDKError(t, err, http.StatusUnauthorized)
	assert.Equal(t, "Incorrect email or password.", apiErr.Message)
	// Gone for every reader, by ID and by name, and from the list.
	for _, ref := range []string{target.ID.String(), target.Username} {
		_, err = f.owner().User(t.Context(), ref)
		requireSDKError(t, err, http.StatusNotFound)
	}
	list, err := f.owner().Users(t.Context(), codersdk.UsersRequest{Search: target.Username})
	require.NoError(t, err)
	assert.Zero(t, list.Count)
	// Deleting again finds nothing.
	err = f.owner().DeleteUser(t.Context(), target.ID.String())
	requireSDKError(t, err, http.StatusNotFound)

	reborn, err := f.owner().CreateUserWithOrgs(t.Context(), codersdk.CreateUserRequestWithOrgs{
		Email: target.Email, Username: target.Username, Password: strongPassword(),
	})
	require.NoError(t, err)
	assert.NotEqual(t, target.ID, reborn.ID)
	// The old token does not open the new account.
	_, err = tokenClient(t, f.owner(), token.Key).User(t.Context(), codersdk.Me)
	requireSDKError(t, err, http.StatusUnauthorized)
}

// TestLogin covers POST /users/login.
func TestLogin(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	anon := tokenClient(t, f.owner(), "")

	t.Run("SetsCookie", func(t *testing.T) {
		t.Parallel()
		res := coderdtest.RawRequest(t, anon, http.MethodPost, "/api/v2/users/login", codersdk.LoginWithPasswordRequest{
			Email: "owner@example.com", Password: coderdtest.FirstUserPassword,
		})
		require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
		var resp codersdk.LoginWithPasswordResponse
		require.NoError(t, json.Unmarshal(res.Body, &resp))
		require.NotEmpty(t, resp.SessionToken)
		var cookie *http.Cookie
		for _, c := range (&http.Response{Header: res.Header}).Cookies() {
			if c.Name == codersdk.SessionTokenCookie {
				cookie = c
			}
		}
		require.NotNil(t, cookie)
		assert.Equal(t, resp.SessionToken, cookie.Value)
		assert.True(t, cookie.HttpOnly)
		assert.Equal(t, "/", cookie.Path)
		me, err := tokenClient(t, f.owner(), resp.SessionToken).User(t.Context(), codersdk.Me)
		require.NoError(t, err)
		assert.Equal(t, f.users[actorOwner].ID, me.ID)
	})

	t.Run("EmailIgnoresCase", func(t *testing.T) {
		t.Parallel()
		_ = loginAs(t, f.owner(), "OWNER@Example.COM", coderdtest.FirstUserPassword)
	})

	t.Run("FailuresLookAlike", func(t *testing.T) {
		t.Parallel()
		none := f.newTarget(t, "")
		messages := map[string]string{}
		for name, req := range map[string]codersdk.LoginWithPasswordRequest{
			"WrongPassword":  {Email: "owner@example.com", Password: "Not-The-Password-1"},
			"UnknownEmail":   {Email: "nobody@example.com", Password: "Not-The-Password-1"},
			"NoPasswordUser": {Email: none.Email, Password: "Not-The-Password-1"},
		} {
			_, err := anon.LoginWithPassword(t.Context(), req)
			apiErr := requireSDKError(t, err, http.StatusUnauthorized)
			messages[name] = apiErr.Message
			assert.Empty(t, apiErr.Validations, name)
		}
		assert.Equal(t, messages["WrongPassword"], messages["UnknownEmail"])
		assert.Equal(t, messages["WrongPassword"], messages["NoPasswordUser"])
	})

	t.Run("Validation", func(t *testing.T) {
		t.Parallel()
		_, err := anon.LoginWithPassword(t.Context(), codersdk.LoginWithPasswordRequest{Email: "not-an-email", Password: "x"})
		requireValidation(t, err, http.StatusBadRequest, "email")
		_, err = anon.LoginWithPassword(t.Context(), codersdk.LoginWithPasswordRequest{Email: "owner@example.com"})
		requireValidation(t, err, http.StatusBadRequest, "password")
		res := coderdtest.RawRequest(t, anon, http.MethodPost, "/api/v2/users/login", `{"email":"owner@example.com","password":"x","otp":"1"}`)
		require.Equal(t, http.StatusBadRequest, res.Status)
		assert.Equal(t, []string{"otp"}, res.Fields(t))
		res = coderdtest.RawRequest(t, anon, http.MethodPost, "/api/v2/users/login", `{"email":`)
		require.Equal(t, http.StatusBadRequest, res.Status)
	})

	t.Run("DormantBecomesActive", func(t *testing.T) {
		t.Parallel()
		name := uniqueName("dormant")
		password := strongPassword()
		created, err := f.owner().CreateUserWithOrgs(t.Context(), codersdk.CreateUserRequestWithOrgs{
			Email: name + "@example.com", Username: name, Password: password,
		})
		require.NoError(t, err)
		require.Equal(t, codersdk.UserStatusDormant, created.Status)
		c := loginAs(t, f.owner(), created.Email, password)
		me, err := c.User(t.Context(), codersdk.Me)
		require.NoError(t, err)
		assert.Equal(t, codersdk.UserStatusActive, me.Status)
		got, err := f.owner().User(t.Context(), created.ID.String())
		require.NoError(t, err)
		assert.Equal(t, codersdk.UserStatusActive, got.Status)
	})
}

// TestLoginRateLimit: after five failures from one address on one account,
// the next attempt is refused with 429 and Retry-After. (The limits
// themselves are tested in coderd/loginlimit and coderd/logintest.)
func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	_ = coderdtest.CreateFirstUser(t, client)
	anon := tokenClient(t, client, "")
	wrong := codersdk.LoginWithPasswordRequest{Email: "owner@example.com", Password: "Not-The-Password-1"}
	for i := range 5 {
		res := coderdtest.RawRequest(t, anon, http.MethodPost, "/api/v2/users/login", wrong)
		require.Equal(t, http.StatusUnauthorized, res.Status, "attempt %d", i+1)
	}
	res := coderdtest.RawRequest(t, anon, http.MethodPost, "/api/v2/users/login", wrong)
	require.Equal(t, http.StatusTooManyRequests, res.Status, string(res.Body))
	assert.NotEmpty(t, res.Response(t).Message)
	retry, err := strconv.Atoi(res.Header.Get("Retry-After"))
	require.NoError(t, err, "Retry-After is whole seconds: %q", res.Header.Get("Retry-After"))
	assert.Positive(t, retry)
	assert.LessOrEqual(t, retry, 600)

	// Sessions already open are not affected.
	_, err = client.User(t.Context(), codersdk.Me)
	require.NoError(t, err)
}

// TestChangeOwnPassword: changing one's own password needs the old one and
// a strong new one, and ends every other session and token of the user
// while the one making the change goes on.
func TestChangeOwnPassword(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	old := strongPassword()
	target := f.newTarget(t, old)
	current := loginAs(t, f.owner(), target.Email, old)
	other := loginAs(t, f.owner(), target.Email, old)
	token, err := current.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{TokenName: "cli"})
	require.NoError(t, err)
	newPassword := strongPassword()

	err = current.UpdateUserPassword(t.Context(), codersdk.Me, codersdk.UpdateUserPasswordRequest{Password: newPassword})
	requireValidation(t, err, http.StatusBadRequest, "old_password")
	err = current.UpdateUserPassword(t.Context(), codersdk.Me, codersdk.UpdateUserPasswordRequest{OldPassword: "Wrong-Old-Password-9", Password: newPassword})
	requireValidation(t, err, http.StatusBadRequest, "old_password")
	err = current.UpdateUserPassword(t.Context(), codersdk.Me, codersdk.UpdateUserPasswordRequest{OldPassword: old, Password: "password"})
	requireValidation(t, err, http.StatusBadRequest, "password")
	// Refused changes changed nothing.
	_, err = other.User(t.Context(), codersdk.Me)
	require.NoError(t, err)

	require.NoError(t, current.UpdateUserPassword(t.Context(), codersdk.Me, codersdk.UpdateUserPasswordRequest{OldPassword: old, Password: newPassword}))
	_, err = current.User(t.Context(), codersdk.Me)
	require.NoError(t, err, "the session that changed the password survives")
	for name, c := range map[string]*codersdk.Client{"OtherSession": other, "Token": tokenClient(t, f.owner(), token.Key)} {
		_, err = c.User(t.Context(), codersdk.Me)
		var apiErr *codersdk.Error
		require.ErrorAs(t, err, &apiErr, name)
		assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode(), name)
	}
	_, err = f.owner().LoginWithPassword(t.Context(), codersdk.LoginWithPasswordRequest{Email: target.Email, Password: old})
	requireSDKError(t, err, http.StatusUnauthorized)
	_ = loginAs(t, f.owner(), target.Email, newPassword)
}

// TestAdminChangesPassword: the owner and a user admin set another user's
// password without the old one; the user's sessions end.
func TestAdminChangesPassword(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	for _, actor := range []string{actorOwner, actorUserAdmin} {
		t.Run(actor, func(t *testing.T) {
			t.Parallel()
			old := strongPassword()
			target := f.newTarget(t, old)
			session := loginAs(t, f.owner(), target.Email, old)
			newPassword := strongPassword()
			require.NoError(t, f.clients[actor].UpdateUserPassword(t.Context(), target.ID.String(), codersdk.UpdateUserPasswordRequest{Password: newPassword}))
			_, err := session.User(t.Context(), codersdk.Me)
			requireSDKError(t, err, http.StatusUnauthorized)
			_, err = f.owner().LoginWithPassword(t.Context(), codersdk.LoginWithPasswordRequest{Email: target.Email, Password: old})
			requireSDKError(t, err, http.StatusUnauthorized)
			_ = loginAs(t, f.owner(), target.Email, newPassword)
			// The admin's own session is untouched.
			_, err = f.clients[actor].User(t.Context(), codersdk.Me)
			require.NoError(t, err)
		})
	}
	t.Run("WeakPassword", func(t *testing.T) {
		t.Parallel()
		target := f.newTarget(t, strongPassword())
		err := f.owner().UpdateUserPassword(t.Context(), target.ID.String(), codersdk.UpdateUserPasswordRequest{Password: "password"})
		requireValidation(t, err, http.StatusBadRequest, "password")
	})
	t.Run("NoPasswordUser", func(t *testing.T) {
		t.Parallel()
		target := f.newTarget(t, "")
		err := f.owner().UpdateUserPassword(t.Context(), target.ID.String(), codersdk.UpdateUserPasswordRequest{Password: strongPassword()})
		requireSDKError(t, err, http.StatusBadRequest)
		_, err = f.owner().LoginWithPassword(t.Context(), codersdk.LoginWithPasswordRequest{Email: target.Email, Password: "x"})
		requireSDKError(t, err, http.StatusUnauthorized)
	})
}
