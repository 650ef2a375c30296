package searchquery

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// UsersFilter is the parsed q= of GET /users. Zero values mean "no filter".
type UsersFilter struct {
	// Search is the free text of the query (bare terms joined by single
	// spaces, plus any search: values), lower-cased; the caller matches it
	// against username and email.
	Search string
	// Status holds values of UserStatuses.
	Status []string
	// RBACRole holds role names (key role:), lower-cased.
	RBACRole []string
	// LoginType holds values of LoginTypes.
	LoginType []string

	CreatedBefore  time.Time
	CreatedAfter   time.Time
	LastSeenBefore time.Time
	LastSeenAfter  time.Time
}

// Accepted values of status: and login_type:.
var (
	UserStatuses = []string{"active", "dormant", "suspended"}
	LoginTypes   = []string{"password", "github", "oidc", "token", "none"}
)

// userKeys are the keys Users accepts, for error messages.
var userKeys = []string{
	"search", "status", "role", "login_type",
	"created_before", "created_after", "last_seen_before", "last_seen_after",
}

// Users parses the q= of GET /users:
//
//	alice                          free text (Search); several words are joined
//	search:alice                   the same
//	status:active                  active | dormant | suspended
//	role:owner                     an RBAC role name
//	login_type:oidc                password | github | oidc | token | none
//	created_before:<time>          and created_after, last_seen_before,
//	                               last_seen_after
//
// status, role and login_type may be repeated (status:active status:dormant)
// or take a comma-separated list (status:active,dormant); the filter matches
// any of the values. Each time key may be given once; its value is an
// RFC 3339 timestamp (2024-01-02T15:04:05Z, fractional seconds allowed) or a
// date (2024-01-02), which means midnight at the start of that day in
// now's location. Keys and values other than times are case-insensitive.
//
// If anything is wrong, Users returns a zero filter and every problem found,
// each with the key (or "q" for syntax errors) as Field.
func Users(query string, now time.Time) (UsersFilter, []ValidationError) {
	terms, errs := Parse(query)
	var (
		f      UsersFilter
		search []string
		seen   = map[string]bool{}
	)
	for _, t := range terms {
		switch t.Key {
		case "", "search":
			search = append(search, strings.ToLower(t.Value))
		case "status":
			f.Status = appendEnum(f.Status, t, UserStatuses, &errs)
		case "login_type":
			f.LoginType = appendEnum(f.LoginType, t, LoginTypes, &errs)
		case "role":
			f.RBACRole = appendList(f.RBACRole, t, nil, &errs)
		case "created_before", "created_after", "last_seen_before", "last_seen_after":
			if seen[t.Key] {
				errs = append(errs, ValidationError{
					Field:  t.Key,
					Detail: fmt.Sprintf("Query param %q may only be given once.", t.Key),
				})
				continue
			}
			seen[t.Key] = true
			v, err := parseTime(t.Value, now)
			if err != nil {
				errs = append(errs, ValidationError{
					Field: t.Key,
					Detail: fmt.Sprintf("Query param %q has invalid value %q: expected an RFC 3339 time "+
						"such as 2024-01-02T15:04:05Z or a date such as 2024-01-02.", t.Key, t.Value),
				})
				continue
			}
			switch t.Key {
			case "created_before":
				f.CreatedBefore = v
			case "created_after":
				f.CreatedAfter = v
			case "last_seen_before":
				f.LastSeenBefore = v
			case "last_seen_after":
				f.LastSeenAfter = v
			}
		default:
			errs = appendOnce(errs, ValidationError{
				Field: t.Key,
				Detail: fmt.Sprintf("%q is not a valid search key; valid keys are %s.",
					t.Key, strings.Join(userKeys, ", ")),
			})
		}
	}
	if len(errs) > 0 {
		return UsersFilter{}, errs
	}
	f.Search = strings.Join(search, " ")
	return f, nil
}

// appendEnum appends the comma-separated values of t, each of which must be
// one of valid (case-insensitively).
func appendEnum(dst []string, t Term, valid []string, errs *[]ValidationError) []string {
	return appendList(dst, t, func(v string) string {
		if slices.Contains(valid, v) {
			return ""
		}
		return fmt.Sprintf("Query param %q has invalid value %q: valid values are %s.",
			t.Key, v, strings.Join(valid, ", "))
	}, errs)
}

// appendList appends the comma-separated, lower-cased values of t that are
// not already in dst; check, if not nil, describes what is wrong with a
// value ("" if nothing).
func appendList(dst []string, t Term, check func(string) string, errs *[]ValidationError) []string {
	for _, v := range strings.Split(t.Value, ",") {
		v = strings.ToLower(strings.TrimSpace(v))
		if v == "" {
			*errs = append(*errs, ValidationError{
				Field:  t.Key,
				Detail: fmt.Sprintf("Query param %q has an empty value in %q.", t.Key, t.Value),
			})
			continue
		}
		if check != nil {
			if msg := check(v); msg != "" {
				*errs = append(*errs, ValidationError{Field: t.Key, Detail: msg})
				continue
			}
		}
		if !slices.Contains(dst, v) {
			dst = append(dst, v)
		}
	}
	return dst
}

func appendOnce(errs []ValidationError, e ValidationError) []ValidationError {
	if slices.Contains(errs, e) {
		return errs
	}
	return append(errs, e)
}

// parseTime accepts RFC 3339 (upper- or lower-case T and Z) or a date, which
// is taken as the start of that day in now's location.
func parseTime(v string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, strings.ToUpper(v)); err == nil {
		return t, nil
	}
	return time.ParseInLocation(time.DateOnly, v, now.Location())
}
