-- The audit log: one row per change made through the API (or by the server
-- itself, with user_id NULL), failed attempts included. Rows are never
-- updated; nothing references them and they reference nothing, so that
-- deleting a user or an organization never removes or blocks its history.
CREATE TABLE audit_logs (
    id uuid PRIMARY KEY,
    "time" timestamptz NOT NULL,
    -- The actor; NULL for the system and for requests with no known user
    -- (a failed login).
    user_id uuid,
    organization_id uuid,
    ip inet,
    user_agent text NOT NULL DEFAULT '',
    resource_type text NOT NULL,
    resource_id uuid NOT NULL,
    -- The resource's name at the time, kept because the resource may be
    -- renamed or gone.
    resource_target text NOT NULL DEFAULT '',
    resource_icon text NOT NULL DEFAULT '',
    action text NOT NULL,
    -- {"field": {"old": ..., "new": ..., "secret": bool}}; secrets are
    -- redacted before they get here.
    diff jsonb NOT NULL DEFAULT '{}',
    status_code integer NOT NULL,
    additional_fields jsonb NOT NULL DEFAULT '{}',
    request_id uuid NOT NULL,
    -- Only for workspace builds.
    build_reason text
);

-- Every read is newest first, optionally narrowed by one or more keys, and
-- counted up to a cap. Each index below serves one selective key in time
-- order, so a page is a short index range read and the capped count an
-- index-only scan; (time, id) serves the unfiltered log and the date window.
-- Measured on a million rows: docs/performance.md, "Audit log query".
CREATE INDEX audit_logs_time_idx ON audit_logs ("time" DESC, id DESC);
-- The action is carried so that resource_type + action counts stay
-- index-only.
CREATE INDEX audit_logs_resource_type_time_idx ON audit_logs (resource_type, "time" DESC) INCLUDE (action);
CREATE INDEX audit_logs_resource_id_time_idx ON audit_logs (resource_id, "time" DESC);
CREATE INDEX audit_logs_resource_target_time_idx ON audit_logs (resource_target, "time" DESC);
CREATE INDEX audit_logs_user_id_time_idx ON audit_logs (user_id, "time" DESC);
-- Organization auditors read through this one (dbauthz turns their filter
-- into organization_id = X); type and action are carried so their filtered
-- counts stay index-only too.
CREATE INDEX audit_logs_organization_id_time_idx ON audit_logs (organization_id, "time" DESC) INCLUDE (resource_type, action);
CREATE INDEX audit_logs_request_id_idx ON audit_logs (request_id);
CREATE INDEX audit_logs_build_reason_time_idx ON audit_logs (build_reason, "time" DESC) WHERE build_reason IS NOT NULL;
