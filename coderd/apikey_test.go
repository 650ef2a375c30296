package coderd_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// tokenPattern is "<10-character id>-<22-character secret>".
var tokenPattern = regexp.MustCompile(`^[a-zA-Z0-9]{10}-[a-zA-Z0-9]{22}$`)

// TestTokenLifecycle creates, lists, reads and deletes a token.
func TestTokenLifecycle(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	member := f.clients[actorMember]
	me := f.users[actorMember]
	ctx := t.Context()

	created, err := member.CreateToken(ctx, codersdk.Me, codersdk.CreateTokenRequest{TokenName: "ci-token", Lifetime: 2 * time.Hour})
	require.NoError(t, err)
	require.Regexp(t, tokenPattern, created.Key)
	id := keyID(created.Key)

	tokens, err := member.Tokens(ctx, codersdk.Me, codersdk.TokensFilter{})
	require.NoError(t, err)
	require.Len(t, tokens, 1, "login sessions are not tokens")
	tok := tokens[0]
	assert.Equal(t, id, tok.ID)
	assert.Equal(t, me.ID, tok.UserID)
	assert.Equal(t, me.Username, tok.Username)
	assert.Equal(t, "ci-token", tok.TokenName)
	assert.Equal(t, codersdk.LoginTypeToken, tok.LoginType)
	assert.Equal(t, codersdk.APIKeyScopeAll, tok.Scope)
	assert.Equal(t, []codersdk.APIKeyScope{codersdk.APIKeyScopeAll}, tok.Scopes)
	assert.EqualValues(t, 7200, tok.LifetimeSeconds)
	assert.Equal(t, 2*time.Hour, tok.ExpiresAt.Sub(tok.CreatedAt))

	// The list is a JSON array with every field a Coder client reads.
	res := coderdtest.RawRequest(t, member, http.MethodGet, "/api/v2/users/me/keys/tokens", nil)
	require.Equal(t, http.StatusOK, res.Status)
	var raw []map[string]any
	require.NoError(t, json.Unmarshal(res.Body, &raw))
	require.Len(t, raw, 1)
	for _, field := range []string{"id", "user_id", "last_used", "expires_at", "created_at", "updated_at",
		"login_type", "scope", "scopes", "token_name", "lifetime_seconds", "allow_list", "username"} {
		assert.Contains(t, raw[0], field)
	}
	assert.NotNil(t, raw[0]["allow_list"], "allow_list is [] not null")
	assert.NotContains(t, string(res.Body), strings.TrimPrefix(created.Key, id+"-"), "the secret is never shown again")

	byName, err := member.APIKeyByName(ctx, codersdk.Me, "ci-token")
	require.NoError(t, err)
	assert.Equal(t, id, byName.ID)
	byName, err = member.APIKeyByName(ctx, codersdk.Me, "CI-Token")
	require.NoError(t, err, "names ignore case")
	assert.Equal(t, id, byName.ID)
	byID, err := member.APIKeyByID(ctx, codersdk.Me, id)
	require.NoError(t, err)
	assert.Equal(t, "ci-token", byID.TokenName)
	// The owner reaches it under the member's path, not under its own.
	_, err = f.owner().APIKeyByID(ctx, me.ID.String(), id)
	require.NoError(t, err)
	_, err = f.owner().APIKeyByID(ctx, codersdk.Me, id)
	requireSDKError(t, err, http.StatusNotFound)
	_, err = member.APIKeyByName(ctx, codersdk.Me, "no-such-token")
	requireSDKError(t, err, http.StatusNotFound)

	// The token works, and a session key made with POST /keys works too
	// without being listed as a token.
	_, err = tokenClient(t, member, created.Key).User(ctx, codersdk.Me)
	require.NoError(t, err)
	session, err := member.CreateAPIKey(ctx, codersdk.Me)
	require.NoError(t, err)
	require.Regexp(t, tokenPattern, session.Key)
	_, err = tokenClient(t, member, session.Key).User(ctx, codersdk.Me)
	require.NoError(t, err)
	tokens, err = member.Tokens(ctx, codersdk.Me, codersdk.TokensFilter{})
	require.NoError(t, err)
	assert.Len(t, tokens, 1)

	require.NoError(t, member.DeleteAPIKey(ctx, codersdk.Me, id))
	_, err = member.APIKeyByID(ctx, codersdk.Me, id)
	requireSDKError(t, err, http.StatusNotFound)
	_, err = member.APIKeyByName(ctx, codersdk.Me, "ci-token")
	requireSDKError(t, err, http.StatusNotFound)
	tokens, err = member.Tokens(ctx, codersdk.Me, codersdk.TokensFilter{IncludeExpired: true})
	require.NoError(t, err)
	assert.Empty(t, tokens)
	err = member.DeleteAPIKey(ctx, codersdk.Me, id)
	requireSDKError(t, err, http.StatusNotFound)
	_, err = tokenClient(t, member, created.Key).User(ctx, codersdk.Me)
	requireSDKError(t, err, http.StatusUnauthorized)

	// The name is free again.
	_, err = member.CreateToken(ctx, codersdk.Me, codersdk.CreateTokenRequest{TokenName: "ci-token"})
	require.NoError(t, err)
}

