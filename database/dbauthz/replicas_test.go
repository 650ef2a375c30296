package dbauthz_test

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// insertReplica registers a replica straight in the raw store, for cases
// that need one to exist.
func insertReplica(s seed) uuid.UUID {
	r, err := s.raw.UpsertReplica(context.Background(), database.UpsertReplicaParams{
		ID: uuid.New(), Now: dbtime.Now(), Hostname: "host", Version: "v0",
	})
	if err != nil {
		panic(err)
	}
	return r.ID
}

func init() {
	system := func(action rbac.Action) func(seed) []check {
		return func(seed) []check { return []check{authz(action, rbac.ResourceSystem)} }
	}
	cases["UpsertReplica"] = testCase{
		args: func(seed) []any {
			return []any{database.UpsertReplicaParams{ID: uuid.New(), Now: dbtime.Now(), Hostname: "h", Version: "v"}}
		},
		checks: system(rbac.ActionCreate),
	}
	cases["UpdateReplicaHeartbeat"] = testCase{
		args: func(s seed) []any {
			return []any{database.UpdateReplicaHeartbeatParams{ID: insertReplica(s), Now: dbtime.Now()}}
		},
		checks: system(rbac.ActionUpdate),
	}
	cases["UpdateReplicaStopped"] = testCase{
		args:   func(seed) []any { return []any{database.UpdateReplicaStoppedParams{ID: uuid.New(), Now: dbtime.Now()}} },
		checks: system(rbac.ActionUpdate),
	}
	cases["MarkLostReplicas"] = testCase{
		args: func(seed) []any {
			return []any{database.MarkLostReplicasParams{SelfID: uuid.New(), Now: dbtime.Now(), UpdatedBefore: dbtime.Now().Add(-time.Minute)}}
		},
		checks: system(rbac.ActionUpdate),
	}
	cases["GetReplicasUpdatedAfter"] = testCase{
		args:   func(seed) []any { return []any{dbtime.Now().Add(-time.Minute)} },
		checks: func(seed) []check { return []check{authz(rbac.ActionRead, rbac.ResourceReplicas)} },
	}
	cases["GetUnfinishedProvisionerJobsOfLostReplicas"] = testCase{
		args: func(seed) []any {
			return []any{database.GetUnfinishedProvisionerJobsOfLostReplicasParams{SelfID: uuid.New(), UpdatedBefore: dbtime.Now()}}
		},
		checks: func(seed) []check {
			return []check{authz(rbac.ActionRead, rbac.ResourceProvisionerJobs), authz(rbac.ActionRead, rbac.ResourceReplicas)}
		},
	}
	cases["GetDeploymentWorkspaceStats"] = testCase{
		args:   func(seed) []any { return nil },
		checks: func(seed) []check { return []check{authz(rbac.ActionRead, rbac.ResourceDeploymentStats)} },
	}
}
