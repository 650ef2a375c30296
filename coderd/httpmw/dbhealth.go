package httpmw

import (
	"net/http"
	"strconv"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// DatabaseUnavailableRetryAfter is the Retry-After (seconds) of the 503 a
// request gets while the database is unreachable.
const DatabaseUnavailableRetryAfter = 5

// DatabaseUnavailableMessage is the message of that 503.
const DatabaseUnavailableMessage = "The database is unavailable. Try again in a few seconds."

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
			WriteDatabaseUnavailable(rw, r, status.Reason)
		})
	}
}

// WriteDatabaseUnavailable writes the 503 of a database outage; reason
// must carry no connection details (see database.OutageReason).
func WriteDatabaseUnavailable(rw http.ResponseWriter, r *http.Request, reason string) {
	rw.Header().Set("Retry-After", strconv.Itoa(DatabaseUnavailableRetryAfter))
	httpapi.Write(r.Context(), rw, http.StatusServiceUnavailable, codersdk.Response{
		Message: DatabaseUnavailableMessage,
		Detail:  "database unreachable: " + reason,
	})
}
