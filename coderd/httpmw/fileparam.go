package httpmw

import (
	"context"
	"net/http"

	"github.com/devplane/devplane/database"
)

// FileParam returns the file named by {fileID}.
func FileParam(r *http.Request) database.File {
	return paramValue[database.File](r, "ExtractFileParam")
}

// ExtractFileParam loads {fileID}, a file ID.
func ExtractFileParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("fileID", "file", func(ctx context.Context, _ *http.Request, param string) (database.File, error) {
		id, err := parseUUID("fileID", "a file", param)
		if err != nil {
			return database.File{}, err
		}
		return db.GetFileByID(ctx, id)
	})
}
