-- name: GetWorkspacesEligibleForTransition :many
-- Workspaces the lifecycle executor may have to act on at clock.now, with
-- their latest build and template policy: autostart due, deadline passed,
-- failed start past failure_ttl, unused past time_til_dormant, or dormant
-- past deleting_at. Only workspaces whose latest build finished qualify.
WITH clock AS (SELECT @now::timestamptz AS now),
latest AS (
    SELECT DISTINCT ON (b.workspace_id) b.workspace_id, b.id AS build_id, b.transition, b.deadline,
        j.completed_at, (COALESCE(j.error, '') <> '' OR j.canceled_at IS NOT NULL) AS failed
    FROM workspace_builds b
    JOIN provisioner_jobs j ON j.id = b.job_id
    JOIN workspaces w ON w.id = b.workspace_id AND NOT w.deleted
    ORDER BY b.workspace_id, b.build_number DESC
)
SELECT sqlc.embed(workspaces_expanded),
    latest.build_id AS latest_build_id,
    latest.transition AS latest_transition,
    latest.deadline AS latest_deadline,
    latest.completed_at AS latest_completed_at,
    latest.failed AS latest_failed,
    templates.failure_ttl, templates.time_til_dormant, templates.time_til_dormant_autodelete
FROM workspaces_expanded
JOIN latest ON latest.workspace_id = workspaces_expanded.id
JOIN templates ON templates.id = workspaces_expanded.template_id
CROSS JOIN clock
WHERE latest.completed_at IS NOT NULL AND (
    (workspaces_expanded.autostart_schedule <> '' AND workspaces_expanded.next_start_at <= clock.now
        AND workspaces_expanded.dormant_at IS NULL AND latest.transition = 'stop')
    OR (latest.transition = 'start' AND NOT latest.failed AND latest.deadline <= clock.now)
    OR (latest.transition = 'start' AND latest.failed AND templates.failure_ttl > 0
        AND latest.completed_at + templates.failure_ttl / 1000 * interval '1 microsecond' <= clock.now)
    OR (workspaces_expanded.dormant_at IS NULL AND templates.time_til_dormant > 0
        AND workspaces_expanded.last_used_at + templates.time_til_dormant / 1000 * interval '1 microsecond' <= clock.now)
    OR (workspaces_expanded.dormant_at IS NOT NULL AND workspaces_expanded.deleting_at <= clock.now
        AND latest.transition <> 'delete')
)
ORDER BY workspaces_expanded.id;
