package dbauthz

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// Workspaces belong to their owner in their organization and may be shared
// through their ACL. Builds, their parameters and their jobs are authorized
// through the workspace.

func (q *querier) InsertWorkspace(ctx context.Context, arg database.InsertWorkspaceParams) error {
	obj := rbac.ResourceWorkspace.InOrg(arg.OrganizationID).WithOwner(arg.OwnerID)
	return actExec(ctx, q, rbac.ActionCreate, obj, func() error { return q.db.InsertWorkspace(ctx, arg) })
}

func (q *querier) GetWorkspaceByID(ctx context.Context, id uuid.UUID) (database.Workspace, error) {
	return fetch(ctx, q, func() (database.Workspace, error) { return q.db.GetWorkspaceByID(ctx, id) })
}

func (q *querier) GetWorkspaceByOwnerIDAndName(ctx context.Context, arg database.GetWorkspaceByOwnerIDAndNameParams) (database.Workspace, error) {
	return fetch(ctx, q, func() (database.Workspace, error) { return q.db.GetWorkspaceByOwnerIDAndName(ctx, arg) })
}

func (q *querier) GetWorkspaceByBuildID(ctx context.Context, buildID uuid.UUID) (database.Workspace, error) {
	return fetch(ctx, q, func() (database.Workspace, error) { return q.db.GetWorkspaceByBuildID(ctx, buildID) })
}

// GetAuthorizedWorkspaces filters in SQL with the caller's read filter on
// workspaces: organization grants, own workspaces, then shares. A dormant
// workspace is a workspace_dormant object (see Workspace.RBACObject), so
// when the caller's filter on that type differs — a custom role may grant
// one type and not the other — dormant rows get their own filter.
func (q *querier) GetAuthorizedWorkspaces(ctx context.Context, arg database.GetAuthorizedWorkspacesParams) ([]database.GetAuthorizedWorkspacesRow, error) {
	f, err := q.filter(ctx, rbac.ActionRead, rbac.ResourceWorkspace.Type)
	if err != nil {
		return nil, err
	}
	dormant, err := q.filter(ctx, rbac.ActionRead, rbac.ResourceWorkspaceDormant.Type)
	if err != nil {
		return nil, err
	}
	arg.AuthAll, arg.AuthOrgIds = f.All, f.OrgIDs
	arg.AuthOwnerID, arg.AuthOwnerOrgIds = f.OwnerID, f.OwnerOrgIDs
	arg.AuthAclOrgIds, arg.AuthAclOwnerOrgIds = f.ACLOrgIDs, f.ACLOwnerOrgIDs
	arg.AuthAction = string(f.Action)
	// Both filters name the same subject, but a filter that allows every
	// row (or no row through an ACL) leaves the owner or the ACL keys
	// unset: take them from the other.
	if arg.AuthOwnerID == uuid.Nil {
		arg.AuthOwnerID = dormant.OwnerID
	}
	keys := f
	if !f.HasACL() {
		keys = dormant
	}
	arg.AuthAclUserID, arg.AuthAclGroupIds = aclFilterKeys(keys)
	arg.AuthDormantSeparate = !sameRows(f, dormant)
	if arg.AuthDormantSeparate {
		arg.AuthDormantAll, arg.AuthDormantOrgIds, arg.AuthDormantOwnerOrgIds = dormant.All, dormant.OrgIDs, dormant.OwnerOrgIDs
		arg.AuthDormantAclOrgIds, arg.AuthDormantAclOwnerOrgIds = dormant.ACLOrgIDs, dormant.ACLOwnerOrgIDs
	}
	rows, err := q.db.GetAuthorizedWorkspaces(ctx, arg)
	if err != nil {
		return nil, err
	}
	// The SQL filter authorized these rows.
	cache := readCacheFrom(ctx)
	for _, row := range rows {
		cache.add(row.Workspace.ID)
	}
	return rows, nil
}

// GetWorkspaceCountByTemplateID reveals how many workspaces use a template
// to those who may read the template.
func (q *querier) GetWorkspaceCountByTemplateID(ctx context.Context, templateID uuid.UUID) (int64, error) {
	if _, err := q.GetTemplateByID(ctx, templateID); err != nil {
		return 0, err
	}
	return q.db.GetWorkspaceCountByTemplateID(ctx, templateID)
}

// GetWorkspaceCountByOwnerID reveals how many workspaces a user owns only to
// those who may delete the user: it exists to refuse deleting an owner of
// live workspaces, and counting them needs no read access to each one.
func (q *querier) GetWorkspaceCountByOwnerID(ctx context.Context, ownerID uuid.UUID) (int64, error) {
	return userAct(ctx, q, ownerID, rbac.ActionDelete, func() (int64, error) {
		return q.db.GetWorkspaceCountByOwnerID(ctx, ownerID)
	})
}

