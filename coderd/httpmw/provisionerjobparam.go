package httpmw

import (
	"context"
	"net/http"

	"github.com/devplane/devplane/database"
)

// ProvisionerJobParam returns the job named by {job}.
func ProvisionerJobParam(r *http.Request) database.ProvisionerJob {
	return paramValue[database.ProvisionerJob](r, "ExtractProvisionerJobParam")
}

// ExtractProvisionerJobParam loads {job}, a job ID, of the {organization}
// in the path: a job of another organization is a 404 like a missing one.
func ExtractProvisionerJobParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("job", "provisioner job", func(ctx context.Context, r *http.Request, param string) (database.ProvisionerJob, error) {
		id, err := parseUUID("job", "a provisioner job", param)
		if err != nil {
			return database.ProvisionerJob{}, err
		}
		job, err := db.GetProvisionerJobByID(ctx, id)
		if err == nil && job.OrganizationID != OrganizationParam(r).ID {
			return database.ProvisionerJob{}, database.ErrNoRows
		}
		return job, err
	})
}
