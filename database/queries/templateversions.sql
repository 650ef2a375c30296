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
