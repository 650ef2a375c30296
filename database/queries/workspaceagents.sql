-- name: GetWorkspaceAgentByAuthTokenHash :one
-- The agent row of the newest build carrying the token, with what decides
-- whether the token still works: the build must be the workspace's latest,
-- a start, and the workspace not deleted.
SELECT sqlc.embed(workspace_agents), b.workspace_id, b.build_number, b.transition,
    w.latest_build_number, w.deleted AS workspace_deleted, w.owner_id, w.template_id, w.organization_id,
    w.name AS workspace_name, u.username AS owner_name
FROM workspace_agents
JOIN workspace_resources r ON r.id = workspace_agents.resource_id
JOIN workspace_builds b ON b.job_id = r.job_id
JOIN workspaces w ON w.id = b.workspace_id
JOIN users u ON u.id = w.owner_id
WHERE workspace_agents.auth_token_hash = @auth_token_hash
ORDER BY b.build_number DESC
LIMIT 1;

-- name: GetWorkspaceAgentAndWorkspaceByID :one
SELECT sqlc.embed(workspace_agents), b.workspace_id, w.latest_build_id = b.id AS latest_build
FROM workspace_agents
JOIN workspace_resources r ON r.id = workspace_agents.resource_id
JOIN workspace_builds b ON b.job_id = r.job_id
JOIN workspaces w ON w.id = b.workspace_id
WHERE workspace_agents.id = @id;

-- name: UpdateWorkspaceAgentConnected :exec
UPDATE workspace_agents SET
    first_connected_at = COALESCE(first_connected_at, @now::timestamptz),
    last_connected_at = @now::timestamptz,
    disconnected_at = NULL,
    last_connected_replica_id = @replica_id::uuid,
    updated_at = @now::timestamptz
WHERE id = @id;

-- name: UpdateWorkspaceAgentDisconnected :exec
-- Only the replica that holds the connection ends it: a newer connection
-- through another replica stays.
UPDATE workspace_agents SET disconnected_at = @now::timestamptz, updated_at = @now::timestamptz
WHERE id = @id AND last_connected_replica_id = @replica_id::uuid AND disconnected_at IS NULL;

-- name: RefreshWorkspaceAgentsLastConnected :exec
-- One statement per replica per refresh period for all its connected agents.
UPDATE workspace_agents SET last_connected_at = @now::timestamptz
WHERE id = ANY(@ids::uuid[]) AND last_connected_replica_id = @replica_id::uuid AND disconnected_at IS NULL;

-- name: DisconnectWorkspaceAgentsOfReplicas :many
-- The agents of lost replicas lost their connection with them.
UPDATE workspace_agents SET disconnected_at = @now::timestamptz, updated_at = @now::timestamptz
WHERE last_connected_replica_id = ANY(@replica_ids::uuid[]) AND disconnected_at IS NULL
RETURNING id;

-- name: UpdateWorkspaceAgentStartup :exec
UPDATE workspace_agents SET version = @version, api_version = @api_version, expanded_directory = @expanded_directory,
    operating_system = @operating_system, architecture = @architecture, subsystems = @subsystems, updated_at = @now::timestamptz
WHERE id = @id;

-- name: UpdateWorkspaceAgentLifecycle :exec
UPDATE workspace_agents SET lifecycle_state = @lifecycle_state, started_at = @started_at, ready_at = @ready_at,
    updated_at = @now::timestamptz
WHERE id = @id;

-- name: InsertWorkspaceAgentLogs :many
-- Appends lines and counts their bytes, unless that passes the cap: then
-- nothing is stored and no rows return.
WITH agent AS (
    UPDATE workspace_agents SET logs_length = logs_length + @output_length::integer
    WHERE workspace_agents.id = @agent_id::uuid AND NOT logs_overflowed AND logs_length + @output_length::integer <= @cap::integer
    RETURNING workspace_agents.id AS agent_id
)
INSERT INTO workspace_agent_logs (agent_id, log_source_id, created_at, output, level)
SELECT agent.agent_id, @log_source_id, unnest(@created_at::timestamptz[]), unnest(@output::text[]), unnest(@level::text[])
FROM agent
RETURNING *;

-- name: InsertWorkspaceAgentLogOverflow :many
-- Marks the agent's logs overflowed with one final line, once.
WITH agent AS (
    UPDATE workspace_agents SET logs_overflowed = true
    WHERE workspace_agents.id = @agent_id::uuid AND NOT logs_overflowed
    RETURNING workspace_agents.id AS agent_id
)
INSERT INTO workspace_agent_logs (agent_id, log_source_id, created_at, output, level)
SELECT agent.agent_id, @log_source_id, @created_at, @output, 'error' FROM agent
RETURNING *;

