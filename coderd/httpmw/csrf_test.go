package httpmw_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
)

func TestCSRF(t *testing.T) {
	t.Parallel()
	accessURL := &url.URL{Scheme: "https", Host: "dev.example.com"}
	handler := httpmw.CSRF(httpmw.CSRFConfig{
		AccessURL:   accessURL,
		LoginPaths:  []string{"/api/v2/users/login"},
		ExemptPaths: []string{"/api/v2/csp/reports"},
	})(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusNoContent) }))

	const session = "abcdefghij-0123456789abcdefghijkl"
	cookie := func(r *http.Request) {
		r.AddCookie(&http.Cookie{Name: codersdk.SessionTokenCookie, Value: session})
	}
	header := func(k, v string) func(*http.Request) { return func(r *http.Request) { r.Header.Set(k, v) } }

	for _, tc := range []struct {
		name   string
		method string
		path   string
		opts   []func(*http.Request)
		want   int
	}{
		{"CookieCrossSiteOrigin", http.MethodPost, "/api/v2/users", []func(*http.Request){cookie, header("Origin", "https://evil.example")}, http.StatusForbidden},
		{"CookieNoProof", http.MethodDelete, "/api/v2/users/x", []func(*http.Request){cookie}, http.StatusForbidden},
		{"CookieNullOrigin", http.MethodPut, "/api/v2/users/x/roles", []func(*http.Request){cookie, header("Origin", "null")}, http.StatusForbidden},
		{"CookieSameSiteSubdomain", http.MethodPatch, "/api/v2/workspaces/x", []func(*http.Request){cookie, header("Sec-Fetch-Site", "same-site")}, http.StatusForbidden},
		{"CookieWrongToken", http.MethodPost, "/api/v2/users", []func(*http.Request){cookie, header(httpmw.CSRFTokenHeader, "forged")}, http.StatusForbidden},
		{"CookieSameOriginAccessURL", http.MethodPost, "/api/v2/users", []func(*http.Request){cookie, header("Origin", "https://dev.example.com")}, http.StatusNoContent},
		{"CookieSameOriginHost", http.MethodPost, "/api/v2/users", []func(*http.Request){cookie, header("Origin", "http://example.com")}, http.StatusNoContent},
		{"CookieSecFetchSameOrigin", http.MethodPost, "/api/v2/users", []func(*http.Request){cookie, header("Sec-Fetch-Site", "same-origin")}, http.StatusNoContent},
		{"CookieToken", http.MethodPost, "/api/v2/users", []func(*http.Request){cookie, header(httpmw.CSRFTokenHeader, httpmw.CSRFToken(session))}, http.StatusNoContent},
		{"CookieSafeMethod", http.MethodGet, "/api/v2/users", []func(*http.Request){cookie, header("Origin", "https://evil.example")}, http.StatusNoContent},
		{"HeaderTokenCrossSite", http.MethodPost, "/api/v2/users", []func(*http.Request){cookie, header(codersdk.SessionTokenHeader, session), header("Origin", "https://evil.example")}, http.StatusNoContent},
		{"CookieExemptPath", http.MethodPost, "/api/v2/csp/reports", []func(*http.Request){cookie}, http.StatusNoContent},
		{"NoCredentials", http.MethodPost, "/api/v2/users", []func(*http.Request){header("Origin", "https://evil.example")}, http.StatusNoContent},
		{"LoginCrossSiteOrigin", http.MethodPost, "/api/v2/users/login", []func(*http.Request){header("Origin", "https://evil.example"), header("Content-Type", "text/plain")}, http.StatusForbidden},
		{"LoginCrossSiteFetch", http.MethodPost, "/api/v2/users/login", []func(*http.Request){header("Sec-Fetch-Site", "cross-site")}, http.StatusForbidden},
		{"LoginSameOrigin", http.MethodPost, "/api/v2/users/login", []func(*http.Request){header("Origin", "https://dev.example.com"), header("Sec-Fetch-Site", "same-origin")}, http.StatusNoContent},
		{"LoginNonBrowser", http.MethodPost, "/api/v2/users/login", nil, http.StatusNoContent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(tc.method, "http://example.com"+tc.path, strings.NewReader("{}"))
			for _, o := range tc.opts {
				o(r)
			}
			rw := httptest.NewRecorder()
			handler.ServeHTTP(rw, r)
			require.Equal(t, tc.want, rw.Code, rw.Body.String())
			if tc.want == http.StatusForbidden {
				var resp codersdk.Response
				require.NoError(t, json.Unmarshal(rw.Body.Bytes(), &resp))
				assert.Contains(t, resp.Message, "Cross-site request refused")
				assert.NotEmpty(t, resp.Detail)
			}
		})
	}
}

// TestCSRFTokenCookie: a safe request with a session cookie hands out the
// session's token, once; the token is bound to the session.
func TestCSRFTokenCookie(t *testing.T) {
	t.Parallel()
	handler := httpmw.CSRF(httpmw.CSRFConfig{})(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	get := func(opts ...func(*http.Request)) *http.Response {
		r := httptest.NewRequest(http.MethodGet, "/api/v2/users/me", nil)
		r.AddCookie(&http.Cookie{Name: codersdk.SessionTokenCookie, Value: "one-session"})
		for _, o := range opts {
			o(r)
		}
		rw := httptest.NewRecorder()
		handler.ServeHTTP(rw, r)
		return rw.Result()
	}
	res := get()
	var token *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == httpmw.CSRFTokenCookie {
			token = c
		}
	}
	require.NotNil(t, token)
	assert.Equal(t, httpmw.CSRFToken("one-session"), token.Value)
	assert.False(t, token.HttpOnly, "the dashboard must be able to read it")
	assert.NotEqual(t, httpmw.CSRFToken("one-session"), httpmw.CSRFToken("another-session"))

	res = get(func(r *http.Request) { r.AddCookie(token) })
	assert.Empty(t, res.Cookies(), "an up-to-date token is not sent again")
}
