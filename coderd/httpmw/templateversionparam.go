package httpmw

import (
	"context"
	"net/http"

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
		id, err := parseUUID("templateversion", "a template version", param)
		if err != nil {
			return database.TemplateVersion{}, err
		}
		return db.GetTemplateVersionByID(ctx, id)
	})
}

// ExtractTemplateVersionByNameParam loads {templateversionname}, a version
// of the template in the path (an extractor of TemplateParam runs first),
// for TemplateVersionParam.
func ExtractTemplateVersionByNameParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("templateversionname", "template version", func(ctx context.Context, r *http.Request, param string) (database.TemplateVersion, error) {
		name, err := parseName(param)
		if err != nil {
			return database.TemplateVersion{}, err
		}
		return db.GetTemplateVersionByTemplateIDAndName(ctx, database.GetTemplateVersionByTemplateIDAndNameParams{
			TemplateID: TemplateParam(r).ID, Name: name,
		})
	})
}
