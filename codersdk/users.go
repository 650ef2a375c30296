package codersdk

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"golang.org/x/xerrors"
)

// Me stands for the authenticated user wherever a {user} path segment is
// accepted, next to a user's ID or username.
const Me = "me"

// UserStatus is the state of a user account.
type UserStatus string

const (
	// UserStatusActive users can log in and use the deployment.
	UserStatusActive UserStatus = "active"
	// UserStatusDormant users have not been seen for a while (or were just
	// created); they do not count as active but log in normally, which makes
	// them active again.
	UserStatusDormant UserStatus = "dormant"
	// UserStatusSuspended users cannot log in and their keys do not work.
	UserStatusSuspended UserStatus = "suspended"
)

// Valid reports whether s is one of the known statuses.
func (s UserStatus) Valid() bool {
	switch s {
	case UserStatusActive, UserStatusDormant, UserStatusSuspended:
		return true
	}
	return false
}

// LoginType is how a user (or an API key) authenticates.
type LoginType string

const (
	// LoginTypeUnknown is the zero value, sent when the type is not known.
	LoginTypeUnknown  LoginType = ""
	LoginTypePassword LoginType = "password"
	LoginTypeGithub   LoginType = "github"
	LoginTypeOIDC     LoginType = "oidc"
	// LoginTypeToken marks API keys created as long-lived tokens.
	LoginTypeToken LoginType = "token"
	// LoginTypeNone is for users that cannot log in at all, such as service
	// accounts, and only use tokens made for them.
	LoginTypeNone LoginType = "none"
)

// MinimalUser is the smallest description of a user, embedded wherever a
// resource names its owner.
type MinimalUser struct {
	ID        uuid.UUID `json:"id" validate:"required" format:"uuid"`
	Username  string    `json:"username" validate:"required"`
	Name      string    `json:"name,omitempty"`
	AvatarURL string    `json:"avatar_url,omitempty" format:"uri"`
}

// ReducedUser is a user without organization memberships and roles. It is
// what group member lists carry.
type ReducedUser struct {
	MinimalUser
	Email      string    `json:"email" validate:"required" format:"email"`
	CreatedAt  time.Time `json:"created_at" validate:"required" format:"date-time"`
	UpdatedAt  time.Time `json:"updated_at" format:"date-time"`
	LastSeenAt time.Time `json:"last_seen_at,omitempty" format:"date-time"`
	// IsServiceAccount marks admin-managed accounts that cannot log in.
	IsServiceAccount bool       `json:"is_service_account,omitempty"`
	Status           UserStatus `json:"status" enums:"active,suspended"`
	LoginType        LoginType  `json:"login_type"`
	// Deprecated: this value should be retrieved from
	// `codersdk.UserPreferenceSettings` instead.
	ThemePreference string `json:"theme_preference,omitempty"`
}

// User is a user account with its organizations and site-wide roles.
type User struct {
	ReducedUser
	OrganizationIDs []uuid.UUID `json:"organization_ids" format:"uuid"`
	// Roles are the user's site-wide roles.
	Roles []SlimRole `json:"roles"`
	// HasAISeat has no omitempty so that the field is always present, even
	// when false. This server never grants AI seats, so it is always false.
	HasAISeat bool `json:"has_ai_seat"`
}

// GetUsersResponse is one page of GET /users.
type GetUsersResponse struct {
	Users []User `json:"users"`
	// Count is the number of users matching the filter, across all pages.
	Count int `json:"count"`
}

// UsersRequest filters and pages GET /users. Search, Status, Role and
// LoginType are folded into the q search query with SearchQuery.
type UsersRequest struct {
	Search string `json:"search,omitempty" typescript:"-"`
	// Status keeps users in this status.
	Status UserStatus `json:"status,omitempty" typescript:"-"`
	// Role keeps users that hold this site role.
	Role string `json:"role,omitempty" typescript:"-"`
	// LoginType keeps users that log in with one of these types.
	LoginType []LoginType `json:"login_type,omitempty" typescript:"-"`
	// SearchQuery is passed through as written, e.g. "status:active alice".
	SearchQuery string `json:"q,omitempty"`
	Pagination
}

