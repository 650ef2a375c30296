-- The server processes (replicas) sharing this database. Each registers at
-- start and heartbeats (updated_at); one whose heartbeat stops is presumed
-- dead, and a surviving replica settles the jobs its daemons held. The id
-- is the process's replica id, kept in its config directory, so a restart
-- updates its row instead of adding one.
CREATE TABLE replicas (
    id uuid PRIMARY KEY,
    -- When the replica first registered.
    created_at timestamptz NOT NULL,
    -- When the process last started.
    started_at timestamptz NOT NULL,
    -- Set by a clean shutdown, or by the replica that found it dead.
    stopped_at timestamptz,
    -- The last heartbeat.
    updated_at timestamptz NOT NULL,
    hostname text NOT NULL,
    region_id integer NOT NULL DEFAULT 0,
    -- Where other replicas reach this one to relay connections.
    relay_address text NOT NULL DEFAULT '',
    version text NOT NULL,
    -- Round trip to the database at the last heartbeat, in microseconds.
    database_latency integer NOT NULL DEFAULT 0,
    -- Why the replica is unhealthy or stopped, for operators; empty when
    -- all is well.
    error text NOT NULL DEFAULT ''
);

-- The failover sweep finds the daemons of dead replicas.
CREATE INDEX provisioner_daemons_replica_id_idx ON provisioner_daemons (replica_id);
