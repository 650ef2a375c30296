package codersdk

import (
	"context"
	"net"
	"strconv"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"golang.org/x/xerrors"
)

// ReconnectingPTYRequest is one message a terminal client sends, Coder's
// format: keystrokes in Data; a resize when Height and Width are set.
type ReconnectingPTYRequest struct {
	Data   string `json:"data,omitempty"`
	Height uint16 `json:"height,omitempty"`
	Width  uint16 `json:"width,omitempty"`
}

// WorkspaceAgentReconnectingPTYOpts names the terminal to open or
// reattach to.
type WorkspaceAgentReconnectingPTYOpts struct {
	AgentID   uuid.UUID
	Reconnect uuid.UUID
	Height    uint16
	Width     uint16
	// Command runs instead of the login shell when set.
	Command string
}

// WorkspaceAgentReconnectingPTY opens the agent's terminal Reconnect (a new
// one, or the one that id names if it still lives). Write JSON-encoded
// ReconnectingPTYRequest values to the returned conn; read the terminal's
// output from it.
func (c *Client) WorkspaceAgentReconnectingPTY(ctx context.Context, opts WorkspaceAgentReconnectingPTYOpts) (net.Conn, error) {
	u, err := c.URL.Parse(workspaceAgentPath(opts.AgentID, "/pty"))
	if err != nil {
		return nil, xerrors.Errorf("parse url: %w", err)
	}
	q := u.Query()
	q.Set("reconnect", opts.Reconnect.String())
	if opts.Height > 0 {
		q.Set("height", strconv.Itoa(int(opts.Height)))
	}
	if opts.Width > 0 {
		q.Set("width", strconv.Itoa(int(opts.Width)))
	}
	if opts.Command != "" {
		q.Set("command", opts.Command)
	}
	u.RawQuery = q.Encode()
	conn, err := c.dialWebsocket(ctx, u)
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(1 << 22)
	return websocket.NetConn(context.WithoutCancel(ctx), conn, websocket.MessageBinary), nil
}
