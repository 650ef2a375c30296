// Package httpapi reads requests and writes responses in the API's wire
// format: JSON bodies, and codersdk.Response for every error.
package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbauthz"
)

// maxBodyBytes bounds JSON request bodies; file uploads have their own limit.
const maxBodyBytes = 4 << 20

// Write encodes v as the JSON body of a response with the given status.
func Write(ctx context.Context, rw http.ResponseWriter, status int, v any) {
	_ = ctx // kept in the signature for tracing and for symmetry with Read
	buf := &bytes.Buffer{}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(rw, `{"message":"Failed to encode response."}`, http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "application/json; charset=utf-8")
	rw.WriteHeader(status)
	_, _ = rw.Write(buf.Bytes())
}

// ResourceNotFound answers 404. It is also the answer when the caller may not
// see the resource, so that existence never leaks.
func ResourceNotFound(rw http.ResponseWriter) {
	Write(context.Background(), rw, http.StatusNotFound, codersdk.Response{
		Message: "Resource not found or you do not have access to this resource",
	})
}

// Forbidden answers 403: the caller may see the resource but not do this.
func Forbidden(rw http.ResponseWriter) {
	Write(context.Background(), rw, http.StatusForbidden, codersdk.Response{
		Message: "Forbidden.",
	})
}

// InternalServerError answers 500 with the error as detail.
func InternalServerError(rw http.ResponseWriter, err error) {
	resp := codersdk.Response{Message: "An internal server error occurred."}
	if err != nil {
		resp.Detail = err.Error()
	}
	Write(context.Background(), rw, http.StatusInternalServerError, resp)
}

// RouteNotFound answers requests for paths that have no handler.
func RouteNotFound(rw http.ResponseWriter, r *http.Request) {
	Write(r.Context(), rw, http.StatusNotFound, codersdk.Response{
		Message: fmt.Sprintf("Route not found: %s %s", r.Method, r.URL.Path),
	})
}

// MethodNotAllowed answers requests whose path exists for other methods,
// listing those methods in the Allow header as RFC 9110 asks.
func MethodNotAllowed(rw http.ResponseWriter, r *http.Request) {
	if rctx := chi.RouteContext(r.Context()); rctx != nil && rctx.Routes != nil {
		// rctx.Routes is the top-level router, so match the full path.
		path := r.URL.Path
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if rctx.Routes.Match(chi.NewRouteContext(), m, path) {
				rw.Header().Add("Allow", m)
			}
		}
	}
	Write(r.Context(), rw, http.StatusMethodNotAllowed, codersdk.Response{
		Message: fmt.Sprintf("Method %s is not allowed on %s.", r.Method, r.URL.Path),
		Detail:  "Allowed methods are listed in the Allow header.",
	})
}

// Read decodes a JSON request body into v. On failure it writes a 400 (or 413,
// or 415) and returns false; the handler then just returns.
func Read(ctx context.Context, rw http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mediaType, _, err := mime.ParseMediaType(ct)
		if err != nil || (mediaType != "application/json" && !strings.HasSuffix(mediaType, "+json")) {
			Write(ctx, rw, http.StatusUnsupportedMediaType, codersdk.Response{
				Message: "Request body must be JSON.",
				Detail:  fmt.Sprintf("Content-Type %q is not application/json.", ct),
			})
			return false
		}
	}
	dec := json.NewDecoder(http.MaxBytesReader(rw, r.Body, maxBodyBytes))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		// A second value after the first is as malformed as a syntax error.
		if dec.More() {
			err = errors.New("unexpected data after the JSON object")
		}
	}
	if err == nil {
		return true
	}

	var (
		maxErr    *http.MaxBytesError
		typeErr   *json.UnmarshalTypeError
		syntaxErr *json.SyntaxError
	)
	switch {
	case errors.As(err, &maxErr):
		Write(ctx, rw, http.StatusRequestEntityTooLarge, codersdk.Response{
			Message: "Request body is too large.",
			Detail:  fmt.Sprintf("The limit is %d bytes.", maxErr.Limit),
		})
	case errors.As(err, &typeErr):
		field := typeErr.Field
		Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: "Request body has a field of the wrong type.",
			Detail:  err.Error(),
			Validations: []codersdk.ValidationError{{
				Field:  field,
				Detail: fmt.Sprintf("must be %s, not %s", typeErr.Type.String(), typeErr.Value),
			}},
		})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message:     "Request body has an unknown field.",
			Detail:      err.Error(),
			Validations: []codersdk.ValidationError{{Field: field, Detail: "unknown field"}},
		})
	case errors.Is(err, io.EOF):
		Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: "Request body is empty; a JSON object is required.",
		})
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: "Request body is not valid JSON.",
			Detail:  err.Error(),
		})
	default:
		Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: "Request body could not be read.",
			Detail:  err.Error(),
		})
	}
	return false
}

// IsUnauthorizedOrNotFound reports whether err means "the caller cannot see
// this": a missing row or an authorization refusal. Both answer 404.
func IsUnauthorizedOrNotFound(err error) bool {
	return errors.Is(err, pgx.ErrNoRows) || dbauthz.IsNotAuthorizedError(err)
}

// WriteList answers a list read: the rows converted for the wire, a 404 when
// the caller may not see them, or a 500.
func WriteList[T, U any](rw http.ResponseWriter, r *http.Request, rows []T, err error, convert func(T) U) {
	if IsUnauthorizedOrNotFound(err) {
		ResourceNotFound(rw)
		return
	}
	if err != nil {
		InternalServerError(rw, err)
		return
	}
	out := make([]U, 0, len(rows))
	for _, row := range rows {
		out = append(out, convert(row))
	}
	Write(r.Context(), rw, http.StatusOK, out)
}
