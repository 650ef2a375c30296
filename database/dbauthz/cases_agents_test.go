package dbauthz_test

import (
	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// seedAgentTokenHash is the stored token hash of the seed's build agent.
var seedAgentTokenHash = []byte("seed-agent-token-hash")

func systemCheck(action rbac.Action) func(seed) []check {
	return func(seed) []check { return []check{authz(action, rbac.ResourceSystem)} }
}

func init() {
	for name, tc := range agentCases {
		if _, dup := cases[name]; dup {
			panic("dbauthz test: two cases for " + name)
		}
		cases[name] = tc
	}
}

// agentCases: the agent's own calls are system calls made after its token
// was verified; people read agents through their workspace.
var agentCases = map[string]testCase{
	"GetWorkspaceAgentByAuthTokenHash": {
		args:   func(seed) []any { return []any{seedAgentTokenHash} },
		checks: systemCheck(rbac.ActionRead),
	},
	"GetWorkspaceAgentAndWorkspaceByID": {
		args:   func(s seed) []any { return []any{s.buildAgent.ID} },
		checks: workspaceRead,
	},
	"GetWorkspaceAgentLogsAfter": {
		args: func(s seed) []any {
			return []any{database.GetWorkspaceAgentLogsAfterParams{AgentID: s.buildAgent.ID}}
		},
		checks: systemCheck(rbac.ActionRead),
	},
	"GetWorkspaceAgentMetadata": {
		args:   func(s seed) []any { return []any{s.buildAgent.ID} },
		checks: systemCheck(rbac.ActionRead),
	},
	"GetWorkspaceAppsByAgentID": {
		args:   func(s seed) []any { return []any{s.buildAgent.ID} },
		checks: systemCheck(rbac.ActionRead),
	},
	"GetWorkspaceAgentLogSourcesByAgentIDs": {
		args:   func(s seed) []any { return []any{[]uuid.UUID{s.buildAgent.ID}} },
		checks: systemCheck(rbac.ActionRead),
	},
	"GetWorkspaceAgentScriptsByAgentIDs": {
		args:   func(s seed) []any { return []any{[]uuid.UUID{s.buildAgent.ID}} },
		checks: systemCheck(rbac.ActionRead),
	},
	"InsertWorkspaceAgentScript": {
		args: func(s seed) []any {
			return []any{database.InsertWorkspaceAgentScriptParams{
				ID: uuid.New(), WorkspaceAgentID: s.buildAgent.ID, LogSourceID: uuid.New(), CreatedAt: dbtime.Now(), Script: "echo hi",
			}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionUpdate, rbac.ResourceProvisionerJobs)} },
	},
	"InsertWorkspaceAgentMetadata": {
		args: func(s seed) []any {
			return []any{database.InsertWorkspaceAgentMetadataParams{WorkspaceAgentID: s.buildAgent.ID, Key: "load"}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionUpdate, rbac.ResourceProvisionerJobs)} },
	},
	"InsertWorkspaceAgentLogSources": {
		args: func(s seed) []any {
			return []any{database.InsertWorkspaceAgentLogSourcesParams{
				WorkspaceAgentID: s.buildAgent.ID, CreatedAt: dbtime.Now(),
				Ids: []uuid.UUID{uuid.New()}, DisplayNames: []string{"x"}, Icons: []string{""},
			}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionUpdate, rbac.ResourceProvisionerJobs)} },
	},
	"UpdateWorkspaceAgentConnected": {
		args: func(s seed) []any {
			return []any{database.UpdateWorkspaceAgentConnectedParams{ID: s.buildAgent.ID, Now: dbtime.Now(), ReplicaID: uuid.New()}}
		},
		checks: systemCheck(rbac.ActionUpdate),
	},
	"UpdateWorkspaceAgentDisconnected": {
		args: func(s seed) []any {
			return []any{database.UpdateWorkspaceAgentDisconnectedParams{ID: s.buildAgent.ID, Now: dbtime.Now(), ReplicaID: uuid.New()}}
		},
		checks: systemCheck(rbac.ActionUpdate),
	},
	"RefreshWorkspaceAgentsLastConnected": {
		args: func(s seed) []any {
			return []any{database.RefreshWorkspaceAgentsLastConnectedParams{Ids: []uuid.UUID{s.buildAgent.ID}, Now: dbtime.Now(), ReplicaID: uuid.New()}}
		},
		checks: systemCheck(rbac.ActionUpdate),
	},
	"DisconnectWorkspaceAgentsOfReplicas": {
		args: func(seed) []any {
			return []any{database.DisconnectWorkspaceAgentsOfReplicasParams{ReplicaIds: []uuid.UUID{uuid.New()}, Now: dbtime.Now()}}
		},
		checks: systemCheck(rbac.ActionUpdate),
	},
	"UpdateWorkspaceAgentStartup": {
		args: func(s seed) []any {
			return []any{database.UpdateWorkspaceAgentStartupParams{ID: s.buildAgent.ID, Subsystems: []string{}, Now: dbtime.Now()}}
		},
		checks: systemCheck(rbac.ActionUpdate),
	},
	"UpdateWorkspaceAgentLifecycle": {
		args: func(s seed) []any {
			return []any{database.UpdateWorkspaceAgentLifecycleParams{ID: s.buildAgent.ID, LifecycleState: "starting", Now: dbtime.Now()}}
		},
		checks: systemCheck(rbac.ActionUpdate),
	},
	"InsertWorkspaceAgentLogs": {
		args: func(s seed) []any {
			return []any{database.InsertWorkspaceAgentLogsParams{AgentID: s.buildAgent.ID, LogSourceID: uuid.New(), Cap: 1 << 20}}
		},
		checks: systemCheck(rbac.ActionCreate),
	},
	"InsertWorkspaceAgentLogOverflow": {
		args: func(s seed) []any {
			return []any{database.InsertWorkspaceAgentLogOverflowParams{AgentID: s.buildAgent.ID, LogSourceID: uuid.New(), CreatedAt: dbtime.Now()}}
		},
		checks: systemCheck(rbac.ActionCreate),
	},
	"UpdateWorkspaceAgentMetadata": {
		args:   func(seed) []any { return []any{database.UpdateWorkspaceAgentMetadataParams{}} },
		checks: systemCheck(rbac.ActionUpdate),
	},
	"InsertWorkspaceAgentStats": {
		args:   func(seed) []any { return []any{database.InsertWorkspaceAgentStatsParams{CreatedAt: dbtime.Now()}} },
		checks: systemCheck(rbac.ActionCreate),
	},
	"UpdateWorkspaceAppHealths": {
		args: func(s seed) []any {
			return []any{database.UpdateWorkspaceAppHealthsParams{AgentID: s.buildAgent.ID}}
		},
		checks: systemCheck(rbac.ActionUpdate),
	},
	"UpdateWorkspaceAgentListeningPorts": {
		args: func(s seed) []any {
			return []any{database.UpdateWorkspaceAgentListeningPortsParams{ID: s.buildAgent.ID, ListeningPorts: []byte("[]")}}
		},
		checks: systemCheck(rbac.ActionUpdate),
	},
}
