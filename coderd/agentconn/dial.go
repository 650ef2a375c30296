package agentconn

import (
	"context"
	"net"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/codersdk/agentsdk"
)

// ErrAgentNotConnected means the agent has no live connection to this
// replica. Handlers answer it with a clear 4xx/502 message, never a 500.
var ErrAgentNotConnected = xerrors.New("the workspace agent is not connected")

// Dial opens a raw stream to the agent at pathAndQuery (agentsdk.AgentPTYPath,
// AgentSSHPath, AgentDialPath plus query). Only agents connected to this
// replica are reachable for now; a relay to the replica holding the agent
// comes later and plugs in here.
func (r *Registry) Dial(ctx context.Context, agentID uuid.UUID, pathAndQuery string) (net.Conn, error) {
	s := r.Get(agentID)
	if s == nil || s.Mux.IsClosed() {
		return nil, ErrAgentNotConnected
	}
	conn, err := agentsdk.DialStream(ctx, s.Mux, pathAndQuery)
	if err != nil {
		if s.Mux.IsClosed() {
			return nil, ErrAgentNotConnected
		}
		return nil, err
	}
	return conn, nil
}
