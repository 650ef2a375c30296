package connlog_test

import (
	"context"
	"net/netip"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/connlog"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtestutil"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }

// TestStartEnd: a session writes its row and a connect entry, its end closes
// the row once and writes a disconnect entry, and usage is reported.
func TestStartEnd(t *testing.T) {
	t.Parallel()
	raw, _ := dbtestutil.NewDB(t)
	db := dbauthz.New(raw, nil)
	ctx := context.Background()

	var used []uuid.UUID
	l := connlog.New(db, slogtest.Make(t, nil), uuid.New(), func(_ context.Context, w database.Workspace, userID uuid.UUID) {
		used = append(used, w.ID, userID)
	})
	w := database.Workspace{ID: uuid.New(), OrganizationID: uuid.New(), OwnerID: uuid.New(), OwnerUsername: "alice", Name: "dev"}
	user := uuid.New()
	c, err := l.Start(ctx, connlog.ConnStart{
		Type: codersdk.ConnectionTypeReconnectingPTY, Workspace: w, AgentID: uuid.New(), AgentName: "main",
		UserID: user, IP: netip.MustParseAddr("10.0.0.7"), UserAgent: "test",
	})
	require.NoError(t, err)
	assert.Equal(t, []uuid.UUID{w.ID, user}, used)

	// Read as a site auditor would.
	auditor := dbauthz.As(ctx, subject(t, rbac.RoleAuditor()))
	rows, err := db.GetConnectionLogsOffset(auditor, database.GetConnectionLogsOffsetParams{WorkspaceID: w.ID})
	require.NoError(t, err)
	require.Len(t, rows, 1)
	assert.Equal(t, c.ID(), rows[0].ID)
	assert.Equal(t, "reconnecting_pty", rows[0].Type)
	assert.Equal(t, "alice", rows[0].WorkspaceOwnerUsername)
	assert.Nil(t, rows[0].DisconnectTime)
	require.NotNil(t, rows[0].Ip)
	assert.Equal(t, "10.0.0.7", rows[0].Ip.String())

	code := int32(0)
	c.End(&code, "client went away")
	c.End(nil, "again") // ignored
	rows, err = db.GetConnectionLogsOffset(auditor, database.GetConnectionLogsOffsetParams{WorkspaceID: w.ID})
	require.NoError(t, err)
	require.Len(t, rows, 1)
	require.NotNil(t, rows[0].DisconnectTime)
	require.NotNil(t, rows[0].Code)
	assert.EqualValues(t, 0, *rows[0].Code)
	assert.Equal(t, "client went away", rows[0].DisconnectReason)

	logs, err := db.GetAuditLogsOffset(auditor, database.GetAuditLogsOffsetParams{ResourceType: "workspace_agent"})
	require.NoError(t, err)
	actions := []string{}
	for _, e := range logs {
		actions = append(actions, e.Action)
	}
	assert.ElementsMatch(t, []string{"connect", "disconnect"}, actions)

	// A member reads nothing.
	member := dbauthz.As(ctx, subject(t, rbac.RoleMember()))
	rows, err = db.GetConnectionLogsOffset(member, database.GetConnectionLogsOffsetParams{})
	require.NoError(t, err)
	assert.Empty(t, rows)
}

func subject(t *testing.T, role rbac.RoleIdentifier) *rbac.PreparedSubject {
	t.Helper()
	r, err := rbac.BuiltinRole(role)
	require.NoError(t, err)
	scope, err := rbac.ScopeRole(rbac.ScopeAll)
	require.NoError(t, err)
	return rbac.Prepare(rbac.Subject{ID: uuid.New(), Roles: []rbac.Role{r}, Scope: scope})
}

