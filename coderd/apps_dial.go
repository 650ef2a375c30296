package coderd

import (
	"context"
	"net"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/codersdk/agentsdk"
)

// agentDialer reaches agents connected to this replica until
// agentconn.Registry.Dial (h-conn-pty) is merged; then it goes.
type agentDialer struct{ api *API }

func (d agentDialer) Dial(ctx context.Context, agentID uuid.UUID, pathAndQuery string) (net.Conn, error) {
	s := d.api.AgentConns.Get(agentID)
	if s == nil || s.Mux.IsClosed() {
		return nil, xerrors.New("the workspace agent is not connected")
	}
	return agentsdk.DialStream(ctx, s.Mux, pathAndQuery)
}
