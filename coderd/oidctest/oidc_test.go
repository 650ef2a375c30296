package oidctest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
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

type env struct {
	op      *testOP
	owner   *codersdk.Client
	first   codersdk.CreateFirstUserResponse
	logs    *logcapture.Buffer // the server's log, for the test that no secret is in it
	baseURL *url.URL
}

func setup(t *testing.T, mutate func(*codersdk.DeploymentValues)) *env {
	t.Helper()
	o := newTestOP(t)
	vals, _ := coderdtest.DeploymentValues(t)
	require.NoError(t, vals.OIDC.IssuerURL.Set(o.URL))
	require.NoError(t, vals.OIDC.ClientID.Set(o.ClientID))
	require.NoError(t, vals.OIDC.ClientSecret.Set(o.ClientSecret))
	require.NoError(t, vals.OIDC.SignInText.Set("Corporate SSO"))
	if mutate != nil {
		mutate(vals)
	}
	logger, logs := logcapture.Logger()
	client := coderdtest.New(t, &coderdtest.Options{DeploymentValues: vals, Logger: &logger})
	o.setRedirectURI(client.URL.String() + "/api/v2/users/oidc/callback")
	first := coderdtest.CreateFirstUser(t, client)
	return &env{op: o, owner: client, first: first, logs: logs, baseURL: client.URL}
}

// browserResult is where a browser sign-in ended: the server's last answer.
type browserResult struct {
	status   int
	location string
	body     string
	token    string
}

// signIn walks the browser's path: the server's callback, the provider's
// authorize and login pages, back to the callback, and stops at the
// server's final answer (a redirect into the dashboard, or an error page).
func (e *env) signIn(t *testing.T, path string) browserResult {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return e.signInWith(t, jar, path)
}

func (e *env) signInWith(t *testing.T, jar http.CookieJar, path string) browserResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	browser := &http.Client{
		Jar: jar,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > 10 {
				return http.ErrUseLastResponse
			}
			if req.URL.Host == e.baseURL.Host && !strings.HasPrefix(req.URL.Path, "/api/v2/users/") {
				return http.ErrUseLastResponse // the dashboard: signed in
			}
			return nil
		},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.baseURL.String()+path, nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/html,application/xhtml+xml") // as a browser asks
	res, err := browser.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	out := browserResult{status: res.StatusCode, location: res.Header.Get("Location"), body: string(body)}
	for _, c := range jar.Cookies(e.baseURL) {
		if c.Name == codersdk.SessionTokenCookie {
			out.token = c.Value
		}
	}
	return out
}

