package httpapi_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
)

type nested struct {
	Label string `json:"label"`
}

type request struct {
	Name    string            `json:"name"`
	ID      uuid.UUID         `json:"id"`
	Tags    []string          `json:"tags"`
	Inner   nested            `json:"inner"`
	Items   []nested          `json:"items"`
	Options map[string]string `json:"options"`
	Count   int               `json:"count"`
}

func read(t *testing.T, body string) (bool, *httptest.ResponseRecorder, codersdk.Response) {
	t.Helper()
	rw := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	var v request
	ok := httpapi.Read(r.Context(), rw, r, &v)
	var resp codersdk.Response
	if !ok {
		require.NoError(t, json.Unmarshal(rw.Body.Bytes(), &resp), rw.Body.String())
	}
	return ok, rw, resp
}

func TestReadRefusesUnstorableText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body, field string
	}{
		{"NUL", `{"name":"a\u0000b"}`, "name"},
		{"invalid UTF-8", "{\"name\":\"a\xff\xfeb\"}", "name"},
		{"overlong encoding", "{\"name\":\"\xc0\xaf\"}", "name"},
		{"NUL in an array", `{"tags":["ok","\u0000"]}`, "tags[1]"},
		{"NUL in a nested object", `{"inner":{"label":"\u0000"}}`, "inner.label"},
		{"invalid UTF-8 in an array of objects", "{\"items\":[{\"label\":\"x\"},{\"label\":\"\xff\"}]}", "items[1].label"},
		{"NUL in a map key", `{"options":{"a\u0000":"b"}}`, "options.a\x00"},
		{"NUL in a map value", `{"options":{"a":"\u0000"}}`, "options.a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ok, rw, resp := read(t, tc.body)
			require.False(t, ok)
			assert.Equal(t, http.StatusBadRequest, rw.Code)
			require.Len(t, resp.Validations, 1)
			assert.Equal(t, tc.field, resp.Validations[0].Field)
			assert.NotEmpty(t, resp.Message)
		})
	}
}

