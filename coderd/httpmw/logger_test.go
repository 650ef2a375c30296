package httpmw_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"cdr.dev/slog"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
)

// captureSink keeps log entries.
type captureSink struct {
	mu      sync.Mutex
	entries []slog.SinkEntry
}

func (s *captureSink) LogEntry(_ context.Context, e slog.SinkEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entries = append(s.entries, e)
}
func (*captureSink) Sync() {}

func TestLoggerLogsTheCauseOfA500(t *testing.T) {
	t.Parallel()
	sink := &captureSink{}
	cause := errors.New("pq: password authentication failed for user coder at db.internal:5432")
	failing := http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		httpapi.InternalServerError(rw, cause)
	})
	handler := httpmw.RequestID(httpmw.Logger(slog.Make(sink))(failing))

	rw := httptest.NewRecorder()
	handler.ServeHTTP(rw, httptest.NewRequest(http.MethodGet, "/api/v2/x", nil))

	require.Equal(t, http.StatusInternalServerError, rw.Code)
	id := rw.Header().Get(codersdk.RequestIDHeader)
	assert.Contains(t, rw.Body.String(), id)
	assert.NotContains(t, rw.Body.String(), "db.internal")

	require.Len(t, sink.entries, 1)
	e := sink.entries[0]
	assert.Equal(t, slog.LevelError, e.Level)
	var loggedID, loggedErr string
	for _, f := range e.Fields {
		switch f.Name {
		case "request_id":
			loggedID = strings.Trim(strings.TrimSpace(toString(f.Value)), `"`)
		case "error":
			loggedErr = toString(f.Value)
		}
	}
	assert.Equal(t, id, loggedID, "the log line carries the id the client was given")
	assert.Contains(t, loggedErr, "db.internal", "the cause is in the log")
}

func toString(v any) string {
	switch v := v.(type) {
	case error:
		return v.Error()
	case interface{ String() string }:
		return v.String()
	case string:
		return v
	}
	return ""
}
