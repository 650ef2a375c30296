package convert

import (
	"encoding/json"
	"slices"
	"sort"
	"time"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// WorkspaceStatus derives a workspace's (or build's) status from the
// build's transition and its job's status.
func WorkspaceStatus(job codersdk.ProvisionerJobStatus, transition codersdk.WorkspaceTransition) codersdk.WorkspaceStatus {
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

// ResourceTrees nests apps in agents in resources, keyed by job ID.
func ResourceTrees(trees database.WorkspaceResourceTrees) (map[uuid.UUID][]codersdk.WorkspaceResource, error) {
	appsByAgent := map[uuid.UUID][]codersdk.WorkspaceApp{}
	for _, row := range trees.Apps {
		appsByAgent[row.WorkspaceApp.AgentID] = append(appsByAgent[row.WorkspaceApp.AgentID], WorkspaceApp(row.WorkspaceApp))
	}
	agentsByResource := map[uuid.UUID][]codersdk.WorkspaceAgent{}
	for _, row := range trees.Agents {
		a := row.WorkspaceAgent
		agent := WorkspaceAgent(a, appsByAgent[a.ID])
		if len(row.LogSources) > 0 {
			if err := json.Unmarshal(row.LogSources, &agent.LogSources); err != nil {
				return nil, xerrors.Errorf("log sources of agent %s: %w", a.ID, err)
			}
		}
		if len(row.Scripts) > 0 {
			if err := json.Unmarshal(row.Scripts, &agent.Scripts); err != nil {
				return nil, xerrors.Errorf("scripts of agent %s: %w", a.ID, err)
			}
		}
		agentsByResource[a.ResourceID] = append(agentsByResource[a.ResourceID], agent)
	}
	out := map[uuid.UUID][]codersdk.WorkspaceResource{}
	for _, row := range trees.Resources {
		r := row.WorkspaceResource
		res, err := WorkspaceResource(r, agentsByResource[r.ID])
		if err != nil {
			return nil, err
		}
		out[r.JobID] = append(out[r.JobID], res)
	}
	return out, nil
}

// Workspace converts a workspace with its converted latest build, as seen
// by requester (favorites are the owner's own), with the users and groups
// it is shared with. allowRenames is the deployment's setting.
func Workspace(w database.Workspace, latest codersdk.WorkspaceBuild, requester uuid.UUID, shared []codersdk.SharedWorkspaceActor, allowRenames bool) codersdk.Workspace {
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
		AllowRenames:                         allowRenames,
		Favorite:                             w.Favorite && w.OwnerID == requester,
		NextStartAt:                          w.NextStartAt,
		SharedWith:                           shared,
	}
}

// SharedWith lists the users and groups the workspace's ACL names, with
// their roles, named from users and groups. Entries missing from those (the
// caller cannot read them) show as IDs alone.
func SharedWith(w database.Workspace, knownUsers map[uuid.UUID]database.User, knownGroups map[uuid.UUID]database.Group) []codersdk.SharedWorkspaceActor {
	users, groups := database.ParseACL(w.UserAcl), database.ParseACL(w.GroupAcl)
	if len(users)+len(groups) == 0 {
		return nil
	}
	out := make([]codersdk.SharedWorkspaceActor, 0, len(users)+len(groups))
	for id, actions := range users {
		actor := codersdk.SharedWorkspaceActor{ID: id, ActorType: codersdk.SharedWorkspaceActorTypeUser,
			Roles: []codersdk.WorkspaceRole{WorkspaceRoleOf(actions)}}
		if u, ok := knownUsers[id]; ok {
			actor.Name, actor.AvatarURL = u.Username, u.AvatarUrl
		}
		out = append(out, actor)
	}
	for id, actions := range groups {
		actor := codersdk.SharedWorkspaceActor{ID: id, ActorType: codersdk.SharedWorkspaceActorTypeGroup,
			Roles: []codersdk.WorkspaceRole{WorkspaceRoleOf(actions)}}
		if g, ok := knownGroups[id]; ok {
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

// WorkspaceRoleOf names the role an ACL entry's actions amount to.
func WorkspaceRoleOf(actions []rbac.Action) codersdk.WorkspaceRole {
	if slices.Contains(actions, rbac.WildcardSymbol) {
		return codersdk.WorkspaceRoleAdmin
	}
	return codersdk.WorkspaceRoleUse
}

// WorkspaceResource converts a resource with its converted agents. Its
// metadata carries the sensitive flag that hides a value, so metadata that
// does not decode is an error rather than shown some other way.
func WorkspaceResource(res database.WorkspaceResource, agents []codersdk.WorkspaceAgent) (codersdk.WorkspaceResource, error) {
	var metadata []codersdk.WorkspaceResourceMetadata
	if len(res.Metadata) > 0 {
		if err := json.Unmarshal(res.Metadata, &metadata); err != nil {
			return codersdk.WorkspaceResource{}, xerrors.Errorf("metadata of resource %s: %w", res.ID, err)
		}
	}
	return codersdk.WorkspaceResource{
		ID:         res.ID,
		CreatedAt:  res.CreatedAt,
		JobID:      res.JobID,
		Transition: codersdk.WorkspaceTransition(res.Transition),
		Type:       res.Type,
		Name:       res.Name,
		Hide:       res.Hide,
		Icon:       res.Icon,
		Agents:     agents,
		Metadata:   metadata,
		DailyCost:  res.DailyCost,
	}, nil
}

// agentStaleAfter is how old last_connected_at may be while the agent is
// shown connected: the replica holding the connection refreshes it every
// 30 seconds (agentconn.RefreshInterval), so older means that replica died
// without saying so.
const agentStaleAfter = 70 * time.Second

// AgentStatus derives an agent's connection state from its timestamps at
// now: connecting until its first connection (timeout past the template's
// connection timeout), connected while its connection is open and fresh,
// disconnected otherwise.
func AgentStatus(a database.WorkspaceAgent, now time.Time) codersdk.WorkspaceAgentStatus {
	switch {
	case a.FirstConnectedAt == nil:
		if a.ConnectionTimeoutSeconds > 0 && now.Sub(a.CreatedAt) > time.Duration(a.ConnectionTimeoutSeconds)*time.Second {
			return codersdk.WorkspaceAgentTimeout
		}
		return codersdk.WorkspaceAgentConnecting
	case a.DisconnectedAt != nil && (a.LastConnectedAt == nil || !a.DisconnectedAt.Before(*a.LastConnectedAt)):
		return codersdk.WorkspaceAgentDisconnected
	case a.LastConnectedAt != nil && now.Sub(*a.LastConnectedAt) > agentStaleAfter:
		return codersdk.WorkspaceAgentDisconnected
	default:
		return codersdk.WorkspaceAgentConnected
	}
}

// agentHealth words an agent's health as Coder does.
func agentHealth(status codersdk.WorkspaceAgentStatus, lifecycle codersdk.WorkspaceAgentLifecycle) codersdk.WorkspaceAgentHealth {
	switch status {
	case codersdk.WorkspaceAgentConnecting:
		return codersdk.WorkspaceAgentHealth{Reason: "agent is connecting"}
	case codersdk.WorkspaceAgentTimeout:
		return codersdk.WorkspaceAgentHealth{Reason: "agent is taking too long to connect"}
	case codersdk.WorkspaceAgentDisconnected:
		return codersdk.WorkspaceAgentHealth{Reason: "agent has lost connection"}
	}
	switch lifecycle {
	case codersdk.WorkspaceAgentLifecycleStartTimeout:
		return codersdk.WorkspaceAgentHealth{Reason: "agent scripts took too long to run"}
	case codersdk.WorkspaceAgentLifecycleStartError:
		return codersdk.WorkspaceAgentHealth{Reason: "agent script failed"}
	}
	return codersdk.WorkspaceAgentHealth{Healthy: true}
}

// WorkspaceAgent converts an agent with its converted apps. Scripts and
// log sources are added by WithAgentDetails where the caller loaded them.
func WorkspaceAgent(a database.WorkspaceAgent, apps []codersdk.WorkspaceApp) codersdk.WorkspaceAgent {
	env := StringMap(a.EnvironmentVariables)
	displayApps := make([]codersdk.DisplayApp, 0, len(a.DisplayApps))
	for _, d := range a.DisplayApps {
		displayApps = append(displayApps, codersdk.DisplayApp(d))
	}
	subsystems := make([]codersdk.AgentSubsystem, 0, len(a.Subsystems))
	for _, s := range a.Subsystems {
		subsystems = append(subsystems, codersdk.AgentSubsystem(s))
	}
	if apps == nil {
		apps = []codersdk.WorkspaceApp{}
	}
	lifecycle := codersdk.WorkspaceAgentLifecycle(a.LifecycleState)
	if lifecycle == "" {
		lifecycle = codersdk.WorkspaceAgentLifecycleCreated
	}
	out := codersdk.WorkspaceAgent{
		ID:                       a.ID,
		CreatedAt:                a.CreatedAt,
		UpdatedAt:                a.UpdatedAt,
		FirstConnectedAt:         a.FirstConnectedAt,
		LastConnectedAt:          a.LastConnectedAt,
		DisconnectedAt:           a.DisconnectedAt,
		StartedAt:                a.StartedAt,
		ReadyAt:                  a.ReadyAt,
		Status:                   AgentStatus(a, time.Now()),
		LifecycleState:           lifecycle,
		Name:                     a.Name,
		ResourceID:               a.ResourceID,
		Architecture:             a.Architecture,
		EnvironmentVariables:     env,
		OperatingSystem:          a.OperatingSystem,
		LogsLength:               a.LogsLength,
		LogsOverflowed:           a.LogsOverflowed,
		Directory:                a.Directory,
		ExpandedDirectory:        a.ExpandedDirectory,
		Version:                  a.Version,
		APIVersion:               a.ApiVersion,
		Apps:                     apps,
		ConnectionTimeoutSeconds: a.ConnectionTimeoutSeconds,
		TroubleshootingURL:       a.TroubleshootingUrl,
		Subsystems:               subsystems,
		DisplayApps:              displayApps,
		LogSources:               []codersdk.WorkspaceAgentLogSource{},
		Scripts:                  []codersdk.WorkspaceAgentScript{},
		StartupScriptBehavior:    codersdk.WorkspaceAgentStartupScriptBehaviorNonBlocking,
	}
	if a.AuthInstanceID != nil {
		out.InstanceID = *a.AuthInstanceID
	}
	out.Health = agentHealth(out.Status, lifecycle)
	return out
}

// WorkspaceApp converts an app.
func WorkspaceApp(app database.WorkspaceApp) codersdk.WorkspaceApp {
	health := codersdk.WorkspaceAppHealth(app.Health)
	if health == "" {
		health = codersdk.WorkspaceAppHealthDisabled
		if app.HealthcheckUrl != "" {
			health = codersdk.WorkspaceAppHealthInitializing
		}
	}
	return codersdk.WorkspaceApp{
		ID:           app.ID,
		URL:          app.Url,
		External:     app.External,
		Slug:         app.Slug,
		DisplayName:  app.DisplayName,
		Command:      app.Command,
		Icon:         app.Icon,
		Subdomain:    app.Subdomain,
		SharingLevel: codersdk.WorkspaceAppSharingLevel(app.SharingLevel),
		Healthcheck: codersdk.Healthcheck{
			URL: app.HealthcheckUrl, Interval: app.HealthcheckInterval, Threshold: app.HealthcheckThreshold,
		},
		Health:   health,
		Hidden:   app.Hidden,
		OpenIn:   codersdk.WorkspaceAppOpenIn(app.OpenIn),
		Statuses: []codersdk.WorkspaceAppStatus{},
	}
}

// PortShare converts a shared port.
func PortShare(s database.WorkspaceAgentPortShare) codersdk.WorkspaceAgentPortShare {
	return codersdk.WorkspaceAgentPortShare{
		WorkspaceID: s.WorkspaceID, AgentName: s.AgentName, Port: s.Port,
		ShareLevel: codersdk.WorkspaceAgentPortShareLevel(s.ShareLevel),
		Protocol:   codersdk.WorkspaceAgentPortShareProtocol(s.Protocol),
	}
}

// JobResources nests a job's apps in its agents in its resources.
func JobResources(resources []database.WorkspaceResource, agents []database.WorkspaceAgent, apps []database.WorkspaceApp) ([]codersdk.WorkspaceResource, error) {
	appsByAgent := map[uuid.UUID][]codersdk.WorkspaceApp{}
	for _, app := range apps {
		appsByAgent[app.AgentID] = append(appsByAgent[app.AgentID], WorkspaceApp(app))
	}
	agentsByResource := map[uuid.UUID][]codersdk.WorkspaceAgent{}
	for _, a := range agents {
		agentsByResource[a.ResourceID] = append(agentsByResource[a.ResourceID], WorkspaceAgent(a, appsByAgent[a.ID]))
	}
	out := make([]codersdk.WorkspaceResource, 0, len(resources))
	for _, r := range resources {
		res, err := WorkspaceResource(r, agentsByResource[r.ID])
		if err != nil {
			return nil, err
		}
		out = append(out, res)
	}
	return out, nil
}

// WorkspaceBuild converts a build with its job, in workspace w, with the
// resources its job produced and, while pending, the daemons that could
// take it.
func WorkspaceBuild(row database.GetWorkspaceBuildsWithJobsByIDsRow, w database.Workspace, resources []codersdk.WorkspaceResource, matched *codersdk.MatchedProvisioners) codersdk.WorkspaceBuild {
	b, job := row.WorkspaceBuild, row.ProvisionerJob
	converted := ProvisionerJob(job, JobExtras{QueuePosition: row.QueuePosition, QueueSize: row.QueueSize})
	converted.Metadata = codersdk.ProvisionerJobMetadata{
		TemplateVersionName: row.TemplateVersionName, TemplateID: w.TemplateID, TemplateName: w.TemplateName,
		TemplateDisplayName: w.TemplateDisplayName, TemplateIcon: w.TemplateIcon,
		WorkspaceID: &w.ID, WorkspaceName: w.Name,
	}
	if converted.WorkerID != nil {
		converted.WorkerName = row.WorkerName
	}
	if resources == nil {
		resources = []codersdk.WorkspaceResource{}
	}
	var preset *uuid.UUID
	if b.TemplateVersionPresetID.Valid {
		id := b.TemplateVersionPresetID.UUID
		preset = &id
	}
	transition := codersdk.WorkspaceTransition(b.Transition)
	no := false
	return codersdk.WorkspaceBuild{
		ID: b.ID, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt,
		WorkspaceID: b.WorkspaceID, WorkspaceName: w.Name,
		WorkspaceOwnerID: w.OwnerID, WorkspaceOwnerName: w.OwnerUsername, WorkspaceOwnerAvatarURL: w.OwnerAvatarUrl,
		TemplateVersionID: b.TemplateVersionID, TemplateVersionName: row.TemplateVersionName,
		BuildNumber: b.BuildNumber, Transition: transition,
		InitiatorID: b.InitiatorID, InitiatorUsername: row.InitiatorUsername,
		Job: converted, Reason: codersdk.BuildReason(b.Reason), Resources: resources,
		Deadline: b.Deadline, MaxDeadline: b.MaxDeadline,
		Status:    WorkspaceStatus(converted.Status, transition),
		DailyCost: b.DailyCost, MatchedProvisioners: matched, TemplateVersionPresetID: preset,
		HasAITask: &no, HasExternalAgent: &no,
	}
}
