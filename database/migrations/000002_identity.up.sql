-- Users, organizations and their members, API keys, per-user git SSH keys.

CREATE TYPE user_status AS ENUM ('active', 'dormant', 'suspended');
CREATE TYPE login_type AS ENUM ('password', 'github', 'oidc', 'token', 'none');
CREATE TYPE api_key_scope AS ENUM ('all', 'application_connect');

CREATE TABLE organizations (
    id uuid PRIMARY KEY,
    name text NOT NULL,
    display_name text NOT NULL,
    description text NOT NULL DEFAULT '',
    icon text NOT NULL DEFAULT '',
    is_default boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX organizations_name_lower_idx ON organizations (lower(name));
-- At most one default organization.
CREATE UNIQUE INDEX organizations_single_default_idx ON organizations (is_default) WHERE is_default;

CREATE TABLE users (
    id uuid PRIMARY KEY,
    email text NOT NULL,
    username text NOT NULL,
    name text NOT NULL DEFAULT '',
    -- PHC-format KDF output; empty for users that cannot log in with a password.
    hashed_password text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    status user_status NOT NULL DEFAULT 'active',
    -- Site-wide roles beyond the implicit "member".
    rbac_roles text[] NOT NULL DEFAULT '{}',
    login_type login_type NOT NULL DEFAULT 'password',
    avatar_url text NOT NULL DEFAULT '',
    -- Deleted users are kept for history; their names become free again.
    deleted boolean NOT NULL DEFAULT false,
    last_seen_at timestamptz NOT NULL DEFAULT '0001-01-01 00:00:00+00',
    theme_preference text NOT NULL DEFAULT '',
    terminal_font text NOT NULL DEFAULT '',
    theme_mode text NOT NULL DEFAULT '',
    theme_light text NOT NULL DEFAULT '',
    theme_dark text NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX users_email_lower_idx ON users (lower(email)) WHERE NOT deleted;
CREATE UNIQUE INDEX users_username_lower_idx ON users (lower(username)) WHERE NOT deleted;
CREATE INDEX users_created_at_idx ON users (created_at, id) WHERE NOT deleted;

CREATE TABLE organization_members (
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    -- Organization roles beyond the implicit "organization-member".
    roles text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (organization_id, user_id)
);
CREATE INDEX organization_members_user_id_idx ON organization_members (user_id);

CREATE TABLE api_keys (
    -- The public half of "<id>-<secret>".
    id text PRIMARY KEY,
    -- sha256 of the secret half; the secret itself is never stored.
    hashed_secret bytea NOT NULL,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_used timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    login_type login_type NOT NULL,
    lifetime_seconds bigint NOT NULL,
    ip_address text NOT NULL DEFAULT '',
    scope api_key_scope NOT NULL DEFAULT 'all',
    -- Named tokens (login_type = 'token') are unique per user.
    token_name text NOT NULL DEFAULT ''
);
CREATE INDEX api_keys_user_id_idx ON api_keys (user_id);
CREATE UNIQUE INDEX api_keys_user_token_name_idx ON api_keys (user_id, lower(token_name)) WHERE login_type = 'token';

CREATE TABLE gitsshkeys (
    user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    private_key text NOT NULL,
    public_key text NOT NULL
);
