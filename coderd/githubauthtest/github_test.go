package githubauthtest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/testutil/logcapture"
)

const testTimeout = 60 * time.Second

type ghUser struct {
	ID     int64
	Login  string
	Name   string
	Emails []map[string]any
	Orgs   []string // active memberships
	Teams  [][2]string
}

// fakeGitHub serves GitHub's OAuth and API shapes for one user at a time.
type fakeGitHub struct {
	srv          *httptest.Server
	clientID     string
	clientSecret string

	mu     sync.Mutex
	user   ghUser
	codes  map[string]bool
	tokens map[string]bool
	seen   []string
}

func newFakeGitHub(t *testing.T) *fakeGitHub {
	g := &fakeGitHub{
		clientID: "gh-client", clientSecret: "gh-secret-" + uuid.NewString(),
		codes: map[string]bool{}, tokens: map[string]bool{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login/oauth/authorize", func(rw http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != g.clientID {
			http.Error(rw, "unknown client", http.StatusBadRequest)
			return
		}
		code := "code-" + uuid.NewString()
		g.mu.Lock()
		g.codes[code] = true
		g.seen = append(g.seen, code)
		g.mu.Unlock()
		back, _ := url.Parse(q.Get("redirect_uri"))
		v := back.Query()
		v.Set("code", code)
		v.Set("state", q.Get("state"))
		back.RawQuery = v.Encode()
		http.Redirect(rw, r, back.String(), http.StatusFound)
	})
	mux.HandleFunc("POST /login/oauth/access_token", func(rw http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		id, secret, ok := r.BasicAuth()
		if !ok {
			id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
		}
		g.mu.Lock()
		valid := g.codes[r.PostForm.Get("code")]
		delete(g.codes, r.PostForm.Get("code"))
		token := "gho_" + strings.ReplaceAll(uuid.NewString(), "-", "")
		if valid {
			g.tokens[token] = true
			g.seen = append(g.seen, token)
		}
		g.mu.Unlock()
		rw.Header().Set("Content-Type", "application/json")
		if id != g.clientID || secret != g.clientSecret || !valid {
			_ = json.NewEncoder(rw).Encode(map[string]string{"error": "bad_verification_code"})
			return
		}
		_ = json.NewEncoder(rw).Encode(map[string]string{"access_token": token, "token_type": "bearer", "scope": "read:user,read:org,user:email"})
	})
	api := func(path string, body func(u ghUser) any) {
		mux.HandleFunc("GET /api/v3"+path, func(rw http.ResponseWriter, r *http.Request) {
			g.mu.Lock()
			ok := g.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
			u := g.user
			g.mu.Unlock()
			if !ok {
				http.Error(rw, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
				return
			}
			rw.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(rw).Encode(body(u))
		})
	}
	api("/user", func(u ghUser) any {
		return map[string]any{"id": u.ID, "login": u.Login, "name": u.Name, "avatar_url": "https://avatars.example/u/1"}
	})
	api("/user/emails", func(u ghUser) any { return u.Emails })
	api("/user/memberships/orgs", func(u ghUser) any {
		out := []any{}
		for _, o := range u.Orgs {
			out = append(out, map[string]any{"state": "active", "role": "member", "organization": map[string]any{"login": o}})
		}
		return out
	})
	api("/user/teams", func(u ghUser) any {
		out := []any{}
		for _, t := range u.Teams {
			out = append(out, map[string]any{"slug": t[1], "organization": map[string]any{"login": t[0]}})
		}
		return out
	})
	g.srv = httptest.NewServer(mux)
	t.Cleanup(g.srv.Close)
	return g
}

func (g *fakeGitHub) setUser(u ghUser) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.user = u
}

func (g *fakeGitHub) secrets() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string{g.clientSecret}, g.seen...)
}

type env struct {
	gh    *fakeGitHub
	owner *codersdk.Client
	first codersdk.CreateFirstUserResponse
	logs  *logcapture.Buffer
}

func setup(t *testing.T, mutate func(*codersdk.DeploymentValues)) *env {
	g := newFakeGitHub(t)
	vals, _ := coderdtest.DeploymentValues(t)
	require.NoError(t, vals.OAuth2.Github.ClientID.Set(g.clientID))
	require.NoError(t, vals.OAuth2.Github.ClientSecret.Set(g.clientSecret))
	require.NoError(t, vals.OAuth2.Github.EnterpriseBaseURL.Set(g.srv.URL))
	require.NoError(t, vals.OAuth2.Github.AllowSignups.Set("true"))
	require.NoError(t, vals.OAuth2.Github.AllowedOrgs.Set("acme"))
	if mutate != nil {
		mutate(vals)
	}
	logger, logs := logcapture.Logger()
	client := coderdtest.New(t, &coderdtest.Options{DeploymentValues: vals, Logger: &logger})
	return &env{gh: g, owner: client, first: coderdtest.CreateFirstUser(t, client), logs: logs}
}

type result struct {
	status   int
	location string
	body     string
	token    string
}

func (e *env) signIn(t *testing.T, path string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	jar, _ := cookiejar.New(nil)
	base := e.owner.URL
	browser := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) > 10 || (req.URL.Host == base.Host && !strings.HasPrefix(req.URL.Path, "/api/v2/users/")) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base.String()+path, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/html,application/xhtml+xml") // as a browser asks
	res, err := browser.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	out := result{status: res.StatusCode, location: res.Header.Get("Location"), body: string(body)}
	for _, c := range jar.Cookies(base) {
		if c.Name == codersdk.SessionTokenCookie {
			out.token = c.Value
		}
	}
	return out
}

func (e *env) me(t *testing.T, token string) codersdk.User {
	c := coderdtest.Anonymous(e.owner)
	c.SetSessionToken(token)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	u, err := c.User(ctx, codersdk.Me)
	require.NoError(t, err)
	return u
}

