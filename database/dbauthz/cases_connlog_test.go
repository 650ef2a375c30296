package dbauthz_test

import (
	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

func init() {
	for name, tc := range connectionLogCases {
		if _, dup := cases[name]; dup {
			panic("dbauthz test: two cases for " + name)
		}
		cases[name] = tc
	}
}

// connectionLogCases: the server writes the log as the connection logger;
// auditors read it through a filter.
var connectionLogCases = map[string]testCase{
	"InsertConnectionLog": {
		args: func(s seed) []any {
			return []any{database.InsertConnectionLogParams{
				ID: uuid.New(), ConnectTime: dbtime.Now(), OrganizationID: s.org.ID, WorkspaceOwnerID: s.user.ID,
				WorkspaceOwnerUsername: s.user.Username, WorkspaceID: s.workspace.ID, WorkspaceName: s.workspace.Name,
				AgentID: s.buildAgent.ID, AgentName: s.buildAgent.Name, Type: "reconnecting_pty",
				UserID: uuid.NullUUID{UUID: s.user.ID, Valid: true},
			}}
		},
		checks: func(s seed) []check {
			return []check{authz(rbac.ActionUpdate, rbac.ResourceConnectionLog.InOrg(s.org.ID))}
		},
	},
	"CloseConnectionLog": {
		args: func(seed) []any {
			return []any{database.CloseConnectionLogParams{ID: uuid.New(), DisconnectTime: dbtime.Now()}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionUpdate, rbac.ResourceConnectionLog)} },
	},
	"CloseConnectionLogsOfStoppedReplicas": {
		args:   func(seed) []any { return []any{uuid.New()} },
		checks: func(seed) []check { return []check{authz(rbac.ActionUpdate, rbac.ResourceConnectionLog)} },
	},
	"CloseConnectionLogsOfReplica": {
		args: func(seed) []any {
			return []any{database.CloseConnectionLogsOfReplicaParams{ReplicaID: uuid.NullUUID{UUID: uuid.New(), Valid: true}, DisconnectTime: dbtime.Now(), OpenedBefore: dbtime.Now()}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionUpdate, rbac.ResourceConnectionLog)} },
	},
	"GetConnectionLogsOffset": {
		args: func(seed) []any { return []any{database.GetConnectionLogsOffsetParams{}} },
		checks: func(seed) []check {
			return []check{{Action: rbac.ActionRead, Type: rbac.ResourceConnectionLog.Type, Filter: true}}
		},
	},
}