// workspaceAct loads the workspace (which must be readable) and checks
// action on it.
func workspaceAct(ctx context.Context, q *querier, id uuid.UUID, action rbac.Action, run func() error) error {
	w, err := q.GetWorkspaceByID(ctx, id)
	if err != nil {
		return err
	}
	return actExec(ctx, q, action, w.RBACObject(), run)
}

func (q *querier) UpdateWorkspaceName(ctx context.Context, arg database.UpdateWorkspaceNameParams) error {
	return workspaceAct(ctx, q, arg.ID, rbac.ActionUpdate, func() error { return q.db.UpdateWorkspaceName(ctx, arg) })
}

func (q *querier) UpdateWorkspaceFavorite(ctx context.Context, arg database.UpdateWorkspaceFavoriteParams) error {
	return workspaceAct(ctx, q, arg.ID, rbac.ActionUpdate, func() error { return q.db.UpdateWorkspaceFavorite(ctx, arg) })
}

func (q *querier) UpdateWorkspaceACLByID(ctx context.Context, arg database.UpdateWorkspaceACLByIDParams) error {
	return workspaceAct(ctx, q, arg.ID, rbac.ActionShare, func() error { return q.db.UpdateWorkspaceACLByID(ctx, arg) })
}

func (q *querier) UpdateWorkspaceDeletedByID(ctx context.Context, arg database.UpdateWorkspaceDeletedByIDParams) error {
	return workspaceAct(ctx, q, arg.ID, rbac.ActionDelete, func() error { return q.db.UpdateWorkspaceDeletedByID(ctx, arg) })
}

// transitionAction is the workspace action a build of transition is.
func transitionAction(transition database.WorkspaceTransition) rbac.Action {
	switch transition {
	case database.WorkspaceTransitionStop:
		return rbac.ActionWorkspaceStop
	case database.WorkspaceTransitionDelete:
		return rbac.ActionDelete
	default:
		return rbac.ActionWorkspaceStart
	}
}

// InsertWorkspaceBuild needs the action the transition is: start, stop or
// delete on the workspace.
func (q *querier) InsertWorkspaceBuild(ctx context.Context, arg database.InsertWorkspaceBuildParams) error {
	return workspaceAct(ctx, q, arg.WorkspaceID, transitionAction(arg.Transition), func() error { return q.db.InsertWorkspaceBuild(ctx, arg) })
}

// buildAct loads the build's workspace (which must be readable) and checks
// action on it.
func buildAct(ctx context.Context, q *querier, buildID uuid.UUID, action rbac.Action, run func() error) error {
	w, err := q.GetWorkspaceByBuildID(ctx, buildID)
	if err != nil {
		return err
	}
	return actExec(ctx, q, action, w.RBACObject(), run)
}

// InsertWorkspaceBuildParameters is part of making the build, so it needs
// what making the build needed: its transition's action.
func (q *querier) InsertWorkspaceBuildParameters(ctx context.Context, arg database.InsertWorkspaceBuildParametersParams) error {
	b, err := q.db.GetWorkspaceBuildByID(ctx, arg.WorkspaceBuildID)
	if err != nil {
		return err
	}
	return buildAct(ctx, q, arg.WorkspaceBuildID, transitionAction(b.Transition), func() error { return q.db.InsertWorkspaceBuildParameters(ctx, arg) })
}

func (q *querier) GetWorkspaceBuildParameters(ctx context.Context, buildID uuid.UUID) ([]database.WorkspaceBuildParameter, error) {
	var out []database.WorkspaceBuildParameter
	err := buildAct(ctx, q, buildID, rbac.ActionRead, func() error {
		var err error
		out, err = q.db.GetWorkspaceBuildParameters(ctx, buildID)
		return err
	})
	return out, err
}

// fetchBuild loads a build and checks that the actor may read its
// workspace.
func (q *querier) fetchBuild(ctx context.Context, load func() (database.WorkspaceBuild, error)) (database.WorkspaceBuild, error) {
	if _, ok := ActorFromContext(ctx); !ok {
		return database.WorkspaceBuild{}, errNoActor
	}
	b, err := load()
	if err != nil {
		return database.WorkspaceBuild{}, err
	}
	if _, err := q.GetWorkspaceByID(ctx, b.WorkspaceID); err != nil {
		return database.WorkspaceBuild{}, err
	}
	return b, nil
}

