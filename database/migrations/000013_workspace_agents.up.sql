-- What the workspace agent reports, and its token hashed at rest.
--
-- The provisioner reports an agent's token, which stays the same across the
-- builds of a workspace while the coder_agent resource lives, so each build's
-- agent row carries the same hash: the index is not unique, and
-- authentication picks the row of the workspace's latest build.
ALTER TABLE workspace_agents ADD COLUMN auth_token_hash bytea NOT NULL DEFAULT ''::bytea;
UPDATE workspace_agents SET auth_token_hash = sha256(convert_to(auth_token::text, 'UTF8'));
ALTER TABLE workspace_agents ALTER COLUMN auth_token_hash DROP DEFAULT;
DROP INDEX workspace_agents_auth_token_idx;
ALTER TABLE workspace_agents DROP COLUMN auth_token;
CREATE INDEX workspace_agents_auth_token_hash_idx ON workspace_agents (auth_token_hash);

ALTER TABLE workspace_agents
    ADD COLUMN lifecycle_state text NOT NULL DEFAULT 'created',
    ADD COLUMN started_at timestamptz,
    ADD COLUMN ready_at timestamptz,
    ADD COLUMN version text NOT NULL DEFAULT '',
    ADD COLUMN api_version text NOT NULL DEFAULT '',
    ADD COLUMN expanded_directory text NOT NULL DEFAULT '',
    ADD COLUMN subsystems text[] NOT NULL DEFAULT '{}',
    -- Bytes of log output stored; capped per agent.
    ADD COLUMN logs_length integer NOT NULL DEFAULT 0,
    ADD COLUMN logs_overflowed boolean NOT NULL DEFAULT false,
    -- The replica holding the agent's connection: its agents are marked
    -- disconnected when it is presumed lost.
    ADD COLUMN last_connected_replica_id uuid,
    -- The agent's listening TCP ports, replaced on each report.
    ADD COLUMN listening_ports jsonb NOT NULL DEFAULT '[]';
CREATE INDEX workspace_agents_connected_replica_idx ON workspace_agents (last_connected_replica_id)
    WHERE disconnected_at IS NULL AND last_connected_replica_id IS NOT NULL;

ALTER TABLE workspace_apps ADD COLUMN health text NOT NULL DEFAULT 'disabled';
UPDATE workspace_apps SET health = 'initializing' WHERE healthcheck_url <> '';

-- Named streams of an agent's logs: one per script, plus those the agent
-- registers itself.
CREATE TABLE workspace_agent_log_sources (
    workspace_agent_id uuid NOT NULL REFERENCES workspace_agents (id) ON DELETE CASCADE,
    id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    display_name text NOT NULL,
    icon text NOT NULL DEFAULT '',
    PRIMARY KEY (workspace_agent_id, id)
);

-- The scripts the agent runs: the build's coder_script resources and the
-- agent's startup_script/shutdown_script.
CREATE TABLE workspace_agent_scripts (
    id uuid PRIMARY KEY,
    workspace_agent_id uuid NOT NULL REFERENCES workspace_agents (id) ON DELETE CASCADE,
    log_source_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    display_name text NOT NULL DEFAULT '',
    log_path text NOT NULL DEFAULT '',
    script text NOT NULL,
    cron text NOT NULL DEFAULT '',
    run_on_start boolean NOT NULL DEFAULT false,
    run_on_stop boolean NOT NULL DEFAULT false,
    start_blocks_login boolean NOT NULL DEFAULT false,
    timeout_seconds integer NOT NULL DEFAULT 0
);
CREATE INDEX workspace_agent_scripts_agent_idx ON workspace_agent_scripts (workspace_agent_id);

CREATE TABLE workspace_agent_logs (
    id bigserial PRIMARY KEY,
    agent_id uuid NOT NULL REFERENCES workspace_agents (id) ON DELETE CASCADE,
    log_source_id uuid NOT NULL,
    created_at timestamptz NOT NULL,
    output text NOT NULL,
    level text NOT NULL DEFAULT 'info'
);
-- Readers ask for an agent's lines after an id.
CREATE INDEX workspace_agent_logs_agent_id_idx ON workspace_agent_logs (agent_id, id);

-- Metadata items as the build declares them, with the latest result.
CREATE TABLE workspace_agent_metadata (
    workspace_agent_id uuid NOT NULL REFERENCES workspace_agents (id) ON DELETE CASCADE,
    key text NOT NULL,
    display_name text NOT NULL DEFAULT '',
    script text NOT NULL DEFAULT '',
    interval_seconds bigint NOT NULL DEFAULT 0,
    timeout_seconds bigint NOT NULL DEFAULT 0,
    display_order integer NOT NULL DEFAULT 0,
    value text NOT NULL DEFAULT '',
    error text NOT NULL DEFAULT '',
    collected_at timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00',
    PRIMARY KEY (workspace_agent_id, key)
);

-- Batched agent stats, for usage, daily users and insights.
CREATE TABLE workspace_agent_stats (
    id uuid PRIMARY KEY,
    created_at timestamptz NOT NULL,
    agent_id uuid NOT NULL,
    workspace_id uuid NOT NULL,
    template_id uuid NOT NULL,
    user_id uuid NOT NULL,
    connections_by_proto jsonb NOT NULL DEFAULT '{}',
    connection_count bigint NOT NULL DEFAULT 0,
    connection_median_latency_ms double precision NOT NULL DEFAULT -1,
    rx_packets bigint NOT NULL DEFAULT 0,
    rx_bytes bigint NOT NULL DEFAULT 0,
    tx_packets bigint NOT NULL DEFAULT 0,
    tx_bytes bigint NOT NULL DEFAULT 0,
    session_count_vscode bigint NOT NULL DEFAULT 0,
    session_count_jetbrains bigint NOT NULL DEFAULT 0,
    session_count_reconnecting_pty bigint NOT NULL DEFAULT 0,
    session_count_ssh bigint NOT NULL DEFAULT 0
);
CREATE INDEX workspace_agent_stats_created_at_idx ON workspace_agent_stats (created_at);
CREATE INDEX workspace_agent_stats_template_idx ON workspace_agent_stats (template_id, created_at);
