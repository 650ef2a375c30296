package codersdk

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"

	"github.com/google/uuid"
)

// IdP sync: which organizations, groups and organization roles a user gets
// from the claims of each OIDC sign-in. Types and JSON names are upstream's
// (including the untagged Given/Gets and Add/Remove of the mapping patches).

// IDPSyncMapping maps one claim value to one resource.
type IDPSyncMapping[ResourceIdType uuid.UUID | string] struct {
	// Given is the claim value the user has.
	Given string
	// Gets is the resource the user is given for it.
	Gets ResourceIdType
}

// GroupSyncSettings are one organization's group sync settings.
type GroupSyncSettings struct {
	// Field is the claim listing the user's groups; empty turns group sync
	// off.
	Field string `json:"field"`
	// Mapping maps claim values to group IDs.
	Mapping map[string][]uuid.UUID `json:"mapping"`
	// RegexFilter keeps only the claim values it matches; nil keeps all.
	RegexFilter *regexp.Regexp `json:"regex_filter" swaggertype:"string"`
	// AutoCreateMissing creates groups named by unmapped claim values.
	AutoCreateMissing bool `json:"auto_create_missing_groups"`
	// LegacyNameMapping renames claim values to group names (from
	// --oidc-group-mapping).
	LegacyNameMapping map[string]string `json:"legacy_group_name_mapping,omitempty"`
}

// PatchGroupIDPSyncConfigRequest changes group sync but its mapping.
type PatchGroupIDPSyncConfigRequest struct {
	Field             string         `json:"field"`
	RegexFilter       *regexp.Regexp `json:"regex_filter" swaggertype:"string"`
	AutoCreateMissing bool           `json:"auto_create_missing_groups"`
}

// PatchGroupIDPSyncMappingRequest adds and removes group mappings; a
// mapping in both is removed.
type PatchGroupIDPSyncMappingRequest struct {
	Add    []IDPSyncMapping[uuid.UUID] `json:"add"`
	Remove []IDPSyncMapping[uuid.UUID] `json:"remove"`
}

// RoleSyncSettings are one organization's role sync settings.
type RoleSyncSettings struct {
	// Field is the claim listing the user's roles; empty turns role sync
	// off.
	Field string `json:"field"`
	// Mapping maps claim values to organization role names.
	Mapping map[string][]string `json:"mapping"`
}

// PatchRoleIDPSyncConfigRequest changes the role claim.
type PatchRoleIDPSyncConfigRequest struct {
	Field string `json:"field"`
}

// PatchRoleIDPSyncMappingRequest adds and removes role mappings.
type PatchRoleIDPSyncMappingRequest struct {
	Add    []IDPSyncMapping[string] `json:"add"`
	Remove []IDPSyncMapping[string] `json:"remove"`
}

// OrganizationSyncSettings are the deployment's organization sync
// settings.
type OrganizationSyncSettings struct {
	// Field is the claim listing the user's organizations; empty turns
	// organization sync off.
	Field string `json:"field"`
	// Mapping maps claim values to organization IDs.
	Mapping map[string][]uuid.UUID `json:"mapping"`
	// AssignDefault keeps every user in the default organization.
	AssignDefault bool `json:"organization_assign_default"`
}

// PatchOrganizationIDPSyncConfigRequest changes organization sync but its
// mapping.
type PatchOrganizationIDPSyncConfigRequest struct {
	Field         string `json:"field"`
	AssignDefault bool   `json:"assign_default"`
}

// PatchOrganizationIDPSyncMappingRequest adds and removes organization
// mappings.
type PatchOrganizationIDPSyncMappingRequest struct {
	Add    []IDPSyncMapping[uuid.UUID] `json:"add"`
	Remove []IDPSyncMapping[uuid.UUID] `json:"remove"`
}

func idpSyncRequest[T any](ctx context.Context, c *Client, method, path string, body any) (T, error) {
	var out T
	res, err := c.Request(ctx, method, path, body)
	if err != nil {
		return out, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return out, ReadBodyAsError(res)
	}
	return out, json.NewDecoder(res.Body).Decode(&out)
}

// GroupIDPSyncSettings returns an organization's group sync settings.
func (c *Client) GroupIDPSyncSettings(ctx context.Context, orgID string) (GroupSyncSettings, error) {
	return idpSyncRequest[GroupSyncSettings](ctx, c, http.MethodGet, fmt.Sprintf("/api/v2/organizations/%s/settings/idpsync/groups", orgID), nil)
}