// TestTokenForOtherUsersKey: a key ID of another user is not found under
// /users/me, for reading or deleting, and deleting it that way leaves it
// working.
func TestTokenForOtherUsersKey(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	ownerToken, err := f.owner().CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{TokenName: "owners"})
	require.NoError(t, err)
	member := f.clients[actorMember]
	_, err = member.APIKeyByID(t.Context(), codersdk.Me, keyID(ownerToken.Key))
	requireSDKError(t, err, http.StatusNotFound)
	err = member.DeleteAPIKey(t.Context(), codersdk.Me, keyID(ownerToken.Key))
	requireSDKError(t, err, http.StatusNotFound)
	_, err = tokenClient(t, member, ownerToken.Key).User(t.Context(), codersdk.Me)
	require.NoError(t, err)
}

// TestTokensIncludeExpired: expired tokens are listed only on request.
func TestTokensIncludeExpired(t *testing.T) {
	t.Parallel()
	client, _, db := coderdtest.NewWithDatabase(t, nil)
	_ = coderdtest.CreateFirstUser(t, client)
	live, err := client.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{TokenName: "live"})
	require.NoError(t, err)
	dead, err := client.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{TokenName: "dead"})
	require.NoError(t, err)
	expireKey(t, db, dead.Key)

	names := func(keys []codersdk.APIKeyWithOwner) []string {
		out := []string{}
		for _, k := range keys {
			out = append(out, k.TokenName)
		}
		return out
	}
	tokens, err := client.Tokens(t.Context(), codersdk.Me, codersdk.TokensFilter{})
	require.NoError(t, err)
	assert.Equal(t, []string{"live"}, names(tokens))
	tokens, err = client.Tokens(t.Context(), codersdk.Me, codersdk.TokensFilter{IncludeExpired: true})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"live", "dead"}, names(tokens))
	// An expired token is still found by name and ID, to be inspected or
	// deleted.
	_, err = client.APIKeyByName(t.Context(), codersdk.Me, "dead")
	require.NoError(t, err)
	require.NoError(t, client.DeleteAPIKey(t.Context(), codersdk.Me, keyID(dead.Key)))
	_, err = tokenClient(t, client, live.Key).User(t.Context(), codersdk.Me)
	require.NoError(t, err)
}

