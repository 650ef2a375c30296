package codersdk

import (
	"time"

	"github.com/coder/serpent"
)

// DeploymentValues is the whole server configuration. Every field is bound to
// one serpent option (flag, CODER_ env var and YAML key) by Options, so the
// same struct is parsed from the command line, served by
// GET /deployment/config and decoded by clients.
type DeploymentValues struct {
	Verbose        serpent.Bool        `json:"verbose,omitempty"`
	AccessURL      serpent.URL         `json:"access_url,omitempty" swaggertype:"string" format:"uri"`
	HTTPAddress    serpent.String      `json:"http_address,omitempty" typescript:",notnull"`
	PostgresURL    serpent.String      `json:"pg_connection_url,omitempty" typescript:",notnull"`
	ConfigDir      serpent.String      `json:"config_directory,omitempty"`
	CacheDir       serpent.String      `json:"cache_directory,omitempty"`
	Logging        LoggingConfig       `json:"logging,omitempty"`
	Swagger        SwaggerConfig       `json:"swagger,omitempty"`
	Experiments    serpent.StringArray `json:"experiments,omitempty"`
	SessionConfig  SessionLifetime     `json:"session_lifetime,omitempty"`
	RateLimit      RateLimitConfig     `json:"rate_limit,omitempty"`
	LatestVersion  serpent.String      `json:"latest_version,omitempty"`
	ShutdownGrace  serpent.Duration    `json:"shutdown_grace_period,omitempty" swaggertype:"integer" format:"int64"`
	Provisioner    ProvisionerConfig   `json:"provisioner,omitempty"`
	SSHConfig      SSHConfig           `json:"config_ssh,omitempty"`
	HostnameSuffix serpent.String      `json:"workspace_hostname_suffix,omitempty"`
	// AllowWorkspaceRenames lets owners rename workspaces. Off by default:
	// templates may use the name for infrastructure that a rename would
	// orphan.
	AllowWorkspaceRenames serpent.Bool `json:"allow_workspace_renames,omitempty"`

	// RedirectToAccessURL sends requests for another host, or plain HTTP
	// when the server terminates TLS and the access URL is https, to the
	// access URL.
	RedirectToAccessURL            serpent.Bool        `json:"redirect_to_access_url,omitempty"`
	TLS                            TLSConfig           `json:"tls,omitempty"`
	StrictTransportSecurity        serpent.Int64       `json:"strict_transport_security,omitempty"`
	StrictTransportSecurityOptions serpent.StringArray `json:"strict_transport_security_options,omitempty"`

	// ProxyTrustedHeaders and ProxyTrustedOrigins say when a request's
	// client address is taken from a forwarding header instead of the TCP
	// peer: only for the named headers, and only from peers in the CIDRs.
	ProxyTrustedHeaders serpent.StringArray `json:"proxy_trusted_headers,omitempty" typescript:",notnull"`
	ProxyTrustedOrigins serpent.StringArray `json:"proxy_trusted_origins,omitempty" typescript:",notnull"`

	// AutobuildPollInterval is how often the lifecycle executor looks for
	// workspaces to start, stop, mark dormant or delete.
	AutobuildPollInterval serpent.Duration       `json:"autobuild_poll_interval,omitempty" swaggertype:"integer" format:"int64"`
	Replicas              ReplicaConfig          `json:"replicas,omitempty"`
	Prometheus            PrometheusConfig       `json:"prometheus,omitempty"`
	Pprof                 PprofConfig            `json:"pprof,omitempty"`
	Config                serpent.YAMLConfigPath `json:"config,omitempty"`
	// OIDC and OAuth2 are single sign-on (deployment_sso.go).
	OIDC        OIDCConfig   `json:"oidc,omitempty"`
	OAuth2      OAuth2Config `json:"oauth2,omitempty"`
	WriteConfig serpent.Bool `json:"write_config,omitempty"`

	// WildcardAccessURL is the host pattern of subdomain apps, e.g.
	// "*.apps.example.com"; empty serves apps by path only.
	WildcardAccessURL serpent.String `json:"wildcard_access_url,omitempty"`
}

