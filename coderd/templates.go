package coderd

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/domain/templates"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/coderd/searchquery"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/examples"
	"github.com/devplane/devplane/rbac"
)

// Template ACL roles as stored in the ACL columns.
var (
	templateUseActions   = templates.UseActions
	templateAdminActions = []rbac.Action{rbac.WildcardSymbol}
)

func templateRoleActions(role codersdk.TemplateRole) []rbac.Action {
	if role == codersdk.TemplateRoleAdmin {
		return templateAdminActions
	}
	return templateUseActions
}

// templateRoleOf reads a role back from stored actions.
func templateRoleOf(actions []rbac.Action) codersdk.TemplateRole {
	if slices.Contains(actions, rbac.WildcardSymbol) {
		return codersdk.TemplateRoleAdmin
	}
	return codersdk.TemplateRoleUse
}

// @Summary Create template by organization
// @Description The version must have been imported successfully and not be
// @Description attached to a template yet; it becomes the active version.
// @Description The Everyone group may use the template unless
// @Description disable_everyone_group_access is set.
// @ID create-template-by-organization
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Templates
// @Param organization path string true "Organization ID or name"
// @Param request body codersdk.CreateTemplateRequest true "Request body"
// @Success 201 {object} codersdk.Template
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Router /organizations/{organization}/templates [post]
func (api *API) postTemplateByOrganization(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	var req codersdk.CreateTemplateRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	audit.SetResource(ctx, audit.Resource{Target: req.Name, Icon: req.Icon})
	id, err := api.templateService().Create(ctx, templates.CreateRequest{
		Organization: httpmw.OrganizationParam(r).ID, Initiator: auth.Key.UserID, Actor: auth.Actor, Template: req,
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	created, err := api.Database.GetTemplateByID(ctx, id)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Created(ctx, created)
	httpapi.Write(ctx, rw, http.StatusCreated, convert.Template(created))
}

// templatesQuery turns q= into query parameters, resolving the organization
// and author. ok is false when the answer has been written.
func (api *API) templatesQuery(rw http.ResponseWriter, r *http.Request, orgID uuid.UUID) (database.GetAuthorizedTemplatesParams, bool) {
	ctx := r.Context()
	filter, errs := searchquery.Templates(r.URL.Query().Get("q"))
	var v httpapi.Validations
	for _, e := range errs {
		v.Check(e.Field, e.Detail)
	}
	p := database.GetAuthorizedTemplatesParams{
		OrganizationID: orgID, ExactName: filter.ExactName, FuzzyName: filter.FuzzyName,
	}
	if filter.Deprecated != nil {
		p.Deprecated = filter.Deprecated
	}
	if filter.Organization != "" {
		var (
			org database.Organization
			err error
		)
		if id, perr := uuid.Parse(filter.Organization); perr == nil {
			org, err = api.Database.GetOrganizationByID(ctx, id)
		} else {
			org, err = api.Database.GetOrganizationByName(ctx, filter.Organization)
		}
		switch {
		case httpapi.IsUnauthorizedOrNotFound(err):
			v.Check("organization", fmt.Sprintf("no organization %q exists that you may read", filter.Organization))
		case err != nil:
			httpapi.WriteError(ctx, rw, err)
			return p, false
		case orgID != uuid.Nil && org.ID != orgID:
			v.Check("organization", "does not match the organization in the path")
		default:
			p.OrganizationID = org.ID
		}
	}
	if filter.Author != "" {
		var (
			u   database.User
			err error
		)
		switch id, perr := uuid.Parse(filter.Author); {
		case filter.Author == codersdk.Me:
			u, err = api.Database.GetUserByID(ctx, httpmw.APIKeyAuthorization(r).Key.UserID)
		case perr == nil:
			u, err = api.Database.GetUserByID(ctx, id)
		default:
			u, err = api.Database.GetUserByEmailOrUsername(ctx, database.GetUserByEmailOrUsernameParams{Username: filter.Author})
		}
		switch {
		case httpapi.IsUnauthorizedOrNotFound(err):
			v.Check("author", fmt.Sprintf("no user %q exists that you may read", filter.Author))
		case err != nil:
			httpapi.WriteError(ctx, rw, err)
			return p, false
		default:
			p.AuthorID = u.ID
		}
	}
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid templates query.", Validations: v})
		return p, false
	}
	return p, true
}

// @Summary Get templates by organization
// @Description Templates of the organization the caller may see: all of
// @Description them for template admins, otherwise those whose ACL names
// @Description the caller or one of its groups. q= filters as in GET /templates.
// @ID get-templates-by-organization
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param organization path string true "Organization ID or name"
// @Param q query string false "Search query: name:, exact_name:, author:, deprecated:, free text"
// @Success 200 {array} codersdk.Template
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/templates [get]
func (api *API) templatesByOrganization(rw http.ResponseWriter, r *http.Request) {
	org := httpmw.OrganizationParam(r)
	p, ok := api.templatesQuery(rw, r, org.ID)
	if !ok {
		return
	}
	rows, err := api.Database.GetAuthorizedTemplates(r.Context(), p)
	httpapi.WriteList(rw, r, rows, err, convert.Template)
}

// @Summary Get all templates
// @Description Every template the caller may see, across organizations.
// @ID get-all-templates
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param q query string false "Search query: name:, exact_name:, organization:, author:, deprecated:, free text"
// @Success 200 {array} codersdk.Template
// @Failure 400 {object} codersdk.Response
// @Router /templates [get]
func (api *API) fetchTemplates(rw http.ResponseWriter, r *http.Request) {
	p, ok := api.templatesQuery(rw, r, uuid.Nil)
	if !ok {
		return
	}
	rows, err := api.Database.GetAuthorizedTemplates(r.Context(), p)
	httpapi.WriteList(rw, r, rows, err, convert.Template)
}

// @Summary Get templates by organization and template name
// @ID get-templates-by-organization-and-template-name
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param organization path string true "Organization ID or name"
// @Param templatename path string true "Template name"
// @Success 200 {object} codersdk.Template
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/templates/{templatename} [get]
func (*API) templateByOrganizationAndName(rw http.ResponseWriter, r *http.Request) {
	httpapi.Write(r.Context(), rw, http.StatusOK, convert.Template(httpmw.TemplateParam(r)))
}

// @Summary Get template version by organization, template, and name
// @ID get-template-version-by-organization-template-and-name
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param organization path string true "Organization ID or name"
// @Param templatename path string true "Template name"
// @Param templateversionname path string true "Template version name"
// @Success 200 {object} codersdk.TemplateVersion
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/templates/{templatename}/versions/{templateversionname} [get]
func (api *API) templateVersionByOrganizationTemplateAndName(rw http.ResponseWriter, r *http.Request) {
	api.writeTemplateVersion(rw, r, http.StatusOK, httpmw.TemplateVersionParam(r))
}

// @Summary Get previous template version by organization, template, and name
// @Description The version of the same template created just before the named one.
// @ID get-previous-template-version-by-organization-template-and-name
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param organization path string true "Organization ID or name"
// @Param templatename path string true "Template name"
// @Param templateversionname path string true "Template version name"
// @Success 200 {object} codersdk.TemplateVersion
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/templates/{templatename}/versions/{templateversionname}/previous [get]
func (api *API) previousTemplateVersionByOrganizationTemplateAndName(rw http.ResponseWriter, r *http.Request) {
	v := httpmw.TemplateVersionParam(r)
	prev, err := api.Database.GetPreviousTemplateVersion(r.Context(), v.ID)
	if httpapi.IsUnauthorizedOrNotFound(err) {
		httpapi.Write(r.Context(), rw, http.StatusNotFound, codersdk.Response{
			Message: fmt.Sprintf("Template version %q is the template's first version.", v.Name),
		})
		return
	}
	if err != nil {
		httpapi.WriteError(r.Context(), rw, err)
		return
	}
	api.writeTemplateVersion(rw, r, http.StatusOK, prev)
}

// @Summary Get template settings by ID
// @ID get-template-settings-by-id
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param template path string true "Template ID" format(uuid)
// @Success 200 {object} codersdk.Template
// @Failure 404 {object} codersdk.Response
// @Router /templates/{template} [get]
func (api *API) template(rw http.ResponseWriter, r *http.Request) {
	httpapi.Write(r.Context(), rw, http.StatusOK, convert.Template(httpmw.TemplateParam(r)))
}

// @Summary Update template settings by ID
// @Description As in Coder's API, the body is the template's settings:
// @Description booleans and durations take the body's value (absent means
// @Description false or 0), while name (empty), display_name, description,
// @Description icon, deprecation_message, autostop_requirement,
// @Description autostart_requirement, max_port_share_level, cors_behavior and
// @Description use_classic_parameter_flow (null or absent) keep theirs.
// @Description Answers 304 when nothing changes.
// @ID update-template-settings-by-id
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Templates
// @Param template path string true "Template ID" format(uuid)
// @Param request body codersdk.UpdateTemplateMeta true "Patch template settings request"
// @Success 200 {object} codersdk.Template
// @Success 304
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Router /templates/{template} [patch]
func (api *API) patchTemplateMeta(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t := httpmw.TemplateParam(r)
	var req codersdk.UpdateTemplateMeta
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	changed, err := api.templateService().Update(ctx, templates.UpdateRequest{
		Template: t, Actor: httpmw.APIKeyAuthorization(r).Actor, Meta: req,
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	if !changed {
		rw.WriteHeader(http.StatusNotModified)
		return
	}
	updated, err := api.Database.GetTemplateByID(ctx, t.ID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Updated(ctx, t, updated)
	httpapi.Write(ctx, rw, http.StatusOK, convert.Template(updated))
}

// @Summary Delete template by ID
// @Description Refused while workspaces built from the template exist.
// @ID delete-template-by-id
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param template path string true "Template ID" format(uuid)
// @Success 200 {object} codersdk.Response
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templates/{template} [delete]
func (api *API) deleteTemplate(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t := httpmw.TemplateParam(r)
	count, err := api.Database.GetWorkspaceCountByTemplateID(ctx, t.ID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	if count > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: fmt.Sprintf("All workspaces must be deleted before a template can be removed (%d remain).", count),
		})
		return
	}
	err = api.Database.UpdateTemplateDeletedByID(ctx, database.UpdateTemplateDeletedByIDParams{ID: t.ID, UpdatedAt: dbtime.Now()})
	switch {
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to delete this template."})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Deleted(ctx, t)
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.Response{Message: "Template has been deleted!"})
}

// @Summary List template versions by template ID
// @Description Oldest first. Archived versions are left out unless include_archived is set.
// @ID list-template-versions-by-template-id
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param template path string true "Template ID" format(uuid)
// @Param after_id query string false "After ID" format(uuid)
// @Param include_archived query bool false "Include archived versions in the list"
// @Param limit query int false "Page limit"
// @Param offset query int false "Page offset"
// @Success 200 {array} codersdk.TemplateVersion
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templates/{template}/versions [get]
func (api *API) templateVersionsByTemplate(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t := httpmw.TemplateParam(r)
	page, errs := httpapi.ParsePagination(r)
	includeArchived := false
	if s := r.URL.Query().Get("include_archived"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			errs = append(errs, codersdk.ValidationError{Field: "include_archived", Detail: "must be true or false"})
		}
		includeArchived = b
	}
	if page.AfterID != uuid.Nil && len(errs) == 0 {
		after, err := api.Database.GetTemplateVersionByID(ctx, page.AfterID)
		if httpapi.IsUnauthorizedOrNotFound(err) || (err == nil && after.TemplateID.UUID != t.ID) {
			errs = append(errs, codersdk.ValidationError{Field: "after_id", Detail: "must be a version of this template"})
		} else if err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
	}
	if len(errs) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid query.", Validations: errs})
		return
	}
	versions, err := api.Database.GetTemplateVersionsByTemplateID(ctx, database.GetTemplateVersionsByTemplateIDParams{
		TemplateID: t.ID, IncludeArchived: includeArchived, AfterID: page.AfterID, OffsetOpt: page.Offset, LimitOpt: page.Limit,
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	out, err := api.templateVersionsResponse(ctx, versions)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, out)
}

// templateVersionsResponse converts versions with their jobs, loading the
// jobs and creators in one query each.
func (api *API) templateVersionsResponse(ctx context.Context, versions []database.TemplateVersion) ([]codersdk.TemplateVersion, error) {
	jobIDs := make([]uuid.UUID, 0, len(versions))
	for _, v := range versions {
		jobIDs = append(jobIDs, v.JobID)
	}
	jobs, err := api.loadJobs(ctx, jobIDs)
	if err != nil {
		return nil, err
	}
	creators := map[uuid.UUID]codersdk.MinimalUser{}
	out := make([]codersdk.TemplateVersion, 0, len(versions))
	for _, v := range versions {
		row, ok := jobs[v.JobID]
		if !ok {
			continue
		}
		creator, ok := creators[v.CreatedBy]
		if !ok {
			creator, err = api.minimalUser(ctx, v.CreatedBy)
			if err != nil {
				return nil, err
			}
			creators[v.CreatedBy] = creator
		}
		job := convert.ProvisionerJob(row.ProvisionerJob, convert.JobExtras{QueuePosition: row.QueuePosition, QueueSize: row.QueueSize, Version: &v})
		out = append(out, convert.TemplateVersion(v, job, creator, nil))
	}
	return out, nil
}

// @Summary Get template version by template ID and name
// @ID get-template-version-by-template-id-and-name
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param template path string true "Template ID" format(uuid)
// @Param templateversionname path string true "Template version name"
// @Success 200 {object} codersdk.TemplateVersion
// @Failure 404 {object} codersdk.Response
// @Router /templates/{template}/versions/{templateversionname} [get]
func (api *API) templateVersionByName(rw http.ResponseWriter, r *http.Request) {
	api.writeTemplateVersion(rw, r, http.StatusOK, httpmw.TemplateVersionParam(r))
}

// @Summary Update active template version by template ID
// @Description Promotes one of the template's successfully imported,
// @Description unarchived versions; new workspaces build with it.
// @ID update-active-template-version-by-template-id
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Templates
// @Param template path string true "Template ID" format(uuid)
// @Param request body codersdk.UpdateActiveTemplateVersion true "Modified template version"
// @Success 200 {object} codersdk.Response
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templates/{template}/versions [patch]
func (api *API) patchActiveTemplateVersion(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	t := httpmw.TemplateParam(r)
	var req codersdk.UpdateActiveTemplateVersion
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	// dbauthz checks this on the update too; checked first so that who may
	// not change the template learns nothing about its versions.
	if auth.Actor.Authorize(rbac.ActionUpdate, t.RBACObject()) != nil {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to change this template."})
		return
	}
	invalid := func(detail string) {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: "Invalid template version.", Validations: []codersdk.ValidationError{{Field: "id", Detail: detail}},
		})
	}
	if req.ID == uuid.Nil {
		invalid("is required")
		return
	}
	version, err := api.Database.GetTemplateVersionByID(ctx, req.ID)
	switch {
	case httpapi.IsUnauthorizedOrNotFound(err):
		invalid("no template version with this ID exists")
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	case version.TemplateID.UUID != t.ID:
		invalid("the version does not belong to this template")
		return
	case version.Archived:
		invalid("the version is archived; unarchive it first")
		return
	}
	job, ok := api.templateVersionJob(rw, r, version)
	if !ok {
		return
	}
	if status := convert.ProvisionerJobStatus(job); status != codersdk.ProvisionerJobSucceeded {
		invalid(fmt.Sprintf("the version's import is %s; only a successfully imported version can be active", status))
		return
	}
	err = api.Database.UpdateTemplateActiveVersionByID(ctx, database.UpdateTemplateActiveVersionByIDParams{
		ID: t.ID, ActiveVersionID: version.ID, UpdatedAt: dbtime.Now(),
	})
	switch {
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to change this template."})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.SetDiff(ctx, map[string]any{"active_version_id": t.ActiveVersionID}, map[string]any{"active_version_id": version.ID})
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.Response{Message: "Updated the active template version!"})
}

