-- name: InsertReplicaRelaySecret :exec
-- Only the first server to start ever sets it; replicas racing here agree.
INSERT INTO site_configs (key, value) VALUES ('replica_relay_secret', @secret::text)
ON CONFLICT (key) DO NOTHING;

-- name: GetReplicaRelaySecret :one
SELECT value FROM site_configs WHERE key = 'replica_relay_secret';

-- name: GetWorkspaceAgentRelayTarget :one
-- The live replica holding the agent's connection and its relay address,
-- with how many replicas are live (an empty relay address falls back to
-- the access URL only when there is one). No row: the agent is connected
-- nowhere, or its replica is gone.
SELECT r.id AS replica_id, r.hostname AS replica_hostname, r.relay_address,
    (SELECT count(*) FROM replicas l WHERE l.stopped_at IS NULL AND l.updated_at > @live_since::timestamptz) AS live_replicas
FROM workspace_agents a
JOIN replicas r ON r.id = a.last_connected_replica_id
WHERE a.id = @agent_id AND a.disconnected_at IS NULL
    AND r.stopped_at IS NULL AND r.updated_at > @live_since::timestamptz;
