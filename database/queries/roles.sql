-- name: InsertCustomRole :one
INSERT INTO custom_roles (id, organization_id, name, display_name, org_permissions, member_permissions, created_at, updated_at)
VALUES (@id, @organization_id, @name, @display_name, @org_permissions, @member_permissions, @created_at, @updated_at)
RETURNING *;

-- name: UpdateCustomRole :one
UPDATE custom_roles
SET display_name = @display_name, org_permissions = @org_permissions, member_permissions = @member_permissions, updated_at = @updated_at
WHERE organization_id = @organization_id AND name = @name
RETURNING *;

-- name: GetCustomRoles :many
-- Custom roles of one organization, and/or the ones named by "name:org_id"
-- strings (the form GetAuthorizationUserRoles returns).
SELECT * FROM custom_roles
WHERE (@organization_id::uuid = '00000000-0000-0000-0000-000000000000' OR organization_id = @organization_id)
    AND (COALESCE(cardinality(@lookup::text[]), 0) = 0 OR (name || ':' || organization_id::text) = ANY(@lookup::text[]))
ORDER BY organization_id, name;

-- name: DeleteCustomRole :exec
DELETE FROM custom_roles WHERE organization_id = @organization_id AND name = @name;

-- name: RemoveRoleFromMembers :exec
-- A deleted role stops applying: it is removed from every member holding it.
UPDATE organization_members SET roles = array_remove(roles, @name::text)
WHERE organization_id = @organization_id AND @name::text = ANY(roles);
