package httpmw

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// Default per-request deadlines; see Timeouts.
const (
	// DefaultBodyTimeout is how long any request may take to send its body
	// beyond the allowance for its size: JSON bodies are small, so a
	// client still sending after a minute is stalled or hostile.
	DefaultBodyTimeout = time.Minute
	// DefaultMinBodyRate is the slowest upload that still completes: 10
	// MiB (the file limit) at 32 KiB/s takes about five minutes more.
	DefaultMinBodyRate = 32 << 10
	// DefaultMaxBodyAllowance caps what a claimed Content-Length can buy,
	// at the largest body any route accepts (a 10 MiB file).
	DefaultMaxBodyAllowance = 10 << 20
	// DefaultWriteTimeout is how long a non-streaming response may take
	// after its body has arrived: every such handler answers in well under
	// a second, and a client that does not read its answer is dropped.
	DefaultWriteTimeout = time.Minute
)

// Timeouts are the per-request deadlines. http.Server's ReadTimeout and
// WriteTimeout would cut off streams too, so the server leaves them unset
// and this middleware sets deadlines on each request's connection instead,
// clearing them on streams (see MarkStreaming). Zero fields take the
// defaults above.
type Timeouts struct {
	// Body is the base time to receive the request body.
	Body time.Duration
	// MinBodyRate in bytes per second extends Body by Content-Length /
	// MinBodyRate (capped at MaxBodyAllowance bytes), so a large upload on
	// a slow link completes while a trickle of bytes does not.
	MinBodyRate      int64
	MaxBodyAllowance int64
	// Write is the time to handle the request and write the response,
	// counted from the end of the body deadline.
	Write time.Duration
}

func (t Timeouts) withDefaults() Timeouts {
	if t.Body <= 0 {
		t.Body = DefaultBodyTimeout
	}
	if t.MinBodyRate <= 0 {
		t.MinBodyRate = DefaultMinBodyRate
	}
	if t.MaxBodyAllowance <= 0 {
		t.MaxBodyAllowance = DefaultMaxBodyAllowance
	}
	if t.Write <= 0 {
		t.Write = DefaultWriteTimeout
	}
	return t
}

// bodyDeadline is how long the request may take to send its body. A
// chunked body (no Content-Length) gets only the base time.
func (t Timeouts) bodyDeadline(r *http.Request) time.Duration {
	d := t.Body
	if n := min(r.ContentLength, t.MaxBodyAllowance); n > 0 {
		d += time.Duration(n) * time.Second / time.Duration(t.MinBodyRate)
	}
	return d
}

// RequestTimeouts sets the request's deadlines, or clears them on streams,
// whose connection lives as long as the client listens. (A hijacked
// connection, as websockets and the HTTP/1.1 watch use, has its deadlines
// cleared by net/http anyway; streams that keep the handler, such as SSE
// over HTTP/2, rely on this.) The read deadline
// covers only the body (http.Server's ReadHeaderTimeout covers the
// headers); the write deadline covers the whole response. A body that
// misses its deadline fails to read with an error that says so; the
// handler answers 400 and the server closes the connection.
func RequestTimeouts(t Timeouts) func(http.Handler) http.Handler {
	t = t.withDefaults()
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			rc := http.NewResponseController(rw)
			if IsStreaming(r) {
				// Deadlines outlive a request on a kept-alive
				// connection: clear any a previous request left.
				_ = rc.SetReadDeadline(time.Time{})
				_ = rc.SetWriteDeadline(time.Time{})
				next.ServeHTTP(rw, r)
				return
			}
			// Errors below mean the writer cannot take deadlines (a
			// test recorder): serve without them.
			start := time.Now()
			var body time.Duration
			if r.Body != nil && r.Body != http.NoBody {
				body = t.bodyDeadline(r)
				_ = rc.SetReadDeadline(start.Add(body))
				r.Body = &deadlineBody{ReadCloser: r.Body, limit: body, rc: rc}
			}
			_ = rc.SetWriteDeadline(start.Add(body + t.Write))
			next.ServeHTTP(rw, r)
		})
	}
}

// deadlineBody names the deadline in the error a late body fails with, so
// the client's 400 says what happened instead of "i/o timeout".
// Once the body is in, it clears the read deadline: the server's
// background read that notices a client hanging up must not fire on it and
// cancel the request while the handler works.
type deadlineBody struct {
	io.ReadCloser
	limit time.Duration
	rc    *http.ResponseController
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	switch {
	case errors.Is(err, io.EOF):
		_ = b.rc.SetReadDeadline(time.Time{})
	case errors.Is(err, os.ErrDeadlineExceeded):
		// The net error would name the connection's addresses; this says
		// what the client needs to know.
		err = fmt.Errorf("the request body did not arrive within %s: %w", b.limit.Round(time.Second), os.ErrDeadlineExceeded)
	}
	return n, err
}
