-- The workspace list sorts on the latest build's status and the owner's
-- name, and counts live workspaces. Computing those per request meant
-- probing every visible workspace's builds, so the workspace row now
-- carries them, kept current by triggers: jobs change status from the
-- daemon, the API and the hang detector alike, so only the database sees
-- every change.

-- The status a build shows, from its transition and its job. It mirrors
-- the API's derivation (coderd.workspaceStatus over provisionerJobStatus).
CREATE FUNCTION workspace_build_status(transition workspace_transition, started_at timestamptz,
    completed_at timestamptz, canceled_at timestamptz, error text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN canceled_at IS NOT NULL AND completed_at IS NOT NULL THEN 'canceled'
        WHEN canceled_at IS NOT NULL THEN 'canceling'
        WHEN started_at IS NULL THEN 'pending'
        WHEN completed_at IS NULL THEN
            CASE transition WHEN 'start' THEN 'starting' WHEN 'stop' THEN 'stopping' ELSE 'deleting' END
        WHEN COALESCE(error, '') <> '' THEN 'failed'
        ELSE CASE transition WHEN 'start' THEN 'running' WHEN 'stop' THEN 'stopped' ELSE 'deleted' END
    END
$$;

ALTER TABLE workspaces
    ADD COLUMN owner_username_key text NOT NULL DEFAULT '',
    ADD COLUMN latest_build_number integer NOT NULL DEFAULT 0,
    ADD COLUMN latest_build_id uuid,
    ADD COLUMN latest_build_job_id uuid,
    ADD COLUMN latest_build_transition workspace_transition,
    ADD COLUMN latest_build_status text NOT NULL DEFAULT 'pending';

UPDATE workspaces w SET owner_username_key = lower(u.username) FROM users u WHERE u.id = w.owner_id;
UPDATE workspaces w SET latest_build_number = lb.build_number, latest_build_id = lb.id,
    latest_build_job_id = lb.job_id, latest_build_transition = lb.transition,
    latest_build_status = workspace_build_status(lb.transition, j.started_at, j.completed_at, j.canceled_at, j.error)
FROM (SELECT DISTINCT ON (workspace_id) * FROM workspace_builds ORDER BY workspace_id, build_number DESC) lb
JOIN provisioner_jobs j ON j.id = lb.job_id
WHERE lb.workspace_id = w.id;

CREATE FUNCTION workspaces_set_owner_username_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT lower(username) INTO NEW.owner_username_key FROM users WHERE id = NEW.owner_id;
    RETURN NEW;
END $$;
CREATE TRIGGER workspaces_owner_username_key BEFORE INSERT OR UPDATE OF owner_id ON workspaces
    FOR EACH ROW EXECUTE FUNCTION workspaces_set_owner_username_key();

CREATE FUNCTION users_rename_workspaces() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE workspaces SET owner_username_key = lower(NEW.username) WHERE owner_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER users_rename_workspaces AFTER UPDATE OF username ON users
    FOR EACH ROW WHEN (lower(OLD.username) IS DISTINCT FROM lower(NEW.username))
    EXECUTE FUNCTION users_rename_workspaces();

CREATE FUNCTION workspace_builds_set_latest() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE workspaces w SET latest_build_number = NEW.build_number, latest_build_id = NEW.id,
        latest_build_job_id = NEW.job_id, latest_build_transition = NEW.transition,
        latest_build_status = workspace_build_status(NEW.transition, j.started_at, j.completed_at, j.canceled_at, j.error)
    FROM provisioner_jobs j
    WHERE w.id = NEW.workspace_id AND j.id = NEW.job_id AND w.latest_build_number < NEW.build_number;
    RETURN NULL;
END $$;
CREATE TRIGGER workspace_builds_set_latest AFTER INSERT ON workspace_builds
    FOR EACH ROW EXECUTE FUNCTION workspace_builds_set_latest();

CREATE FUNCTION provisioner_jobs_set_build_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE workspaces SET latest_build_status =
        workspace_build_status(latest_build_transition, NEW.started_at, NEW.completed_at, NEW.canceled_at, NEW.error)
    WHERE latest_build_job_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER provisioner_jobs_set_build_status AFTER UPDATE OF started_at, completed_at, canceled_at, error
    ON provisioner_jobs
    FOR EACH ROW WHEN (NEW.type = 'workspace_build' AND (OLD.started_at, OLD.completed_at, OLD.canceled_at, OLD.error)
        IS DISTINCT FROM (NEW.started_at, NEW.completed_at, NEW.canceled_at, NEW.error))
    EXECUTE FUNCTION provisioner_jobs_set_build_status();

-- Live workspaces per organization, so an unfiltered list counts its rows
-- without scanning them.
CREATE TABLE workspace_counts (
    organization_id uuid PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    live bigint NOT NULL DEFAULT 0
);
INSERT INTO workspace_counts (organization_id, live)
SELECT o.id, (SELECT count(*) FROM workspaces w WHERE w.organization_id = o.id AND NOT w.deleted) FROM organizations o;

CREATE FUNCTION workspaces_count_live() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND NOT OLD.deleted THEN
        UPDATE workspace_counts SET live = live - 1 WHERE organization_id = OLD.organization_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NOT NEW.deleted THEN
        INSERT INTO workspace_counts (organization_id, live) VALUES (NEW.organization_id, 1)
        ON CONFLICT (organization_id) DO UPDATE SET live = workspace_counts.live + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER workspaces_count_live AFTER INSERT OR DELETE ON workspaces
    FOR EACH ROW EXECUTE FUNCTION workspaces_count_live();
CREATE TRIGGER workspaces_count_live_update AFTER UPDATE OF deleted, organization_id ON workspaces
    FOR EACH ROW WHEN (OLD.deleted IS DISTINCT FROM NEW.deleted OR OLD.organization_id IS DISTINCT FROM NEW.organization_id)
    EXECUTE FUNCTION workspaces_count_live();

-- The broad list walks this index in display order (running first, then
-- owner and name) and stops at the page's end.
CREATE INDEX workspaces_list_order_idx ON workspaces
    ((latest_build_status = 'running') DESC, owner_username_key, lower(name), id) WHERE NOT deleted;
CREATE INDEX workspaces_latest_build_job_id_idx ON workspaces (latest_build_job_id);

-- The view's w.* was expanded when it was created; recreate it for the new
-- columns.
DROP VIEW workspaces_expanded;
CREATE VIEW workspaces_expanded AS
SELECT w.*,
    u.username AS owner_username,
    u.name AS owner_name,
    u.avatar_url AS owner_avatar_url,
    o.name AS organization_name,
    o.display_name AS organization_display_name,
    o.icon AS organization_icon,
    t.name AS template_name,
    t.display_name AS template_display_name,
    t.icon AS template_icon,
    t.active_version_id AS template_active_version_id,
    t.allow_user_cancel_workspace_jobs AS template_allow_user_cancel_workspace_jobs,
    t.require_active_version AS template_require_active_version,
    t.use_classic_parameter_flow AS template_use_classic_parameter_flow,
    t.allow_workspace_renames AS template_allow_workspace_renames
FROM workspaces w
JOIN users u ON u.id = w.owner_id
JOIN organizations o ON o.id = w.organization_id
JOIN templates t ON t.id = w.template_id;
