DROP INDEX connection_logs_open_replica_idx;
ALTER TABLE connection_logs DROP COLUMN app_id;
ALTER TABLE connection_logs DROP COLUMN replica_id;
