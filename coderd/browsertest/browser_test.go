package browsertest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
)

// evilOrigin is a page on another site that the victim has open.
const evilOrigin = "https://evil.example"

func withCookie(token string) codersdk.RequestOption {
	return func(r *http.Request) { r.AddCookie(&http.Cookie{Name: codersdk.SessionTokenCookie, Value: token}) }
}

func withHeader(k, v string) codersdk.RequestOption {
	return func(r *http.Request) { r.Header.Set(k, v) }
}

// browser is a client with no header token: what it sends, it sends with
// cookies, as a browser does.
func browser(t *testing.T, base *codersdk.Client) *codersdk.Client {
	t.Helper()
	c := coderdtest.Anonymous(base)
	t.Cleanup(c.HTTPClient.CloseIdleConnections)
	return c
}

// TestCSRFOnCookieWrites: a write that rides on the session cookie is
// refused from another site and without proof, and accepted from this
// site (Origin or Sec-Fetch-Site) or with the session's CSRF token. A
// client with the token in the header is not affected.
func TestCSRFOnCookieWrites(t *testing.T) {
	t.Parallel()
	owner := coderdtest.New(t, nil)
	_ = coderdtest.CreateFirstUser(t, owner)
	session := owner.SessionToken()
	b := browser(t, owner)
	createToken := func(name string, opts ...codersdk.RequestOption) coderdtest.RawResult {
		return coderdtest.RawRequest(t, b, http.MethodPost, "/api/v2/users/me/keys/tokens",
			codersdk.CreateTokenRequest{TokenName: name}, append([]codersdk.RequestOption{withCookie(session)}, opts...)...)
	}

	for _, tc := range []struct {
		name string
		opts []codersdk.RequestOption
	}{
		{"CrossSiteOrigin", []codersdk.RequestOption{withHeader("Origin", evilOrigin)}},
		{"CrossSiteFetch", []codersdk.RequestOption{withHeader("Sec-Fetch-Site", "cross-site")}},
		{"NoProof", nil},
		{"ForgedToken", []codersdk.RequestOption{withHeader(httpmw.CSRFTokenHeader, httpmw.CSRFToken("someone-else"))}},
	} {
		res := createToken("refused-"+strings.ToLower(tc.name), tc.opts...)
		require.Equal(t, http.StatusForbidden, res.Status, "%s: %s", tc.name, res.Body)
		assert.Contains(t, res.Response(t).Message, "Cross-site request refused", tc.name)
	}
	// The refused writes did nothing.
	tokens, err := owner.Tokens(t.Context(), codersdk.Me, codersdk.TokensFilter{})
	require.NoError(t, err)
	for _, tok := range tokens {
		assert.NotContains(t, tok.TokenName, "refused-")
	}
	// DELETE and the other unsafe methods are covered the same way.
	res := coderdtest.RawRequest(t, b, http.MethodDelete, "/api/v2/users/me/keys/"+"nope", nil, withCookie(session), withHeader("Origin", evilOrigin))
	require.Equal(t, http.StatusForbidden, res.Status, string(res.Body))

	// Same-origin pages pass.
	res = createToken("same-origin", withHeader("Origin", owner.URL.Scheme+"://"+owner.URL.Host))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	res = createToken("sec-fetch", withHeader("Sec-Fetch-Site", "same-origin"))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))

	// A safe request hands out the CSRF token cookie; with it in the
	// header, a write passes without Origin.
	res = coderdtest.RawRequest(t, b, http.MethodGet, "/api/v2/users/me", nil, withCookie(session))
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	csrf := res.Cookie(httpmw.CSRFTokenCookie)
	require.NotNil(t, csrf, "a cookie-authenticated read gets the CSRF token cookie")
	res = createToken("with-token", withHeader(httpmw.CSRFTokenHeader, csrf.Value))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))

	// Header-token clients (the SDK, the CLI, curl) need no proof, even
	// with a cross-site Origin and a stray cookie.
	_, err = owner.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{TokenName: "sdk"})
	require.NoError(t, err)
	res = coderdtest.RawRequest(t, owner, http.MethodPost, "/api/v2/users/me/keys/tokens", codersdk.CreateTokenRequest{TokenName: "curl"},
		withCookie("stale"), withHeader("Origin", evilOrigin))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
}

