package dbauthz_test

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtestutil"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// The visibility test ties the hand-written SQL filters of the list queries
// to rbac: for random deployments and random actors, each list query must
// return exactly the rows that rbac.Authorize lets the actor read. A failure
// prints the seed; rerun with -visibility.seed=N (or VISIBILITY_SEED=N) to
// get the same deployments and actors.
var (
	visibilitySeed   = flag.Uint64("visibility.seed", 0, "seed of TestVisibilityMatchesRBAC (0: random; or env VISIBILITY_SEED)")
	visibilityRounds = flag.Int("visibility.rounds", 4, "random deployments TestVisibilityMatchesRBAC checks")
)

func TestVisibilityMatchesRBAC(t *testing.T) {
	t.Parallel()
	seed := *visibilitySeed
	if env := os.Getenv("VISIBILITY_SEED"); seed == 0 && env != "" {
		var err error
		seed, err = strconv.ParseUint(env, 10, 64)
		require.NoError(t, err, "VISIBILITY_SEED")
	}
	if seed == 0 {
		seed = rand.Uint64()
	}
	t.Logf("seed %d (rerun with -visibility.seed=%d)", seed, seed)
	for round := range *visibilityRounds {
		t.Run(fmt.Sprintf("round%d", round), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, uint64(round)))
			d := seedDeployment(t, rng)
			actors := d.actors(t, rng)
			for i, actor := range actors {
				if !d.compare(t, actor) {
					t.Errorf("seed %d round %d actor %d (%s): SQL visibility differs from rbac; rerun with -visibility.seed=%d",
						seed, round, i, describeActor(actor), seed)
				}
			}
		})
	}
}

// deployment is a random set of organizations, roles, users, groups,
// templates, workspaces and audit rows, written straight to the store.
type deployment struct {
	raw         database.Store
	authz       database.Store
	rng         *rand.Rand
	orgs        []uuid.UUID
	users       []uuid.UUID
	groups      []uuid.UUID // explicit groups and every organization's Everyone group
	customRoles map[uuid.UUID][]string
}

func (d *deployment) uuid() uuid.UUID {
	var u uuid.UUID
	binary.LittleEndian.PutUint64(u[:8], d.rng.Uint64())
	binary.LittleEndian.PutUint64(u[8:], d.rng.Uint64())
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}

func (d *deployment) chance(p float64) bool { return d.rng.Float64() < p }

// subset picks each element with probability p.
func subset[T any](d *deployment, all []T, p float64) []T {
	out := []T{}
	for _, x := range all {
		if d.chance(p) {
			out = append(out, x)
		}
	}
	return out
}

func pick[T any](d *deployment, all []T) T { return all[d.rng.IntN(len(all))] }

// The types and actions random permissions draw from: those the list
// queries filter on, their neighbors, and the wildcards.
var (
	visibilityTypes = []string{
		rbac.ResourceWorkspace.Type, rbac.ResourceWorkspaceDormant.Type, rbac.ResourceTemplate.Type,
		rbac.ResourceUser.Type, rbac.ResourceGroup.Type, rbac.ResourceOrganization.Type,
		rbac.ResourceOrganizationMember.Type, rbac.ResourceAuditLog.Type, rbac.WildcardSymbol,
	}
	visibilityActions = []rbac.Action{rbac.ActionRead, rbac.ActionUpdate, rbac.WildcardSymbol}
)

func (d *deployment) permissions(n int) []rbac.Permission {
	perms := []rbac.Permission{}
	for range d.rng.IntN(n + 1) {
		perms = append(perms, rbac.Permission{
			Negate:       d.chance(0.25),
			ResourceType: pick(d, visibilityTypes),
			Action:       pick(d, visibilityActions),
		})
	}
	return perms
}

