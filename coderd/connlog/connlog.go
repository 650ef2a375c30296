// Package connlog records the sessions people open to workspaces (browser
// terminal, SSH, VS Code, JetBrains, apps, forwarded ports): a row in
// connection_logs per session, audit entries for its start and end, and a
// usage report for the workspace. Handlers call Start when a session is
// established and End on the handle when it is over.
package connlog

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
)

// UsageFunc reports that userID used the workspace now (last_used_at,
// activity bump, template daily users). The server passes its usage path.
type UsageFunc func(ctx context.Context, w database.Workspace, userID uuid.UUID)

// Logger writes connection records.
type Logger struct {
	db        database.Store
	log       slog.Logger
	replicaID uuid.UUID
	usage     UsageFunc
	now       func() time.Time
}

// New makes a logger for the sessions this replica serves: each row names
// replicaID, so that the sessions of a replica that stops can be closed
// (CloseSessionsOfStoppedReplicas). usage may be nil.
func New(db database.Store, log slog.Logger, replicaID uuid.UUID, usage UsageFunc) *Logger {
	return &Logger{db: db, log: log, replicaID: replicaID, usage: usage, now: dbtime.Now}
}

// ConnStart describes a session being opened.
type ConnStart struct {
	Type      codersdk.ConnectionType
	Workspace database.Workspace
	AgentID   uuid.UUID
	AgentName string
	// UserID is who connected; uuid.Nil when unknown (a public app reached
	// signed out).
	UserID    uuid.UUID
	IP        netip.Addr
	UserAgent string
	// SlugOrPort is the app's slug or the forwarded port.
	SlugOrPort string
	// AppID is the app of a workspace_app session, its audit resource.
	AppID uuid.UUID
}

// Conn is an open session's record. End may be called more than once; only
// the first call counts.
type Conn struct {
	l     *Logger
	id    uuid.UUID
	start ConnStart
	once  sync.Once
}

// ID is the connection_logs row's id.
func (c *Conn) ID() uuid.UUID { return c.id }

// Bounds on client-chosen text stored in a row.
const (
	maxUserAgentBytes = 1024
	maxTextBytes      = 2048
)

// Start records the session's start: its row, a connect (or open) audit
// entry, and usage of the workspace. An error means the row could not be
// written; callers refuse the session then, since every session must be
// on record.
func (l *Logger) Start(ctx context.Context, s ConnStart) (*Conn, error) {
	id := uuid.New()
	now := l.now()
	arg := database.InsertConnectionLogParams{
		ID:                     id,
		ConnectTime:            now,
		OrganizationID:         s.Workspace.OrganizationID,
		WorkspaceOwnerID:       s.Workspace.OwnerID,
		WorkspaceOwnerUsername: s.Workspace.OwnerUsername,
		WorkspaceID:            s.Workspace.ID,
		WorkspaceName:          s.Workspace.Name,
		AgentID:                s.AgentID,
		AgentName:              s.AgentName,
		Type:                   string(s.Type),
		UserAgent:              httpapi.Storable(s.UserAgent, maxUserAgentBytes),
		UserID:                 uuid.NullUUID{UUID: s.UserID, Valid: s.UserID != uuid.Nil},
		SlugOrPort:             httpapi.Storable(s.SlugOrPort, maxTextBytes),
		ReplicaID:              uuid.NullUUID{UUID: l.replicaID, Valid: l.replicaID != uuid.Nil},
		AppID:                  uuid.NullUUID{UUID: s.AppID, Valid: s.AppID != uuid.Nil},
	}
	if s.IP.IsValid() {
		ip := s.IP
		arg.Ip = &ip
	}
	c := &Conn{l: l, id: id, start: s}
	// The row and its audit entry commit together: a session is never on
	// record in one and missing from the other.
	err := l.db.InTx(ctx, func(tx database.Store) error {
		if _, err := tx.InsertConnectionLog(dbauthz.AsConnectionLogger(ctx), arg); err != nil {
			return xerrors.Errorf("insert connection log: %w", err)
		}
		if err := audit.Insert(ctx, tx, c.auditEntry(now, true, nil, "")); err != nil {
			return xerrors.Errorf("audit connection start: %w", err)
		}
		return nil
	}, nil)
	if err != nil {
		return nil, err
	}
	if l.usage != nil && s.UserID != uuid.Nil {
		l.usage(ctx, s.Workspace, s.UserID)
	}
	return c, nil
}

