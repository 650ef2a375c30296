DROP INDEX workspaces_group_acl_idx;
DROP INDEX workspaces_user_acl_idx;
DROP INDEX provisioner_jobs_worker_id_idx;
DROP TABLE provisioner_job_timings;
DROP TABLE workspace_agent_port_share;
