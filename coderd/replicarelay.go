package coderd

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/agentconn"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
)

// ensureRelaySecret returns the deployment's replica relay secret, made
// by the first server ever to start; replicas racing here agree.
func ensureRelaySecret(ctx context.Context, db database.Store) (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", xerrors.Errorf("generate relay secret: %w", err)
	}
	if err := db.InsertReplicaRelaySecret(ctx, hex.EncodeToString(raw)); err != nil {
		return "", xerrors.Errorf("insert relay secret: %w", err)
	}
	secret, err := db.GetReplicaRelaySecret(ctx)
	if err != nil {
		return "", xerrors.Errorf("get relay secret: %w", err)
	}
	return secret, nil
}

// setupRelay lets this replica reach agents connected to others, and
// others reach agents connected here.
func (api *API) setupRelay(ctx context.Context) error {
	secret, err := ensureRelaySecret(dbauthz.AsStartup(ctx), api.Database)
	if err != nil {
		return err
	}
	api.AgentConns.SetRelay(agentconn.RelayOptions{
		Secret:    secret,
		AccessURL: api.AccessURL,
		LiveSince: api.Replicas.LiveSince,
	})
	return nil
}

// @Summary Relay a connection to a workspace agent (internal)
// @Description Internal: another replica of this deployment asks for a raw
// @Description stream to an agent connected to this one, with `Connection:
// @Description Upgrade`, `Upgrade: devplane-relay` and the deployment's relay
// @Description secret in the `Devplane-Relay-Secret` header (no user token:
// @Description the session was authorized and recorded by the replica the
// @Description user reached). Answers 101 and pipes the connection to a new
// @Description stream on the agent's tunnel; 404 for a wrong secret or an
// @Description agent not connected here. Not audited: it carries a session
// @Description already on record.
// @ID relay-to-workspace-agent
// @Tags Enterprise
// @Param workspaceagent path string true "Workspace agent ID" format(uuid)
// @Param Devplane-Relay-Secret header string true "The deployment's relay secret"
// @Success 101
// @Failure 404 {object} codersdk.Response
// @Failure 426 {object} codersdk.Response
// @Router /replicas/relay/agents/{workspaceagent} [get]
func (api *API) replicaRelay(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	agentID, err := uuid.Parse(chi.URLParam(r, "workspaceagent"))
	if err != nil || !api.AgentConns.RelayAuthorized(r) {
		// As for any unknown route: a wrong secret learns nothing.
		httpapi.RouteNotFound(rw, r)
		return
	}
	if !strings.EqualFold(r.Header.Get("Upgrade"), agentconn.RelayUpgrade) {
		httpapi.Write(ctx, rw, http.StatusUpgradeRequired, codersdk.Response{
			Message: "Expected \"Upgrade: " + agentconn.RelayUpgrade + "\".",
		})
		return
	}
	stream, err := api.AgentConns.OpenLocal(agentID)
	if err != nil {
		httpapi.Write(ctx, rw, http.StatusNotFound, codersdk.Response{
			Message: "The workspace agent is not connected to this replica.",
		})
		return
	}
	agentconn.ServeRelayed(rw, stream)
}
