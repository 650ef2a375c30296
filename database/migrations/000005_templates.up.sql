-- Template settings the first schema lacked, names for template reads, and
-- the daily users behind /templates/{template}/daus.

ALTER TABLE templates
    ADD COLUMN use_classic_parameter_flow boolean NOT NULL DEFAULT false,
    ADD COLUMN cors_behavior text NOT NULL DEFAULT 'simple' CHECK (cors_behavior IN ('simple', 'passthru')),
    ADD COLUMN allow_workspace_renames boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT templates_max_port_sharing_level_check
        CHECK (max_port_sharing_level IN ('owner', 'authenticated', 'organization', 'public'));

CREATE INDEX templates_organization_id_idx ON templates (organization_id) WHERE NOT deleted;
CREATE INDEX template_versions_template_id_created_idx ON template_versions (template_id, created_at, id);

-- One row per user per day a user used a workspace of the template (UTC
-- day). Written when workspaces report usage; read for DAUs and the active
-- user count.
CREATE TABLE template_daily_users (
    template_id uuid NOT NULL REFERENCES templates (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day date NOT NULL,
    PRIMARY KEY (template_id, day, user_id)
);

-- What every template read shows besides the row: who made it and where it
-- lives.
CREATE VIEW template_with_names AS
SELECT t.*,
    COALESCE(u.username, '') AS created_by_username,
    COALESCE(u.avatar_url, '') AS created_by_avatar_url,
    o.name AS organization_name,
    o.display_name AS organization_display_name,
    o.icon AS organization_icon,
    -- Distinct users in the last 7 days (UTC).
    (SELECT COUNT(DISTINCT d.user_id) FROM template_daily_users d
        WHERE d.template_id = t.id AND d.day > current_date - 7)::int AS active_user_count
FROM templates t
LEFT JOIN users u ON u.id = t.created_by
JOIN organizations o ON o.id = t.organization_id;
