package coderd

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// maxOrganizationDescriptionLength bounds an organization's description.
const maxOrganizationDescriptionLength = 1024

// organizationNameProblem explains why name cannot name an organization, or
// returns "". "default" always means the default organization in paths.
func organizationNameProblem(name string) string {
	if name == codersdk.DefaultOrganization {
		return fmt.Sprintf("%q is reserved: it always refers to the default organization", name)
	}
	return httpapi.NameValid(name)
}

func organizationDescriptionProblem(description string) string {
	if len(description) > maxOrganizationDescriptionLength {
		return fmt.Sprintf("must be at most %d characters", maxOrganizationDescriptionLength)
	}
	return ""
}

func writeOrganizationNameTaken(rw http.ResponseWriter, r *http.Request, name string) {
	httpapi.Write(r.Context(), rw, http.StatusConflict, codersdk.Response{
		Message:     fmt.Sprintf("Organization already exists with the name %q.", name),
		Validations: []codersdk.ValidationError{{Field: "name", Detail: "This value is already in use and should be unique."}},
	})
}

// @Summary Get organizations
// @ID get-organizations
// @Security CoderSessionToken
// @Produce json
// @Tags Organizations
// @Success 200 {array} codersdk.Organization
// @Router /organizations [get]
func (api *API) organizations(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	orgs, err := api.Database.GetOrganizations(ctx, database.GetOrganizationsParams{})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, convert.Organizations(orgs))
}

// @Summary Create organization
// @ID create-organization
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Organizations
// @Param request body codersdk.CreateOrganizationRequest true "Create organization request"
// @Success 201 {object} codersdk.Organization
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Router /organizations [post]
func (api *API) postOrganization(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	var req codersdk.CreateOrganizationRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	if req.DisplayName == "" {
		req.DisplayName = req.Name
	}
	var v httpapi.Validations
	v.Check("name", organizationNameProblem(req.Name))
	v.Check("display_name", httpapi.DisplayNameValid(req.DisplayName))
	v.Check("description", organizationDescriptionProblem(req.Description))
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid organization.", Validations: v})
		return
	}
	audit.SetResource(ctx, audit.Resource{Target: req.Name})

	var org database.Organization
	err := api.Database.InTx(ctx, func(tx database.Store) error {
		now := dbtime.Now()
		var err error
		org, err = tx.InsertOrganization(ctx, database.InsertOrganizationParams{
			ID: uuid.New(), Name: req.Name, DisplayName: req.DisplayName, Description: req.Description,
			Icon: req.Icon, CreatedAt: now, UpdatedAt: now,
		})
		if err != nil {
			return err
		}
		if _, err := tx.InsertGroup(ctx, everyoneGroup(org.ID)); err != nil {
			return err
		}
		// The creator administers what it created.
		_, err = tx.InsertOrganizationMember(ctx, database.InsertOrganizationMemberParams{
			OrganizationID: org.ID, UserID: auth.Key.UserID, CreatedAt: now, UpdatedAt: now,
			Roles: []string{rbac.RoleOrgAdmin()},
		})
		return err
	}, nil)
	switch {
	case database.IsUniqueViolation(err, "organizations_name_lower_idx"):
		writeOrganizationNameTaken(rw, r, req.Name)
		return
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to create organizations."})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Created(ctx, org)
	httpapi.Write(ctx, rw, http.StatusCreated, convert.Organization(org))
}

// @Summary Get organization by ID
// @ID get-organization-by-id
// @Security CoderSessionToken
// @Produce json
// @Tags Organizations
// @Param organization path string true "Organization ID or name"
// @Success 200 {object} codersdk.Organization
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization} [get]
func (*API) organization(rw http.ResponseWriter, r *http.Request) {
	httpapi.Write(r.Context(), rw, http.StatusOK, convert.Organization(httpmw.OrganizationParam(r)))
}

