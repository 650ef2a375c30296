package httpmw

import (
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/xerrors"
)

// HSTS returns a middleware that sets Strict-Transport-Security on every
// response: max-age in seconds, then the options (includeSubDomains,
// preload). The caller applies it only when the deployment is reached over
// https; browsers ignore the header on plain HTTP anyway.
func HSTS(maxAge int64, options []string) (func(http.Handler) http.Handler, error) {
	if maxAge <= 0 {
		return nil, xerrors.Errorf("--strict-transport-security must be positive to send the header, got %d", maxAge)
	}
	parts := []string{fmt.Sprintf("max-age=%d", maxAge)}
	for _, o := range options {
		switch strings.ToLower(strings.TrimSpace(o)) {
		case "includesubdomains":
			parts = append(parts, "includeSubDomains")
		case "preload":
			parts = append(parts, "preload")
		default:
			return nil, xerrors.Errorf("--strict-transport-security-options %q: want includeSubDomains or preload", o)
		}
	}
	value := strings.Join(parts, "; ")
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			rw.Header().Set("Strict-Transport-Security", value)
			next.ServeHTTP(rw, r)
		})
	}, nil
}
