package coderd

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/domain/templateversion"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/pubsub"
	"github.com/devplane/devplane/rbac"
)

// publishJobPosted wakes idle daemons. Failing to is not fatal: daemons
// also poll.
func (api *API) publishJobPosted(ctx context.Context, job database.ProvisionerJob) {
	api.events().JobPosted(ctx, job)
}

// publishJobLogs tells log followers (and the daemon running the job) to
// look at the job again.
func (api *API) publishJobLogs(ctx context.Context, jobID uuid.UUID) {
	if err := api.Pubsub.Publish(pubsub.EventProvisionerJobLogs(jobID.String()), nil); err != nil {
		api.Logger.Warn(ctx, "publish provisioner job logs", slog.F("job_id", jobID), slog.Error(err))
	}
}

// loadMatchedProvisioners counts the organization's daemons that could run
// job: nil when the caller may not list daemons (the field is optional),
// an error when they could not be loaded.
func (api *API) loadMatchedProvisioners(ctx context.Context, job database.ProvisionerJob) (*codersdk.MatchedProvisioners, error) {
	rows, err := api.loadOrganizationDaemons(ctx, job.OrganizationID)
	if err != nil {
		return nil, err
	}
	return convert.MatchDaemons(job, rows, dbtime.Now()), nil
}

// loadOrganizationDaemons loads an organization's daemons: nil (not an error)
// when the caller may not list them, which only hides what depends on them.
func (api *API) loadOrganizationDaemons(ctx context.Context, orgID uuid.UUID) ([]database.GetProvisionerDaemonsByOrganizationRow, error) {
	rows, err := api.Database.GetProvisionerDaemonsByOrganization(ctx, orgID)
	if dbauthz.IsNotAuthorizedError(err) {
		return nil, nil
	}
	if err != nil {
		return nil, xerrors.Errorf("provisioner daemons of organization %s: %w", orgID, err)
	}
	if rows == nil {
		rows = []database.GetProvisionerDaemonsByOrganizationRow{}
	}
	return rows, nil
}

// minimalUser returns the user as other resources show it. A creator the
// caller may not read shows as its ID alone.
func (api *API) minimalUser(ctx context.Context, id uuid.UUID) (codersdk.MinimalUser, error) {
	u, err := api.Database.GetUserByID(ctx, id)
	if httpapi.IsUnauthorizedOrNotFound(err) {
		return codersdk.MinimalUser{ID: id}, nil
	}
	if err != nil {
		return codersdk.MinimalUser{}, err
	}
	return codersdk.MinimalUser{ID: u.ID, Username: u.Username, Name: u.Name, AvatarURL: u.AvatarUrl}, nil
}

// loadTemplateVersion converts a version with its job (and queue
// position), creator and, while pending, the daemons that could take it.
func (api *API) loadTemplateVersion(ctx context.Context, v database.TemplateVersion) (codersdk.TemplateVersion, error) {
	jobs, err := api.loadJobs(ctx, []uuid.UUID{v.JobID})
	if err != nil {
		return codersdk.TemplateVersion{}, err
	}
	row, ok := jobs[v.JobID]
	if !ok {
		return codersdk.TemplateVersion{}, xerrors.Errorf("the import job %s of template version %s is not readable", v.JobID, v.ID)
	}
	job := convert.ProvisionerJob(row.ProvisionerJob, convert.JobExtras{
		QueuePosition: row.QueuePosition, QueueSize: row.QueueSize, Version: &v,
	})
	if job.WorkerID != nil {
		names, err := api.loadDaemonNames(ctx, v.OrganizationID)
		if err != nil {
			return codersdk.TemplateVersion{}, err
		}
		job.WorkerName = names[*job.WorkerID]
	}
	createdBy, err := api.minimalUser(ctx, v.CreatedBy)
	if err != nil {
		return codersdk.TemplateVersion{}, err
	}
	var matched *codersdk.MatchedProvisioners
	if job.Status == codersdk.ProvisionerJobPending {
		if matched, err = api.loadMatchedProvisioners(ctx, row.ProvisionerJob); err != nil {
			return codersdk.TemplateVersion{}, err
		}
	}
	return convert.TemplateVersion(v, job, createdBy, matched), nil
}

// writeTemplateVersion answers with the version as the API shows it.
func (api *API) writeTemplateVersion(rw http.ResponseWriter, r *http.Request, status int, v database.TemplateVersion) {
	out, err := api.loadTemplateVersion(r.Context(), v)
	if err != nil {
		httpapi.WriteError(r.Context(), rw, err)
		return
	}
	httpapi.Write(r.Context(), rw, status, out)
}