// TestTokenConfigAndLifetime: tokenconfig reports the configured maximum,
// which bounds token lifetimes and caps the default.
func TestTokenConfigAndLifetime(t *testing.T) {
	t.Parallel()
	vals, _ := coderdtest.DeploymentValues(t)
	require.NoError(t, vals.SessionConfig.MaximumTokenDuration.Set("48h"))
	f := newIdentityFixture(t, &coderdtest.Options{DeploymentValues: vals})
	member := f.clients[actorMember]

	cfg, err := member.GetTokenConfig(t.Context(), codersdk.Me)
	require.NoError(t, err)
	assert.Equal(t, 48*time.Hour, cfg.MaxTokenLifetime)
	res := coderdtest.RawRequest(t, member, http.MethodGet, "/api/v2/users/me/keys/tokens/tokenconfig", nil)
	assert.JSONEq(t, `{"max_token_lifetime":172800000000000}`, string(res.Body), "nanoseconds on the wire")

	_, err = member.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{TokenName: "exact", Lifetime: 48 * time.Hour})
	require.NoError(t, err)
	_, err = member.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{TokenName: "default"})
	require.NoError(t, err)
	key, err := member.APIKeyByName(t.Context(), codersdk.Me, "default")
	require.NoError(t, err)
	assert.EqualValues(t, (48 * time.Hour).Seconds(), key.LifetimeSeconds, "the default is capped by the maximum")

	_, err = member.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{TokenName: "too-long", Lifetime: 49 * time.Hour})
	requireValidation(t, err, http.StatusBadRequest, "lifetime")
	_, err = member.APIKeyByName(t.Context(), codersdk.Me, "too-long")
	requireSDKError(t, err, http.StatusNotFound)
}

// TestCreateTokenValidation: bad token requests are refused naming the
// field, and none creates a token.
func TestCreateTokenValidation(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	_ = coderdtest.CreateFirstUser(t, client)
	_, err := client.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{TokenName: "taken"})
	require.NoError(t, err)

	cases := []struct {
		name   string
		req    codersdk.CreateTokenRequest
		status int
		field  string
	}{
		{"LifetimeOverMax", codersdk.CreateTokenRequest{TokenName: "a1", Lifetime: 31 * 24 * time.Hour}, 400, "lifetime"},
		{"NegativeLifetime", codersdk.CreateTokenRequest{TokenName: "a2", Lifetime: -time.Hour}, 400, "lifetime"},
		{"NameWithSpace", codersdk.CreateTokenRequest{TokenName: "Bad Name!"}, 400, "token_name"},
		{"NameTooLong", codersdk.CreateTokenRequest{TokenName: strings.Repeat("t", 33)}, 400, "token_name"},
		{"DuplicateName", codersdk.CreateTokenRequest{TokenName: "taken"}, 409, "token_name"},
		{"DuplicateNameOtherCase", codersdk.CreateTokenRequest{TokenName: "TAKEN"}, 409, "token_name"},
		{"UnknownScope", codersdk.CreateTokenRequest{TokenName: "a3", Scope: "bogus"}, 400, "scope"},
		{"UnsupportedScope", codersdk.CreateTokenRequest{TokenName: "a4", Scope: codersdk.APIKeyScopeCoderAll}, 400, "scope"},
		{"UnsupportedScopes", codersdk.CreateTokenRequest{TokenName: "a5", Scopes: []codersdk.APIKeyScope{"user:read"}}, 400, "scope"},
		{"TwoScopes", codersdk.CreateTokenRequest{TokenName: "a6", Scopes: []codersdk.APIKeyScope{"all", "application_connect"}}, 400, "scopes"},
		{"AllowList", codersdk.CreateTokenRequest{TokenName: "a7", AllowList: []codersdk.APIAllowListTarget{codersdk.AllowAllTarget()}}, 400, "allow_list"},
	}
	// The group returns when all its parallel subtests have.
	t.Run("Cases", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				_, err := client.CreateToken(t.Context(), codersdk.Me, tc.req)
				requireValidation(t, err, tc.status, tc.field)
			})
		}
	})
	t.Run("BadJSON", func(t *testing.T) {
		res := coderdtest.RawRequest(t, client, http.MethodPost, "/api/v2/users/me/keys/tokens", `{"token_name":"a8","expires":"tomorrow"}`)
		require.Equal(t, http.StatusBadRequest, res.Status)
		assert.Equal(t, []string{"expires"}, res.Fields(t))
		res = coderdtest.RawRequest(t, client, http.MethodPost, "/api/v2/users/me/keys/tokens", `{"token_name":"a9","lifetime":"1h"}`)
		require.Equal(t, http.StatusBadRequest, res.Status)
		assert.Equal(t, []string{"lifetime"}, res.Fields(t))
		res = coderdtest.RawRequest(t, client, http.MethodPost, "/api/v2/users/me/keys/tokens", `{"token_name":`)
		require.Equal(t, http.StatusBadRequest, res.Status)
	})
	// No refused request created a token.
	tokens, err := client.Tokens(t.Context(), codersdk.Me, codersdk.TokensFilter{IncludeExpired: true})
	require.NoError(t, err)
	require.Len(t, tokens, 1)
	assert.Equal(t, "taken", tokens[0].TokenName)
}

