package coderd

import (
	"errors"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/coderd/userpassword"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
)

// @Summary Get authentication methods
// @ID get-authentication-methods
// @Produce json
// @Tags Users
// @Success 200 {object} codersdk.AuthMethods
// @Router /users/authmethods [get]
func (*API) userAuthMethods(rw http.ResponseWriter, r *http.Request) {
	httpapi.Write(r.Context(), rw, http.StatusOK, codersdk.AuthMethods{
		Password: codersdk.AuthMethod{Enabled: true},
		Github:   codersdk.GithubAuthMethod{Enabled: false},
		OIDC:     codersdk.OIDCAuthMethod{AuthMethod: codersdk.AuthMethod{Enabled: false}},
	})
}

// @Summary Validate user password
// @ID validate-user-password
// @Accept json
// @Produce json
// @Tags Authorization
// @Param request body codersdk.ValidateUserPasswordRequest true "Validate user password request"
// @Success 200 {object} codersdk.ValidateUserPasswordResponse
// @Router /users/validate-password [post]
func (*API) validateUserPassword(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var req codersdk.ValidateUserPasswordRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	valid, details := userpassword.ValidateDetails(req.Password)
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.ValidateUserPasswordResponse{Valid: valid, Details: details})
}

// @Summary Log in user
// @ID log-in-user
// @Accept json
// @Produce json
// @Tags Authorization
// @Param request body codersdk.LoginWithPasswordRequest true "Login request"
// @Success 201 {object} codersdk.LoginWithPasswordResponse
// @Failure 401 {object} codersdk.Response
// @Failure 429 {object} codersdk.Response
// @Router /users/login [post]
func (api *API) postLogin(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	var req codersdk.LoginWithPasswordRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	// Who tried, for failed attempts too; the actor is set only once the
	// password is right.
	audit.SetField(ctx, "email", req.Email)
	var v httpapi.Validations
	v.Check("email", httpapi.EmailValid(req.Email))
	if req.Password == "" {
		v.Check("password", "must not be empty")
	}
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid login request.", Validations: v})
		return
	}

	limitKeys := []string{"ip:" + remoteIP(r), "email:" + strings.ToLower(req.Email)}
	if wait := api.loginLimiter.blocked(limitKeys, time.Now()); wait > 0 {
		// Retry-After is whole seconds (RFC 9110), rounded up so a client
		// that waits exactly that long is let in.
		rw.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		httpapi.Write(ctx, rw, http.StatusTooManyRequests, codersdk.Response{
			Message: "Too many failed login attempts. Try again later.",
		})
		return
	}

	sysCtx := dbauthz.AsLogin(ctx)
	user, err := api.Database.GetUserByEmailOrUsername(sysCtx, database.GetUserByEmailOrUsernameParams{Email: req.Email})
	if err != nil && !errors.Is(err, database.ErrNoRows) {
		httpapi.InternalServerError(rw, err)
		return
	}
	if err == nil {
		audit.SetResource(ctx, audit.Resource{ID: user.ID, Target: user.Username, Icon: user.AvatarUrl})
	}
	// Compare even for unknown users, so timing does not tell which emails
	// have accounts.
	ok, err := userpassword.Compare(user.HashedPassword, req.Password)
	if err != nil {
		httpapi.InternalServerError(rw, err)
		return
	}
	if !ok || user.LoginType != database.LoginTypePassword {
		api.loginLimiter.fail(limitKeys, time.Now())
		httpapi.Write(ctx, rw, http.StatusUnauthorized, codersdk.Response{Message: "Incorrect email or password."})
		return
	}
	if user.Status == database.UserStatusSuspended {
		httpapi.Write(ctx, rw, http.StatusUnauthorized, codersdk.Response{
			Message: "Your account is suspended. Contact an administrator to reactivate it.",
		})
		return
	}
	if user.Status == database.UserStatusDormant {
		// Logging in is activity: a dormant user becomes active again.
		if _, err := api.Database.UpdateUserStatus(sysCtx, database.UpdateUserStatusParams{
			ID: user.ID, Status: database.UserStatusActive, UpdatedAt: dbtime.Now(),
		}); err != nil {
			httpapi.InternalServerError(rw, err)
			return
		}
	}
	if userpassword.NeedsRehash(user.HashedPassword) {
		if hashed, err := userpassword.Hash(req.Password); err == nil {
			_ = api.Database.UpdateUserHashedPassword(sysCtx, database.UpdateUserHashedPasswordParams{
				ID: user.ID, HashedPassword: hashed, UpdatedAt: dbtime.Now(),
			})
		}
	}

	token, _, err := api.createAPIKey(sysCtx, createAPIKeyParams{
		UserID: user.ID, LoginType: database.LoginTypePassword,
		Lifetime: api.DeploymentValues.SessionConfig.DefaultDuration.Value(), RemoteIP: remoteIP(r),
	})
	if err != nil {
		httpapi.InternalServerError(rw, err)
		return
	}
	if err := api.Database.UpdateUserLastSeenAt(sysCtx, database.UpdateUserLastSeenAtParams{ID: user.ID, LastSeenAt: dbtime.Now()}); err != nil {
		httpapi.InternalServerError(rw, err)
		return
	}
	api.loginLimiter.succeed(limitKeys)
	audit.SetUser(ctx, user.ID)
	http.SetCookie(rw, api.sessionCookie(token, time.Now().Add(api.DeploymentValues.SessionConfig.DefaultDuration.Value())))
	httpapi.Write(ctx, rw, http.StatusCreated, codersdk.LoginWithPasswordResponse{SessionToken: token})
}

