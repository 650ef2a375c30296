-- name: UpsertWorkspaceAgentPortShare :one
INSERT INTO workspace_agent_port_share (workspace_id, agent_name, port, share_level, protocol)
VALUES (@workspace_id, @agent_name, @port, @share_level, @protocol)
ON CONFLICT (workspace_id, agent_name, port) DO UPDATE SET share_level = EXCLUDED.share_level, protocol = EXCLUDED.protocol
RETURNING *;

-- name: GetWorkspaceAgentPortShares :many
SELECT * FROM workspace_agent_port_share WHERE workspace_id = @workspace_id ORDER BY agent_name, port;

-- name: DeleteWorkspaceAgentPortShare :execrows
DELETE FROM workspace_agent_port_share WHERE workspace_id = @workspace_id AND agent_name = @agent_name AND port = @port;

-- name: InsertProvisionerJobTimings :exec
INSERT INTO provisioner_job_timings (job_id, started_at, ended_at, stage, source, action, resource)
SELECT @job_id::uuid, unnest(@started_at::timestamptz[]), unnest(@ended_at::timestamptz[]), unnest(@stage::text[]),
    unnest(@source::text[]), unnest(@action::text[]), unnest(@resource::text[]);

-- name: GetProvisionerJobTimings :many
SELECT * FROM provisioner_job_timings WHERE job_id = @job_id ORDER BY started_at, stage, resource;
