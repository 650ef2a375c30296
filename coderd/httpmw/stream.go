package httpmw

import (
	"context"
	"net/http"
)

type streamingKey struct{}

// MarkStreaming flags the requests isStreaming picks as streams: responses
// held open for as long as the client listens (Server-Sent Events,
// websockets). A stream has no write deadline and may carry its session
// token in the query string, because browsers cannot set headers on an
// EventSource or a WebSocket. It must run before the middleware that
// reads the flag (timeouts, API key, rate limit).
func MarkStreaming(isStreaming func(*http.Request) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if isStreaming(r) {
				r = r.WithContext(context.WithValue(r.Context(), streamingKey{}, true))
			}
			next.ServeHTTP(rw, r)
		})
	}
}

// IsStreaming reports whether MarkStreaming flagged the request.
func IsStreaming(r *http.Request) bool {
	v, _ := r.Context().Value(streamingKey{}).(bool)
	return v
}
