// Package coderd is the HTTP API server. New builds the whole route tree in
// one place, so what the server answers can be read top to bottom here.
package coderd

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	"cdr.dev/slog"
	"github.com/coder/serpent"
	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/buildinfo"
	"github.com/devplane/devplane/coderd/agentconn"
	"github.com/devplane/devplane/coderd/agents"
	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/connlog"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/coderd/loginlimit"
	"github.com/devplane/devplane/coderd/prometheusmetrics"
	"github.com/devplane/devplane/coderd/provisionerd"
	"github.com/devplane/devplane/coderd/replicas"
	"github.com/devplane/devplane/coderd/swaggerui"
	"github.com/devplane/devplane/coderd/userpassword"
	"github.com/devplane/devplane/coderd/workspaceapps"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/pubsub"
)

// @title devplane API
// @version 2.0
// @description The devplane server's REST API. It is wire-compatible with the Coder v2 API: the same paths, JSON fields and status codes, authenticated with the Coder-Session-Token header.

// @BasePath /api/v2

// @securitydefinitions.apiKey CoderSessionToken
// @in header
// @name Coder-Session-Token

// Options configure an API server.
type Options struct {
	Logger   slog.Logger
	Database database.Store
	// DatabaseHealth, when set, is consulted by every /api/v2 request and
	// /healthz: while it says the database is unreachable they answer 503
	// at once. The caller runs it.
	DatabaseHealth *database.HealthMonitor
	// Pubsub carries change notifications between goroutines and replicas.
	Pubsub pubsub.Pubsub
	// AccessURL is the URL users reach the deployment at.
	AccessURL *url.URL
	// DeploymentValues is the parsed configuration, served (redacted) by
	// GET /deployment/config, and DeploymentOptions its option set, which
	// knows where each value came from.
	DeploymentValues  *codersdk.DeploymentValues
	DeploymentOptions serpent.OptionSet
	// SwaggerDoc is the generated OpenAPI document; /swagger is served when it
	// is set and DeploymentValues.Swagger.Enable is on.
	SwaggerDoc []byte
	// PasswordHasher hashes and checks passwords on a bounded pool; nil
	// means one sized to the cores (userpassword.NewDefaultHasher).
	PasswordHasher *userpassword.Hasher
	// HTTPTimeouts are the per-request body and write deadlines; zero
	// fields take httpmw's defaults. Tests shorten them.
	HTTPTimeouts httpmw.Timeouts
	// ReplicaID identifies this server process in the replica registry
	// and its daemons' jobs, across restarts (the CLI keeps it in the
	// config directory); nil means a fresh one.
	ReplicaID uuid.UUID
	// AgentBinaryPath is the executable served at /bin/coder-<os>-<arch>
	// for this server's platform (`coder server` serves itself); empty
	// means none.
	AgentBinaryPath string

	// Metrics receives the server's Prometheus metrics; nil means a fresh
	// registry (served only if the caller serves it).
	Metrics *prometheusmetrics.Metrics

	// SSOHTTPClient reaches the OIDC and GitHub servers; nil means
	// http.DefaultClient.
	SSOHTTPClient *http.Client
}

// API serves /api/v2 and the few routes beside it.
type API struct {
	*Options
	// DeploymentID identifies this deployment's database for ever.
	DeploymentID string
	// Replicas registers this process among the replicas; the caller
	// starts it (Start) and stops it (Close).
	Replicas *replicas.Manager

	// Agents records what workspace agents report; AgentConns holds the
	// agents connected to this replica (StartAgents runs both).
	Agents        *agents.Service
	AgentConns    *agentconn.Registry
	agentSessions sync.WaitGroup // running /me/rpc handlers
	// ConnLog records sessions opened to workspaces (terminal, SSH, apps,
	// ports).
	ConnLog *connlog.Logger
	// agentTunnel is the router every agent tunnel shares (built once: a
	// router per connection cost ~16 KB per agent).
	agentTunnelOnce sync.Once
	agentTunnel     http.Handler

	// oidc and github are the single sign-on providers; nil when not
	// configured.
	oidc   *oidcLogin
	github *githubLogin

	loginPairs *loginlimit.Limiter
	loginAddrs *loginlimit.Limiter
	realIP     httpmw.RealIPConfig
	usage      usageLimiter
	handler    http.Handler
	// healthCache keeps the last GET /debug/health report a few seconds.
	healthCache healthReportCache
	apps        *workspaceapps.Server
}

