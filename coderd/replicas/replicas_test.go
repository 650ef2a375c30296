package replicas_test

import (
	"context"
	"testing"
	"time"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/connlog"
	"github.com/devplane/devplane/coderd/replicas"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtestutil"
	"github.com/devplane/devplane/database/dbtime"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }

// TestManagerLifecycle: a started replica is live; one presumed lost while
// it was only slow is live again at its next heartbeat; a clean Close
// takes it out of the live list at once, and a canceled start context
// (a crash) leaves it to go stale.
func TestManagerLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	raw, ps := dbtestutil.NewDBWithPubsub(t)
	sys := dbauthz.AsReplicaRegistry(ctx)
	db := dbauthz.New(raw, nil)
	listedSince := func(m *replicas.Manager, since time.Time) bool {
		rows, err := db.GetReplicasUpdatedAfter(sys, since)
		require.NoError(t, err)
		for _, r := range rows {
			if r.ID == m.ID() {
				return true
			}
		}
		return false
	}
	// live: on the list as the replicas see it (heartbeat within 150ms).
	live := func(m *replicas.Manager) bool { return listedSince(m, m.LiveSince()) }
	// registered: on the list, not stopped, with a heartbeat within the
	// last minute. Right after Start, live alone would also need the test
	// to run its query within 150ms of Start's write (or of a heartbeat),
	// which a busy machine's stall of the process can miss.
	registered := func(m *replicas.Manager) bool { return listedSince(m, time.Now().Add(-time.Minute)) }
	mk := func() *replicas.Manager {
		return replicas.New(replicas.Options{
			ID: uuid.New(), Hostname: "host", Version: "v1", Interval: 50 * time.Millisecond,
			DB: db, Pubsub: ps, Logger: slogtest.Make(t, nil),
		})
	}

	m := mk()
	assert.Equal(t, 150*time.Millisecond, m.LostAfter())
	require.NoError(t, m.Start(ctx))
	t.Cleanup(func() { _ = m.Close(ctx) })
	assert.True(t, registered(m))

	// Another replica takes it for lost (as after a long pause).
	lost, err := db.MarkLostReplicas(sys, database.MarkLostReplicasParams{
		SelfID: uuid.New(), Now: dbtime.Now(), UpdatedBefore: dbtime.Now().Add(time.Hour), Error: "presumed lost",
	})
	require.NoError(t, err)
	require.Len(t, lost, 1)
	// The row as marked: off the live list. Reading the list instead
	// would race with the next heartbeat, 50ms away, which revives it.
	assert.Equal(t, m.ID(), lost[0].ID)
	assert.NotNil(t, lost[0].StoppedAt, "marked stopped")
	require.Eventually(t, func() bool { return live(m) }, time.Minute, 10*time.Millisecond, "its next heartbeat revives it")

	require.NoError(t, m.Close(ctx))
	assert.False(t, registered(m), "a clean stop leaves the list at once")

	crashCtx, crash := context.WithCancel(ctx)
	c := mk()
	require.NoError(t, c.Start(crashCtx))
	assert.True(t, registered(c))
	crash()
	require.Eventually(t, func() bool { return !live(c) }, time.Minute, 10*time.Millisecond, "a crashed replica goes stale")
}

// TestManagerClosesOwnSessions: a session still open on record under a
// replica id (its process crashed) is closed when a process starts again
// with that id; one opened by the running process is closed by its clean
// Close.
func TestManagerClosesOwnSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	raw, ps := dbtestutil.NewDBWithPubsub(t)
	db := dbauthz.New(raw, nil)
	log := slogtest.Make(t, nil)
	id := uuid.New()
	mk := func() *replicas.Manager {
		return replicas.New(replicas.Options{ID: id, Hostname: "host-a", Interval: time.Hour, DB: db, Pubsub: ps, Logger: log})
	}
	w := database.Workspace{ID: uuid.New(), OrganizationID: uuid.New(), OwnerID: uuid.New(), OwnerUsername: "alice", Name: "dev"}
	start := func() uuid.UUID {
		c, err := connlog.New(db, log, id, nil).Start(ctx, connlog.ConnStart{
			Type: codersdk.ConnectionTypeSSH, Workspace: w, AgentID: uuid.New(), AgentName: "main", UserID: uuid.New(),
		})
		require.NoError(t, err)
		return c.ID()
	}
	reason := func(connID uuid.UUID) string {
		rows, err := raw.GetConnectionLogsOffset(ctx, database.GetConnectionLogsOffsetParams{WorkspaceID: w.ID, AuthAll: true})
		require.NoError(t, err)
		for _, r := range rows {
			if r.ID == connID {
				require.NotNil(t, r.DisconnectTime, "session %s still open", connID)
				return r.DisconnectReason
			}
		}
		t.Fatalf("no session %s", connID)
		return ""
	}

	crashCtx, crash := context.WithCancel(ctx)
	first := mk()
	require.NoError(t, first.Start(crashCtx))
	orphan := start()
	crash()

	again := mk()
	require.NoError(t, again.Start(ctx))
	assert.Equal(t, "the server replica serving this session (host-a) restarted", reason(orphan))

	current := start()
	require.NoError(t, again.Close(ctx))
	assert.Equal(t, "the server replica serving this session (host-a) shut down", reason(current))
}
