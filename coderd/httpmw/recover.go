package httpmw

import (
	"fmt"
	"net/http"
	"runtime/debug"

	"cdr.dev/slog"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
)

// Recover turns a panicking handler into a 500 codersdk.Response that names
// the request id, instead of a dropped connection.
func Recover(log slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			defer func() {
				p := recover()
				if p == nil {
					return
				}
				// http.ErrAbortHandler is how a handler deliberately aborts;
				// the server already knows what to do with it.
				if p == http.ErrAbortHandler { //nolint:errorlint // sentinel is compared as net/http does
					panic(p)
				}
				id := RequestIDFrom(r.Context())
				log.Error(r.Context(), "panic serving http request",
					slog.F("panic", fmt.Sprint(p)),
					slog.F("request_id", id),
					slog.F("stack", string(debug.Stack())),
				)
				// Write puts the request id in the body.
				httpapi.Write(r.Context(), rw, http.StatusInternalServerError, codersdk.Response{
					Message: "An internal server error occurred.",
				})
			}()
			next.ServeHTTP(rw, r)
		})
	}
}