// TLSConfig is the server's own HTTPS listener. Certificates are read again
// on SIGHUP.
type TLSConfig struct {
	Enable       serpent.Bool        `json:"enable,omitempty"`
	Address      serpent.String      `json:"address,omitempty"`
	CertFiles    serpent.StringArray `json:"cert_file,omitempty"`
	KeyFiles     serpent.StringArray `json:"key_file,omitempty"`
	MinVersion   serpent.String      `json:"min_version,omitempty"`
	ClientAuth   serpent.String      `json:"client_auth,omitempty"`
	ClientCAFile serpent.String      `json:"client_ca_file,omitempty"`
}

// ProvisionerConfig sizes the server's own provisioner daemons.
type ProvisionerConfig struct {
	Daemons            serpent.Int64    `json:"daemons,omitempty"`
	DaemonPollInterval serpent.Duration `json:"daemon_poll_interval,omitempty" swaggertype:"integer" format:"int64"`
	TerraformPath      serpent.String   `json:"terraform_path,omitempty"`
	// Where Terraform takes providers from; see the options' descriptions.
	TerraformOffline          serpent.Bool     `json:"terraform_offline,omitempty"`
	TerraformNetworkMirrorURL serpent.String   `json:"terraform_network_mirror_url,omitempty"`
	TerraformPluginCacheDir   serpent.String   `json:"terraform_plugin_cache_dir,omitempty"`
	TerraformProvidersDir     serpent.String   `json:"terraform_providers_dir,omitempty"`
	HangTimeout               serpent.Duration `json:"hang_timeout,omitempty" swaggertype:"integer" format:"int64"`
}

// ReplicaConfig is how this server process appears in the replica
// registry, and how fast a lost replica is noticed.
type ReplicaConfig struct {
	HeartbeatInterval serpent.Duration `json:"heartbeat_interval,omitempty" swaggertype:"integer" format:"int64"`
	RegionID          serpent.Int64    `json:"region_id,omitempty"`
	RelayURL          serpent.String   `json:"relay_url,omitempty"`
}

// PrometheusConfig serves the server's metrics on a listener of its own.
type PrometheusConfig struct {
	Enable           serpent.Bool     `json:"enable,omitempty"`
	Address          serpent.HostPort `json:"address,omitempty" typescript:",notnull" swaggertype:"string" example:"127.0.0.1:2112"`
	CollectDBMetrics serpent.Bool     `json:"collect_db_metrics,omitempty"`
	// RefreshInterval is how often the deployment-wide counts (jobs,
	// workspaces) are read from the database.
	RefreshInterval serpent.Duration `json:"refresh_interval,omitempty" swaggertype:"integer" format:"int64"`
}

// PprofConfig serves Go's profiler on a listener of its own.
type PprofConfig struct {
	Enable  serpent.Bool     `json:"enable,omitempty"`
	Address serpent.HostPort `json:"address,omitempty" typescript:",notnull" swaggertype:"string" example:"127.0.0.1:6060"`
}

// SSHConfig is what `coder config-ssh` writes into users' SSH configs.
type SSHConfig struct {
	DeploymentName   serpent.String      `json:"deploymentName,omitempty"`
	SSHConfigOptions serpent.StringArray `json:"sshconfigOptions,omitempty"`
}

// LoggingConfig says where logs go and in which format.
type LoggingConfig struct {
	Human serpent.String `json:"human,omitempty"`
	JSON  serpent.String `json:"json,omitempty"`
}

// SwaggerConfig controls the /swagger API explorer.
type SwaggerConfig struct {
	Enable serpent.Bool `json:"enable,omitempty"`
}

// SessionLifetime bounds how long API keys live.
type SessionLifetime struct {
	DisableExpiryRefresh serpent.Bool     `json:"disable_expiry_refresh,omitempty"`
	DefaultDuration      serpent.Duration `json:"default_duration,omitempty" swaggertype:"integer" format:"int64"`
	MaximumTokenDuration serpent.Duration `json:"max_token_lifetime,omitempty" swaggertype:"integer" format:"int64"`
}

// RateLimitConfig limits requests per user per minute.
type RateLimitConfig struct {
	DisableAll serpent.Bool  `json:"disable_all,omitempty"`
	API        serpent.Int64 `json:"api,omitempty"`
}

// DeploymentConfig is the body of GET /deployment/config: the values and the
// option set that says where each value came from.
type DeploymentConfig struct {
	Values  *DeploymentValues `json:"config,omitempty"`
	Options serpent.OptionSet `json:"options,omitempty"`
}

// AnnotationSecret marks an option whose value is never shown to clients.
const AnnotationSecret = "secret"