// acl is a random user_acl or group_acl column over keys.
func (d *deployment) acl(keys []uuid.UUID) []byte {
	acl := map[string][]rbac.Action{}
	for _, k := range subset(d, keys, 0.3) {
		acl[k.String()] = subset(d, []rbac.Action{rbac.ActionRead, rbac.ActionUse, rbac.ActionUpdate, rbac.WildcardSymbol}, 0.5)
	}
	b, err := json.Marshal(acl)
	if err != nil {
		panic(err)
	}
	return b
}

func seedDeployment(t *testing.T, rng *rand.Rand) *deployment {
	t.Helper()
	raw, _ := dbtestutil.NewDB(t)
	d := &deployment{raw: raw, authz: dbauthz.New(raw, nil), rng: rng, customRoles: map[uuid.UUID][]string{}}
	ctx := context.Background()
	now := dbtime.Now()

	for i := range 2 + rng.IntN(3) {
		org, err := raw.InsertOrganization(ctx, database.InsertOrganizationParams{
			ID: d.uuid(), Name: fmt.Sprintf("org%d", i), IsDefault: i == 0, CreatedAt: now, UpdatedAt: now,
		})
		require.NoError(t, err)
		// The Everyone group: its ID is the organization's.
		_, err = raw.InsertGroup(ctx, database.InsertGroupParams{ID: org.ID, OrganizationID: org.ID, Name: "Everyone", Source: "user"})
		require.NoError(t, err)
		d.orgs = append(d.orgs, org.ID)
		d.groups = append(d.groups, org.ID)
		for j := range rng.IntN(3) {
			name := fmt.Sprintf("custom%d", j)
			org, member := d.permissions(4), d.permissions(4)
			orgJSON, err := json.Marshal(org)
			require.NoError(t, err)
			memberJSON, err := json.Marshal(member)
			require.NoError(t, err)
			_, err = raw.InsertCustomRole(ctx, database.InsertCustomRoleParams{
				ID: d.uuid(), OrganizationID: d.orgs[i], Name: name, OrgPermissions: orgJSON, MemberPermissions: memberJSON,
				CreatedAt: now, UpdatedAt: now,
			})
			require.NoError(t, err)
			d.customRoles[d.orgs[i]] = append(d.customRoles[d.orgs[i]], name)
		}
	}

	siteRoles := []string{rbac.RoleOwner().Name, rbac.RoleAuditor().Name, rbac.RoleTemplateAdmin().Name, rbac.RoleUserAdmin().Name}
	orgRoles := []string{rbac.RoleOrgAdmin(), rbac.RoleOrgAuditor(), rbac.RoleOrgUserAdmin(), rbac.RoleOrgTemplateAdmin(), rbac.RoleOrgWorkspaceCreationBan()}
	members := map[uuid.UUID][]uuid.UUID{}
	for i := range 4 + rng.IntN(5) {
		u, err := raw.InsertUser(ctx, database.InsertUserParams{
			ID: d.uuid(), Email: fmt.Sprintf("u%d@example.com", i), Username: fmt.Sprintf("u%d", i),
			CreatedAt: now, UpdatedAt: now, RbacRoles: subset(d, siteRoles, 0.12),
			LoginType: database.LoginTypePassword, Status: database.UserStatusActive,
		})
		require.NoError(t, err)
		d.users = append(d.users, u.ID)
		for _, org := range d.orgs {
			if !d.chance(0.6) {
				continue
			}
			roles := append(subset(d, orgRoles, 0.15), subset(d, d.customRoles[org], 0.4)...)
			_, err := raw.InsertOrganizationMember(ctx, database.InsertOrganizationMemberParams{
				OrganizationID: org, UserID: u.ID, CreatedAt: now, UpdatedAt: now, Roles: roles,
			})
			require.NoError(t, err)
			members[org] = append(members[org], u.ID)
		}
	}

	for _, org := range d.orgs {
		for j := range rng.IntN(3) {
			g, err := raw.InsertGroup(ctx, database.InsertGroupParams{ID: d.uuid(), OrganizationID: org, Name: fmt.Sprintf("g%d", j), Source: "user"})
			require.NoError(t, err)
			d.groups = append(d.groups, g.ID)
			// Mostly members of the organization, now and then someone
			// who has left it.
			for _, u := range subset(d, d.users, 0.4) {
				if slices.Contains(members[org], u) || d.chance(0.2) {
					require.NoError(t, raw.InsertGroupMember(ctx, database.InsertGroupMemberParams{GroupID: g.ID, UserID: u}))
				}
			}
		}
	}

	file, err := raw.InsertFile(ctx, database.InsertFileParams{
		ID: d.uuid(), Hash: "h", CreatedAt: now, CreatedBy: d.users[0], Mimetype: "application/x-tar", Data: []byte("x"),
	})
	require.NoError(t, err)
	aclKeys := append(slices.Clone(d.users), d.groups...)
	for oi, org := range d.orgs {
		var templates []uuid.UUID
		for j := range 1 + rng.IntN(3) {
			job, err := raw.InsertProvisionerJob(ctx, database.InsertProvisionerJobParams{
				ID: d.uuid(), CreatedAt: now, UpdatedAt: now, OrganizationID: org, InitiatorID: d.users[0],
				Provisioner: database.ProvisionerTypeEcho, Type: database.ProvisionerJobTypeTemplateVersionImport,
				FileID: file.ID, Input: []byte("{}"), Tags: []byte("{}"),
			})
			require.NoError(t, err)
			version, err := raw.InsertTemplateVersion(ctx, database.InsertTemplateVersionParams{
				ID: d.uuid(), OrganizationID: org, CreatedAt: now, UpdatedAt: now, Name: "v", JobID: job.ID, CreatedBy: d.users[0],
			})
			require.NoError(t, err)
			id := d.uuid()
			require.NoError(t, raw.InsertTemplate(ctx, database.InsertTemplateParams{
				ID: id, CreatedAt: now, UpdatedAt: now, OrganizationID: org, Name: fmt.Sprintf("t%d-%d", oi, j),
				Provisioner: database.ProvisionerTypeEcho, ActiveVersionID: version.ID, CreatedBy: d.users[0],
				MaxPortSharingLevel: "owner", CorsBehavior: "simple", UserAcl: d.acl(aclKeys), GroupAcl: d.acl(aclKeys),
			}))
			templates = append(templates, id)
		}
		for j := range rng.IntN(6) {
			owner := pick(d, d.users)
			if len(members[org]) > 0 && d.chance(0.8) {
				owner = pick(d, members[org])
			}
			id := d.uuid()
			require.NoError(t, raw.InsertWorkspace(ctx, database.InsertWorkspaceParams{
				ID: id, CreatedAt: now, UpdatedAt: now, OwnerID: owner, OrganizationID: org,
				TemplateID: pick(d, templates), Name: fmt.Sprintf("w%d-%d", oi, j), LastUsedAt: now, AutomaticUpdates: "never",
			}))
			require.NoError(t, raw.UpdateWorkspaceACLByID(ctx, database.UpdateWorkspaceACLByIDParams{
				ID: id, UserAcl: d.acl(aclKeys), GroupAcl: d.acl(aclKeys),
			}))
			if d.chance(0.3) {
				require.NoError(t, raw.UpdateWorkspaceFavorite(ctx, database.UpdateWorkspaceFavoriteParams{ID: id, Favorite: true}))
			}
			if d.chance(0.2) {
				require.NoError(t, raw.UpdateWorkspaceDormantDeletingAt(ctx, database.UpdateWorkspaceDormantDeletingAtParams{
					ID: id, DormantAt: &now, UpdatedAt: now,
				}))
			}
			if d.chance(0.1) {
				require.NoError(t, raw.UpdateWorkspaceDeletedByID(ctx, database.UpdateWorkspaceDeletedByIDParams{ID: id, Deleted: true, UpdatedAt: now}))
			}
		}
	}

	// Audit rows in each organization and outside any.
	for range 3 + rng.IntN(6) {
		var org uuid.NullUUID
		if d.chance(0.8) {
			org = uuid.NullUUID{UUID: pick(d, d.orgs), Valid: true}
		}
		require.NoError(t, raw.InsertAuditLog(ctx, database.InsertAuditLogParams{
			ID: d.uuid(), Time: now, UserID: uuid.NullUUID{UUID: pick(d, d.users), Valid: true}, OrganizationID: org,
			ResourceType: "workspace", ResourceID: d.uuid(), Action: "create", Diff: []byte("{}"),
			AdditionalFields: []byte("{}"), StatusCode: 201, RequestID: d.uuid(),
		}))
	}
	return d
}