// @Summary Update organization
// @ID update-organization
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Organizations
// @Param organization path string true "Organization ID or name"
// @Param request body codersdk.UpdateOrganizationRequest true "Patch organization request"
// @Success 200 {object} codersdk.Organization
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Router /organizations/{organization} [patch]
func (api *API) patchOrganization(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org := httpmw.OrganizationParam(r)
	var req codersdk.UpdateOrganizationRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	var v httpapi.Validations
	if req.Name != "" {
		v.Check("name", organizationNameProblem(req.Name))
	}
	if req.DisplayName != "" {
		v.Check("display_name", httpapi.DisplayNameValid(req.DisplayName))
	}
	if req.Description != nil {
		v.Check("description", organizationDescriptionProblem(*req.Description))
	}
	if req.DefaultOrgMemberRoles != nil && len(*req.DefaultOrgMemberRoles) > 0 {
		v.Check("default_org_member_roles", "default member roles are not supported; assign roles to members instead")
	}
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid organization update.", Validations: v})
		return
	}

	var updated database.Organization
	err := api.Database.InTx(ctx, func(tx database.Store) error {
		// Re-read inside the transaction so that fields this request leaves
		// alone keep their latest value.
		cur, err := tx.GetOrganizationByID(ctx, org.ID)
		if err != nil {
			return err
		}
		p := database.UpdateOrganizationParams{
			ID: cur.ID, Name: cur.Name, DisplayName: cur.DisplayName, Description: cur.Description,
			Icon: cur.Icon, UpdatedAt: dbtime.Now(),
		}
		if req.Name != "" {
			p.Name = req.Name
		}
		if req.DisplayName != "" {
			p.DisplayName = req.DisplayName
		}
		if req.Description != nil {
			p.Description = *req.Description
		}
		if req.Icon != nil {
			p.Icon = *req.Icon
		}
		updated, err = tx.UpdateOrganization(ctx, p)
		return err
	}, &database.TxOptions{Isolation: "repeatable read"})
	switch {
	case database.IsUniqueViolation(err, "organizations_name_lower_idx"):
		writeOrganizationNameTaken(rw, r, req.Name)
		return
	case errors.Is(err, database.ErrNoRows):
		// Deleted since the middleware loaded it.
		httpapi.ResourceNotFound(rw)
		return
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Forbidden(rw)
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Updated(ctx, httpmw.OrganizationParam(r), updated)
	httpapi.Write(ctx, rw, http.StatusOK, convert.Organization(updated))
}

// @Summary Delete organization
// @ID delete-organization
// @Security CoderSessionToken
// @Produce json
// @Tags Organizations
// @Param organization path string true "Organization ID or name"
// @Success 200 {object} codersdk.Response
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization} [delete]
func (api *API) deleteOrganization(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org := httpmw.OrganizationParam(r)
	if org.IsDefault {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: "Default organization cannot be deleted.",
			Detail:  "Every user joins the default organization; rename it instead.",
		})
		return
	}
	// TODO: refuse organizations that still have workspaces or templates once those tables exist.
	err := api.Database.DeleteOrganization(ctx, org.ID)
	switch {
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Forbidden(rw)
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Deleted(ctx, org)
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.Response{Message: "Organization has been deleted."})
}

// @Summary Get organizations by user
// @ID get-organizations-by-user
// @Security CoderSessionToken
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Success 200 {array} codersdk.Organization
// @Failure 404 {object} codersdk.Response
// @Router /users/{user}/organizations [get]
func (api *API) organizationsByUser(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	user := httpmw.UserParam(r)
	// Only the organizations the caller may read: an admin of one
	// organization learns nothing of the user's others.
	orgs, err := api.Database.GetOrganizationsByUserID(ctx, user.ID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, convert.Organizations(orgs))
}

// @Summary Get organization by user and organization name
// @ID get-organization-by-user-and-organization-name
// @Security CoderSessionToken
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Param organizationname path string true "Organization name"
// @Success 200 {object} codersdk.Organization
// @Failure 404 {object} codersdk.Response
// @Router /users/{user}/organizations/{organizationname} [get]
func (api *API) organizationByUserAndName(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	user := httpmw.UserParam(r)
	org := httpmw.OrganizationParam(r)
	// The organization must be one of the user's.
	_, err := api.Database.GetOrganizationMember(ctx, database.GetOrganizationMemberParams{OrganizationID: org.ID, UserID: user.ID})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, convert.Organization(org))
}
