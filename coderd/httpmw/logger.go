package httpmw

import (
	"bufio"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"golang.org/x/xerrors"
)

// StatusWriter remembers the status a handler wrote, and why a 5xx
// happened, for logging. It is the httpapi.CauseRecorder of the request.
type StatusWriter struct {
	http.ResponseWriter
	Status      int
	Bytes       int
	wroteHeader bool

	requestID uuid.UUID
	mu        sync.Mutex
	causes    []error
}

// RecordCause keeps err to be logged with the request.
func (w *StatusWriter) RecordCause(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.causes = append(w.causes, err)
}

// RequestID is the id the client sees in the response.
func (w *StatusWriter) RequestID() uuid.UUID { return w.requestID }

func (w *StatusWriter) cause() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return errors.Join(w.causes...)
}

func (w *StatusWriter) WriteHeader(status int) {
	if !w.wroteHeader {
		w.Status = status
		w.wroteHeader = true
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *StatusWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(b)
	w.Bytes += n
	return n, err
}

// Hijack lets websocket handlers take over the connection.
func (w *StatusWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, xerrors.New("response writer does not support hijacking")
	}
	w.wroteHeader = true
	w.Status = http.StatusSwitchingProtocols
	return h.Hijack()
}

// Flush lets streaming handlers push partial output.
func (w *StatusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *StatusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Logger writes one line per request: method, path, status, latency, id.
// A 500 is logged at error level with its cause (what the client is not
// shown), other 5xx at warn level.
func Logger(log slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			start := time.Now()
			sw := &StatusWriter{ResponseWriter: rw, Status: http.StatusOK, requestID: RequestIDFrom(r.Context())}
			next.ServeHTTP(sw, r)

			fields := []any{
				slog.F("method", r.Method),
				slog.F("path", r.URL.Path),
				slog.F("status", sw.Status),
				slog.F("latency_ms", float64(time.Since(start).Microseconds())/1000),
				slog.F("request_id", RequestIDFrom(r.Context())),
				slog.F("remote_addr", r.RemoteAddr),
			}
			if cause := sw.cause(); cause != nil {
				fields = append(fields, slog.Error(cause))
			}
			switch {
			case sw.Status == http.StatusInternalServerError:
				log.Error(r.Context(), "http request failed", fields...)
				return
			case sw.Status > http.StatusInternalServerError:
				log.Warn(r.Context(), "http request", fields...)
				return
			}
			log.Info(r.Context(), "http request", fields...)
		})
	}
}
