package httpapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
)

func TestWriteError(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		err    error
		status int
		field  string
		logged bool
	}{
		{"Invalid", domain.Invalid("Bad build.", domain.FieldError{Field: "transition", Detail: "must be start"}), http.StatusBadRequest, "transition", false},
		{"Forbidden", domain.Forbidden("No.", ""), http.StatusForbidden, "", false},
		{"NotFound", domain.NotFound("Gone."), http.StatusNotFound, "", false},
		{"ConflictWrapped", xerrors.Errorf("enqueue: %w", domain.Conflict("Busy.", "wait")), http.StatusConflict, "", false},
		{"NoRows", xerrors.Errorf("get: %w", database.ErrNoRows), http.StatusNotFound, "", false},
		{"NotAuthorized", dbauthz.NotAuthorizedError{}, http.StatusNotFound, "", false},
		{"KnownUnique", &pgconn.PgError{Code: "23505", ConstraintName: "users_username_lower_idx"}, http.StatusConflict, "username", false},
		{"UnknownUnique", &pgconn.PgError{Code: "23505", ConstraintName: "something_new_idx"}, http.StatusConflict, "", true},
		{"ForeignKey", &pgconn.PgError{Code: "23503", ConstraintName: "fk_unknown"}, http.StatusBadRequest, "", true},
		{"Check", &pgconn.PgError{Code: "23514", ConstraintName: "ck", ColumnName: "ttl"}, http.StatusBadRequest, "ttl", true},
		{"Unavailable", &pgconn.PgError{Code: "08006"}, http.StatusServiceUnavailable, "", true},
		{"Other", errors.New("pq: SELECT went wrong at host 10.0.0.1"), http.StatusInternalServerError, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			cr := &recorder{ResponseWriter: rec, id: uuid.New()}
			httpapi.WriteError(t.Context(), wrapper{cr}, c.err)
			require.Equal(t, c.status, rec.Code, rec.Body.String())
			var resp codersdk.Response
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &resp))
			assert.NotEmpty(t, resp.Message)
			assert.NotContains(t, rec.Body.String(), "10.0.0.1")
			if c.field != "" {
				require.Len(t, resp.Validations, 1)
				assert.Equal(t, c.field, resp.Validations[0].Field)
			}
			if c.logged {
				require.NotEmpty(t, cr.causes, "the cause is logged with the request id")
				assert.ErrorIs(t, cr.causes[0], c.err)
			} else {
				assert.Empty(t, cr.causes)
			}
		})
	}
}
