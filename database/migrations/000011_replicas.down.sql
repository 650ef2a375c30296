DROP INDEX provisioner_daemons_replica_id_idx;
DROP TABLE replicas;
