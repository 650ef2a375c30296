package coderd

import (
	"context"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// workspaceStatus derives a workspace's (or build's) status from the
// build's transition and its job's status.
func workspaceStatus(job codersdk.ProvisionerJobStatus, transition codersdk.WorkspaceTransition) codersdk.WorkspaceStatus {
	switch job {
	case codersdk.ProvisionerJobPending:
		return codersdk.WorkspaceStatusPending
	case codersdk.ProvisionerJobRunning:
		switch transition {
		case codersdk.WorkspaceTransitionStop:
			return codersdk.WorkspaceStatusStopping
		case codersdk.WorkspaceTransitionDelete:
			return codersdk.WorkspaceStatusDeleting
		default:
			return codersdk.WorkspaceStatusStarting
		}
	case codersdk.ProvisionerJobSucceeded:
		switch transition {
		case codersdk.WorkspaceTransitionStop:
			return codersdk.WorkspaceStatusStopped
		case codersdk.WorkspaceTransitionDelete:
			return codersdk.WorkspaceStatusDeleted
		default:
			return codersdk.WorkspaceStatusRunning
		}
	case codersdk.ProvisionerJobCanceling:
		return codersdk.WorkspaceStatusCanceling
	case codersdk.ProvisionerJobCanceled:
		return codersdk.WorkspaceStatusCanceled
	default:
		return codersdk.WorkspaceStatusFailed
	}
}

// buildRef names a build and its job, so that both load together.
type buildRef struct{ buildID, jobID uuid.UUID }

// buildsResponse converts builds (of workspaces the caller has read) with
// their jobs, resources, agents and apps, in one round trip to the
// database (and one more for daemons when a job is pending). The result is
// keyed by build ID; builds the caller may not read are missing.
func (api *API) buildsResponse(ctx context.Context, refs []buildRef, workspaces map[uuid.UUID]database.Workspace) (map[uuid.UUID]codersdk.WorkspaceBuild, error) {
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
	rows := loaded.Builds
	resources := convertResourceTrees(loaded.WorkspaceResourceTrees)
	// Daemons per organization, loaded once, to match pending jobs.
	daemons := map[uuid.UUID][]database.GetProvisionerDaemonsByOrganizationRow{}
	orgDaemons := func(org uuid.UUID) []database.GetProvisionerDaemonsByOrganizationRow {
		rows, ok := daemons[org]
		if !ok {
			var err error
			rows, err = api.Database.GetProvisionerDaemonsByOrganization(ctx, org)
			if err == nil && rows == nil {
				rows = []database.GetProvisionerDaemonsByOrganizationRow{}
			}
			daemons[org] = rows // nil when the caller may not list them
		}
		return rows
	}
	for _, row := range rows {
		b, job := row.WorkspaceBuild, row.ProvisionerJob
		w := workspaces[b.WorkspaceID]
		converted := convertProvisionerJob(job, jobExtras{queuePosition: row.QueuePosition, queueSize: row.QueueSize})
		converted.Metadata = codersdk.ProvisionerJobMetadata{
			TemplateVersionName: row.TemplateVersionName, TemplateID: w.TemplateID, TemplateName: w.TemplateName,
			TemplateDisplayName: w.TemplateDisplayName, TemplateIcon: w.TemplateIcon,
			WorkspaceID: &w.ID, WorkspaceName: w.Name,
		}
		if converted.WorkerID != nil {
			converted.WorkerName = row.WorkerName
		}
		var matched *codersdk.MatchedProvisioners
		if converted.Status == codersdk.ProvisionerJobPending {
			matched = matchDaemons(job, orgDaemons(job.OrganizationID))
		}
		res := resources[job.ID]
		if res == nil {
			res = []codersdk.WorkspaceResource{}
		}
		var preset *uuid.UUID
		if b.TemplateVersionPresetID.Valid {
			id := b.TemplateVersionPresetID.UUID
			preset = &id
		}
		transition := codersdk.WorkspaceTransition(b.Transition)
		no := false
		out[b.ID] = codersdk.WorkspaceBuild{
			ID: b.ID, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt,
			WorkspaceID: b.WorkspaceID, WorkspaceName: w.Name,
			WorkspaceOwnerID: w.OwnerID, WorkspaceOwnerName: w.OwnerUsername, WorkspaceOwnerAvatarURL: w.OwnerAvatarUrl,
			TemplateVersionID: b.TemplateVersionID, TemplateVersionName: row.TemplateVersionName,
			BuildNumber: b.BuildNumber, Transition: transition,
			InitiatorID: b.InitiatorID, InitiatorUsername: row.InitiatorUsername,
			Job: converted, Reason: codersdk.BuildReason(b.Reason), Resources: res,
			Deadline: b.Deadline, MaxDeadline: b.MaxDeadline,
			Status:    workspaceStatus(converted.Status, transition),
			DailyCost: b.DailyCost, MatchedProvisioners: matched, TemplateVersionPresetID: preset,
			HasAITask: &no, HasExternalAgent: &no,
		}
	}
	return out, nil
}

// buildResources loads the resources, agents and apps of build jobs, keyed
// by job ID.
func (api *API) buildResources(ctx context.Context, jobIDs []uuid.UUID) (map[uuid.UUID][]codersdk.WorkspaceResource, error) {
	trees, err := api.Database.GetWorkspaceResourceTreesByBuildJobIDs(ctx, jobIDs)
	if err != nil {
		return nil, err
	}
	return convertResourceTrees(trees), nil
}

// convertResourceTrees nests apps in agents in resources, keyed by job ID.
func convertResourceTrees(trees database.WorkspaceResourceTrees) map[uuid.UUID][]codersdk.WorkspaceResource {
	appsByAgent := map[uuid.UUID][]codersdk.WorkspaceApp{}
	for _, row := range trees.Apps {
		appsByAgent[row.WorkspaceApp.AgentID] = append(appsByAgent[row.WorkspaceApp.AgentID], convertWorkspaceApp(row.WorkspaceApp))
	}
	agentsByResource := map[uuid.UUID][]codersdk.WorkspaceAgent{}
	for _, row := range trees.Agents {
		a := row.WorkspaceAgent
		agentsByResource[a.ResourceID] = append(agentsByResource[a.ResourceID], convertWorkspaceAgent(a, appsByAgent[a.ID]))
	}
	out := map[uuid.UUID][]codersdk.WorkspaceResource{}
	for _, row := range trees.Resources {
		r := row.WorkspaceResource
		out[r.JobID] = append(out[r.JobID], convertWorkspaceResource(r, agentsByResource[r.ID]))
	}
	return out
}

// workspacesResponse converts workspaces with their latest builds in a
// constant number of queries, in the order given. Workspaces whose latest
// build the caller cannot read are left out.
func (api *API) workspacesResponse(ctx context.Context, requester uuid.UUID, rows []database.Workspace) ([]codersdk.Workspace, error) {
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
	builds, err := api.buildsResponse(ctx, refs, byID)
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
		out = append(out, api.convertWorkspace(w, b, requester, shared.sharedWith(w)))
	}
	return out, nil
}

