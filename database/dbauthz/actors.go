package dbauthz

import (
	"context"

	"github.com/devplane/devplane/rbac"
)

// The named system actors. Code that must act before there is a user (start
// up, first-user setup, login, authenticating a key) runs as one of these,
// each allowed exactly what its job needs and nothing else.

func perm(resource rbac.Object, actions ...rbac.Action) []rbac.Permission {
	out := make([]rbac.Permission, 0, len(actions))
	for _, a := range actions {
		out = append(out, rbac.Permission{ResourceType: resource.Type, Action: a})
	}
	return out
}

func systemActor(name string, perms ...[]rbac.Permission) *rbac.PreparedSubject {
	var all []rbac.Permission
	for _, p := range perms {
		all = append(all, p...)
	}
	return rbac.Prepare(rbac.SystemSubject(name, all...))
}

var (
	startupActor = systemActor("startup",
		perm(rbac.ResourceSystem, rbac.ActionRead, rbac.ActionCreate),
		perm(rbac.ResourceOrganization, rbac.ActionRead, rbac.ActionCreate),
		perm(rbac.ResourceGroup, rbac.ActionCreate),
	)
	apiKeyAuthenticatorActor = systemActor("apikey-authenticator",
		perm(rbac.ResourceApiKey, rbac.ActionRead, rbac.ActionUpdate),
		perm(rbac.ResourceSystem, rbac.ActionRead),
		perm(rbac.ResourceUser, rbac.ActionUpdate),
		// Custom organization roles are expanded into the actor.
		perm(rbac.ResourceAssignOrgRole, rbac.ActionRead),
	)
	firstUserActor = systemActor("first-user",
		perm(rbac.ResourceSystem, rbac.ActionRead),
		perm(rbac.ResourceUser, rbac.ActionCreate, rbac.ActionRead, rbac.ActionUpdatePersonal),
		perm(rbac.ResourceOrganization, rbac.ActionRead),
		perm(rbac.ResourceOrganizationMember, rbac.ActionCreate),
	)
	provisionerdActor = systemActor("provisionerd",
		perm(rbac.ResourceProvisionerJobs, rbac.ActionRead, rbac.ActionUpdate),
		perm(rbac.ResourceProvisionerDaemon, rbac.ActionCreate, rbac.ActionRead, rbac.ActionUpdate),
		perm(rbac.ResourceTemplate, rbac.ActionRead, rbac.ActionUpdate),
		perm(rbac.ResourceFile, rbac.ActionRead),
		// Builds: the workspace, its owner's name and groups for the
		// template, and marking a workspace deleted.
		perm(rbac.ResourceWorkspace, rbac.ActionRead, rbac.ActionUpdate, rbac.ActionDelete),
		perm(rbac.ResourceWorkspaceDormant, rbac.ActionRead, rbac.ActionUpdate, rbac.ActionDelete),
		perm(rbac.ResourceUser, rbac.ActionRead),
		perm(rbac.ResourceGroup, rbac.ActionRead),
		perm(rbac.ResourceOrganization, rbac.ActionRead),
		// Failover: which replica held a job.
		perm(rbac.ResourceReplicas, rbac.ActionRead),
	)
	// replicaRegistryActor registers this server process, heartbeats it,
	// lists the live ones and marks lost ones stopped.
	replicaRegistryActor = systemActor("replica-registry",
		perm(rbac.ResourceReplicas, rbac.ActionRead),
		perm(rbac.ResourceSystem, rbac.ActionCreate, rbac.ActionUpdate),
	)
	// workspaceBuilderActor enqueues the job of a workspace build; the
	// caller's right to the build itself is checked by its own insert of
	// the build in the same transaction.
	workspaceBuilderActor = systemActor("workspace-builder",
		perm(rbac.ResourceProvisionerJobs, rbac.ActionCreate),
	)
	// lifecycleActor is the executor that starts, stops, marks dormant
	// and deletes workspaces on schedule.
	lifecycleActor = systemActor("lifecycle-executor",
		perm(rbac.ResourceWorkspace, rbac.ActionRead, rbac.ActionUpdate, rbac.ActionDelete,
			rbac.ActionWorkspaceStart, rbac.ActionWorkspaceStop),
		perm(rbac.ResourceWorkspaceDormant, rbac.ActionRead, rbac.ActionUpdate, rbac.ActionDelete,
			rbac.ActionWorkspaceStop),
		perm(rbac.ResourceTemplate, rbac.ActionRead),
		perm(rbac.ResourceProvisionerJobs, rbac.ActionRead),
		perm(rbac.ResourceProvisionerDaemon, rbac.ActionRead),
		perm(rbac.ResourceUser, rbac.ActionRead),
		perm(rbac.ResourceSystem, rbac.ActionCreate, rbac.ActionUpdate),
	)
	// usageTrackerActor writes batched workspace usage: last used times,
	// activity bumps and template daily users.
	usageTrackerActor = systemActor("usage-tracker",
		perm(rbac.ResourceSystem, rbac.ActionCreate, rbac.ActionUpdate),
	)
	// auditWriterActor writes audit log rows, for requests and for the
	// server's own background changes; it can read nothing.
	auditWriterActor = systemActor("audit-writer",
		perm(rbac.ResourceAuditLog, rbac.ActionCreate),
	)
	// limiterActor keeps the login-failure and API request counters.
	limiterActor = systemActor("limiter",
		perm(rbac.ResourceSystem, rbac.ActionUpdate, rbac.ActionDelete),
	)
	// workspaceAgentActor serves a workspace agent whose token was
	// verified: it records what the agent reports, reads its manifest and
	// hands it its owner's git SSH key. The registry of live connections
	// uses it for presence writes.
	workspaceAgentActor = systemActor("workspace-agent",
		perm(rbac.ResourceSystem, rbac.ActionRead, rbac.ActionCreate, rbac.ActionUpdate),
		perm(rbac.ResourceWorkspace, rbac.ActionRead),
		perm(rbac.ResourceWorkspaceDormant, rbac.ActionRead),
		perm(rbac.ResourceUser, rbac.ActionRead, rbac.ActionReadPersonal, rbac.ActionUpdatePersonal),
	)
	// metricsActor reads the deployment-wide counts the metrics export
	// (jobs queued and running, workspaces by status); nothing else.
	metricsActor = systemActor("metrics",
		perm(rbac.ResourceSystem, rbac.ActionRead),
	)
	// appProxyActor resolves the workspace, agent and app a proxied
	// request names, before the sharing level decides who may use it
	// (a public app is open to people who cannot read the workspace).
	appProxyActor = systemActor("app-proxy",
		perm(rbac.ResourceSystem, rbac.ActionRead),
		perm(rbac.ResourceWorkspace, rbac.ActionRead),
		perm(rbac.ResourceWorkspaceDormant, rbac.ActionRead),
		perm(rbac.ResourceUser, rbac.ActionRead),
		// Subdomain sign-in: one-time app tokens are minted, spent and
		// replaced by the app host's own app-scoped token.
		perm(rbac.ResourceApiKey, rbac.ActionRead, rbac.ActionCreate, rbac.ActionDelete),
	)
	// connectionLoggerActor records sessions opened to workspaces
	// (terminal, SSH, apps, ports); it can read nothing.
	connectionLoggerActor = systemActor("connection-logger",
		perm(rbac.ResourceConnectionLog, rbac.ActionUpdate),
	)
	// relayActor looks up which replica holds an agent's connection, to
	// relay a session there.
	relayActor = systemActor("agent-relay",
		perm(rbac.ResourceSystem, rbac.ActionRead),
	)
	loginActor = systemActor("login",
		perm(rbac.ResourceUser, rbac.ActionRead, rbac.ActionUpdate, rbac.ActionUpdatePersonal),
		perm(rbac.ResourceApiKey, rbac.ActionCreate),
	)
	// ssoLoginActor signs users in through OIDC or GitHub: it finds or
	// creates the user, links the provider account, applies IdP sync
	// (organizations, groups, roles) and issues the session.
	ssoLoginActor = systemActor("sso-login",
		perm(rbac.ResourceUser, rbac.ActionCreate, rbac.ActionRead, rbac.ActionUpdate, rbac.ActionUpdatePersonal),
		perm(rbac.ResourceApiKey, rbac.ActionCreate),
		perm(rbac.ResourceSystem, rbac.ActionRead, rbac.ActionDelete),
		perm(rbac.ResourceOrganization, rbac.ActionRead),
		perm(rbac.ResourceOrganizationMember, rbac.ActionCreate, rbac.ActionRead, rbac.ActionUpdate, rbac.ActionDelete),
		perm(rbac.ResourceGroup, rbac.ActionCreate, rbac.ActionRead, rbac.ActionUpdate),
		perm(rbac.ResourceGroupMember, rbac.ActionRead),
		perm(rbac.ResourceAssignRole, rbac.ActionAssign, rbac.ActionRead),
		perm(rbac.ResourceAssignOrgRole, rbac.ActionAssign, rbac.ActionRead),
		perm(rbac.ResourceIdpsyncSettings, rbac.ActionRead),
	)
)

