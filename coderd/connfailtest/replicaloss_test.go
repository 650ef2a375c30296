package connfailtest_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"cdr.dev/slog"
	"cdr.dev/slog/sloggers/slogtest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtestutil"
	"github.com/devplane/devplane/database/dbtime"
)

// TestSessionsOfLostReplicaClosed: replica A serves a terminal session, then
// loses its database without a clean shutdown (as a crash would leave it).
// Replica B's failover marks A lost and closes A's session on record, at
// A's last heartbeat, with a reason naming the replica, and writes its
// disconnect audit entry; B's own session stays open.
func TestSessionsOfLostReplicaClosed(t *testing.T) {
	t.Parallel()
	dbURL := dbtestutil.Open(t)
	proxy := dbtestutil.NewProxy(t, dbURL)

	// Fast heartbeats: a replica is lost after three missed ones.
	fast := func() *coderdtest.Options {
		vals, _ := coderdtest.DeploymentValues(t)
		require.NoError(t, vals.Replicas.HeartbeatInterval.Set("200ms"))
		return &coderdtest.Options{DeploymentValues: vals}
	}
	aOpts := fast()
	aOpts.DatabaseURL = proxy.URL()
	// A loses its database mid-test: its errors are expected.
	quiet := slogtest.Make(t, &slogtest.Options{IgnoreErrors: true}).Leveled(slog.LevelInfo)
	aOpts.Logger = &quiet
	a, aAPI, _ := coderdtest.NewWithDatabase(t, aOpts)
	bOpts := fast()
	bOpts.DatabaseURL, bOpts.IncludeProvisionerDaemon = dbURL, true
	b, bAPI, db := coderdtest.NewWithDatabase(t, bOpts)

	first := coderdtest.CreateFirstUser(t, b)
	a.SetSessionToken(b.SessionToken())
	w := workspace(t, b, first.OrganizationID)
	startAgent(t, b, a.URL, w)
	onB := workspace(t, b, first.OrganizationID)
	startAgent(t, b, b.URL, onB)

	openTerminal(t, a, w.agentID)
	openTerminal(t, b, onB.agentID)
	row := func(replica uuid.UUID) database.ConnectionLog {
		for _, r := range append(sessions(t, db, w.id), sessions(t, db, onB.id)...) {
			if r.ReplicaID == (uuid.NullUUID{UUID: replica, Valid: true}) {
				return r
			}
		}
		t.Fatalf("no session on record for replica %s", replica)
		return database.ConnectionLog{}
	}
	require.Nil(t, row(aAPI.Replicas.ID()).DisconnectTime)
	require.Nil(t, row(bAPI.Replicas.ID()).DisconnectTime)

	proxy.SetDown(true)
	// Taken once the cut is done: a heartbeat in flight during it may still
	// have passed, with a time a few microseconds after the cut began.
	cutAt := dbtime.Now()

	require.Eventually(t, func() bool { return row(aAPI.Replicas.ID()).DisconnectTime != nil }, 60*time.Second, 50*time.Millisecond,
		"B's failover closes A's session")
	lost := row(aAPI.Replicas.ID())
	assert.Contains(t, lost.DisconnectReason, "the server replica serving this session ("+aAPI.Replicas.Hostname()+") stopped")
	// At A's last heartbeat, which came before the cut, not when B noticed.
	assert.False(t, lost.DisconnectTime.Before(lost.ConnectTime))
	assert.False(t, lost.DisconnectTime.After(cutAt), "closed at %s, A was cut off at %s", lost.DisconnectTime, cutAt)
	// Its disconnect entry committed with the close.
	entries := endEntries(t, db, lost.ID)
	require.Len(t, entries, 1)
	assert.True(t, strings.Contains(string(entries[0].AdditionalFields), "stopped"))

	// B's own session is untouched: B is alive.
	assert.Nil(t, row(bAPI.Replicas.ID()).DisconnectTime)
}

// TestSessionsClosedOnShutdown: a clean shutdown closes the agents'
// connections (and so the sessions), then marks the replica stopped; a
// session whose end was not recorded by then is closed at that point, with
// its disconnect entry (connlog's tests: its later end changes nothing).
func TestSessionsClosedOnShutdown(t *testing.T) {
	t.Parallel()
	client, api, db := coderdtest.NewWithDatabase(t, &coderdtest.Options{IncludeProvisionerDaemon: true})
	first := coderdtest.CreateFirstUser(t, client)
	w := workspace(t, client, first.OrganizationID)
	startAgent(t, client, client.URL, w)

	// A session that ends normally first: its own reason.
	ended := openTerminal(t, client, w.agentID)
	require.NoError(t, ended.Close())
	require.Eventually(t, func() bool {
		rows := sessions(t, db, w.id)
		return len(rows) == 1 && rows[0].DisconnectTime != nil
	}, 60*time.Second, 20*time.Millisecond)
	assert.Equal(t, "client disconnected", sessions(t, db, w.id)[0].DisconnectReason)

	openTerminal(t, client, w.agentID)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	require.NoError(t, api.Replicas.Close(ctx))
	rows := sessions(t, db, w.id)
	require.Len(t, rows, 2)
	require.NotNil(t, rows[0].DisconnectTime)
	assert.Equal(t, "the server replica serving this session ("+api.Replicas.Hostname()+") shut down", rows[0].DisconnectReason)
	require.Len(t, endEntries(t, db, rows[0].ID), 1)

}