func TestReadNamesTheBadField(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, body, field string
		status            int
	}{
		{"wrong type", `{"count":"x"}`, "count", http.StatusBadRequest},
		{"malformed UUID", `{"id":"not-a-uuid"}`, "id", http.StatusBadRequest},
		{"array body", `[]`, "body", http.StatusBadRequest},
		{"deep nesting", `{"options":` + strings.Repeat(`{"a":`, 10_000) + `1` + strings.Repeat(`}`, 10_001), "", http.StatusBadRequest},
		{"deep arrays", strings.Repeat("[", 10_000) + strings.Repeat("]", 10_000), "", http.StatusBadRequest},
		{"huge", `{"name":"` + strings.Repeat("a", 5<<20) + `"}`, "", http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ok, rw, resp := read(t, tc.body)
			require.False(t, ok)
			assert.Equal(t, tc.status, rw.Code)
			assert.NotEmpty(t, resp.Message)
			if tc.field != "" {
				require.NotEmpty(t, resp.Validations, resp)
				assert.Equal(t, tc.field, resp.Validations[0].Field)
			}
		})
	}
	// Nesting inside a field that takes anything is bounded too.
	rw := httptest.NewRecorder()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"v":`+strings.Repeat("[", 100)+strings.Repeat("]", 100)+`}`))
	var anything struct {
		V any `json:"v"`
	}
	require.False(t, httpapi.Read(r.Context(), rw, r, &anything))
	assert.Equal(t, http.StatusBadRequest, rw.Code)
}

func TestReadAcceptsStorableText(t *testing.T) {
	t.Parallel()
	ok, rw, _ := read(t, `{"name":"héllo \u2603 \ud83d\ude00","tags":["a\\u0000"]}`)
	assert.True(t, ok, rw.Body.String())
}

// recorder is a ResponseWriter wrapper like the request logger's.
type recorder struct {
	http.ResponseWriter
	id     uuid.UUID
	causes []error
}

func (r *recorder) RecordCause(err error)       { r.causes = append(r.causes, err) }
func (r *recorder) RequestID() uuid.UUID        { return r.id }
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// wrapper stands for middleware between the logger and the handler.
type wrapper struct{ http.ResponseWriter }

func (w wrapper) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func TestInternalServerErrorHidesTheCause(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	cr := &recorder{ResponseWriter: rec, id: uuid.New()}
	cause := errors.New(`ERROR: invalid byte sequence for encoding "UTF8": 0x00 (SQLSTATE 22021) user=coder host=10.0.0.1 port=5432`)
	httpapi.InternalServerError(wrapper{cr}, cause)

	assert.Equal(t, http.StatusInternalServerError, rec.Code)
	assert.NotContains(t, rec.Body.String(), "SQLSTATE")
	assert.NotContains(t, rec.Body.String(), "5432")
	assert.Contains(t, rec.Body.String(), cr.id.String(), "the body names the request id")
	require.Len(t, cr.causes, 1)
	assert.ErrorIs(t, cr.causes[0], cause, "the cause goes to the log")
}

func TestWriteDropsDetailOfServerErrors(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	rec.Header().Set(codersdk.RequestIDHeader, "req-1")
	cr := &recorder{ResponseWriter: rec}
	httpapi.Write(t.Context(), cr, http.StatusBadGateway, codersdk.Response{Message: "Upstream failed.", Detail: "dial tcp 10.0.0.1:5432: refused"})
	var resp codersdk.Response
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &resp))
	assert.Equal(t, "Upstream failed.", resp.Message)
	assert.NotContains(t, resp.Detail, "10.0.0.1")
	assert.Contains(t, resp.Detail, "req-1")
	require.Len(t, cr.causes, 1, "the dropped detail is logged")

	// 4xx details are the client's to read.
	rec = httptest.NewRecorder()
	httpapi.Write(t.Context(), rec, http.StatusBadRequest, codersdk.Response{Message: "Bad.", Detail: "name is required"})
	assert.Contains(t, rec.Body.String(), "name is required")
}

func TestUnreachableDatabaseIs503(t *testing.T) {
	t.Parallel()
	for _, err := range []error{
		&pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"},
		&pgconn.PgError{Code: "08006"},
		syscall.ECONNREFUSED,
	} {
		rec := httptest.NewRecorder()
		httpapi.InternalServerError(rec, err)
		assert.Equal(t, http.StatusServiceUnavailable, rec.Code, err)
		assert.NotEmpty(t, rec.Header().Get("Retry-After"))
		var resp codersdk.Response
		require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &resp))
		assert.Contains(t, resp.Message, "The database is unavailable")
		assert.NotContains(t, rec.Body.String(), "administrator")
	}
}

func TestStorable(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "ab", httpapi.Storable("a\x00b", 0))
	assert.Equal(t, "a\uFFFDb", httpapi.Storable("a\xff\xfeb", 0))
	assert.Equal(t, "h", httpapi.Storable("hé", 2), "cut on a character boundary")
	assert.Empty(t, httpapi.Unstorable("plain"))
	assert.NotEmpty(t, httpapi.Unstorable("\x00"))
	assert.NotEmpty(t, httpapi.Unstorable("\xc0\xaf"))
}

func TestRequireUpgrade(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		headers map[string]string
		also    []string
		ok      bool
	}{
		{name: "plain", headers: nil, ok: false},
		{name: "websocket", headers: map[string]string{"Connection": "keep-alive, Upgrade", "Upgrade": "WebSocket"}, ok: true},
		{name: "upgrade header without connection token", headers: map[string]string{"Upgrade": "websocket"}, ok: false},
		{name: "other protocol", headers: map[string]string{"Connection": "Upgrade", "Upgrade": "h2c"}, ok: false},
		{name: "accepted raw token", headers: map[string]string{"Connection": "Upgrade", "Upgrade": "devplane-tunnel"}, also: []string{"devplane-tunnel"}, ok: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, "/stream", nil)
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			rw := httptest.NewRecorder()
			ok := httpapi.RequireUpgrade(r.Context(), rw, r, tc.also...)
			require.Equal(t, tc.ok, ok)
			if tc.ok {
				return
			}
			require.Equal(t, http.StatusUpgradeRequired, rw.Code)
			require.Equal(t, "websocket", rw.Header().Get("Upgrade"))
			var res codersdk.Response
			require.NoError(t, json.Unmarshal(rw.Body.Bytes(), &res))
			require.Contains(t, res.Message, "WebSocket")
		})
	}
}
