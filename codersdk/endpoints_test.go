package codersdk_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/devplane/devplane/codersdk"
)

// recorded is what the fake server saw of one request.
type recorded struct {
	method string
	path   string // escaped, as sent
	query  url.Values
	body   map[string]any
}

// fakeServer answers every request with one status and body and remembers
// the request.
type fakeServer struct {
	mu     sync.Mutex
	status int
	body   string
	header http.Header
	last   recorded
}

func (f *fakeServer) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rec := recorded{method: r.Method, path: r.URL.EscapedPath(), query: r.URL.Query()}
	if raw, _ := io.ReadAll(r.Body); len(raw) > 0 {
		_ = json.Unmarshal(raw, &rec.body)
	}
	f.last = rec
	for k, v := range f.header {
		rw.Header()[k] = v
	}
	if f.body != "" {
		rw.Header().Set("Content-Type", "application/json")
	}
	rw.WriteHeader(f.status)
	_, _ = io.WriteString(rw, f.body)
}

func newFake(t *testing.T, status int, body string) (*fakeServer, *codersdk.Client) {
	t.Helper()
	f := &fakeServer{status: status, body: body}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	c := codersdk.New(u)
	// The server's own client: each httptest server's Close closes the idle
	// connections of http.DefaultTransport, which broke a request of another
	// parallel case now and then.
	c.HTTPClient = srv.Client()
	c.SetSessionToken("secret")
	return f, c
}