func (q *querier) GetWorkspaceBuildByID(ctx context.Context, id uuid.UUID) (database.WorkspaceBuild, error) {
	return q.fetchBuild(ctx, func() (database.WorkspaceBuild, error) { return q.db.GetWorkspaceBuildByID(ctx, id) })
}

func (q *querier) GetWorkspaceBuildByJobID(ctx context.Context, jobID uuid.UUID) (database.WorkspaceBuild, error) {
	return q.fetchBuild(ctx, func() (database.WorkspaceBuild, error) { return q.db.GetWorkspaceBuildByJobID(ctx, jobID) })
}

func (q *querier) GetWorkspaceBuildByWorkspaceIDAndBuildNumber(ctx context.Context, arg database.GetWorkspaceBuildByWorkspaceIDAndBuildNumberParams) (database.WorkspaceBuild, error) {
	return q.fetchBuild(ctx, func() (database.WorkspaceBuild, error) {
		return q.db.GetWorkspaceBuildByWorkspaceIDAndBuildNumber(ctx, arg)
	})
}

func (q *querier) GetLatestWorkspaceBuildByWorkspaceID(ctx context.Context, workspaceID uuid.UUID) (database.WorkspaceBuild, error) {
	return q.fetchBuild(ctx, func() (database.WorkspaceBuild, error) {
		return q.db.GetLatestWorkspaceBuildByWorkspaceID(ctx, workspaceID)
	})
}

// readableWorkspaceIDs returns which of ids name workspaces the actor may
// read, in one query.
func (q *querier) readableWorkspaceIDs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]bool, error) {
	out := make(map[uuid.UUID]bool, len(ids))
	cache := readCacheFrom(ctx)
	unknown := cache.missing(ids)
	for _, id := range ids {
		out[id] = true
	}
	for _, id := range unknown {
		out[id] = false
	}
	if len(unknown) == 0 {
		return out, nil
	}
	rows, err := q.GetWorkspacesByIDs(ctx, unknown)
	if err != nil {
		return nil, err
	}
	for _, w := range rows {
		out[w.ID] = true
	}
	return out, nil
}

// GetWorkspacesByIDs keeps the workspaces the actor may read.
func (q *querier) GetWorkspacesByIDs(ctx context.Context, ids []uuid.UUID) ([]database.Workspace, error) {
	if _, ok := ActorFromContext(ctx); !ok {
		return nil, errNoActor
	}
	rows, err := q.db.GetWorkspacesByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	visible := rows[:0]
	for _, w := range rows {
		if q.authorize(ctx, rbac.ActionRead, w.RBACObject()) == nil {
			visible = append(visible, w)
			readCacheFrom(ctx).add(w.ID)
		}
	}
	return visible, nil
}

func (q *querier) GetWorkspaceBuildsByWorkspaceID(ctx context.Context, arg database.GetWorkspaceBuildsByWorkspaceIDParams) ([]database.WorkspaceBuild, error) {
	if _, err := q.GetWorkspaceByID(ctx, arg.WorkspaceID); err != nil {
		return nil, err
	}
	return q.db.GetWorkspaceBuildsByWorkspaceID(ctx, arg)
}

// Build results are written by the daemon running the build's job.

func (q *querier) UpdateWorkspaceBuildProvisionerStateByID(ctx context.Context, arg database.UpdateWorkspaceBuildProvisionerStateByIDParams) error {
	return buildAct(ctx, q, arg.ID, rbac.ActionUpdate, func() error { return q.db.UpdateWorkspaceBuildProvisionerStateByID(ctx, arg) })
}

func (q *querier) UpdateWorkspaceBuildCostByID(ctx context.Context, arg database.UpdateWorkspaceBuildCostByIDParams) error {
	return buildAct(ctx, q, arg.ID, rbac.ActionUpdate, func() error { return q.db.UpdateWorkspaceBuildCostByID(ctx, arg) })
}

func (q *querier) UpdateWorkspaceBuildDeadlineByID(ctx context.Context, arg database.UpdateWorkspaceBuildDeadlineByIDParams) error {
	return buildAct(ctx, q, arg.ID, rbac.ActionUpdate, func() error { return q.db.UpdateWorkspaceBuildDeadlineByID(ctx, arg) })
}

