-- Files, the provisioner job queue, template versions and templates, and the
-- resources a job produces.

CREATE TABLE files (
    id uuid PRIMARY KEY,
    -- sha256 of data, hex; one copy per uploader.
    hash text NOT NULL,
    created_at timestamptz NOT NULL,
    created_by uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mimetype text NOT NULL,
    data bytea NOT NULL,
    UNIQUE (hash, created_by)
);

CREATE TYPE provisioner_type AS ENUM ('echo', 'terraform');
CREATE TYPE provisioner_job_type AS ENUM ('template_version_import', 'workspace_build', 'template_version_dry_run');
CREATE TYPE log_level AS ENUM ('trace', 'debug', 'info', 'warn', 'error');
CREATE TYPE log_source AS ENUM ('provisioner_daemon', 'provisioner');

CREATE TABLE provisioner_daemons (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name text NOT NULL,
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz,
    provisioners text[] NOT NULL CHECK (provisioners <@ ARRAY['echo', 'terraform']),
    tags jsonb NOT NULL DEFAULT '{}',
    version text NOT NULL DEFAULT '',
    api_version text NOT NULL DEFAULT '',
    UNIQUE (organization_id, name)
);

CREATE TABLE provisioner_jobs (
    id uuid PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    started_at timestamptz,
    canceled_at timestamptz,
    completed_at timestamptz,
    error text,
    error_code text,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    initiator_id uuid NOT NULL REFERENCES users (id),
    provisioner provisioner_type NOT NULL,
    type provisioner_job_type NOT NULL,
    file_id uuid NOT NULL REFERENCES files (id),
    -- What the job works on (template version, build), as JSON.
    input jsonb NOT NULL,
    -- Which daemons may take it: all of them must be offered by the daemon.
    tags jsonb NOT NULL DEFAULT '{}',
    -- The daemon running it; set when acquired.
    worker_id uuid REFERENCES provisioner_daemons (id) ON DELETE SET NULL
);
-- Acquisition scans pending jobs oldest first.
CREATE INDEX provisioner_jobs_pending_idx ON provisioner_jobs (organization_id, created_at)
    WHERE started_at IS NULL AND canceled_at IS NULL;
-- The hang detector scans running jobs.
CREATE INDEX provisioner_jobs_running_idx ON provisioner_jobs (updated_at)
    WHERE started_at IS NOT NULL AND completed_at IS NULL;

