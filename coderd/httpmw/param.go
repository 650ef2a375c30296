package httpmw

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// paramKey is the context key under which the row loaded for one kind of URL
// parameter is stored; each T gets its own key type.
type paramKey[T any] struct{}

// badParamError is returned by a lookup when the parameter (or a query
// parameter that qualifies it) is malformed, as opposed to naming nothing:
// the answer is 400, not 404.
type badParamError struct{ field, detail string }

func (e badParamError) Error() string { return e.field + " " + e.detail }

// The parsing rules every parameter follows, so the same kind of value reads
// the same way on every route.

// parseUUID reads an ID parameter; anything else is a 400.
func parseUUID(field, what, param string) (uuid.UUID, error) {
	id, err := uuid.Parse(param)
	if err != nil {
		return uuid.Nil, badParamError{field: field, detail: "must be " + what + " ID (a UUID)"}
	}
	return id, nil
}

// ParseUUIDParam is parseUUID for lookups defined outside this package:
// what is the thing's name with its article ("a dry-run job").
func ParseUUIDParam(field, what, param string) (uuid.UUID, error) {
	return parseUUID(field, what, param)
}

// parseName reads a name parameter: names are matched as given (the
// queries compare case-insensitively); an empty one names nothing.
func parseName(param string) (string, error) {
	if param == "" {
		return "", database.ErrNoRows
	}
	return param, nil
}

// includeDeleted reads ?include_deleted, which lets a GET read a deleted
// row: strconv.ParseBool's spellings (1, t, true, ...), absent is false,
// anything else is a 400. Other methods never act on deleted rows.
func includeDeleted(r *http.Request) (bool, error) {
	raw := r.URL.Query().Get("include_deleted")
	if raw == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(raw)
	if err != nil {
		return false, badParamError{field: "include_deleted", detail: fmt.Sprintf("%q is not a boolean", raw)}
	}
	return b && r.Method == http.MethodGet, nil
}

// ExtractParam is extractParam for a parameter whose lookup needs more
// than the store (it lives with its handlers), so that it still answers
// 400, 404 and 500 by the same rules. Read the row with Param.
func ExtractParam[T any](name, what string, lookup func(ctx context.Context, r *http.Request, param string) (T, error)) func(http.Handler) http.Handler {
	return extractParam(name, what, lookup)
}

// Param returns the row an ExtractParam middleware stored; middleware names
// it for the panic when the route lacks it.
func Param[T any](r *http.Request, middleware string) T {
	return paramValue[T](r, middleware)
}

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
			case err != nil:
				// A missing or unreadable row is a 404; anything else a 500.
				httpapi.WriteError(ctx, rw, xerrors.Errorf("fetch %s: %w", what, err))
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
