-- name: GetProvisionerJobQueueCounts :many
-- Queued and running jobs of the whole deployment, by provisioner and job
-- type, for the metrics gauges. Both kinds have a partial index, so this
-- reads only unfinished jobs.
SELECT provisioner, type,
    (CASE WHEN started_at IS NULL THEN 'pending' ELSE 'running' END)::text AS status,
    count(*) AS count
FROM provisioner_jobs
WHERE (started_at IS NULL AND canceled_at IS NULL)
   OR (started_at IS NOT NULL AND completed_at IS NULL)
GROUP BY provisioner, type, 3;

-- name: GetWorkspaceLatestBuildCounts :many
-- Workspaces that are not deleted, counted by the status of their latest
-- build's job, its transition and their template, for the metrics gauges.
-- The status is derived as convert.ProvisionerJobStatus derives it.
SELECT t.name AS template_name, tv.name AS template_version_name, wb.transition,
    (CASE
        WHEN pj.canceled_at IS NOT NULL AND pj.completed_at IS NOT NULL THEN 'canceled'
        WHEN pj.canceled_at IS NOT NULL THEN 'canceling'
        WHEN pj.started_at IS NULL THEN 'pending'
        WHEN pj.completed_at IS NULL THEN 'running'
        WHEN coalesce(pj.error, '') <> '' THEN 'failed'
        ELSE 'succeeded'
    END)::text AS status,
    count(*) AS count
FROM workspaces w
JOIN LATERAL (
    SELECT b.transition, b.job_id, b.template_version_id FROM workspace_builds b
    WHERE b.workspace_id = w.id ORDER BY b.build_number DESC LIMIT 1
) wb ON true
JOIN provisioner_jobs pj ON pj.id = wb.job_id
JOIN templates t ON t.id = w.template_id
JOIN template_versions tv ON tv.id = wb.template_version_id
WHERE NOT w.deleted
GROUP BY t.name, tv.name, wb.transition, 4;
