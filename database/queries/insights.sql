-- name: GetInsightsSessions :many
-- Sessions (connection_logs) overlapping [start_time, end_time), with the
-- template of their workspace and, for apps, the app's name and icon. An
-- open session counts up to now. Empty template_ids means every template;
-- the auth_* parameters are the caller's insights filter by organization.
SELECT c.user_id::uuid AS user_id, u.username, u.avatar_url, w.template_id, c.type, c.slug_or_port,
    c.connect_time, COALESCE(c.disconnect_time, now())::timestamptz AS disconnect_time,
    COALESCE(a.display_name, '')::text AS app_display_name, COALESCE(a.icon, '')::text AS app_icon
FROM connection_logs c
JOIN workspaces w ON w.id = c.workspace_id
JOIN users u ON u.id = c.user_id
LEFT JOIN workspace_apps a ON c.type = 'workspace_app' AND a.agent_id = c.agent_id AND a.slug = c.slug_or_port
WHERE c.user_id IS NOT NULL
    AND c.connect_time < @end_time::timestamptz
    AND COALESCE(c.disconnect_time, now()) > @start_time::timestamptz
    AND (cardinality(@template_ids::uuid[]) = 0 OR w.template_id = ANY(@template_ids::uuid[]))
    AND (@auth_all::bool OR w.organization_id = ANY(@auth_org_ids::uuid[]))
ORDER BY c.connect_time, c.id;

-- name: GetInsightsAgentStats :many
-- The agents' stats reports in [start_time, end_time) that show use (a
-- session or connection), for active users where no session was logged.
SELECT s.created_at, s.user_id, u.username, u.avatar_url, s.template_id,
    s.session_count_vscode, s.session_count_jetbrains, s.session_count_reconnecting_pty, s.session_count_ssh
FROM workspace_agent_stats s
JOIN templates t ON t.id = s.template_id
JOIN users u ON u.id = s.user_id
WHERE s.created_at >= @start_time::timestamptz AND s.created_at < @end_time::timestamptz
    AND (s.connection_count > 0 OR s.session_count_vscode > 0 OR s.session_count_jetbrains > 0
        OR s.session_count_reconnecting_pty > 0 OR s.session_count_ssh > 0)
    AND (cardinality(@template_ids::uuid[]) = 0 OR s.template_id = ANY(@template_ids::uuid[]))
    AND (@auth_all::bool OR t.organization_id = ANY(@auth_org_ids::uuid[]))
ORDER BY s.created_at;

-- name: GetInsightsUserLatency :many
-- Per user, the 50th and 95th percentile of the median connection latency
-- the agents reported in [start_time, end_time).
SELECT s.user_id, u.username, u.avatar_url,
    array_agg(DISTINCT s.template_id ORDER BY s.template_id)::uuid[] AS template_ids,
    (percentile_cont(0.5) WITHIN GROUP (ORDER BY s.connection_median_latency_ms))::float8 AS latency_p50,
    (percentile_cont(0.95) WITHIN GROUP (ORDER BY s.connection_median_latency_ms))::float8 AS latency_p95
FROM workspace_agent_stats s
JOIN templates t ON t.id = s.template_id
JOIN users u ON u.id = s.user_id
WHERE s.created_at >= @start_time::timestamptz AND s.created_at < @end_time::timestamptz
    AND s.connection_median_latency_ms > 0
    AND (cardinality(@template_ids::uuid[]) = 0 OR s.template_id = ANY(@template_ids::uuid[]))
    AND (@auth_all::bool OR t.organization_id = ANY(@auth_org_ids::uuid[]))
GROUP BY s.user_id, u.username, u.avatar_url
ORDER BY u.username;
