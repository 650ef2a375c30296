-- name: GetUserLinkByLinkedID :one
SELECT * FROM user_links WHERE login_type = @login_type AND linked_id = @linked_id;

-- name: UpsertUserLink :one
-- A user has at most one account per provider; signing in with another one
-- (after an email match) moves the link.
INSERT INTO user_links (user_id, login_type, linked_id, created_at, updated_at)
VALUES (@user_id, @login_type, @linked_id, @now, @now)
ON CONFLICT (user_id, login_type) DO UPDATE SET linked_id = EXCLUDED.linked_id, updated_at = EXCLUDED.updated_at
RETURNING *;

-- name: UpdateUserLoginType :one
-- Switching to a provider drops the password: it can no longer be used.
UPDATE users SET login_type = @login_type, hashed_password = '', updated_at = @updated_at
WHERE id = @id RETURNING *;

-- name: InsertUserLoginConversion :exec
INSERT INTO user_login_conversions (state_hash, user_id, to_type, expires_at)
VALUES (@state_hash, @user_id, @to_type, @expires_at);

-- name: ConsumeUserLoginConversion :one
-- Single use: the row goes whether or not it is still valid.
DELETE FROM user_login_conversions WHERE state_hash = @state_hash RETURNING *;

-- name: DeleteExpiredUserLoginConversions :exec
DELETE FROM user_login_conversions WHERE expires_at < @now;

-- name: GetIDPSyncSettings :one
SELECT settings FROM idpsync_settings
WHERE kind = @kind AND organization_id IS NOT DISTINCT FROM sqlc.narg('organization_id')::uuid;

-- name: UpsertIDPSyncSettings :exec
INSERT INTO idpsync_settings (kind, organization_id, settings, updated_at)
VALUES (@kind, sqlc.narg('organization_id')::uuid, @settings, @updated_at)
ON CONFLICT (kind, COALESCE(organization_id, '00000000-0000-0000-0000-000000000000'::uuid))
DO UPDATE SET settings = EXCLUDED.settings, updated_at = EXCLUDED.updated_at;
