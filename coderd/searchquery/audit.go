package searchquery

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// AuditFilter is the parsed q= of GET /audit. Zero values mean "no filter";
// the caller resolves Organization (a name or ID) and Username "me".
type AuditFilter struct {
	ResourceType   string
	ResourceID     uuid.UUID
	ResourceTarget string
	Action         string
	Username       string
	Email          string
	Organization   string
	BuildReason    string
	// DateFrom and DateTo bound the entry's time, both inclusive.
	DateFrom  time.Time
	DateTo    time.Time
	RequestID uuid.UUID
}

// Values accepted by resource_type:, action: and build_reason:.
var (
	AuditResourceTypes = []string{"template", "template_version", "user", "workspace", "workspace_build",
		"git_ssh_key", "api_key", "group", "organization", "custom_role", "organization_member", "file",
		"workspace_agent", "workspace_app"}
	AuditActions = []string{"create", "write", "delete", "start", "stop", "login", "logout", "register",
		"connect", "disconnect", "open", "close"}
	BuildReasons = []string{"initiator", "autostart", "autostop", "dormancy", "dashboard", "cli",
		"ssh_connection", "vscode_connection", "jetbrains_connection"}
)

var auditKeys = []string{"resource_type", "resource_id", "resource_target", "action", "username", "email",
	"organization", "build_reason", "date_from", "date_to", "request_id"}

// AuditLogs parses the q= of GET /audit:
//
//	resource_type:workspace     see AuditResourceTypes
//	resource_id:<uuid>          the resource's ID
//	resource_target:dev         the resource's name at the time, exactly
//	action:create               see AuditActions
//	username:alice  email:a@b   the actor (username may be me)
//	organization:acme           an organization name or ID
//	build_reason:autostart      see BuildReasons
//	date_from:<when>            entries at or after; date_to: at or before
//	request_id:<uuid>           the entries of one request
//
// A time is an RFC 3339 timestamp, a date (2024-01-02: date_from means its
// first instant, date_to its last, in now's location) or Unix seconds
// (1646092800), the form older API clients send. Each key may be given
// once; there is no free text.
func AuditLogs(query string, now time.Time) (AuditFilter, []ValidationError) {
	terms, errs := Parse(query)
	var (
		f    AuditFilter
		seen = map[string]bool{}
	)
	enum := func(t Term, valid []string) string {
		v := strings.ToLower(t.Value)
		for _, ok := range valid {
			if v == ok {
				return v
			}
		}
		errs = append(errs, ValidationError{Field: t.Key, Detail: fmt.Sprintf(
			"Query param %q has invalid value %q: valid values are %s.", t.Key, t.Value, strings.Join(valid, ", "))})
		return ""
	}
	id := func(t Term) uuid.UUID {
		v, err := uuid.Parse(t.Value)
		if err != nil {
			errs = append(errs, ValidationError{Field: t.Key, Detail: fmt.Sprintf(
				"Query param %q has invalid value %q: expected a UUID.", t.Key, t.Value)})
		}
		return v
	}
	when := func(t Term, endOfDay bool) time.Time {
		if secs, err := strconv.ParseInt(t.Value, 10, 64); err == nil {
			return time.Unix(secs, 0).UTC()
		}
		if v, err := time.Parse(time.RFC3339Nano, strings.ToUpper(t.Value)); err == nil {
			return v
		}
		if v, err := time.ParseInLocation(time.DateOnly, t.Value, now.Location()); err == nil {
			if endOfDay {
				return v.AddDate(0, 0, 1).Add(-time.Nanosecond)
			}
			return v
		}
		errs = append(errs, ValidationError{Field: t.Key, Detail: fmt.Sprintf(
			"Query param %q has invalid value %q: expected an RFC 3339 time such as 2024-01-02T15:04:05Z, "+
				"a date such as 2024-01-02, or Unix seconds.", t.Key, t.Value)})
		return time.Time{}
	}
	for _, t := range terms {
		if t.Key == "" {
			errs = appendOnce(errs, ValidationError{Field: "q", Detail: fmt.Sprintf(
				"Free text %q is not supported; use key:value with one of %s.", t.Value, strings.Join(auditKeys, ", "))})
			continue
		}
		known := false
		for _, k := range auditKeys {
			known = known || k == t.Key
		}
		if !known {
			errs = appendOnce(errs, ValidationError{Field: t.Key, Detail: fmt.Sprintf(
				"%q is not a valid search key; valid keys are %s.", t.Key, strings.Join(auditKeys, ", "))})
			continue
		}
		if seen[t.Key] {
			errs = appendOnce(errs, ValidationError{Field: t.Key, Detail: fmt.Sprintf("Query param %q may only be given once.", t.Key)})
			continue
		}
		seen[t.Key] = true
		switch t.Key {
		case "resource_type":
			f.ResourceType = enum(t, AuditResourceTypes)
		case "resource_id":
			f.ResourceID = id(t)
		case "resource_target":
			f.ResourceTarget = t.Value
		case "action":
			f.Action = enum(t, AuditActions)
		case "username":
			f.Username = t.Value
		case "email":
			f.Email = t.Value
		case "organization":
			f.Organization = t.Value
		case "build_reason":
			f.BuildReason = enum(t, BuildReasons)
		case "date_from":
			f.DateFrom = when(t, false)
		case "date_to":
			f.DateTo = when(t, true)
		case "request_id":
			f.RequestID = id(t)
		}
	}
	if !f.DateFrom.IsZero() && !f.DateTo.IsZero() && f.DateTo.Before(f.DateFrom) {
		errs = append(errs, ValidationError{Field: "date_to", Detail: "date_to is before date_from."})
	}
	if len(errs) > 0 {
		return AuditFilter{}, errs
	}
	return f, nil
}
