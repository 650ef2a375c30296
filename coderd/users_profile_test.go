package coderd_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// TestUserAppearance round-trips the appearance settings.
func TestUserAppearance(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	member := f.clients[actorMember]

	initial, err := member.GetUserAppearanceSettings(t.Context(), codersdk.Me)
	require.NoError(t, err)
	assert.Equal(t, codersdk.UserAppearanceSettings{}, initial)

	req := codersdk.UpdateUserAppearanceSettingsRequest{
		ThemePreference: "dark", TerminalFont: codersdk.TerminalFontFiraCode,
		ThemeMode: codersdk.ThemeModeSync, ThemeLight: "light-tritan", ThemeDark: "dark-protan-deuter",
	}
	updated, err := member.UpdateUserAppearanceSettings(t.Context(), codersdk.Me, req)
	require.NoError(t, err)
	wantSettings := codersdk.UserAppearanceSettings{
		ThemePreference: "dark", TerminalFont: codersdk.TerminalFontFiraCode,
		ThemeMode: codersdk.ThemeModeSync, ThemeLight: "light-tritan", ThemeDark: "dark-protan-deuter",
	}
	assert.Equal(t, wantSettings, updated)
	got, err := member.GetUserAppearanceSettings(t.Context(), codersdk.Me)
	require.NoError(t, err)
	assert.Equal(t, wantSettings, got)
	// The owner reads the same through the user's ID.
	got, err = f.owner().GetUserAppearanceSettings(t.Context(), f.users[actorMember].ID.String())
	require.NoError(t, err)
	assert.Equal(t, wantSettings, got)

	t.Run("BadFont", func(t *testing.T) {
		_, err := member.UpdateUserAppearanceSettings(t.Context(), codersdk.Me, codersdk.UpdateUserAppearanceSettingsRequest{
			ThemePreference: "dark", TerminalFont: "comic-sans",
		})
		requireValidation(t, err, http.StatusBadRequest, "terminal_font")
		got, err := member.GetUserAppearanceSettings(t.Context(), codersdk.Me)
		require.NoError(t, err)
		assert.Equal(t, wantSettings, got, "a refused update changes nothing")
	})
	t.Run("EmptyThemePreference", func(t *testing.T) {
		_, err := member.UpdateUserAppearanceSettings(t.Context(), codersdk.Me, codersdk.UpdateUserAppearanceSettingsRequest{})
		requireValidation(t, err, http.StatusBadRequest, "theme_preference")
	})
	t.Run("LoginType", func(t *testing.T) {
		lt, err := member.GetUserLoginType(t.Context(), codersdk.Me)
		require.NoError(t, err)
		assert.Equal(t, codersdk.LoginTypePassword, lt.LoginType)
		none := f.newTarget(t, "")
		lt, err = f.owner().GetUserLoginType(t.Context(), none.ID.String())
		require.NoError(t, err)
		assert.Equal(t, codersdk.LoginTypeNone, lt.LoginType)
	})
}