// TestCreateTokenWithoutName: as upstream, an unnamed token gets a
// generated name, different each time.
func TestCreateTokenWithoutName(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	_ = coderdtest.CreateFirstUser(t, client)
	for range 2 {
		_, err := client.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{})
		require.NoError(t, err)
	}
	tokens, err := client.Tokens(t.Context(), codersdk.Me, codersdk.TokensFilter{})
	require.NoError(t, err)
	require.Len(t, tokens, 2)
	assert.NotEqual(t, tokens[0].TokenName, tokens[1].TokenName)
	for _, tok := range tokens {
		assert.NotEmpty(t, tok.TokenName)
		byName, err := client.APIKeyByName(t.Context(), codersdk.Me, tok.TokenName)
		require.NoError(t, err)
		assert.Equal(t, tok.ID, byName.ID)
	}
}

// TestApplicationConnectToken: a token scoped to application_connect
// authenticates but may not read users or configuration.
func TestApplicationConnectToken(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	_ = coderdtest.CreateFirstUser(t, client)
	token, err := client.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{
		TokenName: "apps", Scope: codersdk.APIKeyScopeApplicationConnect,
	})
	require.NoError(t, err)
	key, err := client.APIKeyByName(t.Context(), codersdk.Me, "apps")
	require.NoError(t, err)
	assert.Equal(t, codersdk.APIKeyScopeApplicationConnect, key.Scope)

	scoped := tokenClient(t, client, token.Key)
	// Even its own user is out of reach: not found, as for anything the
	// caller may not read.
	_, err = scoped.User(t.Context(), codersdk.Me)
	requireSDKError(t, err, http.StatusNotFound)
	list, err := scoped.Users(t.Context(), codersdk.UsersRequest{})
	require.NoError(t, err)
	assert.Empty(t, list.Users)
	assert.Zero(t, list.Count)
	_, err = scoped.DeploymentConfig(t.Context())
	requireSDKError(t, err, http.StatusForbidden)
	_, err = scoped.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{TokenName: "escalate"})
	requireSDKError(t, err, http.StatusNotFound)
	_, err = scoped.CreateUserWithOrgs(t.Context(), codersdk.CreateUserRequestWithOrgs{
		Email: "scoped@example.com", Username: "scoped", UserLoginType: codersdk.LoginTypeNone,
	})
	requireSDKError(t, err, http.StatusForbidden)
	// It cannot even end itself: a refusal, not a server error.
	res := coderdtest.RawRequest(t, scoped, http.MethodPost, "/api/v2/users/logout", nil)
	assert.Equal(t, http.StatusForbidden, res.Status, string(res.Body))

	// No route answers the scoped key with a server error, and only those
	// that reveal nothing about users, keys or configuration let it in.
	harmless := map[string]bool{
		"POST /api/v2/csp/reports": true, "GET /api/v2/deployment/ssh": true, "GET /api/v2/experiments": true,
		"GET /api/v2/experiments/available": true, "GET /api/v2/users": true, "GET /api/v2/users/roles": true,
	}
	for _, tc := range authenticatedRoutes {
		path := strings.NewReplacer("{user}", codersdk.Me, "{keyid}", keyID(token.Key), "{keyname}", "apps").Replace(tc.path)
		res := coderdtest.RawRequest(t, scoped, tc.method, path, `{}`)
		assert.Less(t, res.Status, 500, "%s %s: %s", tc.method, path, res.Body)
		if !harmless[tc.method+" "+tc.path] {
			assert.GreaterOrEqual(t, res.Status, 400, "%s %s: %s", tc.method, path, res.Body)
		}
	}

	// The key still works (nothing above deleted it) and the owner's own
	// session is unaffected.
	_, err = scoped.Users(t.Context(), codersdk.UsersRequest{})
	require.NoError(t, err)
	_, err = client.DeploymentConfig(t.Context())
	require.NoError(t, err)
}
