package dbauthz_test

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

func init() {
	for name, tc := range relayCases {
		if _, dup := cases[name]; dup {
			panic("dbauthz test: two cases for " + name)
		}
		cases[name] = tc
	}
}

// relayCases: the replica relay's secret and agent lookup are system reads
// and writes.
var relayCases = map[string]testCase{
	"InsertReplicaRelaySecret": {
		args:   func(seed) []any { return []any{"secret"} },
		checks: func(seed) []check { return []check{authz(rbac.ActionCreate, rbac.ResourceSystem)} },
	},
	"GetReplicaRelaySecret": {
		args: func(s seed) []any {
			if err := s.raw.InsertReplicaRelaySecret(context.Background(), "secret"); err != nil {
				panic(err)
			}
			return nil
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionRead, rbac.ResourceSystem)} },
	},
	"GetWorkspaceAgentRelayTarget": {
		args: func(s seed) []any {
			// The agent connected to a live replica.
			ctx, now, replicaID := context.Background(), dbtime.Now(), uuid.New()
			if _, err := s.raw.UpsertReplica(ctx, database.UpsertReplicaParams{ID: replicaID, Now: now, Hostname: "h", RelayAddress: "http://r"}); err != nil {
				panic(err)
			}
			err := s.raw.UpdateWorkspaceAgentConnected(ctx, database.UpdateWorkspaceAgentConnectedParams{ID: s.buildAgent.ID, Now: now, ReplicaID: replicaID})
			if err != nil {
				panic(err)
			}
			return []any{database.GetWorkspaceAgentRelayTargetParams{AgentID: s.buildAgent.ID, LiveSince: now.Add(-time.Minute)}}
		},
		checks: func(seed) []check { return []check{authz(rbac.ActionRead, rbac.ResourceSystem)} },
	},
}