// keepReadable drops rows of workspaces the actor may not read, checking
// all their workspaces in one query.
func keepReadable[T any](ctx context.Context, q *querier, rows []T, workspaceID func(T) uuid.UUID) ([]T, error) {
	if _, ok := ActorFromContext(ctx); !ok {
		return nil, errNoActor
	}
	ids := make([]uuid.UUID, 0, len(rows))
	seen := map[uuid.UUID]bool{}
	for _, r := range rows {
		if id := workspaceID(r); !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	readable, err := q.readableWorkspaceIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	visible := rows[:0]
	for _, r := range rows {
		if readable[workspaceID(r)] {
			visible = append(visible, r)
		}
	}
	return visible, nil
}

func (q *querier) GetWorkspaceBuildsWithJobsByIDs(ctx context.Context, ids []uuid.UUID) ([]database.GetWorkspaceBuildsWithJobsByIDsRow, error) {
	rows, err := q.db.GetWorkspaceBuildsWithJobsByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	return keepReadable(ctx, q, rows, func(r database.GetWorkspaceBuildsWithJobsByIDsRow) uuid.UUID { return r.WorkspaceBuild.WorkspaceID })
}

// GetWorkspaceResourceTreesByBuildJobIDs keeps the rows of workspaces the
// actor may read.
func (q *querier) GetWorkspaceResourceTreesByBuildJobIDs(ctx context.Context, jobIDs []uuid.UUID) (database.WorkspaceResourceTrees, error) {
	ctx = withReadCacheOnce(ctx)
	t, err := q.db.GetWorkspaceResourceTreesByBuildJobIDs(ctx, jobIDs)
	if err != nil {
		return database.WorkspaceResourceTrees{}, err
	}
	return keepReadableTrees(ctx, q, t)
}

// GetWorkspaceBuildsWithResources keeps the builds and rows of workspaces
// the actor may read.
func (q *querier) GetWorkspaceBuildsWithResources(ctx context.Context, buildIDs, jobIDs []uuid.UUID) (database.WorkspaceBuildsWithResources, error) {
	ctx = withReadCacheOnce(ctx)
	out, err := q.db.GetWorkspaceBuildsWithResources(ctx, buildIDs, jobIDs)
	if err != nil {
		return database.WorkspaceBuildsWithResources{}, err
	}
	if out.Builds, err = keepReadable(ctx, q, out.Builds, func(r database.GetWorkspaceBuildsWithJobsByIDsRow) uuid.UUID { return r.WorkspaceBuild.WorkspaceID }); err != nil {
		return database.WorkspaceBuildsWithResources{}, err
	}
	if out.WorkspaceResourceTrees, err = keepReadableTrees(ctx, q, out.WorkspaceResourceTrees); err != nil {
		return database.WorkspaceBuildsWithResources{}, err
	}
	return out, nil
}

// withReadCacheOnce remembers authorized workspaces for the rest of one
// call, so that each workspace is decided once for every kind of row.
func withReadCacheOnce(ctx context.Context) context.Context {
	if readCacheFrom(ctx) == nil {
		return WithReadCache(ctx)
	}
	return ctx
}

func keepReadableTrees(ctx context.Context, q *querier, t database.WorkspaceResourceTrees) (database.WorkspaceResourceTrees, error) {
	var err error
	if t.Resources, err = keepReadable(ctx, q, t.Resources, func(r database.GetWorkspaceResourcesByBuildJobIDsRow) uuid.UUID { return r.WorkspaceID }); err != nil {
		return database.WorkspaceResourceTrees{}, err
	}
	if t.Agents, err = keepReadable(ctx, q, t.Agents, func(r database.GetWorkspaceAgentsByBuildJobIDsRow) uuid.UUID { return r.WorkspaceID }); err != nil {
		return database.WorkspaceResourceTrees{}, err
	}
	if t.Apps, err = keepReadable(ctx, q, t.Apps, func(r database.GetWorkspaceAppsByBuildJobIDsRow) uuid.UUID { return r.WorkspaceID }); err != nil {
		return database.WorkspaceResourceTrees{}, err
	}
	return t, nil
}

func (q *querier) GetWorkspaceResourcesByBuildJobIDs(ctx context.Context, jobIDs []uuid.UUID) ([]database.GetWorkspaceResourcesByBuildJobIDsRow, error) {
	rows, err := q.db.GetWorkspaceResourcesByBuildJobIDs(ctx, jobIDs)
	if err != nil {
		return nil, err
	}
	return keepReadable(ctx, q, rows, func(r database.GetWorkspaceResourcesByBuildJobIDsRow) uuid.UUID { return r.WorkspaceID })
}

func (q *querier) GetWorkspaceAgentsByBuildJobIDs(ctx context.Context, jobIDs []uuid.UUID) ([]database.GetWorkspaceAgentsByBuildJobIDsRow, error) {
	rows, err := q.db.GetWorkspaceAgentsByBuildJobIDs(ctx, jobIDs)
	if err != nil {
		return nil, err
	}
	return keepReadable(ctx, q, rows, func(r database.GetWorkspaceAgentsByBuildJobIDsRow) uuid.UUID { return r.WorkspaceID })
}

func (q *querier) GetWorkspaceAppsByBuildJobIDs(ctx context.Context, jobIDs []uuid.UUID) ([]database.GetWorkspaceAppsByBuildJobIDsRow, error) {
	rows, err := q.db.GetWorkspaceAppsByBuildJobIDs(ctx, jobIDs)
	if err != nil {
		return nil, err
	}
	return keepReadable(ctx, q, rows, func(r database.GetWorkspaceAppsByBuildJobIDsRow) uuid.UUID { return r.WorkspaceID })
}

// Schedule and dormancy settings are updates of the workspace.

func (q *querier) UpdateWorkspaceAutostart(ctx context.Context, arg database.UpdateWorkspaceAutostartParams) error {
	return workspaceAct(ctx, q, arg.ID, rbac.ActionUpdate, func() error { return q.db.UpdateWorkspaceAutostart(ctx, arg) })
}

func (q *querier) UpdateWorkspaceTTL(ctx context.Context, arg database.UpdateWorkspaceTTLParams) error {
	return workspaceAct(ctx, q, arg.ID, rbac.ActionUpdate, func() error { return q.db.UpdateWorkspaceTTL(ctx, arg) })
}

func (q *querier) UpdateWorkspaceAutomaticUpdates(ctx context.Context, arg database.UpdateWorkspaceAutomaticUpdatesParams) error {
	return workspaceAct(ctx, q, arg.ID, rbac.ActionUpdate, func() error { return q.db.UpdateWorkspaceAutomaticUpdates(ctx, arg) })
}

func (q *querier) UpdateWorkspaceDormantDeletingAt(ctx context.Context, arg database.UpdateWorkspaceDormantDeletingAtParams) error {
	return workspaceAct(ctx, q, arg.ID, rbac.ActionUpdate, func() error { return q.db.UpdateWorkspaceDormantDeletingAt(ctx, arg) })
}

// Usage is batched and written by the server (AsUsageTracker) after the
// request that reported it was authorized.

func (q *querier) UpdateWorkspacesLastUsedAt(ctx context.Context, arg database.UpdateWorkspacesLastUsedAtParams) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() error { return q.db.UpdateWorkspacesLastUsedAt(ctx, arg) })
}

