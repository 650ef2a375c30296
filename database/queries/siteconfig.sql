-- name: InsertDeploymentID :exec
-- Only the first server to start ever sets it; replicas racing here agree.
INSERT INTO site_configs (key, value) VALUES ('deployment_id', @deployment_id::text)
ON CONFLICT (key) DO NOTHING;

-- name: GetDeploymentID :one
SELECT value FROM site_configs WHERE key = 'deployment_id';