// TestEndpoints pins the method, path and success status of every client
// method in this package's user, key, role and general files, as documented
// by upstream. Each call must succeed on exactly its documented status and
// fail with a *codersdk.Error on another.
func TestEndpoints(t *testing.T) {
	t.Parallel()

	org := uuid.MustParse("7c60d51f-b44e-4682-87d6-449835ea4de6")
	user := `{"id":"497f6eca-6276-4993-bfeb-53cbbbba6f08","username":"alice","email":"a@example.com","created_at":"2019-08-24T14:15:22Z","status":"active","login_type":"password","organization_ids":[],"roles":[]}`

	for _, tc := range []struct {
		name   string
		method string
		path   string
		query  url.Values // nil: no query expected
		status int
		body   string // response body
		call   func(context.Context, *codersdk.Client) error
		check  func(t *testing.T, rec recorded)
	}{
		{
			name: "CreateFirstUser", method: http.MethodPost, path: "/api/v2/users/first", status: http.StatusCreated,
			body: `{"user_id":"a169451c-8525-4352-b8ca-070dd449a1a5","organization_id":"7c60d51f-b44e-4682-87d6-449835ea4de6"}`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				resp, err := c.CreateFirstUser(ctx, codersdk.CreateFirstUserRequest{Email: "a@example.com", Username: "alice", Password: "pw"})
				if err == nil && resp.OrganizationID != org {
					return errors.New("organization id not decoded")
				}
				return err
			},
			check: func(t *testing.T, rec recorded) {
				if rec.body["username"] != "alice" || rec.body["email"] != "a@example.com" {
					t.Errorf("body = %v", rec.body)
				}
			},
		},
		{
			name: "CreateUserWithOrgs", method: http.MethodPost, path: "/api/v2/users", status: http.StatusCreated, body: user,
			call: func(ctx context.Context, c *codersdk.Client) error {
				u, err := c.CreateUserWithOrgs(ctx, codersdk.CreateUserRequestWithOrgs{Username: "alice", OrganizationIDs: []uuid.UUID{org}})
				if err == nil && u.Username != "alice" {
					return errors.New("user not decoded")
				}
				return err
			},
			check: func(t *testing.T, rec recorded) {
				if ids, _ := rec.body["organization_ids"].([]any); len(ids) != 1 || ids[0] != org.String() {
					t.Errorf("organization_ids = %v", rec.body["organization_ids"])
				}
			},
		},
		{
			name: "LoginWithPassword", method: http.MethodPost, path: "/api/v2/users/login", status: http.StatusCreated,
			body: `{"session_token":"abc-def"}`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				resp, err := c.LoginWithPassword(ctx, codersdk.LoginWithPasswordRequest{Email: "a@example.com", Password: "pw"})
				if err == nil && resp.SessionToken != "abc-def" {
					return errors.New("token not decoded")
				}
				return err
			},
		},
		{
			name: "Logout", method: http.MethodPost, path: "/api/v2/users/logout", status: http.StatusOK, body: `{"message":"Logged out!"}`,
			call: func(ctx context.Context, c *codersdk.Client) error { return c.Logout(ctx) },
		},
		{
			name: "AuthMethods", method: http.MethodGet, path: "/api/v2/users/authmethods", status: http.StatusOK,
			body: `{"password":{"enabled":true},"github":{"enabled":false,"default_provider_configured":false},"oidc":{"enabled":false,"signInText":"","iconUrl":""}}`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				m, err := c.AuthMethods(ctx)
				if err == nil && !m.Password.Enabled {
					return errors.New("password method not decoded")
				}
				return err
			},
		},
		{
			name: "ValidateUserPassword", method: http.MethodPost, path: "/api/v2/users/validate-password", status: http.StatusOK,
			body: `{"valid":false,"details":"too short"}`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				r, err := c.ValidateUserPassword(ctx, codersdk.ValidateUserPasswordRequest{Password: "x"})
				if err == nil && r.Details != "too short" {
					return errors.New("details not decoded")
				}
				return err
			},
		},
		{
			name: "User", method: http.MethodGet, path: "/api/v2/users/me", status: http.StatusOK, body: user,
			call: func(ctx context.Context, c *codersdk.Client) error { _, err := c.User(ctx, codersdk.Me); return err },
		},
		{
			name: "UserEscaped", method: http.MethodGet, path: "/api/v2/users/a%2Fb", status: http.StatusOK, body: user,
			call: func(ctx context.Context, c *codersdk.Client) error { _, err := c.User(ctx, "a/b"); return err },
		},
		{
			name: "Users", method: http.MethodGet, path: "/api/v2/users", status: http.StatusOK,
			query: url.Values{"q": {"ali status:active role:owner login_type:password login_type:oidc deleted:false"}, "limit": {"10"}, "offset": {"20"}},
			body:  `{"users":[` + user + `],"count":1}`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				resp, err := c.Users(ctx, codersdk.UsersRequest{
					Search:      "ali",
					Status:      codersdk.UserStatusActive,
					Role:        "owner",
					LoginType:   []codersdk.LoginType{codersdk.LoginTypePassword, codersdk.LoginTypeOIDC},
					SearchQuery: "deleted:false",
					Pagination:  codersdk.Pagination{Limit: 10, Offset: 20},
				})
				if err == nil && (resp.Count != 1 || len(resp.Users) != 1) {
					return errors.New("page not decoded")
				}
				return err
			},
		},
		{
			name: "UsersNoFilter", method: http.MethodGet, path: "/api/v2/users", status: http.StatusOK, query: url.Values{},
			body: `{"users":[],"count":0}`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				_, err := c.Users(ctx, codersdk.UsersRequest{})
				return err
			},
		},
		{
			name: "DeleteUser", method: http.MethodDelete, path: "/api/v2/users/alice", status: http.StatusOK, body: `{"message":"User has been deleted!"}`,
			call: func(ctx context.Context, c *codersdk.Client) error { return c.DeleteUser(ctx, "alice") },
		},
		{
			name: "UpdateUserProfile", method: http.MethodPut, path: "/api/v2/users/me/profile", status: http.StatusOK, body: user,
			call: func(ctx context.Context, c *codersdk.Client) error {
				_, err := c.UpdateUserProfile(ctx, codersdk.Me, codersdk.UpdateUserProfileRequest{Username: "alice"})
				return err
			},
		},
		{
			name: "UpdateUserPassword", method: http.MethodPut, path: "/api/v2/users/me/password", status: http.StatusNoContent,
			call: func(ctx context.Context, c *codersdk.Client) error {
				return c.UpdateUserPassword(ctx, codersdk.Me, codersdk.UpdateUserPasswordRequest{OldPassword: "a", Password: "b"})
			},
		},
		{
			name: "ActivateUser", method: http.MethodPut, path: "/api/v2/users/alice/status/activate", status: http.StatusOK, body: user,
			call: func(ctx context.Context, c *codersdk.Client) error {
				_, err := c.UpdateUserStatus(ctx, "alice", codersdk.UserStatusActive)
				return err
			},
		},
		{
			name: "SuspendUser", method: http.MethodPut, path: "/api/v2/users/alice/status/suspend", status: http.StatusOK, body: user,
			call: func(ctx context.Context, c *codersdk.Client) error {
				_, err := c.UpdateUserStatus(ctx, "alice", codersdk.UserStatusSuspended)
				return err
			},
		},
		{
			name: "GetUserRoles", method: http.MethodGet, path: "/api/v2/users/me/roles", status: http.StatusOK,
			body: `{"roles":["owner"],"organization_roles":{"7c60d51f-b44e-4682-87d6-449835ea4de6":["organization-admin"]}}`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				r, err := c.GetUserRoles(ctx, codersdk.Me)
				if err == nil && len(r.OrganizationRoles[org]) != 1 {
					return errors.New("organization roles not decoded")
				}
				return err
			},
		},
		{
			name: "UpdateUserRoles", method: http.MethodPut, path: "/api/v2/users/alice/roles", status: http.StatusOK, body: user,
			call: func(ctx context.Context, c *codersdk.Client) error {
				_, err := c.UpdateUserRoles(ctx, "alice", codersdk.UpdateRoles{Roles: []string{"owner"}})
				return err
			},
		},
		{
			name: "GetUserLoginType", method: http.MethodGet, path: "/api/v2/users/me/login-type", status: http.StatusOK, body: `{"login_type":"password"}`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				lt, err := c.GetUserLoginType(ctx, codersdk.Me)
				if err == nil && lt.LoginType != codersdk.LoginTypePassword {
					return errors.New("login type not decoded")
				}
				return err
			},
		},
		{
			name: "GetUserAppearanceSettings", method: http.MethodGet, path: "/api/v2/users/me/appearance", status: http.StatusOK,
			body: `{"theme_preference":"dark","terminal_font":"","theme_mode":"","theme_light":"","theme_dark":""}`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				_, err := c.GetUserAppearanceSettings(ctx, codersdk.Me)
				return err
			},
		},
		{
			name: "UpdateUserAppearanceSettings", method: http.MethodPut, path: "/api/v2/users/me/appearance", status: http.StatusOK,
			body: `{"theme_preference":"dark","terminal_font":"fira-code","theme_mode":"single","theme_light":"","theme_dark":""}`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				_, err := c.UpdateUserAppearanceSettings(ctx, codersdk.Me, codersdk.UpdateUserAppearanceSettingsRequest{ThemePreference: "dark", TerminalFont: codersdk.TerminalFontFiraCode})
				return err
			},
		},
		{
			name: "GitSSHKey", method: http.MethodGet, path: "/api/v2/users/me/gitsshkey", status: http.StatusOK, body: `{"public_key":"ssh-ed25519 AAAA\n"}`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				_, err := c.GitSSHKey(ctx, codersdk.Me)
				return err
			},
		},
		{
			name: "RegenerateGitSSHKey", method: http.MethodPut, path: "/api/v2/users/me/gitsshkey", status: http.StatusOK, body: `{"public_key":"ssh-ed25519 BBBB\n"}`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				_, err := c.RegenerateGitSSHKey(ctx, codersdk.Me)
				return err
			},
		},
		{
			name: "CreateAPIKey", method: http.MethodPost, path: "/api/v2/users/me/keys", status: http.StatusCreated, body: `{"key":"id-secret"}`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				_, err := c.CreateAPIKey(ctx, codersdk.Me)
				return err
			},
		},
		{
			name: "CreateToken", method: http.MethodPost, path: "/api/v2/users/me/keys/tokens", status: http.StatusCreated, body: `{"key":"id-secret"}`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				_, err := c.CreateToken(ctx, codersdk.Me, codersdk.CreateTokenRequest{TokenName: "ci", Scopes: []codersdk.APIKeyScope{codersdk.APIKeyScopeAll}})
				return err
			},
			check: func(t *testing.T, rec recorded) {
				if rec.body["token_name"] != "ci" {
					t.Errorf("body = %v", rec.body)
				}
				if _, ok := rec.body["scope"]; ok {
					t.Error("deprecated scope sent although unset")
				}
			},
		},
		{
			name: "Tokens", method: http.MethodGet, path: "/api/v2/users/me/keys/tokens", status: http.StatusOK, query: url.Values{},
			body: `[` + docsAPIKey + `]`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				keys, err := c.Tokens(ctx, codersdk.Me, codersdk.TokensFilter{})
				if err == nil && len(keys) != 1 {
					return errors.New("keys not decoded")
				}
				return err
			},
		},
		{
			name: "TokensFiltered", method: http.MethodGet, path: "/api/v2/users/me/keys/tokens", status: http.StatusOK,
			query: url.Values{"include_all": {"true"}, "include_expired": {"true"}}, body: `[]`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				_, err := c.Tokens(ctx, codersdk.Me, codersdk.TokensFilter{IncludeAll: true, IncludeExpired: true})
				return err
			},
		},
		{
			name: "APIKeyByName", method: http.MethodGet, path: "/api/v2/users/me/keys/tokens/my%20token", status: http.StatusOK, body: docsAPIKey,
			call: func(ctx context.Context, c *codersdk.Client) error {
				_, err := c.APIKeyByName(ctx, codersdk.Me, "my token")
				return err
			},
		},
		{
			name: "APIKeyByID", method: http.MethodGet, path: "/api/v2/users/me/keys/abcdef", status: http.StatusOK, body: docsAPIKey,
			call: func(ctx context.Context, c *codersdk.Client) error {
				_, err := c.APIKeyByID(ctx, codersdk.Me, "abcdef")
				return err
			},
		},
		{
			name: "DeleteAPIKey", method: http.MethodDelete, path: "/api/v2/users/me/keys/abcdef", status: http.StatusNoContent,
			call: func(ctx context.Context, c *codersdk.Client) error { return c.DeleteAPIKey(ctx, codersdk.Me, "abcdef") },
		},
		{
			name: "ExpireAPIKey", method: http.MethodPut, path: "/api/v2/users/me/keys/abcdef/expire", status: http.StatusNoContent,
			call: func(ctx context.Context, c *codersdk.Client) error { return c.ExpireAPIKey(ctx, codersdk.Me, "abcdef") },
		},
		{
			name: "GetTokenConfig", method: http.MethodGet, path: "/api/v2/users/me/keys/tokens/tokenconfig", status: http.StatusOK,
			body: `{"max_token_lifetime":2592000000000000}`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				cfg, err := c.GetTokenConfig(ctx, codersdk.Me)
				if err == nil && cfg.MaxTokenLifetime.Hours() != 720 {
					return errors.New("lifetime not decoded as a duration")
				}
				return err
			},
		},
		{
			name: "ListSiteRoles", method: http.MethodGet, path: "/api/v2/users/roles", status: http.StatusOK,
			body: `[{"name":"owner","display_name":"Owner","site_permissions":[],"user_permissions":[],"organization_permissions":[],"organization_member_permissions":[],"assignable":true,"built_in":true}]`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				roles, err := c.ListSiteRoles(ctx)
				if err == nil && (len(roles) != 1 || !roles[0].BuiltIn) {
					return errors.New("roles not decoded")
				}
				return err
			},
		},
		{
			name: "ListOrganizationRoles", method: http.MethodGet, path: "/api/v2/organizations/" + org.String() + "/members/roles", status: http.StatusOK, body: `[]`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				_, err := c.ListOrganizationRoles(ctx, org)
				return err
			},
		},
		{
			name: "SSHConfiguration", method: http.MethodGet, path: "/api/v2/deployment/ssh", status: http.StatusOK,
			body: `{"hostname_prefix":"coder.","hostname_suffix":"coder","ssh_config_options":{}}`,
			call: func(ctx context.Context, c *codersdk.Client) error { _, err := c.SSHConfiguration(ctx); return err },
		},
		{
			name: "DeploymentStats", method: http.MethodGet, path: "/api/v2/deployment/stats", status: http.StatusOK,
			body: `{"workspaces":{"running":3},"session_count":{"ssh":1}}`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				s, err := c.DeploymentStats(ctx)
				if err == nil && s.Workspaces.Running != 3 {
					return errors.New("stats not decoded")
				}
				return err
			},
		},
		{
			name: "Experiments", method: http.MethodGet, path: "/api/v2/experiments", status: http.StatusOK, body: `["example"]`,
			call: func(ctx context.Context, c *codersdk.Client) error {
				e, err := c.Experiments(ctx)
				if err == nil && !e.Enabled(codersdk.ExperimentExample) {
					return errors.New("experiments not decoded")
				}
				return err
			},
		},
		{
			name: "SafeExperiments", method: http.MethodGet, path: "/api/v2/experiments/available", status: http.StatusOK, body: `{"safe":[]}`,
			call: func(ctx context.Context, c *codersdk.Client) error { _, err := c.SafeExperiments(ctx); return err },
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()

			f, c := newFake(t, tc.status, tc.body)
			if err := tc.call(ctx, c); err != nil {
				t.Fatalf("call: %v", err)
			}
			rec := f.last
			if rec.method != tc.method || rec.path != tc.path {
				t.Errorf("request = %s %s, want %s %s", rec.method, rec.path, tc.method, tc.path)
			}
			if tc.query != nil && rec.query.Encode() != tc.query.Encode() {
				t.Errorf("query = %q, want %q", rec.query.Encode(), tc.query.Encode())
			}
			if tc.check != nil {
				tc.check(t, rec)
			}

			// Any other status is an error carrying the server's message.
			other := http.StatusOK
			if tc.status == http.StatusOK {
				other = http.StatusCreated
			}
			for _, status := range []int{other, http.StatusBadRequest} {
				_, c := newFake(t, status, `{"message":"nope","detail":"because"}`)
				err := tc.call(ctx, c)
				var apiErr *codersdk.Error
				if !errors.As(err, &apiErr) {
					t.Fatalf("status %d: err = %v, want *codersdk.Error", status, err)
				}
				if apiErr.StatusCode() != status || apiErr.Message != "nope" {
					t.Errorf("status %d: got %d %q", status, apiErr.StatusCode(), apiErr.Message)
				}
			}
		})
	}
}

func TestHasFirstUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("Yes", func(t *testing.T) {
		t.Parallel()
		_, c := newFake(t, http.StatusOK, `{"message":"The initial user has already been created!"}`)
		has, err := c.HasFirstUser(ctx)
		if err != nil || !has {
			t.Fatalf("HasFirstUser = %t, %v; want true", has, err)
		}
	})
	t.Run("No", func(t *testing.T) {
		t.Parallel()
		f, c := newFake(t, http.StatusNotFound, `{"message":"The initial user has not been created!"}`)
		f.header = http.Header{codersdk.BuildVersionHeader: {"v2.0.0"}}
		has, err := c.HasFirstUser(ctx)
		if err != nil || has {
			t.Fatalf("HasFirstUser = %t, %v; want false", has, err)
		}
		if f.last.method != http.MethodGet || f.last.path != "/api/v2/users/first" {
			t.Errorf("request = %s %s", f.last.method, f.last.path)
		}
	})
	t.Run("NotCoder", func(t *testing.T) {
		t.Parallel()
		_, c := newFake(t, http.StatusNotFound, "")
		if _, err := c.HasFirstUser(ctx); err == nil {
			t.Fatal("a 404 without the build version header was taken for an answer")
		}
	})
	t.Run("ServerError", func(t *testing.T) {
		t.Parallel()
		_, c := newFake(t, http.StatusInternalServerError, `{"message":"boom"}`)
		_, err := c.HasFirstUser(ctx)
		var apiErr *codersdk.Error
		if !errors.As(err, &apiErr) || apiErr.StatusCode() != http.StatusInternalServerError {
			t.Fatalf("err = %v, want a 500 *codersdk.Error", err)
		}
	})
}

func TestUpdateUserStatusRejectsDormant(t *testing.T) {
	t.Parallel()
	f, c := newFake(t, http.StatusOK, `{}`)
	if _, err := c.UpdateUserStatus(context.Background(), "alice", codersdk.UserStatusDormant); err == nil {
		t.Fatal("setting dormant was accepted")
	}
	if f.last.method != "" {
		t.Errorf("a request was sent: %s %s", f.last.method, f.last.path)
	}
}
