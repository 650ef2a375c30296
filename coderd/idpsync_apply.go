package coderd

import (
	"context"
	"encoding/json"
	"errors"
	"slices"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/idpsync"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// The kinds of idpsync_settings rows.
const (
	idpSyncOrganization = "organization"
	idpSyncGroup        = "group"
	idpSyncRole         = "role"
)

func orgKey(id uuid.UUID) uuid.NullUUID { return uuid.NullUUID{UUID: id, Valid: id != uuid.Nil} }

// loadIDPSync reads stored settings into out; found is false when none are
// stored (out keeps the defaults the caller put there).
func (api *API) loadIDPSync(ctx context.Context, kind string, org uuid.UUID, out any) (bool, error) {
	raw, err := api.Database.GetIDPSyncSettings(ctx, database.GetIDPSyncSettingsParams{Kind: kind, OrganizationID: orgKey(org)})
	if errors.Is(err, database.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return false, xerrors.Errorf("decode %s sync settings: %w", kind, err)
	}
	return true, nil
}

func (api *API) storeIDPSync(ctx context.Context, kind string, org uuid.UUID, settings any) error {
	raw, err := json.Marshal(settings)
	if err != nil {
		return err
	}
	return api.Database.UpsertIDPSyncSettings(ctx, database.UpsertIDPSyncSettingsParams{
		Kind: kind, OrganizationID: orgKey(org), Settings: raw, UpdatedAt: dbtime.Now(),
	})
}

// organizationSyncSettings are the stored settings, else those of the
// --oidc-organization-* flags.
func (api *API) organizationSyncSettings(ctx context.Context) (codersdk.OrganizationSyncSettings, error) {
	cfg := api.DeploymentValues.OIDC
	s := codersdk.OrganizationSyncSettings{
		Field: cfg.OrganizationField.Value(), Mapping: cfg.OrganizationMapping.Value,
		AssignDefault: cfg.OrganizationAssignDefault.Value(),
	}
	if _, err := api.loadIDPSync(ctx, idpSyncOrganization, uuid.Nil, &s); err != nil {
		return codersdk.OrganizationSyncSettings{}, err
	}
	if s.Mapping == nil {
		s.Mapping = map[string][]uuid.UUID{}
	}
	return s, nil
}

// groupSyncSettings are the organization's stored settings, else (for the
// default organization) those of the --oidc-group-* flags, else off.
func (api *API) groupSyncSettings(ctx context.Context, org database.Organization) (codersdk.GroupSyncSettings, error) {
	s := codersdk.GroupSyncSettings{}
	if org.IsDefault {
		cfg := api.DeploymentValues.OIDC
		s.Field = cfg.GroupField.Value()
		s.AutoCreateMissing = cfg.GroupAutoCreate.Value()
		s.LegacyNameMapping = cfg.GroupMapping.Value
		if re := cfg.GroupRegexFilter.Value(); re != nil && re.String() != "" && re.String() != ".*" {
			s.RegexFilter = re
		}
	}
	if _, err := api.loadIDPSync(ctx, idpSyncGroup, org.ID, &s); err != nil {
		return codersdk.GroupSyncSettings{}, err
	}
	if s.Mapping == nil {
		s.Mapping = map[string][]uuid.UUID{}
	}
	return s, nil
}

func (api *API) roleSyncSettings(ctx context.Context, orgID uuid.UUID) (codersdk.RoleSyncSettings, error) {
	s := codersdk.RoleSyncSettings{}
	if _, err := api.loadIDPSync(ctx, idpSyncRole, orgID, &s); err != nil {
		return codersdk.RoleSyncSettings{}, err
	}
	if s.Mapping == nil {
		s.Mapping = map[string][]string{}
	}
	return s, nil
}

// groupField is the claim of the default organization's groups, for the
// --oidc-allowed-groups check.
func (api *API) groupField() string { return api.DeploymentValues.OIDC.GroupField.Value() }

// syncFromClaims applies IdP sync at a sign-in: organization memberships,
// then each organization's groups and roles, then site roles. ctx carries
// the sign-in actor. GitHub sign-ins have no claims and sync nothing.
func (api *API) syncFromClaims(ctx context.Context, user database.User, claims map[string]any) error {
	if claims == nil {
		return nil
	}
	if err := api.syncOrganizations(ctx, user, claims); err != nil {
		return xerrors.Errorf("organization sync: %w", err)
	}
	orgs, err := api.Database.GetOrganizationsByUserID(ctx, user.ID)
	if err != nil {
		return err
	}
	for _, org := range orgs {
		if err := api.syncGroups(ctx, user, org, claims); err != nil {
			return xerrors.Errorf("group sync in %s: %w", org.Name, err)
		}
		if err := api.syncOrgRoles(ctx, user, org, claims); err != nil {
			return xerrors.Errorf("role sync in %s: %w", org.Name, err)
		}
	}
	if err := api.syncSiteRoles(ctx, user, claims); err != nil {
		return xerrors.Errorf("site role sync: %w", err)
	}
	return nil
}

func (api *API) syncOrganizations(ctx context.Context, user database.User, claims map[string]any) error {
	settings, err := api.organizationSyncSettings(ctx)
	if err != nil {
		return err
	}
	def, err := api.Database.GetDefaultOrganization(ctx)
	if err != nil {
		return err
	}
	want, on := idpsync.Organizations(settings, claims, def.ID)
	current, err := api.Database.GetOrganizationsByUserID(ctx, user.ID)
	if err != nil {
		return err
	}
	have := make([]uuid.UUID, 0, len(current))
	for _, o := range current {
		have = append(have, o.ID)
	}
	add, remove := idpsync.Diff(have, want)
	now := dbtime.Now()
	for _, id := range add {
		if _, err := api.Database.GetOrganizationByID(ctx, id); errors.Is(err, database.ErrNoRows) {
			continue // a mapping to an organization since deleted
		}
		if _, err := api.Database.InsertOrganizationMember(ctx, database.InsertOrganizationMemberParams{
			OrganizationID: id, UserID: user.ID, CreatedAt: now, UpdatedAt: now, Roles: []string{},
		}); err != nil && !database.IsUniqueViolation(err) {
			return err
		}
	}
	if !on {
		return nil // memberships are the administrators' business
	}
	for _, id := range remove {
		if err := api.Database.DeleteOrganizationMember(ctx, database.DeleteOrganizationMemberParams{OrganizationID: id, UserID: user.ID}); err != nil && !errors.Is(err, database.ErrNoRows) {
			return err
		}
	}
	if len(add)+len(remove) > 0 {
		audit.SetField(ctx, "organizations_synced", len(add)+len(remove))
	}
	return nil
}

func (api *API) syncGroups(ctx context.Context, user database.User, org database.Organization, claims map[string]any) error {
	settings, err := api.groupSyncSettings(ctx, org)
	if err != nil {
		return err
	}
	plan, on := idpsync.Groups(settings, claims)
	if !on {
		return nil
	}
	want := []uuid.UUID{}
	if len(plan.IDs) > 0 {
		mapped, err := api.Database.GetGroupsByIDs(ctx, plan.IDs)
		if err != nil {
			return err
		}
		for _, g := range mapped {
			if g.OrganizationID == org.ID && g.ID != org.ID {
				want = append(want, g.ID)
			}
		}
	}
	for _, name := range plan.Names {
		g, err := api.Database.GetGroupByOrgAndName(ctx, database.GetGroupByOrgAndNameParams{OrganizationID: org.ID, Name: name})
		if errors.Is(err, database.ErrNoRows) {
			if !plan.AutoCreate || groupNameProblem(name) != "" {
				continue
			}
			g, err = api.Database.InsertGroup(ctx, database.InsertGroupParams{
				ID: uuid.New(), OrganizationID: org.ID, Name: name, DisplayName: "", Source: string(codersdk.GroupSourceOIDC),
			})
			if database.IsUniqueViolation(err) {
				// Another sign-in created it at the same moment.
				g, err = api.Database.GetGroupByOrgAndName(ctx, database.GetGroupByOrgAndNameParams{OrganizationID: org.ID, Name: name})
			}
		}
		if err != nil {
			return err
		}
		if g.ID != org.ID && !slices.Contains(want, g.ID) {
			want = append(want, g.ID)
		}
	}
	current, err := api.Database.GetGroups(ctx, database.GetGroupsParams{OrganizationID: org.ID, HasMemberID: user.ID})
	if err != nil {
		return err
	}
	have := []uuid.UUID{}
	for _, g := range current {
		if g.ID != org.ID { // "Everyone" is implicit
			have = append(have, g.ID)
		}
	}
	add, remove := idpsync.Diff(have, want)
	for _, id := range add {
		if err := api.Database.InsertGroupMember(ctx, database.InsertGroupMemberParams{GroupID: id, UserID: user.ID}); err != nil {
			return err
		}
	}
	for _, id := range remove {
		if err := api.Database.DeleteGroupMember(ctx, database.DeleteGroupMemberParams{GroupID: id, UserID: user.ID}); err != nil {
			return err
		}
	}
	return nil
}

func (api *API) syncOrgRoles(ctx context.Context, user database.User, org database.Organization, claims map[string]any) error {
	settings, err := api.roleSyncSettings(ctx, org.ID)
	if err != nil {
		return err
	}
	given, on := idpsync.Roles(settings, claims)
	if !on {
		return nil
	}
	known, err := organizationRoleNames(ctx, api.Database, org.ID, given)
	if err != nil {
		return err
	}
	want := []string{}
	for _, name := range given {
		if _, ok := known[name]; ok && name != rbac.RoleOrgMember() {
			want = append(want, name)
		}
	}
	member, err := api.Database.GetOrganizationMember(ctx, database.GetOrganizationMemberParams{OrganizationID: org.ID, UserID: user.ID})
	if err != nil {
		return err
	}
	if add, remove := idpsync.Diff(member.Roles, want); len(add)+len(remove) == 0 {
		return nil
	}
	_, err = api.Database.UpdateMemberRoles(ctx, database.UpdateMemberRolesParams{
		OrganizationID: org.ID, UserID: user.ID, Roles: want, UpdatedAt: dbtime.Now(),
	})
	return err
}

func (api *API) syncSiteRoles(ctx context.Context, user database.User, claims map[string]any) error {
	cfg := api.DeploymentValues.OIDC
	given, on := idpsync.SiteRoles(cfg.UserRoleField.Value(), cfg.UserRoleMapping.Value, cfg.UserRolesDefault.Value(), claims)
	if !on {
		return nil
	}
	want := []string{}
	for _, name := range given {
		if name == rbac.RoleMember().Name {
			continue
		}
		if _, err := rbac.BuiltinRole(rbac.RoleIdentifier{Name: name}); err == nil {
			want = append(want, name)
		}
	}
	if add, remove := idpsync.Diff(user.RbacRoles, want); len(add)+len(remove) == 0 {
		return nil
	}
	_, err := api.Database.UpdateUserRoles(ctx, database.UpdateUserRolesParams{ID: user.ID, RbacRoles: want, UpdatedAt: dbtime.Now()})
	return err
}
