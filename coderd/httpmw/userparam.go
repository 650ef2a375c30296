package httpmw

import (
	"context"
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

type userParamContextKey struct{}

// UserParam returns the user named by the {user} URL parameter.
func UserParam(r *http.Request) database.User {
	u, ok := r.Context().Value(userParamContextKey{}).(database.User)
	if !ok {
		panic("developer error: route is not behind ExtractUserParam")
	}
	return u
}

// ExtractUserParam loads {user} — a UUID, a username, or "me" — through
// dbauthz, so a user the caller may not read is a 404 like a missing one.
func ExtractUserParam(db database.Store) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			user, err := lookupUser(ctx, db, chi.URLParam(r, "user"), APIKeyAuthorization(r).Key.UserID)
			if httpapi.IsUnauthorizedOrNotFound(err) {
				httpapi.ResourceNotFound(rw)
				return
			}
			if err != nil {
				httpapi.Write(ctx, rw, http.StatusInternalServerError, codersdk.Response{
					Message: "Internal error fetching user.", Detail: err.Error(),
				})
				return
			}
			next.ServeHTTP(rw, r.WithContext(context.WithValue(ctx, userParamContextKey{}, user)))
		})
	}
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