// @Summary Archive template unused versions by template id
// @Description Archives the template's versions that are not active: by
// @Description default those whose import failed or was canceled; with all,
// @Description every finished one.
// @ID archive-template-unused-versions-by-template-id
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Templates
// @Param template path string true "Template ID" format(uuid)
// @Param request body codersdk.ArchiveTemplateVersionsRequest true "Archive request"
// @Success 200 {object} codersdk.ArchiveTemplateVersionsResponse
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templates/{template}/versions/archive [post]
func (api *API) postArchiveTemplateVersions(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t := httpmw.TemplateParam(r)
	var req codersdk.ArchiveTemplateVersionsRequest
	if r.ContentLength != 0 && !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	ids, err := api.Database.ArchiveUnusedTemplateVersions(ctx, database.ArchiveUnusedTemplateVersionsParams{
		TemplateID: t.ID, OnlyFailed: !req.All, UpdatedAt: dbtime.Now(),
	})
	switch {
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to change this template."})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	if ids == nil {
		ids = []uuid.UUID{}
	}
	audit.SetField(ctx, "archived_version_ids", ids)
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.ArchiveTemplateVersionsResponse{TemplateID: t.ID, ArchivedIDs: ids})
}

// @Summary Get template DAUs by ID
// @Description Distinct users of the template's workspaces per day over the
// @Description last 60 days; days are counted in the time zone tz_offset
// @Description hours from UTC.
// @ID get-template-daus-by-id
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param template path string true "Template ID" format(uuid)
// @Param tz_offset query int false "Time zone offset in hours from UTC (-12 to 14)"
// @Success 200 {object} codersdk.DAUsResponse
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /templates/{template}/daus [get]
func (api *API) templateDAUs(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	t := httpmw.TemplateParam(r)
	offset := 0
	if s := r.URL.Query().Get("tz_offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < -12 || n > 14 {
			httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
				Message:     "Invalid time zone offset.",
				Validations: []codersdk.ValidationError{{Field: "tz_offset", Detail: "must be a whole number of hours between -12 and 14"}},
			})
			return
		}
		offset = n
	}
	rows, err := api.Database.GetTemplateDailyUsers(ctx, database.GetTemplateDailyUsersParams{
		TemplateID: t.ID, TzHourOffset: int32(offset), Since: dbtime.Now().AddDate(0, 0, -60),
	})
	switch {
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to view this template's insights."})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	out := codersdk.DAUsResponse{Entries: make([]codersdk.DAUEntry, 0, len(rows)), TZHourOffset: offset}
	for _, row := range rows {
		out.Entries = append(out.Entries, codersdk.DAUEntry{Date: row.Date.Format(time.DateOnly), Amount: int(row.Amount)})
	}
	httpapi.Write(ctx, rw, http.StatusOK, out)
}