// actors are the seeded users as the API would see them (with a random API
// key scope), then subjects with random roles at every level, random groups
// and a random scope, some of them without an ID, as system actors are.
func (d *deployment) actors(t *testing.T, rng *rand.Rand) []rbac.Subject {
	t.Helper()
	ctx := context.Background()
	var out []rbac.Subject
	for _, id := range d.users {
		row, err := d.raw.GetAuthorizationUserRoles(ctx, id)
		require.NoError(t, err)
		scope := database.ApiKeyScopeAll
		if d.chance(0.2) {
			scope = database.ApiKeyScopeApplicationConnect
		}
		s, err := httpmw.SubjectFromRoles(ctx, d.raw, row, scope)
		require.NoError(t, err)
		out = append(out, s)
	}
	for i := range 12 {
		s := rbac.Subject{FriendlyName: fmt.Sprintf("random%d", i), Groups: subset(d, d.groups, 0.3)}
		switch rng.IntN(3) {
		case 0:
			s.ID = pick(d, d.users)
		case 1:
			s.ID = d.uuid()
		}
		for range 1 + rng.IntN(3) {
			r := rbac.Role{
				Identifier: rbac.RoleIdentifier{Name: "random"},
				Site:       d.permissions(2), User: d.permissions(3),
				ByOrgID: map[uuid.UUID]rbac.OrgPermissions{},
			}
			for _, org := range subset(d, d.orgs, 0.5) {
				r.ByOrgID[org] = rbac.OrgPermissions{Org: d.permissions(3), Member: d.permissions(3)}
			}
			s.Roles = append(s.Roles, r)
		}
		s.Scope = rbac.Role{Identifier: rbac.RoleIdentifier{Name: "scope"}, Site: []rbac.Permission{{ResourceType: rbac.WildcardSymbol, Action: rbac.WildcardSymbol}}}
		if d.chance(0.4) {
			s.Scope = rbac.Role{
				Identifier: rbac.RoleIdentifier{Name: "scope"}, Site: d.permissions(3), User: d.permissions(3),
				ByOrgID: map[uuid.UUID]rbac.OrgPermissions{},
			}
			for _, org := range subset(d, d.orgs, 0.5) {
				s.Scope.ByOrgID[org] = rbac.OrgPermissions{Org: d.permissions(3), Member: d.permissions(3)}
			}
		}
		out = append(out, s)
	}
	return out
}

