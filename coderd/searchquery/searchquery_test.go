package searchquery_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/searchquery"
)

type (
	term = searchquery.Term
	verr = searchquery.ValidationError
)

func TestParse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		query string
		terms []term
		errs  []verr
	}{
		{name: "Empty", query: ""},
		{name: "Blank", query: " \t \n "},
		{name: "FreeText", query: "alice", terms: []term{{"", "alice"}}},
		{name: "FreeTextWords", query: "alice  bob", terms: []term{{"", "alice"}, {"", "bob"}}},
		{name: "KeyValue", query: "status:active", terms: []term{{"status", "active"}}},
		{name: "KeyLowercased", query: "Status:Active", terms: []term{{"status", "Active"}}},
		{name: "Mixed", query: "  alice status:active  role:owner bob ",
			terms: []term{{"", "alice"}, {"status", "active"}, {"role", "owner"}, {"", "bob"}}},
		{name: "RepeatedKey", query: "status:active status:suspended",
			terms: []term{{"status", "active"}, {"status", "suspended"}}},
		{name: "QuotedValue", query: `name:"a b"`, terms: []term{{"name", "a b"}}},
		{name: "QuotedValueWithColon", query: `name:"a:b c"`, terms: []term{{"name", "a:b c"}}},
		{name: "QuotedFreeText", query: `"a b" c`, terms: []term{{"", "a b"}, {"", "c"}}},
		{name: "QuotedColonIsFreeText", query: `"a:b"`, terms: []term{{"", "a:b"}}},
		{name: "PartlyQuoted", query: `name:x"y z"w`, terms: []term{{"name", "xy zw"}}},
		{name: "QuotedKey", query: `"my key":v`, terms: []term{{"my key", "v"}}},
		{name: "EscapedQuote", query: `name:"say \"hi\" \\o/"`, terms: []term{{"name", `say "hi" \o/`}}},
		{name: "BackslashOutsideQuotes", query: `a\b`, terms: []term{{"", `a\b`}}},
		{name: "SecondColonInValue", query: "created_after:2024-01-02T15:04:05Z",
			terms: []term{{"created_after", "2024-01-02T15:04:05Z"}}},
		{name: "EmptyQuotedFreeText", query: `"" a`, terms: []term{{"", "a"}}},
		{name: "Unicode", query: "имя:Фёдор", terms: []term{{"имя", "Фёдор"}}},

		{name: "UnterminatedQuote", query: `status:active name:"a b`,
			terms: []term{{"status", "active"}},
			errs:  []verr{{"q", `Query element "name:\"a b" has an unterminated quote.`}}},
		{name: "LeadingColon", query: ":active",
			errs: []verr{{"q", `Query element ":active" cannot start with ':'.`}}},
		{name: "TrailingColon", query: "status: active",
			terms: []term{{"", "active"}},
			errs:  []verr{{"q", `Query element "status:" needs a value after ':'.`}}},
		{name: "EmptyQuotedValue", query: `status:""`,
			errs: []verr{{"q", `Query element "status:\"\"" has an empty value.`}}},
		{name: "EmptyQuotedKey", query: `"":x`,
			errs: []verr{{"q", `Query element "\"\":x" has an empty key.`}}},
		{name: "SeveralErrors", query: `: a: ok`,
			terms: []term{{"", "ok"}},
			errs: []verr{
				{"q", `Query element ":" cannot start with ':'.`},
				{"q", `Query element "a:" needs a value after ':'.`},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			terms, errs := searchquery.Parse(tc.query)
			assert.Equal(t, tc.terms, terms)
			assert.Equal(t, tc.errs, errs)
		})
	}
}

