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
	"github.com/devplane/devplane/database"
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

// idpSyncKind is what differs between the group, role and organization
// sync settings: where they are stored, how they are read and which mapped
// resources exist. The handlers below are the same for all three.
type idpSyncKind[S any, T uuid.UUID | string] struct {
	api *API
	// name is the idpsync_settings row kind and the word in messages.
	name string
	// orgID owns the settings; uuid.Nil for the deployment-wide
	// organization sync.
	orgID    uuid.UUID
	resource audit.Resource
	read     func(context.Context) (S, error)
	// mapping points into settings at their claim-to-resource mapping.
	mapping func(*S) *map[string][]T
	// mappingProblems names mapped resources that do not exist; its error
	// is a failed check, not a bad mapping.
	mappingProblems func(context.Context, map[string][]T) (httpapi.Validations, error)
}

// writeIDPSyncSettings answers with one kind of sync settings.
func writeIDPSyncSettings[S any, T uuid.UUID | string](rw http.ResponseWriter, r *http.Request, k idpSyncKind[S, T]) {
	ctx := r.Context()
	s, err := k.read(ctx)
	if err != nil {
		writeIDPSyncError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, s)
}

// updateIDPSync reads, changes, checks and stores one kind of sync
// settings, auditing the change, and answers with the stored settings.
func updateIDPSync[S any, T uuid.UUID | string](rw http.ResponseWriter, r *http.Request, k idpSyncKind[S, T], change func(S) S) {
	ctx := r.Context()
	old, err := k.read(ctx)
	if err != nil {
		writeIDPSyncError(ctx, rw, err)
		return
	}
	next := change(old)
	mapping := k.mapping(&next)
	if *mapping == nil {
		*mapping = map[string][]T{}
	}
	v, err := k.mappingProblems(ctx, *mapping)
	if err != nil {
		writeIDPSyncError(ctx, rw, err)
		return
	}
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid " + k.name + " sync settings.", Validations: v})
		return
	}
	if err := k.api.storeIDPSync(ctx, k.name, k.orgID, next); err != nil {
		writeIDPSyncError(ctx, rw, err)
		return
	}
	audit.SetResource(ctx, k.resource)
	audit.SetDiff(ctx, old, next)
	httpapi.Write(ctx, rw, http.StatusOK, next)
}

// patchIDPSyncMapping adds and then removes single mappings.
func patchIDPSyncMapping[S any, T uuid.UUID | string](rw http.ResponseWriter, r *http.Request, k idpSyncKind[S, T], add, remove []codersdk.IDPSyncMapping[T]) {
	updateIDPSync(rw, r, k, func(s S) S {
		mapping := k.mapping(&s)
		*mapping = idpsync.PatchMapping(*mapping, add, remove)
		return s
	})
}

func organizationAuditResource(org database.Organization) audit.Resource {
	return audit.Resource{ID: org.ID, Target: org.Name, OrganizationID: org.ID}
}

// groupSync is the group sync settings of the request's organization.
func (api *API) groupSync(r *http.Request) idpSyncKind[codersdk.GroupSyncSettings, uuid.UUID] {
	org := httpmw.OrganizationParam(r)
	return idpSyncKind[codersdk.GroupSyncSettings, uuid.UUID]{
		api: api, name: idpSyncGroup, orgID: org.ID, resource: organizationAuditResource(org),
		read: func(ctx context.Context) (codersdk.GroupSyncSettings, error) {
			return api.groupSyncSettings(ctx, org)
		},
		mapping: func(s *codersdk.GroupSyncSettings) *map[string][]uuid.UUID { return &s.Mapping },
		mappingProblems: func(ctx context.Context, mapping map[string][]uuid.UUID) (httpapi.Validations, error) {
			return api.groupMappingProblems(ctx, org.ID, mapping), nil
		},
	}
}

// roleSync is the role sync settings of the request's organization.
func (api *API) roleSync(r *http.Request) idpSyncKind[codersdk.RoleSyncSettings, string] {
	org := httpmw.OrganizationParam(r)
	return idpSyncKind[codersdk.RoleSyncSettings, string]{
		api: api, name: idpSyncRole, orgID: org.ID, resource: organizationAuditResource(org),
		read: func(ctx context.Context) (codersdk.RoleSyncSettings, error) {
			return api.roleSyncSettings(ctx, org.ID)
		},
		mapping: func(s *codersdk.RoleSyncSettings) *map[string][]string { return &s.Mapping },
		mappingProblems: func(ctx context.Context, mapping map[string][]string) (httpapi.Validations, error) {
			return api.roleMappingProblems(ctx, org.ID, mapping)
		},
	}
}