func describeActor(s rbac.Subject) string {
	b, _ := json.Marshal(struct {
		ID     uuid.UUID
		Roles  []rbac.Role
		Groups []uuid.UUID
		Scope  rbac.Role
	}{s.ID, s.Roles, s.Groups, s.Scope})
	return string(b)
}

// visible keeps the IDs of the rows rbac lets subject read.
func visible[T any](subject rbac.Subject, rows []T, id func(T) uuid.UUID, object func(T) rbac.Object) []uuid.UUID {
	out := []uuid.UUID{}
	for _, row := range rows {
		if rbac.Authorize(subject, rbac.ActionRead, object(row)) == nil {
			out = append(out, id(row))
		}
	}
	return out
}

func ids[T any](rows []T, id func(T) uuid.UUID) []uuid.UUID {
	out := []uuid.UUID{}
	for _, row := range rows {
		out = append(out, id(row))
	}
	return out
}

// compare runs every filtered list query as subject and checks its rows
// (and counts) against all rows filtered through rbac. It reports whether
// all matched; each mismatch is logged.
func (d *deployment) compare(t *testing.T, subject rbac.Subject) bool {
	t.Helper()
	sys := context.Background()
	ctx := dbauthz.As(sys, rbac.Prepare(subject))
	ok := true
	same := func(query string, want, got []uuid.UUID) {
		t.Helper()
		slices.SortFunc(want, uuidCompare)
		slices.SortFunc(got, uuidCompare)
		if !slices.Equal(want, got) {
			ok = false
			t.Errorf("%s: rbac allows %v, SQL returned %v", query, want, got)
		}
	}
	sameCount := func(query string, want int, got int64) {
		t.Helper()
		if int64(want) != got {
			ok = false
			t.Errorf("%s: rbac allows %d rows, SQL counted %d", query, want, got)
		}
	}

	// Workspaces: rows and the total beside them, unpaged and paged.
	allWorkspaces, err := d.raw.GetAuthorizedWorkspaces(sys, database.GetAuthorizedWorkspacesParams{AuthAll: true})
	require.NoError(t, err)
	wsID := func(r database.GetAuthorizedWorkspacesRow) uuid.UUID { return r.Workspace.ID }
	want := visible(subject, allWorkspaces, wsID, func(r database.GetAuthorizedWorkspacesRow) rbac.Object { return r.Workspace.RBACObject() })
	for _, limit := range []int32{0, 2} {
		got, err := d.authz.GetAuthorizedWorkspaces(ctx, database.GetAuthorizedWorkspacesParams{LimitOpt: limit, RequesterID: subject.ID})
		require.NoError(t, err)
		if limit == 0 {
			same("GetAuthorizedWorkspaces", slices.Clone(want), ids(got, wsID))
			describeDiff(t, want, ids(got, wsID), func(id uuid.UUID) string {
				i := slices.IndexFunc(allWorkspaces, func(r database.GetAuthorizedWorkspacesRow) bool { return r.Workspace.ID == id })
				o := allWorkspaces[i].Workspace.RBACObject()
				return fmt.Sprintf("%s %s org=%s owner=%s users=%v groups=%v", id, o.Type, o.OrgID, o.Owner, o.ACLUserList, o.ACLGroupList)
			})
		}
		if len(got) > 0 {
			sameCount(fmt.Sprintf("GetAuthorizedWorkspaces count (limit %d)", limit), len(want), got[0].Count)
		}
	}
	// Page by page (the caller's favorites first, then the rest): every
	// row once, and each page counts them all.
	for _, limit := range []int32{1, 3} {
		var paged []uuid.UUID
		for offset := int32(0); offset <= int32(len(want))+1; offset += limit {
			page, err := d.authz.GetAuthorizedWorkspaces(ctx, database.GetAuthorizedWorkspacesParams{
				LimitOpt: limit, OffsetOpt: offset, RequesterID: subject.ID,
			})
			require.NoError(t, err)
			for _, row := range page {
				paged = append(paged, row.Workspace.ID)
				sameCount(fmt.Sprintf("GetAuthorizedWorkspaces count (limit %d offset %d)", limit, offset), len(want), row.Count)
			}
		}
		if len(paged) != len(want) {
			ok = false
			t.Errorf("GetAuthorizedWorkspaces pages of %d: %d rows, rbac allows %d", limit, len(paged), len(want))
		}
		same(fmt.Sprintf("GetAuthorizedWorkspaces pages of %d", limit), slices.Clone(want), paged)
	}
	for _, org := range d.orgs {
		got, err := d.authz.GetAuthorizedWorkspaces(ctx, database.GetAuthorizedWorkspacesParams{OrganizationID: org, RequesterID: subject.ID})
		require.NoError(t, err)
		wantOrg := visible(subject, allWorkspaces, wsID, func(r database.GetAuthorizedWorkspacesRow) rbac.Object { return r.Workspace.RBACObject() })
		wantOrg = slices.DeleteFunc(wantOrg, func(id uuid.UUID) bool {
			i := slices.IndexFunc(allWorkspaces, func(r database.GetAuthorizedWorkspacesRow) bool { return r.Workspace.ID == id })
			return allWorkspaces[i].Workspace.OrganizationID != org
		})
		same("GetAuthorizedWorkspaces organization", wantOrg, ids(got, wsID))
		if len(got) > 0 {
			sameCount("GetAuthorizedWorkspaces organization count", len(wantOrg), got[0].Count)
		}
	}

	// Templates.
	allTemplates, err := d.raw.GetAuthorizedTemplates(sys, database.GetAuthorizedTemplatesParams{AuthAll: true})
	require.NoError(t, err)
	templates, err := d.authz.GetAuthorizedTemplates(ctx, database.GetAuthorizedTemplatesParams{})
	require.NoError(t, err)
	tplID := func(r database.Template) uuid.UUID { return r.ID }
	same("GetAuthorizedTemplates",
		visible(subject, allTemplates, tplID, database.Template.RBACObject), ids(templates, tplID))

	// Users.
	allUsers, err := d.raw.GetUsers(sys, database.GetUsersParams{AuthAll: true})
	require.NoError(t, err)
	users, err := d.authz.GetUsers(ctx, database.GetUsersParams{})
	require.NoError(t, err)
	userID := func(r database.GetUsersRow) uuid.UUID { return r.User.ID }
	wantUsers := visible(subject, allUsers, userID, func(r database.GetUsersRow) rbac.Object { return r.User.RBACObject() })
	same("GetUsers", slices.Clone(wantUsers), ids(users, userID))
	if len(users) > 0 {
		sameCount("GetUsers count", len(wantUsers), users[0].Count)
	}

	// Groups.
	allGroups, err := d.raw.GetGroups(sys, database.GetGroupsParams{AuthAll: true})
	require.NoError(t, err)
	groups, err := d.authz.GetGroups(ctx, database.GetGroupsParams{})
	require.NoError(t, err)
	groupID := func(r database.Group) uuid.UUID { return r.ID }
	same("GetGroups", visible(subject, allGroups, groupID, database.Group.RBACObject), ids(groups, groupID))

	// Organizations.
	allOrgs, err := d.raw.GetOrganizations(sys, database.GetOrganizationsParams{AuthAll: true})
	require.NoError(t, err)
	orgs, err := d.authz.GetOrganizations(ctx, database.GetOrganizationsParams{})
	require.NoError(t, err)
	orgID := func(r database.Organization) uuid.UUID { return r.ID }
	same("GetOrganizations", visible(subject, allOrgs, orgID, database.Organization.RBACObject), ids(orgs, orgID))

	// Organization members, per organization.
	memberID := func(r database.GetOrganizationMembersRow) uuid.UUID { return r.OrganizationMember.UserID }
	for _, org := range d.orgs {
		all, err := d.raw.GetOrganizationMembers(sys, database.GetOrganizationMembersParams{OrganizationID: org, AuthAll: true})
		require.NoError(t, err)
		got, err := d.authz.GetOrganizationMembers(ctx, database.GetOrganizationMembersParams{OrganizationID: org})
		require.NoError(t, err)
		wantMembers := visible(subject, all, memberID,
			func(r database.GetOrganizationMembersRow) rbac.Object { return r.OrganizationMember.RBACObject() })
		same("GetOrganizationMembers", slices.Clone(wantMembers), ids(got, memberID))
		if len(got) > 0 {
			sameCount("GetOrganizationMembers count", len(wantMembers), got[0].Count)
		}
	}

	// Audit log: everywhere, then one organization at a time (dbauthz
	// rewrites the filter in both cases).
	auditID := func(r database.GetAuditLogsOffsetRow) uuid.UUID { return r.ID }
	auditObject := func(r database.GetAuditLogsOffsetRow) rbac.Object {
		if r.OrganizationID.Valid {
			return rbac.ResourceAuditLog.InOrg(r.OrganizationID.UUID)
		}
		return rbac.ResourceAuditLog
	}
	for _, org := range append([]uuid.UUID{uuid.Nil}, d.orgs...) {
		all, err := d.raw.GetAuditLogsOffset(sys, database.GetAuditLogsOffsetParams{OrganizationID: org, AuthAll: true})
		require.NoError(t, err)
		got, err := d.authz.GetAuditLogsOffset(ctx, database.GetAuditLogsOffsetParams{OrganizationID: org})
		require.NoError(t, err)
		wantAudit := visible(subject, all, auditID, auditObject)
		same(fmt.Sprintf("GetAuditLogsOffset organization=%s", org), slices.Clone(wantAudit), ids(got, auditID))
		count, err := d.authz.CountAuditLogs(ctx, database.CountAuditLogsParams{OrganizationID: org})
		require.NoError(t, err)
		sameCount(fmt.Sprintf("CountAuditLogs organization=%s", org), len(wantAudit), count)
	}
	return ok
}

