-- Workspaces and their builds.

CREATE TYPE build_reason AS ENUM ('initiator', 'autostart', 'autostop', 'dormancy', 'dashboard', 'cli',
    'ssh_connection', 'vscode_connection', 'jetbrains_connection');

CREATE TABLE workspaces (
    id uuid PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    owner_id uuid NOT NULL REFERENCES users (id),
    organization_id uuid NOT NULL REFERENCES organizations (id),
    template_id uuid NOT NULL REFERENCES templates (id),
    -- Set when a delete build succeeds; the row stays for history.
    deleted boolean NOT NULL DEFAULT false,
    name text NOT NULL,
    -- "CRON_TZ=<tz> m h * * dow", empty when off.
    autostart_schedule text NOT NULL DEFAULT '',
    -- Nanoseconds; NULL when the workspace has no TTL of its own.
    ttl bigint,
    last_used_at timestamptz NOT NULL,
    dormant_at timestamptz,
    deleting_at timestamptz,
    automatic_updates text NOT NULL DEFAULT 'never' CHECK (automatic_updates IN ('always', 'never')),
    favorite boolean NOT NULL DEFAULT false,
    next_start_at timestamptz,
    -- {"<user or group id>": ["read", ...]}: who the workspace is shared with.
    user_acl jsonb NOT NULL DEFAULT '{}',
    group_acl jsonb NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX workspaces_owner_name_lower_idx ON workspaces (owner_id, lower(name)) WHERE NOT deleted;
CREATE INDEX workspaces_organization_id_idx ON workspaces (organization_id) WHERE NOT deleted;
CREATE INDEX workspaces_template_id_idx ON workspaces (template_id) WHERE NOT deleted;

CREATE TABLE workspace_builds (
    id uuid PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    template_version_id uuid NOT NULL REFERENCES template_versions (id),
    template_version_preset_id uuid REFERENCES template_version_presets (id) ON DELETE SET NULL,
    build_number integer NOT NULL,
    transition workspace_transition NOT NULL,
    initiator_id uuid NOT NULL REFERENCES users (id),
    -- Opaque to all but the provisioner; written when the job succeeds.
    provisioner_state bytea NOT NULL DEFAULT '',
    job_id uuid NOT NULL UNIQUE REFERENCES provisioner_jobs (id),
    deadline timestamptz,
    max_deadline timestamptz,
    reason build_reason NOT NULL DEFAULT 'initiator',
    daily_cost integer NOT NULL DEFAULT 0,
    UNIQUE (workspace_id, build_number)
);

CREATE TABLE workspace_build_parameters (
    workspace_build_id uuid NOT NULL REFERENCES workspace_builds (id) ON DELETE CASCADE,
    name text NOT NULL,
    value text NOT NULL,
    PRIMARY KEY (workspace_build_id, name)
);

-- A workspace with what every read shows beside the row: owner, template
-- and organization names, and the latest build with its job.
CREATE VIEW workspaces_expanded AS
SELECT w.*,
    u.username AS owner_username,
    u.name AS owner_name,
    u.avatar_url AS owner_avatar_url,
    o.name AS organization_name,
    o.display_name AS organization_display_name,
    o.icon AS organization_icon,
    t.name AS template_name,
    t.display_name AS template_display_name,
    t.icon AS template_icon,
    t.active_version_id AS template_active_version_id,
    t.allow_user_cancel_workspace_jobs AS template_allow_user_cancel_workspace_jobs,
    t.require_active_version AS template_require_active_version,
    t.use_classic_parameter_flow AS template_use_classic_parameter_flow,
    t.allow_workspace_renames AS template_allow_workspace_renames
FROM workspaces w
JOIN users u ON u.id = w.owner_id
JOIN organizations o ON o.id = w.organization_id
JOIN templates t ON t.id = w.template_id;
