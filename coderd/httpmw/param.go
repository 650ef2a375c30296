package httpmw

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/go-chi/chi/v5"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
)

// paramKey is the context key under which the row loaded for one kind of URL
// parameter is stored; each T gets its own key type.
type paramKey[T any] struct{}

// badParamError is returned by a lookup when the parameter is malformed, as
// opposed to naming nothing: the answer is 400, not 404.
type badParamError struct{ field, detail string }

func (e badParamError) Error() string { return e.field + " " + e.detail }

// extractParam loads the row that URL parameter name refers to with lookup,
// which must go through dbauthz: a row the caller may not read is a 404 like
// a missing one, so existence never leaks.
func extractParam[T any](name, what string, lookup func(ctx context.Context, r *http.Request, param string) (T, error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			row, err := lookup(ctx, r, chi.URLParam(r, name))
			var bad badParamError
			switch {
			case errors.As(err, &bad):
				httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
					Message:     fmt.Sprintf("Invalid %s.", what),
					Validations: []codersdk.ValidationError{{Field: bad.field, Detail: bad.detail}},
				})
				return
			case httpapi.IsUnauthorizedOrNotFound(err):
				httpapi.ResourceNotFound(rw)
				return
			case err != nil:
				httpapi.InternalServerError(rw, xerrors.Errorf("fetch %s: %w", what, err))
				return
			}
			// An audited request is about what its URL names unless the
			// handler says otherwise.
			audit.Loaded(ctx, row)
			next.ServeHTTP(rw, r.WithContext(context.WithValue(ctx, paramKey[T]{}, row)))
		})
	}
}

// paramValue returns the row extractParam stored. It panics when the route is
// not behind the middleware: that is a routing bug, not a user error.
func paramValue[T any](r *http.Request, middleware string) T {
	v, ok := r.Context().Value(paramKey[T]{}).(T)
	if !ok {
		panic("developer error: route is not behind " + middleware)
	}
	return v
}
