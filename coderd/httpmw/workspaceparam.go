package httpmw

import (
	"context"
	"net/http"
	"strconv"

	"github.com/devplane/devplane/database"
)

// WorkspaceParam returns the workspace named by {workspace}.
func WorkspaceParam(r *http.Request) database.Workspace {
	return paramValue[database.Workspace](r, "ExtractWorkspaceParam")
}

// ExtractWorkspaceParam loads {workspace}, a workspace ID. A deleted
// workspace is a 404 like a missing one, except for a GET with
// include_deleted (see includeDeleted).
func ExtractWorkspaceParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("workspace", "workspace", func(ctx context.Context, r *http.Request, param string) (database.Workspace, error) {
		id, err := parseUUID("workspace", "a workspace", param)
		if err != nil {
			return database.Workspace{}, err
		}
		deleted, err := includeDeleted(r)
		if err != nil {
			return database.Workspace{}, err
		}
		w, err := db.GetWorkspaceByID(ctx, id)
		if err == nil && w.Deleted && !deleted {
			return database.Workspace{}, database.ErrNoRows
		}
		return w, err
	})
}

// ExtractWorkspaceByNameParam loads {workspacename}, a workspace of the
// {user} in the path (ExtractUserParam runs first), for WorkspaceParam.
// Deleted workspaces follow the same rule as on ExtractWorkspaceParam.
func ExtractWorkspaceByNameParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("workspacename", "workspace", func(ctx context.Context, r *http.Request, param string) (database.Workspace, error) {
		name, err := parseName(param)
		if err != nil {
			return database.Workspace{}, err
		}
		deleted, err := includeDeleted(r)
		if err != nil {
			return database.Workspace{}, err
		}
		return db.GetWorkspaceByOwnerIDAndName(ctx, database.GetWorkspaceByOwnerIDAndNameParams{
			OwnerID: UserParam(r).ID, Name: name, IncludeDeleted: deleted,
		})
	})
}

// WorkspaceBuildParam returns the build named by {workspacebuild}.
func WorkspaceBuildParam(r *http.Request) database.WorkspaceBuild {
	return paramValue[database.WorkspaceBuild](r, "ExtractWorkspaceBuildParam")
}

// ExtractWorkspaceBuildParam loads {workspacebuild}, a build ID.
func ExtractWorkspaceBuildParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("workspacebuild", "workspace build", func(ctx context.Context, _ *http.Request, param string) (database.WorkspaceBuild, error) {
		id, err := parseUUID("workspacebuild", "a workspace build", param)
		if err != nil {
			return database.WorkspaceBuild{}, err
		}
		return db.GetWorkspaceBuildByID(ctx, id)
	})
}

// ExtractWorkspaceBuildByNumberParam loads {buildnumber}, a build of the
// workspace in the path (an extractor of WorkspaceParam runs first), for
// WorkspaceBuildParam. Build numbers are positive whole numbers.
func ExtractWorkspaceBuildByNumberParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("buildnumber", "workspace build", func(ctx context.Context, r *http.Request, param string) (database.WorkspaceBuild, error) {
		number, err := strconv.ParseInt(param, 10, 32)
		if err != nil || number < 1 {
			return database.WorkspaceBuild{}, badParamError{field: "buildnumber", detail: "must be a positive whole number"}
		}
		return db.GetWorkspaceBuildByWorkspaceIDAndBuildNumber(ctx, database.GetWorkspaceBuildByWorkspaceIDAndBuildNumberParams{
			WorkspaceID: WorkspaceParam(r).ID, BuildNumber: int32(number),
		})
	})
}
