package coderd_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// auditLogs returns every entry matching q, as the owner behind client.
func auditLogs(t *testing.T, client *codersdk.Client, q string) codersdk.AuditLogResponse {
	t.Helper()
	res, err := client.AuditLogs(t.Context(), codersdk.AuditLogsRequest{SearchQuery: q, Pagination: codersdk.Pagination{Limit: 1000}})
	require.NoError(t, err)
	return res
}

// onlyAuditLog returns the one entry matching q.
func onlyAuditLog(t *testing.T, client *codersdk.Client, q string) codersdk.AuditLog {
	t.Helper()
	res := auditLogs(t, client, q)
	require.Len(t, res.AuditLogs, 1, "entries for %q: %+v", q, res.AuditLogs)
	return res.AuditLogs[0]
}

// requestID sends a request and returns its status and request id.
func requestID(t *testing.T, client *codersdk.Client, method, path string, body any) (int, string) {
	t.Helper()
	res, err := client.Request(t.Context(), method, path, body)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res.StatusCode, res.Header.Get(codersdk.RequestIDHeader)
}

// TestEveryMutatingRouteIsAudited walks the router and calls every route
// that is not a GET as the owner, with an empty JSON body: whatever the
// outcome, each call must leave an entry with the status it answered, unless
// the route is on audit's short list of routes that change nothing. A new
// route cannot skip the log unnoticed.
func TestEveryMutatingRouteIsAudited(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	client, api := coderdtest.NewWithAPI(t, nil)
	first := coderdtest.CreateFirstUser(t, client)
	// Path parameters name things that exist where a route might otherwise
	// lock the owner out: a victim user and a throwaway organization.
	_, victim := coderdtest.CreateAnotherUser(t, client, first.OrganizationID)
	org, err := client.CreateOrganization(ctx, codersdk.CreateOrganizationRequest{Name: "walk"})
	require.NoError(t, err)

	zero := uuid.Nil.String()
	fill := strings.NewReplacer("{user}", victim.ID.String(), "{organization}", org.ID.String(),
		"{keyid}", "abcdefghij", "{keyname}", "none", "{organizationname}", "walk", "{roleName}", "none",
		"{group}", zero, "{groupName}", "none", "{fileID}", zero, "{templateversion}", zero,
		"{job}", zero, "{jobID}", zero, "{template}", zero, "{templatename}", "none", "{templateversionname}", "none",
		"{workspace}", zero, "{workspacebuild}", zero, "{workspacename}", "none", "{buildnumber}", "1")

	type route struct{ method, pattern string }
	var routes []route
	routed := map[string]bool{}
	require.NoError(t, chi.Walk(api.Routes(), func(method, pattern string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		path, ok := strings.CutPrefix(pattern, "/api/v2")
		if !ok {
			return nil
		}
		if len(path) > 1 {
			path = strings.TrimSuffix(path, "/")
		}
		routed[method+" "+path] = true
		switch method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return nil
		}
		routes = append(routes, route{method, path})
		return nil
	}))
	// Logging out ends the owner's session: do it last, with a session of
	// its own.
	sort.SliceStable(routes, func(i, j int) bool {
		return routes[j].pattern == "/users/logout" && routes[i].pattern != "/users/logout"
	})
	require.NotEmpty(t, routes)

	var unlisted []string
	for _, r := range routes {
		if audit.Unaudited(r.method+" "+r.pattern) != "" {
			unlisted = append(unlisted, r.method+" "+r.pattern)
		}
	}

	caller := client
	for _, r := range routes {
		t.Run(r.method+" "+r.pattern, func(t *testing.T) {
			target := "/api/v2" + fill.Replace(r.pattern)
			require.NotContains(t, target, "{", "add a value for the path parameter of %s", r.pattern)
			if r.pattern == "/users/logout" {
				caller = coderdtest.Anonymous(client)
				login, err := caller.LoginWithPassword(ctx, codersdk.LoginWithPasswordRequest{
					Email: "owner@example.com", Password: coderdtest.FirstUserPassword,
				})
				require.NoError(t, err)
				caller.SetSessionToken(login.SessionToken)
			}
			status, id := requestID(t, caller, r.method, target, map[string]any{})
			require.NotEmpty(t, id, "every response carries its request id")
			logs := auditLogs(t, client, "request_id:"+id).AuditLogs
			if reason := audit.Unaudited(r.method + " " + r.pattern); reason != "" {
				assert.Empty(t, logs, "%s is listed as unaudited (%s) but was logged", r.pattern, reason)
				return
			}
			require.NotEmpty(t, logs, "%s %s (answered %d) left no audit entry", r.method, target, status)
			for _, l := range logs {
				assert.EqualValues(t, status, l.StatusCode)
				assert.NotEmpty(t, l.ResourceType)
				assert.Contains(t, codersdk.ResourceTypes, l.ResourceType, "a resource type for %s", r.pattern)
				assert.Contains(t, codersdk.AuditActions, l.Action)
				assert.Equal(t, id, l.RequestID.String())
				assert.Equal(t, "127.0.0.1", l.IP.String())
			}
		})
	}
	// The unaudited list names only routes that exist.
	for _, route := range audit.UnauditedRoutes() {
		assert.True(t, routed[route], "audit's unaudited list names %q, which is not a route", route)
	}
	assert.NotEmpty(t, unlisted)
}

