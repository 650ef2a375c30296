-- name: InsertWorkspace :exec
INSERT INTO workspaces (id, created_at, updated_at, owner_id, organization_id, template_id, name,
    autostart_schedule, ttl, last_used_at, automatic_updates, next_start_at)
VALUES (@id, @created_at, @updated_at, @owner_id, @organization_id, @template_id, @name,
    @autostart_schedule, @ttl, @last_used_at, @automatic_updates, @next_start_at);

-- name: GetWorkspaceByID :one
SELECT * FROM workspaces_expanded WHERE id = @id;

-- name: GetWorkspaceByOwnerIDAndName :one
-- The live workspace of that name, or with include_deleted the most
-- recently created one.
SELECT * FROM workspaces_expanded
WHERE owner_id = @owner_id AND lower(name) = lower(@name) AND (@include_deleted::boolean OR NOT deleted)
ORDER BY deleted, created_at DESC
LIMIT 1;

-- name: GetWorkspaceByBuildID :one
SELECT w.* FROM workspaces_expanded w
JOIN workspace_builds b ON b.workspace_id = w.id
WHERE b.id = @build_id;

-- name: GetAuthorizedWorkspaces :many
-- One page of the workspaces the caller may read, filtered, with the total
-- count. The auth_* parameters come from an rbac.Filter on workspaces
-- (organization grants, the caller's own workspaces, then the ACL). Order:
-- the caller's favorites, running ones, then owner and name.
--
-- It runs as a prepared statement on one generic plan, so every optional
-- filter is a row filter and each way of finding rows is its own branch,
-- switched on or off by the parameters when it runs: a caller with
-- organization-wide read walks workspaces_list_order_idx and stops at the
-- page's end; any other caller finds its own and shared workspaces by index
-- (the ACL tests check key existence first, ?, ?|, for the GIN indexes) and
-- sorts those few. Favorites are found by owner. An unfiltered count for a
-- caller with organization-wide read comes from workspace_counts.
WITH matched AS NOT MATERIALIZED (
    SELECT w.id, w.organization_id, w.owner_id, w.favorite, w.owner_username_key, lower(w.name) AS name_key,
        w.latest_build_status, w.user_acl, w.group_acl
    FROM workspaces w
    WHERE NOT w.deleted
        AND (@owner_id::uuid = '00000000-0000-0000-0000-000000000000' OR w.owner_id = @owner_id)
        AND (COALESCE(cardinality(@template_names::text[]), 0) = 0 OR w.template_id IN (
            SELECT t.id FROM templates t WHERE lower(t.name) = ANY(@template_names::text[])))
        AND (@template_id::uuid = '00000000-0000-0000-0000-000000000000' OR w.template_id = @template_id)
        AND (@organization_id::uuid = '00000000-0000-0000-0000-000000000000' OR w.organization_id = @organization_id)
        AND (@name::text = '' OR w.name ILIKE '%' || @name || '%')
        AND (COALESCE(cardinality(@statuses::text[]), 0) = 0 OR w.latest_build_status = ANY(@statuses::text[]))
        AND (sqlc.narg('dormant')::boolean IS NULL OR (w.dormant_at IS NOT NULL) = sqlc.narg('dormant')::boolean)
        AND (sqlc.narg('last_used_after')::timestamptz IS NULL OR w.last_used_at > sqlc.narg('last_used_after')::timestamptz)
        AND (sqlc.narg('last_used_before')::timestamptz IS NULL OR w.last_used_at < sqlc.narg('last_used_before')::timestamptz)
        AND (@has_agent::text = '' OR EXISTS (
            SELECT 1 FROM workspace_agents a
            JOIN workspace_resources r ON r.id = a.resource_id
            -- As convert.AgentStatus: presence older than 70 s is a
            -- replica that died holding the connection.
            WHERE r.job_id = w.latest_build_job_id AND CASE
                WHEN a.first_connected_at IS NULL THEN CASE
                    WHEN a.connection_timeout_seconds > 0
                        AND a.created_at + make_interval(secs => a.connection_timeout_seconds) < now() THEN 'timeout'
                    ELSE 'connecting' END
                WHEN a.disconnected_at IS NOT NULL AND a.disconnected_at >= a.last_connected_at THEN 'disconnected'
                WHEN a.last_connected_at < now() - interval '70 seconds' THEN 'disconnected'
                ELSE 'connected'
            END = @has_agent))
        AND (sqlc.narg('healthy')::boolean IS NULL OR (NOT EXISTS (
            SELECT 1 FROM workspace_agents a
            JOIN workspace_resources r ON r.id = a.resource_id
            WHERE r.job_id = w.latest_build_job_id AND w.latest_build_transition = 'start'
                AND (a.last_connected_at IS NULL
                    OR (a.disconnected_at IS NOT NULL AND a.disconnected_at >= a.last_connected_at)
                    OR a.last_connected_at < now() - interval '70 seconds'
                    OR a.lifecycle_state IN ('start_error', 'start_timeout')))) = sqlc.narg('healthy')::boolean)
        AND (sqlc.narg('shared')::boolean IS NULL
            OR (w.user_acl <> '{}'::jsonb OR w.group_acl <> '{}'::jsonb) = sqlc.narg('shared')::boolean)
        AND (@shared_with_user_id::text = '' OR w.user_acl ? @shared_with_user_id::text)
        AND (@shared_with_group_id::text = '' OR w.group_acl ? @shared_with_group_id::text)
        -- A dormant workspace is a workspace_dormant object to rbac: when
        -- the caller's filter for that type differs (auth_dormant_separate),
        -- dormant rows go through the auth_dormant_* lists instead.
        AND (CASE WHEN w.dormant_at IS NULL OR NOT @auth_dormant_separate::boolean THEN
            @auth_all::boolean
            OR w.organization_id = ANY(@auth_org_ids::uuid[])
            OR (w.owner_id = @auth_owner_id::uuid AND w.organization_id = ANY(@auth_owner_org_ids::uuid[]))
            OR ((
                    (w.user_acl ? @auth_acl_user_id::text
                        AND jsonb_exists_any(w.user_acl -> @auth_acl_user_id::text, ARRAY[@auth_action::text, '*']))
                    OR (w.group_acl ?| @auth_acl_group_ids::text[] AND EXISTS (
                        SELECT 1 FROM jsonb_each(w.group_acl) g
                        WHERE g.key = ANY(@auth_acl_group_ids::text[])
                            AND jsonb_exists_any(g.value, ARRAY[@auth_action::text, '*']))))
                AND ((w.owner_id IS DISTINCT FROM @auth_owner_id::uuid AND w.organization_id = ANY(@auth_acl_org_ids::uuid[]))
                    OR (w.owner_id = @auth_owner_id::uuid AND w.organization_id = ANY(@auth_acl_owner_org_ids::uuid[]))))
        ELSE
            @auth_dormant_all::boolean
            OR w.organization_id = ANY(@auth_dormant_org_ids::uuid[])
            OR (w.owner_id = @auth_owner_id::uuid AND w.organization_id = ANY(@auth_dormant_owner_org_ids::uuid[]))
            OR ((
                    (w.user_acl ? @auth_acl_user_id::text
                        AND jsonb_exists_any(w.user_acl -> @auth_acl_user_id::text, ARRAY[@auth_action::text, '*']))
                    OR (w.group_acl ?| @auth_acl_group_ids::text[] AND EXISTS (
                        SELECT 1 FROM jsonb_each(w.group_acl) g
                        WHERE g.key = ANY(@auth_acl_group_ids::text[])
                            AND jsonb_exists_any(g.value, ARRAY[@auth_action::text, '*']))))
                AND ((w.owner_id IS DISTINCT FROM @auth_owner_id::uuid AND w.organization_id = ANY(@auth_dormant_acl_org_ids::uuid[]))
                    OR (w.owner_id = @auth_owner_id::uuid AND w.organization_id = ANY(@auth_dormant_acl_owner_org_ids::uuid[]))))
        END)
),
pinned AS MATERIALIZED (
    SELECT m.*, true AS pinned FROM matched m WHERE m.owner_id = @requester_id::uuid AND m.favorite
),
-- The rest of the page: its offset skips the pinned rows the page has
-- already passed.
rest_offset AS (
    SELECT GREATEST((@offset_opt::int) - count(*), 0)::int AS n FROM pinned
),
rest AS (
    (SELECT m.*, false AS pinned, 0::bigint AS narrow_count FROM matched m
        WHERE (@auth_all::boolean OR COALESCE(cardinality(@auth_org_ids::uuid[]), 0) > 0
            OR @auth_dormant_all::boolean OR COALESCE(cardinality(@auth_dormant_org_ids::uuid[]), 0) > 0)
            AND NOT (m.owner_id = @requester_id::uuid AND m.favorite)
        ORDER BY (m.latest_build_status = 'running') DESC, m.owner_username_key, m.name_key, m.id
        OFFSET (SELECT n FROM rest_offset)
        LIMIT NULLIF(@limit_opt::int, 0))
    UNION ALL
    (SELECT m.*, false AS pinned, count(*) OVER () AS narrow_count FROM matched m
        WHERE NOT (@auth_all::boolean OR COALESCE(cardinality(@auth_org_ids::uuid[]), 0) > 0
            OR @auth_dormant_all::boolean OR COALESCE(cardinality(@auth_dormant_org_ids::uuid[]), 0) > 0)
            AND (m.owner_id = @auth_owner_id::uuid OR m.user_acl ? @auth_acl_user_id::text
                OR m.group_acl ?| @auth_acl_group_ids::text[])
            AND NOT (m.owner_id = @requester_id::uuid AND m.favorite)
        ORDER BY (m.latest_build_status = 'running') DESC, m.owner_username_key, m.name_key, m.id
        OFFSET (SELECT n FROM rest_offset)
        LIMIT NULLIF(@limit_opt::int, 0))
),
page AS (
    (SELECT pinned.*, 0::bigint AS narrow_count FROM pinned
        ORDER BY (pinned.latest_build_status = 'running') DESC, pinned.owner_username_key, pinned.name_key, pinned.id
        OFFSET @offset_opt::int LIMIT NULLIF(@limit_opt::int, 0))
    UNION ALL
    SELECT * FROM rest
),
-- Only the branch that applies runs.
total AS (
    SELECT CASE
        WHEN NOT (@auth_all::boolean OR COALESCE(cardinality(@auth_org_ids::uuid[]), 0) > 0
            OR @auth_dormant_all::boolean OR COALESCE(cardinality(@auth_dormant_org_ids::uuid[]), 0) > 0)
            THEN (SELECT count(*) FROM pinned) + COALESCE((SELECT max(narrow_count) FROM rest), 0)
        WHEN @owner_id::uuid <> '00000000-0000-0000-0000-000000000000'
            OR COALESCE(cardinality(@template_names::text[]), 0) > 0
            OR @template_id::uuid <> '00000000-0000-0000-0000-000000000000'
            OR @organization_id::uuid <> '00000000-0000-0000-0000-000000000000'
            OR @name::text <> '' OR COALESCE(cardinality(@statuses::text[]), 0) > 0
            OR sqlc.narg('dormant')::boolean IS NOT NULL
            OR sqlc.narg('last_used_after')::timestamptz IS NOT NULL
            OR sqlc.narg('last_used_before')::timestamptz IS NOT NULL
            OR @has_agent::text <> '' OR sqlc.narg('healthy')::boolean IS NOT NULL
            OR sqlc.narg('shared')::boolean IS NOT NULL
            OR @shared_with_user_id::text <> '' OR @shared_with_group_id::text <> ''
            OR @auth_dormant_separate::boolean
            THEN (SELECT count(*) FROM matched)
        ELSE
            -- Every live workspace of the organizations read in full, plus
            -- the caller's own and shared ones elsewhere.
            (SELECT COALESCE(sum(c.live), 0) FROM workspace_counts c
                WHERE @auth_all::boolean OR c.organization_id = ANY(@auth_org_ids::uuid[]))
            + (SELECT count(*) FROM matched m
                WHERE NOT @auth_all::boolean AND NOT m.organization_id = ANY(@auth_org_ids::uuid[])
                    AND (m.owner_id = @auth_owner_id::uuid OR m.user_acl ? @auth_acl_user_id::text
                        OR m.group_acl ?| @auth_acl_group_ids::text[]))
    END::bigint AS count
)
SELECT sqlc.embed(workspaces_expanded), total.count
FROM page
JOIN workspaces_expanded ON workspaces_expanded.id = page.id
CROSS JOIN total
ORDER BY page.pinned DESC, (page.latest_build_status = 'running') DESC, page.owner_username_key, page.name_key, page.id
LIMIT NULLIF(@limit_opt::int, 0);

-- name: GetWorkspaceCountByTemplateID :one
-- Live workspaces built from the template.
SELECT COUNT(*) FROM workspaces WHERE template_id = @template_id AND NOT deleted;

-- name: GetWorkspaceCountByOwnerID :one
-- Live workspaces a user owns, in every organization.
SELECT COUNT(*) FROM workspaces WHERE owner_id = @owner_id AND NOT deleted;

-- name: UpdateWorkspaceName :exec
UPDATE workspaces SET name = @name, updated_at = @updated_at WHERE id = @id AND NOT deleted;

-- name: UpdateWorkspaceFavorite :exec
UPDATE workspaces SET favorite = @favorite WHERE id = @id;

-- name: UpdateWorkspaceACLByID :exec
UPDATE workspaces SET user_acl = @user_acl, group_acl = @group_acl WHERE id = @id;

-- name: UpdateWorkspaceDeletedByID :exec
UPDATE workspaces SET deleted = @deleted, updated_at = @updated_at WHERE id = @id;

-- name: InsertWorkspaceBuild :exec
INSERT INTO workspace_builds (id, created_at, updated_at, workspace_id, template_version_id, template_version_preset_id,
    build_number, transition, initiator_id, provisioner_state, job_id, reason)
VALUES (@id, @created_at, @updated_at, @workspace_id, @template_version_id, @template_version_preset_id,
    @build_number, @transition, @initiator_id, @provisioner_state, @job_id, @reason);

-- name: InsertWorkspaceBuildParameters :exec
INSERT INTO workspace_build_parameters (workspace_build_id, name, value)
SELECT @workspace_build_id::uuid, unnest(@names::text[]), unnest(@values::text[]);

-- name: GetWorkspaceBuildParameters :many
SELECT * FROM workspace_build_parameters WHERE workspace_build_id = @workspace_build_id ORDER BY name;

-- name: GetWorkspaceBuildByID :one
SELECT * FROM workspace_builds WHERE id = @id;

-- name: GetWorkspaceBuildByJobID :one
SELECT * FROM workspace_builds WHERE job_id = @job_id;

-- name: GetWorkspaceBuildByWorkspaceIDAndBuildNumber :one
SELECT * FROM workspace_builds WHERE workspace_id = @workspace_id AND build_number = @build_number;

-- name: GetLatestWorkspaceBuildByWorkspaceID :one
SELECT * FROM workspace_builds WHERE workspace_id = @workspace_id ORDER BY build_number DESC LIMIT 1;

-- name: GetWorkspaceBuildsByWorkspaceID :many
-- A workspace's builds, newest first, paginated; since keeps builds
-- created after it.
SELECT wb.* FROM workspace_builds wb
WHERE wb.workspace_id = @workspace_id::uuid
    AND wb.created_at > @since::timestamptz
    AND (@after_id::uuid = '00000000-0000-0000-0000-000000000000'
        OR wb.build_number < (SELECT a.build_number FROM workspace_builds a WHERE a.id = @after_id::uuid))
ORDER BY wb.build_number DESC
OFFSET @offset_opt::int
LIMIT NULLIF(@limit_opt::int, 0);

-- name: UpdateWorkspaceBuildProvisionerStateByID :exec
UPDATE workspace_builds SET provisioner_state = @provisioner_state, updated_at = @updated_at WHERE id = @id;

-- name: UpdateWorkspaceBuildCostByID :exec
UPDATE workspace_builds SET daily_cost = @daily_cost, updated_at = @updated_at WHERE id = @id;

-- name: UpdateWorkspaceBuildDeadlineByID :exec
UPDATE workspace_builds SET deadline = @deadline, max_deadline = @max_deadline, updated_at = @updated_at WHERE id = @id;

-- name: GetWorkspacesByIDs :many
SELECT * FROM workspaces_expanded WHERE id = ANY(@ids::uuid[]);

-- name: GetWorkspaceBuildsWithJobsByIDs :many
-- Builds with their job (its place in the pending queue, and the name of
-- the daemon that took it), version name and initiator, for the API's
-- answers.
WITH pending AS (
    SELECT id,
        row_number() OVER (PARTITION BY organization_id ORDER BY created_at, id) AS queue_position,
        count(*) OVER (PARTITION BY organization_id) AS queue_size
    FROM provisioner_jobs
    WHERE started_at IS NULL AND canceled_at IS NULL
)
SELECT sqlc.embed(workspace_builds), sqlc.embed(provisioner_jobs),
    template_versions.name AS template_version_name,
    COALESCE(users.username, '') AS initiator_username,
    COALESCE(pending.queue_position, 0)::bigint AS queue_position,
    COALESCE(pending.queue_size, 0)::bigint AS queue_size,
    COALESCE((SELECT d.name FROM provisioner_daemons d WHERE d.id = provisioner_jobs.worker_id), '')::text AS worker_name
FROM workspace_builds
JOIN provisioner_jobs ON provisioner_jobs.id = workspace_builds.job_id
JOIN template_versions ON template_versions.id = workspace_builds.template_version_id
LEFT JOIN users ON users.id = workspace_builds.initiator_id
LEFT JOIN pending ON pending.id = provisioner_jobs.id
WHERE workspace_builds.id = ANY(@ids::uuid[]);

-- name: GetWorkspaceResourcesByBuildJobIDs :many
-- The resources of build jobs, each with its workspace. These three page
-- loaders run on generic plans (database.genericPlanStatements), so they
-- are written to find rows by index whatever the planner guesses of the ID
-- list: ARRAY() lists and a scalar subquery per row cannot be turned into
-- a hash join over a whole table.
SELECT sqlc.embed(workspace_resources),
    (SELECT b.workspace_id FROM workspace_builds b WHERE b.job_id = workspace_resources.job_id)::uuid AS workspace_id
FROM workspace_resources
WHERE workspace_resources.job_id = ANY(@job_ids::uuid[])
ORDER BY workspace_resources.type, workspace_resources.name;

-- name: GetWorkspaceAgentsByBuildJobIDs :many
-- Each agent comes with its scripts and log sources as JSON arrays in
-- their codersdk shapes, so the tree stays one round trip.
SELECT sqlc.embed(workspace_agents),
    (SELECT b.workspace_id FROM workspace_resources r JOIN workspace_builds b ON b.job_id = r.job_id
        WHERE r.id = workspace_agents.resource_id)::uuid AS workspace_id,
    (SELECT COALESCE(jsonb_agg(jsonb_build_object('workspace_agent_id', ls.workspace_agent_id, 'id', ls.id,
            'created_at', ls.created_at, 'display_name', ls.display_name, 'icon', ls.icon)
            ORDER BY ls.created_at, ls.display_name), '[]'::jsonb)
        FROM workspace_agent_log_sources ls WHERE ls.workspace_agent_id = workspace_agents.id)::jsonb AS log_sources,
    (SELECT COALESCE(jsonb_agg(jsonb_build_object('id', sc.id, 'log_source_id', sc.log_source_id, 'log_path', sc.log_path,
            'script', sc.script, 'cron', sc.cron, 'run_on_start', sc.run_on_start, 'run_on_stop', sc.run_on_stop,
            'start_blocks_login', sc.start_blocks_login, 'timeout', sc.timeout_seconds::bigint * 1000000000,
            'display_name', sc.display_name)
            ORDER BY sc.created_at, sc.display_name), '[]'::jsonb)
        FROM workspace_agent_scripts sc WHERE sc.workspace_agent_id = workspace_agents.id)::jsonb AS scripts
FROM workspace_agents
WHERE workspace_agents.resource_id = ANY(ARRAY(
    SELECT r.id FROM workspace_resources r WHERE r.job_id = ANY(@job_ids::uuid[])))
ORDER BY workspace_agents.display_order, workspace_agents.name;

-- name: GetWorkspaceAppsByBuildJobIDs :many
SELECT sqlc.embed(workspace_apps),
    (SELECT b.workspace_id FROM workspace_agents a
        JOIN workspace_resources r ON r.id = a.resource_id
        JOIN workspace_builds b ON b.job_id = r.job_id
        WHERE a.id = workspace_apps.agent_id)::uuid AS workspace_id
FROM workspace_apps
WHERE workspace_apps.agent_id = ANY(ARRAY(
    SELECT a.id FROM workspace_agents a WHERE a.resource_id = ANY(ARRAY(
        SELECT r.id FROM workspace_resources r WHERE r.job_id = ANY(@job_ids::uuid[])))))
ORDER BY workspace_apps.display_order, workspace_apps.slug;

-- name: UpdateWorkspaceAutostart :exec
UPDATE workspaces SET autostart_schedule = @autostart_schedule, next_start_at = @next_start_at, updated_at = @updated_at
WHERE id = @id;

-- name: UpdateWorkspaceTTL :exec
UPDATE workspaces SET ttl = @ttl, updated_at = @updated_at WHERE id = @id;

-- name: UpdateWorkspaceAutomaticUpdates :exec
UPDATE workspaces SET automatic_updates = @automatic_updates, updated_at = @updated_at WHERE id = @id;

-- name: UpdateWorkspaceDormantDeletingAt :exec
-- Marks a workspace dormant (with the time it will be deleted, if the
-- template deletes dormant workspaces) or wakes it (both NULL).
UPDATE workspaces SET dormant_at = @dormant_at, deleting_at = @deleting_at, updated_at = @updated_at WHERE id = @id;

-- name: UpdateWorkspacesLastUsedAt :exec
-- Marks workspaces used, never moving last_used_at back.
UPDATE workspaces SET last_used_at = @last_used_at
WHERE id = ANY(@ids::uuid[]) AND last_used_at < @last_used_at;

-- name: ActivityBumpWorkspaces :exec
-- Pushes the deadline of each workspace's latest build, if it is a
-- succeeded start with a deadline, to now + the template's activity bump,
-- never past max_deadline and never earlier than it is.
WITH latest AS (
    SELECT DISTINCT ON (b.workspace_id) b.id, t.activity_bump
    FROM workspace_builds b
    JOIN workspaces w ON w.id = b.workspace_id
    JOIN templates t ON t.id = w.template_id
    WHERE b.workspace_id = ANY(@workspace_ids::uuid[])
    ORDER BY b.workspace_id, b.build_number DESC
)
UPDATE workspace_builds SET
    deadline = LEAST(
        GREATEST(workspace_builds.deadline, now() + latest.activity_bump * interval '1 microsecond' / 1000),
        COALESCE(workspace_builds.max_deadline, 'infinity'::timestamptz)),
    updated_at = now()
FROM latest, provisioner_jobs
WHERE workspace_builds.id = latest.id
    AND provisioner_jobs.id = workspace_builds.job_id
    AND workspace_builds.transition = 'start'
    AND provisioner_jobs.completed_at IS NOT NULL AND provisioner_jobs.canceled_at IS NULL
    AND COALESCE(provisioner_jobs.error, '') = ''
    AND workspace_builds.deadline IS NOT NULL
    AND latest.activity_bump > 0;

-- name: GetDeploymentWorkspaceStats :one
-- Live workspaces by the status of their latest build (kept on the row by
-- triggers, so this is one scan of workspaces).
SELECT
    count(*) FILTER (WHERE latest_build_status = 'pending')::bigint AS pending,
    count(*) FILTER (WHERE latest_build_status IN ('starting', 'stopping', 'deleting', 'canceling'))::bigint AS building,
    count(*) FILTER (WHERE latest_build_status = 'running')::bigint AS running,
    count(*) FILTER (WHERE latest_build_status IN ('failed', 'canceled'))::bigint AS failed,
    count(*) FILTER (WHERE latest_build_status = 'stopped')::bigint AS stopped
FROM workspaces
WHERE NOT deleted;
