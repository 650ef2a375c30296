package coderd

import (
	"context"
	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
)

// buildRef names a build and its job, so that both load together.
type buildRef struct{ buildID, jobID uuid.UUID }

// loadWorkspaceBuilds converts builds (of workspaces the caller has read) with
// their jobs, resources, agents and apps, in one round trip to the
// database (and one more for daemons when a job is pending). The result is
// keyed by build ID; builds the caller may not read are missing.
func (api *API) loadWorkspaceBuilds(ctx context.Context, refs []buildRef, workspaces map[uuid.UUID]database.Workspace) (map[uuid.UUID]codersdk.WorkspaceBuild, error) {
	out := make(map[uuid.UUID]codersdk.WorkspaceBuild, len(refs))
	if len(refs) == 0 {
		return out, nil
	}
	buildIDs := make([]uuid.UUID, 0, len(refs))
	jobIDs := make([]uuid.UUID, 0, len(refs))
	for _, ref := range refs {
		buildIDs = append(buildIDs, ref.buildID)
		jobIDs = append(jobIDs, ref.jobID)
	}
	loaded, err := api.Database.GetWorkspaceBuildsWithResources(ctx, buildIDs, jobIDs)
	if err != nil {
		return nil, err
	}
	resources, err := convert.ResourceTrees(loaded.WorkspaceResourceTrees)
	if err != nil {
		return nil, err
	}
	// Daemons per organization, loaded once, to match pending jobs.
	daemons := map[uuid.UUID][]database.GetProvisionerDaemonsByOrganizationRow{}
	now := dbtime.Now()
	for _, row := range loaded.Builds {
		var matched *codersdk.MatchedProvisioners
		if job := row.ProvisionerJob; convert.ProvisionerJobStatus(job) == codersdk.ProvisionerJobPending {
			rows, ok := daemons[job.OrganizationID]
			if !ok {
				if rows, err = api.loadOrganizationDaemons(ctx, job.OrganizationID); err != nil {
					return nil, err
				}
				daemons[job.OrganizationID] = rows
			}
			matched = convert.MatchDaemons(job, rows, now)
		}
		b := row.WorkspaceBuild
		out[b.ID] = convert.WorkspaceBuild(row, workspaces[b.WorkspaceID], resources[row.ProvisionerJob.ID], matched)
	}
	return out, nil
}

// loadBuildResources loads the resources, agents and apps of build jobs, keyed
// by job ID.
func (api *API) loadBuildResources(ctx context.Context, jobIDs []uuid.UUID) (map[uuid.UUID][]codersdk.WorkspaceResource, error) {
	trees, err := api.Database.GetWorkspaceResourceTreesByBuildJobIDs(ctx, jobIDs)
	if err != nil {
		return nil, err
	}
	return convert.ResourceTrees(trees)
}

// loadWorkspaces converts workspaces with their latest builds in a
// constant number of queries, in the order given. Workspaces whose latest
// build the caller cannot read are left out.
func (api *API) loadWorkspaces(ctx context.Context, requester uuid.UUID, rows []database.Workspace) ([]codersdk.Workspace, error) {
	out := make([]codersdk.Workspace, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	byID := make(map[uuid.UUID]database.Workspace, len(rows))
	for _, w := range rows {
		byID[w.ID] = w
	}
	// The workspace row names its latest build and job (kept by triggers).
	refs := make([]buildRef, 0, len(rows))
	latestOf := make(map[uuid.UUID]uuid.UUID, len(rows))
	for _, w := range rows {
		if w.LatestBuildID.Valid && w.LatestBuildJobID.Valid {
			refs = append(refs, buildRef{buildID: w.LatestBuildID.UUID, jobID: w.LatestBuildJobID.UUID})
			latestOf[w.ID] = w.LatestBuildID.UUID
		}
	}
	builds, err := api.loadWorkspaceBuilds(ctx, refs, byID)
	if err != nil {
		return nil, err
	}
	shared, err := api.loadSharedWith(ctx, rows)
	if err != nil {
		return nil, err
	}
	for _, w := range rows {
		b, ok := builds[latestOf[w.ID]]
		if !ok {
			continue
		}
		sharedWith := convert.SharedWith(w, shared.users, shared.groups)
		out = append(out, convert.Workspace(w, b, requester, sharedWith, api.DeploymentValues.AllowWorkspaceRenames.Value()))
	}
	return out, nil
}

// sharedWithLoader names the users and groups the ACLs of a page of
// workspaces mention, in one query each.
type sharedWithLoader struct {
	users  map[uuid.UUID]database.User
	groups map[uuid.UUID]database.Group
}

func (api *API) loadSharedWith(ctx context.Context, rows []database.Workspace) (*sharedWithLoader, error) {
	var userIDs, groupIDs []uuid.UUID
	for _, w := range rows {
		for id := range database.ParseACL(w.UserAcl) {
			userIDs = append(userIDs, id)
		}
		for id := range database.ParseACL(w.GroupAcl) {
			groupIDs = append(groupIDs, id)
		}
	}
	l := &sharedWithLoader{users: map[uuid.UUID]database.User{}, groups: map[uuid.UUID]database.Group{}}
	if len(userIDs) > 0 {
		users, err := api.Database.GetUsersByIDs(ctx, userIDs)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			l.users[u.ID] = u
		}
	}
	if len(groupIDs) > 0 {
		groups, err := api.Database.GetGroupsByIDs(ctx, groupIDs)
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			l.groups[g.ID] = g
		}
	}
	return l, nil
}
