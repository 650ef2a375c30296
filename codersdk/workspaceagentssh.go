package codersdk

import (
	"context"
	"net"

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
	conn, err := c.dialWebsocket(ctx, u)
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(-1)
	// The connection outlives the dial's context.
	return websocket.NetConn(context.WithoutCancel(ctx), conn, websocket.MessageBinary), nil
}
