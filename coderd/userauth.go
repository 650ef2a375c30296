package coderd

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/coderd/loginlimit"
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
func (api *API) userAuthMethods(rw http.ResponseWriter, r *http.Request) {
	methods := codersdk.AuthMethods{
		Password: codersdk.AuthMethod{Enabled: true},
		Github:   codersdk.GithubAuthMethod{Enabled: api.github != nil},
		OIDC:     codersdk.OIDCAuthMethod{AuthMethod: codersdk.AuthMethod{Enabled: api.oidc != nil}},
	}
	if api.oidc != nil {
		methods.OIDC.SignInText = api.DeploymentValues.OIDC.SignInText.Value()
		methods.OIDC.IconURL = api.DeploymentValues.OIDC.IconURL.String()
	}
	httpapi.Write(r.Context(), rw, http.StatusOK, methods)
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
// @Failure 503 {object} codersdk.Response
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
	if v := loginProblems(req); len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid login request.", Validations: v})
		return
	}
	attempt, wait, err := api.reserveLogin(r, req.Email)
	if err != nil {
		// Fail closed: without the count, guessing would be unlimited.
		// An unreachable database answers 503 (httpapi's rule).
		httpapi.InternalServerError(rw, err)
		return
	}
	if attempt == nil {
		writeRetryAfter(rw, wait)
		httpapi.Write(ctx, rw, http.StatusTooManyRequests, codersdk.Response{
			Message: "Too many failed login attempts. Try again later.",
		})
		return
	}
	// Whatever happens below settles the attempt; a path that reaches no
	// verdict gives it back uncounted.
	defer attempt.release()

	sysCtx := dbauthz.AsLogin(ctx)
	user, err := api.Database.GetUserByEmailOrUsername(sysCtx, database.GetUserByEmailOrUsernameParams{Email: req.Email})
	if err != nil && !errors.Is(err, database.ErrNoRows) {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	if err == nil {
		audit.SetResource(ctx, audit.Resource{ID: user.ID, Target: user.Username, Icon: user.AvatarUrl})
	}
	// Compare even for unknown users, so timing does not tell which emails
	// have accounts.
	ok, err := api.PasswordHasher.Compare(ctx, user.HashedPassword, req.Password)
	if err != nil {
		writeHashError(rw, r, err)
		return
	}
	if user.ID != uuid.Nil && (user.LoginType == database.LoginTypeOidc || user.LoginType == database.LoginTypeGithub) {
		// Not a guess: the account has no password. Say how it signs in.
		attempt.release()
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{
			Message: fmt.Sprintf("This account signs in with %s, not a password. Use the \"Sign in with\" button.", loginTypeName(user.LoginType)),
		})
		return
	}
	if !ok || user.LoginType != database.LoginTypePassword {
		attempt.fail()
		httpapi.Write(ctx, rw, http.StatusUnauthorized, codersdk.Response{Message: "Incorrect email or password."})
		return
	}
	// The password is right: whatever follows, this was no guess.
	attempt.succeed()
	if user.Status == database.UserStatusSuspended {
		httpapi.Write(ctx, rw, http.StatusUnauthorized, codersdk.Response{
			Message: "Your account is suspended. Contact an administrator to reactivate it.",
		})
		return
	}
	if err := api.refreshOnLogin(sysCtx, user, req.Password); err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	token, _, err := api.createAPIKey(sysCtx, createAPIKeyParams{
		UserID: user.ID, LoginType: database.LoginTypePassword,
		Lifetime: api.DeploymentValues.SessionConfig.DefaultDuration.Value(), RemoteIP: remoteIP(r),
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	if err := api.Database.UpdateUserLastSeenAt(sysCtx, database.UpdateUserLastSeenAtParams{ID: user.ID, LastSeenAt: dbtime.Now()}); err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.SetUser(ctx, user.ID)
	http.SetCookie(rw, api.sessionCookie(token, time.Now().Add(api.DeploymentValues.SessionConfig.DefaultDuration.Value())))
	httpapi.Write(ctx, rw, http.StatusCreated, codersdk.LoginWithPasswordResponse{SessionToken: token})
}

// loginProblems are the field problems of a password login.
func loginProblems(req codersdk.LoginWithPasswordRequest) httpapi.Validations {
	var v httpapi.Validations
	v.Check("email", httpapi.EmailValid(req.Email))
	if req.Password == "" {
		v.Check("password", "must not be empty")
	}
	return v
}

// refreshOnLogin is what a successful password login changes about the
// user besides the session: a dormant user becomes active (logging in is
// activity), and an outdated hash is redone. ctx carries the login actor.
func (api *API) refreshOnLogin(ctx context.Context, user database.User, password string) error {
	if user.Status == database.UserStatusDormant {
		// Logging in is activity: a dormant user becomes active again.
		if _, err := api.Database.UpdateUserStatus(ctx, database.UpdateUserStatusParams{
			ID: user.ID, Status: database.UserStatusActive, UpdatedAt: dbtime.Now(),
		}); err != nil {
			return err
		}
	}
	if userpassword.NeedsRehash(user.HashedPassword) {
		// Best effort: the login succeeds anyway, and the next one
		// rehashes.
		hashed, err := api.PasswordHasher.Hash(ctx, password)
		if err == nil {
			err = api.Database.UpdateUserHashedPassword(ctx, database.UpdateUserHashedPasswordParams{
				ID: user.ID, HashedPassword: hashed, UpdatedAt: dbtime.Now(),
			})
		}
		if err != nil {
			api.Logger.Warn(ctx, "rehash password at login", slog.F("user_id", user.ID), slog.Error(err))
		}
	}
	return nil
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
		httpapi.WriteError(ctx, rw, err)
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

// Login limits, shared by every replica through the database and kept
// across restarts. Keys are the client address (after
// --proxy-trusted-headers) with the account, and the address alone; never
// the account alone, so nobody can lock a user out from elsewhere.
var (
	// A client may get one account's password wrong 5 times freely; then
	// each failure blocks it 1 s, 2 s, 4 s, ... up to 10 min.
	loginPerAccountAndAddress = loginlimit.Config{
		FreeFailures: 5, BaseDelay: time.Second, MaxDelay: 10 * time.Minute,
		Forget: time.Hour, MaxKeys: 100_000,
	}
	// Across accounts (password spraying) an address gets 30 failures
	// freely, then the same doubling delays.
	loginPerAddress = loginlimit.Config{
		FreeFailures: 30, BaseDelay: time.Second, MaxDelay: 10 * time.Minute,
		Forget: time.Hour, MaxKeys: 100_000,
	}
)

// loginAttempt is one login's reservations on both limiters.
type loginAttempt struct {
	pair, addr *loginlimit.Attempt
}

// loginLimitConfig is a login policy logging to the server's log.
func loginLimitConfig(cfg loginlimit.Config, log slog.Logger) loginlimit.Config {
	cfg.Logger = log.Named("loginlimit")
	return cfg
}

// reserveLogin takes an attempt for this client on this account, or returns
// nil and how long to wait. An error means the counts could not be read.
func (api *API) reserveLogin(r *http.Request, email string) (*loginAttempt, time.Duration, error) {
	ctx := r.Context()
	addr := httpmw.ClientAddressKey(r)
	pair, wait, err := api.loginPairs.Reserve(ctx, addr+" "+strings.ToLower(email))
	if pair == nil {
		return nil, wait, err
	}
	perAddr, wait, err := api.loginAddrs.Reserve(ctx, addr)
	if perAddr == nil {
		pair.Release()
		return nil, wait, err
	}
	return &loginAttempt{pair: pair, addr: perAddr}, 0, nil
}

// fail counts a wrong password against both keys.
func (a *loginAttempt) fail() {
	a.pair.Fail()
	a.addr.Fail()
}

// succeed clears this client's failures on this account. The address keeps
// its count: logging in to one's own account must not reset a spray.
func (a *loginAttempt) succeed() {
	a.pair.Succeed()
	a.addr.Release()
}

// release gives back whatever was not settled; settling twice is a no-op.
func (a *loginAttempt) release() {
	a.pair.Release()
	a.addr.Release()
}

// writeRetryAfter sets Retry-After in whole seconds (RFC 9110), rounded up
// so a client that waits exactly that long is let in.
func writeRetryAfter(rw http.ResponseWriter, wait time.Duration) {
	rw.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
}

// writeHashError answers a failed password hash or compare: 503 when the
// hashing pool is full (or the client left while queued), else 500.
func writeHashError(rw http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, userpassword.ErrBusy) || r.Context().Err() != nil {
		writeRetryAfter(rw, time.Second)
		httpapi.Write(r.Context(), rw, http.StatusServiceUnavailable, codersdk.Response{
			Message: "The server is busy checking other passwords. Try again in a moment.",
		})
		return
	}
	httpapi.WriteError(r.Context(), rw, err)
}
