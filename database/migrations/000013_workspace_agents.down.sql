DROP TABLE workspace_agent_stats;
DROP TABLE workspace_agent_metadata;
DROP TABLE workspace_agent_logs;
DROP TABLE workspace_agent_scripts;
DROP TABLE workspace_agent_log_sources;
ALTER TABLE workspace_apps DROP COLUMN health;
DROP INDEX workspace_agents_connected_replica_idx;
ALTER TABLE workspace_agents
    DROP COLUMN lifecycle_state,
    DROP COLUMN started_at,
    DROP COLUMN ready_at,
    DROP COLUMN version,
    DROP COLUMN api_version,
    DROP COLUMN expanded_directory,
    DROP COLUMN subsystems,
    DROP COLUMN logs_length,
    DROP COLUMN logs_overflowed,
    DROP COLUMN last_connected_replica_id,
    DROP COLUMN listening_ports;
-- The hashes cannot be turned back into tokens: agents get fresh ones.
DROP INDEX workspace_agents_auth_token_hash_idx;
ALTER TABLE workspace_agents DROP COLUMN auth_token_hash;
ALTER TABLE workspace_agents ADD COLUMN auth_token uuid NOT NULL DEFAULT gen_random_uuid();
ALTER TABLE workspace_agents ALTER COLUMN auth_token DROP DEFAULT;
CREATE UNIQUE INDEX workspace_agents_auth_token_idx ON workspace_agents (auth_token);
