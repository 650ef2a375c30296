package httpmw

import (
	"net/http"

	"github.com/devplane/devplane/buildinfo"
	"github.com/devplane/devplane/codersdk"
)

// SecurityHeaders sets the headers that keep browsers from sniffing, framing
// or leaking referrers of API responses, and tells clients the server version.
func SecurityHeaders(next http.Handler) http.Handler {
	version := buildinfo.Version()
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		h := rw.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set(codersdk.BuildVersionHeader, version)
		next.ServeHTTP(rw, r)
	})
}
