package httpmw

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// UserParam returns the user named by the {user} URL parameter.
func UserParam(r *http.Request) database.User {
	return paramValue[database.User](r, "ExtractUserParam")
}

// ExtractUserParam loads {user}: a UUID, a username, or "me".
func ExtractUserParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("user", "user", func(ctx context.Context, r *http.Request, param string) (database.User, error) {
		return lookupUser(ctx, db, param, APIKeyAuthorization(r).Key.UserID)
	})
}

func lookupUser(ctx context.Context, db database.Store, param string, me uuid.UUID) (database.User, error) {
	var (
		user database.User
		err  error
	)
	switch {
	case param == "":
		return database.User{}, database.ErrNoRows
	case param == codersdk.Me:
		user, err = db.GetUserByID(ctx, me)
	default:
		if id, perr := uuid.Parse(param); perr == nil {
			user, err = db.GetUserByID(ctx, id)
		} else {
			user, err = db.GetUserByEmailOrUsername(ctx, database.GetUserByEmailOrUsernameParams{Username: param})
		}
	}
	if err == nil && user.Deleted {
		return database.User{}, database.ErrNoRows
	}
	return user, err
}
