package codersdk

import (
	"github.com/coder/serpent"
	"github.com/google/uuid"
	"github.com/spf13/pflag"
)

// OIDCConfig is sign-in through an OpenID Connect provider, and the IdP sync
// defaults used until an administrator stores settings through the API.
// Field names and JSON keys are upstream's.
type OIDCConfig struct {
	AllowSignups              serpent.Bool                           `json:"allow_signups"`
	ClientID                  serpent.String                         `json:"client_id"`
	ClientSecret              serpent.String                         `json:"client_secret"`
	ClientKeyFile             serpent.String                         `json:"client_key_file"`
	ClientCertFile            serpent.String                         `json:"client_cert_file"`
	EmailDomain               serpent.StringArray                    `json:"email_domain"`
	IssuerURL                 serpent.String                         `json:"issuer_url"`
	Scopes                    serpent.StringArray                    `json:"scopes"`
	IgnoreEmailVerified       serpent.Bool                           `json:"ignore_email_verified"`
	UsernameField             serpent.String                         `json:"username_field"`
	NameField                 serpent.String                         `json:"name_field"`
	EmailField                serpent.String                         `json:"email_field"`
	AuthURLParams             serpent.Struct[map[string]string]      `json:"auth_url_params"`
	IgnoreUserInfo            serpent.Bool                           `json:"ignore_user_info"`
	OrganizationField         serpent.String                         `json:"organization_field"`
	OrganizationMapping       serpent.Struct[map[string][]uuid.UUID] `json:"organization_mapping"`
	OrganizationAssignDefault serpent.Bool                           `json:"organization_assign_default"`
	GroupAutoCreate           serpent.Bool                           `json:"group_auto_create"`
	GroupRegexFilter          serpent.Regexp                         `json:"group_regex_filter" swaggertype:"string"`
	GroupAllowList            serpent.StringArray                    `json:"group_allow_list"`
	GroupField                serpent.String                         `json:"groups_field"`
	GroupMapping              serpent.Struct[map[string]string]      `json:"group_mapping"`
	UserRoleField             serpent.String                         `json:"user_role_field"`
	UserRoleMapping           serpent.Struct[map[string][]string]    `json:"user_role_mapping"`
	UserRolesDefault          serpent.StringArray                    `json:"user_roles_default"`
	SignInText                serpent.String                         `json:"sign_in_text"`
	IconURL                   serpent.URL                            `json:"icon_url" swaggertype:"string" format:"uri"`
	SignupsDisabledText       serpent.String                         `json:"signups_disabled_text"`
}

// OAuth2Config holds the OAuth2 sign-in providers.
type OAuth2Config struct {
	Github OAuth2GithubConfig `json:"github"`
}

// OAuth2GithubConfig is sign-in with GitHub (or GitHub Enterprise).
type OAuth2GithubConfig struct {
	ClientID          serpent.String      `json:"client_id"`
	ClientSecret      serpent.String      `json:"client_secret"`
	AllowedOrgs       serpent.StringArray `json:"allowed_orgs"`
	AllowedTeams      serpent.StringArray `json:"allowed_teams"`
	AllowSignups      serpent.Bool        `json:"allow_signups"`
	AllowEveryone     serpent.Bool        `json:"allow_everyone"`
	EnterpriseBaseURL serpent.String      `json:"enterprise_base_url"`
}

var (
	groupOIDC = &serpent.Group{
		Name:        "OIDC",
		YAML:        "oidc",
		Description: "Sign-in through an OpenID Connect identity provider, and syncing organizations, groups and roles from its claims.",
	}
	groupGithub = &serpent.Group{
		Name:        "OAuth2 / GitHub",
		YAML:        "oauth2github",
		Description: "Sign-in with GitHub.",
	}
)