// New prepares the API: it records the deployment id on first start and
// builds the router. The database must already be migrated.
func New(ctx context.Context, opts *Options) (*API, error) {
	if opts.Database == nil {
		return nil, xerrors.New("coderd: a database is required")
	}
	if opts.Pubsub == nil {
		return nil, xerrors.New("coderd: a pubsub is required")
	}
	if opts.AccessURL == nil {
		return nil, xerrors.New("coderd: an access URL is required")
	}
	if opts.DeploymentValues == nil {
		vals, optSet, err := codersdk.NewDeploymentValues()
		if err != nil {
			return nil, err
		}
		opts.DeploymentValues, opts.DeploymentOptions = vals, optSet
	}
	if opts.PasswordHasher == nil {
		opts.PasswordHasher = userpassword.NewDefaultHasher()
	}
	if opts.Metrics == nil {
		opts.Metrics = prometheusmetrics.New()
	}
	// From here on every query is authorized: handlers never see the raw
	// store.
	opts.Database = dbauthz.New(opts.Database, nil)
	api := &API{
		Options:    opts,
		loginPairs: loginlimit.NewShared(loginLimitConfig(loginPerAccountAndAddress, opts.Logger), opts.Database, "login-pair"),
		loginAddrs: loginlimit.NewShared(loginLimitConfig(loginPerAddress, opts.Logger), opts.Database, "login-addr"),
	}

	// Below six daemon heartbeats, live jobs would be failed as hung.
	if hang := opts.DeploymentValues.Provisioner.HangTimeout.Value(); hang != 0 && hang < provisionerd.CanceledHangThreshold {
		return nil, xerrors.Errorf("--provisioner-hang-timeout must be at least %s, got %s", provisionerd.CanceledHangThreshold, hang)
	}

	realIP, err := httpmw.ParseRealIPConfig(opts.DeploymentValues.ProxyTrustedHeaders.Value(), opts.DeploymentValues.ProxyTrustedOrigins.Value())
	if err != nil {
		return nil, err
	}
	api.realIP = realIP
	if api.oidc, err = newOIDCLogin(ctx, opts.AccessURL, opts.DeploymentValues.OIDC, opts.SSOHTTPClient); err != nil {
		return nil, err
	}
	if api.github, err = newGithubLogin(opts.AccessURL, opts.DeploymentValues.OAuth2.Github, opts.SSOHTTPClient); err != nil {
		return nil, err
	}

	id, err := ensureDeploymentID(dbauthz.AsStartup(ctx), opts.Database)
	if err != nil {
		return nil, err
	}
	if _, err := ensureDefaultOrganization(dbauthz.AsStartup(ctx), opts.Database); err != nil {
		return nil, err
	}
	api.DeploymentID = id
	if opts.ReplicaID == uuid.Nil {
		opts.ReplicaID = uuid.New()
	}
	api.Replicas = replicas.New(replicas.Options{
		ID:           opts.ReplicaID,
		Hostname:     api.replicaHostname(),
		RegionID:     int32(opts.DeploymentValues.Replicas.RegionID.Value()), //nolint:gosec // an id, not a size
		RelayAddress: opts.DeploymentValues.Replicas.RelayURL.Value(),
		Version:      buildinfo.Version(),
		Interval:     opts.DeploymentValues.Replicas.HeartbeatInterval.Value(),
		DB:           opts.Database,
		Pubsub:       opts.Pubsub,
		Logger:       opts.Logger,
	})
	api.newAgents()
	if err := api.setupRelay(ctx); err != nil {
		return nil, err
	}
	api.ConnLog = connlog.New(api.Database, api.Logger.Named("connlog"), opts.ReplicaID, api.connectionUsage)
	api.apps = api.newApps()
	api.handler = api.routes()
	return api, nil
}

