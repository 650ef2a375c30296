package httpmw

import (
	"context"
	"net/http"

	"github.com/devplane/devplane/database"
)

// APIKeyParam returns the API key named by {keyid} or {keyname}. (APIKey
// is the key the request authenticated with.)
func APIKeyParam(r *http.Request) database.APIKey {
	return paramValue[database.APIKey](r, "ExtractAPIKeyParam")
}

// ExtractAPIKeyParam loads {keyid}, an API key ID, of the {user} in the
// path: another user's key is a 404 like a missing one.
func ExtractAPIKeyParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("keyid", "API key", func(ctx context.Context, r *http.Request, param string) (database.APIKey, error) {
		id, err := parseName(param)
		if err != nil {
			return database.APIKey{}, err
		}
		key, err := db.GetAPIKeyByID(ctx, id)
		if err == nil && key.UserID != UserParam(r).ID {
			return database.APIKey{}, database.ErrNoRows
		}
		return key, err
	})
}

// ExtractAPIKeyByNameParam loads {keyname}, the name of a token of the
// {user} in the path, for APIKeyParam.
func ExtractAPIKeyByNameParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("keyname", "API key", func(ctx context.Context, r *http.Request, param string) (database.APIKey, error) {
		name, err := parseName(param)
		if err != nil {
			return database.APIKey{}, err
		}
		return db.GetAPIKeyByName(ctx, database.GetAPIKeyByNameParams{UserID: UserParam(r).ID, TokenName: name})
	})
}
