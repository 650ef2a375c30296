-- name: InsertConnectionLog :one
INSERT INTO connection_logs (id, connect_time, organization_id, workspace_owner_id, workspace_owner_username,
    workspace_id, workspace_name, agent_id, agent_name, type, ip, user_agent, user_id, slug_or_port, replica_id, app_id)
VALUES (@id, @connect_time, @organization_id, @workspace_owner_id, @workspace_owner_username,
    @workspace_id, @workspace_name, @agent_id, @agent_name, @type, @ip, @user_agent, @user_id, @slug_or_port, @replica_id, @app_id)
RETURNING *;

-- name: CloseConnectionLog :execrows
-- Records the end of a session once; a second close changes nothing.
UPDATE connection_logs SET disconnect_time = @disconnect_time::timestamptz, code = sqlc.narg(code)::int, disconnect_reason = @disconnect_reason
WHERE id = @id AND disconnect_time IS NULL;

-- name: CloseConnectionLogsOfStoppedReplicas :many
-- Closes, in one statement, the sessions still open on every other replica
-- that is stopped: shut down, or marked lost by failover. They ended with
-- their replica, at its last heartbeat (a clean shutdown's last update).
UPDATE connection_logs c
SET disconnect_time = GREATEST(r.updated_at, c.connect_time),
    disconnect_reason = 'the server replica serving this session (' || r.hostname || ') stopped'
FROM replicas r
WHERE c.replica_id = r.id AND c.disconnect_time IS NULL
    AND r.stopped_at IS NOT NULL AND r.id <> @self_id
RETURNING c.*;

-- name: CloseConnectionLogsOfReplica :many
-- Closes the sessions of one replica opened before opened_before: this
-- replica's own at a clean shutdown, or a previous process's with the same
-- replica id at start.
UPDATE connection_logs
SET disconnect_time = GREATEST(@disconnect_time::timestamptz, connect_time), disconnect_reason = @disconnect_reason
WHERE replica_id = @replica_id AND disconnect_time IS NULL AND connect_time < @opened_before::timestamptz
RETURNING *;

-- name: GetConnectionLogsOffset :many
-- One page of the connection log, newest first. Empty or zero filter
-- parameters mean "any". The auth_* parameters are the caller's RBAC filter
-- for connection_log: site auditors get auth_all, organization auditors
-- their organizations' rows.
SELECT * FROM connection_logs c
WHERE (@organization_id::uuid = '00000000-0000-0000-0000-000000000000' OR c.organization_id = @organization_id)
    AND (@workspace_id::uuid = '00000000-0000-0000-0000-000000000000' OR c.workspace_id = @workspace_id)
    AND (@workspace_owner_id::uuid = '00000000-0000-0000-0000-000000000000' OR c.workspace_owner_id = @workspace_owner_id)
    AND (@user_id::uuid = '00000000-0000-0000-0000-000000000000' OR c.user_id = @user_id)
    AND (@type::text = '' OR c.type = @type)
    AND (@connected_after::timestamptz = '0001-01-01 00:00:00+00' OR c.connect_time >= @connected_after)
    AND (@connected_before::timestamptz = '0001-01-01 00:00:00+00' OR c.connect_time < @connected_before)
    AND (@auth_all::bool OR c.organization_id = ANY(@auth_org_ids::uuid[]))
ORDER BY c.connect_time DESC, c.id DESC
OFFSET @offset_opt::int
LIMIT NULLIF(@limit_opt::int, 0);
