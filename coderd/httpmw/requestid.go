// Package httpmw holds the HTTP middleware every API request passes through.
package httpmw

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/devplane/devplane/codersdk"
)

type requestIDKey struct{}

// RequestID gives every request a fresh id, echoed in the response header and
// attached to logs and 500 bodies so a user's report can be found in the logs.
func RequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		id := uuid.New()
		rw.Header().Set(codersdk.RequestIDHeader, id.String())
		next.ServeHTTP(rw, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// RequestIDFrom returns the request's id, or uuid.Nil outside a request.
func RequestIDFrom(ctx context.Context) uuid.UUID {
	id, _ := ctx.Value(requestIDKey{}).(uuid.UUID)
	return id
}
