package httpmw_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
)

func TestRejectUnstorable(t *testing.T) {
	t.Parallel()
	var root chi.Router = chi.NewRouter()
	reached := 0
	ok := func(rw http.ResponseWriter, _ *http.Request) { reached++; rw.WriteHeader(http.StatusOK) }
	root.Route("/api/v2", func(r chi.Router) {
		r.Use(httpmw.RejectUnstorable(func() chi.Routes { return root }))
		r.Get("/organizations/{organization}", ok)
		r.Get("/users/{user}/roles", ok)
		r.Get("/templates", ok)
		r.Get("/files/*", ok)
	})

	for _, tc := range []struct {
		name, target, field string
		header              string
	}{
		{"NUL path parameter", "/api/v2/organizations/%00", "organization", ""},
		{"overlong encoding in a path parameter", "/api/v2/users/%C0%AF/roles", "user", ""},
		{"invalid UTF-8 in a path parameter", "/api/v2/users/a%FFb/roles", "user", ""},
		{"NUL under a wildcard", "/api/v2/files/a/%00", "path", ""},
		{"NUL in an unknown route", "/api/v2/nowhere/%00", "path", ""},
		{"NUL query value", "/api/v2/templates?q=%00", "q", ""},
		{"invalid UTF-8 query value", "/api/v2/templates?q=ok&q=%FF", "q", ""},
		{"NUL query key", "/api/v2/templates?a%00=1", "a", ""},
		{"NUL session token in the query", "/api/v2/templates?coder_session_token=a%00", "coder_session_token", ""},
		{"invalid UTF-8 session token", "/api/v2/templates", codersdk.SessionTokenHeader, "abc\xff"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodGet, tc.target, nil)
			if tc.header != "" {
				req.Header.Set(codersdk.SessionTokenHeader, tc.header)
			}
			rw := httptest.NewRecorder()
			root.ServeHTTP(rw, req)
			require.Equal(t, http.StatusBadRequest, rw.Code, rw.Body.String())
			var resp codersdk.Response
			require.NoError(t, json.Unmarshal(rw.Body.Bytes(), &resp))
			assert.NotEmpty(t, resp.Message)
			require.Len(t, resp.Validations, 1)
			assert.Contains(t, resp.Validations[0].Field, tc.field)
		})
	}

	t.Run("StorableValuesPass", func(t *testing.T) {
		t.Parallel()
		for _, target := range []string{
			"/api/v2/organizations/default",
			"/api/v2/users/j%C3%A9r%C3%B4me/roles",
			"/api/v2/templates?q=name:%E2%98%83",
			"/api/v2/files/a%2Fb",
		} {
			rw := httptest.NewRecorder()
			root.ServeHTTP(rw, httptest.NewRequest(http.MethodGet, target, nil))
			assert.NotEqual(t, http.StatusBadRequest, rw.Code, target)
		}
	})
}
