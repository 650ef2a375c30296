-- Deployment-wide settings that are not options: values the server generates
-- once (the deployment id) or that admins change at run time.
CREATE TABLE site_configs (
    key text PRIMARY KEY,
    value text NOT NULL
);
