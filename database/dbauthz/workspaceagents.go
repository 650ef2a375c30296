package dbauthz

import (
	"context"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// Workspace agents. The agent itself acts as the workspace-agent system
// actor once its token is verified (its identity is fixed by the token, so
// what it may touch is decided before these calls); its reports are system
// writes. People read an agent through its workspace: reading the workspace
// is reading its agents, their logs, metadata and scripts.

func (q *querier) GetWorkspaceAgentByAuthTokenHash(ctx context.Context, hash []byte) (database.GetWorkspaceAgentByAuthTokenHashRow, error) {
	return act(ctx, q, rbac.ActionRead, rbac.ResourceSystem, func() (database.GetWorkspaceAgentByAuthTokenHashRow, error) {
		return q.db.GetWorkspaceAgentByAuthTokenHash(ctx, hash)
	})
}

// GetWorkspaceAgentAndWorkspaceByID answers only who may read the agent's
// workspace; others get the not-authorized error handlers turn into 404.
func (q *querier) GetWorkspaceAgentAndWorkspaceByID(ctx context.Context, id uuid.UUID) (database.GetWorkspaceAgentAndWorkspaceByIDRow, error) {
	row, err := q.db.GetWorkspaceAgentAndWorkspaceByID(ctx, id)
	if err != nil {
		return row, err
	}
	if _, err := q.GetWorkspaceByID(ctx, row.WorkspaceID); err != nil {
		return database.GetWorkspaceAgentAndWorkspaceByIDRow{}, err
	}
	return row, nil
}

// agentRead lets system actors (the agent, background loops) through and
// everyone else only if they may read the agent's workspace.
func (q *querier) agentRead(ctx context.Context, agentID uuid.UUID) error {
	if err := q.authorize(ctx, rbac.ActionRead, rbac.ResourceSystem); err == nil {
		return nil
	}
	_, err := q.GetWorkspaceAgentAndWorkspaceByID(ctx, agentID)
	return err
}

func (q *querier) agentsRead(ctx context.Context, agentIDs []uuid.UUID) error {
	if err := q.authorize(ctx, rbac.ActionRead, rbac.ResourceSystem); err == nil {
		return nil
	}
	for _, id := range agentIDs {
		if _, err := q.GetWorkspaceAgentAndWorkspaceByID(ctx, id); err != nil {
			return err
		}
	}
	// No agents: nothing to read, but the question was asked.
	if len(agentIDs) == 0 {
		return q.authorize(ctx, rbac.ActionRead, rbac.ResourceSystem)
	}
	return nil
}

func (q *querier) GetWorkspaceAgentLogsAfter(ctx context.Context, arg database.GetWorkspaceAgentLogsAfterParams) ([]database.WorkspaceAgentLog, error) {
	if err := q.agentRead(ctx, arg.AgentID); err != nil {
		return nil, err
	}
	return q.db.GetWorkspaceAgentLogsAfter(ctx, arg)
}

func (q *querier) GetWorkspaceAgentMetadata(ctx context.Context, agentID uuid.UUID) ([]database.WorkspaceAgentMetadatum, error) {
	if err := q.agentRead(ctx, agentID); err != nil {
		return nil, err
	}
	return q.db.GetWorkspaceAgentMetadata(ctx, agentID)
}

func (q *querier) GetWorkspaceAppsByAgentID(ctx context.Context, agentID uuid.UUID) ([]database.WorkspaceApp, error) {
	if err := q.agentRead(ctx, agentID); err != nil {
		return nil, err
	}
	return q.db.GetWorkspaceAppsByAgentID(ctx, agentID)
}

func (q *querier) GetWorkspaceAgentLogSourcesByAgentIDs(ctx context.Context, ids []uuid.UUID) ([]database.WorkspaceAgentLogSource, error) {
	if err := q.agentsRead(ctx, ids); err != nil {
		return nil, err
	}
	return q.db.GetWorkspaceAgentLogSourcesByAgentIDs(ctx, ids)
}

func (q *querier) GetWorkspaceAgentScriptsByAgentIDs(ctx context.Context, ids []uuid.UUID) ([]database.WorkspaceAgentScript, error) {
	if err := q.agentsRead(ctx, ids); err != nil {
		return nil, err
	}
	return q.db.GetWorkspaceAgentScriptsByAgentIDs(ctx, ids)
}

// What the build declares about an agent is written with the build, by
// the provisioner daemon.

func (q *querier) InsertWorkspaceAgentScript(ctx context.Context, arg database.InsertWorkspaceAgentScriptParams) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceProvisionerJobs, func() error { return q.db.InsertWorkspaceAgentScript(ctx, arg) })
}

