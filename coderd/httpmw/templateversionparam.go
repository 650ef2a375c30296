package httpmw

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
)

// TemplateVersionParam returns the template version named by
// {templateversion}.
func TemplateVersionParam(r *http.Request) database.TemplateVersion {
	return paramValue[database.TemplateVersion](r, "ExtractTemplateVersionParam")
}

// ExtractTemplateVersionParam loads {templateversion}, a template version
// ID. A version the caller may not read is a 404 like a missing one.
func ExtractTemplateVersionParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("templateversion", "template version", func(ctx context.Context, _ *http.Request, param string) (database.TemplateVersion, error) {
		id, err := uuid.Parse(param)
		if err != nil {
			return database.TemplateVersion{}, badParamError{field: "templateversion", detail: "must be a template version ID (a UUID)"}
		}
		return db.GetTemplateVersionByID(ctx, id)
	})
}