// query folds the filter fields into one q value.
func (r UsersRequest) query() string {
	var terms []string
	if r.Search != "" {
		terms = append(terms, r.Search)
	}
	if r.Status != "" {
		terms = append(terms, "status:"+string(r.Status))
	}
	if r.Role != "" {
		terms = append(terms, "role:"+r.Role)
	}
	for _, lt := range r.LoginType {
		terms = append(terms, "login_type:"+string(lt))
	}
	if r.SearchQuery != "" {
		terms = append(terms, r.SearchQuery)
	}
	return strings.Join(terms, " ")
}

// CreateFirstUserRequest sets up a fresh deployment: the first user becomes
// its owner.
type CreateFirstUserRequest struct {
	Email    string `json:"email" validate:"required"`
	Username string `json:"username" validate:"required"`
	Name     string `json:"name"`
	Password string `json:"password" validate:"required"`
	// Trial asks for a trial license. This server has no licenses; the
	// field is accepted and ignored.
	Trial          bool                          `json:"trial"`
	TrialInfo      CreateFirstUserTrialInfo      `json:"trial_info"`
	OnboardingInfo CreateFirstUserOnboardingInfo `json:"onboarding_info"`
}

// CreateFirstUserTrialInfo describes who asks for a trial license.
type CreateFirstUserTrialInfo struct {
	FirstName   string `json:"first_name"`
	LastName    string `json:"last_name"`
	PhoneNumber string `json:"phone_number"`
	JobTitle    string `json:"job_title"`
	CompanyName string `json:"company_name"`
	Country     string `json:"country"`
	Developers  string `json:"developers"`
}

// CreateFirstUserOnboardingInfo holds the newsletter choices made during setup.
type CreateFirstUserOnboardingInfo struct {
	NewsletterMarketing bool `json:"newsletter_marketing"`
	NewsletterReleases  bool `json:"newsletter_releases"`
}

// CreateFirstUserResponse names the owner and the default organization that
// setup created.
type CreateFirstUserResponse struct {
	UserID         uuid.UUID `json:"user_id" format:"uuid"`
	OrganizationID uuid.UUID `json:"organization_id" format:"uuid"`
}

// CreateUserRequestWithOrgs is the body of POST /users. Upstream's generated
// reference calls this schema codersdk.CreateUserRequest.
type CreateUserRequestWithOrgs struct {
	// Email may only be empty for service accounts.
	Email    string `json:"email" format:"email"`
	Username string `json:"username" validate:"required"`
	Name     string `json:"name"`
	Password string `json:"password"`
	// UserLoginType defaults to LoginTypePassword.
	UserLoginType LoginType `json:"login_type"`
	// UserStatus defaults to UserStatusDormant.
	UserStatus *UserStatus `json:"user_status"`
	// OrganizationIDs is a list of organization IDs that the user should be a member of.
	OrganizationIDs []uuid.UUID `json:"organization_ids" format:"uuid"`
	// Roles is an optional list of site-level roles to assign at creation.
	Roles []string `json:"roles,omitempty"`
	// ServiceAccount creates an admin-managed account that cannot log in.
	ServiceAccount bool `json:"service_account,omitempty"`
}

// UpdateUserProfileRequest changes a user's public profile.
type UpdateUserProfileRequest struct {
	Username string `json:"username" validate:"required"`
	Name     string `json:"name"`
	// AvatarURL is only applied for users whose login type is password or
	// none; other users get theirs from the identity provider at login.
	AvatarURL string `json:"avatar_url,omitempty" format:"uri"`
}

// UpdateUserPasswordRequest changes a password. OldPassword is required when
// users change their own password, not when an admin resets someone else's.
type UpdateUserPasswordRequest struct {
	OldPassword string `json:"old_password"`
	Password    string `json:"password" validate:"required"`
}

// ValidateUserPasswordRequest asks whether a password is strong enough.
type ValidateUserPasswordRequest struct {
	Password string `json:"password" validate:"required"`
}

// ValidateUserPasswordResponse answers ValidateUserPasswordRequest; Details
// says what is wrong when Valid is false.
type ValidateUserPasswordResponse struct {
	Valid   bool   `json:"valid"`
	Details string `json:"details"`
}

// UpdateRoles replaces the full set of roles of a user or member.
type UpdateRoles struct {
	Roles []string `json:"roles"`
}

// UserRoles is the body of GET /users/{user}/roles: site roles and, per
// organization, the roles held there.
type UserRoles struct {
	Roles             []string               `json:"roles"`
	OrganizationRoles map[uuid.UUID][]string `json:"organization_roles"`
}