func (q *querier) ActivityBumpWorkspaces(ctx context.Context, ids []uuid.UUID) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceSystem, func() error { return q.db.ActivityBumpWorkspaces(ctx, ids) })
}

// Port shares: reading them is reading the workspace; changing them is
// sharing it.

func (q *querier) UpsertWorkspaceAgentPortShare(ctx context.Context, arg database.UpsertWorkspaceAgentPortShareParams) (database.WorkspaceAgentPortShare, error) {
	var out database.WorkspaceAgentPortShare
	err := workspaceAct(ctx, q, arg.WorkspaceID, rbac.ActionShare, func() error {
		var err error
		out, err = q.db.UpsertWorkspaceAgentPortShare(ctx, arg)
		return err
	})
	return out, err
}

func (q *querier) GetWorkspaceAgentPortShares(ctx context.Context, workspaceID uuid.UUID) ([]database.WorkspaceAgentPortShare, error) {
	if _, err := q.GetWorkspaceByID(ctx, workspaceID); err != nil {
		return nil, err
	}
	return q.db.GetWorkspaceAgentPortShares(ctx, workspaceID)
}

func (q *querier) DeleteWorkspaceAgentPortShare(ctx context.Context, arg database.DeleteWorkspaceAgentPortShareParams) (int64, error) {
	var n int64
	err := workspaceAct(ctx, q, arg.WorkspaceID, rbac.ActionShare, func() error {
		var err error
		n, err = q.db.DeleteWorkspaceAgentPortShare(ctx, arg)
		return err
	})
	return n, err
}

// sameRows reports whether two filters for the same subject and action
// allow the same rows of a table whose rows all have an organization.
func sameRows(a, b rbac.Filter) bool {
	return a.All == b.All && slices.Equal(a.OrgIDs, b.OrgIDs) && a.OwnerID == b.OwnerID &&
		slices.Equal(a.OwnerOrgIDs, b.OwnerOrgIDs) && slices.Equal(a.ACLOrgIDs, b.ACLOrgIDs) &&
		slices.Equal(a.ACLOwnerOrgIDs, b.ACLOwnerOrgIDs) && a.ACLUserID == b.ACLUserID &&
		slices.Equal(a.ACLGroupIDs, b.ACLGroupIDs)
}