// TestCreateUserValidation covers POST /users/first and POST /users input
// checks: 400 naming the field, 409 naming the taken one.
func TestCreateUserValidation(t *testing.T) {
	t.Parallel()
	good := codersdk.CreateUserRequestWithOrgs{Email: "fine@example.com", Username: "fine-user", Password: coderdtest.FirstUserPassword}
	cases := []struct {
		name   string
		mutate func(r *codersdk.CreateUserRequestWithOrgs)
		field  string
	}{
		{"BadEmail", func(r *codersdk.CreateUserRequestWithOrgs) { r.Email = "not-an-email" }, "email"},
		{"EmailWithName", func(r *codersdk.CreateUserRequestWithOrgs) { r.Email = "Jane <jane@example.com>" }, "email"},
		{"EmptyEmail", func(r *codersdk.CreateUserRequestWithOrgs) { r.Email = "" }, "email"},
		{"UsernameWithSpace", func(r *codersdk.CreateUserRequestWithOrgs) { r.Username = "Bad Name!" }, "username"},
		{"UsernameTooLong", func(r *codersdk.CreateUserRequestWithOrgs) { r.Username = strings.Repeat("a", 33) }, "username"},
		{"UsernameMe", func(r *codersdk.CreateUserRequestWithOrgs) { r.Username = "me" }, "username"},
		{"UsernameEmpty", func(r *codersdk.CreateUserRequestWithOrgs) { r.Username = "" }, "username"},
		{"WeakPassword", func(r *codersdk.CreateUserRequestWithOrgs) { r.Password = "password" }, "password"},
		{"NameWithSpaces", func(r *codersdk.CreateUserRequestWithOrgs) { r.Name = " padded " }, "name"},
	}

	t.Run("FirstUser", func(t *testing.T) {
		t.Parallel()
		client := coderdtest.New(t, nil)
		for _, tc := range cases {
			req := good
			tc.mutate(&req)
			_, err := client.CreateFirstUser(t.Context(), codersdk.CreateFirstUserRequest{
				Email: req.Email, Username: req.Username, Name: req.Name, Password: req.Password,
			})
			requireValidation(t, err, http.StatusBadRequest, tc.field)
		}
		// Nothing was created by the refused attempts.
		has, err := client.HasFirstUser(t.Context())
		require.NoError(t, err)
		assert.False(t, has)

		// 33 characters is refused but 32 is fine.
		_, err = client.CreateFirstUser(t.Context(), codersdk.CreateFirstUserRequest{
			Email: "first@example.com", Username: strings.Repeat("a", 32), Password: coderdtest.FirstUserPassword,
		})
		require.NoError(t, err)
		_, err = client.CreateFirstUser(t.Context(), codersdk.CreateFirstUserRequest{
			Email: "second@example.com", Username: "second", Password: coderdtest.FirstUserPassword,
		})
		requireSDKError(t, err, http.StatusConflict)
	})

	t.Run("User", func(t *testing.T) {
		t.Parallel()
		f := newIdentityFixture(t, nil)
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				req := good
				tc.mutate(&req)
				_, err := f.owner().CreateUserWithOrgs(t.Context(), req)
				requireValidation(t, err, http.StatusBadRequest, tc.field)
			})
		}
		t.Run("Duplicates", func(t *testing.T) {
			t.Parallel()
			name := uniqueName("dup")
			_, err := f.owner().CreateUserWithOrgs(t.Context(), codersdk.CreateUserRequestWithOrgs{
				Email: name + "@example.com", Username: name, UserLoginType: codersdk.LoginTypeNone,
			})
			require.NoError(t, err)
			// Uniqueness ignores case.
			_, err = f.owner().CreateUserWithOrgs(t.Context(), codersdk.CreateUserRequestWithOrgs{
				Email: "other-" + name + "@example.com", Username: strings.ToUpper(name), UserLoginType: codersdk.LoginTypeNone,
			})
			requireValidation(t, err, http.StatusConflict, "username")
			_, err = f.owner().CreateUserWithOrgs(t.Context(), codersdk.CreateUserRequestWithOrgs{
				Email: strings.ToUpper(name) + "@EXAMPLE.COM", Username: "other-" + name, UserLoginType: codersdk.LoginTypeNone,
			})
			requireValidation(t, err, http.StatusConflict, "email")
			resp, err := f.owner().Users(t.Context(), codersdk.UsersRequest{Search: name})
			require.NoError(t, err)
			assert.Equal(t, 1, resp.Count, "refused duplicates were not created")
		})
		t.Run("OtherFields", func(t *testing.T) {
			t.Parallel()
			for _, tc := range []struct {
				name  string
				body  string
				field string
			}{
				{"UnknownLoginType", `{"email":"a1@example.com","username":"a1","login_type":"smoke-signals"}`, "login_type"},
				{"PasswordForNone", `{"email":"a2@example.com","username":"a2","login_type":"none","password":"Some-Strong-Pass-99"}`, "password"},
				{"BadStatus", `{"email":"a3@example.com","username":"a3","login_type":"none","user_status":"retired"}`, "user_status"},
				{"UnknownOrg", `{"email":"a4@example.com","username":"a4","login_type":"none","organization_ids":["` + uuid.NewString() + `"]}`, "organization_ids"},
				{"UnknownJSONField", `{"email":"a5@example.com","username":"a5","login_type":"none","favourite_colour":"blue"}`, "favourite_colour"},
				{"WrongType", `{"email":"a6@example.com","username":7}`, "username"},
			} {
				res := coderdtest.RawRequest(t, f.owner(), http.MethodPost, "/api/v2/users", tc.body)
				require.Equal(t, http.StatusBadRequest, res.Status, "%s: %s", tc.name, res.Body)
				assert.Contains(t, res.Fields(t), tc.field, tc.name)
			}
			for _, body := range []string{`{"email":`, `not json`, ``, `{"email":"x@example.com"} {}`} {
				res := coderdtest.RawRequest(t, f.owner(), http.MethodPost, "/api/v2/users", body)
				require.Equal(t, http.StatusBadRequest, res.Status, "%q: %s", body, res.Body)
				assert.NotEmpty(t, res.Response(t).Message)
			}
			// None of the refused requests created a user.
			resp, err := f.owner().Users(t.Context(), codersdk.UsersRequest{Search: "@example.com"})
			require.NoError(t, err)
			for _, u := range resp.Users {
				assert.NotRegexp(t, `^a[0-9]$`, u.Username)
			}
		})
	})
}

