DROP VIEW workspaces_expanded;
DROP TRIGGER workspaces_count_live_update ON workspaces;
DROP TRIGGER workspaces_count_live ON workspaces;
DROP FUNCTION workspaces_count_live();
DROP TABLE workspace_counts;
DROP TRIGGER provisioner_jobs_set_build_status ON provisioner_jobs;
DROP FUNCTION provisioner_jobs_set_build_status();
DROP TRIGGER workspace_builds_set_latest ON workspace_builds;
DROP FUNCTION workspace_builds_set_latest();
DROP TRIGGER users_rename_workspaces ON users;
DROP FUNCTION users_rename_workspaces();
DROP TRIGGER workspaces_owner_username_key ON workspaces;
DROP FUNCTION workspaces_set_owner_username_key();
ALTER TABLE workspaces
    DROP COLUMN owner_username_key,
    DROP COLUMN latest_build_number,
    DROP COLUMN latest_build_id,
    DROP COLUMN latest_build_job_id,
    DROP COLUMN latest_build_transition,
    DROP COLUMN latest_build_status;
DROP FUNCTION workspace_build_status(workspace_transition, timestamptz, timestamptz, timestamptz, text);
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
