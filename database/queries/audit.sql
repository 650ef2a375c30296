-- name: InsertAuditLog :exec
INSERT INTO audit_logs (id, "time", user_id, organization_id, ip, user_agent, resource_type, resource_id,
    resource_target, resource_icon, action, diff, status_code, additional_fields, request_id, build_reason)
VALUES (@id, @time, @user_id, @organization_id, @ip, @user_agent, @resource_type, @resource_id,
    @resource_target, @resource_icon, @action, @diff, @status_code, @additional_fields, @request_id, @build_reason);

-- name: GetAuditActorIDs :many
-- The users a search's username: or email: names (either may be empty),
-- deleted ones included, whose past actions stay findable. The audit
-- queries take the IDs, so the planner sees real values and picks the
-- user_id index.
SELECT id FROM users
WHERE (@username::text = '' OR lower(username) = lower(@username))
    AND (@email::text = '' OR lower(email) = lower(@email))
ORDER BY id;

-- name: GetAuditLogsOffset :many
-- One page of the audit log, newest first, with the actor and organization
-- beside each row. Empty or zero filter parameters mean "any"; user_ids
-- counts only with filter_user_ids (one actor goes in user_id instead: an
-- equality keeps the (user_id, time) index in time order, "= ANY" does
-- not). The auth_* parameters are the caller's
-- RBAC filter for audit_log: site auditors get auth_all, organization
-- auditors their organizations' rows. The filter (and CountAuditLogs' copy
-- of it) is written so each key can use its own index; the joins run for
-- the page only.
WITH page AS (
    SELECT a.* FROM audit_logs a
    WHERE (@resource_type::text = '' OR a.resource_type = @resource_type)
        AND (@resource_id::uuid = '00000000-0000-0000-0000-000000000000' OR a.resource_id = @resource_id)
        AND (@resource_target::text = '' OR a.resource_target = @resource_target)
        AND (@action::text = '' OR a.action = @action)
        AND (@user_id::uuid = '00000000-0000-0000-0000-000000000000' OR a.user_id = @user_id)
        AND (NOT @filter_user_ids::bool OR a.user_id = ANY(@user_ids::uuid[]))
        AND (@organization_id::uuid = '00000000-0000-0000-0000-000000000000' OR a.organization_id = @organization_id)
        AND (@build_reason::text = '' OR a.build_reason = @build_reason)
        AND (@date_from::timestamptz = '0001-01-01 00:00:00+00' OR a."time" >= @date_from)
        AND (@date_to::timestamptz = '0001-01-01 00:00:00+00' OR a."time" <= @date_to)
        AND (@request_id::uuid = '00000000-0000-0000-0000-000000000000' OR a.request_id = @request_id)
        AND (@auth_all::bool OR a.organization_id = ANY(@auth_org_ids::uuid[]))
    ORDER BY a."time" DESC, a.id DESC
    OFFSET @offset_opt::int
    LIMIT NULLIF(@limit_opt::int, 0)
)
SELECT page.id, page."time", page.user_id, page.organization_id, page.ip, page.user_agent, page.resource_type,
    page.resource_id, page.resource_target, page.resource_icon, page.action, page.diff, page.status_code,
    page.additional_fields, page.request_id, page.build_reason,
    u.username AS user_username,
    u.name AS user_name,
    u.email AS user_email,
    u.avatar_url AS user_avatar_url,
    u.created_at AS user_created_at,
    u.updated_at AS user_updated_at,
    u.last_seen_at AS user_last_seen_at,
    COALESCE(u.status::text, '')::text AS user_status,
    COALESCE(u.login_type::text, '')::text AS user_login_type,
    u.theme_preference AS user_theme_preference,
    u.rbac_roles AS user_rbac_roles,
    ARRAY(SELECT om.organization_id FROM organization_members om WHERE om.user_id = page.user_id
        ORDER BY om.organization_id)::uuid[] AS user_organization_ids,
    o.name AS organization_name,
    o.display_name AS organization_display_name,
    o.icon AS organization_icon,
    -- Whether the resource is gone now: soft-deleted rows say so, hard-deleted
    -- ones are simply missing.
    (CASE page.resource_type
        WHEN 'user' THEN EXISTS (SELECT 1 FROM users x WHERE x.id = page.resource_id AND x.deleted)
        WHEN 'workspace' THEN EXISTS (SELECT 1 FROM workspaces x WHERE x.id = page.resource_id AND x.deleted)
        WHEN 'template' THEN EXISTS (SELECT 1 FROM templates x WHERE x.id = page.resource_id AND x.deleted)
        WHEN 'group' THEN NOT EXISTS (SELECT 1 FROM groups x WHERE x.id = page.resource_id)
        WHEN 'organization' THEN NOT EXISTS (SELECT 1 FROM organizations x WHERE x.id = page.resource_id)
        ELSE false
    END)::bool AS is_deleted
FROM page
LEFT JOIN users u ON u.id = page.user_id
LEFT JOIN organizations o ON o.id = page.organization_id
ORDER BY page."time" DESC, page.id DESC;

-- name: CountAuditLogs :one
-- How many rows GetAuditLogsOffset's filter matches, counting no further
-- than count_cap (0: no cap): an exact count of a million rows costs a
-- scan of them all, a capped one at most count_cap index entries. Same
-- WHERE as GetAuditLogsOffset.
SELECT COUNT(*) FROM (SELECT 1 FROM audit_logs a
WHERE (@resource_type::text = '' OR a.resource_type = @resource_type)
    AND (@resource_id::uuid = '00000000-0000-0000-0000-000000000000' OR a.resource_id = @resource_id)
    AND (@resource_target::text = '' OR a.resource_target = @resource_target)
    AND (@action::text = '' OR a.action = @action)
    AND (@user_id::uuid = '00000000-0000-0000-0000-000000000000' OR a.user_id = @user_id)
    AND (NOT @filter_user_ids::bool OR a.user_id = ANY(@user_ids::uuid[]))
    AND (@organization_id::uuid = '00000000-0000-0000-0000-000000000000' OR a.organization_id = @organization_id)
    AND (@build_reason::text = '' OR a.build_reason = @build_reason)
    AND (@date_from::timestamptz = '0001-01-01 00:00:00+00' OR a."time" >= @date_from)
    AND (@date_to::timestamptz = '0001-01-01 00:00:00+00' OR a."time" <= @date_to)
    AND (@request_id::uuid = '00000000-0000-0000-0000-000000000000' OR a.request_id = @request_id)
    AND (@auth_all::bool OR a.organization_id = ANY(@auth_org_ids::uuid[]))
LIMIT NULLIF(@count_cap::int, 0)) AS capped;

-- name: UseCustomPlansInTx :exec
-- Makes PostgreSQL plan each statement of the caller's transaction for its
-- actual parameters. The audit reads take a dozen optional filters: once a
-- pooled connection has run a prepared one a few times, PostgreSQL may
-- settle on one generic plan for every search, and on a million rows the
-- generic plans took 20-260 ms where the custom ones take 1-5 ms. Planning
-- costs well under a millisecond.
SELECT set_config('plan_cache_mode', 'force_custom_plan', true);