-- name: GetWorkspaceAgentLogsAfter :many
SELECT * FROM workspace_agent_logs WHERE agent_id = @agent_id AND id > @after_id ORDER BY id LIMIT 10000;

-- name: InsertWorkspaceAgentLogSources :exec
INSERT INTO workspace_agent_log_sources (workspace_agent_id, id, created_at, display_name, icon)
SELECT @workspace_agent_id, unnest(@ids::uuid[]), @created_at, unnest(@display_names::text[]), unnest(@icons::text[])
ON CONFLICT (workspace_agent_id, id) DO NOTHING;

-- name: GetWorkspaceAgentLogSourcesByAgentIDs :many
SELECT * FROM workspace_agent_log_sources WHERE workspace_agent_id = ANY(@ids::uuid[]) ORDER BY created_at, display_name;

-- name: InsertWorkspaceAgentScript :exec
INSERT INTO workspace_agent_scripts (id, workspace_agent_id, log_source_id, created_at, display_name, log_path, script,
    cron, run_on_start, run_on_stop, start_blocks_login, timeout_seconds)
VALUES (@id, @workspace_agent_id, @log_source_id, @created_at, @display_name, @log_path, @script,
    @cron, @run_on_start, @run_on_stop, @start_blocks_login, @timeout_seconds);

-- name: GetWorkspaceAgentScriptsByAgentIDs :many
SELECT * FROM workspace_agent_scripts WHERE workspace_agent_id = ANY(@ids::uuid[]) ORDER BY created_at, display_name;

-- name: InsertWorkspaceAgentMetadata :exec
INSERT INTO workspace_agent_metadata (workspace_agent_id, key, display_name, script, interval_seconds, timeout_seconds, display_order)
VALUES (@workspace_agent_id, @key, @display_name, @script, @interval_seconds, @timeout_seconds, @display_order);

-- name: UpdateWorkspaceAgentMetadata :exec
-- Coalesced results of many agents in one statement; keys the build did
-- not declare are ignored.
UPDATE workspace_agent_metadata m SET value = v.value, error = v.error, collected_at = v.collected_at
FROM (SELECT unnest(@agent_ids::uuid[]) AS agent_id, unnest(@keys::text[]) AS key, unnest(@values::text[]) AS value,
    unnest(@errors::text[]) AS error, unnest(@collected_ats::timestamptz[]) AS collected_at) v
WHERE m.workspace_agent_id = v.agent_id AND m.key = v.key;

-- name: GetWorkspaceAgentMetadata :many
SELECT * FROM workspace_agent_metadata WHERE workspace_agent_id = @workspace_agent_id ORDER BY display_order, key;

-- name: InsertWorkspaceAgentStats :exec
INSERT INTO workspace_agent_stats (id, created_at, agent_id, workspace_id, template_id, user_id, connections_by_proto,
    connection_count, connection_median_latency_ms, rx_packets, rx_bytes, tx_packets, tx_bytes,
    session_count_vscode, session_count_jetbrains, session_count_reconnecting_pty, session_count_ssh)
SELECT unnest(@ids::uuid[]), @created_at, unnest(@agent_ids::uuid[]), unnest(@workspace_ids::uuid[]),
    unnest(@template_ids::uuid[]), unnest(@user_ids::uuid[]), unnest(@connections_by_proto::jsonb[]),
    unnest(@connection_counts::bigint[]), unnest(@connection_median_latency_ms::double precision[]),
    unnest(@rx_packets::bigint[]), unnest(@rx_bytes::bigint[]), unnest(@tx_packets::bigint[]), unnest(@tx_bytes::bigint[]),
    unnest(@session_count_vscode::bigint[]), unnest(@session_count_jetbrains::bigint[]),
    unnest(@session_count_reconnecting_pty::bigint[]), unnest(@session_count_ssh::bigint[]);

-- name: GetWorkspaceAppsByAgentID :many
SELECT * FROM workspace_apps WHERE agent_id = @agent_id ORDER BY display_order, slug;

-- name: UpdateWorkspaceAppHealths :exec
UPDATE workspace_apps a SET health = v.health
FROM (SELECT unnest(@ids::uuid[]) AS id, unnest(@healths::text[]) AS health) v
WHERE a.id = v.id AND a.agent_id = @agent_id;

-- name: UpdateWorkspaceAgentListeningPorts :exec
UPDATE workspace_agents SET listening_ports = @listening_ports WHERE id = @id;
