-- name: InsertConnectionLog :one
INSERT INTO connection_logs (id, connect_time, organization_id, workspace_owner_id, workspace_owner_username,
    workspace_id, workspace_name, agent_id, agent_name, type, ip, user_agent, user_id, slug_or_port)
VALUES (@id, @connect_time, @organization_id, @workspace_owner_id, @workspace_owner_username,
    @workspace_id, @workspace_name, @agent_id, @agent_name, @type, @ip, @user_agent, @user_id, @slug_or_port)
RETURNING *;

-- name: CloseConnectionLog :execrows
-- Records the end of a session once; a second close changes nothing.
UPDATE connection_logs SET disconnect_time = @disconnect_time::timestamptz, code = sqlc.narg(code)::int, disconnect_reason = @disconnect_reason
WHERE id = @id AND disconnect_time IS NULL;

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
