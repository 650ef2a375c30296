package codersdk

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/google/uuid"
	"golang.org/x/xerrors"
)

// ServerSentEventType says what a ServerSentEvent carries.
type ServerSentEventType string

const (
	// ServerSentEventTypePing keeps an idle stream open; it has no data.
	ServerSentEventTypePing ServerSentEventType = "ping"
	// ServerSentEventTypeData carries the watched resource, whole.
	ServerSentEventTypeData ServerSentEventType = "data"
	// ServerSentEventTypeError carries a Response: the server could not read
	// the resource this time; the stream goes on.
	ServerSentEventTypeError ServerSentEventType = "error"
)

// ServerSentEvent is one event of a watch stream. Over Server-Sent Events the
// type is the "event:" field and data the "data:" field; over a WebSocket
// each message is this object as JSON.
type ServerSentEvent struct {
	Type ServerSentEventType `json:"type" enums:"ping,data,error"`
	Data any                 `json:"data"`
}

// WatchWorkspace follows a workspace over Server-Sent Events: the channel
// yields the workspace at once and again after every change, and closes when
// the stream ends (the workspace was deleted or became invisible, the
// connection broke, or ctx ended). Cancel ctx to stop watching.
func (c *Client) WatchWorkspace(ctx context.Context, id uuid.UUID) (<-chan Workspace, error) {
	res, err := c.Request(ctx, http.MethodGet, workspacePath(id, "/watch"), nil, func(r *http.Request) {
		r.Header.Set("Accept", "text/event-stream")
	})
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		return nil, ReadBodyAsError(res)
	}
	out := make(chan Workspace)
	go func() {
		defer close(out)
		// Closing the body also ends a read blocked on an idle stream.
		stop := context.AfterFunc(ctx, func() { _ = res.Body.Close() })
		defer stop()
		defer res.Body.Close()
		events := newServerSentEventReader(res.Body)
		for {
			typ, data, err := events.next()
			if err != nil {
				return
			}
			if typ != ServerSentEventTypeData {
				continue
			}
			var w Workspace
			if err := json.Unmarshal(data, &w); err != nil {
				return
			}
			select {
			case out <- w:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// serverSentEventReader parses a text/event-stream body: fields up to a
// blank line make one event. Only the event and data fields are used.
type serverSentEventReader struct {
	r *bufio.Reader
}

func newServerSentEventReader(r io.Reader) *serverSentEventReader {
	return &serverSentEventReader{r: bufio.NewReader(r)}
}

// next returns the next event's type and data (data lines joined by "\n").
// At the end of the stream it returns io.EOF; an event cut off by the end is
// dropped, as the format says.
func (s *serverSentEventReader) next() (ServerSentEventType, []byte, error) {
	var (
		typ     ServerSentEventType
		data    []byte
		hasData bool
		started bool
	)
	for {
		// ReadBytes has no line limit: a workspace can be a long line.
		line, err := s.r.ReadBytes('\n')
		if err != nil {
			if xerrors.Is(err, io.EOF) {
				return "", nil, io.EOF
			}
			return "", nil, xerrors.Errorf("read event stream: %w", err)
		}
		line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
		if len(line) == 0 {
			if started {
				if typ == "" {
					typ = "message"
				}
				return typ, data, nil
			}
			continue
		}
		if line[0] == ':' {
			continue // a comment
		}
		started = true
		field, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		switch string(field) {
		case "event":
			typ = ServerSentEventType(value)
		case "data":
			if hasData {
				data = append(data, '\n')
			}
			data = append(data, value...)
			hasData = true
		}
	}
}
