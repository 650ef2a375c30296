package appproxytest_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// onHost sends the request to the test server under another Host, as a
// browser resolving the wildcard DNS name to the server would.
func onHost(host string) func(*http.Request) {
	return func(r *http.Request) { r.Host = host }
}

func browser(r *http.Request) { r.Header.Set("Accept", "text/html") }

// TestSubdomainApp: with --wildcard-access-url, the app lives at
// {app}--{agent}--{workspace}--{owner}.<wildcard>; a signed-out browser is
// sent through the dashboard's auth redirect, which hands the app host a
// one-time app-scoped token that it trades for its own cookie. The
// session token never reaches the app host, the one-time token works once,
// the app cookie cannot use the API, and another member gets 404.
func TestSubdomainApp(t *testing.T) {
	t.Parallel()
	vals, optSet := coderdtest.DeploymentValues(t)
	require.NoError(t, vals.WildcardAccessURL.Set("*.apps.test"))
	e := newEnv(t, &coderdtest.Options{DeploymentValues: vals, DeploymentOptions: optSet})
	host := "owner-app--main--" + e.workspace.Name + "--" + e.owner.Username + ".apps.test"
	anon := coderdtest.Anonymous(e.client)

	// 1. Signed out: to the dashboard's auth redirect.
	res := get(t, anon, "/page?x=1", onHost(host), browser)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	loc, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, "/api/v2/applications/auth-redirect", loc.Path)
	back := loc.Query().Get("redirect_uri")
	assert.Equal(t, "http://"+host+"/page?x=1", back)

	// Signed out at the dashboard too: to its login page first.
	res = get(t, anon, loc.RequestURI(), browser)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Contains(t, res.Header.Get("Location"), "/login?redirect=")

	// A redirect_uri that is not an app host is refused.
	res = get(t, e.client, "/api/v2/applications/auth-redirect?redirect_uri="+url.QueryEscape("https://evil.example/"))
	require.Equal(t, http.StatusBadRequest, res.StatusCode)

	// 2. Signed in at the dashboard: back to the app with a one-time token.
	res = get(t, e.client, loc.RequestURI())
	require.Equal(t, http.StatusTemporaryRedirect, res.StatusCode)
	withToken, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, host, withToken.Host)
	oneTime := withToken.Query().Get("coder_application_connect_api_key")
	require.NotEmpty(t, oneTime)
	assert.NotEqual(t, e.client.SessionToken(), oneTime)

	// 3. The app host trades it for its own cookie.
	res = get(t, anon, withToken.RequestURI(), onHost(host), browser)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Equal(t, "/page?x=1", res.Header.Get("Location"))
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == codersdk.SessionTokenCookie {
			cookie = c
		}
	}
	require.NotNil(t, cookie)
	assert.NotEqual(t, e.client.SessionToken(), cookie.Value)
	assert.NotEqual(t, oneTime, cookie.Value)
	assert.True(t, cookie.HttpOnly)

	// Once only.
	res = get(t, anon, withToken.RequestURI(), onHost(host), browser)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)

	// 4. With the cookie, the app; the app sees no cookie of ours.
	s := decodeSeen(t, get(t, anon, "/page?x=1", onHost(host), func(r *http.Request) { r.AddCookie(cookie) }))
	assert.Equal(t, "/base/page", s.Path)
	assert.Empty(t, s.Cookies)

	// The app-scoped token cannot act on the API as the user.
	appClient := coderdtest.Anonymous(e.client)
	appClient.SetSessionToken(cookie.Value)
	_, err = appClient.Workspace(context.Background(), e.workspace.ID)
	require.Error(t, err)

	// Another member: 404 on the owner's app.
	member, _ := coderdtest.CreateAnotherUser(t, e.client, e.orgID)
	assert.Equal(t, http.StatusNotFound, get(t, member, "/", onHost(host)).StatusCode)

	// A subdomain app asked for by path is sent to its host.
	res = get(t, e.client, appPath(e, "sub-app")+"/")
	require.Equal(t, http.StatusTemporaryRedirect, res.StatusCode)
	assert.True(t, strings.HasPrefix(res.Header.Get("Location"), "http://sub-app--"+e.workspace.Name+"--"+e.owner.Username+".apps.test/"), res.Header.Get("Location"))

	// Ports too: {port}--{agent}--{workspace}--{owner}.
	portHost := strings.Replace(host, "owner-app", strconv.Itoa(e.appPort), 1)
	assert.Equal(t, "/p", decodeSeen(t, get(t, e.client, "/p", onHost(portHost))).Path)
}
