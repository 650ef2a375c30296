-- name: InsertAPIKey :one
INSERT INTO api_keys (id, hashed_secret, user_id, last_used, expires_at, created_at, updated_at,
    login_type, lifetime_seconds, ip_address, scope, token_name)
VALUES (@id, @hashed_secret, @user_id, @last_used, @expires_at, @created_at, @updated_at,
    @login_type, @lifetime_seconds, @ip_address, @scope, @token_name)
RETURNING *;

-- name: GetAPIKeyByID :one
SELECT * FROM api_keys WHERE id = @id;

-- name: GetAPIKeyByName :one
SELECT * FROM api_keys
WHERE user_id = @user_id AND login_type = 'token' AND lower(token_name) = lower(@token_name);

-- name: GetAPIKeysByUserID :many
SELECT * FROM api_keys WHERE user_id = @user_id AND login_type = @login_type ORDER BY created_at, id;

-- name: UpdateAPIKeyByID :exec
UPDATE api_keys SET last_used = @last_used, expires_at = @expires_at, ip_address = @ip_address, updated_at = @last_used
WHERE id = @id;

-- name: DeleteAPIKeyByID :exec
DELETE FROM api_keys WHERE id = @id;

-- name: DeleteAPIKeysByUserID :exec
DELETE FROM api_keys WHERE user_id = @user_id;
