package codersdk

import (
	"context"
	"strconv"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"golang.org/x/xerrors"
)

// DialWorkspaceAgentPort opens one forwarded connection to a port on the
// workspace's loopback through its agent (network "tcp" or "udp"). Binary
// messages carry the bytes; for udp each message is one datagram.
func (c *Client) DialWorkspaceAgentPort(ctx context.Context, agentID uuid.UUID, network string, port uint16) (*websocket.Conn, error) {
	u, err := c.URL.Parse(workspaceAgentPath(agentID, "/port-forward"))
	if err != nil {
		return nil, xerrors.Errorf("parse url: %w", err)
	}
	q := u.Query()
	q.Set("network", network)
	q.Set("port", strconv.Itoa(int(port)))
	u.RawQuery = q.Encode()
	conn, err := c.dialWebsocket(ctx, u)
	if err != nil {
		return nil, err
	}
	conn.SetReadLimit(1 << 20)
	return conn, nil
}
