package httpmw

import "net/http"

// NoStore keeps every response out of browser and shared caches. API
// responses carry session tokens, API keys, SSH public keys and the
// deployment config, and the rest are per-user views that no cache can
// serve to anyone else; naming the secret-bearing routes one by one would
// leave the next one out. A handler that has a reason to be cached sets its
// own Cache-Control, which replaces this one.
func NoStore(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rw.Header().Set("Cache-Control", "no-store")
		next.ServeHTTP(rw, r)
	})
}