// ssoOptions are the flags of OIDC and GitHub sign-in, as upstream names
// them.
func (c *DeploymentValues) ssoOptions() serpent.OptionSet {
	secret := serpent.Annotations{}.Mark(AnnotationSecret, "true")
	oidc := func(name, flag, desc string, v pflag.Value, def string) serpent.Option {
		return serpent.Option{
			Name: "OIDC " + name, Description: desc, Flag: "oidc-" + flag,
			Env: "CODER_OIDC_" + envName(flag), YAML: yamlName(flag), Value: v, Default: def, Group: groupOIDC,
		}
	}
	gh := func(name, flag, desc string, v pflag.Value, def string) serpent.Option {
		return serpent.Option{
			Name: "OAuth2 GitHub " + name, Description: desc, Flag: "oauth2-github-" + flag,
			Env: "CODER_OAUTH2_GITHUB_" + envName(flag), YAML: yamlName(flag), Value: v, Default: def, Group: groupGithub,
		}
	}
	clientSecret := oidc("Client Secret", "client-secret", "Client secret to use for Login with OIDC.", &c.OIDC.ClientSecret, "")
	clientSecret.Annotations = secret
	ghSecret := gh("Client Secret", "client-secret", "Client secret for Login with GitHub.", &c.OAuth2.Github.ClientSecret, "")
	ghSecret.Annotations = secret
	return serpent.OptionSet{
		oidc("Allow Signups", "allow-signups", "Whether new users can sign up with OIDC.", &c.OIDC.AllowSignups, "true"),
		oidc("Client ID", "client-id", "Client ID to use for Login with OIDC.", &c.OIDC.ClientID, ""),
		clientSecret,
		oidc("Client Key File", "client-key-file", "Instead of a client secret: a PEM private key (RSA or ECDSA) whose signed JWT assertions authenticate the client (private_key_jwt), as Azure AD certificate credentials need.", &c.OIDC.ClientKeyFile, ""),
		oidc("Client Cert File", "client-cert-file", "The PEM certificate of --oidc-client-key-file; its thumbprint names the key (x5t), as Azure AD needs.", &c.OIDC.ClientCertFile, ""),
		oidc("Email Domain", "email-domain", "Email domains that clients logging in with OIDC must match.", &c.OIDC.EmailDomain, ""),
		oidc("Issuer URL", "issuer-url", "Issuer URL to use for Login with OIDC; its discovery document is fetched at start.", &c.OIDC.IssuerURL, ""),
		oidc("Scopes", "scopes", "Scopes to grant when authenticating with OIDC.", &c.OIDC.Scopes, "openid,profile,email"),
		oidc("Ignore Email Verified", "ignore-email-verified", "Ignore the email_verified claim from the upstream provider.", &c.OIDC.IgnoreEmailVerified, "false"),
		oidc("Username Field", "username-field", "OIDC claim field to use as the username.", &c.OIDC.UsernameField, "preferred_username"),
		oidc("Name Field", "name-field", "OIDC claim field to use as the name.", &c.OIDC.NameField, "name"),
		oidc("Email Field", "email-field", "OIDC claim field to use as the email.", &c.OIDC.EmailField, "email"),
		oidc("Auth URL Parameters", "auth-url-params", "OIDC auth URL parameters to pass to the upstream provider.", &c.OIDC.AuthURLParams, `{"access_type": "offline"}`),
		oidc("Ignore UserInfo", "ignore-userinfo", "Ignore the userinfo endpoint and only use the ID token for user information.", &c.OIDC.IgnoreUserInfo, "false"),
		oidc("Organization Field", "organization-field", "The claim that lists the organizations a user belongs to (used until organization sync settings are stored through the API).", &c.OIDC.OrganizationField, ""),
		oidc("Assign Default Organization", "organization-assign-default", "Always keep users in the default organization, whatever their claims say.", &c.OIDC.OrganizationAssignDefault, "true"),
		oidc("Organization Mapping", "organization-mapping", "A map from organization claim values to organization IDs.", &c.OIDC.OrganizationMapping, "{}"),
		oidc("Group Field", "group-field", "The claim that lists a user's groups; empty turns group sync off (until group sync settings are stored through the API).", &c.OIDC.GroupField, ""),
		oidc("Group Mapping", "group-mapping", "A map of OIDC group names to group names in the default organization.", &c.OIDC.GroupMapping, "{}"),
		oidc("Enable Group Auto Create", "group-auto-create", "Create groups from the claims that do not exist yet.", &c.OIDC.GroupAutoCreate, "false"),
		oidc("Regex Group Filter", "group-regex-filter", "Only groups matching this regular expression are synced.", &c.OIDC.GroupRegexFilter, ".*"),
		oidc("Allowed Groups", "allowed-groups", "If set, users must be in at least one of these IdP groups to sign in.", &c.OIDC.GroupAllowList, ""),
		oidc("User Role Field", "user-role-field", "The claim whose values give users their site-wide roles; empty turns role sync off.", &c.OIDC.UserRoleField, ""),
		oidc("User Role Mapping", "user-role-mapping", "A map of claim values to site-wide role names.", &c.OIDC.UserRoleMapping, "{}"),
		oidc("User Role Default", "user-role-default", "Site-wide roles every user gets when role sync is on.", &c.OIDC.UserRolesDefault, ""),
		oidc("Sign In Text", "sign-in-text", "The text on the OpenID Connect sign-in button.", &c.OIDC.SignInText, "OpenID Connect"),
		oidc("Icon URL", "icon-url", "URL of the icon on the OpenID Connect sign-in button.", &c.OIDC.IconURL, ""),
		oidc("Signups Disabled Text", "signups-disabled-text", "The text shown to someone without an account when signups are off.", &c.OIDC.SignupsDisabledText, ""),
		gh("Client ID", "client-id", "Client ID for Login with GitHub.", &c.OAuth2.Github.ClientID, ""),
		ghSecret,
		gh("Allowed Orgs", "allowed-orgs", "Organizations the user must be a member of to sign in with GitHub.", &c.OAuth2.Github.AllowedOrgs, ""),
		gh("Allowed Teams", "allowed-teams", "Teams inside organizations the user must be a member of to sign in with GitHub, as <org>/<team-slug>.", &c.OAuth2.Github.AllowedTeams, ""),
		gh("Allow Signups", "allow-signups", "Whether new users can sign up with GitHub.", &c.OAuth2.Github.AllowSignups, "false"),
		gh("Allow Everyone", "allow-everyone", "Allow all GitHub users to sign in, whatever their organizations.", &c.OAuth2.Github.AllowEveryone, "false"),
		gh("Enterprise Base URL", "enterprise-base-url", "Base URL of a GitHub Enterprise deployment to use for Login with GitHub.", &c.OAuth2.Github.EnterpriseBaseURL, ""),
	}
}

// envName turns "client-secret" into "CLIENT_SECRET".
func envName(flag string) string {
	out := []byte(flag)
	for i, b := range out {
		switch {
		case b == '-':
			out[i] = '_'
		case b >= 'a' && b <= 'z':
			out[i] = b - 'a' + 'A'
		}
	}
	return string(out)
}

// yamlName turns "client-secret" into "clientSecret".
func yamlName(flag string) string {
	out := make([]byte, 0, len(flag))
	upper := false
	for i := 0; i < len(flag); i++ {
		b := flag[i]
		if b == '-' {
			upper = true
			continue
		}
		if upper && b >= 'a' && b <= 'z' {
			b = b - 'a' + 'A'
		}
		upper = false
		out = append(out, b)
	}
	return string(out)
}