func TestAuditDiffs(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	client := coderdtest.New(t, nil)
	first := coderdtest.CreateFirstUser(t, client)
	_, other := coderdtest.CreateAnotherUser(t, client, first.OrganizationID)

	t.Run("UserProfile", func(t *testing.T) {
		_, err := client.UpdateUserProfile(ctx, other.ID.String(), codersdk.UpdateUserProfileRequest{Username: other.Username, Name: "Renamed Person"})
		require.NoError(t, err)
		l := onlyAuditLog(t, client, fmt.Sprintf("resource_id:%s action:write resource_type:user", other.ID))
		assert.Equal(t, other.Username, l.ResourceTarget)
		require.Contains(t, l.Diff, "name")
		assert.Equal(t, codersdk.AuditDiffField{Old: "", New: "Renamed Person"}, l.Diff["name"])
		assert.NotContains(t, l.Diff, "updated_at", "bookkeeping is not news")
		require.NotNil(t, l.User)
		assert.Equal(t, first.UserID, l.User.ID)
		assert.Equal(t, "{user} updated user {target}", l.Description)
	})

	t.Run("APIKeyHasNoSecret", func(t *testing.T) {
		token, err := client.CreateToken(ctx, codersdk.Me, codersdk.CreateTokenRequest{TokenName: "audited"})
		require.NoError(t, err)
		l := onlyAuditLog(t, client, "resource_type:api_key action:create resource_target:audited")
		assert.Equal(t, first.UserID, l.ResourceID, "a key is filed under its owner")
		assert.Equal(t, codersdk.AuditDiffField{Secret: true}, l.Diff["hashed_secret"])
		assert.Equal(t, "audited", l.Diff["token_name"].New)
		// Neither the token nor its secret half appears anywhere.
		raw, err := json.Marshal(auditLogs(t, client, ""))
		require.NoError(t, err)
		_, secret, ok := strings.Cut(token.Key, "-")
		require.True(t, ok)
		assert.NotContains(t, string(raw), secret)
	})

	t.Run("PasswordRedacted", func(t *testing.T) {
		err := client.UpdateUserPassword(ctx, other.ID.String(), codersdk.UpdateUserPasswordRequest{Password: "another-Strong-passw0rd!"})
		require.NoError(t, err)
		// The newest change to the user, by the owner.
		logs := auditLogs(t, client, fmt.Sprintf("resource_id:%s resource_type:user action:write email:owner@example.com", other.ID))
		require.NotEmpty(t, logs.AuditLogs)
		l := logs.AuditLogs[0]
		assert.Equal(t, codersdk.AuditDiffField{Secret: true}, l.Diff["hashed_password"])
		raw, err := json.Marshal(l)
		require.NoError(t, err)
		assert.NotContains(t, string(raw), "another-Strong-passw0rd!")
		assert.NotContains(t, string(raw), "$argon2", "no password hash either")
	})

	t.Run("Group", func(t *testing.T) {
		g, err := client.CreateGroup(ctx, first.OrganizationID, codersdk.CreateGroupRequest{Name: "auditors-club", QuotaAllowance: 3})
		require.NoError(t, err)
		l := onlyAuditLog(t, client, "resource_type:group action:create")
		assert.Equal(t, g.ID, l.ResourceID)
		assert.Equal(t, "auditors-club", l.ResourceTarget)
		assert.Equal(t, first.OrganizationID, l.OrganizationID)
		require.NotNil(t, l.Organization)
		assert.Equal(t, first.OrganizationID, l.Organization.ID)
		assert.Equal(t, "auditors-club", l.Diff["name"].New)
		assert.EqualValues(t, 3, l.Diff["quota_allowance"].New)
	})
}