// IsSecret reports whether opt carries a secret value.
func IsSecret(opt serpent.Option) bool {
	return opt.Annotations.IsSet(AnnotationSecret)
}

var (
	groupNetworking = &serpent.Group{
		Name:        "Networking",
		YAML:        "networking",
		Description: "How the server is reached.",
	}
	groupHTTP = &serpent.Group{
		Parent:      groupNetworking,
		Name:        "HTTP",
		YAML:        "http",
		Description: "The HTTP listener.",
	}
	groupTLS = &serpent.Group{
		Parent:      groupNetworking,
		Name:        "TLS",
		YAML:        "tls",
		Description: "The HTTPS listener. Certificates and keys are read again when the server gets SIGHUP.",
	}
	groupLogging = &serpent.Group{
		Name:        "Logging",
		YAML:        "logging",
		Description: "Where and how the server logs.",
	}
	groupDatabase = &serpent.Group{
		Name:        "Database",
		YAML:        "database",
		Description: "The PostgreSQL database that holds all state.",
	}
	groupAuth = &serpent.Group{
		Name:        "Authentication",
		YAML:        "authentication",
		Description: "Sessions and API tokens.",
	}
	groupRateLimit = &serpent.Group{
		Name:        "Rate Limiting",
		YAML:        "rateLimiting",
		Description: "Per-user request limits.",
	}
	groupProvisioning = &serpent.Group{
		Name:        "Provisioning",
		YAML:        "provisioning",
		Description: "The daemons that run template imports and workspace builds.",
	}
	groupReplicas = &serpent.Group{
		Name:        "Replicas",
		YAML:        "replicas",
		Description: "Several server processes sharing one database.",
	}
	groupClient = &serpent.Group{
		Name:        "Client",
		YAML:        "client",
		Description: "Settings the server hands to clients.",
	}
	groupIntrospection = &serpent.Group{
		Name:        "Introspection",
		YAML:        "introspection",
		Description: "Ways to look inside the running server.",
	}
	groupPrometheus = &serpent.Group{
		Parent:      groupIntrospection,
		Name:        "Prometheus",
		YAML:        "prometheus",
		Description: "Metrics for Prometheus, on a listener of their own.",
	}
	groupPprof = &serpent.Group{
		Parent:      groupIntrospection,
		Name:        "pprof",
		YAML:        "pprof",
		Description: "Go's profiler, on a listener of its own.",
	}
)

// DefaultTLSAddress is where the HTTPS listener binds unless told otherwise.
const DefaultTLSAddress = "127.0.0.1:3443"

// DefaultHTTPAddress is where the server listens unless told otherwise.
const DefaultHTTPAddress = "127.0.0.1:3000"

