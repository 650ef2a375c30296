package coderd

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// applyACLChanges applies role changes to an ACL (templates and workspaces
// share the shape): keys are user or group IDs, roles "use" or "admin",
// and "" removes the entry. A new entry's ID must pass check. Problems
// become validations under field.<key>; the error is for internal
// failures only.
func applyACLChanges[R ~string](v *httpapi.Validations, field string, changes map[string]R, acl database.ACL,
	roleActions func(R) []rbac.Action, check func(uuid.UUID) (string, error),
) error {
	keys := make([]string, 0, len(changes))
	for k := range changes {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic validation order
	for _, k := range keys {
		role, f := changes[k], field+"."+k
		id, err := uuid.Parse(k)
		if err != nil {
			v.Check(f, "must be a UUID")
			continue
		}
		switch role {
		case "":
			delete(acl, id)
			continue
		case "use", "admin":
		default:
			v.Check(f, fmt.Sprintf(`role %q must be "use", "admin", or "" to remove the entry`, role))
			continue
		}
		problem, err := check(id)
		if err != nil {
			return err
		}
		if problem != "" {
			v.Check(f, problem)
			continue
		}
		acl[id] = roleActions(role)
	}
	return nil
}

// memberCheck says whether an ID is a member of the organization, for ACL
// entries of something that lives there (noun names it in the message).
func (api *API) memberCheck(ctx context.Context, orgID uuid.UUID, noun string) func(uuid.UUID) (string, error) {
	return func(id uuid.UUID) (string, error) {
		_, err := api.Database.GetOrganizationMember(ctx, database.GetOrganizationMemberParams{OrganizationID: orgID, UserID: id})
		if httpapi.IsUnauthorizedOrNotFound(err) {
			return fmt.Sprintf("no member of the %s's organization has this ID", noun), nil
		}
		return "", err
	}
}

// groupCheck says whether an ID is a group of the organization.
func (api *API) groupCheck(ctx context.Context, orgID uuid.UUID, noun string) func(uuid.UUID) (string, error) {
	return func(id uuid.UUID) (string, error) {
		g, err := api.Database.GetGroupByID(ctx, id)
		if httpapi.IsUnauthorizedOrNotFound(err) || (err == nil && g.OrganizationID != orgID) {
			return fmt.Sprintf("no group of the %s's organization has this ID", noun), nil
		}
		return "", err
	}
}

// aclGroups converts the groups an ACL names, sorted by name, into entries
// made by entry from each group and its actions. Groups the caller may not
// see, or that are gone, are left out.
func aclGroups[E any](ctx context.Context, api *API, acl database.ACL, entry func(codersdk.Group, []rbac.Action) E) ([]E, error) {
	type named struct {
		group   codersdk.Group
		actions []rbac.Action
	}
	var groups []named
	conv := api.newGroupLoader(ctx)
	for id, actions := range acl {
		g, err := api.Database.GetGroupByID(ctx, id)
		if httpapi.IsUnauthorizedOrNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		cg, err := conv.load(g)
		if err != nil {
			return nil, err
		}
		groups = append(groups, named{cg, actions})
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].group.Name < groups[j].group.Name })
	out := make([]E, 0, len(groups))
	for _, g := range groups {
		out = append(out, entry(g.group, g.actions))
	}
	return out, nil
}

// marshalACLs encodes a user and a group ACL for storing.
func marshalACLs(users, groups database.ACL) (userJSON, groupJSON []byte, err error) {
	if userJSON, err = json.Marshal(users); err != nil {
		return nil, nil, err
	}
	if groupJSON, err = json.Marshal(groups); err != nil {
		return nil, nil, err
	}
	return userJSON, groupJSON, nil
}
