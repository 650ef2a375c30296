package coderd

import (
	"net/http"
	"strings"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/site"
)

// dashboard answers every path the router does not know: the dashboard
// routes in the browser, so its pages (/workspaces, /@alice/dev, ...) are
// all index.html. Paths of the server's own (the API, the Swagger page when
// it is off) keep their JSON 404, and writes to unknown paths are not pages
// either.
func (api *API) dashboard() http.HandlerFunc {
	pages := site.Handler()
	return func(rw http.ResponseWriter, r *http.Request) {
		if serverOwned(r.URL.Path) || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			httpapi.RouteNotFound(rw, r)
			return
		}
		pages.ServeHTTP(rw, r)
	}
}

func serverOwned(p string) bool {
	for _, prefix := range []string{"/api", "/swagger", "/healthz"} {
		if p == prefix || strings.HasPrefix(p, prefix+"/") {
			return true
		}
	}
	return false
}
