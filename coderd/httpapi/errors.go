package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
)

// constraintFields names the request field each known constraint is about,
// so a violation a handler did not foresee (a race between two requests,
// say) still answers 409 or 400 naming the field. A constraint with an empty
// field is about the state of things rather than one input.
var constraintFields = map[string]string{
	"users_email_lower_idx":                          "email",
	"users_username_lower_idx":                       "username",
	"organizations_name_lower_idx":                   "name",
	"groups_organization_name_lower_idx":             "name",
	"custom_roles_pkey":                              "name",
	"templates_organization_name_lower_idx":          "name",
	"template_versions_template_name_lower_idx":      "name",
	"workspaces_owner_name_lower_idx":                "name",
	"api_keys_user_token_name_idx":                   "token_name",
	"workspace_builds_workspace_id_build_number_key": "",
}

// WriteError answers err with the status and body it means, so handlers
// write every failure the same way:
//
//   - a domain.Error: its kind's status (400, 403, 404, 409) with its
//     message, detail and field validations;
//   - a missing row or a dbauthz refusal: 404, since the caller may not
//     know the thing exists;
//   - a constraint violation: 409 for a unique key, 400 for a foreign key,
//     check or not-null, naming the field when the constraint is known;
//   - an unreachable database: 503 with Retry-After;
//   - anything else: 500 with the request id, its cause logged with that id.
func WriteError(ctx context.Context, rw http.ResponseWriter, err error) {
	if err == nil {
		return
	}
	if e, ok := domain.As(err); ok {
		Write(ctx, rw, domainStatus(e.Kind), codersdk.Response{
			Message: e.Message, Detail: e.Detail, Validations: validations(e.Fields),
		})
		return
	}
	if errors.Is(err, database.ErrNoRows) || dbauthz.IsNotAuthorizedError(err) {
		ResourceNotFound(rw)
		return
	}
	if v, ok := database.AsViolation(err); ok {
		writeViolation(ctx, rw, v, err)
		return
	}
	InternalServerError(rw, err)
}

func domainStatus(k domain.Kind) int {
	switch k {
	case domain.KindInvalid:
		return http.StatusBadRequest
	case domain.KindForbidden:
		return http.StatusForbidden
	case domain.KindNotFound:
		return http.StatusNotFound
	case domain.KindConflict:
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

func validations(fields []domain.FieldError) []codersdk.ValidationError {
	if len(fields) == 0 {
		return nil
	}
	out := make([]codersdk.ValidationError, 0, len(fields))
	for _, f := range fields {
		out = append(out, codersdk.ValidationError{Field: f.Field, Detail: f.Detail})
	}
	return out
}

// writeViolation answers a constraint violation. One on a constraint this
// table does not know is still the client's doing (a row referenced that is
// gone, a value out of range) but says no field; its cause is logged so the
// table can learn it.
func writeViolation(ctx context.Context, rw http.ResponseWriter, v database.Violation, err error) {
	field, known := constraintFields[v.Constraint]
	if !known {
		if recorder := findCauseRecorder(rw); recorder != nil {
			recorder.RecordCause(err)
		}
	}
	resp := codersdk.Response{}
	status := http.StatusBadRequest
	switch v.Kind {
	case database.ViolationUnique:
		status = http.StatusConflict
		resp.Message = "This conflicts with something that already exists."
		if field != "" {
			resp.Validations = []codersdk.ValidationError{{Field: field, Detail: "This value is already in use and should be unique."}}
		}
	case database.ViolationForeignKey:
		resp.Message = "The request refers to something that does not exist."
		if field != "" {
			resp.Validations = []codersdk.ValidationError{{Field: field, Detail: "does not exist"}}
		}
	default:
		if field == "" {
			field = v.Column
		}
		resp.Message = "The request has a value that is not allowed."
		if field != "" {
			resp.Validations = []codersdk.ValidationError{{Field: field, Detail: "is not allowed"}}
		}
	}
	Write(ctx, rw, status, resp)
}
