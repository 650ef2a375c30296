package coderd

import (
	"context"
	"net/http"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/coderd/idpsync"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbauthz"
)

// The IdP sync settings endpoints read and write the caller's view: every
// query runs as the caller, so dbauthz decides who may (organization admins
// and user admins for their organization, owners everywhere).

// writeIDPSyncError answers a failed settings read or write.
func writeIDPSyncError(ctx context.Context, rw http.ResponseWriter, err error) {
	if dbauthz.IsNotAuthorizedError(err) {
		httpapi.Forbidden(rw)
		return
	}
	httpapi.WriteError(ctx, rw, err)
}

// @Summary Get group IdP Sync settings by organization
// @ID get-group-idp-sync-settings-by-organization
// @Security CoderSessionToken
// @Produce json
// @Tags IdP Sync
// @Param organization path string true "Organization ID" format(uuid)
// @Success 200 {object} codersdk.GroupSyncSettings
// @Router /organizations/{organization}/settings/idpsync/groups [get]
func (api *API) groupIDPSyncSettings(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s, err := api.groupSyncSettings(ctx, httpmw.OrganizationParam(r))
	if err != nil {
		writeIDPSyncError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, s)
}

// @Summary Update group IdP Sync settings by organization
// @ID update-group-idp-sync-settings-by-organization
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags IdP Sync
// @Param organization path string true "Organization ID" format(uuid)
// @Param request body codersdk.GroupSyncSettings true "New settings"
// @Success 200 {object} codersdk.GroupSyncSettings
// @Failure 400 {object} codersdk.Response
// @Router /organizations/{organization}/settings/idpsync/groups [patch]
func (api *API) patchGroupIDPSyncSettings(rw http.ResponseWriter, r *http.Request) {
	var req codersdk.GroupSyncSettings
	if !httpapi.Read(r.Context(), rw, r, &req) {
		return
	}
	api.updateGroupSync(rw, r, func(*codersdk.GroupSyncSettings) codersdk.GroupSyncSettings { return req })
}

// @Summary Update group IdP Sync config
// @ID update-group-idp-sync-config
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags IdP Sync
// @Param organization path string true "Organization ID" format(uuid)
// @Param request body codersdk.PatchGroupIDPSyncConfigRequest true "New config values"
// @Success 200 {object} codersdk.GroupSyncSettings
// @Router /organizations/{organization}/settings/idpsync/groups/config [patch]
func (api *API) patchGroupIDPSyncConfig(rw http.ResponseWriter, r *http.Request) {
	var req codersdk.PatchGroupIDPSyncConfigRequest
	if !httpapi.Read(r.Context(), rw, r, &req) {
		return
	}
	api.updateGroupSync(rw, r, func(s *codersdk.GroupSyncSettings) codersdk.GroupSyncSettings {
		next := *s
		next.Field, next.RegexFilter, next.AutoCreateMissing = req.Field, req.RegexFilter, req.AutoCreateMissing
		return next
	})
}

// @Summary Update group IdP Sync mapping
// @ID update-group-idp-sync-mapping
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags IdP Sync
// @Param organization path string true "Organization ID" format(uuid)
// @Param request body codersdk.PatchGroupIDPSyncMappingRequest true "Mappings to add and remove"
// @Success 200 {object} codersdk.GroupSyncSettings
// @Router /organizations/{organization}/settings/idpsync/groups/mapping [patch]
func (api *API) patchGroupIDPSyncMapping(rw http.ResponseWriter, r *http.Request) {
	var req codersdk.PatchGroupIDPSyncMappingRequest
	if !httpapi.Read(r.Context(), rw, r, &req) {
		return
	}
	api.updateGroupSync(rw, r, func(s *codersdk.GroupSyncSettings) codersdk.GroupSyncSettings {
		next := *s
		next.Mapping = idpsync.PatchMapping(s.Mapping, req.Add, req.Remove)
		return next
	})
}

// updateGroupSync reads, changes, checks and stores an organization's group
// sync settings, auditing the change.
func (api *API) updateGroupSync(rw http.ResponseWriter, r *http.Request, change func(*codersdk.GroupSyncSettings) codersdk.GroupSyncSettings) {
	ctx := r.Context()
	org := httpmw.OrganizationParam(r)
	old, err := api.groupSyncSettings(ctx, org)
	if err != nil {
		writeIDPSyncError(ctx, rw, err)
		return
	}
	next := change(&old)
	if next.Mapping == nil {
		next.Mapping = map[string][]uuid.UUID{}
	}
	if v := api.groupMappingProblems(ctx, org.ID, next.Mapping); len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid group sync settings.", Validations: v})
		return
	}
	if err := api.storeIDPSync(ctx, idpSyncGroup, org.ID, next); err != nil {
		writeIDPSyncError(ctx, rw, err)
		return
	}
	audit.SetResource(ctx, audit.Resource{ID: org.ID, Target: org.Name, OrganizationID: org.ID})
	audit.SetDiff(ctx, old, next)
	httpapi.Write(ctx, rw, http.StatusOK, next)
}

