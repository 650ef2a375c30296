-- name: InsertProvisionerJob :one
INSERT INTO provisioner_jobs (id, created_at, updated_at, organization_id, initiator_id, provisioner, type, file_id, input, tags)
VALUES (@id, @created_at, @updated_at, @organization_id, @initiator_id, @provisioner, @type, @file_id, @input, @tags)
RETURNING *;

-- name: GetProvisionerJobByID :one
SELECT * FROM provisioner_jobs WHERE id = @id;

-- name: GetProvisionerJobsByIDsWithQueuePosition :many
-- Jobs with their place in their organization's pending queue (1 = next),
-- 0 when not pending.
WITH pending AS (
    SELECT id,
        row_number() OVER (PARTITION BY organization_id ORDER BY created_at, id) AS queue_position,
        count(*) OVER (PARTITION BY organization_id) AS queue_size
    FROM provisioner_jobs
    WHERE started_at IS NULL AND canceled_at IS NULL
)
SELECT sqlc.embed(provisioner_jobs),
    COALESCE(pending.queue_position, 0)::bigint AS queue_position,
    COALESCE(pending.queue_size, 0)::bigint AS queue_size
FROM provisioner_jobs
LEFT JOIN pending ON pending.id = provisioner_jobs.id
WHERE provisioner_jobs.id = ANY(@ids::uuid[])
ORDER BY provisioner_jobs.created_at;

-- name: AcquireProvisionerJob :one
-- Takes the oldest pending job this daemon can run. SKIP LOCKED lets many
-- daemons acquire at once without waiting on each other or taking one job
-- twice. A job's tags must all be offered by the daemon. A nil organization
-- means any: the server's own daemons serve every organization.
UPDATE provisioner_jobs
SET started_at = @started_at, updated_at = @started_at, worker_id = @worker_id
WHERE id = (
    SELECT nested.id FROM provisioner_jobs AS nested
    WHERE nested.started_at IS NULL AND nested.canceled_at IS NULL
        AND (@organization_id::uuid = '00000000-0000-0000-0000-000000000000' OR nested.organization_id = @organization_id)
        AND nested.provisioner::text = ANY(@types::text[])
        AND nested.tags <@ @tags::jsonb
    ORDER BY nested.created_at, nested.id
    FOR UPDATE SKIP LOCKED
    LIMIT 1
)
RETURNING *;

-- name: UpdateProvisionerJobByID :exec
-- A running job's heartbeat: the hang detector looks at updated_at.
UPDATE provisioner_jobs SET updated_at = @updated_at WHERE id = @id AND completed_at IS NULL;

-- name: UpdateProvisionerJobWithCompleteByID :exec
UPDATE provisioner_jobs
SET completed_at = @completed_at, updated_at = @completed_at, error = @error, error_code = @error_code
WHERE id = @id AND completed_at IS NULL;

-- name: UpdateProvisionerJobWithCancelByID :exec
-- A pending job is done the moment it is canceled; a running one completes
-- when its daemon stops it, unless the daemon is gone: a job without a
-- heartbeat (updated_at) for 30s, six daemon heartbeats, is done at once.
-- A build canceled that way keeps the previous build's state (as a build
-- failing on a daemon does), so the next build starts from what exists.
WITH canceled AS (
    UPDATE provisioner_jobs
    SET canceled_at = @canceled_at, updated_at = @canceled_at,
        completed_at = CASE
            WHEN provisioner_jobs.started_at IS NULL THEN @canceled_at::timestamptz
            WHEN provisioner_jobs.updated_at + interval '30 seconds' < @canceled_at::timestamptz THEN @canceled_at::timestamptz
            ELSE provisioner_jobs.completed_at END
    WHERE provisioner_jobs.id = @id AND provisioner_jobs.completed_at IS NULL AND provisioner_jobs.canceled_at IS NULL
    RETURNING provisioner_jobs.id, provisioner_jobs.started_at, provisioner_jobs.completed_at, provisioner_jobs.type, provisioner_jobs.input
)
UPDATE workspace_builds AS wb
SET provisioner_state = prev.provisioner_state
FROM canceled, workspace_builds AS prev
WHERE wb.job_id = canceled.id
    AND canceled.type = 'workspace_build'
    AND canceled.started_at IS NOT NULL AND canceled.completed_at IS NOT NULL
    AND (canceled.input->>'use_build_state') IS DISTINCT FROM 'true'
    AND prev.workspace_id = wb.workspace_id AND prev.build_number = wb.build_number - 1;