CREATE TABLE provisioner_job_logs (
    id bigserial PRIMARY KEY,
    job_id uuid NOT NULL REFERENCES provisioner_jobs (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    source log_source NOT NULL,
    level log_level NOT NULL,
    stage text NOT NULL,
    output text NOT NULL
);
CREATE INDEX provisioner_job_logs_job_id_idx ON provisioner_job_logs (job_id, id);

CREATE TABLE templates (
    id uuid PRIMARY KEY,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    deleted boolean NOT NULL DEFAULT false,
    name text NOT NULL,
    display_name text NOT NULL DEFAULT '',
    description text NOT NULL DEFAULT '',
    icon text NOT NULL DEFAULT '',
    provisioner provisioner_type NOT NULL,
    active_version_id uuid NOT NULL,
    created_by uuid NOT NULL REFERENCES users (id),
    -- Durations in nanoseconds, as on the wire.
    default_ttl bigint NOT NULL DEFAULT 0,
    activity_bump bigint NOT NULL DEFAULT 3600000000000,
    autostop_requirement_days_of_week smallint NOT NULL DEFAULT 0,
    autostop_requirement_weeks bigint NOT NULL DEFAULT 1,
    autostart_block_days_of_week smallint NOT NULL DEFAULT 0,
    allow_user_autostart boolean NOT NULL DEFAULT true,
    allow_user_autostop boolean NOT NULL DEFAULT true,
    allow_user_cancel_workspace_jobs boolean NOT NULL DEFAULT true,
    failure_ttl bigint NOT NULL DEFAULT 0,
    time_til_dormant bigint NOT NULL DEFAULT 0,
    time_til_dormant_autodelete bigint NOT NULL DEFAULT 0,
    require_active_version boolean NOT NULL DEFAULT false,
    deprecated text NOT NULL DEFAULT '',
    max_port_sharing_level text NOT NULL DEFAULT 'owner',
    -- {"<user or group id>": ["read", "use", ...]}
    user_acl jsonb NOT NULL DEFAULT '{}',
    group_acl jsonb NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX templates_organization_name_lower_idx ON templates (organization_id, lower(name)) WHERE NOT deleted;

CREATE TABLE template_versions (
    id uuid PRIMARY KEY,
    -- Null until the version is attached to a template.
    template_id uuid REFERENCES templates (id) ON DELETE CASCADE,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    name text NOT NULL,
    message text NOT NULL DEFAULT '',
    readme text NOT NULL DEFAULT '',
    job_id uuid NOT NULL REFERENCES provisioner_jobs (id),
    created_by uuid NOT NULL REFERENCES users (id),
    archived boolean NOT NULL DEFAULT false,
    external_auth_providers jsonb NOT NULL DEFAULT '[]',
    source_example_id text
);
CREATE UNIQUE INDEX template_versions_template_name_lower_idx ON template_versions (template_id, lower(name))
    WHERE template_id IS NOT NULL;
CREATE INDEX template_versions_job_id_idx ON template_versions (job_id);
ALTER TABLE templates ADD CONSTRAINT templates_active_version_id_fkey
    FOREIGN KEY (active_version_id) REFERENCES template_versions (id);

CREATE TABLE template_version_parameters (
    template_version_id uuid NOT NULL REFERENCES template_versions (id) ON DELETE CASCADE,
    name text NOT NULL,
    display_name text NOT NULL DEFAULT '',
    description text NOT NULL DEFAULT '',
    type text NOT NULL,
    form_type text NOT NULL DEFAULT '',
    mutable boolean NOT NULL DEFAULT false,
    ephemeral boolean NOT NULL DEFAULT false,
    required boolean NOT NULL DEFAULT false,
    default_value text NOT NULL DEFAULT '',
    icon text NOT NULL DEFAULT '',
    options jsonb NOT NULL DEFAULT '[]',
    validation_regex text NOT NULL DEFAULT '',
    validation_error text NOT NULL DEFAULT '',
    validation_min integer,
    validation_max integer,
    validation_monotonic text NOT NULL DEFAULT '',
    display_order integer NOT NULL DEFAULT 0,
    PRIMARY KEY (template_version_id, name)
);

CREATE TABLE template_version_variables (
    template_version_id uuid NOT NULL REFERENCES template_versions (id) ON DELETE CASCADE,
    name text NOT NULL,
    description text NOT NULL DEFAULT '',
    type text NOT NULL,
    value text NOT NULL DEFAULT '',
    default_value text NOT NULL DEFAULT '',
    required boolean NOT NULL DEFAULT false,
    sensitive boolean NOT NULL DEFAULT false,
    PRIMARY KEY (template_version_id, name)
);

CREATE TABLE template_version_presets (
    id uuid PRIMARY KEY,
    template_version_id uuid NOT NULL REFERENCES template_versions (id) ON DELETE CASCADE,
    name text NOT NULL,
    is_default boolean NOT NULL DEFAULT false,
    -- [{"name": "...", "value": "..."}]
    parameters jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL,
    UNIQUE (template_version_id, name)
);

CREATE TYPE workspace_transition AS ENUM ('start', 'stop', 'delete');

CREATE TABLE workspace_resources (
    id uuid PRIMARY KEY,
    job_id uuid NOT NULL REFERENCES provisioner_jobs (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    transition workspace_transition NOT NULL,
    type text NOT NULL,
    name text NOT NULL,
    hide boolean NOT NULL DEFAULT false,
    icon text NOT NULL DEFAULT '',
    instance_type text NOT NULL DEFAULT '',
    daily_cost integer NOT NULL DEFAULT 0,
    -- [{"key": "...", "value": "...", "sensitive": false}]
    metadata jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX workspace_resources_job_id_idx ON workspace_resources (job_id);

CREATE TABLE workspace_agents (
    id uuid PRIMARY KEY,
    resource_id uuid NOT NULL REFERENCES workspace_resources (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    name text NOT NULL,
    operating_system text NOT NULL DEFAULT '',
    architecture text NOT NULL DEFAULT '',
    directory text NOT NULL DEFAULT '',
    environment_variables jsonb NOT NULL DEFAULT '{}',
    auth_token uuid NOT NULL,
    auth_instance_id text,
    connection_timeout_seconds integer NOT NULL DEFAULT 0,
    troubleshooting_url text NOT NULL DEFAULT '',
    motd_file text NOT NULL DEFAULT '',
    display_apps text[] NOT NULL DEFAULT '{}',
    display_order integer NOT NULL DEFAULT 0,
    -- Set by the agent once it connects; agents arrive with a later issue.
    first_connected_at timestamptz,
    last_connected_at timestamptz,
    disconnected_at timestamptz
);
CREATE INDEX workspace_agents_resource_id_idx ON workspace_agents (resource_id);
CREATE UNIQUE INDEX workspace_agents_auth_token_idx ON workspace_agents (auth_token);

CREATE TABLE workspace_apps (
    id uuid PRIMARY KEY,
    agent_id uuid NOT NULL REFERENCES workspace_agents (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    slug text NOT NULL,
    display_name text NOT NULL DEFAULT '',
    icon text NOT NULL DEFAULT '',
    command text NOT NULL DEFAULT '',
    url text NOT NULL DEFAULT '',
    external boolean NOT NULL DEFAULT false,
    subdomain boolean NOT NULL DEFAULT false,
    hidden boolean NOT NULL DEFAULT false,
    sharing_level text NOT NULL DEFAULT 'owner',
    healthcheck_url text NOT NULL DEFAULT '',
    healthcheck_interval integer NOT NULL DEFAULT 0,
    healthcheck_threshold integer NOT NULL DEFAULT 0,
    open_in text NOT NULL DEFAULT 'slim-window',
    display_order integer NOT NULL DEFAULT 0,
    UNIQUE (agent_id, slug)
);
