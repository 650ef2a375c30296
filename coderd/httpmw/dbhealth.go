package httpmw

import (
	"net/http"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/database"
)

// RequireDatabase answers 503 with Retry-After at once while monitor says
// the database is unreachable, so requests neither wait on connection
// attempts nor fail with a 500 one by one. A nil monitor lets everything
// through.
func RequireDatabase(monitor *database.HealthMonitor) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if monitor == nil {
			return next
		}
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			status := monitor.Status()
			if status.Healthy {
				next.ServeHTTP(rw, r)
				return
			}
			httpapi.DatabaseUnavailable(rw, status.Reason)
		})
	}
}
