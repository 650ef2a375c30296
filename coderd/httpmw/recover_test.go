package httpmw_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"cdr.dev/slog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
)

func TestRecoverAnswers500WithRequestID(t *testing.T) {
	t.Parallel()
	panicking := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })
	handler := httpmw.RequestID(httpmw.Recover(slog.Make())(panicking))

	rw := httptest.NewRecorder()
	handler.ServeHTTP(rw, httptest.NewRequest(http.MethodGet, "/api/v2/x", nil))

	require.Equal(t, http.StatusInternalServerError, rw.Code)
	var resp codersdk.Response
	require.NoError(t, json.Unmarshal(rw.Body.Bytes(), &resp))
	assert.NotEmpty(t, resp.Message)
	id := rw.Header().Get(codersdk.RequestIDHeader)
	require.NotEmpty(t, id)
	assert.Contains(t, resp.Detail, id, "the 500 body names the request id that the logs carry")
}

func TestRecoverLetsAbortThrough(t *testing.T) {
	t.Parallel()
	aborting := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
	handler := httpmw.Recover(slog.Make())(aborting)
	assert.PanicsWithValue(t, http.ErrAbortHandler, func() {
		handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	})
}
