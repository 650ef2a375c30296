package replicatest_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtestutil"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// fastHeartbeats makes replicas notice each other's comings and goings in
// 3s, with room for a loaded test machine's delays.
func fastHeartbeats(t *testing.T) *codersdk.DeploymentValues {
	t.Helper()
	vals, _ := coderdtest.DeploymentValues(t)
	require.NoError(t, vals.Replicas.HeartbeatInterval.Set("1s"))
	return vals
}

func replicaIDs(rs []codersdk.Replica) []uuid.UUID {
	ids := make([]uuid.UUID, 0, len(rs))
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	return ids
}

// TestReplicasListed: two replicas on one database each list both; a
// replica that shuts down cleanly leaves the list at once; members get 404.
func TestReplicasListed(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := dbtestutil.Open(t)
	a, apiA := coderdtest.NewWithAPI(t, &coderdtest.Options{DatabaseURL: url, DeploymentValues: fastHeartbeats(t)})
	b, apiB := coderdtest.NewWithAPI(t, &coderdtest.Options{DatabaseURL: url, DeploymentValues: fastHeartbeats(t)})
	require.NotEqual(t, apiA.ReplicaID, apiB.ReplicaID)

	owner := coderdtest.CreateFirstUser(t, a)
	b.SetSessionToken(a.SessionToken())
	for _, c := range []*codersdk.Client{a, b} {
		rs, err := c.Replicas(ctx)
		require.NoError(t, err)
		assert.ElementsMatch(t, []uuid.UUID{apiA.ReplicaID, apiB.ReplicaID}, replicaIDs(rs))
		for _, r := range rs {
			assert.NotEmpty(t, r.Hostname)
			assert.Equal(t, int32(999), r.RegionID, "the default region")
			assert.Empty(t, r.Error)
			assert.False(t, r.CreatedAt.IsZero())
		}
	}

	member, _ := coderdtest.CreateAnotherUser(t, a, owner.OrganizationID)
	_, err := member.Replicas(ctx)
	var sdkErr *codersdk.Error
	require.ErrorAs(t, err, &sdkErr)
	assert.Equal(t, http.StatusNotFound, sdkErr.StatusCode())

	require.NoError(t, apiB.Replicas.Close(ctx))
	rs, err := a.Replicas(ctx)
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{apiA.ReplicaID}, replicaIDs(rs), "a replica that stopped cleanly is not live")
}

// TestDaemonNamesDistinct: the daemons of two replicas on one host have
// different names, each naming its replica, so one's daemons do not take
// over the other's rows.
func TestDaemonNamesDistinct(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := dbtestutil.Open(t)
	a, apiA := coderdtest.NewWithAPI(t, &coderdtest.Options{DatabaseURL: url, IncludeProvisionerDaemon: true})
	_, apiB := coderdtest.NewWithAPI(t, &coderdtest.Options{DatabaseURL: url, IncludeProvisionerDaemon: true})
	owner := coderdtest.CreateFirstUser(t, a)

	daemons, err := a.OrganizationProvisionerDaemons(ctx, owner.OrganizationID)
	require.NoError(t, err)
	require.Len(t, daemons, 2, "one row per daemon")
	names := []string{daemons[0].Name, daemons[1].Name}
	assert.NotEqual(t, names[0], names[1])
	for _, id := range []uuid.UUID{apiA.ReplicaID, apiB.ReplicaID} {
		prefix := id.String()[:8]
		found := 0
		for _, n := range names {
			if strings.Contains(n, "-"+prefix+"-") {
				found++
			}
		}
		assert.Equal(t, 1, found, "one daemon names replica %s: %v", id, names)
	}
}

// TestDebugHealthCountsReplicas: the health report counts the live
// replicas and warns when they run different versions; only owners see it.
func TestDebugHealthCountsReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := dbtestutil.Open(t)
	a, _, raw := coderdtest.NewWithDatabase(t, &coderdtest.Options{DatabaseURL: url, DeploymentValues: fastHeartbeats(t)})
	coderdtest.New(t, &coderdtest.Options{DatabaseURL: url, DeploymentValues: fastHeartbeats(t)})
	owner := coderdtest.CreateFirstUser(t, a)

	report, err := a.DebugHealthFresh(ctx)
	require.NoError(t, err)
	// This server runs no provisioner daemon, so the report as a whole is
	// in error (see coderd/healthtest); the replicas section is not.
	assert.True(t, report.Replicas.Healthy)
	assert.Equal(t, codersdk.HealthSeverityOK, report.Replicas.Severity)
	assert.True(t, report.Database.Reachable)
	assert.Equal(t, 2, report.Replicas.Count)
	assert.False(t, report.Replicas.VersionSkew)
	assert.Len(t, report.Replicas.Versions, 1)

	// A third replica, of another version, in the middle of an upgrade:
	// what no API can arrange, so straight in the database, heartbeating
	// as a live replica would.
	// It keeps heartbeating until the report is read: one write is live
	// for only 3 intervals, which a stalled test machine can outlast.
	oddID := uuid.New()
	heartbeat := func() {
		_, err := raw.UpsertReplica(ctx, database.UpsertReplicaParams{
			ID: oddID, Now: dbtime.Now(), Hostname: "upgraded", Version: "v9.9.9", RegionID: 999,
		})
		assert.NoError(t, err)
	}
	heartbeat()
	stopHeartbeats := make(chan struct{})
	heartbeatsStopped := make(chan struct{})
	go func() {
		defer close(heartbeatsStopped)
		ticker := time.NewTicker(200 * time.Millisecond)
		defer ticker.Stop()
		for {
			select {
			case <-stopHeartbeats:
				return
			case <-ticker.C:
				heartbeat()
			}
		}
	}()
	report, err = a.DebugHealthFresh(ctx)
	close(stopHeartbeats)
	<-heartbeatsStopped
	require.NoError(t, err)
	assert.Equal(t, 3, report.Replicas.Count)
	assert.True(t, report.Replicas.VersionSkew)
	assert.Equal(t, 1, report.Replicas.Versions["v9.9.9"])
	assert.Equal(t, codersdk.HealthSeverityWarning, report.Replicas.Severity)
	assert.True(t, report.Replicas.Healthy, "skew is a warning, not an outage")
	require.Len(t, report.Replicas.Warnings, 1)
	assert.Equal(t, codersdk.HealthCodeReplicaVersionSkew, report.Replicas.Warnings[0].Code)
	assert.Contains(t, report.Replicas.Warnings[0].Message, "v9.9.9")

	// It stops heartbeating: after 3 intervals it is no longer counted,
	// and a surviving replica marks it lost.
	require.Eventually(t, func() bool {
		report, err := a.DebugHealthFresh(ctx)
		require.NoError(t, err)
		return report.Replicas.Count == 2 && !report.Replicas.VersionSkew
	}, time.Minute, 50*time.Millisecond)
	rs, err := a.Replicas(ctx)
	require.NoError(t, err)
	assert.NotContains(t, replicaIDs(rs), oddID)

	auditor, _ := coderdtest.CreateAnotherUser(t, a, owner.OrganizationID, rbac.RoleAuditor().Name)
	_, err = auditor.DebugHealth(ctx)
	var sdkErr *codersdk.Error
	require.ErrorAs(t, err, &sdkErr)
	assert.Equal(t, http.StatusNotFound, sdkErr.StatusCode())
}