// TestUpdateProfileValidation covers PUT /users/{user}/profile input.
func TestUpdateProfileValidation(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	member := f.clients[actorMember]
	me := f.users[actorMember]

	_, err := member.UpdateUserProfile(t.Context(), codersdk.Me, codersdk.UpdateUserProfileRequest{Username: "Bad Name!"})
	requireValidation(t, err, http.StatusBadRequest, "username")
	_, err = member.UpdateUserProfile(t.Context(), codersdk.Me, codersdk.UpdateUserProfileRequest{Username: f.users[actorAuditor].Username})
	requireValidation(t, err, http.StatusConflict, "username")

	newName := uniqueName("renamed")
	updated, err := member.UpdateUserProfile(t.Context(), codersdk.Me, codersdk.UpdateUserProfileRequest{Username: newName, Name: "Mem Ber"})
	require.NoError(t, err)
	assert.Equal(t, newName, updated.Username)
	got, err := f.owner().User(t.Context(), newName)
	require.NoError(t, err)
	assert.Equal(t, me.ID, got.ID)
	assert.Equal(t, "Mem Ber", got.Name)
	// The old name no longer resolves.
	_, err = f.owner().User(t.Context(), me.Username)
	requireSDKError(t, err, http.StatusNotFound)
}

// TestListUsersSearch covers q=, limit, offset and after_id of GET /users.
func TestListUsersSearch(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	first := coderdtest.CreateFirstUser(t, client)
	ctx := t.Context()

	// Twelve users in creation order: alpha-01..06 then beta-01..06.
	// Odd ones are active, even ones dormant (the default); beta-05 and
	// beta-06 log in with "none"; beta-03's email says "gamma".
	byName := map[string]codersdk.User{}
	var names []string
	for _, prefix := range []string{"alpha", "beta"} {
		for i := 1; i <= 6; i++ {
			name := fmt.Sprintf("%s-%02d", prefix, i)
			req := codersdk.CreateUserRequestWithOrgs{
				Email: name + "@example.com", Username: name, Password: coderdtest.FirstUserPassword,
				OrganizationIDs: []uuid.UUID{first.OrganizationID},
			}
			if name == "beta-03" {
				req.Email = "gamma-fan@example.org"
			}
			if i%2 == 1 {
				active := codersdk.UserStatusActive
				req.UserStatus = &active
			}
			if name == "beta-05" || name == "beta-06" {
				req.UserLoginType, req.Password = codersdk.LoginTypeNone, ""
			}
			u, err := client.CreateUserWithOrgs(ctx, req)
			require.NoError(t, err)
			byName[name] = u
			names = append(names, name)
		}
	}
	_, err := client.UpdateUserStatus(ctx, "alpha-05", codersdk.UserStatusSuspended)
	require.NoError(t, err)

	usernames := func(resp codersdk.GetUsersResponse) []string {
		out := []string{}
		for _, u := range resp.Users {
			out = append(out, u.Username)
		}
		return out
	}
	query := func(t *testing.T, q string, page codersdk.Pagination) codersdk.GetUsersResponse {
		t.Helper()
		resp, err := client.Users(ctx, codersdk.UsersRequest{SearchQuery: q, Pagination: page})
		require.NoError(t, err, q)
		return resp
	}

	createdAfter := byName["alpha-06"].CreatedAt.UTC().Format(time.RFC3339Nano)
	for _, tc := range []struct {
		name string
		q    string
		want []string
	}{
		{"All", "", append([]string{"alpha-01", "alpha-02", "alpha-03", "alpha-04", "alpha-05", "alpha-06", "beta-01", "beta-02", "beta-03", "beta-04", "beta-05", "beta-06"}, "owner")},
		{"FreeTextUsername", "alpha", []string{"alpha-01", "alpha-02", "alpha-03", "alpha-04", "alpha-05", "alpha-06"}},
		{"FreeTextIgnoresCase", "ALPHA-0", []string{"alpha-01", "alpha-02", "alpha-03", "alpha-04", "alpha-05", "alpha-06"}},
		{"FreeTextEmail", "gamma", []string{"beta-03"}},
		{"SearchKey", "search:example.org", []string{"beta-03"}},
		{"StatusActive", "status:active", []string{"alpha-01", "alpha-03", "beta-01", "beta-03", "beta-05", "owner"}},
		{"StatusDormant", "status:dormant", []string{"alpha-02", "alpha-04", "alpha-06", "beta-02", "beta-04", "beta-06"}},
		{"StatusSuspended", "status:suspended", []string{"alpha-05"}},
		{"StatusList", "status:suspended,dormant alpha", []string{"alpha-02", "alpha-04", "alpha-05", "alpha-06"}},
		{"RoleOwner", "role:owner", []string{"owner"}},
		{"LoginTypeNone", "login_type:none", []string{"beta-05", "beta-06"}},
		{"CreatedAfter", "created_after:" + createdAfter, []string{"beta-01", "beta-02", "beta-03", "beta-04", "beta-05", "beta-06"}},
		{"Combined", "beta status:active login_type:password", []string{"beta-01", "beta-03"}},
		{"NoMatch", "zeta", []string{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			resp := query(t, tc.q, codersdk.Pagination{})
			want := slices.Clone(tc.want)
			slices.Sort(want)
			assert.Equal(t, want, usernames(resp), "results are in username order")
			assert.Equal(t, len(tc.want), resp.Count)
		})
	}

	t.Run("LimitOffset", func(t *testing.T) {
		t.Parallel()
		resp := query(t, "alpha", codersdk.Pagination{Limit: 2, Offset: 2})
		assert.Equal(t, []string{"alpha-03", "alpha-04"}, usernames(resp))
		assert.Equal(t, 6, resp.Count, "count is every match, not the page")
		resp = query(t, "", codersdk.Pagination{Limit: 5})
		assert.Len(t, resp.Users, 5)
		assert.Equal(t, 13, resp.Count)
		resp = query(t, "alpha", codersdk.Pagination{Limit: 4, Offset: 4})
		assert.Equal(t, []string{"alpha-05", "alpha-06"}, usernames(resp))
		assert.Equal(t, 6, resp.Count)
	})

	t.Run("AfterID", func(t *testing.T) {
		t.Parallel()
		resp := query(t, "alpha", codersdk.Pagination{AfterID: byName["alpha-02"].ID, Limit: 2})
		assert.Equal(t, []string{"alpha-03", "alpha-04"}, usernames(resp))
		// Walking pages by after_id visits everyone once, in order.
		var walked []string
		after := uuid.Nil
		for {
			page := query(t, "", codersdk.Pagination{AfterID: after, Limit: 5})
			if len(page.Users) == 0 {
				break
			}
			walked = append(walked, usernames(page)...)
			after = page.Users[len(page.Users)-1].ID
		}
		want := append(slices.Clone(names), "owner")
		slices.Sort(want)
		assert.Equal(t, want, walked)
	})

	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct {
			name, rawQuery, field string
		}{
			{"BadStatus", "q=status:bogus", "status"},
			{"BadLoginType", "q=login_type:carrier-pigeon", "login_type"},
			{"UnknownKey", "q=colour:blue", "colour"},
			{"BadTime", "q=created_after:yesterday", "created_after"},
			{"Unterminated", "q=%22open", "q"},
			{"NegativeLimit", "limit=-1", "limit"},
			{"HugeLimit", "limit=1000000", "limit"},
			{"NegativeOffset", "offset=-3", "offset"},
			{"NotANumber", "limit=ten", "limit"},
			{"BadAfterID", "after_id=not-a-uuid", "after_id"},
		} {
			res := coderdtest.RawRequest(t, client, http.MethodGet, "/api/v2/users?"+tc.rawQuery, nil)
			require.Equal(t, http.StatusBadRequest, res.Status, "%s: %s", tc.name, res.Body)
			assert.Contains(t, res.Fields(t), tc.field, tc.name)
		}
	})
}