func TestUsers(t *testing.T) {
	t.Parallel()
	est := time.FixedZone("EST", -5*3600)
	now := time.Date(2025, 6, 15, 12, 0, 0, 0, est)

	for _, tc := range []struct {
		name   string
		query  string
		filter searchquery.UsersFilter
		errs   []verr
	}{
		{name: "Empty", query: ""},
		{name: "FreeText", query: "Alice", filter: searchquery.UsersFilter{Search: "alice"}},
		{name: "FreeTextJoined", query: "alice status:active smith",
			filter: searchquery.UsersFilter{Search: "alice smith", Status: []string{"active"}}},
		{name: "SearchKey", query: `search:"Alice Smith"`, filter: searchquery.UsersFilter{Search: "alice smith"}},
		{name: "QuotedFreeText", query: `"alice@example.com"`, filter: searchquery.UsersFilter{Search: "alice@example.com"}},
		{name: "Status", query: "status:active", filter: searchquery.UsersFilter{Status: []string{"active"}}},
		{name: "MultipleStatuses", query: "status:active status:suspended",
			filter: searchquery.UsersFilter{Status: []string{"active", "suspended"}}},
		{name: "StatusList", query: "status:Active,DORMANT",
			filter: searchquery.UsersFilter{Status: []string{"active", "dormant"}}},
		{name: "StatusDuplicates", query: "status:active status:active,suspended",
			filter: searchquery.UsersFilter{Status: []string{"active", "suspended"}}},
		{name: "QuotedStatusList", query: `status:"active, dormant"`,
			filter: searchquery.UsersFilter{Status: []string{"active", "dormant"}}},
		{name: "Roles", query: "role:owner role:Template-Admin,auditor",
			filter: searchquery.UsersFilter{RBACRole: []string{"owner", "template-admin", "auditor"}}},
		{name: "LoginTypes", query: "login_type:oidc login_type:password,none",
			filter: searchquery.UsersFilter{LoginType: []string{"oidc", "password", "none"}}},
		{name: "AllLoginTypes", query: "login_type:password,github,oidc,token,none",
			filter: searchquery.UsersFilter{LoginType: []string{"password", "github", "oidc", "token", "none"}}},
		{name: "RFC3339", query: "created_after:2024-01-02T15:04:05Z",
			filter: searchquery.UsersFilter{CreatedAfter: time.Date(2024, 1, 2, 15, 4, 5, 0, time.UTC)}},
		{name: "RFC3339Offset", query: "created_before:2024-01-02T15:04:05+02:00",
			filter: searchquery.UsersFilter{CreatedBefore: time.Date(2024, 1, 2, 13, 4, 5, 0, time.UTC)}},
		{name: "RFC3339Nano", query: `last_seen_after:"2024-01-02T15:04:05.123456789Z"`,
			filter: searchquery.UsersFilter{LastSeenAfter: time.Date(2024, 1, 2, 15, 4, 5, 123456789, time.UTC)}},
		{name: "RFC3339LowerCase", query: "last_seen_before:2024-01-02t15:04:05z",
			filter: searchquery.UsersFilter{LastSeenBefore: time.Date(2024, 1, 2, 15, 4, 5, 0, time.UTC)}},
		{name: "Date", query: "last_seen_before:2024-01-02",
			filter: searchquery.UsersFilter{LastSeenBefore: time.Date(2024, 1, 2, 0, 0, 0, 0, est)}},
		{name: "Everything",
			query: `bob status:dormant role:member login_type:github created_after:2024-01-01 created_before:2024-12-31 ` +
				`last_seen_after:2025-01-01T00:00:00Z last_seen_before:"2025-06-01"`,
			filter: searchquery.UsersFilter{
				Search:         "bob",
				Status:         []string{"dormant"},
				RBACRole:       []string{"member"},
				LoginType:      []string{"github"},
				CreatedAfter:   time.Date(2024, 1, 1, 0, 0, 0, 0, est),
				CreatedBefore:  time.Date(2024, 12, 31, 0, 0, 0, 0, est),
				LastSeenAfter:  time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
				LastSeenBefore: time.Date(2025, 6, 1, 0, 0, 0, 0, est),
			}},

		{name: "BadStatus", query: "status:deleted",
			errs: []verr{{"status", `Query param "status" has invalid value "deleted": valid values are active, dormant, suspended.`}}},
		{name: "BadStatusInList", query: "status:active,gone",
			errs: []verr{{"status", `Query param "status" has invalid value "gone": valid values are active, dormant, suspended.`}}},
		{name: "EmptyInList", query: "status:active,",
			errs: []verr{{"status", `Query param "status" has an empty value in "active,".`}}},
		{name: "BadLoginType", query: "login_type:saml",
			errs: []verr{{"login_type", `Query param "login_type" has invalid value "saml": valid values are password, github, oidc, token, none.`}}},
		{name: "BadDate", query: "created_after:2024-13-01",
			errs: []verr{{"created_after", `Query param "created_after" has invalid value "2024-13-01": expected an RFC 3339 time such as 2024-01-02T15:04:05Z or a date such as 2024-01-02.`}}},
		{name: "BadDateFormat", query: "last_seen_after:01/02/2024",
			errs: []verr{{"last_seen_after", `Query param "last_seen_after" has invalid value "01/02/2024": expected an RFC 3339 time such as 2024-01-02T15:04:05Z or a date such as 2024-01-02.`}}},
		{name: "BadTimeNoZone", query: "last_seen_before:2024-01-02T15:04:05",
			errs: []verr{{"last_seen_before", `Query param "last_seen_before" has invalid value "2024-01-02T15:04:05": expected an RFC 3339 time such as 2024-01-02T15:04:05Z or a date such as 2024-01-02.`}}},
		{name: "RepeatedTime", query: "created_before:2024-01-01 created_before:2024-02-01",
			errs: []verr{{"created_before", `Query param "created_before" may only be given once.`}}},
		{name: "UnknownKey", query: "alice color:blue",
			errs: []verr{{"color", `"color" is not a valid search key; valid keys are search, status, role, login_type, created_before, created_after, last_seen_before, last_seen_after.`}}},
		{name: "UnknownKeyRepeatedOnce", query: "color:blue COLOR:red",
			errs: []verr{{"color", `"color" is not a valid search key; valid keys are search, status, role, login_type, created_before, created_after, last_seen_before, last_seen_after.`}}},
		{name: "SyntaxAndValueErrors", query: `status:nope name:"x`,
			errs: []verr{
				{"q", `Query element "name:\"x" has an unterminated quote.`},
				{"status", `Query param "status" has invalid value "nope": valid values are active, dormant, suspended.`},
			}},
		{name: "ErrorsDiscardFilter", query: "alice status:active status:bad",
			errs: []verr{{"status", `Query param "status" has invalid value "bad": valid values are active, dormant, suspended.`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			filter, errs := searchquery.Users(tc.query, now)
			require.Equal(t, tc.errs, errs)
			// Times compare by instant (a parsed offset need not be UTC);
			// everything else compares exactly.
			for _, p := range []struct{ want, got time.Time }{
				{tc.filter.CreatedAfter, filter.CreatedAfter},
				{tc.filter.CreatedBefore, filter.CreatedBefore},
				{tc.filter.LastSeenAfter, filter.LastSeenAfter},
				{tc.filter.LastSeenBefore, filter.LastSeenBefore},
			} {
				assert.True(t, p.want.Equal(p.got), "want %v, got %v", p.want, p.got)
			}
			want, got := tc.filter, filter
			want.CreatedAfter, want.CreatedBefore, want.LastSeenAfter, want.LastSeenBefore = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			got.CreatedAfter, got.CreatedBefore, got.LastSeenAfter, got.LastSeenBefore = time.Time{}, time.Time{}, time.Time{}, time.Time{}
			assert.Equal(t, want, got)
		})
	}
}
