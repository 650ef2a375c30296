package searchquery

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// WorkspacesFilter is the parsed q= of GET /workspaces. Zero values mean
// "no filter"; the caller resolves names (owner, organization, shared
// users and groups) to IDs.
type WorkspacesFilter struct {
	// Name matches part of the workspace name (free text and name:).
	Name string
	// Owner is a username, a user ID or "me".
	Owner string
	// Templates are template names (any of them matches).
	Templates    []string
	Organization string
	Statuses     []string
	// HasAgent is an agent status: connecting, connected, disconnected
	// or timeout.
	HasAgent       string
	Dormant        *bool
	Healthy        *bool
	Shared         *bool
	LastUsedAfter  time.Time
	LastUsedBefore time.Time
	// SharedWithUser is a username, user ID or "me"; SharedWithGroup a
	// group ID or "organization/group" name.
	SharedWithUser  string
	SharedWithGroup string
	// HasAITask and HasExternalAgent: this server has neither, so true
	// matches nothing and false everything.
	HasAITask        *bool
	HasExternalAgent *bool
}

// WorkspaceStatuses are the values of status:.
var WorkspaceStatuses = []string{"pending", "starting", "running", "stopping", "stopped", "failed",
	"canceling", "canceled", "deleting", "deleted"}

// AgentStatuses are the values of has-agent:.
var AgentStatuses = []string{"connecting", "connected", "disconnected", "timeout"}

var workspaceKeys = []string{"owner", "template", "name", "status", "organization", "has-agent", "dormant",
	"healthy", "last_used_after", "last_used_before", "has-ai-task", "has_external_agent", "shared",
	"shared_with_user", "shared_with_group"}

// Workspaces parses the q= of GET /workspaces:
//
//	dev                         free text: part of the workspace name
//	name:dev                    the same
//	owner:me                    a username, a user ID or me
//	template:docker             a template name; several: template:a,b
//	status:running              see WorkspaceStatuses; several allowed
//	organization:acme           an organization name or ID
//	has-agent:connecting        see AgentStatuses
//	dormant:true  healthy:true  shared:true  has-ai-task:false  has_external_agent:false
//	last_used_after:<time>      and last_used_before: RFC 3339 or a date
//	shared_with_user:alice      a username, a user ID or me
//	shared_with_group:<id>      a group ID, or organization/group
//
// Keys other than template and status may be given once.
func Workspaces(query string, now time.Time) (WorkspacesFilter, []ValidationError) {
	terms, errs := Parse(query)
	var (
		f    WorkspacesFilter
		free []string
		seen = map[string]bool{}
	)
	boolean := func(t Term) *bool {
		b, err := strconv.ParseBool(strings.ToLower(t.Value))
		if err != nil {
			errs = append(errs, ValidationError{Field: t.Key, Detail: fmt.Sprintf("Query param %q has invalid value %q: expected true or false.", t.Key, t.Value)})
			return nil
		}
		return &b
	}
	for _, t := range terms {
		if t.Key == "" {
			free = append(free, t.Value)
			continue
		}
		if t.Key != "template" && t.Key != "status" {
			if seen[t.Key] {
				errs = appendOnce(errs, ValidationError{Field: t.Key, Detail: fmt.Sprintf("Query param %q may only be given once.", t.Key)})
				continue
			}
			seen[t.Key] = true
		}
		switch t.Key {
		case "name":
			free = append(free, t.Value)
		case "owner":
			f.Owner = t.Value
		case "template":
			f.Templates = appendList(f.Templates, t, nil, &errs)
		case "organization":
			f.Organization = t.Value
		case "status":
			f.Statuses = appendEnum(f.Statuses, t, WorkspaceStatuses, &errs)
		case "has-agent":
			v := strings.ToLower(t.Value)
			if !slices.Contains(AgentStatuses, v) {
				errs = append(errs, ValidationError{Field: t.Key, Detail: fmt.Sprintf("Query param %q has invalid value %q: valid values are %s.",
					t.Key, t.Value, strings.Join(AgentStatuses, ", "))})
				continue
			}
			f.HasAgent = v
		case "dormant":
			f.Dormant = boolean(t)
		case "healthy":
			f.Healthy = boolean(t)
		case "shared":
			f.Shared = boolean(t)
		case "has-ai-task":
			f.HasAITask = boolean(t)
		case "has_external_agent":
			f.HasExternalAgent = boolean(t)
		case "last_used_after", "last_used_before":
			v, err := parseTime(t.Value, now)
			if err != nil {
				errs = append(errs, ValidationError{Field: t.Key, Detail: fmt.Sprintf("Query param %q has invalid value %q: expected an RFC 3339 time "+
					"such as 2024-01-02T15:04:05Z or a date such as 2024-01-02.", t.Key, t.Value)})
				continue
			}
			if t.Key == "last_used_after" {
				f.LastUsedAfter = v
			} else {
				f.LastUsedBefore = v
			}
		case "shared_with_user":
			f.SharedWithUser = t.Value
		case "shared_with_group":
			f.SharedWithGroup = t.Value
		default:
			errs = appendOnce(errs, ValidationError{
				Field:  t.Key,
				Detail: fmt.Sprintf("%q is not a valid search key; valid keys are %s.", t.Key, strings.Join(workspaceKeys, ", ")),
			})
		}
	}
	if len(errs) > 0 {
		return WorkspacesFilter{}, errs
	}
	f.Name = strings.Join(free, " ")
	return f, nil
}