func verified(email string) []map[string]any {
	return []map[string]any{
		{"email": "noreply@users.github.example", "primary": false, "verified": true},
		{"email": email, "primary": true, "verified": true},
	}
}

func TestGithubSignInCreatesThenReuses(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	m, err := e.owner.AuthMethods(ctx)
	require.NoError(t, err)
	assert.True(t, m.Github.Enabled)
	assert.False(t, m.Github.DefaultProviderConfigured)

	e.gh.setUser(ghUser{ID: 4242, Login: "Octo_Cat", Name: "Octo Cat", Emails: verified("octo@example.com"), Orgs: []string{"ACME"}})
	res := e.signIn(t, "/api/v2/users/oauth2/github/callback?redirect=/templates")
	require.Equal(t, http.StatusTemporaryRedirect, res.status, res.body)
	assert.Equal(t, "/templates", res.location)
	me := e.me(t, res.token)
	assert.Equal(t, "octo-cat", me.Username)
	assert.Equal(t, "octo@example.com", me.Email)
	assert.Equal(t, codersdk.LoginTypeGithub, me.LoginType)

	// GitHub login renamed, email changed: the numeric id still links.
	e.gh.setUser(ghUser{ID: 4242, Login: "octo-renamed", Emails: verified("new@example.com"), Orgs: []string{"acme"}})
	res = e.signIn(t, "/api/v2/users/oauth2/github/callback")
	require.Equal(t, http.StatusTemporaryRedirect, res.status, res.body)
	assert.Equal(t, me.ID, e.me(t, res.token).ID)
}

func TestGithubRefusals(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	cases := []struct {
		name    string
		user    ghUser
		status  int
		message string
	}{
		{"not in allowed org", ghUser{ID: 1, Login: "outsider", Emails: verified("o@example.com"), Orgs: []string{"other"}}, http.StatusForbidden, "not a member of an organization allowed"},
		{"no verified email", ghUser{ID: 2, Login: "unverified", Emails: []map[string]any{{"email": "u@example.com", "primary": true, "verified": false}}, Orgs: []string{"acme"}}, http.StatusForbidden, "no verified primary email"},
	}
	for _, tc := range cases {
		e.gh.setUser(tc.user)
		res := e.signIn(t, "/api/v2/users/oauth2/github/callback")
		assert.Equal(t, tc.status, res.status, tc.name+": "+res.body)
		assert.Contains(t, res.body, tc.message, tc.name)
		assert.Empty(t, res.token, tc.name)
	}
}

func TestGithubTeamsAndSignups(t *testing.T) {
	t.Parallel()
	e := setup(t, func(v *codersdk.DeploymentValues) {
		require.NoError(t, v.OAuth2.Github.AllowedTeams.Set("acme/platform"))
		require.NoError(t, v.OAuth2.Github.AllowSignups.Set("false"))
	})
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	e.gh.setUser(ghUser{ID: 7, Login: "dev", Emails: verified("dev@example.com"), Orgs: []string{"acme"}, Teams: [][2]string{{"acme", "frontend"}}})
	res := e.signIn(t, "/api/v2/users/oauth2/github/callback")
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.Contains(t, res.body, "not in a team allowed")

	e.gh.setUser(ghUser{ID: 7, Login: "dev", Emails: verified("dev@example.com"), Orgs: []string{"acme"}, Teams: [][2]string{{"acme", "platform"}}})
	res = e.signIn(t, "/api/v2/users/oauth2/github/callback")
	assert.Equal(t, http.StatusForbidden, res.status, "signups are off")
	assert.Contains(t, res.body, "signups through it are disabled")

	// Pre-created by an administrator: linked by the verified email.
	_, err := e.owner.CreateUserWithOrgs(ctx, codersdk.CreateUserRequestWithOrgs{
		Email: "dev@example.com", Username: "dev", UserLoginType: codersdk.LoginTypeGithub,
		OrganizationIDs: []uuid.UUID{e.first.OrganizationID},
	})
	require.NoError(t, err)
	res = e.signIn(t, "/api/v2/users/oauth2/github/callback")
	require.Equal(t, http.StatusTemporaryRedirect, res.status, res.body)
	assert.Equal(t, "dev", e.me(t, res.token).Username)
}

func TestGithubNoSecretLeaks(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	e.gh.setUser(ghUser{ID: 9, Login: "sec", Emails: verified("sec@example.com"), Orgs: []string{"acme"}})
	ok := e.signIn(t, "/api/v2/users/oauth2/github/callback")
	require.Equal(t, http.StatusTemporaryRedirect, ok.status, ok.body)
	e.gh.setUser(ghUser{ID: 10, Login: "out", Emails: verified("out@example.com")})
	bad := e.signIn(t, "/api/v2/users/oauth2/github/callback")
	require.Equal(t, http.StatusForbidden, bad.status)

	logs, err := e.owner.AuditLogs(ctx, codersdk.AuditLogsRequest{Pagination: codersdk.Pagination{Limit: 100}})
	require.NoError(t, err)
	auditJSON, _ := json.Marshal(logs)
	cfg, err := e.owner.DeploymentConfig(ctx)
	require.NoError(t, err)
	cfgJSON, _ := json.Marshal(cfg)
	secrets := e.gh.secrets()
	require.Greater(t, len(secrets), 3, "codes and tokens were recorded")
	for where, text := range map[string]string{
		"server log": e.logs.String(), "audit log": string(auditJSON), "deployment config": string(cfgJSON),
		"pages": ok.body + ok.location + bad.body,
	} {
		for _, s := range secrets {
			assert.NotContains(t, text, s, "a secret in the %s", where)
		}
	}
}
