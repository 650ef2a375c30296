package httpmw

import (
	"context"
	"net/http"

	"github.com/devplane/devplane/database"
)

// GroupParam returns the group named by {group}.
func GroupParam(r *http.Request) database.Group {
	return paramValue[database.Group](r, "ExtractGroupParam")
}

// ExtractGroupParam loads {group}, a group ID.
func ExtractGroupParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("group", "group", func(ctx context.Context, _ *http.Request, param string) (database.Group, error) {
		id, err := parseUUID("group", "a group", param)
		if err != nil {
			return database.Group{}, err
		}
		return db.GetGroupByID(ctx, id)
	})
}

// ExtractGroupByNameParam loads {groupName}, a group of the {organization}
// in the path, for GroupParam.
func ExtractGroupByNameParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("groupName", "group", func(ctx context.Context, r *http.Request, param string) (database.Group, error) {
		name, err := parseName(param)
		if err != nil {
			return database.Group{}, err
		}
		return db.GetGroupByOrgAndName(ctx, database.GetGroupByOrgAndNameParams{OrganizationID: OrganizationParam(r).ID, Name: name})
	})
}
