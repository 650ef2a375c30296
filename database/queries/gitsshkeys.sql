-- name: InsertGitSSHKey :one
INSERT INTO gitsshkeys (user_id, created_at, updated_at, private_key, public_key)
VALUES (@user_id, @created_at, @updated_at, @private_key, @public_key)
RETURNING *;

-- name: GetGitSSHKey :one
SELECT * FROM gitsshkeys WHERE user_id = @user_id;

-- name: UpdateGitSSHKey :one
UPDATE gitsshkeys SET updated_at = @updated_at, private_key = @private_key, public_key = @public_key
WHERE user_id = @user_id
RETURNING *;