// Options binds every field of c to its flag, env var and YAML key. Defaults
// that depend on the machine (directories) are passed in by the caller so the
// option set stays deterministic for documentation.
func (c *DeploymentValues) Options() serpent.OptionSet {
	secret := serpent.Annotations{}.Mark(AnnotationSecret, "true")
	return append(serpent.OptionSet{
		{
			Name:        "Access URL",
			Description: "The URL that users use to reach this deployment. Defaults to https:// plus the TLS address when TLS is enabled, else http:// plus the HTTP address.",
			Flag:        "access-url",
			Env:         "CODER_ACCESS_URL",
			YAML:        "accessURL",
			Value:       &c.AccessURL,
			Group:       groupNetworking,
		},
		{
			Name:        "Wildcard Access URL",
			Description: "Host pattern of subdomain apps, e.g. \"*.apps.example.com\": an app or port is served at {app}--{agent}--{workspace}--{owner} in place of the *. Its DNS and TLS certificate must cover the pattern. Empty serves apps by path only.",
			Flag:        "wildcard-access-url",
			Env:         "CODER_WILDCARD_ACCESS_URL",
			YAML:        "wildcardAccessURL",
			Value:       &c.WildcardAccessURL,
			Group:       groupNetworking,
		},
		{
			Name:        "Proxy Trusted Headers",
			Description: "Headers to trust for forwarding IP addresses. e.g. Cf-Connecting-Ip, True-Client-Ip, X-Forwarded-For, X-Real-Ip. Used only for requests from --proxy-trusted-origins.",
			Flag:        "proxy-trusted-headers",
			Env:         "CODER_PROXY_TRUSTED_HEADERS",
			YAML:        "proxyTrustedHeaders",
			Value:       &c.ProxyTrustedHeaders,
			Group:       groupNetworking,
		},
		{
			Name:        "Proxy Trusted Origins",
			Description: "Origin addresses to respect \"proxy-trusted-headers\", as CIDRs or single IPs. e.g. 192.168.1.0/24.",
			Flag:        "proxy-trusted-origins",
			Env:         "CODER_PROXY_TRUSTED_ORIGINS",
			YAML:        "proxyTrustedOrigins",
			Value:       &c.ProxyTrustedOrigins,
			Group:       groupNetworking,
		},
		{
			Name:        "HTTP Address",
			Description: "HTTP bind address of the server. Empty disables the HTTP listener (then --tls-enable is required).",
			Flag:        "http-address",
			Env:         "CODER_HTTP_ADDRESS",
			YAML:        "httpAddress",
			Default:     DefaultHTTPAddress,
			Value:       &c.HTTPAddress,
			Group:       groupHTTP,
		},
		{
			Name:        "Redirect to Access URL",
			Description: "Redirect (307) requests whose host is not the access URL's, and, when TLS is enabled and the access URL is https, every plain HTTP request, to the same path under the access URL. /healthz is never redirected.",
			Flag:        "redirect-to-access-url",
			Env:         "CODER_REDIRECT_TO_ACCESS_URL",
			YAML:        "redirectToAccessURL",
			Value:       &c.RedirectToAccessURL,
			Group:       groupNetworking,
		},
		{
			Name:        "TLS Enable",
			Description: "Serve HTTPS on --tls-address. With an empty --http-address only HTTPS is served.",
			Flag:        "tls-enable",
			Env:         "CODER_TLS_ENABLE",
			YAML:        "enable",
			Value:       &c.TLS.Enable,
			Group:       groupTLS,
		},
		{
			Name:        "TLS Address",
			Description: "HTTPS bind address of the server.",
			Flag:        "tls-address",
			Env:         "CODER_TLS_ADDRESS",
			YAML:        "address",
			Default:     DefaultTLSAddress,
			Value:       &c.TLS.Address,
			Group:       groupTLS,
		},
		{
			Name:        "TLS Certificate Files",
			Description: "PEM certificate chains, each paired with the --tls-key-file at the same position. With several, the one matching the client's server name (SNI) is used, else the first.",
			Flag:        "tls-cert-file",
			Env:         "CODER_TLS_CERT_FILE",
			YAML:        "certFiles",
			Value:       &c.TLS.CertFiles,
			Group:       groupTLS,
		},
		{
			Name:        "TLS Key Files",
			Description: "PEM private keys, one per --tls-cert-file.",
			Flag:        "tls-key-file",
			Env:         "CODER_TLS_KEY_FILE",
			YAML:        "keyFiles",
			Value:       &c.TLS.KeyFiles,
			Group:       groupTLS,
		},
		{
			Name:        "TLS Minimum Version",
			Description: "The oldest TLS version accepted: tls10, tls11, tls12 or tls13.",
			Flag:        "tls-min-version",
			Env:         "CODER_TLS_MIN_VERSION",
			YAML:        "minVersion",
			Default:     "tls12",
			Value:       &c.TLS.MinVersion,
			Group:       groupTLS,
		},
		{
			Name:        "TLS Client Auth",
			Description: "Whether clients must present a certificate: none, request, require-any, verify-if-given or require-and-verify (the last two check it against --tls-client-ca-file).",
			Flag:        "tls-client-auth",
			Env:         "CODER_TLS_CLIENT_AUTH",
			YAML:        "clientAuth",
			Default:     "none",
			Value:       &c.TLS.ClientAuth,
			Group:       groupTLS,
		},
		{
			Name:        "TLS Client CA File",
			Description: "PEM file of the certificate authorities that client certificates must chain to.",
			Flag:        "tls-client-ca-file",
			Env:         "CODER_TLS_CLIENT_CA_FILE",
			YAML:        "clientCAFile",
			Value:       &c.TLS.ClientCAFile,
			Group:       groupTLS,
		},
		{
			Name:        "Strict-Transport-Security",
			Description: "The max-age, in seconds, of the Strict-Transport-Security header sent on every response when the access URL is https; 0 sends no header. Browsers then refuse plain HTTP and certificate warnings for that long, so set it once HTTPS works.",
			Flag:        "strict-transport-security",
			Env:         "CODER_STRICT_TRANSPORT_SECURITY",
			YAML:        "strictTransportSecurity",
			Default:     "0",
			Value:       &c.StrictTransportSecurity,
			Group:       groupTLS,
		},
		{
			Name:        "Strict-Transport-Security Options",
			Description: "Directives added to the Strict-Transport-Security header: includeSubDomains, preload.",
			Flag:        "strict-transport-security-options",
			Env:         "CODER_STRICT_TRANSPORT_SECURITY_OPTIONS",
			YAML:        "strictTransportSecurityOptions",
			Value:       &c.StrictTransportSecurityOptions,
			Group:       groupTLS,
		},
		{
			Name:        "Postgres Connection URL",
			Description: "URL of a PostgreSQL database. If empty, a built-in PostgreSQL is started under the config directory (needs the PostgreSQL server binaries).",
			Flag:        "postgres-url",
			Env:         "CODER_PG_CONNECTION_URL",
			YAML:        "pgConnectionURL",
			Value:       &c.PostgresURL,
			Group:       groupDatabase,
			Annotations: secret,
		},
		{
			Name:        "Config Directory",
			Description: "Where the server keeps its state, including the built-in PostgreSQL cluster. Defaults to ~/.config/coderv2, or /var/lib/coderv2 when running as root (the built-in database runs as the postgres user, which cannot enter root's home).",
			Flag:        "config-dir",
			Env:         "CODER_CONFIG_DIR",
			YAML:        "configDir",
			Value:       &c.ConfigDir,
		},
		{
			Name:        "Cache Directory",
			Description: "Where the server keeps data that can be rebuilt, such as provisioner working directories and the Terraform provider mirror. Defaults to ~/.cache/coder.",
			Flag:        "cache-dir",
			Env:         "CODER_CACHE_DIRECTORY",
			YAML:        "cacheDir",
			Value:       &c.CacheDir,
		},
		{
			Name:          "Config Path",
			Description:   "Path to a YAML file with option values. Flags and environment variables override it.",
			Flag:          "config",
			FlagShorthand: "c",
			Env:           "CODER_CONFIG_PATH",
			Value:         &c.Config,
		},
		{
			Name:        "Write Config",
			Description: "Print the effective configuration as YAML and exit.",
			Flag:        "write-config",
			Value:       &c.WriteConfig,
		},
		{
			Name:          "Verbose",
			Description:   "Log debug messages.",
			Flag:          "verbose",
			FlagShorthand: "v",
			Env:           "CODER_VERBOSE",
			YAML:          "verbose",
			Value:         &c.Verbose,
			Group:         groupLogging,
		},
		{
			Name:        "Human Log Location",
			Description: "Where to write human-readable logs. \"/dev/stderr\" and \"/dev/stdout\" name the standard streams; empty disables them. When --log-json is given and this is not, human logs are off.",
			Flag:        "log-human",
			Env:         "CODER_LOGGING_HUMAN",
			YAML:        "humanPath",
			Default:     "/dev/stderr",
			Value:       &c.Logging.Human,
			Group:       groupLogging,
		},
		{
			Name:        "JSON Log Location",
			Description: "Where to write JSON logs, one object per line. \"/dev/stderr\" and \"/dev/stdout\" name the standard streams.",
			Flag:        "log-json",
			Env:         "CODER_LOGGING_JSON",
			YAML:        "jsonPath",
			Value:       &c.Logging.JSON,
			Group:       groupLogging,
		},
		{
			Name:        "Swagger Enable",
			Description: "Serve the Swagger API explorer at /swagger and the spec at /swagger/doc.json.",
			Flag:        "swagger-enable",
			Env:         "CODER_SWAGGER_ENABLE",
			YAML:        "enableSwagger",
			Value:       &c.Swagger.Enable,
			Group:       groupIntrospection,
		},
		{
			Name:        "Prometheus Enable",
			Description: "Serve Prometheus metrics on the address set by --prometheus-address.",
			Flag:        "prometheus-enable",
			Env:         "CODER_PROMETHEUS_ENABLE",
			YAML:        "enable",
			Value:       &c.Prometheus.Enable,
			Group:       groupPrometheus,
		},
		{
			Name:        "Prometheus Address",
			Description: "The bind address of the metrics listener (any path answers). Keep it off the public network.",
			Flag:        "prometheus-address",
			Env:         "CODER_PROMETHEUS_ADDRESS",
			YAML:        "address",
			Default:     "127.0.0.1:2112",
			Value:       &c.Prometheus.Address,
			Group:       groupPrometheus,
		},
		{
			Name:        "Prometheus Collect Database Metrics",
			Description: "Also export each database query's latency, labeled with the query's name (about 200 series of histogram buckets more).",
			Flag:        "prometheus-collect-db-metrics",
			Env:         "CODER_PROMETHEUS_COLLECT_DB_METRICS",
			YAML:        "collect_db_metrics",
			Default:     "false",
			Value:       &c.Prometheus.CollectDBMetrics,
			Group:       groupPrometheus,
		},
		{
			Name:        "Prometheus Refresh Interval",
			Description: "How often the deployment-wide gauges (provisioner jobs queued and running, workspaces by status and template) are read from the database.",
			Flag:        "prometheus-refresh-interval",
			Env:         "CODER_PROMETHEUS_REFRESH_INTERVAL",
			YAML:        "refresh_interval",
			Default:     (15 * time.Second).String(),
			Value:       &c.Prometheus.RefreshInterval,
			Group:       groupPrometheus,
			Hidden:      true,
		},
		{
			Name:        "pprof Enable",
			Description: "Serve Go's profiler (net/http/pprof) at /debug/pprof/ on the address set by --pprof-address.",
			Flag:        "pprof-enable",
			Env:         "CODER_PPROF_ENABLE",
			YAML:        "enable",
			Value:       &c.Pprof.Enable,
			Group:       groupPprof,
		},
		{
			Name:        "pprof Address",
			Description: "The bind address of the profiler's listener. Keep it on loopback: profiles show the server's internals.",
			Flag:        "pprof-address",
			Env:         "CODER_PPROF_ADDRESS",
			YAML:        "address",
			Default:     "127.0.0.1:6060",
			Value:       &c.Pprof.Address,
			Group:       groupPprof,
		},
		{
			Name:        "Experiments",
			Description: "Comma-separated experiments to enable; '*' enables all safe ones.",
			Flag:        "experiments",
			Env:         "CODER_EXPERIMENTS",
			YAML:        "experiments",
			Value:       &c.Experiments,
		},
		{
			Name:        "Session Duration",
			Description: "How long a browser or CLI login session stays valid without use.",
			Flag:        "session-duration",
			Env:         "CODER_SESSION_DURATION",
			YAML:        "sessionDuration",
			Default:     (24 * time.Hour).String(),
			Value:       &c.SessionConfig.DefaultDuration,
			Group:       groupAuth,
		},
		{
			Name:        "Maximum Token Lifetime",
			Description: "The longest lifetime a user may give an API token.",
			Flag:        "max-token-lifetime",
			Env:         "CODER_MAX_TOKEN_LIFETIME",
			YAML:        "maxTokenLifetime",
			Default:     (30 * 24 * time.Hour).String(),
			Value:       &c.SessionConfig.MaximumTokenDuration,
			Group:       groupAuth,
		},
		{
			Name:        "Disable Session Expiry Refresh",
			Description: "Do not extend a session's expiry when it is used.",
			Flag:        "disable-session-expiry-refresh",
			Env:         "CODER_DISABLE_SESSION_EXPIRY_REFRESH",
			YAML:        "disableSessionExpiryRefresh",
			Value:       &c.SessionConfig.DisableExpiryRefresh,
			Group:       groupAuth,
		},
		{
			Name:        "Provisioner Daemons",
			Description: "Number of provisioner daemons to run inside the server; each runs one job at a time. 0 leaves jobs to external daemons.",
			Flag:        "provisioner-daemons",
			Env:         "CODER_PROVISIONER_DAEMONS",
			YAML:        "daemons",
			Default:     "3",
			Value:       &c.Provisioner.Daemons,
			Group:       groupProvisioning,
		},
		{
			Name:        "Poll Interval",
			Description: "How often an idle daemon looks for jobs in case it missed the notification that wakes it (normally jobs start within milliseconds).",
			Flag:        "provisioner-daemon-poll-interval",
			Env:         "CODER_PROVISIONER_DAEMON_POLL_INTERVAL",
			YAML:        "daemonPollInterval",
			Default:     time.Second.String(),
			Value:       &c.Provisioner.DaemonPollInterval,
			Group:       groupProvisioning,
		},
		{
			Name:        "Autobuild Poll Interval",
			Description: "How often the server looks for workspaces to start or stop on schedule, mark dormant, or delete. 0 turns scheduled builds off.",
			Flag:        "autobuild-poll-interval",
			Env:         "CODER_AUTOBUILD_POLL_INTERVAL",
			YAML:        "autobuildPollInterval",
			Default:     time.Minute.String(),
			Value:       &c.AutobuildPollInterval,
			Group:       groupProvisioning,
		},
		{
			Name:        "Allow Workspace Renames",
			Description: "Let workspace owners rename their workspaces. Renaming can orphan infrastructure whose Terraform uses the workspace name.",
			Flag:        "allow-workspace-renames",
			Env:         "CODER_ALLOW_WORKSPACE_RENAMES",
			YAML:        "allowWorkspaceRenames",
			Default:     "false",
			Value:       &c.AllowWorkspaceRenames,
			Group:       groupProvisioning,
		},
		{
			Name:        "Terraform Path",
			Description: "The terraform binary that runs Terraform templates (a name looked up in PATH, or a path).",
			Flag:        "terraform-path",
			Env:         "CODER_TERRAFORM_PATH",
			YAML:        "terraformPath",
			Default:     "terraform",
			Value:       &c.Provisioner.TerraformPath,
			Group:       groupProvisioning,
		},
		{
			Name:        "Terraform Providers Directory",
			Description: "A Terraform filesystem mirror (HOST/NAMESPACE/TYPE/VERSION/OS_ARCH layout) holding the coder/coder provider, which always comes from there, and in offline mode every other provider too. Defaults to terraform-providers beside the coder binary, where make build puts it.",
			Flag:        "terraform-providers-dir",
			Env:         "CODER_TERRAFORM_PROVIDERS_DIR",
			YAML:        "terraformProvidersDir",
			Value:       &c.Provisioner.TerraformProvidersDir,
			Group:       groupProvisioning,
		},
		{
			Name:        "Terraform Offline",
			Description: "Install Terraform providers only from the providers directory (--terraform-providers-dir) and never from the network; remote modules cannot be used. For air-gapped sites.",
			Flag:        "terraform-offline",
			Env:         "CODER_TERRAFORM_OFFLINE",
			YAML:        "terraformOffline",
			Default:     "false",
			Value:       &c.Provisioner.TerraformOffline,
			Group:       groupProvisioning,
		},
		{
			Name:        "Terraform Network Mirror URL",
			Description: "An https provider network mirror to install every provider other than coder/coder from, instead of its registry.",
			Flag:        "terraform-network-mirror-url",
			Env:         "CODER_TERRAFORM_NETWORK_MIRROR_URL",
			YAML:        "terraformNetworkMirrorURL",
			Value:       &c.Provisioner.TerraformNetworkMirrorURL,
			Group:       groupProvisioning,
		},
		{
			Name:        "Terraform Plugin Cache Directory",
			Description: "Terraform's provider plugin cache, shared by all provisioner jobs of this server so that each provider is downloaded once. Defaults to terraform-plugin-cache under the cache directory.",
			Flag:        "terraform-plugin-cache-dir",
			Env:         "CODER_TERRAFORM_PLUGIN_CACHE_DIR",
			YAML:        "terraformPluginCacheDir",
			Value:       &c.Provisioner.TerraformPluginCacheDir,
			Group:       groupProvisioning,
		},
		{
			Name:        "Hang Timeout",
			Description: "How long a running provisioner job may go without a heartbeat from its daemon before it is failed as hung. Jobs of a server replica that stopped heartbeating are settled sooner, by failover (--replica-heartbeat-interval).",
			Flag:        "provisioner-hang-timeout",
			Env:         "CODER_PROVISIONER_HANG_TIMEOUT",
			YAML:        "hangTimeout",
			Default:     (5 * time.Minute).String(),
			Value:       &c.Provisioner.HangTimeout,
			Group:       groupProvisioning,
		},
		{
			Name:        "Replica Heartbeat Interval",
			Description: "How often this server records in the database that it is alive. A replica that misses 3 heartbeats is presumed lost: another replica settles the provisioner jobs it held (builds failed, imports and dry runs queued again). Clocks of the replicas must agree well within 3 intervals.",
			Flag:        "replica-heartbeat-interval",
			Env:         "CODER_REPLICA_HEARTBEAT_INTERVAL",
			YAML:        "heartbeatInterval",
			Default:     (3 * time.Second).String(),
			Value:       &c.Replicas.HeartbeatInterval,
			Group:       groupReplicas,
		},
		{
			Name:        "Replica Region ID",
			Description: "The region this server runs in, reported by GET /replicas.",
			Flag:        "replica-region-id",
			Env:         "CODER_REPLICA_REGION_ID",
			YAML:        "regionID",
			Default:     "999",
			Value:       &c.Replicas.RegionID,
			Group:       groupReplicas,
		},
		{
			Name:        "Replica Relay URL",
			Description: "A URL at which other replicas reach this one directly (not through a load balancer), to relay terminal, SSH, app and port connections to the workspace agents connected here. Needed on every replica when there are several; when empty, the access URL is used only while a single replica is live. Reported by GET /replicas.",
			Flag:        "replica-relay-url",
			Env:         "CODER_REPLICA_RELAY_URL",
			YAML:        "relayURL",
			Value:       &c.Replicas.RelayURL,
			Group:       groupReplicas,
		},
		{
			Name:        "SSH Host Prefix",
			Description: "The SSH host name prefix clients put before workspace names (coder.<workspace>).",
			Flag:        "ssh-hostname-prefix",
			Env:         "CODER_SSH_HOSTNAME_PREFIX",
			YAML:        "sshHostnamePrefix",
			Default:     "coder.",
			Value:       &c.SSHConfig.DeploymentName,
			Group:       groupClient,
		},
		{
			Name:        "SSH Config Options",
			Description: "Extra SSH options (key=value) clients add to every workspace host entry.",
			Flag:        "ssh-config-options",
			Env:         "CODER_SSH_CONFIG_OPTIONS",
			YAML:        "sshConfigOptions",
			Value:       &c.SSHConfig.SSHConfigOptions,
			Group:       groupClient,
		},
		{
			Name:        "Workspace Hostname Suffix",
			Description: "The SSH host name suffix clients put after workspace names (<workspace>.<suffix>).",
			Flag:        "workspace-hostname-suffix",
			Env:         "CODER_WORKSPACE_HOSTNAME_SUFFIX",
			YAML:        "workspaceHostnameSuffix",
			Default:     "coder",
			Value:       &c.HostnameSuffix,
			Group:       groupClient,
		},
		{
			Name:        "Disable All Rate Limits",
			Description: "Turn off every rate limit. Only for load testing.",
			Flag:        "dangerous-disable-rate-limits",
			Env:         "CODER_DANGEROUS_DISABLE_RATE_LIMITS",
			Value:       &c.RateLimit.DisableAll,
			Group:       groupRateLimit,
			Hidden:      true,
		},
		{
			Name:        "API Rate Limit",
			Description: "Requests per minute allowed to each user, across all of its tokens and every replica (or to each IP address when unauthenticated); negative disables the limit.",
			Flag:        "api-rate-limit",
			Env:         "CODER_API_RATE_LIMIT",
			YAML:        "apiRateLimit",
			Default:     "512",
			Value:       &c.RateLimit.API,
			Group:       groupRateLimit,
		},
		{
			Name:        "Latest Version",
			Description: "The newest release this deployment's operators know of. GET /updatecheck reports the running version as out of date when this is newer; empty means the running version is current (the server never calls out to check).",
			Flag:        "latest-version",
			Env:         "CODER_LATEST_VERSION",
			YAML:        "latestVersion",
			Value:       &c.LatestVersion,
		},
		{
			Name:        "Shutdown Grace Period",
			Description: "How long a stopping server (SIGTERM, SIGINT) takes at most, whatever state its database is in: in-flight requests get all of it but the last third (at most the last 5s), in which the provisioner daemons, the pubsub, the database pool and the built-in PostgreSQL are stopped.",
			Flag:        "shutdown-grace-period",
			Env:         "CODER_SHUTDOWN_GRACE_PERIOD",
			YAML:        "shutdownGracePeriod",
			Default:     (15 * time.Second).String(),
			Value:       &c.ShutdownGrace,
			Group:       groupHTTP,
		},
	}, c.ssoOptions()...)
}

// NewDeploymentValues returns values with every default applied, and their
// option set. Tests and embedders start from it and change what they need.
func NewDeploymentValues() (*DeploymentValues, serpent.OptionSet, error) {
	vals := &DeploymentValues{}
	opts := vals.Options()
	if err := opts.SetDefaults(); err != nil {
		return nil, nil, err
	}
	return vals, opts, nil
}
