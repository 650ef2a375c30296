package agentconn

import (
	"context"
	"net"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/codersdk/agentsdk"
)

// ErrAgentNotConnected means no live replica holds a connection of the
// agent (or the one that does cannot be reached: ErrReplicaUnreachable
// counts as this too). Handlers answer it with a clear 4xx/502 message,
// never a 500.
var ErrAgentNotConnected = xerrors.New("the workspace agent is not connected")

// Dial opens a raw stream to the agent at pathAndQuery (agentsdk.AgentPTYPath,
// AgentSSHPath, AgentDialPath plus query): through the agent's tunnel when
// it is connected to this replica, otherwise through the relay of the
// replica that holds it (SetRelay). It is the only way handlers reach
// agents.
func (r *Registry) Dial(ctx context.Context, agentID uuid.UUID, pathAndQuery string) (net.Conn, error) {
	if s := r.Get(agentID); s != nil && !s.Mux.IsClosed() {
		conn, err := agentsdk.DialStream(ctx, s.Mux, pathAndQuery)
		if err == nil {
			return conn, nil
		}
		if !s.Mux.IsClosed() {
			return nil, err
		}
		// The tunnel died under us; the agent may be back elsewhere.
	}
	opener, err := r.openRelay(ctx, agentID)
	if err != nil {
		return nil, err
	}
	return agentsdk.DialStream(ctx, opener, pathAndQuery)
}
