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
	"reflect"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
)

// maxBodyBytes bounds JSON request bodies; file uploads have their own limit.
const maxBodyBytes = 4 << 20

// Write encodes v as the JSON body of a response with the given status.
//
// A 5xx codersdk.Response never carries a handler's detail, which may hold
// driver or SQL text: the detail sent is only the request id, and what the
// handler wanted to say goes to the request log instead (see CauseRecorder).
func Write(ctx context.Context, rw http.ResponseWriter, status int, v any) {
	_ = ctx // kept in the signature for tracing and for symmetry with Read
	if status >= http.StatusInternalServerError {
		v = redactServerError(rw, v)
	}
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

func redactServerError(rw http.ResponseWriter, v any) any {
	var resp codersdk.Response
	switch r := v.(type) {
	case codersdk.Response:
		resp = r
	case *codersdk.Response:
		if r == nil {
			return v
		}
		resp = *r
	default:
		return v
	}
	recorder := findCauseRecorder(rw)
	if recorder != nil && resp.Detail != "" {
		recorder.RecordCause(errors.New(resp.Detail))
	}
	resp.Detail = ""
	// The request id middleware names the request in a header; a recorder
	// knows it too.
	id := rw.Header().Get(codersdk.RequestIDHeader)
	if id == "" && recorder != nil && recorder.RequestID() != uuid.Nil {
		id = recorder.RequestID().String()
	}
	if id != "" {
		resp.Detail = fmt.Sprintf("Quote request id %s when reporting this.", id)
	}
	return resp
}

// CauseRecorder is implemented by a ResponseWriter wrapper (the request
// logger's) that logs why a request failed with a 5xx, under the request's
// id. Handlers reach it through InternalServerError and Write, which find it
// down the chain of wrappers by their Unwrap methods.
type CauseRecorder interface {
	RecordCause(err error)
	RequestID() uuid.UUID
}

func findCauseRecorder(rw http.ResponseWriter) CauseRecorder {
	for rw != nil {
		if r, ok := rw.(CauseRecorder); ok {
			return r
		}
		u, ok := rw.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return nil
		}
		rw = u.Unwrap()
	}
	return nil
}

// DatabaseUnavailableRetryAfter is the Retry-After (seconds) of a 503 caused
// by an unreachable database.
const DatabaseUnavailableRetryAfter = "5"

// DatabaseUnavailable answers 503 with Retry-After: the request may succeed
// once the database is back. Every path that finds the database gone (the
// health middleware, a handler's failed query) answers with it, so clients
// see one answer. reason is database.OutageReason's text, which carries no
// connection details; it goes in the message because Write keeps details out
// of every 5xx.
func DatabaseUnavailable(rw http.ResponseWriter, reason string) {
	msg := "The database is unavailable. Try again in a few seconds."
	if reason != "" {
		msg = "The database is unavailable (" + reason + "). Try again in a few seconds."
	}
	rw.Header().Set("Retry-After", DatabaseUnavailableRetryAfter)
	Write(context.Background(), rw, http.StatusServiceUnavailable, codersdk.Response{Message: msg})
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

// InternalServerError answers 500 saying only that something failed, with
// the request id; err is logged with that id by the request logger. When err
// means the database is unreachable the answer is 503 with Retry-After: the
// request may well succeed shortly.
func InternalServerError(rw http.ResponseWriter, err error) {
	if database.IsUnavailable(err) {
		if recorder := findCauseRecorder(rw); recorder != nil {
			recorder.RecordCause(err)
		}
		DatabaseUnavailable(rw, database.OutageReason(err))
		return
	}
	if recorder := findCauseRecorder(rw); recorder != nil && err != nil {
		recorder.RecordCause(err)
	}
	Write(context.Background(), rw, http.StatusInternalServerError, codersdk.Response{
		Message: "An internal server error occurred.",
	})
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
	raw, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, maxBodyBytes))
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.DisallowUnknownFields()
		err = dec.Decode(v)
		// A second value after the first is as malformed as a syntax error.
		if err == nil && dec.More() {
			err = errors.New("unexpected data after the JSON object")
		}
	}
	if err == nil {
		return storableBody(ctx, rw, raw)
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
		if field == "" {
			field = "body"
		}
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
		// A field's own decoder refused its value (a malformed UUID or
		// time, say); encoding/json does not say which field, so find it.
		resp := codersdk.Response{
			Message: "Request body could not be read.",
			Detail:  err.Error(),
		}
		if field := badField(raw, reflect.TypeOf(v)); field != "" {
			resp.Message = fmt.Sprintf("Request body has an invalid value for %q.", field)
			resp.Validations = []codersdk.ValidationError{{Field: field, Detail: err.Error()}}
		}
		Write(ctx, rw, http.StatusBadRequest, resp)
	}
	return false
}