// AsStartup is for the server's own start: the deployment id and the
// default organization.
func AsStartup(ctx context.Context) context.Context { return As(ctx, startupActor) }

// AsAPIKeyAuthenticator looks up and refreshes API keys and builds actors.
func AsAPIKeyAuthenticator(ctx context.Context) context.Context {
	return As(ctx, apiKeyAuthenticatorActor)
}

// AsFirstUser creates the first user and the default organization, before
// anyone can log in.
func AsFirstUser(ctx context.Context) context.Context { return As(ctx, firstUserActor) }

// AsProvisionerd runs jobs: it acquires them, reads their files, writes
// logs, results and completion, and detects hung ones.
func AsProvisionerd(ctx context.Context) context.Context { return As(ctx, provisionerdActor) }

// AsReplicaRegistry is for the loop that keeps this server's row in the
// replica registry and notices replicas that stopped heartbeating.
func AsReplicaRegistry(ctx context.Context) context.Context { return As(ctx, replicaRegistryActor) }

// AsLifecycleExecutor is for the loop that builds workspaces on schedule.
func AsLifecycleExecutor(ctx context.Context) context.Context { return As(ctx, lifecycleActor) }

// AsRelay is for finding the replica that holds an agent's connection.
func AsRelay(ctx context.Context) context.Context { return As(ctx, relayActor) }