// groupMappingProblems names mapped groups that are not the
// organization's.
func (api *API) groupMappingProblems(ctx context.Context, orgID uuid.UUID, mapping map[string][]uuid.UUID) httpapi.Validations {
	var v httpapi.Validations
	var ids []uuid.UUID
	for _, gs := range mapping {
		ids = append(ids, gs...)
	}
	if len(ids) == 0 {
		return nil
	}
	groups, err := api.Database.GetGroupsByIDs(dbauthz.AsSSOLogin(ctx), ids)
	if err != nil {
		v.Check("mapping", "the groups could not be checked")
		return v
	}
	ours := map[uuid.UUID]bool{}
	for _, g := range groups {
		if g.OrganizationID == orgID {
			ours[g.ID] = true
		}
	}
	for given, gs := range mapping {
		for _, id := range gs {
			if !ours[id] {
				v.Check("mapping", "\""+given+"\" maps to "+id.String()+", which is no group of this organization")
			}
		}
	}
	return v
}

// @Summary Get role IdP Sync settings by organization
// @ID get-role-idp-sync-settings-by-organization
// @Security CoderSessionToken
// @Produce json
// @Tags IdP Sync
// @Param organization path string true "Organization ID" format(uuid)
// @Success 200 {object} codersdk.RoleSyncSettings
// @Router /organizations/{organization}/settings/idpsync/roles [get]
func (api *API) roleIDPSyncSettings(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s, err := api.roleSyncSettings(ctx, httpmw.OrganizationParam(r).ID)
	if err != nil {
		writeIDPSyncError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, s)
}

// @Summary Update role IdP Sync settings by organization
// @ID update-role-idp-sync-settings-by-organization
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags IdP Sync
// @Param organization path string true "Organization ID" format(uuid)
// @Param request body codersdk.RoleSyncSettings true "New settings"
// @Success 200 {object} codersdk.RoleSyncSettings
// @Router /organizations/{organization}/settings/idpsync/roles [patch]
func (api *API) patchRoleIDPSyncSettings(rw http.ResponseWriter, r *http.Request) {
	var req codersdk.RoleSyncSettings
	if !httpapi.Read(r.Context(), rw, r, &req) {
		return
	}
	api.updateRoleSync(rw, r, func(*codersdk.RoleSyncSettings) codersdk.RoleSyncSettings { return req })
}

// @Summary Update role IdP Sync config
// @ID update-role-idp-sync-config
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags IdP Sync
// @Param organization path string true "Organization ID" format(uuid)
// @Param request body codersdk.PatchRoleIDPSyncConfigRequest true "New config values"
// @Success 200 {object} codersdk.RoleSyncSettings
// @Router /organizations/{organization}/settings/idpsync/roles/config [patch]
func (api *API) patchRoleIDPSyncConfig(rw http.ResponseWriter, r *http.Request) {
	var req codersdk.PatchRoleIDPSyncConfigRequest
	if !httpapi.Read(r.Context(), rw, r, &req) {
		return
	}
	api.updateRoleSync(rw, r, func(s *codersdk.RoleSyncSettings) codersdk.RoleSyncSettings {
		next := *s
		next.Field = req.Field
		return next
	})
}

// @Summary Update role IdP Sync mapping
// @ID update-role-idp-sync-mapping
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags IdP Sync
// @Param organization path string true "Organization ID" format(uuid)
// @Param request body codersdk.PatchRoleIDPSyncMappingRequest true "Mappings to add and remove"
// @Success 200 {object} codersdk.RoleSyncSettings
// @Router /organizations/{organization}/settings/idpsync/roles/mapping [patch]
func (api *API) patchRoleIDPSyncMapping(rw http.ResponseWriter, r *http.Request) {
	var req codersdk.PatchRoleIDPSyncMappingRequest
	if !httpapi.Read(r.Context(), rw, r, &req) {
		return
	}
	api.updateRoleSync(rw, r, func(s *codersdk.RoleSyncSettings) codersdk.RoleSyncSettings {
		next := *s
		next.Mapping = idpsync.PatchMapping(s.Mapping, req.Add, req.Remove)
		return next
	})
}