func (api *API) convertWorkspace(w database.Workspace, latest codersdk.WorkspaceBuild, requester uuid.UUID, shared []codersdk.SharedWorkspaceActor) codersdk.Workspace {
	health := codersdk.WorkspaceHealth{Healthy: true, FailingAgents: []uuid.UUID{}}
	for _, r := range latest.Resources {
		for _, a := range r.Agents {
			if !a.Health.Healthy {
				health.Healthy = false
				health.FailingAgents = append(health.FailingAgents, a.ID)
			}
		}
	}
	var schedule *string
	if w.AutostartSchedule != "" {
		s := w.AutostartSchedule
		schedule = &s
	}
	var ttl *int64
	if w.Ttl != nil {
		ms := time.Duration(*w.Ttl).Milliseconds()
		ttl = &ms
	}
	return codersdk.Workspace{
		ID: w.ID, CreatedAt: w.CreatedAt, UpdatedAt: w.UpdatedAt,
		OwnerID: w.OwnerID, OwnerName: w.OwnerUsername, OwnerAvatarURL: w.OwnerAvatarUrl,
		OrganizationID: w.OrganizationID, OrganizationName: w.OrganizationName,
		TemplateID: w.TemplateID, TemplateName: w.TemplateName, TemplateDisplayName: w.TemplateDisplayName,
		TemplateIcon:                         w.TemplateIcon,
		TemplateAllowUserCancelWorkspaceJobs: w.TemplateAllowUserCancelWorkspaceJobs,
		TemplateActiveVersionID:              w.TemplateActiveVersionID,
		TemplateRequireActiveVersion:         w.TemplateRequireActiveVersion,
		TemplateUseClassicParameterFlow:      w.TemplateUseClassicParameterFlow,
		LatestBuild:                          latest,
		Outdated:                             latest.TemplateVersionID != w.TemplateActiveVersionID,
		Name:                                 w.Name,
		AutostartSchedule:                    schedule,
		TTLMillis:                            ttl,
		LastUsedAt:                           w.LastUsedAt,
		DeletingAt:                           w.DeletingAt,
		DormantAt:                            w.DormantAt,
		Health:                               health,
		AutomaticUpdates:                     codersdk.AutomaticUpdates(w.AutomaticUpdates),
		AllowRenames:                         api.DeploymentValues.AllowWorkspaceRenames.Value(),
		Favorite:                             w.Favorite && w.OwnerID == requester,
		NextStartAt:                          w.NextStartAt,
		SharedWith:                           shared,
	}
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

// sharedWith lists the users and groups the workspace's ACL names, with
// their roles. Entries the caller cannot read show as IDs alone.
func (l *sharedWithLoader) sharedWith(w database.Workspace) []codersdk.SharedWorkspaceActor {
	users, groups := database.ParseACL(w.UserAcl), database.ParseACL(w.GroupAcl)
	if len(users)+len(groups) == 0 {
		return nil
	}
	out := make([]codersdk.SharedWorkspaceActor, 0, len(users)+len(groups))
	for id, actions := range users {
		actor := codersdk.SharedWorkspaceActor{ID: id, ActorType: codersdk.SharedWorkspaceActorTypeUser,
			Roles: []codersdk.WorkspaceRole{workspaceRoleOf(actions)}}
		if u, ok := l.users[id]; ok {
			actor.Name, actor.AvatarURL = u.Username, u.AvatarUrl
		}
		out = append(out, actor)
	}
	for id, actions := range groups {
		actor := codersdk.SharedWorkspaceActor{ID: id, ActorType: codersdk.SharedWorkspaceActorTypeGroup,
			Roles: []codersdk.WorkspaceRole{workspaceRoleOf(actions)}}
		if g, ok := l.groups[id]; ok {
			actor.Name, actor.AvatarURL = g.Name, g.AvatarUrl
		}
		out = append(out, actor)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ActorType != out[j].ActorType {
			return out[i].ActorType < out[j].ActorType
		}
		return out[i].Name < out[j].Name
	})
	return out
}