// ServeHTTP makes the API an http.Handler.
func (api *API) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	api.handler.ServeHTTP(rw, r)
}

func (api *API) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(
		httpmw.RequestID,
		// First, so logs, limits and the audit log see the real client.
		httpmw.ExtractRealIP(api.realIP),
		httpmw.Logger(api.Logger.Named("http")),
		// Between the logger (whose status it reads) and Recover, so a
		// panic counts as the 500 it becomes.
		api.Metrics.HTTPMiddleware(api.isStreaming),
		httpmw.Recover(api.Logger),
		httpmw.SecurityHeaders,
		httpmw.MarkStreaming(api.isStreaming),
		httpmw.RequestTimeouts(api.HTTPTimeouts),
		// Subdomain apps (--wildcard-access-url) own their hosts entirely.
		api.apps.Subdomains,
	)
	// The dashboard, at every path not routed below (/api stays JSON).
	r.NotFound(api.dashboard())
	r.MethodNotAllowed(httpapi.MethodNotAllowed)

	r.Get("/healthz", api.healthz)
	r.Get("/bin/coder-{os}-{arch}", api.agentBinary)
	// Apps and ports of workspaces, by path (subdomain apps: api.apps.Subdomains).
	api.apps.PathRoutes(r)
	if api.DeploymentValues.Swagger.Enable.Value() && len(api.SwaggerDoc) > 0 {
		r.Mount("/swagger", swaggerui.Handler(api.SwaggerDoc))
	}

	// Replica to replica, outside /api/v2's middleware: one replica's
	// relayed sessions must not share a rate limit per address, and it
	// carries no user token.
	r.Get(agentconn.RelayPathPrefix+"{workspaceagent}", api.replicaRelay)

	r.Route("/api/v2", func(r chi.Router) {
		r.NotFound(httpapi.RouteNotFound)
		r.MethodNotAllowed(httpapi.MethodNotAllowed)
		r.Use(httpmw.NoStore)
		r.Use(httpmw.RequireDatabase(api.DatabaseHealth))
		limiter := api.rateLimiter()
		r.Use(limiter.ByAddress)
		// Text PostgreSQL cannot store is refused before anything queries.
		r.Use(httpmw.RejectUnstorable(api.Routes))
		r.Use(httpmw.CSRF(httpmw.CSRFConfig{
			AccessURL:   api.AccessURL,
			LoginPaths:  []string{"/api/v2/users/login", "/api/v2/users/first"},
			ExemptPaths: []string{"/api/v2/csp/reports"},
		}))
		// Every change below is audited, failures included; see package audit.
		r.Use(audit.Middleware(audit.Options{
			Store: api.Database, Logger: api.Logger.Named("audit"), BasePath: "/api/v2", RequestID: httpmw.RequestIDFrom,
			Routes: api.Routes,
		}))

		extractAPIKey := httpmw.ExtractAPIKey(httpmw.ExtractAPIKeyConfig{
			DB:                          api.Database,
			Logger:                      api.Logger,
			DisableSessionExpiryRefresh: api.DeploymentValues.SessionConfig.DisableExpiryRefresh.Value(),
		})
		// Every authenticated route is rate limited per user, once the
		// token is verified.
		apiKey := func(next http.Handler) http.Handler { return extractAPIKey(limiter.ByUser(next)) }

		r.Get("/", api.apiRoot)
		r.Get("/buildinfo", api.buildInfo)
		r.Get("/updatecheck", api.updateCheck)
		r.With(api.optionalAPIKey()).Get("/applications/auth-redirect", api.appAuthRedirect)

		r.Group(func(r chi.Router) {
			r.Use(apiKey)
			r.Post("/csp/reports", api.cspReport)
			r.Get("/deployment/config", api.deploymentConfig)
			r.Get("/deployment/ssh", api.sshConfig)
			r.Get("/deployment/stats", api.deploymentStats)
			r.Get("/experiments", api.experiments)
			r.Get("/experiments/available", api.safeExperiments)
		})

		r.With(apiKey).Get("/audit", api.auditLogs)
		r.Route("/insights", func(r chi.Router) {
			r.Use(apiKey)
			r.Get("/daus", api.deploymentDAUs)
			r.Get("/templates", api.insightsTemplates)
			r.Get("/user-activity", api.insightsUserActivity)
			r.Get("/user-latency", api.insightsUserLatency)
		})
		r.Route("/settings/idpsync/organization", func(r chi.Router) {
			r.Use(apiKey)
			r.Get("/", api.organizationIDPSyncSettings)
			r.Patch("/", api.patchOrganizationIDPSyncSettings)
			r.Patch("/config", api.patchOrganizationIDPSyncConfig)
			r.Patch("/mapping", api.patchOrganizationIDPSyncMapping)
		})
		r.With(apiKey).Get("/replicas", api.replicas)
		r.With(apiKey).Get("/debug/health", api.debugHealth)
		r.With(apiKey).Get("/debug/ws", api.debugWebsocketEcho)

		r.Group(func(r chi.Router) {
			r.Use(apiKey)
			r.Post("/authcheck", api.checkAuthorization)
			r.Get("/auth/scopes", api.authScopes)
		})

		r.Route("/organizations", func(r chi.Router) {
			r.Use(apiKey)
			r.Get("/", api.organizations)
			r.Post("/", api.postOrganization)
			r.Route("/{organization}", func(r chi.Router) {
				r.Use(httpmw.ExtractOrganizationParam(api.Database))
				r.Get("/", api.organization)
				r.Patch("/", api.patchOrganization)
				r.Delete("/", api.deleteOrganization)
				r.Get("/paginated-members", api.paginatedMembers)
				r.Route("/members", func(r chi.Router) {
					r.Get("/", api.listMembers)
					r.Route("/roles", func(r chi.Router) {
						r.Get("/", api.listOrganizationRoles)
						r.Post("/", api.postOrganizationRole)
						r.Put("/", api.putOrganizationRole)
						r.With(httpmw.ExtractCustomRoleParam(api.Database)).Delete("/{roleName}", api.deleteOrganizationRole)
					})
					r.Route("/{user}", func(r chi.Router) {
						r.Use(httpmw.ExtractUserParam(api.Database))
						r.Post("/", api.postOrganizationMember)
						r.Delete("/", api.deleteOrganizationMember)
						r.Put("/roles", api.putMemberRoles)
						r.Get("/workspaces/available-users", api.workspaceAvailableUsers)
						r.Post("/workspaces", api.postWorkspacesByOrganization)
					})
				})
				r.Route("/groups", func(r chi.Router) {
					r.Get("/", api.organizationGroups)
					r.Post("/", api.postGroupByOrganization)
					r.With(httpmw.ExtractGroupByNameParam(api.Database)).Get("/{groupName}", api.groupByOrganization)
				})
				r.Post("/templateversions", api.postTemplateVersionsByOrganization)
				r.Route("/templates", func(r chi.Router) {
					r.Get("/", api.templatesByOrganization)
					r.Post("/", api.postTemplateByOrganization)
					r.Get("/examples", api.templateExamplesByOrganization)
					r.Route("/{templatename}", func(r chi.Router) {
						r.Use(httpmw.ExtractTemplateByNameParam(api.Database))
						r.Get("/", api.templateByOrganizationAndName)
						r.Route("/versions/{templateversionname}", func(r chi.Router) {
							r.Use(httpmw.ExtractTemplateVersionByNameParam(api.Database))
							r.Get("/", api.templateVersionByOrganizationTemplateAndName)
							r.Get("/previous", api.previousTemplateVersionByOrganizationTemplateAndName)
						})
					})
				})
				r.Route("/provisionerjobs", func(r chi.Router) {
					r.Get("/", api.provisionerJobs)
					r.With(httpmw.ExtractProvisionerJobParam(api.Database)).Get("/{job}", api.provisionerJob)
				})
				r.Get("/provisionerdaemons", api.provisionerDaemons)
				r.Route("/settings/idpsync", func(r chi.Router) {
					r.Get("/groups", api.groupIDPSyncSettings)
					r.Patch("/groups", api.patchGroupIDPSyncSettings)
					r.Patch("/groups/config", api.patchGroupIDPSyncConfig)
					r.Patch("/groups/mapping", api.patchGroupIDPSyncMapping)
					r.Get("/roles", api.roleIDPSyncSettings)
					r.Patch("/roles", api.patchRoleIDPSyncSettings)
					r.Patch("/roles/config", api.patchRoleIDPSyncConfig)
					r.Patch("/roles/mapping", api.patchRoleIDPSyncMapping)
				})
			})
		})

		r.Route("/files", func(r chi.Router) {
			r.Use(apiKey)
			r.Post("/", api.postFile)
			r.With(httpmw.ExtractFileParam(api.Database)).Get("/{fileID}", api.fileByID)
		})

		r.Route("/templates", func(r chi.Router) {
			r.Use(apiKey)
			r.Get("/", api.fetchTemplates)
			r.Get("/examples", api.templateExamples)
			r.Route("/{template}", func(r chi.Router) {
				r.Use(httpmw.ExtractTemplateParam(api.Database))
				r.Get("/", api.template)
				r.Patch("/", api.patchTemplateMeta)
				r.Delete("/", api.deleteTemplate)
				r.Get("/daus", api.templateDAUs)
				r.Get("/acl", api.templateACL)
				r.Patch("/acl", api.patchTemplateACL)
				r.Get("/acl/available", api.templateACLAvailable)
				r.Route("/versions", func(r chi.Router) {
					r.Get("/", api.templateVersionsByTemplate)
					r.Patch("/", api.patchActiveTemplateVersion)
					r.Post("/archive", api.postArchiveTemplateVersions)
					r.With(httpmw.ExtractTemplateVersionByNameParam(api.Database)).Get("/{templateversionname}", api.templateVersionByName)
				})
			})
		})

		r.Route("/workspaces", func(r chi.Router) {
			r.Use(apiKey)
			r.Get("/", api.workspaces)
			r.Route("/{workspace}", func(r chi.Router) {
				r.Use(httpmw.ExtractWorkspaceParam(api.Database))
				r.Get("/", api.workspace)
				r.Patch("/", api.patchWorkspace)
				r.Get("/builds", api.workspaceBuilds)
				r.Post("/builds", api.postWorkspaceBuilds)
				r.Get("/acl", api.workspaceACL)
				r.Patch("/acl", api.patchWorkspaceACL)
				r.Delete("/acl", api.deleteWorkspaceACL)
				r.Put("/autostart", api.putWorkspaceAutostart)
				r.Put("/ttl", api.putWorkspaceTTL)
				r.Put("/extend", api.putExtendWorkspace)
				r.Put("/dormant", api.putWorkspaceDormant)
				r.Put("/autoupdates", api.putWorkspaceAutoupdates)
				r.Post("/usage", api.postWorkspaceUsage)
				r.Get("/resolve-autostart", api.resolveAutostart)
				r.Get("/timings", api.workspaceTimings)
				r.Get("/port-share", api.workspacePortShares)
				r.Post("/port-share", api.postWorkspacePortShare)
				r.Delete("/port-share", api.deleteWorkspacePortShare)
				r.Put("/favorite", api.putFavoriteWorkspace)
				r.Delete("/favorite", api.deleteFavoriteWorkspace)
				r.Get("/watch", api.watchWorkspaceSSE)
				r.Get("/watch-ws", api.watchWorkspaceWS)
			})
		})

		r.Route("/workspaceagents", func(r chi.Router) {
			r.Route("/me", func(r chi.Router) {
				r.Use(httpmw.ExtractWorkspaceAgent(api.Agents))
				r.Get("/rpc", api.workspaceAgentRPC)
				api.agentMeRoutes(r)
			})
			r.Route("/{workspaceagent}", func(r chi.Router) {
				r.Use(apiKey, httpmw.ExtractWorkspaceAgentParam(api.Database))
				r.Get("/", api.workspaceAgent)
				r.Get("/logs", api.workspaceAgentLogs)
				r.Get("/watch-metadata", api.watchWorkspaceAgentMetadata)
				r.Get("/listening-ports", api.workspaceAgentListeningPorts)
				r.Get("/ssh", api.workspaceAgentSSH)
				r.Get("/port-forward", api.workspaceAgentPortForward)
				r.Get("/pty", api.workspaceAgentPTY)
			})
		})

		r.Route("/workspacebuilds/{workspacebuild}", func(r chi.Router) {
			r.Use(apiKey, httpmw.ExtractWorkspaceBuildParam(api.Database))
			r.Get("/", api.workspaceBuild)
			r.Get("/logs", api.workspaceBuildLogs)
			r.Get("/parameters", api.workspaceBuildParameters)
			r.Get("/resources", api.workspaceBuildResources)
			r.Get("/state", api.workspaceBuildState)
			r.Patch("/cancel", api.patchCancelWorkspaceBuild)
		})

		r.Route("/templateversions/{templateversion}", func(r chi.Router) {
			r.Use(apiKey, httpmw.ExtractTemplateVersionParam(api.Database))
			r.Get("/", api.templateVersion)
			r.Patch("/", api.patchTemplateVersion)
			r.Patch("/cancel", api.patchCancelTemplateVersion)
			r.Post("/archive", api.postArchiveTemplateVersion)
			r.Post("/unarchive", api.postUnarchiveTemplateVersion)
			r.Get("/logs", api.templateVersionLogs)
			r.Get("/resources", api.templateVersionResources)
			r.Get("/rich-parameters", api.templateVersionRichParameters)
			r.Get("/variables", api.templateVersionVariables)
			r.Get("/presets", api.templateVersionPresets)
			r.Get("/external-auth", api.templateVersionExternalAuth)
			r.Post("/dry-run", api.postTemplateVersionDryRun)
			r.Route("/dry-run/{jobID}", func(r chi.Router) {
				r.Use(api.extractDryRunJob())
				r.Get("/", api.templateVersionDryRun)
				r.Get("/logs", api.templateVersionDryRunLogs)
				r.Get("/resources", api.templateVersionDryRunResources)
				r.Get("/matched-provisioners", api.templateVersionDryRunMatchedProvisioners)
				r.Patch("/cancel", api.patchTemplateVersionDryRunCancel)
			})
		})

		r.Route("/groups", func(r chi.Router) {
			r.Use(apiKey)
			r.Get("/", api.groups)
			r.Route("/{group}", func(r chi.Router) {
				r.Use(httpmw.ExtractGroupParam(api.Database))
				r.Get("/", api.group)
				r.Patch("/", api.patchGroup)
				r.Delete("/", api.deleteGroup)
			})
		})

		r.Route("/users", func(r chi.Router) {
			r.Get("/first", api.firstUser)
			r.Post("/first", api.postFirstUser)
			r.Get("/authmethods", api.userAuthMethods)
			r.Post("/login", api.postLogin)
			r.Get("/oidc/callback", api.userOIDCCallback)
			r.Get("/oauth2/github/callback", api.userGithubCallback)
			r.Post("/validate-password", api.validateUserPassword)

			r.Group(func(r chi.Router) {
				r.Use(apiKey)
				r.Post("/logout", api.postLogout)
				r.Get("/", api.users)
				r.Post("/", api.postUser)
				r.Get("/roles", api.assignableSiteRoles)
				r.Route("/{user}", func(r chi.Router) {
					r.Use(httpmw.ExtractUserParam(api.Database))
					r.Get("/", api.userByName)
					r.Delete("/", api.deleteUser)
					r.Put("/profile", api.putUserProfile)
					r.Put("/password", api.putUserPassword)
					r.Put("/status/activate", api.putUserActivate)
					r.Put("/status/suspend", api.putUserSuspend)
					r.Get("/roles", api.userRoles)
					r.Put("/roles", api.putUserRoles)
					r.Get("/login-type", api.userLoginType)
					r.Post("/convert-login", api.postConvertLoginType)
					r.Get("/appearance", api.userAppearanceSettings)
					r.Put("/appearance", api.putUserAppearanceSettings)
					r.Get("/organizations", api.organizationsByUser)
					r.With(httpmw.ExtractOrganizationByNameParam(api.Database)).Get("/organizations/{organizationname}", api.organizationByUserAndName)
					r.Post("/workspaces", api.postUserWorkspaces)
					r.Route("/workspace/{workspacename}", func(r chi.Router) {
						r.Use(httpmw.ExtractWorkspaceByNameParam(api.Database))
						r.Get("/", api.workspaceByOwnerAndName)
						r.With(httpmw.ExtractWorkspaceBuildByNumberParam(api.Database)).Get("/builds/{buildnumber}", api.workspaceBuildByBuildNumber)
					})
					r.Get("/gitsshkey", api.gitSSHKey)
					r.Put("/gitsshkey", api.regenerateGitSSHKey)
					r.Route("/keys", func(r chi.Router) {
						r.Post("/", api.postAPIKey)
						r.Route("/tokens", func(r chi.Router) {
							r.Post("/", api.postToken)
							r.Get("/", api.tokens)
							r.Get("/tokenconfig", api.tokenConfig)
							r.With(httpmw.ExtractAPIKeyByNameParam(api.Database)).Get("/{keyname}", api.apiKeyByName)
						})
						r.Route("/{keyid}", func(r chi.Router) {
							r.Use(httpmw.ExtractAPIKeyParam(api.Database))
							r.Get("/", api.apiKeyByID)
							r.Delete("/", api.deleteAPIKey)
						})
					})
				})
			})
		})
	})
	return r
}

