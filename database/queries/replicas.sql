-- name: UpsertReplica :one
-- Registers a starting server process. A replica id is kept across
-- restarts, so a restart takes over its old row: created_at stays, the
-- rest is the new process's.
INSERT INTO replicas (id, created_at, started_at, updated_at, hostname, region_id, relay_address, version, database_latency)
VALUES (@id, @now, @now, @now, @hostname, @region_id, @relay_address, @version, @database_latency)
ON CONFLICT (id) DO UPDATE
SET started_at = EXCLUDED.started_at, stopped_at = NULL, updated_at = EXCLUDED.updated_at,
    hostname = EXCLUDED.hostname, region_id = EXCLUDED.region_id, relay_address = EXCLUDED.relay_address,
    version = EXCLUDED.version, database_latency = EXCLUDED.database_latency, error = ''
RETURNING *;

-- name: UpdateReplicaHeartbeat :one
-- A live replica's heartbeat. It also revives a replica that others
-- presumed dead (stopped_at set by MarkLostReplicas) while it was only
-- slow; the returned row says whether that happened before the update.
UPDATE replicas AS r
SET updated_at = @now, database_latency = @database_latency, stopped_at = NULL, error = ''
FROM replicas AS before
WHERE r.id = @id AND before.id = r.id
RETURNING before.*;

-- name: UpdateReplicaStopped :exec
-- A clean shutdown: the replica's daemons have settled their jobs.
UPDATE replicas SET stopped_at = @now::timestamptz, updated_at = @now::timestamptz WHERE id = @id;

-- name: GetReplicasUpdatedAfter :many
-- The live replicas: not stopped, heartbeat after updated_after.
SELECT * FROM replicas
WHERE stopped_at IS NULL AND updated_at > @updated_after
ORDER BY created_at, id;

-- name: MarkLostReplicas :many
-- Marks stopped every other replica whose heartbeat is older than
-- updated_before. The condition is in the UPDATE, so when several
-- replicas look at once each lost replica is marked by exactly one; the
-- one that marks it logs the failover.
UPDATE replicas
SET stopped_at = @now::timestamptz, error = @error
WHERE id <> @self_id AND stopped_at IS NULL AND updated_at < @updated_before
RETURNING *;

-- name: GetUnfinishedProvisionerJobsOfLostReplicas :many
-- Running jobs held by daemons of another replica that is stopped or has
-- not heartbeated since updated_before, and that the daemon itself has not
-- heartbeated since then either (a cancel touches the job too, but is no
-- sign of life): what failover settles. A replica that comes back with the
-- same id (a restart) is live again, and settles its own jobs at start.
SELECT sqlc.embed(provisioner_jobs), replicas.id AS replica_id, replicas.hostname AS replica_hostname
FROM provisioner_jobs
JOIN provisioner_daemons ON provisioner_daemons.id = provisioner_jobs.worker_id
JOIN replicas ON replicas.id = provisioner_daemons.replica_id
WHERE replicas.id <> @self_id
    AND (replicas.stopped_at IS NOT NULL OR replicas.updated_at < @updated_before)
    AND provisioner_jobs.started_at IS NOT NULL AND provisioner_jobs.completed_at IS NULL
    AND (provisioner_jobs.updated_at < @updated_before OR provisioner_jobs.canceled_at IS NOT NULL)
ORDER BY provisioner_jobs.started_at;
