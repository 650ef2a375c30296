package coderd

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/domain/templateversion"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/coderd/jobinput"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// @Summary Create template version dry-run
// @Description Enqueues a job that plans a start build of the version for a
// @Description workspace that is not created, to show the resources it
// @Description would have. Parameters left out take their defaults.
// @ID create-template-version-dry-run
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Templates
// @Param templateversion path string true "Template version ID" format(uuid)
// @Param request body codersdk.CreateTemplateVersionDryRunRequest true "Dry-run request"
// @Success 201 {object} codersdk.ProvisionerJob
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templateversions/{templateversion}/dry-run [post]
func (api *API) postTemplateVersionDryRun(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	version := httpmw.TemplateVersionParam(r)
	var req codersdk.CreateTemplateVersionDryRunRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	job, err := api.templateVersions().DryRun(ctx, templateversion.DryRunRequest{
		Version: version, Initiator: auth.Key.UserID, Actor: auth.Actor, DryRun: req,
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	api.writeDryRunJob(rw, r, http.StatusCreated, version, job)
}

// writeDryRunJob answers with the job as the API shows it, with its queue
// position and its daemon's name.
func (api *API) writeDryRunJob(rw http.ResponseWriter, r *http.Request, status int, version database.TemplateVersion, job database.ProvisionerJob) {
	ctx := r.Context()
	extra := convert.JobExtras{Version: &version}
	jobs, err := api.loadJobs(ctx, []uuid.UUID{job.ID})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	if row, ok := jobs[job.ID]; ok {
		job = row.ProvisionerJob
		extra.QueuePosition, extra.QueueSize = row.QueuePosition, row.QueueSize
	}
	if job.WorkerID.Valid {
		names, err := api.loadDaemonNames(ctx, job.OrganizationID)
		if err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
		extra.WorkerName = names[job.WorkerID.UUID]
	}
	httpapi.Write(ctx, rw, status, convert.ProvisionerJob(job, extra))
}

// extractDryRunJob loads {jobID}, a dry run of the version in the path
// that the caller may see; any other job is a 404 like a missing one.
func (api *API) extractDryRunJob() func(http.Handler) http.Handler {
	return httpmw.ExtractParam("jobID", "dry-run job", func(ctx context.Context, r *http.Request, param string) (database.ProvisionerJob, error) {
		jobID, err := httpmw.ParseUUIDParam("jobID", "a dry-run job", param)
		if err != nil {
			return database.ProvisionerJob{}, err
		}
		version := httpmw.TemplateVersionParam(r)
		job, err := api.Database.GetProvisionerJobByID(ctx, jobID)
		if err != nil {
			return database.ProvisionerJob{}, err
		}
		if job.Type != database.ProvisionerJobTypeTemplateVersionDryRun {
			return database.ProvisionerJob{}, database.ErrNoRows
		}
		var input jobinput.TemplateVersionDryRun
		if err := json.Unmarshal(job.Input, &input); err != nil {
			return database.ProvisionerJob{}, xerrors.Errorf("input of dry-run job %s: %w", job.ID, err)
		}
		if input.TemplateVersionID != version.ID {
			return database.ProvisionerJob{}, database.ErrNoRows
		}
		// Anyone who reads the version could read the job; but a dry run is a
		// plan of someone's workspace, with their parameter values, so it is
		// theirs (and their workspace admins') as the workspace would be.
		auth := httpmw.APIKeyAuthorization(r)
		if auth.Actor.Authorize(rbac.ActionRead, rbac.ResourceWorkspace.InOrg(version.OrganizationID).WithOwner(job.InitiatorID)) != nil {
			return database.ProvisionerJob{}, database.ErrNoRows
		}
		return job, nil
	})
}

// dryRunJob returns the version and the dry-run job extractDryRunJob loaded.
func dryRunJob(r *http.Request) (database.TemplateVersion, database.ProvisionerJob) {
	return httpmw.TemplateVersionParam(r), httpmw.Param[database.ProvisionerJob](r, "extractDryRunJob")
}

// @Summary Get template version dry-run by job ID
// @ID get-template-version-dry-run-by-job-id
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param templateversion path string true "Template version ID" format(uuid)
// @Param jobID path string true "Dry-run job ID" format(uuid)
// @Success 200 {object} codersdk.ProvisionerJob
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templateversions/{templateversion}/dry-run/{jobID} [get]
func (api *API) templateVersionDryRun(rw http.ResponseWriter, r *http.Request) {
	version, job := dryRunJob(r)
	api.writeDryRunJob(rw, r, http.StatusOK, version, job)
}

// @Summary Get template version dry-run logs by job ID
// @Description With follow, the request must be a websocket upgrade: each
// @Description log is sent as a JSON text message as it is stored, and the
// @Description server closes the socket normally once the dry run completes.
// @ID get-template-version-dry-run-logs-by-job-id
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param templateversion path string true "Template version ID" format(uuid)
// @Param jobID path string true "Dry-run job ID" format(uuid)
// @Param after query int false "Only logs with an ID greater than this"
// @Param follow query bool false "Stream logs over a websocket until the dry run completes"
// @Success 200 {array} codersdk.ProvisionerJobLog
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templateversions/{templateversion}/dry-run/{jobID}/logs [get]
func (api *API) templateVersionDryRunLogs(rw http.ResponseWriter, r *http.Request) {
	_, job := dryRunJob(r)
	api.provisionerJobLogs(rw, r, job)
}

// @Summary Get template version dry-run resources by job ID
// @Description The resources the dry run planned; empty until it completes.
// @ID get-template-version-dry-run-resources-by-job-id
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param templateversion path string true "Template version ID" format(uuid)
// @Param jobID path string true "Dry-run job ID" format(uuid)
// @Success 200 {array} codersdk.WorkspaceResource
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templateversions/{templateversion}/dry-run/{jobID}/resources [get]
func (api *API) templateVersionDryRunResources(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	_, job := dryRunJob(r)
	resources, err := api.loadJobResources(ctx, job.ID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, resources)
}

// @Summary Get template version dry-run matched provisioners
// @Description Counts the organization's daemons whose provisioner and tags
// @Description fit the dry-run job.
// @ID get-template-version-dry-run-matched-provisioners
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param templateversion path string true "Template version ID" format(uuid)
// @Param jobID path string true "Dry-run job ID" format(uuid)
// @Success 200 {object} codersdk.MatchedProvisioners
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templateversions/{templateversion}/dry-run/{jobID}/matched-provisioners [get]
func (api *API) templateVersionDryRunMatchedProvisioners(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	_, job := dryRunJob(r)
	// loadMatchedProvisioners hides a refusal as nil; asked for directly, a
	// caller who may not list daemons should hear so, not that none fit.
	if auth.Actor.Authorize(rbac.ActionRead, rbac.ResourceProvisionerDaemon.InOrg(job.OrganizationID)) != nil {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to list this organization's provisioner daemons."})
		return
	}
	matched, err := api.loadMatchedProvisioners(ctx, job)
	if err == nil && matched == nil {
		err = xerrors.New("could not list the organization's provisioner daemons")
	}
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, matched)
}

// @Summary Cancel template version dry-run by job ID
// @Description A pending dry run is canceled at once; a running one is
// @Description marked canceling and its daemon stops it.
// @ID cancel-template-version-dry-run-by-job-id
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param templateversion path string true "Template version ID" format(uuid)
// @Param jobID path string true "Dry-run job ID" format(uuid)
// @Success 200 {object} codersdk.Response
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templateversions/{templateversion}/dry-run/{jobID}/cancel [patch]
func (api *API) patchTemplateVersionDryRunCancel(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	version, job := dryRunJob(r)
	// Canceling a job is updating what it works on, as for the import
	// (dbauthz holds the same rule).
	obj, err := api.templateVersionObject(ctx, version)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	if auth.Actor.Authorize(rbac.ActionUpdate, obj) != nil {
		httpapi.Forbidden(rw)
		return
	}
	api.cancelJob(rw, r, job, "job")
}
