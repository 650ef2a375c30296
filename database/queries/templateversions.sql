-- name: InsertTemplateVersion :one
INSERT INTO template_versions (id, template_id, organization_id, created_at, updated_at, name, message, readme, job_id, created_by, source_example_id)
VALUES (@id, @template_id, @organization_id, @created_at, @updated_at, @name, @message, @readme, @job_id, @created_by, @source_example_id)
RETURNING *;

-- name: GetTemplateVersionByID :one
SELECT * FROM template_versions WHERE id = @id;

-- name: GetTemplateVersionByJobID :one
SELECT * FROM template_versions WHERE job_id = @job_id;

-- name: UpdateTemplateVersionByID :one
UPDATE template_versions SET name = @name, message = @message, template_id = @template_id, updated_at = @updated_at
WHERE id = @id
RETURNING *;

-- name: UpdateTemplateVersionImportResultByJobID :exec
-- What an import learned about the version, written by the daemon.
UPDATE template_versions SET readme = @readme, external_auth_providers = @external_auth_providers, updated_at = @updated_at
WHERE job_id = @job_id;

-- name: UpdateTemplateVersionArchived :one
UPDATE template_versions SET archived = @archived, updated_at = @updated_at WHERE id = @id RETURNING *;

-- name: InsertTemplateVersionParameter :one
INSERT INTO template_version_parameters (template_version_id, name, display_name, description, type, form_type, mutable, ephemeral,
    required, default_value, icon, options, validation_regex, validation_error, validation_min, validation_max,
    validation_monotonic, display_order)
VALUES (@template_version_id, @name, @display_name, @description, @type, @form_type, @mutable, @ephemeral,
    @required, @default_value, @icon, @options, @validation_regex, @validation_error, @validation_min, @validation_max,
    @validation_monotonic, @display_order)
RETURNING *;

-- name: GetTemplateVersionParameters :many
SELECT * FROM template_version_parameters WHERE template_version_id = @template_version_id ORDER BY display_order, lower(name);

-- name: InsertTemplateVersionVariable :one
INSERT INTO template_version_variables (template_version_id, name, description, type, value, default_value, required, sensitive)
VALUES (@template_version_id, @name, @description, @type, @value, @default_value, @required, @sensitive)
RETURNING *;

-- name: GetTemplateVersionVariables :many
SELECT * FROM template_version_variables WHERE template_version_id = @template_version_id ORDER BY name;

-- name: InsertTemplateVersionPreset :one
INSERT INTO template_version_presets (id, template_version_id, name, is_default, parameters, created_at)
VALUES (@id, @template_version_id, @name, @is_default, @parameters, @created_at)
RETURNING *;

-- name: GetPresetsByTemplateVersionID :many
SELECT * FROM template_version_presets WHERE template_version_id = @template_version_id ORDER BY name;

-- name: GetTemplateVersionsByTemplateID :many
-- A template's versions oldest first, paginated by after_id (a version of
-- the template) and/or offset; limit 0 means all.
SELECT tv.* FROM template_versions tv
WHERE tv.template_id = @template_id::uuid
    AND (@include_archived::boolean OR NOT tv.archived)
    AND (@after_id::uuid = '00000000-0000-0000-0000-000000000000'
        OR (tv.created_at, tv.id) > (SELECT a.created_at, a.id FROM template_versions a WHERE a.id = @after_id::uuid))
ORDER BY tv.created_at, tv.id
OFFSET @offset_opt::int
LIMIT NULLIF(@limit_opt::int, 0);

-- name: GetTemplateVersionByTemplateIDAndName :one
SELECT * FROM template_versions WHERE template_id = @template_id::uuid AND lower(name) = lower(@name);

-- name: GetPreviousTemplateVersion :one
-- The version of the same template created just before this one.
SELECT p.* FROM template_versions p
JOIN template_versions v ON v.id = @id
WHERE p.template_id = v.template_id AND (p.created_at, p.id) < (v.created_at, v.id)
ORDER BY p.created_at DESC, p.id DESC
LIMIT 1;

-- name: ArchiveUnusedTemplateVersions :many
-- Archives a template's versions that are not active and whose import did
-- not end in one of the kept states: with only_failed, versions whose import
-- failed or was canceled; otherwise every finished one.
UPDATE template_versions v SET archived = true, updated_at = @updated_at
FROM provisioner_jobs j
WHERE v.template_id = @template_id::uuid
    AND v.job_id = j.id
    AND NOT v.archived
    AND v.id <> (SELECT t.active_version_id FROM templates t WHERE t.id = @template_id::uuid)
    AND j.completed_at IS NOT NULL
    AND (NOT @only_failed::boolean OR j.error IS NOT NULL OR j.canceled_at IS NOT NULL)
RETURNING v.id;