func (q *querier) InsertWorkspaceAgentMetadata(ctx context.Context, arg database.InsertWorkspaceAgentMetadataParams) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceProvisionerJobs, func() error { return q.db.InsertWorkspaceAgentMetadata(ctx, arg) })
}

// InsertWorkspaceAgentLogSources is written by the provisioner (the
// scripts' sources) and by the agent (its own).
func (q *querier) InsertWorkspaceAgentLogSources(ctx context.Context, arg database.InsertWorkspaceAgentLogSourcesParams) error {
	if err := q.authorize(ctx, rbac.ActionUpdate, rbac.ResourceProvisionerJobs); err == nil {
		return q.db.InsertWorkspaceAgentLogSources(ctx, arg)
	}
	return actExec(ctx, q, rbac.ActionCreate, rbac.ResourceSystem, func() error { return q.db.InsertWorkspaceAgentLogSources(ctx, arg) })
}

// The agent's reports and the connection registry's presence writes.

func (q *querier) UpdateWorkspaceAgentConnected(ctx context.Context, arg database.UpdateWorkspaceAgentConnectedParams) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() error { return q.db.UpdateWorkspaceAgentConnected(ctx, arg) })
}

func (q *querier) UpdateWorkspaceAgentDisconnected(ctx context.Context, arg database.UpdateWorkspaceAgentDisconnectedParams) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() error { return q.db.UpdateWorkspaceAgentDisconnected(ctx, arg) })
}

func (q *querier) RefreshWorkspaceAgentsLastConnected(ctx context.Context, arg database.RefreshWorkspaceAgentsLastConnectedParams) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() error { return q.db.RefreshWorkspaceAgentsLastConnected(ctx, arg) })
}

func (q *querier) DisconnectWorkspaceAgentsOfReplicas(ctx context.Context, arg database.DisconnectWorkspaceAgentsOfReplicasParams) ([]uuid.UUID, error) {
	return act(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() ([]uuid.UUID, error) {
		return q.db.DisconnectWorkspaceAgentsOfReplicas(ctx, arg)
	})
}

func (q *querier) UpdateWorkspaceAgentStartup(ctx context.Context, arg database.UpdateWorkspaceAgentStartupParams) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() error { return q.db.UpdateWorkspaceAgentStartup(ctx, arg) })
}

func (q *querier) UpdateWorkspaceAgentLifecycle(ctx context.Context, arg database.UpdateWorkspaceAgentLifecycleParams) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() error { return q.db.UpdateWorkspaceAgentLifecycle(ctx, arg) })
}

func (q *querier) InsertWorkspaceAgentLogs(ctx context.Context, arg database.InsertWorkspaceAgentLogsParams) ([]database.WorkspaceAgentLog, error) {
	return act(ctx, q, rbac.ActionCreate, rbac.ResourceSystem, func() ([]database.WorkspaceAgentLog, error) {
		return q.db.InsertWorkspaceAgentLogs(ctx, arg)
	})
}

func (q *querier) InsertWorkspaceAgentLogOverflow(ctx context.Context, arg database.InsertWorkspaceAgentLogOverflowParams) ([]database.WorkspaceAgentLog, error) {
	return act(ctx, q, rbac.ActionCreate, rbac.ResourceSystem, func() ([]database.WorkspaceAgentLog, error) {
		return q.db.InsertWorkspaceAgentLogOverflow(ctx, arg)
	})
}

func (q *querier) UpdateWorkspaceAgentMetadata(ctx context.Context, arg database.UpdateWorkspaceAgentMetadataParams) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() error { return q.db.UpdateWorkspaceAgentMetadata(ctx, arg) })
}

func (q *querier) InsertWorkspaceAgentStats(ctx context.Context, arg database.InsertWorkspaceAgentStatsParams) error {
	return actExec(ctx, q, rbac.ActionCreate, rbac.ResourceSystem, func() error { return q.db.InsertWorkspaceAgentStats(ctx, arg) })
}

func (q *querier) UpdateWorkspaceAppHealths(ctx context.Context, arg database.UpdateWorkspaceAppHealthsParams) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() error { return q.db.UpdateWorkspaceAppHealths(ctx, arg) })
}

func (q *querier) UpdateWorkspaceAgentListeningPorts(ctx context.Context, arg database.UpdateWorkspaceAgentListeningPortsParams) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() error { return q.db.UpdateWorkspaceAgentListeningPorts(ctx, arg) })
}