// End records the session's end with its exit code or HTTP status (nil:
// none) and why it ended. It runs on its own context, since the request
// that carried the session is usually over by now.
func (c *Conn) End(code *int32, reason string) {
	c.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		now := c.l.now()
		err := c.l.db.InTx(ctx, func(tx database.Store) error {
			closed, err := tx.CloseConnectionLog(dbauthz.AsConnectionLogger(ctx), database.CloseConnectionLogParams{
				ID: c.id, DisconnectTime: now, Code: code, DisconnectReason: httpapi.Storable(reason, maxTextBytes),
			})
			if err != nil {
				return xerrors.Errorf("close connection log: %w", err)
			}
			if closed == 0 {
				// Already closed, with its audit entry, because this
				// replica was taken for stopped (see
				// CloseSessionsOfStoppedReplicas).
				return nil
			}
			if err := audit.Insert(ctx, tx, c.auditEntry(now, false, code, reason)); err != nil {
				return xerrors.Errorf("audit connection end: %w", err)
			}
			return nil
		}, nil)
		if err != nil {
			c.l.logEndFailure(ctx, "record the end of a session", c.id, err)
		}
	})
}

// CloseSessionsOfStoppedReplicas closes, in one statement, the sessions
// still on record as open on other replicas that are stopped (shut down, or
// marked lost by failover): they ended with their replica, at its last
// heartbeat. Each gets its disconnect audit entry. Failover runs it on
// every tick, so sessions of a replica whose marker died too are closed by
// the next tick.
func CloseSessionsOfStoppedReplicas(ctx context.Context, db database.Store, selfID uuid.UUID) (int, error) {
	return closeAndAudit(ctx, db, func(tx database.Store) ([]database.ConnectionLog, error) {
		rows, err := tx.CloseConnectionLogsOfStoppedReplicas(dbauthz.AsConnectionLogger(ctx), selfID)
		if err != nil {
			return nil, xerrors.Errorf("close the sessions of stopped replicas: %w", err)
		}
		return rows, nil
	})
}

// CloseSessionsOfReplica closes the sessions on record as open on one
// replica and opened before openedBefore, at the time at (or their start,
// if later), with reason: a replica's own at a clean shutdown, once its
// agents' connections are closed, and a previous process's at start.
func CloseSessionsOfReplica(ctx context.Context, db database.Store, replicaID uuid.UUID, openedBefore, at time.Time, reason string) (int, error) {
	return closeAndAudit(ctx, db, func(tx database.Store) ([]database.ConnectionLog, error) {
		rows, err := tx.CloseConnectionLogsOfReplica(dbauthz.AsConnectionLogger(ctx), database.CloseConnectionLogsOfReplicaParams{
			ReplicaID: uuid.NullUUID{UUID: replicaID, Valid: true}, OpenedBefore: openedBefore,
			DisconnectTime: at, DisconnectReason: reason,
		})
		if err != nil {
			return nil, xerrors.Errorf("close the sessions of replica %s: %w", replicaID, err)
		}
		return rows, nil
	})
}

