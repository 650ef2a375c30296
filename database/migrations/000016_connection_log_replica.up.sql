-- The replica that served each session, so that the sessions of a replica
-- that stops or dies can be closed in one statement; null for rows written
-- before it was recorded.
ALTER TABLE connection_logs ADD COLUMN replica_id uuid;
-- The app of a workspace_app session: its close audit entry names it even
-- when the session is closed for a replica that is gone.
ALTER TABLE connection_logs ADD COLUMN app_id uuid;

-- Open sessions by replica, for closing those of a stopped one.
CREATE INDEX connection_logs_open_replica_idx ON connection_logs (replica_id) WHERE disconnect_time IS NULL;