// AsWorkspaceAgent is for serving an authenticated workspace agent.
func AsWorkspaceAgent(ctx context.Context) context.Context { return As(ctx, workspaceAgentActor) }

// AsUsageTracker is for flushing batched workspace usage.
func AsUsageTracker(ctx context.Context) context.Context { return As(ctx, usageTrackerActor) }

// AsWorkspaceBuilder is for inserting the provisioner job of a workspace
// build, in the transaction where the caller inserts the build.
func AsWorkspaceBuilder(ctx context.Context) context.Context { return As(ctx, workspaceBuilderActor) }

// AsMetrics is for the loop that refreshes the metrics' periodic counts.
func AsMetrics(ctx context.Context) context.Context { return As(ctx, metricsActor) }

// AsAppProxy resolves the target of an app or port request; the proxy
// then applies the app's sharing level to the caller.
func AsAppProxy(ctx context.Context) context.Context { return As(ctx, appProxyActor) }

// AsLogin finds a user by email, checks the password and issues a session.
func AsLogin(ctx context.Context) context.Context { return As(ctx, loginActor) }

// AsSSOLogin signs a user in through an identity provider.
func AsSSOLogin(ctx context.Context) context.Context { return As(ctx, ssoLoginActor) }

// AsLimiter keeps the shared login and API rate limit counters.
func AsLimiter(ctx context.Context) context.Context { return As(ctx, limiterActor) }

// AsAuditWriter records an audit log row, whoever the audited actor was.
func AsAuditWriter(ctx context.Context) context.Context { return As(ctx, auditWriterActor) }

// AsConnectionLogger records the start and end of a connection to a
// workspace, whoever connected.
func AsConnectionLogger(ctx context.Context) context.Context { return As(ctx, connectionLoggerActor) }
