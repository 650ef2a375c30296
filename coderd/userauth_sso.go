package coderd

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"golang.org/x/oauth2"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
)

// Single sign-on (OIDC and GitHub) share everything but the provider
// conversation: the state cookie that carries a sign-in through the
// provider, the choice of user (link, verified email, signup or
// conversion), the session, and how a failure is shown and audited.

// ssoStateLifetime bounds how long a sign-in may stay at the provider.
const ssoStateLifetime = 10 * time.Minute

// ssoState is what a sign-in carries through the provider, in an HttpOnly
// cookie: the browser that started it is the only one that can finish it.
type ssoState struct {
	State    string `json:"s"`
	Verifier string `json:"v,omitempty"` // PKCE
	Nonce    string `json:"n,omitempty"`
	Redirect string `json:"r,omitempty"`
	Merge    string `json:"m,omitempty"` // a convert-login state
}

func ssoCookieName(t database.LoginType) string { return "devplane_sso_" + string(t) }

// randomString is 32 random bytes, URL-safe.
func randomString() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (api *API) setSSOState(rw http.ResponseWriter, t database.LoginType, path string, st ssoState) {
	raw, _ := json.Marshal(st)
	http.SetCookie(rw, &http.Cookie{
		Name:     ssoCookieName(t),
		Value:    base64.RawURLEncoding.EncodeToString(raw),
		Path:     path,
		MaxAge:   int(ssoStateLifetime.Seconds()),
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   api.AccessURL.Scheme == "https",
	})
}

