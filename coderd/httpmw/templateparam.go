package httpmw

import (
	"context"
	"net/http"

	"github.com/devplane/devplane/database"
)

// TemplateParam returns the template named by {template}.
func TemplateParam(r *http.Request) database.Template {
	return paramValue[database.Template](r, "ExtractTemplateParam")
}

// ExtractTemplateParam loads {template}, a template ID. Deleted templates
// and templates the caller may not read are a 404 like missing ones.
func ExtractTemplateParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("template", "template", func(ctx context.Context, _ *http.Request, param string) (database.Template, error) {
		id, err := parseUUID("template", "a template", param)
		if err != nil {
			return database.Template{}, err
		}
		t, err := db.GetTemplateByID(ctx, id)
		if err == nil && t.Deleted {
			return database.Template{}, database.ErrNoRows
		}
		return t, err
	})
}

// ExtractTemplateByNameParam loads {templatename}, a template of the
// {organization} in the path, for TemplateParam. Deleted templates are a
// 404, as on ExtractTemplateParam.
func ExtractTemplateByNameParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("templatename", "template", func(ctx context.Context, r *http.Request, param string) (database.Template, error) {
		name, err := parseName(param)
		if err != nil {
			return database.Template{}, err
		}
		return db.GetTemplateByOrganizationAndName(ctx, database.GetTemplateByOrganizationAndNameParams{
			OrganizationID: OrganizationParam(r).ID, Name: name,
		})
	})
}