// organizationSync is the deployment's organization sync settings.
func (api *API) organizationSync() idpSyncKind[codersdk.OrganizationSyncSettings, uuid.UUID] {
	return idpSyncKind[codersdk.OrganizationSyncSettings, uuid.UUID]{
		api: api, name: idpSyncOrganization, orgID: uuid.Nil, resource: audit.Resource{Target: "organization sync"},
		read:    api.organizationSyncSettings,
		mapping: func(s *codersdk.OrganizationSyncSettings) *map[string][]uuid.UUID { return &s.Mapping },
		mappingProblems: func(ctx context.Context, mapping map[string][]uuid.UUID) (httpapi.Validations, error) {
			return api.organizationMappingProblems(ctx, mapping), nil
		},
	}
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
	writeIDPSyncSettings(rw, r, api.groupSync(r))
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
	updateIDPSync(rw, r, api.groupSync(r), func(codersdk.GroupSyncSettings) codersdk.GroupSyncSettings { return req })
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
	updateIDPSync(rw, r, api.groupSync(r), func(s codersdk.GroupSyncSettings) codersdk.GroupSyncSettings {
		s.Field, s.RegexFilter, s.AutoCreateMissing = req.Field, req.RegexFilter, req.AutoCreateMissing
		return s
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
	patchIDPSyncMapping(rw, r, api.groupSync(r), req.Add, req.Remove)
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

// roleMappingProblems names mapped roles that are not the organization's.
func (api *API) roleMappingProblems(ctx context.Context, orgID uuid.UUID, mapping map[string][]string) (httpapi.Validations, error) {
	var roles []string
	for _, rs := range mapping {
		roles = append(roles, rs...)
	}
	known, err := organizationRoleNames(ctx, api.Database, orgID, roles)
	if err != nil {
		return nil, err
	}
	var v httpapi.Validations
	for given, rs := range mapping {
		for _, name := range rs {
			if _, ok := known[name]; !ok {
				v.Check("mapping", "\""+given+"\" maps to \""+name+"\", which is no role of this organization")
			}
		}
	}
	return v, nil
}

// organizationMappingProblems names mapped organizations that do not
// exist.
func (api *API) organizationMappingProblems(ctx context.Context, mapping map[string][]uuid.UUID) httpapi.Validations {
	var v httpapi.Validations
	for given, ids := range mapping {
		for _, id := range ids {
			if _, err := api.Database.GetOrganizationByID(dbauthz.AsSSOLogin(ctx), id); err != nil {
				v.Check("mapping", "\""+given+"\" maps to "+id.String()+", which is no organization")
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
	writeIDPSyncSettings(rw, r, api.roleSync(r))
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
	updateIDPSync(rw, r, api.roleSync(r), func(codersdk.RoleSyncSettings) codersdk.RoleSyncSettings { return req })
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
	updateIDPSync(rw, r, api.roleSync(r), func(s codersdk.RoleSyncSettings) codersdk.RoleSyncSettings {
		s.Field = req.Field
		return s
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
	patchIDPSyncMapping(rw, r, api.roleSync(r), req.Add, req.Remove)
}

// @Summary Get organization IdP Sync settings
// @ID get-organization-idp-sync-settings
// @Security CoderSessionToken
// @Produce json
// @Tags IdP Sync
// @Success 200 {object} codersdk.OrganizationSyncSettings
// @Router /settings/idpsync/organization [get]
func (api *API) organizationIDPSyncSettings(rw http.ResponseWriter, r *http.Request) {
	writeIDPSyncSettings(rw, r, api.organizationSync())
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
	updateIDPSync(rw, r, api.organizationSync(), func(codersdk.OrganizationSyncSettings) codersdk.OrganizationSyncSettings { return req })
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
	updateIDPSync(rw, r, api.organizationSync(), func(s codersdk.OrganizationSyncSettings) codersdk.OrganizationSyncSettings {
		s.Field, s.AssignDefault = req.Field, req.AssignDefault
		return s
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
	patchIDPSyncMapping(rw, r, api.organizationSync(), req.Add, req.Remove)
}