// takeSSOState reads and clears the state cookie and checks the state the
// provider sent back against it.
func (api *API) takeSSOState(rw http.ResponseWriter, r *http.Request, t database.LoginType, path string) (ssoState, bool) {
	http.SetCookie(rw, &http.Cookie{
		Name: ssoCookieName(t), Value: "", Path: path, MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: api.AccessURL.Scheme == "https",
	})
	c, err := r.Cookie(ssoCookieName(t))
	if err != nil {
		return ssoState{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return ssoState{}, false
	}
	var st ssoState
	if json.Unmarshal(raw, &st) != nil || st.State == "" {
		return ssoState{}, false
	}
	got := r.URL.Query().Get("state")
	return st, subtle.ConstantTimeCompare([]byte(got), []byte(st.State)) == 1
}

// safeRedirect keeps only same-origin relative paths, so a sign-in link
// cannot send the new session's browser to another site.
func safeRedirect(raw string) string {
	if raw == "" || !strings.HasPrefix(raw, "/") || strings.HasPrefix(raw, "//") || strings.Contains(raw, `\`) {
		return "/"
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return "/"
	}
	return u.String()
}

// ssoStart answers the first visit of a callback: the provider's
// authorization URL, after the state cookie. It is not audited (see
// audit.AuditedGet): nothing changed yet.
func (api *API) ssoStart(rw http.ResponseWriter, r *http.Request, t database.LoginType, st ssoState, authURL string) {
	api.setSSOState(rw, t, r.URL.Path, st)
	http.Redirect(rw, r, authURL, http.StatusTemporaryRedirect)
}

// ssoError is a refused sign-in: the status and the message shown to the
// person signing in (never a secret or an internal error's text).
type ssoError struct {
	status  int
	message string
}

func (e *ssoError) Error() string { return e.message }

func ssoRefuse(status int, format string, args ...any) *ssoError {
	return &ssoError{status: status, message: fmt.Sprintf(format, args...)}
}

var ssoErrorPage = template.Must(template.New("sso").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign-in failed</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}p.msg{background:#fdecea;border:1px solid #f5c2c0;padding:.75rem;border-radius:4px}</style>
</head><body><h1>Sign-in failed</h1><p class="msg" role="alert">{{.Message}}</p>
<p><a href="/login">Back to the sign-in page</a></p></body></html>
`))

// ssoFail shows a refused or failed sign-in as a small page the browser
// lands on, with the status as its code; the audit log keeps the reason.
func (api *API) ssoFail(rw http.ResponseWriter, r *http.Request, err error) {
	ctx := r.Context()
	var se *ssoError
	if !errors.As(err, &se) {
		// Never the internal text: it goes to the log.
		api.Logger.Error(ctx, "single sign-on failed", slog.Error(err), slog.F("request_id", httpmw.RequestIDFrom(ctx)))
		se = ssoRefuse(http.StatusInternalServerError, "Something went wrong on the server. Try again, or ask an administrator to check the server log (request %s).", httpmw.RequestIDFrom(ctx))
	} else {
		api.Logger.Info(ctx, "single sign-on refused", slog.F("status", se.status), slog.F("reason", se.message))
	}
	audit.SetField(ctx, "reason", se.message)
	if !httpapi.WantsHTML(r) {
		// An API client, not a browser following the provider's redirect.
		httpapi.Write(ctx, rw, se.status, codersdk.Response{Message: se.message})
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(se.status)
	_ = ssoErrorPage.Execute(rw, struct{ Message string }{se.message})
}

// logExchangeError tells operators why a provider refused a code: its
// error code and description (RFC 6749 §5.2), never the request.
func (api *API) logExchangeError(ctx context.Context, provider string, err error) {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		api.Logger.Warn(ctx, "code exchange refused", slog.F("provider", provider),
			slog.F("error_code", re.ErrorCode), slog.F("error_description", re.ErrorDescription), slog.F("status", re.Response.StatusCode))
		return
	}
	api.Logger.Warn(ctx, "code exchange failed", slog.F("provider", provider), slog.F("error_type", fmt.Sprintf("%T", err)))
}

// ssoIdentity is who the provider says signed in.
type ssoIdentity struct {
	LoginType    database.LoginType
	ProviderName string // for messages: "OpenID Connect", "GitHub"
	LinkedID     string
	Email        string
	Username     string
	Name         string
	AllowSignups bool
	SignupsText  string
	// Merge is a convert-login state from the cookie, if any.
	Merge string
	// Claims are the merged claims, for IdP sync (OIDC only).
	Claims map[string]any
}

// ssoSignIn finds, links, converts or creates the user and issues the
// session. ctx carries the sign-in actor.
func (api *API) ssoSignIn(ctx context.Context, id ssoIdentity) (database.User, error) {
	user, found, err := api.ssoFindUser(ctx, id)
	if err != nil {
		return database.User{}, err
	}
	if id.Merge != "" {
		user, err = api.ssoConvert(ctx, id, user, found)
		if err != nil {
			return database.User{}, err
		}
		found = true
	}
	if !found {
		if !id.AllowSignups {
			msg := id.SignupsText
			if msg == "" {
				msg = fmt.Sprintf("No account matches this %s sign-in, and signups through it are disabled. Ask an administrator to create your account.", id.ProviderName)
			}
			return database.User{}, ssoRefuse(http.StatusForbidden, "%s", msg)
		}
		user, err = api.ssoCreateUser(ctx, id)
		if err != nil {
			return database.User{}, err
		}
	}
	audit.SetResource(ctx, audit.Resource{ID: user.ID, Target: user.Username, Icon: user.AvatarUrl})
	if user.LoginType != id.LoginType {
		return database.User{}, ssoRefuse(http.StatusForbidden,
			"The account for %s signs in with %s, not %s. Sign in that way, and switch to %s from your account settings if you want to.",
			user.Email, loginTypeName(user.LoginType), id.ProviderName, id.ProviderName)
	}
	switch user.Status {
	case database.UserStatusSuspended:
		return database.User{}, ssoRefuse(http.StatusForbidden, "Your account is suspended. Contact an administrator to reactivate it.")
	case database.UserStatusDormant:
		if user, err = api.Database.UpdateUserStatus(ctx, database.UpdateUserStatusParams{
			ID: user.ID, Status: database.UserStatusActive, UpdatedAt: dbtime.Now(),
		}); err != nil {
			return database.User{}, err
		}
	}
	if _, err := api.Database.UpsertUserLink(ctx, database.UpsertUserLinkParams{
		UserID: user.ID, LoginType: id.LoginType, LinkedID: id.LinkedID, Now: dbtime.Now(),
	}); err != nil {
		if database.IsUniqueViolation(err, "user_links_linked_id_idx") {
			return database.User{}, ssoRefuse(http.StatusConflict, "This %s account is already linked to another user.", id.ProviderName)
		}
		return database.User{}, err
	}
	return user, nil
}

// ssoFindUser is the user already linked to the provider account, else the
// one with the (verified) email.
func (api *API) ssoFindUser(ctx context.Context, id ssoIdentity) (database.User, bool, error) {
	link, err := api.Database.GetUserLinkByLinkedID(ctx, database.GetUserLinkByLinkedIDParams{LoginType: id.LoginType, LinkedID: id.LinkedID})
	switch {
	case err == nil:
		user, err := api.Database.GetUserByID(ctx, link.UserID)
		if err != nil {
			return database.User{}, false, err
		}
		if !user.Deleted {
			return user, true, nil
		}
	case !errors.Is(err, database.ErrNoRows):
		return database.User{}, false, err
	}
	user, err := api.Database.GetUserByEmailOrUsername(ctx, database.GetUserByEmailOrUsernameParams{Email: id.Email})
	if errors.Is(err, database.ErrNoRows) {
		return database.User{}, false, nil
	}
	if err != nil {
		return database.User{}, false, err
	}
	// The query matches usernames too; only the email links.
	if !strings.EqualFold(user.Email, id.Email) {
		return database.User{}, false, nil
	}
	return user, true, nil
}

// ssoConvert completes a convert-login: the state must be this user's,
// unexpired and for this provider, and the provider account must be the
// user's (by link or email).
func (api *API) ssoConvert(ctx context.Context, id ssoIdentity, user database.User, found bool) (database.User, error) {
	hash := sha256.Sum256([]byte(id.Merge))
	conv, err := api.Database.ConsumeUserLoginConversion(ctx, hash[:])
	if errors.Is(err, database.ErrNoRows) || (err == nil && (conv.ExpiresAt.Before(dbtime.Now()) || conv.ToType != id.LoginType)) {
		return database.User{}, ssoRefuse(http.StatusBadRequest, "The request to switch to %s is unknown or expired. Start it again from your account settings.", id.ProviderName)
	}
	if err != nil {
		return database.User{}, err
	}
	if !found || user.ID != conv.UserID {
		return database.User{}, ssoRefuse(http.StatusForbidden,
			"The %s account you signed in with (%s) is not the account that asked to switch. Sign in to the provider with the account that has your email.", id.ProviderName, id.Email)
	}
	if user.LoginType == id.LoginType {
		return user, nil
	}
	converted, err := api.Database.UpdateUserLoginType(ctx, database.UpdateUserLoginTypeParams{ID: user.ID, LoginType: id.LoginType, UpdatedAt: dbtime.Now()})
	if err != nil {
		return database.User{}, err
	}
	audit.SetField(ctx, "converted_from", string(user.LoginType))
	return converted, nil
}

func (api *API) ssoCreateUser(ctx context.Context, id ssoIdentity) (database.User, error) {
	org, err := api.Database.GetDefaultOrganization(ctx)
	if err != nil {
		return database.User{}, err
	}
	if domain.EmailValid(id.Email) != "" {
		return database.User{}, ssoRefuse(http.StatusBadRequest, "The %s account's email %q is not a valid address.", id.ProviderName, id.Email)
	}
	name := strings.TrimSpace(id.Name)
	if domain.DisplayNameValid(name) != "" {
		name = ""
	}
	base := usernameFrom(id.Username, id.Email)
	var user database.User
	for attempt := 0; ; attempt++ {
		username := base
		if attempt > 0 {
			username = withSuffix(base, randomSuffix())
		}
		err = api.Database.InTx(ctx, func(tx database.Store) error {
			var err error
			user, err = insertUser(ctx, tx, insertUserParams{
				Email: id.Email, Username: username, Name: name, LoginType: id.LoginType,
				Status: database.UserStatusActive, OrganizationIDs: []uuid.UUID{org.ID},
			})
			return err
		}, nil)
		if database.IsUniqueViolation(err, "users_username_lower_idx") && attempt < 5 {
			continue
		}
		if database.IsUniqueViolation(err, "users_email_lower_idx") {
			return database.User{}, ssoRefuse(http.StatusConflict, "An account with the email %s was created at the same time. Sign in again.", id.Email)
		}
		if err != nil {
			return database.User{}, err
		}
		break
	}
	audit.SetField(ctx, "created_user", true)
	return user, nil
}

var notNameChars = regexp.MustCompile(`[^a-z0-9]+`)

// usernameFrom makes a valid username out of what the provider calls the
// user (or the email's local part): lower case, runs of other characters
// become one hyphen, at most domain.MaxNameLength long.
func usernameFrom(preferred, email string) string {
	for _, candidate := range []string{preferred, strings.Split(email, "@")[0]} {
		name := strings.Trim(notNameChars.ReplaceAllString(strings.ToLower(candidate), "-"), "-")
		if len(name) > domain.MaxNameLength {
			name = strings.TrimRight(name[:domain.MaxNameLength], "-")
		}
		if domain.NameValid(name) == "" {
			return name
		}
	}
	return "user"
}

func randomSuffix() string {
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}

func withSuffix(base, suffix string) string {
	if max := domain.MaxNameLength - len(suffix) - 1; len(base) > max {
		base = strings.TrimRight(base[:max], "-")
	}
	return base + "-" + suffix
}

func loginTypeName(t database.LoginType) string {
	switch t {
	case database.LoginTypePassword:
		return "a password"
	case database.LoginTypeOidc:
		return "OpenID Connect"
	case database.LoginTypeGithub:
		return "GitHub"
	}
	return string(t)
}

// ssoFinish issues the session of a signed-in user and sends the browser
// on to where the sign-in started.
func (api *API) ssoFinish(rw http.ResponseWriter, r *http.Request, user database.User, st ssoState) error {
	ctx := dbauthz.AsSSOLogin(r.Context())
	lifetime := api.DeploymentValues.SessionConfig.DefaultDuration.Value()
	token, _, err := api.createAPIKey(ctx, createAPIKeyParams{
		UserID: user.ID, LoginType: user.LoginType, Lifetime: lifetime, RemoteIP: remoteIP(r),
	})
	if err != nil {
		return err
	}
	if err := api.Database.UpdateUserLastSeenAt(ctx, database.UpdateUserLastSeenAtParams{ID: user.ID, LastSeenAt: dbtime.Now()}); err != nil {
		return err
	}
	audit.SetUser(ctx, user.ID)
	http.SetCookie(rw, api.sessionCookie(token, time.Now().Add(lifetime)))
	http.Redirect(rw, r, safeRedirect(st.Redirect), http.StatusTemporaryRedirect)
	return nil
}

// @Summary Convert user from password to oauth authentication
// @ID convert-user-from-password-to-oauth-authentication
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Authorization
// @Param request body codersdk.ConvertLoginRequest true "Convert request"
// @Param user path string true "User name, ID, or me"
// @Success 201 {object} codersdk.OAuthConversionResponse
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Router /users/{user}/convert-login [post]
func (api *API) postConvertLoginType(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	user := httpmw.UserParam(r)
	auth := httpmw.APIKeyAuthorization(r)
	var req codersdk.ConvertLoginRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	audit.SetResource(ctx, audit.Resource{ID: user.ID, Target: user.Username, Icon: user.AvatarUrl})
	audit.SetField(ctx, "to_type", string(req.ToType))
	var v httpapi.Validations
	switch req.ToType {
	case codersdk.LoginTypeOIDC:
		if api.oidc == nil {
			v.Check("to_type", "OpenID Connect sign-in is not configured on this deployment")
		}
	case codersdk.LoginTypeGithub:
		if api.github == nil {
			v.Check("to_type", "GitHub sign-in is not configured on this deployment")
		}
	default:
		v.Check("to_type", `must be "oidc" or "github"`)
	}
	if req.Password == "" {
		v.Check("password", "must not be empty")
	}
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid conversion request.", Validations: v})
		return
	}
	// Only the user may switch its own sign-in: an administrator must not
	// hand someone's account to an IdP identity.
	if auth.Key.UserID != user.ID {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "Only the user can switch their own sign-in method."})
		return
	}
	if user.LoginType != database.LoginTypePassword {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: fmt.Sprintf("Only password accounts can switch; this one signs in with %s.", loginTypeName(user.LoginType)),
		})
		return
	}
	ok, err := api.PasswordHasher.Compare(ctx, user.HashedPassword, req.Password)
	if err != nil {
		writeHashError(rw, r, err)
		return
	}
	if !ok {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{
			Message:     "Incorrect password.",
			Validations: []codersdk.ValidationError{{Field: "password", Detail: "is incorrect"}},
		})
		return
	}
	state := randomString()
	hash := sha256.Sum256([]byte(state))
	expires := dbtime.Now().Add(ssoStateLifetime)
	if err := api.Database.InsertUserLoginConversion(ctx, database.InsertUserLoginConversionParams{
		StateHash: hash[:], UserID: user.ID, ToType: database.LoginType(req.ToType), ExpiresAt: expires,
	}); err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	// Old requests are worthless; clearing them here keeps the table small
	// without a loop of its own.
	if err := api.Database.DeleteExpiredUserLoginConversions(dbauthz.AsSSOLogin(ctx), dbtime.Now()); err != nil {
		api.Logger.Warn(ctx, "delete expired login conversions", slog.Error(err))
	}
	httpapi.Write(ctx, rw, http.StatusCreated, codersdk.OAuthConversionResponse{
		StateString: state, ExpiresAt: expires, ToType: req.ToType, UserID: user.ID,
	})
}