// TestLoginCSRF: another site cannot sign a browser in (to the attacker's
// account) or claim the first user through it; the dashboard and
// non-browser clients can.
func TestLoginCSRF(t *testing.T) {
	t.Parallel()
	owner := coderdtest.New(t, nil)
	b := browser(t, owner)

	// First user, cross-site: refused, and no user was made.
	first := codersdk.CreateFirstUserRequest{Email: "owner@example.com", Username: "owner", Password: coderdtest.FirstUserPassword}
	res := coderdtest.RawRequest(t, b, http.MethodPost, "/api/v2/users/first", first, withHeader("Origin", evilOrigin))
	require.Equal(t, http.StatusForbidden, res.Status, string(res.Body))
	_ = coderdtest.CreateFirstUser(t, owner)

	login := `{"email":"owner@example.com","password":"` + coderdtest.FirstUserPassword + `"}`
	// A form on another site (text/plain needs no preflight).
	res = coderdtest.RawRequest(t, b, http.MethodPost, "/api/v2/users/login", strings.NewReader(login),
		withHeader("Content-Type", "text/plain"), withHeader("Origin", evilOrigin))
	require.Equal(t, http.StatusForbidden, res.Status, string(res.Body))
	assert.Nil(t, res.Cookie(codersdk.SessionTokenCookie))
	res = coderdtest.RawRequest(t, b, http.MethodPost, "/api/v2/users/login", strings.NewReader(login),
		withHeader("Content-Type", "application/json"), withHeader("Sec-Fetch-Site", "cross-site"))
	require.Equal(t, http.StatusForbidden, res.Status, string(res.Body))

	// The dashboard's own login, and curl's.
	res = coderdtest.RawRequest(t, b, http.MethodPost, "/api/v2/users/login", strings.NewReader(login),
		withHeader("Content-Type", "application/json"), withHeader("Origin", owner.URL.Scheme+"://"+owner.URL.Host),
		withHeader("Sec-Fetch-Site", "same-origin"))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	assert.NotNil(t, res.Cookie(codersdk.SessionTokenCookie))
	res = coderdtest.RawRequest(t, b, http.MethodPost, "/api/v2/users/login", strings.NewReader(login), withHeader("Content-Type", "application/json"))
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
}

// TestNoStore: responses that carry secrets (and every other API
// response) tell caches not to keep them.
func TestNoStore(t *testing.T) {
	t.Parallel()
	owner := coderdtest.New(t, nil)
	_ = coderdtest.CreateFirstUser(t, owner)
	b := browser(t, owner)

	res := coderdtest.RawRequest(t, b, http.MethodPost, "/api/v2/users/login",
		codersdk.LoginWithPasswordRequest{Email: "owner@example.com", Password: coderdtest.FirstUserPassword})
	require.Equal(t, http.StatusCreated, res.Status, string(res.Body))
	assert.Equal(t, "no-store", res.Header.Get("Cache-Control"), "login")

	for _, tc := range []struct{ method, path string }{
		{http.MethodPost, "/api/v2/users/me/keys/tokens"},
		{http.MethodPost, "/api/v2/users/me/keys"},
		{http.MethodGet, "/api/v2/users/me/gitsshkey"},
		{http.MethodPut, "/api/v2/users/me/gitsshkey"},
		{http.MethodGet, "/api/v2/deployment/config"},
		{http.MethodGet, "/api/v2/users/me"},
		{http.MethodGet, "/api/v2/nonexistent"},
	} {
		var body any
		if tc.method == http.MethodPost && strings.HasSuffix(tc.path, "tokens") {
			body = codersdk.CreateTokenRequest{TokenName: "t"}
		}
		res := coderdtest.RawRequest(t, owner, tc.method, tc.path, body)
		assert.Less(t, res.Status, http.StatusInternalServerError, "%s %s: %s", tc.method, tc.path, res.Body)
		assert.Equal(t, "no-store", res.Header.Get("Cache-Control"), "%s %s", tc.method, tc.path)
	}
}

// TestQueryTokenNotOnOrdinaryRoutes: a token in the query string does not
// authenticate a normal route, and the 401 says where it does.
func TestQueryTokenNotOnOrdinaryRoutes(t *testing.T) {
	t.Parallel()
	owner := coderdtest.New(t, nil)
	_ = coderdtest.CreateFirstUser(t, owner)
	b := browser(t, owner)
	res := coderdtest.RawRequest(t, b, http.MethodGet, "/api/v2/users/me", nil, codersdk.WithQueryParam(codersdk.SessionTokenQueryParam, owner.SessionToken()))
	require.Equal(t, http.StatusUnauthorized, res.Status, string(res.Body))
	assert.Contains(t, res.Response(t).Detail, "streaming routes")
}

// TestStreamingRoutesExist: every route the server treats as a stream is
// still a route, so a rename cannot silently put a stream under the write
// deadline.
func TestStreamingRoutesExist(t *testing.T) {
	t.Parallel()
	_, api := coderdtest.NewWithAPI(t, nil)
	for _, pattern := range coderd.StreamingRoutes() {
		// A pattern matches itself: each {param} is a value.
		assert.Equal(t, pattern, api.Routes().Find(chi.NewRouteContext(), http.MethodGet, pattern), pattern)
	}
}
