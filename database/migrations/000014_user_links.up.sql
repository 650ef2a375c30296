-- Single sign-on: which identity-provider account (OIDC subject, GitHub user
-- id) belongs to which user, pending password-to-SSO conversions, and the
-- IdP sync settings (organization, group and role mappings).

CREATE TABLE user_links (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    login_type login_type NOT NULL,
    -- The provider's stable id of the account: the OIDC "sub" claim, the
    -- GitHub numeric user id. Tokens are never stored.
    linked_id text NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, login_type)
);
CREATE UNIQUE INDEX user_links_linked_id_idx ON user_links (login_type, linked_id);

-- A password user asked to switch to OIDC or GitHub: the state they carry
-- through the provider, kept hashed, single use and short-lived.
CREATE TABLE user_login_conversions (
    state_hash bytea PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    to_type login_type NOT NULL,
    expires_at timestamptz NOT NULL
);

-- IdP sync settings as JSON documents: one deployment-wide row for
-- organizations (organization_id NULL) and one per organization for groups
-- and for roles.
CREATE TABLE idpsync_settings (
    kind text NOT NULL CHECK (kind IN ('organization', 'group', 'role')),
    organization_id uuid REFERENCES organizations (id) ON DELETE CASCADE,
    settings jsonb NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX idpsync_settings_kind_org_idx
    ON idpsync_settings (kind, COALESCE(organization_id, '00000000-0000-0000-0000-000000000000'::uuid));
