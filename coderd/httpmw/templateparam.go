package httpmw

import (
	"context"
	"net/http"

	"github.com/google/uuid"

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
		id, err := uuid.Parse(param)
		if err != nil {
			return database.Template{}, badParamError{field: "template", detail: "must be a template ID (a UUID)"}
		}
		t, err := db.GetTemplateByID(ctx, id)
		if err == nil && t.Deleted {
			return database.Template{}, database.ErrNoRows
		}
		return t, err
	})
}