// LoginWithPasswordRequest logs in with email and password.
type LoginWithPasswordRequest struct {
	Email    string `json:"email" validate:"required" format:"email"`
	Password string `json:"password" validate:"required"`
}

// LoginWithPasswordResponse carries the new session token. The server also
// sets it as a cookie for browsers.
type LoginWithPasswordResponse struct {
	SessionToken string `json:"session_token" validate:"required"`
}

// UserLoginType is the body of GET /users/{user}/login-type.
type UserLoginType struct {
	LoginType LoginType `json:"login_type"`
}

// AuthMethods says which ways of logging in the deployment offers.
type AuthMethods struct {
	TermsOfServiceURL string           `json:"terms_of_service_url,omitempty"`
	Password          AuthMethod       `json:"password"`
	Github            GithubAuthMethod `json:"github"`
	OIDC              OIDCAuthMethod   `json:"oidc"`
}

// AuthMethod says whether one login method is enabled.
type AuthMethod struct {
	Enabled bool `json:"enabled"`
}

// GithubAuthMethod describes GitHub login.
type GithubAuthMethod struct {
	Enabled                   bool `json:"enabled"`
	DefaultProviderConfigured bool `json:"default_provider_configured"`
}

// OIDCAuthMethod describes OpenID Connect login and how to present its
// button. The camelCase JSON names are upstream's.
type OIDCAuthMethod struct {
	AuthMethod
	SignInText string `json:"signInText"`
	IconURL    string `json:"iconUrl"`
}

// TerminalFontName selects the font of the web terminal. Empty means the
// dashboard's default.
type TerminalFontName string

const (
	TerminalFontUnknown       TerminalFontName = ""
	TerminalFontIBMPlexMono   TerminalFontName = "ibm-plex-mono"
	TerminalFontFiraCode      TerminalFontName = "fira-code"
	TerminalFontSourceCodePro TerminalFontName = "source-code-pro"
	TerminalFontJetBrainsMono TerminalFontName = "jetbrains-mono"
	TerminalFontGeistMono     TerminalFontName = "geist-mono"
)

// TerminalFontNames lists every accepted terminal font, the default included.
var TerminalFontNames = []TerminalFontName{
	TerminalFontUnknown, TerminalFontIBMPlexMono, TerminalFontFiraCode,
	TerminalFontSourceCodePro, TerminalFontJetBrainsMono, TerminalFontGeistMono,
}

// ThemeMode says whether the dashboard follows the operating system's light
// or dark setting ("sync") or uses one theme ("single"). Empty means it was
// never set.
type ThemeMode string

const (
	ThemeModeUnset  ThemeMode = ""
	ThemeModeSingle ThemeMode = "single"
	ThemeModeSync   ThemeMode = "sync"
)

// UserAppearanceSettings is how the dashboard looks for one user.
type UserAppearanceSettings struct {
	// ThemePreference is the legacy single-field setting. In "single" mode it
	// mirrors the active theme.
	ThemePreference string           `json:"theme_preference"`
	TerminalFont    TerminalFontName `json:"terminal_font"`
	ThemeMode       ThemeMode        `json:"theme_mode"`
	// ThemeLight is ignored when ThemeMode is "single".
	ThemeLight string `json:"theme_light"`
	// ThemeDark is ignored when ThemeMode is "single".
	ThemeDark string `json:"theme_dark"`
}

// UpdateUserAppearanceSettingsRequest replaces a user's appearance settings.
type UpdateUserAppearanceSettingsRequest struct {
	ThemePreference string           `json:"theme_preference" validate:"required"`
	TerminalFont    TerminalFontName `json:"terminal_font" validate:"required"`
	// ThemeMode may be left empty by older clients; the server then keeps
	// theme_mode, theme_light and theme_dark as they are.
	ThemeMode ThemeMode `json:"theme_mode,omitempty" enums:"single,sync"`
	// ThemeLight is required when ThemeMode is "sync". In "single" mode an
	// empty value keeps the stored one.
	ThemeLight string `json:"theme_light,omitempty" enums:"dark,dark-protan-deuter,dark-tritan,light,light-protan-deuter,light-tritan"`
	// ThemeDark is required when ThemeMode is "sync". In "single" mode an
	// empty value keeps the stored one.
	ThemeDark string `json:"theme_dark,omitempty" enums:"dark,dark-protan-deuter,dark-tritan,light,light-protan-deuter,light-tritan"`
}