func TestAuditLogin(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	client := coderdtest.New(t, nil)
	first := coderdtest.CreateFirstUser(t, client)

	anon := coderdtest.Anonymous(client)
	_, err := anon.LoginWithPassword(ctx, codersdk.LoginWithPasswordRequest{Email: "owner@example.com", Password: "wrong-password"})
	require.Error(t, err)
	_, err = anon.LoginWithPassword(ctx, codersdk.LoginWithPasswordRequest{Email: "nobody@example.com", Password: "wrong-password"})
	require.Error(t, err)

	logins := auditLogs(t, client, "action:login").AuditLogs
	require.Len(t, logins, 3, "the fixture's login and two failures")
	// Newest first.
	unknown, wrong, ok := logins[0], logins[1], logins[2]
	for _, l := range []codersdk.AuditLog{unknown, wrong} {
		assert.EqualValues(t, http.StatusUnauthorized, l.StatusCode)
		assert.Nil(t, l.User, "a failed login has no actor")
		assert.Equal(t, codersdk.ResourceTypeAPIKey, l.ResourceType)
		assert.Equal(t, "{user} unsuccessfully attempted to login", l.Description)
	}
	assert.JSONEq(t, `{"email":"nobody@example.com"}`, string(unknown.AdditionalFields))
	assert.Equal(t, uuid.Nil, unknown.ResourceID)
	assert.JSONEq(t, `{"email":"owner@example.com"}`, string(wrong.AdditionalFields))
	assert.Equal(t, first.UserID, wrong.ResourceID, "the account tried is named, not as actor")
	assert.NotContains(t, string(wrong.AdditionalFields)+fmt.Sprint(wrong.Diff), "wrong-password")

	assert.EqualValues(t, http.StatusCreated, ok.StatusCode)
	require.NotNil(t, ok.User)
	assert.Equal(t, first.UserID, ok.User.ID)
	assert.Equal(t, "{user} logged in", ok.Description)

	// Logging out is recorded by the session's user.
	out := coderdtest.Anonymous(client)
	login, err := out.LoginWithPassword(ctx, codersdk.LoginWithPasswordRequest{Email: "owner@example.com", Password: coderdtest.FirstUserPassword})
	require.NoError(t, err)
	out.SetSessionToken(login.SessionToken)
	require.NoError(t, out.Logout(ctx))
	l := onlyAuditLog(t, client, "action:logout")
	assert.EqualValues(t, http.StatusOK, l.StatusCode)
	require.NotNil(t, l.User)
	assert.Equal(t, first.UserID, l.User.ID)
	assert.Equal(t, codersdk.AuditDiffField{Secret: true}, l.Diff["hashed_secret"])
}

func TestAuditPermissions(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	client := coderdtest.New(t, nil)
	first := coderdtest.CreateFirstUser(t, client)
	second, err := client.CreateOrganization(ctx, codersdk.CreateOrganizationRequest{Name: "second"})
	require.NoError(t, err)
	member, _ := coderdtest.CreateAnotherUser(t, client, first.OrganizationID)
	auditor, _ := coderdtest.CreateAnotherUser(t, client, first.OrganizationID, "auditor")
	orgAuditor, orgAuditorUser := coderdtest.CreateAnotherUser(t, client, second.ID)
	_, err = client.UpdateOrganizationMemberRoles(ctx, second.ID, orgAuditorUser.ID.String(), codersdk.UpdateRoles{Roles: []string{"organization-auditor"}})
	require.NoError(t, err)
	_, err = client.CreateGroup(ctx, first.OrganizationID, codersdk.CreateGroupRequest{Name: "first-group"})
	require.NoError(t, err)
	_, err = client.CreateGroup(ctx, second.ID, codersdk.CreateGroupRequest{Name: "second-group"})
	require.NoError(t, err)

	all := auditLogs(t, client, "")
	require.NotEmpty(t, all.AuditLogs)
	assert.EqualValues(t, len(all.AuditLogs), all.Count)

	t.Run("Member", func(t *testing.T) {
		res, err := member.AuditLogs(ctx, codersdk.AuditLogsRequest{})
		require.NoError(t, err)
		assert.Empty(t, res.AuditLogs)
		assert.Zero(t, res.Count)
	})
	t.Run("Auditor", func(t *testing.T) {
		res := auditLogs(t, auditor, "")
		assert.Equal(t, all.Count, res.Count, "a site auditor reads the whole log")
	})
	t.Run("OrgAuditor", func(t *testing.T) {
		res := auditLogs(t, orgAuditor, "")
		require.NotEmpty(t, res.AuditLogs)
		assert.Less(t, res.Count, all.Count)
		for _, l := range res.AuditLogs {
			assert.Equal(t, second.ID, l.OrganizationID, "%s %s", l.Action, l.ResourceType)
		}
		groups := auditLogs(t, orgAuditor, "resource_type:group").AuditLogs
		require.Len(t, groups, 1)
		assert.Equal(t, "second-group", groups[0].ResourceTarget)
		// Naming the other organization does not widen the view.
		assert.Empty(t, auditLogs(t, orgAuditor, "organization:"+first.OrganizationID.String()).AuditLogs)
	})
	t.Run("Unauthenticated", func(t *testing.T) {
		_, err := coderdtest.Anonymous(client).AuditLogs(ctx, codersdk.AuditLogsRequest{})
		var apiErr *codersdk.Error
		require.ErrorAs(t, err, &apiErr)
		assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode())
	})
}