-- name: GetHungProvisionerJobs :many
SELECT * FROM provisioner_jobs
WHERE started_at IS NOT NULL AND completed_at IS NULL AND updated_at < @updated_before
ORDER BY updated_at;

-- name: GetUnfinishedProvisionerJobsByReplica :many
-- Jobs that daemons of one server process (replica) started and did not
-- complete: at the process's next start, what it held when it died.
SELECT sqlc.embed(provisioner_jobs) FROM provisioner_jobs
JOIN provisioner_daemons ON provisioner_daemons.id = provisioner_jobs.worker_id
WHERE provisioner_daemons.replica_id = @replica_id::uuid
    AND provisioner_jobs.started_at IS NOT NULL AND provisioner_jobs.completed_at IS NULL
ORDER BY provisioner_jobs.started_at;

-- name: RequeueProvisionerJobByID :execrows
-- Puts a running job back in the queue, to be acquired again.
UPDATE provisioner_jobs SET started_at = NULL, worker_id = NULL, updated_at = @updated_at
WHERE id = @id AND started_at IS NOT NULL AND completed_at IS NULL AND canceled_at IS NULL;

-- name: GetProvisionerJobsByOrganization :many
SELECT * FROM provisioner_jobs
WHERE organization_id = @organization_id
ORDER BY created_at DESC
LIMIT NULLIF(@limit_opt::int, 0);

-- name: InsertProvisionerJobLogs :many
INSERT INTO provisioner_job_logs (job_id, created_at, source, level, stage, output)
SELECT @job_id::uuid, unnest(@created_at::timestamptz[]), unnest(@source::text[])::log_source,
    unnest(@level::text[])::log_level, unnest(@stage::text[]), unnest(@output::text[])
RETURNING *;

-- name: GetProvisionerLogsAfterID :many
SELECT * FROM provisioner_job_logs WHERE job_id = @job_id AND id > @created_after ORDER BY id;

-- name: UpsertProvisionerDaemon :one
INSERT INTO provisioner_daemons (id, organization_id, name, created_at, last_seen_at, provisioners, tags, version, api_version, replica_id)
VALUES (@id, @organization_id, @name, @created_at, @created_at, @provisioners::text[], @tags, @version, @api_version, @replica_id)
ON CONFLICT (organization_id, name) DO UPDATE
SET last_seen_at = EXCLUDED.last_seen_at, provisioners = EXCLUDED.provisioners, tags = EXCLUDED.tags,
    version = EXCLUDED.version, api_version = EXCLUDED.api_version, replica_id = EXCLUDED.replica_id
RETURNING *;

-- name: UpdateProvisionerDaemonLastSeenAt :exec
UPDATE provisioner_daemons SET last_seen_at = @last_seen_at WHERE id = @id;

-- name: GetProvisionerDaemonsByOrganization :many
-- Daemons with the job each is running, if any.
SELECT sqlc.embed(provisioner_daemons),
    (SELECT pj.id FROM provisioner_jobs pj
     WHERE pj.worker_id = provisioner_daemons.id AND pj.completed_at IS NULL
     ORDER BY pj.started_at DESC LIMIT 1)::uuid AS current_job_id
FROM provisioner_daemons
WHERE provisioner_daemons.organization_id = @organization_id
ORDER BY provisioner_daemons.name;