// @Summary Create template version by organization
// @Description Stores a template version and enqueues the job that imports it.
// @ID create-template-version-by-organization
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Templates
// @Param organization path string true "Organization ID or name"
// @Param request body codersdk.CreateTemplateVersionRequest true "Create template version request"
// @Success 201 {object} codersdk.TemplateVersion
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/templateversions [post]
func (api *API) postTemplateVersionsByOrganization(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	var req codersdk.CreateTemplateVersionRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	version, _, err := api.templateVersions().Create(ctx, templateversion.CreateRequest{
		Organization: httpmw.OrganizationParam(r).ID, Initiator: auth.Key.UserID, Actor: auth.Actor, Version: req,
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Created(ctx, version)
	api.writeTemplateVersion(rw, r, http.StatusCreated, version)
}

// @Summary Get template version by ID
// @ID get-template-version-by-id
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param templateversion path string true "Template version ID" format(uuid)
// @Success 200 {object} codersdk.TemplateVersion
// @Failure 404 {object} codersdk.Response
// @Router /templateversions/{templateversion} [get]
func (api *API) templateVersion(rw http.ResponseWriter, r *http.Request) {
	api.writeTemplateVersion(rw, r, http.StatusOK, httpmw.TemplateVersionParam(r))
}

// @Summary Patch template version by ID
// @ID patch-template-version-by-id
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Templates
// @Param templateversion path string true "Template version ID" format(uuid)
// @Param request body codersdk.PatchTemplateVersionRequest true "Patch template version request"
// @Success 200 {object} codersdk.TemplateVersion
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Router /templateversions/{templateversion} [patch]
func (api *API) patchTemplateVersion(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	version := httpmw.TemplateVersionParam(r)
	var req codersdk.PatchTemplateVersionRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	var v httpapi.Validations
	if req.Name != "" {
		v.Check("name", templateversion.NameProblem(req.Name))
	}
	if req.Message != nil {
		v.Check("message", templateversion.MessageProblem(*req.Message))
	}
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid template version update.", Validations: v})
		return
	}
	p := database.UpdateTemplateVersionByIDParams{
		ID: version.ID, Name: version.Name, Message: version.Message, TemplateID: version.TemplateID,
		UpdatedAt: dbtime.Now(),
	}
	if req.Name != "" {
		p.Name = req.Name
	}
	if req.Message != nil {
		p.Message = *req.Message
	}
	updated, err := api.Database.UpdateTemplateVersionByID(ctx, p)
	switch {
	case database.IsUniqueViolation(err, "template_versions_template_name_lower_idx"):
		httpapi.Write(ctx, rw, http.StatusConflict, codersdk.Response{
			Message:     fmt.Sprintf("The template already has a version named %q.", req.Name),
			Validations: []codersdk.ValidationError{{Field: "name", Detail: "This value is already in use and should be unique."}},
		})
		return
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Forbidden(rw)
		return
	case httpapi.IsUnauthorizedOrNotFound(err):
		httpapi.ResourceNotFound(rw)
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Updated(ctx, version, updated)
	api.writeTemplateVersion(rw, r, http.StatusOK, updated)
}

// templateVersionObject is the RBAC object of a version the caller has
// read: its template's, ACL included, once attached.
func (api *API) templateVersionObject(ctx context.Context, v database.TemplateVersion) (rbac.Object, error) {
	if !v.TemplateID.Valid {
		return v.RBACObject(), nil
	}
	t, err := api.Database.GetTemplateByID(ctx, v.TemplateID.UUID)
	if err != nil {
		return rbac.Object{}, err
	}
	return t.RBACObject(), nil
}

// templateVersionJob loads the version's import job, answering the error
// itself when it cannot.
func (api *API) templateVersionJob(rw http.ResponseWriter, r *http.Request, v database.TemplateVersion) (database.ProvisionerJob, bool) {
	job, err := api.Database.GetProvisionerJobByID(r.Context(), v.JobID)
	if httpapi.IsUnauthorizedOrNotFound(err) {
		httpapi.ResourceNotFound(rw)
		return job, false
	}
	if err != nil {
		httpapi.WriteError(r.Context(), rw, err)
		return job, false
	}
	return job, true
}

// @Summary Cancel template version by ID
// @Description A pending import is canceled at once; a running one is
// @Description marked canceling and its daemon stops it.
// @ID cancel-template-version-by-id
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param templateversion path string true "Template version ID" format(uuid)
// @Success 200 {object} codersdk.Response
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templateversions/{templateversion}/cancel [patch]
func (api *API) patchCancelTemplateVersion(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	version := httpmw.TemplateVersionParam(r)
	// dbauthz checks this on the cancel too; checked first so that who may
	// not cancel hears 403 rather than whether the import already finished.
	obj, err := api.templateVersionObject(ctx, version)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	if auth.Actor.Authorize(rbac.ActionUpdate, obj) != nil {
		httpapi.Forbidden(rw)
		return
	}
	job, ok := api.templateVersionJob(rw, r, version)
	if !ok {
		return
	}
	api.cancelJob(rw, r, job, "job")
}

// @Summary Archive template version
// @Description Archived versions are hidden from version lists and cannot
// @Description be used for new workspaces. An import still in progress
// @Description cannot be archived.
// @ID archive-template-version
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param templateversion path string true "Template version ID" format(uuid)
// @Success 200 {object} codersdk.Response
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templateversions/{templateversion}/archive [post]
func (api *API) postArchiveTemplateVersion(rw http.ResponseWriter, r *http.Request) {
	api.setArchiveTemplateVersion(rw, r, true)
}

// @Summary Unarchive template version
// @ID unarchive-template-version
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param templateversion path string true "Template version ID" format(uuid)
// @Success 200 {object} codersdk.Response
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templateversions/{templateversion}/unarchive [post]
func (api *API) postUnarchiveTemplateVersion(rw http.ResponseWriter, r *http.Request) {
	api.setArchiveTemplateVersion(rw, r, false)
}

func (api *API) setArchiveTemplateVersion(rw http.ResponseWriter, r *http.Request, archive bool) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	version := httpmw.TemplateVersionParam(r)
	word := "unarchived"
	if archive {
		word = "archived"
	}
	// dbauthz checks this on the update too; checked first so that who may
	// not archive hears 403 rather than whether the version is in use.
	obj, err := api.templateVersionObject(ctx, version)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	if auth.Actor.Authorize(rbac.ActionUpdate, obj) != nil {
		httpapi.Forbidden(rw)
		return
	}
	if version.Archived == archive {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: fmt.Sprintf("The template version is already %s.", word)})
		return
	}
	if archive && version.TemplateID.Valid {
		t, err := api.Database.GetTemplateByID(ctx, version.TemplateID.UUID)
		if err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
		if t.ActiveVersionID == version.ID {
			httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
				Message: "The active version of a template cannot be archived.",
				Detail:  "Promote another version first (PATCH /templates/{template}/versions).",
			})
			return
		}
	}
	if archive {
		job, ok := api.templateVersionJob(rw, r, version)
		if !ok {
			return
		}
		if status := convert.ProvisionerJobStatus(job); status.Active() {
			httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
				Message: "A template version cannot be archived while its import is " + string(status) + ".",
				Detail:  "Wait for the import to finish, or cancel it first.",
			})
			return
		}
	}
	updated, err := api.Database.UpdateTemplateVersionArchived(ctx, database.UpdateTemplateVersionArchivedParams{
		ID: version.ID, Archived: archive, UpdatedAt: dbtime.Now(),
	})
	switch {
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Forbidden(rw)
		return
	case httpapi.IsUnauthorizedOrNotFound(err):
		httpapi.ResourceNotFound(rw)
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Updated(ctx, version, updated)
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.Response{Message: "Template version has been " + word + "."})
}

