// Package idpsync decides, from the claims of an OIDC sign-in, which
// organizations, groups and roles a user should have. The functions here
// are pure: coderd loads the settings, calls them and applies the result.
package idpsync

import (
	"slices"
	"sort"

	"github.com/google/uuid"

	"github.com/devplane/devplane/codersdk"
)

// ClaimValues reads a claim holding a list of strings or one string;
// anything else (or a missing claim) is no values.
func ClaimValues(claims map[string]any, field string) []string {
	if field == "" {
		return nil
	}
	switch v := claims[field].(type) {
	case string:
		return []string{v}
	case []string:
		return v
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// Organizations returns the organizations the user should be a member of,
// and whether organization sync is on (a claim field is set). When it is
// off, want holds only the default organization (if assigned) and the
// user's other memberships are left alone.
func Organizations(s codersdk.OrganizationSyncSettings, claims map[string]any, defaultOrg uuid.UUID) (want []uuid.UUID, on bool) {
	set := map[uuid.UUID]bool{}
	if s.AssignDefault {
		set[defaultOrg] = true
	}
	on = s.Field != ""
	if on {
		for _, v := range ClaimValues(claims, s.Field) {
			for _, id := range s.Mapping[v] {
				set[id] = true
			}
		}
	}
	return sortedIDs(set), on
}

// GroupPlan is group sync's decision for one organization: groups named by
// ID through the mapping, and groups named by name (to find, or create
// when AutoCreate says so).
type GroupPlan struct {
	IDs        []uuid.UUID
	Names      []string
	AutoCreate bool
}

// Groups plans group sync for one organization, and says whether it is on.
// Claim values the regex filter rejects are ignored; mapped values give
// their groups; the rest name groups (after the legacy name mapping).
func Groups(s codersdk.GroupSyncSettings, claims map[string]any) (GroupPlan, bool) {
	if s.Field == "" {
		return GroupPlan{}, false
	}
	ids := map[uuid.UUID]bool{}
	plan := GroupPlan{AutoCreate: s.AutoCreateMissing}
	for _, v := range ClaimValues(claims, s.Field) {
		if s.RegexFilter != nil && !s.RegexFilter.MatchString(v) {
			continue
		}
		if mapped, ok := s.Mapping[v]; ok {
			for _, id := range mapped {
				ids[id] = true
			}
			continue
		}
		name := v
		if renamed, ok := s.LegacyNameMapping[v]; ok {
			name = renamed
		}
		if name != "" && !slices.Contains(plan.Names, name) {
			plan.Names = append(plan.Names, name)
		}
	}
	plan.IDs = sortedIDs(ids)
	sort.Strings(plan.Names)
	return plan, true
}

// Roles returns the organization roles the claims give, and whether role
// sync is on. Mapped values give their roles; others are taken as role
// names (the caller drops names that are no role).
func Roles(s codersdk.RoleSyncSettings, claims map[string]any) ([]string, bool) {
	if s.Field == "" {
		return nil, false
	}
	return mapValues(ClaimValues(claims, s.Field), s.Mapping, nil), true
}

// SiteRoles returns the deployment-wide roles the claims give under the
// --oidc-user-role-* flags, and whether site role sync is on.
func SiteRoles(field string, mapping map[string][]string, defaults []string, claims map[string]any) ([]string, bool) {
	if field == "" {
		return nil, false
	}
	return mapValues(ClaimValues(claims, field), mapping, defaults), true
}

func mapValues(values []string, mapping map[string][]string, base []string) []string {
	out := slices.Clone(base)
	add := func(r string) {
		if r != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	for _, v := range values {
		if mapped, ok := mapping[v]; ok {
			for _, r := range mapped {
				add(r)
			}
			continue
		}
		add(v)
	}
	sort.Strings(out)
	return out
}

// Diff splits want against have into what to add and what to remove.
func Diff[T comparable](have, want []T) (add, remove []T) {
	for _, w := range want {
		if !slices.Contains(have, w) {
			add = append(add, w)
		}
	}
	for _, h := range have {
		if !slices.Contains(want, h) {
			remove = append(remove, h)
		}
	}
	return add, remove
}

// PatchMapping applies a mapping patch: adds first, then removes (so a
// mapping in both is removed, as upstream).
func PatchMapping[T uuid.UUID | string](m map[string][]T, add, remove []codersdk.IDPSyncMapping[T]) map[string][]T {
	out := map[string][]T{}
	for k, v := range m {
		out[k] = slices.Clone(v)
	}
	for _, a := range add {
		if !slices.Contains(out[a.Given], a.Gets) {
			out[a.Given] = append(out[a.Given], a.Gets)
		}
	}
	for _, r := range remove {
		out[r.Given] = slices.DeleteFunc(out[r.Given], func(v T) bool { return v == r.Gets })
		if len(out[r.Given]) == 0 {
			delete(out, r.Given)
		}
	}
	return out
}

func sortedIDs(set map[uuid.UUID]bool) []uuid.UUID {
	out := make([]uuid.UUID, 0, len(set))
	for id := range set {
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}
