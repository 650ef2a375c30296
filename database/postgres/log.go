package postgres

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/xerrors"
)

// openLog opens the server log for appending, first moving a big one aside.
func openLog(dir string) (*os.File, error) {
	path := filepath.Join(dir, logName)
	if st, err := os.Stat(path); err == nil && st.Size() > maxLogSize {
		_ = os.Rename(path, path+".1")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, xerrors.Errorf("open built-in postgres log: %w", err)
	}
	return f, nil
}

// fileSize is the size of f, which is where what is logged next starts (the
// log is opened O_APPEND, so its offset says nothing).
func fileSize(f *os.File) int64 {
	st, err := f.Stat()
	if err != nil {
		return 0
	}
	return st.Size()
}

// logError is an error followed by the end of the server log.
type logError struct {
	err  error
	tail string
}

func (e *logError) Error() string { return e.err.Error() + e.tail }
func (e *logError) Unwrap() error { return e.err }

func withLog(err error, tail string) error {
	if tail == "" {
		return err
	}
	return &logError{err: err, tail: tail}
}

// logTail is the end of what postgres logged since offset, formatted to be
// appended to an error message ("" when there is nothing).
func logTail(logFile *os.File, offset int64) string {
	f, err := os.Open(logFile.Name())
	if err != nil {
		return ""
	}
	defer f.Close()
	const maxRead = 64 << 10
	st, err := f.Stat()
	if err != nil {
		return ""
	}
	if st.Size()-offset > maxRead {
		offset = st.Size() - maxRead
	}
	if offset < 0 {
		offset = 0
	}
	b, err := io.ReadAll(io.NewSectionReader(f, offset, st.Size()-offset))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > logTailLines {
		lines = lines[len(lines)-logTailLines:]
	}
	text := strings.TrimSpace(strings.Join(lines, "\n"))
	if text == "" {
		return ""
	}
	return fmt.Sprintf(" (see %s; it ends with:\n%s)", logFile.Name(), text)
}
