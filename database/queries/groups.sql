-- name: InsertGroup :one
INSERT INTO groups (id, organization_id, name, display_name, avatar_url, quota_allowance, source)
VALUES (@id, @organization_id, @name, @display_name, @avatar_url, @quota_allowance, @source)
RETURNING *;

-- name: GetGroupByID :one
SELECT * FROM groups WHERE id = @id;

-- name: GetGroupByOrgAndName :one
SELECT * FROM groups WHERE organization_id = @organization_id AND lower(name) = lower(@name);

-- name: GetGroups :many
-- Groups the caller may read in one organization (or all organizations),
-- optionally only those a user belongs to.
SELECT * FROM groups
WHERE (@organization_id::uuid = '00000000-0000-0000-0000-000000000000' OR organization_id = @organization_id)
    AND (@has_member_id::uuid = '00000000-0000-0000-0000-000000000000'
        OR id IN (SELECT gme.group_id FROM group_members_expanded gme WHERE gme.user_id = @has_member_id))
    AND (@auth_all::bool OR organization_id = ANY(@auth_org_ids::uuid[]))
ORDER BY organization_id, lower(name);

-- name: UpdateGroupByID :one
UPDATE groups SET name = @name, display_name = @display_name, avatar_url = @avatar_url, quota_allowance = @quota_allowance
WHERE id = @id
RETURNING *;

-- name: DeleteGroupByID :exec
DELETE FROM groups WHERE id = @id;

-- name: InsertGroupMember :exec
INSERT INTO group_members (group_id, user_id) VALUES (@group_id, @user_id) ON CONFLICT DO NOTHING;

-- name: DeleteGroupMember :exec
DELETE FROM group_members WHERE group_id = @group_id AND user_id = @user_id;

-- name: GetGroupMembers :many
-- Members of a group, the implicit ones of "Everyone" included.
SELECT u.* FROM group_members_expanded gme
JOIN users u ON u.id = gme.user_id AND NOT u.deleted
WHERE gme.group_id = @group_id
ORDER BY lower(u.username);

-- name: GetGroupMemberCount :one
-- How many members a group has, for callers who may see the group but not
-- who is in it.
SELECT COUNT(*) FROM group_members_expanded gme
JOIN users u ON u.id = gme.user_id AND NOT u.deleted
WHERE gme.group_id = @group_id;

-- name: GetGroupsByIDs :many
SELECT * FROM groups WHERE id = ANY(@ids::uuid[]);
