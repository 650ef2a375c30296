package codersdk

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/google/uuid"
	"golang.org/x/xerrors"
)

// WorkspaceAgentLog is one line of an agent's logs.
type WorkspaceAgentLog struct {
	ID        int64     `json:"id"`
	CreatedAt time.Time `json:"created_at" format:"date-time"`
	Output    string    `json:"output"`
	Level     LogLevel  `json:"level" enums:"trace,debug,info,warn,error"`
	SourceID  uuid.UUID `json:"source_id" format:"uuid"`
}

// WorkspaceAgentMetadataResult is the latest run of a metadata script.
type WorkspaceAgentMetadataResult struct {
	CollectedAt time.Time `json:"collected_at" format:"date-time"`
	// Age is how many seconds old the value is.
	Age   int64  `json:"age"`
	Value string `json:"value"`
	Error string `json:"error"`
}

// WorkspaceAgentMetadata is a metadata item with its latest result.
type WorkspaceAgentMetadata struct {
	Result      WorkspaceAgentMetadataResult      `json:"result"`
	Description WorkspaceAgentMetadataDescription `json:"description"`
}

// WorkspaceAgentListeningPort is a TCP port a process listens on in the
// workspace.
type WorkspaceAgentListeningPort struct {
	ProcessName string `json:"process_name"`
	Network     string `json:"network" enums:"tcp"`
	Port        uint16 `json:"port"`
}

// WorkspaceAgentListeningPortsResponse lists an agent's listening ports.
type WorkspaceAgentListeningPortsResponse struct {
	Ports []WorkspaceAgentListeningPort `json:"ports"`
}

func workspaceAgentPath(id uuid.UUID, suffix string) string {
	return fmt.Sprintf("/api/v2/workspaceagents/%s%s", id, suffix)
}

// WorkspaceAgent returns an agent.
func (c *Client) WorkspaceAgent(ctx context.Context, id uuid.UUID) (WorkspaceAgent, error) {
	var a WorkspaceAgent
	return a, c.getJSON(ctx, workspaceAgentPath(id, ""), &a)
}

// WorkspaceAgentListeningPorts returns the ports the agent reported.
func (c *Client) WorkspaceAgentListeningPorts(ctx context.Context, id uuid.UUID) (WorkspaceAgentListeningPortsResponse, error) {
	var res WorkspaceAgentListeningPortsResponse
	return res, c.getJSON(ctx, workspaceAgentPath(id, "/listening-ports"), &res)
}

// WorkspaceAgentLogsAfter returns the agent's logs after the log id after.
// Without follow the channel yields one batch (the logs stored so far) and
// closes; with follow it yields batches as they arrive, over a WebSocket,
// until ctx ends or the closer is called.
func (c *Client) WorkspaceAgentLogsAfter(ctx context.Context, id uuid.UUID, after int64, follow bool) (<-chan []WorkspaceAgentLog, io.Closer, error) {
	if !follow {
		var logs []WorkspaceAgentLog
		var opts []RequestOption
		if after != 0 {
			opts = append(opts, WithQueryParam("after", strconv.FormatInt(after, 10)))
		}
		if err := c.getJSON(ctx, workspaceAgentPath(id, "/logs"), &logs, opts...); err != nil {
			return nil, nil, err
		}
		out := make(chan []WorkspaceAgentLog, 1)
		out <- logs
		close(out)
		return out, closeFunc(func() error { return nil }), nil
	}
	// A batch can hold many lines.
	return followJSON[[]WorkspaceAgentLog](ctx, c, workspaceAgentPath(id, "/logs"), after, 1<<22)
}

// WatchWorkspaceAgentMetadata follows the agent's metadata over
// Server-Sent Events: the first channel yields all items at once and again
// after each change; the second yields the error that ended the stream.
func (c *Client) WatchWorkspaceAgentMetadata(ctx context.Context, id uuid.UUID) (<-chan []WorkspaceAgentMetadata, <-chan error) {
	out := make(chan []WorkspaceAgentMetadata)
	errc := make(chan error, 1)
	res, err := c.Request(ctx, http.MethodGet, workspaceAgentPath(id, "/watch-metadata"), nil, func(r *http.Request) {
		r.Header.Set("Accept", "text/event-stream")
	})
	if err != nil {
		errc <- err
		close(out)
		return out, errc
	}
	if res.StatusCode != http.StatusOK {
		errc <- ReadBodyAsError(res)
		close(out)
		return out, errc
	}
	go func() {
		defer close(out)
		stop := context.AfterFunc(ctx, func() { _ = res.Body.Close() })
		defer stop()
		defer res.Body.Close()
		events := newServerSentEventReader(res.Body)
		for {
			typ, data, err := events.next()
			if err != nil {
				if ctx.Err() != nil {
					err = ctx.Err()
				}
				errc <- err
				return
			}
			switch typ {
			case ServerSentEventTypeData:
				var md []WorkspaceAgentMetadata
				if err := json.Unmarshal(data, &md); err != nil {
					errc <- xerrors.Errorf("decode metadata: %w", err)
					return
				}
				select {
				case out <- md:
				case <-ctx.Done():
					errc <- ctx.Err()
					return
				}
			case ServerSentEventTypeError:
				var r Response
				_ = json.Unmarshal(data, &r)
				errc <- &Error{statusCode: http.StatusInternalServerError, Response: r}
				return
			}
		}
	}()
	return out, errc
}