// @Summary Log out user
// @ID log-out-user
// @Security CoderSessionToken
// @Produce json
// @Tags Users
// @Success 200 {object} codersdk.Response
// @Router /users/logout [post]
func (api *API) postLogout(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	err := api.Database.DeleteAPIKeyByID(ctx, auth.Key.ID)
	if dbauthz.IsNotAuthorizedError(err) {
		// A key whose scope excludes API keys (application_connect)
		// cannot end itself; that is a refusal, not a server error.
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{
			Message: "This API key's scope does not allow logging out; delete it with a full session.",
		})
		return
	}
	if err != nil && !errors.Is(err, database.ErrNoRows) {
		httpapi.InternalServerError(rw, err)
		return
	}
	audit.Deleted(ctx, auth.Key)
	cookie := api.sessionCookie("", time.Unix(0, 0))
	cookie.MaxAge = -1
	http.SetCookie(rw, cookie)
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.Response{Message: "You have been logged out."})
}

func (api *API) sessionCookie(token string, expires time.Time) *http.Cookie {
	return &http.Cookie{
		Name:     codersdk.SessionTokenCookie,
		Value:    token,
		Path:     "/",
		Expires:  expires,
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   api.AccessURL.Scheme == "https",
	}
}

func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// loginLimiter counts failed logins per key (client IP, and email) in a
// sliding window. It is per replica: an attacker spreading guesses over
// replicas gets at most replicas × limit tries per window.
type loginLimiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time
	limit    int
	window   time.Duration
}

func newLoginLimiter(limit int, window time.Duration) *loginLimiter {
	return &loginLimiter{failures: map[string][]time.Time{}, limit: limit, window: window}
}

// blocked returns how long until keys may try again, or 0.
func (l *loginLimiter) blocked(keys []string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var wait time.Duration
	for _, k := range keys {
		recent := l.prune(k, now)
		if len(recent) >= l.limit {
			if w := recent[0].Add(l.window).Sub(now); w > wait {
				wait = w
			}
		}
	}
	return wait
}

// maxTrackedKeys bounds the limiter's memory; past it, stale keys are swept.
const maxTrackedKeys = 100_000

func (l *loginLimiter) fail(keys []string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.failures) > maxTrackedKeys {
		for k := range l.failures {
			l.prune(k, now)
		}
	}
	for _, k := range keys {
		l.failures[k] = append(l.prune(k, now), now)
	}
}

func (l *loginLimiter) succeed(keys []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if strings.HasPrefix(k, "email:") {
			delete(l.failures, k)
		}
	}
}

// prune drops failures older than the window; the caller holds mu.
func (l *loginLimiter) prune(key string, now time.Time) []time.Time {
	recent := l.failures[key]
	i := 0
	for i < len(recent) && now.Sub(recent[i]) >= l.window {
		i++
	}
	recent = recent[i:]
	if len(recent) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = recent
	return recent
}
