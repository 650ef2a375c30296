// Package logcapture collects what a test's server writes to its log, for
// assertions on it (no secret in it, a warning was written).
package logcapture

import (
	"bytes"
	"sync"

	"cdr.dev/slog"
	"cdr.dev/slog/sloggers/sloghuman"
)

// Buffer is an io.Writer that goroutines may write to while the test reads
// it.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Logger logs everything, debug included, in the human format into a new
// Buffer.
func Logger() (slog.Logger, *Buffer) {
	b := &Buffer{}
	return slog.Make(sloghuman.Sink(b)).Leveled(slog.LevelDebug), b
}
