package coderd

import (
	"context"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// loadUsers converts users with their organizations, fetched in one query,
// not one per user.
func loadUsers(ctx context.Context, db database.Store, users []database.User) ([]codersdk.User, error) {
	ids := make([]uuid.UUID, 0, len(users))
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	rows, err := db.GetOrganizationIDsByMemberIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	orgs := make(map[uuid.UUID][]uuid.UUID, len(rows))
	for _, row := range rows {
		orgs[row.UserID] = row.OrganizationIds
	}
	out := make([]codersdk.User, 0, len(users))
	for _, u := range users {
		out = append(out, convert.User(u, orgs[u.ID]))
	}
	return out, nil
}