// GitSSHKey is the SSH key pair the server keeps for a user's Git operations
// inside workspaces. Only the public half is ever returned.
type GitSSHKey struct {
	UserID    uuid.UUID `json:"user_id" format:"uuid"`
	CreatedAt time.Time `json:"created_at" format:"date-time"`
	UpdatedAt time.Time `json:"updated_at" format:"date-time"`
	// PublicKey is in OpenSSH authorized_keys format and ends with a newline.
	PublicKey string `json:"public_key"`
}

// userPath builds /api/v2/users/{user} plus optional further segments. user
// is an ID, a username or Me.
func userPath(user string, rest ...string) string {
	p := "/api/v2/users/" + url.PathEscape(user)
	for _, seg := range rest {
		p += "/" + seg
	}
	return p
}

// HasFirstUser reports whether the deployment has been set up. A 404 without
// the build version header is not from this API, so it is an error rather
// than "no".
func (c *Client) HasFirstUser(ctx context.Context) (bool, error) {
	res, err := c.Request(ctx, http.MethodGet, "/api/v2/users/first", nil)
	if err != nil {
		return false, err
	}
	switch res.StatusCode {
	case http.StatusOK:
		_ = res.Body.Close()
		return true, nil
	case http.StatusNotFound:
		if res.Header.Get(BuildVersionHeader) == "" {
			_ = res.Body.Close()
			return false, xerrors.Errorf("GET %s: 404 without %s header: not a coder server", res.Request.URL, BuildVersionHeader)
		}
		_ = res.Body.Close()
		return false, nil
	default:
		return false, ReadBodyAsError(res)
	}
}

// CreateFirstUser sets up the deployment with its owner. It fails once any
// user exists.
func (c *Client) CreateFirstUser(ctx context.Context, req CreateFirstUserRequest) (CreateFirstUserResponse, error) {
	var resp CreateFirstUserResponse
	res, err := c.Request(ctx, http.MethodPost, "/api/v2/users/first", req)
	if err != nil {
		return resp, err
	}
	return resp, decodeJSON(res, http.StatusCreated, &resp)
}

// CreateUserWithOrgs creates a user and adds it to the given organizations.
func (c *Client) CreateUserWithOrgs(ctx context.Context, req CreateUserRequestWithOrgs) (User, error) {
	var user User
	res, err := c.Request(ctx, http.MethodPost, "/api/v2/users", req)
	if err != nil {
		return user, err
	}
	return user, decodeJSON(res, http.StatusCreated, &user)
}

// LoginWithPassword exchanges an email and password for a session token. It
// does not change the client's token: call SetSessionToken with the result.
func (c *Client) LoginWithPassword(ctx context.Context, req LoginWithPasswordRequest) (LoginWithPasswordResponse, error) {
	var resp LoginWithPasswordResponse
	res, err := c.Request(ctx, http.MethodPost, "/api/v2/users/login", req)
	if err != nil {
		return resp, err
	}
	return resp, decodeJSON(res, http.StatusCreated, &resp)
}

// Logout invalidates the client's session token on the server. The client
// keeps the token; clear it with SetSessionToken("").
func (c *Client) Logout(ctx context.Context) error {
	res, err := c.Request(ctx, http.MethodPost, "/api/v2/users/logout", nil)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusOK, nil)
}

// AuthMethods lists the login methods of the deployment. It needs no session.
func (c *Client) AuthMethods(ctx context.Context) (AuthMethods, error) {
	var methods AuthMethods
	return methods, c.getJSON(ctx, "/api/v2/users/authmethods", &methods)
}

// ValidateUserPassword checks a candidate password against the password
// policy without storing it.
func (c *Client) ValidateUserPassword(ctx context.Context, req ValidateUserPasswordRequest) (ValidateUserPasswordResponse, error) {
	var resp ValidateUserPasswordResponse
	res, err := c.Request(ctx, http.MethodPost, "/api/v2/users/validate-password", req)
	if err != nil {
		return resp, err
	}
	return resp, decodeJSON(res, http.StatusOK, &resp)
}

// User returns one user by ID, username or Me.
func (c *Client) User(ctx context.Context, user string) (User, error) {
	var u User
	return u, c.getJSON(ctx, userPath(user), &u)
}

