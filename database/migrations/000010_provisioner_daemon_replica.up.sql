-- The server process (replica) that runs a daemon, so that at its next
-- start it settles the jobs its daemons held when it died, and only those.
ALTER TABLE provisioner_daemons ADD COLUMN replica_id uuid;
