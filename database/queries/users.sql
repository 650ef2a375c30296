-- name: GetUserCount :one
SELECT COUNT(*) FROM users WHERE NOT deleted;

-- name: InsertUser :one
INSERT INTO users (id, email, username, name, hashed_password, created_at, updated_at, rbac_roles, login_type, status)
VALUES (@id, @email, @username, @name, @hashed_password, @created_at, @updated_at, @rbac_roles, @login_type, @status)
RETURNING *;

-- name: GetUserByID :one
SELECT * FROM users WHERE id = @id;

-- name: GetUserByEmailOrUsername :one
-- Logins and uniqueness checks ignore case, as the unique indexes do.
SELECT * FROM users
WHERE NOT deleted AND (lower(email) = lower(@email) OR lower(username) = lower(@username))
LIMIT 1;

-- name: GetUsers :many
-- One page of users in username order with the total that matched. The
-- auth_* parameters are the caller's RBAC filter (rbac.Filter), so rows the
-- caller may not read never leave PostgreSQL. Empty filter arrays may arrive
-- as NULL (a nil Go slice), hence COALESCE around cardinality.
SELECT sqlc.embed(users), COUNT(*) OVER () AS count
FROM users
WHERE NOT deleted
    AND (@search::text = ''
        OR position(lower(@search::text) IN lower(username)) > 0
        OR position(lower(@search::text) IN lower(email)) > 0)
    AND (COALESCE(cardinality(@status::text[]), 0) = 0 OR status::text = ANY(@status::text[]))
    AND (COALESCE(cardinality(@rbac_role::text[]), 0) = 0
        OR rbac_roles && @rbac_role::text[]
        OR 'member' = ANY(@rbac_role::text[]))
    AND (COALESCE(cardinality(@login_type::text[]), 0) = 0 OR login_type::text = ANY(@login_type::text[]))
    AND (@created_before::timestamptz = '0001-01-01 00:00:00+00' OR created_at < @created_before)
    AND (@created_after::timestamptz = '0001-01-01 00:00:00+00' OR created_at > @created_after)
    AND (@last_seen_before::timestamptz = '0001-01-01 00:00:00+00' OR last_seen_at < @last_seen_before)
    AND (@last_seen_after::timestamptz = '0001-01-01 00:00:00+00' OR last_seen_at > @last_seen_after)
    AND (@after_id::uuid = '00000000-0000-0000-0000-000000000000'
        OR lower(username) > (SELECT lower(u2.username) FROM users u2 WHERE u2.id = @after_id))
    AND (@auth_all::bool OR id = @auth_user_id::uuid)
ORDER BY lower(username)
OFFSET @offset_opt::int
LIMIT NULLIF(@limit_opt::int, 0);

-- name: UpdateUserProfile :one
UPDATE users SET username = @username, name = @name, avatar_url = @avatar_url, updated_at = @updated_at
WHERE id = @id
RETURNING *;

-- name: UpdateUserHashedPassword :exec
UPDATE users SET hashed_password = @hashed_password, updated_at = @updated_at WHERE id = @id;

-- name: UpdateUserStatus :one
UPDATE users SET status = @status, updated_at = @updated_at WHERE id = @id RETURNING *;

-- name: UpdateUserRoles :one
UPDATE users SET rbac_roles = @rbac_roles::text[], updated_at = @updated_at WHERE id = @id RETURNING *;

-- name: UpdateUserDeletedByID :exec
UPDATE users SET deleted = true, updated_at = @updated_at WHERE id = @id;

-- name: UpdateUserLastSeenAt :exec
UPDATE users SET last_seen_at = @last_seen_at WHERE id = @id AND last_seen_at < @last_seen_at;

-- name: UpdateUserAppearanceSettings :one
UPDATE users SET theme_preference = @theme_preference, terminal_font = @terminal_font,
    theme_mode = @theme_mode, theme_light = @theme_light, theme_dark = @theme_dark, updated_at = @updated_at
WHERE id = @id
RETURNING *;

-- name: GetAuthorizationUserRoles :one
-- Everything the API key middleware needs to build the RBAC subject.
SELECT
    id, username, email, status, rbac_roles,
    ARRAY(SELECT om.organization_id FROM organization_members om WHERE om.user_id = users.id ORDER BY 1)::uuid[] AS member_org_ids,
    ARRAY(SELECT r || ':' || om.organization_id::text
          FROM organization_members om, unnest(om.roles) AS r
          WHERE om.user_id = users.id ORDER BY 1)::text[] AS org_roles,
    ARRAY(SELECT gme.group_id FROM group_members_expanded gme WHERE gme.user_id = users.id ORDER BY 1)::uuid[] AS group_ids
FROM users
WHERE id = @user_id AND NOT deleted;

-- name: GetUsersByIDs :many
SELECT * FROM users WHERE id = ANY(@ids::uuid[]);
