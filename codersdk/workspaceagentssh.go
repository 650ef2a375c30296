package codersdk

import (
	"context"
	"net"
	"net/http"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"golang.org/x/xerrors"
)

// DialWorkspaceAgentSSH opens a raw SSH connection to the agent's SSH
// server through the server (GET /workspaceagents/{id}/ssh). Closing the
// conn ends the connection.
func (c *Client) DialWorkspaceAgentSSH(ctx context.Context, agentID uuid.UUID) (net.Conn, error) {
	u, err := c.URL.Parse(workspaceAgentPath(agentID, "/ssh"))
	if err != nil {
		return nil, xerrors.Errorf("parse url: %w", err)
	}
	header := http.Header{}
	if token := c.SessionToken(); token != "" {
		header.Set(SessionTokenHeader, token)
	}
	conn, res, err := websocket.Dial(ctx, u.String(), &websocket.DialOptions{
		HTTPClient: c.HTTPClient, HTTPHeader: header, CompressionMode: websocket.CompressionDisabled,
	})
	if err != nil {
		if res == nil {
			return nil, err
		}
		return nil, ReadBodyAsError(res)
	}
	conn.SetReadLimit(-1)
	// The connection outlives the dial's context.
	return websocket.NetConn(context.WithoutCancel(ctx), conn, websocket.MessageBinary), nil
}