// Routes returns the chi router, for tests and tools that walk it.
func (api *API) Routes() chi.Routes {
	routes, _ := api.handler.(chi.Routes)
	return routes
}

// streamingRoutes hold their response open while the client listens (see
// httpmw.MarkStreaming); the value says whether the route streams only
// with ?follow.
var streamingRoutes = map[string]bool{
	"/api/v2/debug/ws":                                                false,
	"/api/v2/workspaces/{workspace}/watch":                            false,
	"/api/v2/workspaces/{workspace}/watch-ws":                         false,
	"/api/v2/workspacebuilds/{workspacebuild}/logs":                   true,
	"/api/v2/workspaceagents/me/rpc":                                  false,
	"/api/v2/workspaceagents/{workspaceagent}/logs":                   true,
	"/api/v2/workspaceagents/{workspaceagent}/watch-metadata":         false,
	"/api/v2/workspaceagents/{workspaceagent}/ssh":                    false,
	"/api/v2/workspaceagents/{workspaceagent}/port-forward":           false,
	"/api/v2/workspaceagents/{workspaceagent}/pty":                    false,
	"/api/v2/replicas/relay/agents/{workspaceagent}":                  false,
	"/api/v2/templateversions/{templateversion}/logs":                 true,
	"/api/v2/templateversions/{templateversion}/dry-run/{jobID}/logs": true,
}

