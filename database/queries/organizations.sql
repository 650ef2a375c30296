-- name: InsertOrganization :one
INSERT INTO organizations (id, name, display_name, description, icon, is_default, created_at, updated_at)
VALUES (@id, @name, @display_name, @description, @icon, @is_default, @created_at, @updated_at)
RETURNING *;

-- name: GetDefaultOrganization :one
SELECT * FROM organizations WHERE is_default;

-- name: GetOrganizationByID :one
SELECT * FROM organizations WHERE id = @id;

-- name: InsertOrganizationMember :one
INSERT INTO organization_members (organization_id, user_id, created_at, updated_at, roles)
VALUES (@organization_id, @user_id, @created_at, @updated_at, @roles)
RETURNING *;

-- name: GetOrganizationIDsByMemberIDs :many
SELECT user_id, array_agg(organization_id ORDER BY organization_id)::uuid[] AS organization_ids
FROM organization_members
WHERE user_id = ANY(@user_ids::uuid[])
GROUP BY user_id;
