DROP TABLE provisioner_job_timings;
DROP TABLE workspace_agent_port_share;