func (e *env) clientFor(token string) *codersdk.Client {
	c := codersdk.New(e.baseURL)
	c.SetSessionToken(token)
	return c
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

func TestAuthMethods(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	m, err := e.owner.AuthMethods(ctxT(t))
	require.NoError(t, err)
	assert.True(t, m.Password.Enabled)
	assert.True(t, m.OIDC.Enabled)
	assert.Equal(t, "Corporate SSO", m.OIDC.SignInText)
	assert.False(t, m.Github.Enabled)
}

func TestFirstSignInCreatesUserSecondReusesIt(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	e.op.setUser(opUser{Subject: "sub-alice", Email: "alice@example.com", EmailVerified: true, Username: "Alice.Smith", Name: "Alice Smith"})

	first := e.signIn(t, "/api/v2/users/oidc/callback?redirect=/workspaces")
	require.Equal(t, http.StatusTemporaryRedirect, first.status, first.body)
	assert.Equal(t, "/workspaces", first.location)
	require.NotEmpty(t, first.token)
	me, err := e.clientFor(first.token).User(ctxT(t), codersdk.Me)
	require.NoError(t, err)
	assert.Equal(t, "alice@example.com", me.Email)
	assert.Equal(t, "alice-smith", me.Username, "made valid from the preferred_username claim")
	assert.Equal(t, codersdk.LoginTypeOIDC, me.LoginType)
	assert.Equal(t, "Alice Smith", me.Name)
	assert.Contains(t, me.OrganizationIDs, e.first.OrganizationID)

	// The same person again, even after changing their email at the IdP:
	// the link by subject finds the account.
	e.op.setUser(opUser{Subject: "sub-alice", Email: "alice@example.com", EmailVerified: true, Username: "alice"})
	second := e.signIn(t, "/api/v2/users/oidc/callback")
	require.Equal(t, http.StatusTemporaryRedirect, second.status, second.body)
	assert.Equal(t, "/", second.location)
	me2, err := e.clientFor(second.token).User(ctxT(t), codersdk.Me)
	require.NoError(t, err)
	assert.Equal(t, me.ID, me2.ID)

	users, err := e.owner.Users(ctxT(t), codersdk.UsersRequest{})
	require.NoError(t, err)
	assert.Equal(t, 2, users.Count, "the owner and alice, no duplicate")

	// Password login is refused with a clear message.
	_, err = codersdk.New(e.baseURL).LoginWithPassword(ctxT(t), codersdk.LoginWithPasswordRequest{Email: "alice@example.com", Password: "whatever-password-1"})
	var sdkErr *codersdk.Error
	require.ErrorAs(t, err, &sdkErr)
	assert.Equal(t, http.StatusForbidden, sdkErr.StatusCode())
	assert.Contains(t, sdkErr.Message, "OpenID Connect")

	// Both sign-ins are in the audit log as logins of alice.
	logs, err := e.owner.AuditLogs(ctxT(t), codersdk.AuditLogsRequest{SearchQuery: "action:login", Pagination: codersdk.Pagination{Limit: 50}})
	require.NoError(t, err)
	n := 0
	for _, l := range logs.AuditLogs {
		if l.ResourceID == me.ID && l.StatusCode == http.StatusTemporaryRedirect {
			n++
		}
	}
	assert.Equal(t, 2, n, "two successful OIDC logins audited")
}

func TestUnsafeRedirectIsDropped(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	e.op.setUser(opUser{Subject: "s", Email: "r@example.com", EmailVerified: true, Username: "r"})
	for _, target := range []string{"https://evil.example/", "//evil.example/x", `/\evil.example`} {
		res := e.signIn(t, "/api/v2/users/oidc/callback?redirect="+url.QueryEscape(target))
		require.Equal(t, http.StatusTemporaryRedirect, res.status, res.body)
		assert.Equal(t, "/", res.location, target)
	}
}

func TestExistingUserLinksByVerifiedEmail(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	// An administrator created bob for OIDC before his first sign-in.
	bob, err := e.owner.CreateUserWithOrgs(ctxT(t), codersdk.CreateUserRequestWithOrgs{
		Email: "bob@example.com", Username: "bob", UserLoginType: codersdk.LoginTypeOIDC,
		OrganizationIDs: []uuid.UUID{e.first.OrganizationID},
	})
	require.NoError(t, err)
	e.op.setUser(opUser{Subject: "sub-bob", Email: "Bob@Example.com", EmailVerified: true, Username: "robert"})
	res := e.signIn(t, "/api/v2/users/oidc/callback")
	require.Equal(t, http.StatusTemporaryRedirect, res.status, res.body)
	me, err := e.clientFor(res.token).User(ctxT(t), codersdk.Me)
	require.NoError(t, err)
	assert.Equal(t, bob.ID, me.ID, "linked by email, not a new user")
	assert.Equal(t, "bob", me.Username)

	// A password user with the IdP's email is not taken over.
	_, carol := coderdtest.CreateAnotherUser(t, e.owner, e.first.OrganizationID)
	e.op.setUser(opUser{Subject: "sub-carol", Email: carol.Email, EmailVerified: true, Username: "carol"})
	res = e.signIn(t, "/api/v2/users/oidc/callback")
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.Contains(t, res.body, "signs in with a password")
	assert.Empty(t, res.token)
}

func TestRefusals(t *testing.T) {
	t.Parallel()
	e := setup(t, func(v *codersdk.DeploymentValues) {
		require.NoError(t, v.OIDC.EmailDomain.Set("example.com"))
	})
	good := opUser{Subject: "sub-dave", Email: "dave@example.com", EmailVerified: true, Username: "dave"}
	cases := []struct {
		name    string
		user    opUser
		tamper  tamper
		status  int
		message string
	}{
		{"wrong audience", good, tamper{clientID: "someone-else"}, http.StatusUnauthorized, "issued for another client"},
		{"expired token", good, tamper{lifetime: -time.Hour}, http.StatusUnauthorized, "ID token has expired"},
		{"bad nonce", good, tamper{nonce: "not-the-nonce"}, http.StatusBadRequest, "nonce does not match"},
		{"unverified email", opUser{Subject: "sub-eve", Email: "eve@example.com", Username: "eve"}, tamper{}, http.StatusForbidden, "is not verified"},
		{"email domain", opUser{Subject: "sub-mal", Email: "mal@elsewhere.test", EmailVerified: true, Username: "mal"}, tamper{}, http.StatusForbidden, "not in a domain allowed"},
	}
	for _, tc := range cases {
		e.op.setUser(tc.user)
		e.op.tamperNext(tc.tamper)
		res := e.signIn(t, "/api/v2/users/oidc/callback")
		assert.Equal(t, tc.status, res.status, tc.name+": "+res.body)
		assert.Contains(t, res.body, tc.message, tc.name)
		assert.Empty(t, res.token, tc.name)
	}
	// Nobody was created by the refused sign-ins.
	users, err := e.owner.Users(ctxT(t), codersdk.UsersRequest{})
	require.NoError(t, err)
	assert.Equal(t, 1, users.Count)

	// Each refusal is an audited failed login with its reason.
	logs, err := e.owner.AuditLogs(ctxT(t), codersdk.AuditLogsRequest{SearchQuery: "action:login", Pagination: codersdk.Pagination{Limit: 50}})
	require.NoError(t, err)
	reasons := []string{}
	for _, l := range logs.AuditLogs {
		var fields map[string]any
		_ = json.Unmarshal(l.AdditionalFields, &fields)
		if r, ok := fields["reason"].(string); ok && l.StatusCode >= 400 {
			reasons = append(reasons, r)
		}
	}
	assert.Len(t, reasons, len(cases))

	// A forged or replayed callback (no state cookie) is refused too.
	res := e.signIn(t, "/api/v2/users/oidc/callback?code=forged&state=forged")
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.Contains(t, res.body, "state is missing")
}

func TestSignupsDisabled(t *testing.T) {
	t.Parallel()
	e := setup(t, func(v *codersdk.DeploymentValues) {
		require.NoError(t, v.OIDC.AllowSignups.Set("false"))
	})
	e.op.setUser(opUser{Subject: "sub-x", Email: "x@example.com", EmailVerified: true, Username: "x"})
	res := e.signIn(t, "/api/v2/users/oidc/callback")
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.Contains(t, res.body, "signups through it are disabled")
}

func TestGroupsAndRolesFollowClaims(t *testing.T) {
	t.Parallel()
	e := setup(t, func(v *codersdk.DeploymentValues) {
		require.NoError(t, v.OIDC.GroupField.Set("groups"))
		require.NoError(t, v.OIDC.GroupAutoCreate.Set("true"))
		require.NoError(t, v.OIDC.GroupRegexFilter.Set("^team-"))
		require.NoError(t, v.OIDC.UserRoleField.Set("roles"))
		require.NoError(t, v.OIDC.UserRoleMapping.Set(`{"admins": ["template-admin"]}`))
	})
	ctx := ctxT(t)
	// Organization roles through the settings API.
	_, err := e.owner.PatchRoleIDPSyncSettings(ctx, e.first.OrganizationID.String(), codersdk.RoleSyncSettings{
		Field: "roles", Mapping: map[string][]string{"auditors": {"organization-auditor"}},
	})
	require.NoError(t, err)

	e.op.setUser(opUser{
		Subject: "sub-gina", Email: "gina@example.com", EmailVerified: true, Username: "gina",
		Groups: []string{"team-a", "team-b", "other"}, Roles: []string{"admins", "auditors"},
	})
	res := e.signIn(t, "/api/v2/users/oidc/callback")
	require.Equal(t, http.StatusTemporaryRedirect, res.status, res.body)
	gina, err := e.clientFor(res.token).User(ctx, codersdk.Me)
	require.NoError(t, err)
	assert.Equal(t, []string{"team-a", "team-b"}, groupNames(t, e.owner, gina.ID), "created, filtered by the regex")
	assert.Equal(t, []string{"template-admin"}, roleNames(gina.Roles))
	assert.Equal(t, []string{"organization-auditor"}, e.memberRoles(t, gina.ID))

	// The IdP changes: the next sign-in follows.
	e.op.setUser(opUser{
		Subject: "sub-gina", Email: "gina@example.com", EmailVerified: true, Username: "gina",
		Groups: []string{"team-b", "team-c"}, Roles: []string{},
	})
	res = e.signIn(t, "/api/v2/users/oidc/callback")
	require.Equal(t, http.StatusTemporaryRedirect, res.status, res.body)
	assert.Equal(t, []string{"team-b", "team-c"}, groupNames(t, e.owner, gina.ID))
	gina, err = e.owner.User(ctx, gina.ID.String())
	require.NoError(t, err)
	assert.Empty(t, roleNames(gina.Roles))
	assert.Empty(t, e.memberRoles(t, gina.ID))

	// A mapping through the API: the IdP's "team-ops" puts her in team-a
	// (mappings apply to what the regex filter keeps).
	groups, err := e.owner.GroupsByOrganization(ctx, e.first.OrganizationID)
	require.NoError(t, err)
	var teamA uuid.UUID
	for _, g := range groups {
		if g.Name == "team-a" {
			teamA = g.ID
		}
	}
	require.NotEqual(t, uuid.Nil, teamA)
	settings, err := e.owner.PatchGroupIDPSyncMapping(ctx, e.first.OrganizationID.String(), codersdk.PatchGroupIDPSyncMappingRequest{
		Add: []codersdk.IDPSyncMapping[uuid.UUID]{{Given: "team-ops", Gets: teamA}},
	})
	require.NoError(t, err)
	assert.Equal(t, "groups", settings.Field, "the flags' settings were the starting point")
	e.op.setUser(opUser{Subject: "sub-gina", Email: "gina@example.com", EmailVerified: true, Username: "gina", Groups: []string{"team-ops"}})
	res = e.signIn(t, "/api/v2/users/oidc/callback")
	require.Equal(t, http.StatusTemporaryRedirect, res.status, res.body)
	assert.Equal(t, []string{"team-a"}, groupNames(t, e.owner, gina.ID))
}

func TestIDPSyncSettingsAuthorization(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	ctx := ctxT(t)
	member, _ := coderdtest.CreateAnotherUser(t, e.owner, e.first.OrganizationID)
	_, err := member.GroupIDPSyncSettings(ctx, e.first.OrganizationID.String())
	var sdkErr *codersdk.Error
	require.ErrorAs(t, err, &sdkErr)
	assert.Equal(t, http.StatusForbidden, sdkErr.StatusCode())
	_, err = member.PatchOrganizationIDPSyncSettings(ctx, codersdk.OrganizationSyncSettings{Field: "x"})
	require.ErrorAs(t, err, &sdkErr)
	assert.Equal(t, http.StatusForbidden, sdkErr.StatusCode())

	// A mapping to a group of no organization is refused, naming the field.
	_, err = e.owner.PatchGroupIDPSyncSettings(ctx, e.first.OrganizationID.String(), codersdk.GroupSyncSettings{
		Field: "groups", Mapping: map[string][]uuid.UUID{"x": {uuid.New()}},
	})
	require.ErrorAs(t, err, &sdkErr)
	assert.Equal(t, http.StatusBadRequest, sdkErr.StatusCode())
	require.NotEmpty(t, sdkErr.Validations)
	assert.Equal(t, "mapping", sdkErr.Validations[0].Field)

	// Changes are audited.
	_, err = e.owner.PatchOrganizationIDPSyncConfig(ctx, codersdk.PatchOrganizationIDPSyncConfigRequest{Field: "orgs", AssignDefault: true})
	require.NoError(t, err)
	logs, err := e.owner.AuditLogs(ctx, codersdk.AuditLogsRequest{SearchQuery: "resource_type:idp_sync_settings_organization", Pagination: codersdk.Pagination{Limit: 10}})
	require.NoError(t, err)
	require.NotEmpty(t, logs.AuditLogs)
	assert.Contains(t, string(mustJSON(t, logs.AuditLogs[0].Diff)), "orgs")
}

func TestConvertPasswordUserToOIDC(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	ctx := ctxT(t)
	hank, hankUser := coderdtest.CreateAnotherUser(t, e.owner, e.first.OrganizationID)

	_, err := hank.ConvertLoginType(ctx, codersdk.Me, codersdk.ConvertLoginRequest{ToType: codersdk.LoginTypeOIDC, Password: "wrong-password-123"})
	var sdkErr *codersdk.Error
	require.ErrorAs(t, err, &sdkErr)
	assert.Equal(t, http.StatusForbidden, sdkErr.StatusCode())

	conv, err := hank.ConvertLoginType(ctx, codersdk.Me, codersdk.ConvertLoginRequest{ToType: codersdk.LoginTypeOIDC, Password: coderdtest.FirstUserPassword})
	require.NoError(t, err)
	assert.Equal(t, hankUser.ID, conv.UserID)
	require.NotEmpty(t, conv.StateString)

	e.op.setUser(opUser{Subject: "sub-hank", Email: hankUser.Email, EmailVerified: true, Username: "hank"})
	res := e.signIn(t, "/api/v2/users/oidc/callback?oidc_merge_state="+url.QueryEscape(conv.StateString))
	require.Equal(t, http.StatusTemporaryRedirect, res.status, res.body)
	me, err := e.clientFor(res.token).User(ctx, codersdk.Me)
	require.NoError(t, err)
	assert.Equal(t, hankUser.ID, me.ID)
	assert.Equal(t, codersdk.LoginTypeOIDC, me.LoginType)

	// The state was single use.
	res = e.signIn(t, "/api/v2/users/oidc/callback?oidc_merge_state="+url.QueryEscape(conv.StateString))
	assert.Equal(t, http.StatusBadRequest, res.status)
}

func TestNoSecretLeaks(t *testing.T) {
	t.Parallel()
	e := setup(t, nil)
	ctx := ctxT(t)
	e.op.setUser(opUser{Subject: "sub-ivy", Email: "ivy@example.com", EmailVerified: true, Username: "ivy"})
	res := e.signIn(t, "/api/v2/users/oidc/callback")
	require.Equal(t, http.StatusTemporaryRedirect, res.status, res.body)
	e.op.tamperNext(tamper{nonce: "x"})
	bad := e.signIn(t, "/api/v2/users/oidc/callback")
	require.Equal(t, http.StatusBadRequest, bad.status)

	logs, err := e.owner.AuditLogs(ctx, codersdk.AuditLogsRequest{Pagination: codersdk.Pagination{Limit: 100}})
	require.NoError(t, err)
	cfg, err := e.owner.DeploymentConfig(ctx)
	require.NoError(t, err)
	haystacks := map[string]string{
		"server log":        e.logs.String(),
		"audit log":         string(mustJSON(t, logs)),
		"deployment config": string(mustJSON(t, cfg)),
		"callback pages":    res.body + bad.body + res.location,
	}
	secrets := e.op.secretsSeen()
	require.Equal(t, 2, e.op.codesSeen(), "both sign-ins' codes were recorded")
	require.GreaterOrEqual(t, len(secrets), 1+2*3, "the client secret, and each sign-in's code, access token and ID token")
	for where, text := range haystacks {
		for _, s := range secrets {
			assert.NotContains(t, text, s, "a secret in the %s", where)
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func groupNames(t *testing.T, owner *codersdk.Client, user uuid.UUID) []string {
	groups, err := owner.Groups(ctxT(t), codersdk.GroupArguments{HasMember: user.String()})
	require.NoError(t, err)
	names := []string{}
	for _, g := range groups {
		if !g.IsEveryone() {
			names = append(names, g.Name)
		}
	}
	slices.Sort(names)
	return names
}

func roleNames(roles []codersdk.SlimRole) []string {
	out := []string{}
	for _, r := range roles {
		out = append(out, r.Name)
	}
	slices.Sort(out)
	return out
}

func (e *env) memberRoles(t *testing.T, user uuid.UUID) []string {
	members, err := e.owner.OrganizationMembers(ctxT(t), e.first.OrganizationID)
	require.NoError(t, err)
	for _, m := range members {
		if m.UserID == user {
			return roleNames(m.Roles)
		}
	}
	t.Fatalf("user %s is no member", user)
	return nil
}