// PatchGroupIDPSyncSettings replaces an organization's group sync settings.
func (c *Client) PatchGroupIDPSyncSettings(ctx context.Context, orgID string, req GroupSyncSettings) (GroupSyncSettings, error) {
	return idpSyncRequest[GroupSyncSettings](ctx, c, http.MethodPatch, fmt.Sprintf("/api/v2/organizations/%s/settings/idpsync/groups", orgID), req)
}

// PatchGroupIDPSyncConfig changes group sync but its mapping.
func (c *Client) PatchGroupIDPSyncConfig(ctx context.Context, orgID string, req PatchGroupIDPSyncConfigRequest) (GroupSyncSettings, error) {
	return idpSyncRequest[GroupSyncSettings](ctx, c, http.MethodPatch, fmt.Sprintf("/api/v2/organizations/%s/settings/idpsync/groups/config", orgID), req)
}

// PatchGroupIDPSyncMapping adds and removes group mappings.
func (c *Client) PatchGroupIDPSyncMapping(ctx context.Context, orgID string, req PatchGroupIDPSyncMappingRequest) (GroupSyncSettings, error) {
	return idpSyncRequest[GroupSyncSettings](ctx, c, http.MethodPatch, fmt.Sprintf("/api/v2/organizations/%s/settings/idpsync/groups/mapping", orgID), req)
}

// RoleIDPSyncSettings returns an organization's role sync settings.
func (c *Client) RoleIDPSyncSettings(ctx context.Context, orgID string) (RoleSyncSettings, error) {
	return idpSyncRequest[RoleSyncSettings](ctx, c, http.MethodGet, fmt.Sprintf("/api/v2/organizations/%s/settings/idpsync/roles", orgID), nil)
}

// PatchRoleIDPSyncSettings replaces an organization's role sync settings.
func (c *Client) PatchRoleIDPSyncSettings(ctx context.Context, orgID string, req RoleSyncSettings) (RoleSyncSettings, error) {
	return idpSyncRequest[RoleSyncSettings](ctx, c, http.MethodPatch, fmt.Sprintf("/api/v2/organizations/%s/settings/idpsync/roles", orgID), req)
}

// PatchRoleIDPSyncConfig changes the role claim.
func (c *Client) PatchRoleIDPSyncConfig(ctx context.Context, orgID string, req PatchRoleIDPSyncConfigRequest) (RoleSyncSettings, error) {
	return idpSyncRequest[RoleSyncSettings](ctx, c, http.MethodPatch, fmt.Sprintf("/api/v2/organizations/%s/settings/idpsync/roles/config", orgID), req)
}

// PatchRoleIDPSyncMapping adds and removes role mappings.
func (c *Client) PatchRoleIDPSyncMapping(ctx context.Context, orgID string, req PatchRoleIDPSyncMappingRequest) (RoleSyncSettings, error) {
	return idpSyncRequest[RoleSyncSettings](ctx, c, http.MethodPatch, fmt.Sprintf("/api/v2/organizations/%s/settings/idpsync/roles/mapping", orgID), req)
}

// OrganizationIDPSyncSettings returns the organization sync settings.
func (c *Client) OrganizationIDPSyncSettings(ctx context.Context) (OrganizationSyncSettings, error) {
	return idpSyncRequest[OrganizationSyncSettings](ctx, c, http.MethodGet, "/api/v2/settings/idpsync/organization", nil)
}

// PatchOrganizationIDPSyncSettings replaces the organization sync settings.
func (c *Client) PatchOrganizationIDPSyncSettings(ctx context.Context, req OrganizationSyncSettings) (OrganizationSyncSettings, error) {
	return idpSyncRequest[OrganizationSyncSettings](ctx, c, http.MethodPatch, "/api/v2/settings/idpsync/organization", req)
}

// PatchOrganizationIDPSyncConfig changes organization sync but its mapping.
func (c *Client) PatchOrganizationIDPSyncConfig(ctx context.Context, req PatchOrganizationIDPSyncConfigRequest) (OrganizationSyncSettings, error) {
	return idpSyncRequest[OrganizationSyncSettings](ctx, c, http.MethodPatch, "/api/v2/settings/idpsync/organization/config", req)
}

// PatchOrganizationIDPSyncMapping adds and removes organization mappings.
func (c *Client) PatchOrganizationIDPSyncMapping(ctx context.Context, req PatchOrganizationIDPSyncMappingRequest) (OrganizationSyncSettings, error) {
	return idpSyncRequest[OrganizationSyncSettings](ctx, c, http.MethodPatch, "/api/v2/settings/idpsync/organization/mapping", req)
}