// @Summary Get logs by template version
// @Description With follow, the request must be a websocket upgrade: each
// @Description log is sent as a JSON text message as it is stored, and the
// @Description server closes the socket normally once the import completes.
// @ID get-logs-by-template-version
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param templateversion path string true "Template version ID" format(uuid)
// @Param after query int false "Only logs with an ID greater than this"
// @Param follow query bool false "Stream logs over a websocket until the import completes"
// @Success 200 {array} codersdk.ProvisionerJobLog
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templateversions/{templateversion}/logs [get]
func (api *API) templateVersionLogs(rw http.ResponseWriter, r *http.Request) {
	version := httpmw.TemplateVersionParam(r)
	job, ok := api.templateVersionJob(rw, r, version)
	if !ok {
		return
	}
	api.provisionerJobLogs(rw, r, job)
}

// @Summary Get resources by template version
// @Description The resources the import found for starting a workspace.
// @ID get-resources-by-template-version
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param templateversion path string true "Template version ID" format(uuid)
// @Success 200 {array} codersdk.WorkspaceResource
// @Failure 404 {object} codersdk.Response
// @Router /templateversions/{templateversion}/resources [get]
func (api *API) templateVersionResources(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	version := httpmw.TemplateVersionParam(r)
	resources, err := api.loadJobResources(ctx, version.JobID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	start := make([]codersdk.WorkspaceResource, 0, len(resources))
	for _, res := range resources {
		if res.Transition == codersdk.WorkspaceTransitionStart {
			start = append(start, res)
		}
	}
	httpapi.Write(ctx, rw, http.StatusOK, start)
}

// loadJobResources loads the resources a job produced, with their agents and
// apps, converted.
func (api *API) loadJobResources(ctx context.Context, jobID uuid.UUID) ([]codersdk.WorkspaceResource, error) {
	resources, err := api.Database.GetWorkspaceResourcesByJobID(ctx, jobID)
	if err != nil {
		return nil, err
	}
	agents, err := api.Database.GetWorkspaceAgentsByJobID(ctx, jobID)
	if err != nil {
		return nil, err
	}
	apps, err := api.Database.GetWorkspaceAppsByJobID(ctx, jobID)
	if err != nil {
		return nil, err
	}
	return convert.JobResources(resources, agents, apps)
}

// @Summary Get rich parameters by template version
// @ID get-rich-parameters-by-template-version
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param templateversion path string true "Template version ID" format(uuid)
// @Success 200 {array} codersdk.TemplateVersionParameter
// @Failure 404 {object} codersdk.Response
// @Router /templateversions/{templateversion}/rich-parameters [get]
func (api *API) templateVersionRichParameters(rw http.ResponseWriter, r *http.Request) {
	params, err := api.Database.GetTemplateVersionParameters(r.Context(), httpmw.TemplateVersionParam(r).ID)
	httpapi.WriteListFallible(rw, r, params, err, convert.TemplateVersionParameter)
}

// @Summary Get template variables by template version
// @Description Values of sensitive variables are redacted.
// @ID get-template-variables-by-template-version
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param templateversion path string true "Template version ID" format(uuid)
// @Success 200 {array} codersdk.TemplateVersionVariable
// @Failure 404 {object} codersdk.Response
// @Router /templateversions/{templateversion}/variables [get]
func (api *API) templateVersionVariables(rw http.ResponseWriter, r *http.Request) {
	vars, err := api.Database.GetTemplateVersionVariables(r.Context(), httpmw.TemplateVersionParam(r).ID)
	httpapi.WriteList(rw, r, vars, err, convert.TemplateVersionVariable)
}

// @Summary Get template version presets
// @ID get-template-version-presets
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param templateversion path string true "Template version ID" format(uuid)
// @Success 200 {array} codersdk.Preset
// @Failure 404 {object} codersdk.Response
// @Router /templateversions/{templateversion}/presets [get]
func (api *API) templateVersionPresets(rw http.ResponseWriter, r *http.Request) {
	presets, err := api.Database.GetPresetsByTemplateVersionID(r.Context(), httpmw.TemplateVersionParam(r).ID)
	httpapi.WriteListFallible(rw, r, presets, err, convert.Preset)
}

// externalAuthProvider is one entry of template_versions.external_auth_providers.
// The import stores either objects or, in the simplest form, bare IDs.
type externalAuthProvider struct {
	ID       string `json:"id"`
	Optional bool   `json:"optional"`
}

func (p *externalAuthProvider) UnmarshalJSON(b []byte) error {
	var id string
	if err := json.Unmarshal(b, &id); err == nil {
		*p = externalAuthProvider{ID: id}
		return nil
	}
	type plain externalAuthProvider
	return json.Unmarshal(b, (*plain)(p))
}

// @Summary Get external auth by template version
// @Description The external auth providers the import found the template
// @Description uses. No provider is configured on this deployment yet, so
// @Description none is authenticated.
// @ID get-external-auth-by-template-version
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param templateversion path string true "Template version ID" format(uuid)
// @Success 200 {array} codersdk.TemplateVersionExternalAuth
// @Failure 404 {object} codersdk.Response
// @Router /templateversions/{templateversion}/external-auth [get]
func (*API) templateVersionExternalAuth(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	version := httpmw.TemplateVersionParam(r)
	var providers []externalAuthProvider
	if len(version.ExternalAuthProviders) > 0 {
		if err := json.Unmarshal(version.ExternalAuthProviders, &providers); err != nil {
			httpapi.InternalServerError(rw, xerrors.Errorf("decode external auth providers: %w", err))
			return
		}
	}
	out := make([]codersdk.TemplateVersionExternalAuth, 0, len(providers))
	for _, p := range providers {
		out = append(out, codersdk.TemplateVersionExternalAuth{
			ID: p.ID, Type: p.ID, DisplayName: p.ID, Authenticated: false, Optional: p.Optional,
		})
	}
	httpapi.Write(ctx, rw, http.StatusOK, out)
}