// @Summary Get template examples
// @Description The starter templates built into the server. Create a
// @Description version from one with example_id.
// @ID get-template-examples
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Success 200 {array} codersdk.TemplateExample
// @Router /templates/examples [get]
func (*API) templateExamples(rw http.ResponseWriter, r *http.Request) {
	writeExamples(rw, r)
}

// @Summary Get template examples by organization
// @ID get-template-examples-by-organization
// @Security CoderSessionToken
// @Produce json
// @Tags Templates
// @Param organization path string true "Organization ID or name"
// @Success 200 {array} codersdk.TemplateExample
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/templates/examples [get]
func (*API) templateExamplesByOrganization(rw http.ResponseWriter, r *http.Request) {
	writeExamples(rw, r)
}

func writeExamples(rw http.ResponseWriter, r *http.Request) {
	list, err := examples.List()
	if err != nil {
		httpapi.WriteError(r.Context(), rw, err)
		return
	}
	httpapi.Write(r.Context(), rw, http.StatusOK, list)
}

// exampleFile stores an example's archive as a file of the caller (or
// finds the copy stored before), for a version created from example_id.
func (api *API) exampleFile(ctx context.Context, exampleID string, userID uuid.UUID) (uuid.UUID, error) {
	data, err := examples.Archive(exampleID)
	if err != nil {
		return uuid.Nil, err
	}
	id, _, err := api.storeFile(ctx, userID, codersdk.ContentTypeTar, data)
	return id, err
}