func TestAuditQuery(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	client := coderdtest.New(t, nil)
	first := coderdtest.CreateFirstUser(t, client)

	for _, q := range []string{"colour:blue", "resource_type:spaceship", "action:explode", "resource_id:nope",
		"date_from:yesterday", "request_id:1", "organization:no-such-org", "free text", "action:create action:write"} {
		_, err := client.AuditLogs(ctx, codersdk.AuditLogsRequest{SearchQuery: q})
		var apiErr *codersdk.Error
		require.ErrorAs(t, err, &apiErr, q)
		assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode(), q)
		require.NotEmpty(t, apiErr.Validations, q)
	}
	_, err := client.AuditLogs(ctx, codersdk.AuditLogsRequest{SearchQuery: "colour:blue"})
	var apiErr *codersdk.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "colour", apiErr.Validations[0].Field, "the bad key is named")

	// Paging: newest first, count across pages.
	for i := range 5 {
		_, err := client.CreateGroup(ctx, first.OrganizationID, codersdk.CreateGroupRequest{Name: fmt.Sprintf("g%d", i)})
		require.NoError(t, err)
	}
	page, err := client.AuditLogs(ctx, codersdk.AuditLogsRequest{SearchQuery: "resource_type:group", Pagination: codersdk.Pagination{Limit: 2, Offset: 1}})
	require.NoError(t, err)
	assert.EqualValues(t, 5, page.Count)
	require.Len(t, page.AuditLogs, 2)
	assert.Equal(t, "g3", page.AuditLogs[0].ResourceTarget)
	assert.Equal(t, "g2", page.AuditLogs[1].ResourceTarget)
	assert.Equal(t, onlyAuditLog(t, client, "resource_target:g0").ResourceTarget, "g0")
	assert.Len(t, auditLogs(t, client, "username:owner resource_type:group").AuditLogs, 5)
	assert.Len(t, auditLogs(t, client, "username:me resource_type:group").AuditLogs, 5)
	assert.Empty(t, auditLogs(t, client, "username:nobody").AuditLogs)
	assert.Len(t, auditLogs(t, client, "organization:coder resource_type:group").AuditLogs, 5)
}

