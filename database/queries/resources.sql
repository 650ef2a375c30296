-- name: InsertWorkspaceResource :one
INSERT INTO workspace_resources (id, job_id, created_at, transition, type, name, hide, icon, instance_type, daily_cost, metadata)
VALUES (@id, @job_id, @created_at, @transition, @type, @name, @hide, @icon, @instance_type, @daily_cost, @metadata)
RETURNING *;

-- name: GetWorkspaceResourcesByJobID :many
SELECT * FROM workspace_resources WHERE job_id = @job_id ORDER BY transition, type, name;

-- name: InsertWorkspaceAgent :one
INSERT INTO workspace_agents (id, resource_id, created_at, updated_at, name, operating_system, architecture, directory,
    environment_variables, auth_token_hash, auth_instance_id, connection_timeout_seconds, troubleshooting_url, motd_file,
    display_apps, display_order)
VALUES (@id, @resource_id, @created_at, @updated_at, @name, @operating_system, @architecture, @directory,
    @environment_variables, @auth_token_hash, @auth_instance_id, @connection_timeout_seconds, @troubleshooting_url, @motd_file,
    @display_apps, @display_order)
RETURNING *;

-- name: GetWorkspaceAgentsByJobID :many
SELECT workspace_agents.* FROM workspace_agents
JOIN workspace_resources r ON r.id = workspace_agents.resource_id
WHERE r.job_id = @job_id
ORDER BY workspace_agents.display_order, workspace_agents.name;

-- name: InsertWorkspaceApp :one
INSERT INTO workspace_apps (id, agent_id, created_at, slug, display_name, icon, command, url, external, subdomain, hidden,
    sharing_level, healthcheck_url, healthcheck_interval, healthcheck_threshold, open_in, display_order, health)
VALUES (@id, @agent_id, @created_at, @slug, @display_name, @icon, @command, @url, @external, @subdomain, @hidden,
    @sharing_level, @healthcheck_url, @healthcheck_interval, @healthcheck_threshold, @open_in, @display_order, @health)
RETURNING *;

-- name: GetWorkspaceAppsByJobID :many
SELECT workspace_apps.* FROM workspace_apps
JOIN workspace_agents a ON a.id = workspace_apps.agent_id
JOIN workspace_resources r ON r.id = a.resource_id
WHERE r.job_id = @job_id
ORDER BY workspace_apps.display_order, workspace_apps.slug;
