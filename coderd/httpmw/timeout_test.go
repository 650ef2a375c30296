package httpmw_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
)

// hangGuard only keeps a broken test from hanging; no assertion depends on
// it.
const hangGuard = 2 * time.Minute

// shortTimeouts stand in for the minutes a real server allows. The write
// deadline is what a handler has to answer in after the body deadline
// cut it off, or to flush its first line: a second, not less, so a busy
// machine's scheduling stalls do not cut those answers off too.
var shortTimeouts = httpmw.Timeouts{Body: 500 * time.Millisecond, MinBodyRate: 1 << 30, Write: time.Second}

// timeoutServer serves /echo (reads the body), /stream (a marked stream
// that writes a line every tenth of the write deadline, 20 times) and
// /slow (writes, stalls past the write deadline, writes again).
func timeoutServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/echo", func(rw http.ResponseWriter, r *http.Request) {
		data, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		_, _ = rw.Write(data)
	})
	mux.HandleFunc("/stream", func(rw http.ResponseWriter, _ *http.Request) {
		for i := range 20 {
			if _, err := fmt.Fprintf(rw, "line %d\n", i); err != nil {
				return
			}
			_ = http.NewResponseController(rw).Flush()
			time.Sleep(shortTimeouts.Write / 10)
		}
	})
	mux.HandleFunc("/slow", func(rw http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(rw, "first\n")
		_ = http.NewResponseController(rw).Flush()
		// Sleep past the write deadline; the connection is gone after.
		select {
		case <-time.After(2 * shortTimeouts.Write):
		case <-r.Context().Done():
		}
		_, _ = io.WriteString(rw, strings.Repeat("x", 1<<20))
	})
	handler := httpmw.MarkStreaming(func(r *http.Request) bool { return r.URL.Path == "/stream" })(
		httpmw.RequestTimeouts(shortTimeouts)(mux))
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	return srv
}

// TestSlowBodyIsCutOff: a client that sends headers and then one byte at a
// time gets a 400 naming the deadline, and its connection is closed.
func TestSlowBodyIsCutOff(t *testing.T) {
	t.Parallel()
	srv := timeoutServer(t)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	require.NoError(t, err)
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(hangGuard))

	_, err = fmt.Fprintf(conn, "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
	require.NoError(t, err)
	trickleDone := make(chan struct{})
	go func() {
		defer close(trickleDone)
		for range 1000 {
			if _, err := conn.Write([]byte("{")); err != nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	}()

	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	assert.Equal(t, http.StatusBadRequest, res.StatusCode)
	assert.Contains(t, string(body), "did not arrive within")
	assert.True(t, res.Close, "the server closes a connection whose body it gave up on")
	// Closed: EOF, or a reset because the client was still writing.
	_, err = br.ReadByte()
	require.Error(t, err, "the connection is still open")
	var netErr net.Error
	assert.False(t, errors.As(err, &netErr) && netErr.Timeout(), "the connection is still open: %v", err)
	conn.Close()
	<-trickleDone
}

// TestBodyWithinDeadline: a body that arrives in time is read whole, and a
// large claimed length buys time only at the minimum rate.
func TestBodyWithinDeadline(t *testing.T) {
	t.Parallel()
	srv := timeoutServer(t)
	res, err := srv.Client().Post(srv.URL+"/echo", "application/json", strings.NewReader(`{"ok":true}`))
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, `{"ok":true}`, string(body))
}

// TestStreamOutlivesWriteDeadline: a marked stream runs far past the write
// deadline, even on a connection a deadline-bound request used before;
// an unmarked response that stalls past it is cut off.
func TestStreamOutlivesWriteDeadline(t *testing.T) {
	t.Parallel()
	srv := timeoutServer(t)
	client := srv.Client()
	ctx, cancel := context.WithTimeout(context.Background(), hangGuard)
	defer cancel()

	get := func(path string) (*http.Response, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		require.NoError(t, err)
		return client.Do(req)
	}
	// Leaves its write deadline on the kept-alive connection.
	res, err := get("/echo")
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()

	res, err = get("/stream")
	require.NoError(t, err)
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err, "the stream must not be cut off")
	assert.Equal(t, 20, strings.Count(string(body), "\n"))

	res, err = get("/slow")
	require.NoError(t, err)
	body, err = io.ReadAll(res.Body)
	res.Body.Close()
	assert.Error(t, err, "a stalled non-streaming response is cut off")
	assert.Less(t, len(body), 1<<20)
}

// TestTokenFromRequest: the query parameter counts only on streams.
func TestTokenFromRequest(t *testing.T) {
	t.Parallel()
	var got string
	mark := func(streaming bool) http.Handler {
		return httpmw.MarkStreaming(func(*http.Request) bool { return streaming })(
			http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = httpmw.TokenFromRequest(r) }))
	}
	target := "/x?" + codersdk.SessionTokenQueryParam + "=from-query"

	mark(false).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, target, nil))
	assert.Empty(t, got)
	mark(true).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, target, nil))
	assert.Equal(t, "from-query", got)

	r := httptest.NewRequest(http.MethodGet, target, nil)
	r.Header.Set(codersdk.SessionTokenHeader, "from-header")
	mark(true).ServeHTTP(httptest.NewRecorder(), r)
	assert.Equal(t, "from-header", got, "the header wins")
}

// TestNoStore: every response is marked no-store unless the handler says
// otherwise.
func TestNoStore(t *testing.T) {
	t.Parallel()
	rw := httptest.NewRecorder()
	httpmw.NoStore(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})).
		ServeHTTP(rw, httptest.NewRequest(http.MethodGet, "/", nil))
	assert.Equal(t, "no-store", rw.Header().Get("Cache-Control"))
}
