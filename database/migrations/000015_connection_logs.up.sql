-- Every session someone opens to a workspace (terminal, SSH, VS Code,
-- JetBrains, an app, a forwarded port): who, where, what kind, when it
-- started and ended. Names are copied at connect time so the log reads the
-- same after a workspace or user is renamed or deleted; hence no foreign
-- keys, as the audit log has none.
CREATE TABLE connection_logs (
    id uuid PRIMARY KEY,
    connect_time timestamptz NOT NULL,
    organization_id uuid NOT NULL,
    workspace_owner_id uuid NOT NULL,
    workspace_owner_username text NOT NULL,
    workspace_id uuid NOT NULL,
    workspace_name text NOT NULL,
    agent_id uuid NOT NULL,
    agent_name text NOT NULL,
    -- ssh, reconnecting_pty, vscode, jetbrains, workspace_app, port_forwarding
    type text NOT NULL,
    ip inet,
    user_agent text NOT NULL DEFAULT '',
    -- The user who connected; null when unknown (a public app reached
    -- signed out).
    user_id uuid,
    -- The app's slug or the forwarded port, for apps and ports.
    slug_or_port text NOT NULL DEFAULT '',
    disconnect_time timestamptz,
    -- An exit code (SSH, terminal) or an HTTP status (apps); null while
    -- open or when there is none.
    code integer,
    disconnect_reason text NOT NULL DEFAULT ''
);

CREATE INDEX connection_logs_connect_time_idx ON connection_logs (connect_time DESC, id DESC);
CREATE INDEX connection_logs_organization_id_idx ON connection_logs (organization_id, connect_time DESC);
CREATE INDEX connection_logs_workspace_id_idx ON connection_logs (workspace_id, connect_time DESC);
-- Insights: sessions of one kind over a time range.
CREATE INDEX connection_logs_type_connect_time_idx ON connection_logs (type, connect_time) INCLUDE (user_id, workspace_id);
-- Sessions still open, for closing those of a lost replica.
CREATE INDEX connection_logs_open_idx ON connection_logs (connect_time) WHERE disconnect_time IS NULL;
