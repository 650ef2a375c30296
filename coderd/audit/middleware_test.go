package audit_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"cdr.dev/slog"
	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// fakeStore keeps inserted audit rows; every other method panics (nil
// embedded interface), which the middleware must not call.
type fakeStore struct {
	database.Store
	mu   sync.Mutex
	rows []database.InsertAuditLogParams
	// fail, when set, is what every insert returns.
	fail error
}

func (f *fakeStore) InsertAuditLog(_ context.Context, arg database.InsertAuditLogParams) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		return f.fail
	}
	f.rows = append(f.rows, arg)
	return nil
}

func (f *fakeStore) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.rows)
}

func newAudited(t *testing.T, mount func(r chi.Router)) (*fakeStore, http.Handler) {
	t.Helper()
	store := &fakeStore{}
	reqID := uuid.New()
	root := chi.NewRouter()
	root.Route("/api/v2", func(r chi.Router) {
		r.Use(audit.Middleware(audit.Options{
			Store: store, Logger: slog.Make(), BasePath: "/api/v2",
			RequestID: func(context.Context) uuid.UUID { return reqID },
			Routes:    func() chi.Routes { return root },
		}))
		mount(r)
	})
	return store, root
}

func TestMiddleware(t *testing.T) {
	t.Parallel()

	t.Run("WrittenBeforeTheResponse", func(t *testing.T) {
		t.Parallel()
		var store *fakeStore
		var seenAtHeader int
		store, h := newAudited(t, func(r chi.Router) {
			r.Post("/groups/{group}", func(rw http.ResponseWriter, r *http.Request) {
				audit.SetResource(r.Context(), audit.Resource{ID: uuid.Nil, Target: "devs"})
				audit.SetField(r.Context(), "why", "test")
				rw.WriteHeader(http.StatusCreated)
				seenAtHeader = store.count()
				_, _ = rw.Write([]byte("{}"))
			})
		})
		req := httptest.NewRequest(http.MethodPost, "/api/v2/groups/x", nil)
		req.RemoteAddr = "192.0.2.7:1234"
		req.Header.Set("User-Agent", "tester")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		assert.Equal(t, 1, seenAtHeader, "the row exists once the status is written")
		require.Len(t, store.rows, 1)
		row := store.rows[0]
		assert.EqualValues(t, http.StatusCreated, row.StatusCode)
		assert.Equal(t, "group", row.ResourceType)
		assert.Equal(t, "create", row.Action)
		assert.Equal(t, "devs", row.ResourceTarget)
		assert.Equal(t, "tester", row.UserAgent)
		require.NotNil(t, row.Ip)
		assert.Equal(t, "192.0.2.7", row.Ip.String())
		assert.JSONEq(t, `{"why":"test"}`, string(row.AdditionalFields))
		assert.False(t, row.UserID.Valid, "no API key, no actor")
	})

	t.Run("GetIsNotAudited", func(t *testing.T) {
		t.Parallel()
		store, h := newAudited(t, func(r chi.Router) {
			r.Get("/users", func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusOK) })
		})
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/api/v2/users", nil))
		assert.Zero(t, store.count())
	})

	t.Run("SilentHandlerIs200", func(t *testing.T) {
		t.Parallel()
		store, h := newAudited(t, func(r chi.Router) {
			r.Delete("/users/{user}", func(http.ResponseWriter, *http.Request) {})
		})
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodDelete, "/api/v2/users/x", nil))
		require.Len(t, store.rows, 1)
		assert.EqualValues(t, http.StatusOK, store.rows[0].StatusCode)
		assert.Equal(t, "delete", store.rows[0].Action)
	})

	t.Run("PanicIs500", func(t *testing.T) {
		t.Parallel()
		store, h := newAudited(t, func(r chi.Router) {
			r.Put("/users/{user}/profile", func(http.ResponseWriter, *http.Request) { panic("boom") })
		})
		assert.Panics(t, func() {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPut, "/api/v2/users/x/profile", nil))
		})
		require.Len(t, store.rows, 1)
		assert.EqualValues(t, http.StatusInternalServerError, store.rows[0].StatusCode)
	})

	t.Run("RefusedBeforeRoutingCompletes", func(t *testing.T) {
		t.Parallel()
		// A URL parameter middleware answering 404 stops chi half way; the
		// route is still named from the whole tree.
		store, h := newAudited(t, func(r chi.Router) {
			r.Route("/workspaces/{workspace}", func(r chi.Router) {
				r.Use(func(http.Handler) http.Handler {
					return http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusNotFound) })
				})
				r.Post("/builds", func(http.ResponseWriter, *http.Request) {})
				r.Post("/usage", func(http.ResponseWriter, *http.Request) {})
			})
		})
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/api/v2/workspaces/x/builds", nil))
		require.Len(t, store.rows, 1)
		assert.Equal(t, string(codersdk.ResourceTypeWorkspaceBuild), store.rows[0].ResourceType)
		assert.EqualValues(t, http.StatusNotFound, store.rows[0].StatusCode)
		// An unaudited route stays unaudited when refused.
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/api/v2/workspaces/x/usage", nil))
		assert.Equal(t, 1, store.count())
	})

	t.Run("LoadedObjectIsTheDefaultResource", func(t *testing.T) {
		t.Parallel()
		org := uuid.New()
		ws := database.Workspace{ID: uuid.New(), Name: "dev", OrganizationID: org}
		store, h := newAudited(t, func(r chi.Router) {
			r.Patch("/workspaces/{workspace}", func(rw http.ResponseWriter, r *http.Request) {
				audit.Loaded(r.Context(), ws)
				rw.WriteHeader(http.StatusNoContent)
			})
		})
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPatch, "/api/v2/workspaces/x", nil))
		require.Len(t, store.rows, 1)
		row := store.rows[0]
		assert.Equal(t, ws.ID, row.ResourceID)
		assert.Equal(t, "dev", row.ResourceTarget)
		assert.Equal(t, uuid.NullUUID{UUID: org, Valid: true}, row.OrganizationID)
		assert.Equal(t, "write", row.Action)
	})

	t.Run("HostileRequestValuesAreStorable", func(t *testing.T) {
		t.Parallel()
		store, h := newAudited(t, func(r chi.Router) {
			r.Post("/groups/{group}", func(rw http.ResponseWriter, r *http.Request) {
				audit.SetResource(r.Context(), audit.Resource{Target: "a\x00b\xff"})
				audit.SetField(r.Context(), "email\x00", "x\x00@example.com\xfe")
				rw.WriteHeader(http.StatusCreated)
			})
		})
		req := httptest.NewRequest(http.MethodPost, "/api/v2/groups/x", nil)
		req.Header.Set("User-Agent", "\xff\xfecurl\x00/8"+strings.Repeat("x", 5000))
		h.ServeHTTP(httptest.NewRecorder(), req)
		require.Len(t, store.rows, 1)
		row := store.rows[0]
		assert.True(t, utf8.ValidString(row.UserAgent))
		assert.NotContains(t, row.UserAgent, "\x00")
		assert.True(t, strings.HasPrefix(row.UserAgent, "\uFFFDcurl/8"), row.UserAgent)
		assert.LessOrEqual(t, len(row.UserAgent), 1024)
		assert.Equal(t, "ab\uFFFD", row.ResourceTarget)
		assert.NotContains(t, string(row.AdditionalFields), `\u0000`)
		assert.JSONEq(t, `{"email":"x@example.com\uFFFD"}`, string(row.AdditionalFields))
	})

	t.Run("FailedWriteFailsTheRequest", func(t *testing.T) {
		t.Parallel()
		store, h := newAudited(t, func(r chi.Router) {
			r.Put("/users/{user}/profile", func(rw http.ResponseWriter, _ *http.Request) {
				http.SetCookie(rw, &http.Cookie{Name: "session", Value: "secret"})
				rw.WriteHeader(http.StatusOK)
				_, _ = rw.Write([]byte(`{"username":"x"}`))
			})
		})
		store.fail = errors.New(`ERROR: invalid byte sequence for encoding "UTF8" (SQLSTATE 22021)`)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPut, "/api/v2/users/x/profile", nil))
		assert.Equal(t, http.StatusInternalServerError, rec.Code, "a change without its audit row must not look done")
		var resp codersdk.Response
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &resp), rec.Body.String())
		assert.NotEmpty(t, resp.Message)
		assert.NotContains(t, rec.Body.String(), "SQLSTATE")
		assert.NotContains(t, rec.Body.String(), "username", "the handler's answer is dropped")
		assert.Empty(t, rec.Header().Values("Set-Cookie"), "and so are the headers it meant for a success")
	})

	t.Run("FailedWriteOfAFailureKeepsTheAnswer", func(t *testing.T) {
		t.Parallel()
		store, h := newAudited(t, func(r chi.Router) {
			r.Put("/users/{user}/profile", func(rw http.ResponseWriter, _ *http.Request) {
				rw.WriteHeader(http.StatusBadRequest)
			})
		})
		store.fail = errors.New("boom")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodPut, "/api/v2/users/x/profile", nil))
		assert.Equal(t, http.StatusBadRequest, rec.Code)
	})

	t.Run("DatabaseUnreachableIs503", func(t *testing.T) {
		t.Parallel()
		store, h := newAudited(t, func(r chi.Router) {
			r.Delete("/users/{user}", func(http.ResponseWriter, *http.Request) {})
		})
		store.fail = &pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodDelete, "/api/v2/users/x", nil))
		assert.Equal(t, http.StatusServiceUnavailable, rec.Code)
		assert.NotEmpty(t, rec.Header().Get("Retry-After"))
		assert.NotContains(t, rec.Body.String(), "administrator")
	})
}