// TestSessionsOfReplicas: the sessions of a stopped replica are closed in
// one statement, at its last heartbeat, with their disconnect entries;
// those of live replicas (and this one) are not; a session's own end after
// that changes nothing; a replica closes its own at shutdown or restart.
func TestSessionsOfReplicas(t *testing.T) {
	t.Parallel()
	raw, _ := dbtestutil.NewDB(t)
	db := dbauthz.New(raw, nil)
	ctx := context.Background()
	log := slogtest.Make(t, nil)
	now := dbtime.Now()

	register := func(name string, heartbeat time.Time) uuid.UUID {
		id := uuid.New()
		_, err := raw.UpsertReplica(ctx, database.UpsertReplicaParams{ID: id, Now: heartbeat, Hostname: name})
		require.NoError(t, err)
		return id
	}
	lost := register("lost-host", now.Add(-time.Minute))
	live := register("live-host", now)
	self := register("self-host", now)
	w := database.Workspace{ID: uuid.New(), OrganizationID: uuid.New(), OwnerID: uuid.New(), OwnerUsername: "alice", Name: "dev"}
	start := func(replica uuid.UUID, typ codersdk.ConnectionType) *connlog.Conn {
		c, err := connlog.New(db, log, replica, nil).Start(ctx, connlog.ConnStart{
			Type: typ, Workspace: w, AgentID: uuid.New(), AgentName: "main", UserID: uuid.New(), SlugOrPort: "app", AppID: uuid.New(),
		})
		require.NoError(t, err)
		return c
	}
	onLost := []*connlog.Conn{start(lost, codersdk.ConnectionTypeSSH), start(lost, codersdk.ConnectionTypeWorkspaceApp)}
	onLive := start(live, codersdk.ConnectionTypeSSH)
	onSelf := start(self, codersdk.ConnectionTypeReconnectingPTY)

	// Not stopped yet: nothing closes.
	n, err := connlog.CloseSessionsOfStoppedReplicas(ctx, db, self)
	require.NoError(t, err)
	assert.Zero(t, n)

	_, err = raw.MarkLostReplicas(ctx, database.MarkLostReplicasParams{SelfID: self, Now: now, UpdatedBefore: now.Add(-30 * time.Second), Error: "lost"})
	require.NoError(t, err)
	n, err = connlog.CloseSessionsOfStoppedReplicas(ctx, db, self)
	require.NoError(t, err)
	assert.Equal(t, 2, n)

	rows := byID(t, db, w.ID)
	for _, c := range onLost {
		r := rows[c.ID()]
		require.NotNil(t, r.DisconnectTime)
		// Its last heartbeat, or the start of a session opened after it.
		assert.Equal(t, r.ConnectTime, *r.DisconnectTime)
		assert.Equal(t, "the server replica serving this session (lost-host) stopped", r.DisconnectReason)
	}
	assert.Nil(t, rows[onLive.ID()].DisconnectTime)
	assert.Nil(t, rows[onSelf.ID()].DisconnectTime)
	actions := endActions(t, db, onLost[0].ID())
	assert.Equal(t, []string{"disconnect"}, actions)
	assert.Equal(t, []string{"close"}, endActions(t, db, onLost[1].ID()), "an app session's end is a close of the app")

	// The session's own end, later, is not recorded twice.
	onLost[0].End(nil, "client went away")
	assert.Equal(t, "the server replica serving this session (lost-host) stopped", byID(t, db, w.ID)[onLost[0].ID()].DisconnectReason)
	assert.Equal(t, []string{"disconnect"}, endActions(t, db, onLost[0].ID()))

	// A replica closes its own sessions opened before a time.
	n, err = connlog.CloseSessionsOfReplica(ctx, db, self, dbtime.Now().Add(time.Second), dbtime.Now(), "restarted")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, "restarted", byID(t, db, w.ID)[onSelf.ID()].DisconnectReason)
	assert.Nil(t, byID(t, db, w.ID)[onLive.ID()].DisconnectTime)
}

// auditOutage is a store whose audit inserts fail while down is set,
// inside transactions too.
type auditOutage struct {
	database.Store
	down *atomic.Bool
}

func (s auditOutage) InsertAuditLog(ctx context.Context, arg database.InsertAuditLogParams) error {
	if s.down.Load() {
		return xerrors.New("audit log unavailable")
	}
	return s.Store.InsertAuditLog(ctx, arg)
}

func (s auditOutage) InTx(ctx context.Context, fn func(database.Store) error, opts *database.TxOptions) error {
	return s.Store.InTx(ctx, func(tx database.Store) error {
		return fn(auditOutage{Store: tx, down: s.down})
	}, opts)
}

