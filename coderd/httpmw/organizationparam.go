package httpmw

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
)

// OrganizationParam returns the organization named by {organization}.
func OrganizationParam(r *http.Request) database.Organization {
	return paramValue[database.Organization](r, "ExtractOrganizationParam")
}

// ExtractOrganizationParam loads {organization}: an id, a name, or "default".
func ExtractOrganizationParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("organization", "organization", func(ctx context.Context, _ *http.Request, param string) (database.Organization, error) {
		if param == "default" {
			return db.GetDefaultOrganization(ctx)
		}
		if id, err := uuid.Parse(param); err == nil {
			return db.GetOrganizationByID(ctx, id)
		}
		return db.GetOrganizationByName(ctx, param)
	})
}

// ExtractOrganizationByNameParam loads {organizationname}, an organization
// name, for OrganizationParam.
func ExtractOrganizationByNameParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("organizationname", "organization", func(ctx context.Context, _ *http.Request, param string) (database.Organization, error) {
		name, err := parseName(param)
		if err != nil {
			return database.Organization{}, err
		}
		return db.GetOrganizationByName(ctx, name)
	})
}
