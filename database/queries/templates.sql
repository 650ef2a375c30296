-- name: InsertTemplate :exec
INSERT INTO templates (id, created_at, updated_at, organization_id, name, display_name, description, icon,
    provisioner, active_version_id, created_by, default_ttl, activity_bump,
    autostop_requirement_days_of_week, autostop_requirement_weeks, autostart_block_days_of_week,
    allow_user_autostart, allow_user_autostop, allow_user_cancel_workspace_jobs, failure_ttl,
    time_til_dormant, time_til_dormant_autodelete, require_active_version, max_port_sharing_level,
    use_classic_parameter_flow, cors_behavior, user_acl, group_acl)
VALUES (@id, @created_at, @updated_at, @organization_id, @name, @display_name, @description, @icon,
    @provisioner, @active_version_id, @created_by, @default_ttl, @activity_bump,
    @autostop_requirement_days_of_week, @autostop_requirement_weeks, @autostart_block_days_of_week,
    @allow_user_autostart, @allow_user_autostop, @allow_user_cancel_workspace_jobs, @failure_ttl,
    @time_til_dormant, @time_til_dormant_autodelete, @require_active_version, @max_port_sharing_level,
    @use_classic_parameter_flow, @cors_behavior, @user_acl, @group_acl);

-- name: GetTemplateByID :one
SELECT * FROM template_with_names WHERE id = @id;

-- name: GetTemplateByOrganizationAndName :one
SELECT * FROM template_with_names
WHERE organization_id = @organization_id AND lower(name) = lower(@name) AND NOT deleted;

-- name: GetAuthorizedTemplates :many
-- Templates the caller may read, filtered. The auth_* parameters come from
-- an rbac.Filter: organization-wide grants, then the template's own ACL
-- (a user entry, or an entry for one of the caller's groups, listing the
-- action or "*").
SELECT * FROM template_with_names t
WHERE NOT t.deleted
    AND (@organization_id::uuid = '00000000-0000-0000-0000-000000000000' OR t.organization_id = @organization_id)
    AND (@exact_name::text = '' OR lower(t.name) = lower(@exact_name))
    AND (@fuzzy_name::text = '' OR t.name ILIKE '%' || @fuzzy_name || '%' OR t.display_name ILIKE '%' || @fuzzy_name || '%')
    AND (sqlc.narg('deprecated')::boolean IS NULL OR (t.deprecated <> '') = sqlc.narg('deprecated')::boolean)
    AND (COALESCE(cardinality(@ids::uuid[]), 0) = 0 OR t.id = ANY(@ids::uuid[]))
    AND (@author_id::uuid = '00000000-0000-0000-0000-000000000000' OR t.created_by = @author_id)
    AND (@auth_all::boolean
        OR t.organization_id = ANY(@auth_org_ids::uuid[])
        OR (t.organization_id = ANY(@auth_acl_org_ids::uuid[]) AND (
            jsonb_exists_any(COALESCE(t.user_acl -> @auth_acl_user_id::text, '[]'::jsonb), ARRAY[@auth_action::text, '*'])
            OR EXISTS (
                SELECT 1 FROM jsonb_each(t.group_acl) g
                WHERE g.key = ANY(@auth_acl_group_ids::text[])
                    AND jsonb_exists_any(g.value, ARRAY[@auth_action::text, '*'])))))
ORDER BY lower(t.name), t.organization_id;

-- name: UpdateTemplateMetaByID :exec
UPDATE templates SET
    updated_at = @updated_at,
    name = @name,
    display_name = @display_name,
    description = @description,
    icon = @icon,
    default_ttl = @default_ttl,
    activity_bump = @activity_bump,
    autostop_requirement_days_of_week = @autostop_requirement_days_of_week,
    autostop_requirement_weeks = @autostop_requirement_weeks,
    autostart_block_days_of_week = @autostart_block_days_of_week,
    allow_user_autostart = @allow_user_autostart,
    allow_user_autostop = @allow_user_autostop,
    allow_user_cancel_workspace_jobs = @allow_user_cancel_workspace_jobs,
    failure_ttl = @failure_ttl,
    time_til_dormant = @time_til_dormant,
    time_til_dormant_autodelete = @time_til_dormant_autodelete,
    require_active_version = @require_active_version,
    deprecated = @deprecated,
    max_port_sharing_level = @max_port_sharing_level,
    use_classic_parameter_flow = @use_classic_parameter_flow,
    cors_behavior = @cors_behavior
WHERE id = @id AND NOT deleted;

-- name: UpdateTemplateActiveVersionByID :exec
UPDATE templates SET active_version_id = @active_version_id, updated_at = @updated_at
WHERE id = @id AND NOT deleted;

-- name: UpdateTemplateACLByID :exec
UPDATE templates SET user_acl = @user_acl, group_acl = @group_acl WHERE id = @id AND NOT deleted;

-- name: UpdateTemplateDeletedByID :exec
UPDATE templates SET deleted = true, updated_at = @updated_at WHERE id = @id AND NOT deleted;

-- name: InsertTemplateDailyUser :exec
INSERT INTO template_daily_users (template_id, user_id, day) VALUES (@template_id, @user_id, @day)
ON CONFLICT DO NOTHING;

-- name: GetTemplateDailyUsers :many
-- Distinct users per day for the template, days in the caller's time zone
-- (hour offset from UTC), oldest first.
SELECT (day + make_interval(hours => @tz_hour_offset::int))::date AS date, COUNT(DISTINCT user_id)::int AS amount
FROM template_daily_users
WHERE template_id = @template_id AND day >= @since::date
GROUP BY 1
ORDER BY 1;
