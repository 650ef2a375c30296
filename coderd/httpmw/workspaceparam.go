package httpmw

import (
	"context"
	"net/http"
	"strconv"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
)

// WorkspaceParam returns the workspace named by {workspace}.
func WorkspaceParam(r *http.Request) database.Workspace {
	return paramValue[database.Workspace](r, "ExtractWorkspaceParam")
}

// ExtractWorkspaceParam loads {workspace}, a workspace ID. A deleted
// workspace is a 404 like a missing one, except for a GET with
// include_deleted=true.
func ExtractWorkspaceParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("workspace", "workspace", func(ctx context.Context, r *http.Request, param string) (database.Workspace, error) {
		id, err := uuid.Parse(param)
		if err != nil {
			return database.Workspace{}, badParamError{field: "workspace", detail: "must be a workspace ID (a UUID)"}
		}
		w, err := db.GetWorkspaceByID(ctx, id)
		if err == nil && w.Deleted && !(r.Method == http.MethodGet && includeDeleted(r)) {
			return database.Workspace{}, database.ErrNoRows
		}
		return w, err
	})
}

func includeDeleted(r *http.Request) bool {
	b, _ := strconv.ParseBool(r.URL.Query().Get("include_deleted"))
	return b
}

// WorkspaceBuildParam returns the build named by {workspacebuild}.
func WorkspaceBuildParam(r *http.Request) database.WorkspaceBuild {
	return paramValue[database.WorkspaceBuild](r, "ExtractWorkspaceBuildParam")
}

// ExtractWorkspaceBuildParam loads {workspacebuild}, a build ID.
func ExtractWorkspaceBuildParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("workspacebuild", "workspace build", func(ctx context.Context, _ *http.Request, param string) (database.WorkspaceBuild, error) {
		id, err := uuid.Parse(param)
		if err != nil {
			return database.WorkspaceBuild{}, badParamError{field: "workspacebuild", detail: "must be a workspace build ID (a UUID)"}
		}
		return db.GetWorkspaceBuildByID(ctx, id)
	})
}
