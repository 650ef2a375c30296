-- Custom organization roles, groups and their members.

CREATE TABLE custom_roles (
    id uuid NOT NULL UNIQUE,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name text NOT NULL,
    display_name text NOT NULL DEFAULT '',
    -- rbac.Permission lists as JSON: [{"negate":false,"resource_type":"workspace","action":"read"}]
    org_permissions jsonb NOT NULL DEFAULT '[]',
    member_permissions jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (organization_id, name)
);

CREATE TABLE groups (
    id uuid PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name text NOT NULL,
    display_name text NOT NULL DEFAULT '',
    avatar_url text NOT NULL DEFAULT '',
    quota_allowance integer NOT NULL DEFAULT 0,
    source text NOT NULL DEFAULT 'user'
);
CREATE UNIQUE INDEX groups_organization_name_lower_idx ON groups (organization_id, lower(name));

CREATE TABLE group_members (
    group_id uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user_id_idx ON group_members (user_id);

-- Every organization has an "Everyone" group whose id is the organization's
-- id and whose members are the organization's members. Its membership is
-- never stored: this view adds it to the explicit memberships.
CREATE VIEW group_members_expanded AS
    SELECT gm.group_id, gm.user_id FROM group_members gm
    UNION ALL
    SELECT om.organization_id AS group_id, om.user_id FROM organization_members om;

INSERT INTO groups (id, organization_id, name, display_name)
SELECT id, id, 'Everyone', '' FROM organizations;
