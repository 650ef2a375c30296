package coderd

import (
	"context"
	"fmt"
	"sort"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/httpapi"
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