func uuidCompare(a, b uuid.UUID) int {
	for i := range a {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	return 0
}

// TestVisibilityDormantWorkspaces is the case the random test found: a
// custom organization role may grant read on workspaces but not on dormant
// ones (or the reverse), and the list must follow rbac for each row, as
// GetWorkspaceByID does.
func TestVisibilityDormantWorkspaces(t *testing.T) {
	t.Parallel()
	s := makeSeed(t)
	ctx := context.Background()
	now := dbtime.Now()
	require.NoError(t, s.raw.UpdateWorkspaceDormantDeletingAt(ctx, database.UpdateWorkspaceDormantDeletingAtParams{
		ID: s.workspace.ID, DormantAt: &now, UpdatedAt: now,
	}))
	orgRole := func(typ string) rbac.Subject {
		return rbac.Subject{
			ID: s.bare.ID,
			Roles: []rbac.Role{{
				Identifier: rbac.RoleIdentifier{Name: "custom", OrganizationID: s.org.ID},
				ByOrgID: map[uuid.UUID]rbac.OrgPermissions{s.org.ID: {
					Org: []rbac.Permission{{ResourceType: typ, Action: rbac.ActionRead}},
				}},
			}},
			Scope: rbac.Role{Site: []rbac.Permission{{ResourceType: rbac.WildcardSymbol, Action: rbac.WildcardSymbol}}},
		}
	}
	store := dbauthz.New(s.raw, nil)
	list := func(subject rbac.Subject) int {
		rows, err := store.GetAuthorizedWorkspaces(dbauthz.As(ctx, rbac.Prepare(subject)), database.GetAuthorizedWorkspacesParams{})
		require.NoError(t, err)
		return len(rows)
	}
	// Read on workspaces only: the dormant workspace is hidden, as from
	// GetWorkspaceByID.
	liveOnly := orgRole(rbac.ResourceWorkspace.Type)
	_, err := store.GetWorkspaceByID(dbauthz.As(ctx, rbac.Prepare(liveOnly)), s.workspace.ID)
	require.Error(t, err)
	require.Equal(t, 0, list(liveOnly))
	// Read on dormant workspaces only: listed.
	require.Equal(t, 1, list(orgRole(rbac.ResourceWorkspaceDormant.Type)))
}

// describeDiff logs the rows only one side has, described.
func describeDiff(t *testing.T, want, got []uuid.UUID, describe func(uuid.UUID) string) {
	t.Helper()
	for _, id := range want {
		if !slices.Contains(got, id) {
			t.Logf("allowed by rbac, not returned: %s", describe(id))
		}
	}
	for _, id := range got {
		if !slices.Contains(want, id) {
			t.Logf("returned, not allowed by rbac: %s", describe(id))
		}
	}
}