func (api *API) updateRoleSync(rw http.ResponseWriter, r *http.Request, change func(*codersdk.RoleSyncSettings) codersdk.RoleSyncSettings) {
	ctx := r.Context()
	org := httpmw.OrganizationParam(r)
	old, err := api.roleSyncSettings(ctx, org.ID)
	if err != nil {
		writeIDPSyncError(ctx, rw, err)
		return
	}
	next := change(&old)
	if next.Mapping == nil {
		next.Mapping = map[string][]string{}
	}
	var roles []string
	for _, rs := range next.Mapping {
		roles = append(roles, rs...)
	}
	known, err := organizationRoleNames(ctx, api.Database, org.ID, roles)
	if err != nil {
		writeIDPSyncError(ctx, rw, err)
		return
	}
	var v httpapi.Validations
	for given, rs := range next.Mapping {
		for _, name := range rs {
			if _, ok := known[name]; !ok {
				v.Check("mapping", "\""+given+"\" maps to \""+name+"\", which is no role of this organization")
			}
		}
	}
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid role sync settings.", Validations: v})
		return
	}
	if err := api.storeIDPSync(ctx, idpSyncRole, org.ID, next); err != nil {
		writeIDPSyncError(ctx, rw, err)
		return
	}
	audit.SetResource(ctx, audit.Resource{ID: org.ID, Target: org.Name, OrganizationID: org.ID})
	audit.SetDiff(ctx, old, next)
	httpapi.Write(ctx, rw, http.StatusOK, next)
}

// @Summary Get organization IdP Sync settings
// @ID get-organization-idp-sync-settings
// @Security CoderSessionToken
// @Produce json
// @Tags IdP Sync
// @Success 200 {object} codersdk.OrganizationSyncSettings
// @Router /settings/idpsync/organization [get]
func (api *API) organizationIDPSyncSettings(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s, err := api.organizationSyncSettings(ctx)
	if err != nil {
		writeIDPSyncError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, s)
}

// @Summary Update organization IdP Sync settings
// @ID update-organization-idp-sync-settings
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags IdP Sync
// @Param request body codersdk.OrganizationSyncSettings true "New settings"
// @Success 200 {object} codersdk.OrganizationSyncSettings
// @Router /settings/idpsync/organization [patch]
func (api *API) patchOrganizationIDPSyncSettings(rw http.ResponseWriter, r *http.Request) {
	var req codersdk.OrganizationSyncSettings
	if !httpapi.Read(r.Context(), rw, r, &req) {
		return
	}
	api.updateOrganizationSync(rw, r, func(*codersdk.OrganizationSyncSettings) codersdk.OrganizationSyncSettings { return req })
}

// @Summary Update organization IdP Sync config
// @ID update-organization-idp-sync-config
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags IdP Sync
// @Param request body codersdk.PatchOrganizationIDPSyncConfigRequest true "New config values"
// @Success 200 {object} codersdk.OrganizationSyncSettings
// @Router /settings/idpsync/organization/config [patch]
func (api *API) patchOrganizationIDPSyncConfig(rw http.ResponseWriter, r *http.Request) {
	var req codersdk.PatchOrganizationIDPSyncConfigRequest
	if !httpapi.Read(r.Context(), rw, r, &req) {
		return
	}
	api.updateOrganizationSync(rw, r, func(s *codersdk.OrganizationSyncSettings) codersdk.OrganizationSyncSettings {
		next := *s
		next.Field, next.AssignDefault = req.Field, req.AssignDefault
		return next
	})
}

// @Summary Update organization IdP Sync mapping
// @ID update-organization-idp-sync-mapping
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags IdP Sync
// @Param request body codersdk.PatchOrganizationIDPSyncMappingRequest true "Mappings to add and remove"
// @Success 200 {object} codersdk.OrganizationSyncSettings
// @Router /settings/idpsync/organization/mapping [patch]
func (api *API) patchOrganizationIDPSyncMapping(rw http.ResponseWriter, r *http.Request) {
	var req codersdk.PatchOrganizationIDPSyncMappingRequest
	if !httpapi.Read(r.Context(), rw, r, &req) {
		return
	}
	api.updateOrganizationSync(rw, r, func(s *codersdk.OrganizationSyncSettings) codersdk.OrganizationSyncSettings {
		next := *s
		next.Mapping = idpsync.PatchMapping(s.Mapping, req.Add, req.Remove)
		return next
	})
}

func (api *API) updateOrganizationSync(rw http.ResponseWriter, r *http.Request, change func(*codersdk.OrganizationSyncSettings) codersdk.OrganizationSyncSettings) {
	ctx := r.Context()
	old, err := api.organizationSyncSettings(ctx)
	if err != nil {
		writeIDPSyncError(ctx, rw, err)
		return
	}
	next := change(&old)
	if next.Mapping == nil {
		next.Mapping = map[string][]uuid.UUID{}
	}
	var v httpapi.Validations
	for given, ids := range next.Mapping {
		for _, id := range ids {
			if _, err := api.Database.GetOrganizationByID(dbauthz.AsSSOLogin(ctx), id); err != nil {
				v.Check("mapping", "\""+given+"\" maps to "+id.String()+", which is no organization")
			}
		}
	}
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid organization sync settings.", Validations: v})
		return
	}
	if err := api.storeIDPSync(ctx, idpSyncOrganization, uuid.Nil, next); err != nil {
		writeIDPSyncError(ctx, rw, err)
		return
	}
	audit.SetResource(ctx, audit.Resource{Target: "organization sync"})
	audit.SetDiff(ctx, old, next)
	httpapi.Write(ctx, rw, http.StatusOK, next)
}