// StreamingRoutes lists the patterns of streamingRoutes, for the test that
// checks each is still a route.
func StreamingRoutes() []string {
	return slices.Sorted(maps.Keys(streamingRoutes))
}

func (api *API) isStreaming(r *http.Request) bool {
	routes := api.Routes()
	if r.Method != http.MethodGet || routes == nil {
		return false
	}
	path := r.URL.RawPath
	if path == "" {
		path = r.URL.Path
	}
	needsFollow, ok := streamingRoutes[routes.Find(chi.NewRouteContext(), r.Method, path)]
	if !ok || !needsFollow {
		return ok
	}
	vals, ok := r.URL.Query()["follow"]
	if !ok {
		return false
	}
	follow, err := strconv.ParseBool(vals[0])
	return vals[0] == "" || (err == nil && follow)
}

// rateLimiter limits each caller to --api-rate-limit requests per minute
// across every replica: per user once the token is verified (all of a
// user's tokens share one budget), per client address otherwise. A
// negative limit or --dangerous-disable-rate-limits turns it off (nil).
func (api *API) rateLimiter() *httpmw.RateLimiter {
	limit := api.DeploymentValues.RateLimit.API.Value()
	if api.DeploymentValues.RateLimit.DisableAll.Value() || limit <= 0 {
		return nil
	}
	return httpmw.NewSharedRateLimiter(int(limit), time.Minute, api.Database, api.Logger.Named("ratelimit"))
}