// storableBody answers 400 and returns false when a string in the JSON body
// raw cannot be stored by PostgreSQL, naming its field.
func storableBody(ctx context.Context, rw http.ResponseWriter, raw []byte) bool {
	field, reason, err := unstorableJSONField(raw)
	switch {
	case errors.Is(err, errTooDeep):
		Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message:     "Request body is nested too deeply.",
			Detail:      fmt.Sprintf("The limit is %d levels.", maxJSONDepth),
			Validations: []codersdk.ValidationError{{Field: orBody(field), Detail: "nested too deeply"}},
		})
		return false
	case err != nil:
		Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: "Request body is not valid JSON.",
			Detail:  err.Error(),
		})
		return false
	case field != "":
		Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message:     fmt.Sprintf("Request body has an invalid value for %q.", field),
			Detail:      "Text " + reason + ".",
			Validations: []codersdk.ValidationError{{Field: field, Detail: reason}},
		})
		return false
	}
	return true
}

func orBody(field string) string {
	if field == "" {
		return "body"
	}
	return field
}

// IsUnauthorizedOrNotFound reports whether err means "the caller cannot see
// this": a missing row or an authorization refusal. Both answer 404.
func IsUnauthorizedOrNotFound(err error) bool {
	return errors.Is(err, pgx.ErrNoRows) || dbauthz.IsNotAuthorizedError(err)
}

// WriteList answers a list read: the rows converted for the wire, or err as
// WriteError answers it (a 404 when the caller may not see them).
func WriteList[T, U any](rw http.ResponseWriter, r *http.Request, rows []T, err error, convert func(T) U) {
	if err != nil {
		WriteError(r.Context(), rw, err)
		return
	}
	out := make([]U, 0, len(rows))
	for _, row := range rows {
		out = append(out, convert(row))
	}
	Write(r.Context(), rw, http.StatusOK, out)
}

// WriteListFallible is WriteList for converters that can fail (a stored
// column that does not decode): such a row makes the answer a 500, with
// its cause logged.
func WriteListFallible[T, U any](rw http.ResponseWriter, r *http.Request, rows []T, err error, convert func(T) (U, error)) {
	if err != nil {
		WriteError(r.Context(), rw, err)
		return
	}
	out := make([]U, 0, len(rows))
	for _, row := range rows {
		u, err := convert(row)
		if err != nil {
			InternalServerError(rw, err)
			return
		}
		out = append(out, u)
	}
	Write(r.Context(), rw, http.StatusOK, out)
}

// WantsHTML reports whether the client is a browser asking for a page (its
// Accept names text/html); API clients get a codersdk.Response instead.
func WantsHTML(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "text/html")
}

// RequireUpgrade answers 426 Upgrade Required, as a codersdk.Response,
// unless r asks to upgrade to a WebSocket or to one of also (raw upgrade
// tokens the handler accepts too). Handlers of streaming routes call it
// first, so that a plain request gets a clear error before any session is
// opened or recorded, not the WebSocket library's text.
func RequireUpgrade(ctx context.Context, rw http.ResponseWriter, r *http.Request, also ...string) bool {
	if headerHasToken(r.Header, "Connection", "upgrade") {
		upgrade := r.Header.Get("Upgrade")
		if strings.EqualFold(upgrade, "websocket") {
			return true
		}
		for _, token := range also {
			if strings.EqualFold(upgrade, token) {
				return true
			}
		}
	}
	rw.Header().Set("Connection", "Upgrade")
	rw.Header().Set("Upgrade", "websocket")
	Write(ctx, rw, http.StatusUpgradeRequired, codersdk.Response{
		Message: "This endpoint needs a WebSocket connection.",
		Detail:  "Send the request as a WebSocket upgrade (Connection: Upgrade, Upgrade: websocket).",
	})
	return false
}

// headerHasToken reports whether the comma-separated header name holds
// token (case-insensitive), as in "Connection: keep-alive, Upgrade".
func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
