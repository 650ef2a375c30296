package connlog_test

import (
	"context"
	"net/netip"
	"testing"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/connlog"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtestutil"
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
	l := connlog.New(db, slogtest.Make(t, nil), func(_ context.Context, w database.Workspace, userID uuid.UUID) {
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