// closeAndAudit closes sessions in bulk and writes their disconnect (or
// close) entries, as End writes one for a session it ends, in one
// transaction: if an entry cannot be written, the sessions stay open for
// the next attempt instead of closing unaudited.
func closeAndAudit(ctx context.Context, db database.Store, closeRows func(database.Store) ([]database.ConnectionLog, error)) (int, error) {
	var closed int
	err := db.InTx(ctx, func(tx database.Store) error {
		rows, err := closeRows(tx)
		if err != nil {
			return err
		}
		for _, row := range rows {
			c := &Conn{id: row.ID, start: startOf(row)}
			at := row.ConnectTime
			if row.DisconnectTime != nil {
				at = *row.DisconnectTime
			}
			if err := audit.Insert(ctx, tx, c.auditEntry(at, false, row.Code, row.DisconnectReason)); err != nil {
				return xerrors.Errorf("audit the end of session %s: %w", row.ID, err)
			}
		}
		closed = len(rows)
		return nil
	}, nil)
	return closed, err
}

// startOf is the ConnStart a row was written from.
func startOf(row database.ConnectionLog) ConnStart {
	s := ConnStart{
		Type: codersdk.ConnectionType(row.Type),
		Workspace: database.Workspace{
			ID: row.WorkspaceID, OrganizationID: row.OrganizationID, OwnerID: row.WorkspaceOwnerID,
			OwnerUsername: row.WorkspaceOwnerUsername, Name: row.WorkspaceName,
		},
		AgentID: row.AgentID, AgentName: row.AgentName, UserID: row.UserID.UUID,
		UserAgent: row.UserAgent, SlugOrPort: row.SlugOrPort, AppID: row.AppID.UUID,
	}
	if row.Ip != nil {
		s.IP = *row.Ip
	}
	return s
}

// logEndFailure logs a session end that could not be recorded. A server
// stopping while sessions are open (its pool already closed) is expected:
// the row stays open, and that is a warning, not an error.
func (l *Logger) logEndFailure(ctx context.Context, what string, id uuid.UUID, err error) {
	if database.IsUnavailable(err) {
		l.log.Warn(ctx, what+": the database went away before the session's end was recorded", slog.F("connection_id", id), slog.Error(err))
		return
	}
	l.log.Error(ctx, what, slog.F("connection_id", id), slog.Error(err))
}

// auditEntry is the connect/disconnect entry on the agent, or open/close on
// the app for app sessions, with the session's facts as additional fields
// as Coder shows them.
func (c *Conn) auditEntry(at time.Time, starting bool, code *int32, reason string) audit.Entry {
	s := c.start
	e := audit.Entry{
		Time:           at,
		UserID:         s.UserID,
		OrganizationID: s.Workspace.OrganizationID,
		IP:             s.IP,
		UserAgent:      s.UserAgent,
		ResourceType:   codersdk.ResourceTypeWorkspaceAgent,
		ResourceID:     s.AgentID,
		ResourceTarget: s.AgentName,
		Action:         codersdk.AuditActionConnect,
		StatusCode:     audit.StatusSucceeded,
		RequestID:      c.id,
		AdditionalFields: map[string]any{
			"connection_id":   c.id,
			"connection_type": string(s.Type),
			"workspace_id":    s.Workspace.ID,
			"workspace_name":  s.Workspace.Name,
			"workspace_owner": s.Workspace.OwnerUsername,
			"agent_name":      s.AgentName,
		},
	}
	if !starting {
		e.Action = codersdk.AuditActionDisconnect
		e.AdditionalFields["reason"] = reason
		if code != nil {
			e.AdditionalFields["code"] = strconv.Itoa(int(*code))
		}
	}
	if s.SlugOrPort != "" {
		e.AdditionalFields["slug_or_port"] = s.SlugOrPort
	}
	if s.Type == codersdk.ConnectionTypeWorkspaceApp {
		e.ResourceType, e.ResourceID, e.ResourceTarget = codersdk.ResourceTypeWorkspaceApp, s.AppID, s.SlugOrPort
		e.Action = codersdk.AuditActionOpen
		if !starting {
			e.Action = codersdk.AuditActionClose
		}
	}
	return e
}

// RequestIP is the client's address as the server's real-IP handling left
// it in r.RemoteAddr.
func RequestIP(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return ip.Unmap()
}