// Users returns one page of users matching req.
func (c *Client) Users(ctx context.Context, req UsersRequest) (GetUsersResponse, error) {
	var resp GetUsersResponse
	return resp, c.getJSON(ctx, "/api/v2/users", &resp,
		req.Pagination.AsRequestOption(),
		WithQueryParam("q", req.query()),
	)
}

// DeleteUser deletes a user. Users that still own workspaces cannot be
// deleted.
func (c *Client) DeleteUser(ctx context.Context, user string) error {
	res, err := c.Request(ctx, http.MethodDelete, userPath(user), nil)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusOK, nil)
}

// UpdateUserProfile changes a user's username, name or avatar.
func (c *Client) UpdateUserProfile(ctx context.Context, user string, req UpdateUserProfileRequest) (User, error) {
	var u User
	res, err := c.Request(ctx, http.MethodPut, userPath(user, "profile"), req)
	if err != nil {
		return u, err
	}
	return u, decodeJSON(res, http.StatusOK, &u)
}

// UpdateUserPassword sets a user's password.
func (c *Client) UpdateUserPassword(ctx context.Context, user string, req UpdateUserPasswordRequest) error {
	res, err := c.Request(ctx, http.MethodPut, userPath(user, "password"), req)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusNoContent, nil)
}

// UpdateUserStatus activates or suspends a user. Only UserStatusActive and
// UserStatusSuspended can be set; dormancy is decided by the server.
func (c *Client) UpdateUserStatus(ctx context.Context, user string, status UserStatus) (User, error) {
	var u User
	var verb string
	switch status {
	case UserStatusActive:
		verb = "activate"
	case UserStatusSuspended:
		verb = "suspend"
	default:
		return u, xerrors.Errorf("user status %q cannot be set", status)
	}
	res, err := c.Request(ctx, http.MethodPut, userPath(user, "status", verb), nil)
	if err != nil {
		return u, err
	}
	return u, decodeJSON(res, http.StatusOK, &u)
}

// GetUserRoles returns a user's site roles and their roles in each
// organization they belong to.
func (c *Client) GetUserRoles(ctx context.Context, user string) (UserRoles, error) {
	var roles UserRoles
	return roles, c.getJSON(ctx, userPath(user, "roles"), &roles)
}

// UpdateUserRoles replaces a user's site roles. Pass every role the user
// should keep.
func (c *Client) UpdateUserRoles(ctx context.Context, user string, req UpdateRoles) (User, error) {
	var u User
	res, err := c.Request(ctx, http.MethodPut, userPath(user, "roles"), req)
	if err != nil {
		return u, err
	}
	return u, decodeJSON(res, http.StatusOK, &u)
}

// GetUserLoginType returns how a user logs in.
func (c *Client) GetUserLoginType(ctx context.Context, user string) (UserLoginType, error) {
	var lt UserLoginType
	return lt, c.getJSON(ctx, userPath(user, "login-type"), &lt)
}

// GetUserAppearanceSettings returns how the dashboard looks for a user.
func (c *Client) GetUserAppearanceSettings(ctx context.Context, user string) (UserAppearanceSettings, error) {
	var s UserAppearanceSettings
	return s, c.getJSON(ctx, userPath(user, "appearance"), &s)
}

// UpdateUserAppearanceSettings replaces a user's appearance settings.
func (c *Client) UpdateUserAppearanceSettings(ctx context.Context, user string, req UpdateUserAppearanceSettingsRequest) (UserAppearanceSettings, error) {
	var s UserAppearanceSettings
	res, err := c.Request(ctx, http.MethodPut, userPath(user, "appearance"), req)
	if err != nil {
		return s, err
	}
	return s, decodeJSON(res, http.StatusOK, &s)
}

// GitSSHKey returns the public half of a user's Git SSH key.
func (c *Client) GitSSHKey(ctx context.Context, user string) (GitSSHKey, error) {
	var key GitSSHKey
	return key, c.getJSON(ctx, userPath(user, "gitsshkey"), &key)
}

// RegenerateGitSSHKey replaces a user's Git SSH key with a new one and
// returns its public half.
func (c *Client) RegenerateGitSSHKey(ctx context.Context, user string) (GitSSHKey, error) {
	var key GitSSHKey
	res, err := c.Request(ctx, http.MethodPut, userPath(user, "gitsshkey"), nil)
	if err != nil {
		return key, err
	}
	return key, decodeJSON(res, http.StatusOK, &key)
}

// String is the status as sent on the wire.
func (s UserStatus) String() string { return string(s) }
