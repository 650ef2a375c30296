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

-- name: GetOrganizations :many
-- Organizations the caller may read (rbac.Filter: all, or these ids).
SELECT * FROM organizations
WHERE (@name::text = '' OR lower(name) = lower(@name::text))
    AND (@auth_all::bool OR id = ANY(@auth_org_ids::uuid[]))
ORDER BY created_at, id;

-- name: GetOrganizationByName :one
SELECT * FROM organizations WHERE lower(name) = lower(@name);

-- name: GetOrganizationsByUserID :many
SELECT o.* FROM organizations o
JOIN organization_members om ON om.organization_id = o.id
WHERE om.user_id = @user_id
ORDER BY o.created_at, o.id;

-- name: UpdateOrganization :one
UPDATE organizations
SET name = @name, display_name = @display_name, description = @description, icon = @icon, updated_at = @updated_at
WHERE id = @id
RETURNING *;

-- name: DeleteOrganization :exec
-- The default organization is never deleted.
DELETE FROM organizations WHERE id = @id AND NOT is_default;

-- name: GetOrganizationMember :one
SELECT * FROM organization_members WHERE organization_id = @organization_id AND user_id = @user_id;

-- name: GetOrganizationMembers :many
-- Members with their user rows, filtered by the caller's read filter on
-- organization_member (by organization, or only the caller's own rows).
SELECT sqlc.embed(organization_members), u.username, u.name, u.email, u.avatar_url,
    u.rbac_roles AS global_roles, u.status, u.last_seen_at, u.login_type,
    u.created_at AS user_created_at, u.updated_at AS user_updated_at, COUNT(*) OVER () AS count
FROM organization_members
JOIN users u ON u.id = organization_members.user_id AND NOT u.deleted
WHERE organization_members.organization_id = @organization_id
    AND (@user_id::uuid = '00000000-0000-0000-0000-000000000000' OR organization_members.user_id = @user_id)
    AND (@auth_all::bool
        OR organization_members.organization_id = ANY(@auth_org_ids::uuid[])
        OR (organization_members.user_id = @auth_owner_id::uuid
            AND organization_members.organization_id = ANY(@auth_owner_org_ids::uuid[])))
ORDER BY lower(u.username)
OFFSET @offset_opt::int
LIMIT NULLIF(@limit_opt::int, 0);

-- name: UpdateMemberRoles :one
UPDATE organization_members SET roles = @roles::text[], updated_at = @updated_at
WHERE organization_id = @organization_id AND user_id = @user_id
RETURNING *;

-- name: DeleteOrganizationMember :exec
DELETE FROM organization_members WHERE organization_id = @organization_id AND user_id = @user_id;

-- name: GetWorkspaceOwnerCandidates :many
-- Members of an organization as minimal users, for "create a workspace for
-- whom?". dbauthz decides whether all members or only the caller may appear.
SELECT u.id, u.username, u.name, u.avatar_url
FROM organization_members om
JOIN users u ON u.id = om.user_id AND NOT u.deleted AND u.status <> 'suspended'
WHERE om.organization_id = @organization_id
    AND (@only_user_id::uuid = '00000000-0000-0000-0000-000000000000' OR u.id = @only_user_id)
    AND (@search::text = ''
        OR position(lower(@search::text) IN lower(u.username)) > 0
        OR position(lower(@search::text) IN lower(u.name)) > 0
        OR position(lower(@search::text) IN lower(u.email)) > 0)
ORDER BY lower(u.username)
OFFSET @offset_opt::int
LIMIT NULLIF(@limit_opt::int, 0);
