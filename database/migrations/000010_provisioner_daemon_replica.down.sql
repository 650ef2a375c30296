ALTER TABLE provisioner_daemons DROP COLUMN replica_id;
