package agent

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// A source's lines are sent when this many are pending or when the
// oldest pending one is this old, whichever comes first.
const (
	logBatchLines = 100
	logBatchDelay = 250 * time.Millisecond
	// maxLogLine cuts overlong lines (output without newlines) into pieces.
	maxLogLine = 64 << 10
)

// logSender batches script output per log source into PatchLogs reports.
// Once the server answers 413 (the agent's log cap is reached) nothing more
// is sent.
type logSender struct {
	queue      *reportQueue
	overflowed atomic.Bool
}

func newLogSender(q *reportQueue) *logSender {
	return &logSender{queue: q}
}

// sourceLog is the batcher of one log source.
type sourceLog struct {
	sender *logSender
	id     uuid.UUID

	mu      sync.Mutex
	pending []agentsdk.Log
	timer   *time.Timer
}

func (s *logSender) source(id uuid.UUID) *sourceLog {
	return &sourceLog{sender: s, id: id}
}

func (l *sourceLog) add(output string, level codersdk.LogLevel) {
	if l.sender.overflowed.Load() {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pending = append(l.pending, agentsdk.Log{CreatedAt: time.Now().UTC(), Output: output, Level: level})
	if len(l.pending) >= logBatchLines {
		l.flushLocked()
		return
	}
	if l.timer == nil {
		l.timer = time.AfterFunc(logBatchDelay, l.flush)
	}
}

func (l *sourceLog) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.flushLocked()
}

func (l *sourceLog) flushLocked() {
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	if len(l.pending) == 0 {
		return
	}
	req := agentsdk.PatchLogsRequest{LogSourceID: l.id, Logs: l.pending}
	l.pending = nil
	sender := l.sender
	sender.queue.push(report{name: "logs", send: func(ctx context.Context, conn *agentsdk.Conn) error {
		if sender.overflowed.Load() {
			return nil
		}
		err := conn.PatchLogs(ctx, req)
		var apiErr *codersdk.Error
		if errors.As(err, &apiErr) && apiErr.StatusCode() == http.StatusRequestEntityTooLarge {
			sender.overflowed.Store(true)
			return nil
		}
		return err
	}})
}

// readLines feeds each line of r to fn (as valid UTF-8 without NULs, which
// PostgreSQL text refuses) until EOF.
func readLines(r io.Reader, fn func(string)) {
	br := bufio.NewReaderSize(r, maxLogLine)
	for {
		chunk, err := br.ReadSlice('\n')
		if len(chunk) > 0 {
			line := strings.TrimRight(string(chunk), "\r\n")
			line = strings.ReplaceAll(strings.ToValidUTF8(line, "\uFFFD"), "\x00", "")
			fn(line)
		}
		if err != nil && !errors.Is(err, bufio.ErrBufferFull) {
			return
		}
	}
}
