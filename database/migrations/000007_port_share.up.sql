-- Ports of a workspace's agents shared beyond the owner.
CREATE TABLE workspace_agent_port_share (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    agent_name text NOT NULL,
    port integer NOT NULL CHECK (port BETWEEN 1 AND 65535),
    share_level text NOT NULL CHECK (share_level IN ('authenticated', 'organization', 'public')),
    protocol text NOT NULL DEFAULT 'http' CHECK (protocol IN ('http', 'https')),
    PRIMARY KEY (workspace_id, agent_name, port)
);

-- Per-resource timings of provisioner jobs (init, plan, graph, apply), as
-- the provisioner reports them.
CREATE TABLE provisioner_job_timings (
    job_id uuid NOT NULL REFERENCES provisioner_jobs (id) ON DELETE CASCADE,
    started_at timestamptz NOT NULL,
    ended_at timestamptz NOT NULL,
    stage text NOT NULL,
    source text NOT NULL DEFAULT '',
    action text NOT NULL DEFAULT '',
    resource text NOT NULL DEFAULT ''
);
CREATE INDEX provisioner_job_timings_job_id_idx ON provisioner_job_timings (job_id);

-- Daemon listings find each daemon's current job by worker.
CREATE INDEX provisioner_jobs_worker_id_idx ON provisioner_jobs (worker_id) WHERE completed_at IS NULL;

-- The workspace list finds shared workspaces by ACL key.
CREATE INDEX workspaces_user_acl_idx ON workspaces USING gin (user_acl);
CREATE INDEX workspaces_group_acl_idx ON workspaces USING gin (group_acl);