// TestAuditWorkspaces: workspace creation, builds with their reason, the
// lifecycle executor's builds by the system, and the seed's two scripted
// queries.
func TestAuditWorkspaces(t *testing.T) {
	t.Parallel()
	f, _, w := newScheduleFixture(t, nil, func(r *codersdk.CreateTemplateRequest) { r.DefaultTTLMillis = ms(time.Hour) })
	ctx := t.Context()
	created := onlyAuditLog(t, f.owner, "resource_type:workspace action:create")
	assert.Equal(t, w.ID, created.ResourceID)
	assert.Equal(t, w.Name, created.ResourceTarget)
	assert.Equal(t, f.orgID, created.OrganizationID)
	require.NotNil(t, created.User)
	assert.Equal(t, f.memberUser.ID, created.User.ID)
	assert.Equal(t, w.Name, created.Diff["name"].New)
	assert.Equal(t, fmt.Sprintf("/@%s/%s", f.memberUser.Username, w.Name), created.ResourceLink)

	// Stopped by its owner from the CLI.
	build, err := f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop, Reason: "cli"})
	require.NoError(t, err)
	stop := onlyAuditLog(t, f.owner, "resource_type:workspace_build action:stop")
	assert.Equal(t, build.ID, stop.ResourceID)
	assert.Equal(t, w.Name, stop.ResourceTarget)
	assert.EqualValues(t, http.StatusCreated, stop.StatusCode)
	assert.Equal(t, "{user} stopped workspace {target}", stop.Description)
	var fields map[string]any
	require.NoError(t, json.Unmarshal(stop.AdditionalFields, &fields))
	assert.Equal(t, "cli", fields["build_reason"])
	assert.Equal(t, "2", fields["build_number"])
	assert.Equal(t, fmt.Sprintf("/@%s/%s/builds/2", f.memberUser.Username, w.Name), stop.ResourceLink)
	assert.Len(t, auditLogs(t, f.owner, "build_reason:cli").AuditLogs, 1)
	awaitLatest(t, f.member, w.ID)

	// A refused build is logged as refused.
	_, err = f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: "explode"})
	require.Error(t, err)
	refused := auditLogs(t, f.owner, "resource_type:workspace_build").AuditLogs[0]
	assert.EqualValues(t, http.StatusBadRequest, refused.StatusCode)
	assert.Equal(t, w.Name, refused.ResourceTarget)

	// Started again, then stopped by the executor at the deadline: the
	// system is the actor and the reason is autostop.
	build, err = f.member.CreateWorkspaceBuild(ctx, w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStart})
	require.NoError(t, err)
	build = coderdtest.AwaitWorkspaceBuildJobCompleted(t, f.member, build.ID)
	require.NotNil(t, build.Deadline)
	stats, err := f.api.LifecycleTick(ctx, build.Deadline.Add(time.Second))
	require.NoError(t, err)
	require.Equal(t, []uuid.UUID{w.ID}, stats.Stopped)
	auto := onlyAuditLog(t, f.owner, "build_reason:autostop")
	assert.Nil(t, auto.User, "the system acted")
	assert.Equal(t, codersdk.AuditActionStop, auto.Action)
	assert.Equal(t, codersdk.ResourceTypeWorkspaceBuild, auto.ResourceType)
	assert.Equal(t, w.Name, auto.ResourceTarget)
	assert.Equal(t, f.orgID, auto.OrganizationID)
	assert.EqualValues(t, http.StatusOK, auto.StatusCode)
	awaitLatest(t, f.member, w.ID)

	// Seed 000, "get audit logs for a workspace and resource type":
	// resource_id and resource_type (the old API's "environment" is a
	// workspace), at most 10.
	res, err := f.owner.AuditLogs(ctx, codersdk.AuditLogsRequest{
		SearchQuery: fmt.Sprintf("resource_id:%s resource_type:workspace", w.ID), Pagination: codersdk.Pagination{Limit: 10},
	})
	require.NoError(t, err)
	require.Len(t, res.AuditLogs, 1)
	assert.Equal(t, created.ID, res.AuditLogs[0].ID)

	// Seed 000, "audit logs for workspaces created in a Unix seconds
	// period": date_from/date_to take Unix seconds as range_start and
	// range_end did.
	from, to := created.Time.Add(-time.Minute).Unix(), created.Time.Add(time.Minute).Unix()
	res, err = f.owner.AuditLogs(ctx, codersdk.AuditLogsRequest{
		SearchQuery: fmt.Sprintf("date_from:%d date_to:%d resource_type:workspace action:create", from, to),
	})
	require.NoError(t, err)
	require.Len(t, res.AuditLogs, 1)
	assert.Equal(t, created.ID, res.AuditLogs[0].ID)
	res, err = f.owner.AuditLogs(ctx, codersdk.AuditLogsRequest{
		SearchQuery: fmt.Sprintf("date_from:%d resource_type:workspace action:create", to),
	})
	require.NoError(t, err)
	assert.Empty(t, res.AuditLogs, "nothing created after the window")

	// The member is no auditor.
	mine, err := f.member.AuditLogs(ctx, codersdk.AuditLogsRequest{})
	require.NoError(t, err)
	assert.Empty(t, mine.AuditLogs)
}