// TestSessionAndAuditCommitTogether: a session's row and its audit entries
// are written in one transaction each time, so when the audit entry cannot
// be written the session is neither opened nor closed without one.
func TestSessionAndAuditCommitTogether(t *testing.T) {
	t.Parallel()
	raw, _ := dbtestutil.NewDB(t)
	down := &atomic.Bool{}
	db := auditOutage{Store: dbauthz.New(raw, nil), down: down}
	ctx := context.Background()
	replica := uuid.New()
	_, err := raw.UpsertReplica(ctx, database.UpsertReplicaParams{ID: replica, Now: dbtime.Now(), Hostname: "self-host"})
	require.NoError(t, err)
	l := connlog.New(db, slogtest.Make(t, &slogtest.Options{IgnoreErrors: true}), replica, nil)
	w := database.Workspace{ID: uuid.New(), OrganizationID: uuid.New(), OwnerID: uuid.New(), OwnerUsername: "alice", Name: "dev"}
	start := connlog.ConnStart{Type: codersdk.ConnectionTypeSSH, Workspace: w, AgentID: uuid.New(), AgentName: "main", UserID: uuid.New()}

	// No start entry: no session (the caller refuses it).
	down.Store(true)
	_, err = l.Start(ctx, start)
	require.Error(t, err)
	assert.Empty(t, byID(t, db, w.ID), "no row without its connect entry")

	down.Store(false)
	c, err := l.Start(ctx, start)
	require.NoError(t, err)

	// No end entry: the row stays open, for a later close to record both.
	down.Store(true)
	c.End(nil, "client went away")
	assert.Nil(t, byID(t, db, w.ID)[c.ID()].DisconnectTime)
	_, err = connlog.CloseSessionsOfReplica(ctx, db, replica, dbtime.Now().Add(time.Second), dbtime.Now(), "restarted")
	require.Error(t, err)
	assert.Nil(t, byID(t, db, w.ID)[c.ID()].DisconnectTime)
	assert.Empty(t, endActions(t, db, c.ID()))

	down.Store(false)
	n, err := connlog.CloseSessionsOfReplica(ctx, db, replica, dbtime.Now().Add(time.Second), dbtime.Now(), "restarted")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	assert.Equal(t, "restarted", byID(t, db, w.ID)[c.ID()].DisconnectReason)
	assert.Equal(t, []string{"disconnect"}, endActions(t, db, c.ID()))
}

func byID(t *testing.T, db database.Store, workspaceID uuid.UUID) map[uuid.UUID]database.ConnectionLog {
	t.Helper()
	auditor := dbauthz.As(context.Background(), subject(t, rbac.RoleAuditor()))
	rows, err := db.GetConnectionLogsOffset(auditor, database.GetConnectionLogsOffsetParams{WorkspaceID: workspaceID})
	require.NoError(t, err)
	m := map[uuid.UUID]database.ConnectionLog{}
	for _, r := range rows {
		m[r.ID] = r
	}
	return m
}

// endActions are the actions of a session's audit entries other than its
// start.
func endActions(t *testing.T, db database.Store, connectionID uuid.UUID) []string {
	t.Helper()
	auditor := dbauthz.As(context.Background(), subject(t, rbac.RoleAuditor()))
	logs, err := db.GetAuditLogsOffset(auditor, database.GetAuditLogsOffsetParams{RequestID: connectionID})
	require.NoError(t, err)
	actions := []string{}
	for _, e := range logs {
		if e.Action != "connect" && e.Action != "open" {
			actions = append(actions, e.Action)
		}
	}
	return actions
}

// BenchmarkCloseSessionsOfStoppedReplicas is failover's per-tick cost in
// the steady state: 10,000 sessions open on live replicas, twenty stopped
// replicas, nothing to close.
func BenchmarkCloseSessionsOfStoppedReplicas(b *testing.B) {
	raw, pool := dbtestutil.NewDB(b)
	db := dbauthz.New(raw, nil)
	ctx := context.Background()
	now := dbtime.Now()
	for i := range 20 {
		id := uuid.New()
		_, err := raw.UpsertReplica(ctx, database.UpsertReplicaParams{ID: id, Now: now, Hostname: "gone-" + strconv.Itoa(i)})
		require.NoError(b, err)
		require.NoError(b, raw.UpdateReplicaStopped(ctx, database.UpdateReplicaStoppedParams{ID: id, Now: now}))
	}
	live := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	_, err := pool.Exec(ctx, `INSERT INTO connection_logs (id, connect_time, organization_id, workspace_owner_id, workspace_owner_username,
		workspace_id, workspace_name, agent_id, agent_name, type, replica_id)
		SELECT gen_random_uuid(), now(), gen_random_uuid(), gen_random_uuid(), 'u', gen_random_uuid(), 'w', gen_random_uuid(), 'a', 'ssh',
			($1::uuid[])[1 + i % 3]
		FROM generate_series(1, 10000) AS i`, live)
	require.NoError(b, err)
	_, err = pool.Exec(ctx, `ANALYZE connection_logs`)
	require.NoError(b, err)
	self := live[0]
	b.ResetTimer()
	for range b.N {
		n, err := connlog.CloseSessionsOfStoppedReplicas(ctx, db, self)
		if err != nil || n != 0 {
			b.Fatal(n, err)
		}
	}
}
