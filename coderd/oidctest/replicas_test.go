package oidctest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
)

// TestSignInAcrossReplicas starts a sign-in on one replica and finishes it
// on another, as a load balancer may: what the sign-in carries lives in the
// browser's cookie and the shared database, not in a replica's memory.
func TestSignInAcrossReplicas(t *testing.T) {
	t.Parallel()
	o := newTestOP(t)
	vals, _ := coderdtest.DeploymentValues(t)
	require.NoError(t, vals.OIDC.IssuerURL.Set(o.URL))
	require.NoError(t, vals.OIDC.ClientID.Set(o.ClientID))
	require.NoError(t, vals.OIDC.ClientSecret.Set(o.ClientSecret))
	dbURL := dbtestutil.Open(t)
	a := coderdtest.New(t, &coderdtest.Options{DeploymentValues: vals, DatabaseURL: dbURL})
	coderdtest.CreateFirstUser(t, a)
	o.setRedirectURI(a.URL.String() + "/api/v2/users/oidc/callback")

	// Replica B: same database, same access URL (behind the same name),
	// its own pool, pubsub and listener.
	db, ps := dbtestutil.ConnectWithPubsubAt(t, dbURL, "")
	apiB, err := coderd.New(context.Background(), &coderd.Options{
		Logger: slogtest.Make(t, nil), Database: db, Pubsub: ps, AccessURL: a.URL, DeploymentValues: vals,
	})
	require.NoError(t, err)
	b := httptest.NewServer(apiB)
	t.Cleanup(b.Close)
	bURL, _ := a.URL.Parse(b.URL)

	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	var finishedOn string
	browser := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if req.URL.Host == a.URL.Host && req.URL.Query().Has("code") {
			// The provider sends the browser back; the balancer picks B.
			req.URL.Host = bURL.Host
			finishedOn = bURL.Host
		}
		if req.URL.Host == a.URL.Host || req.URL.Host == bURL.Host {
			if !strings.HasPrefix(req.URL.Path, "/api/v2/users/") {
				return http.ErrUseLastResponse
			}
		}
		return nil
	}}
	o.setUser(opUser{Subject: "sub-r", Email: "r@example.com", EmailVerified: true, Username: "r"})
	res, err := browser.Get(a.URL.String() + "/api/v2/users/oidc/callback?redirect=/workspaces")
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	require.Equal(t, http.StatusTemporaryRedirect, res.StatusCode, string(body))
	assert.Equal(t, bURL.Host, finishedOn, "the callback reached replica B")

	var token string
	for _, c := range jar.Cookies(a.URL) {
		if c.Name == codersdk.SessionTokenCookie {
			token = c.Value
		}
	}
	client := coderdtest.Anonymous(a)
	client.SetSessionToken(token)
	me, err := client.User(ctxT(t), codersdk.Me)
	require.NoError(t, err, "the session B issued works on A")
	assert.Equal(t, "r@example.com", me.Email)
}
