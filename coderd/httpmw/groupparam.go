package httpmw

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
)

// GroupParam returns the group named by {group}.
func GroupParam(r *http.Request) database.Group {
	return paramValue[database.Group](r, "ExtractGroupParam")
}

// ExtractGroupParam loads {group}, a group ID.
func ExtractGroupParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("group", "group", func(ctx context.Context, _ *http.Request, param string) (database.Group, error) {
		id, err := uuid.Parse(param)
		if err != nil {
			return database.Group{}, badParamError{field: "group", detail: "must be a group ID (a UUID)"}
		}
		return db.GetGroupByID(ctx, id)
	})
}
