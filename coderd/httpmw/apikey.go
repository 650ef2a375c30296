package httpmw

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/apikey"
	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// usageWriteInterval throttles last_used / last_seen_at writes: a busy client
// costs at most one write per key per interval, not one per request.
const usageWriteInterval = time.Minute

// expiryRefreshInterval throttles sliding-expiry writes the same way.
const expiryRefreshInterval = time.Hour

type apiKeyContextKey struct{}

// Authorization is what the API key middleware learned about the caller.
type Authorization struct {
	Key     database.APIKey
	Actor   *rbac.PreparedSubject
	Subject rbac.Subject
}

// APIKeyAuthorization returns the caller's authorization. It panics when the
// route is not behind ExtractAPIKey: that is a routing bug, not a user error.
func APIKeyAuthorization(r *http.Request) Authorization {
	a, ok := r.Context().Value(apiKeyContextKey{}).(Authorization)
	if !ok {
		panic("developer error: route is not behind the API key middleware")
	}
	return a
}

// APIKeyAuthorizationOptional returns the caller's authorization if any.
func APIKeyAuthorizationOptional(r *http.Request) (Authorization, bool) {
	a, ok := r.Context().Value(apiKeyContextKey{}).(Authorization)
	return a, ok
}

// ExtractAPIKeyConfig configures ExtractAPIKey.
type ExtractAPIKeyConfig struct {
	DB     database.Store // the dbauthz-wrapped store
	Logger slog.Logger
	// DisableSessionExpiryRefresh keeps expiries fixed instead of sliding.
	DisableSessionExpiryRefresh bool
	// Optional lets requests without a token through unauthenticated.
	Optional bool
	// Now is the clock; nil means dbtime.Now.
	Now func() time.Time
}

// TokenFromRequest finds the session token in the header or the cookie, in
// that order, and on streams (see MarkStreaming) also in the query
// parameter, for websockets and EventSource, which cannot send headers. A
// token in a URL ends up in proxy logs, browser history and Referer
// headers, so no other route accepts it.
func TokenFromRequest(r *http.Request) string {
	if t := r.Header.Get(codersdk.SessionTokenHeader); t != "" {
		return t
	}
	if c, err := r.Cookie(codersdk.SessionTokenCookie); err == nil && c.Value != "" {
		return c.Value
	}
	if IsStreaming(r) {
		return r.URL.Query().Get(codersdk.SessionTokenQueryParam)
	}
	return ""
}

// ExtractAPIKey authenticates the request and puts the caller's RBAC actor in
// the context, so every dbauthz query below runs as the caller.
func ExtractAPIKey(cfg ExtractAPIKeyConfig) func(http.Handler) http.Handler {
	now := cfg.Now
	if now == nil {
		now = dbtime.Now
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			token := TokenFromRequest(r)
			if token == "" {
				if cfg.Optional {
					next.ServeHTTP(rw, r)
					return
				}
				detail := ""
				if r.URL.Query().Has(codersdk.SessionTokenQueryParam) {
					detail = "The " + codersdk.SessionTokenQueryParam + " query parameter is accepted only on streaming routes (watch, logs with follow)."
				}
				unauthorized(rw, r, "You must be logged in: send the session token in the Coder-Session-Token header.", detail)
				return
			}
			auth, status, msg, detail, err := authenticate(ctx, cfg, now(), token, r)
			if err != nil {
				// The cause is logged, never shown.
				httpapi.InternalServerError(rw, err)
				return
			}
			if status != 0 {
				unauthorized(rw, r, msg, detail)
				return
			}
			// The caller is the actor of the request's audit record.
			audit.SetUser(ctx, auth.Key.UserID)
			ctx = context.WithValue(ctx, apiKeyContextKey{}, auth)
			ctx = dbauthz.As(ctx, auth.Actor)
			next.ServeHTTP(rw, r.WithContext(ctx))
		})
	}
}

func unauthorized(rw http.ResponseWriter, r *http.Request, msg, detail string) {
	httpapi.Write(r.Context(), rw, http.StatusUnauthorized, codersdk.Response{Message: msg, Detail: detail})
}

// authenticate returns the caller's authorization, or a non-zero status with
// the message to answer, or the error that kept it from deciding.
func authenticate(ctx context.Context, cfg ExtractAPIKeyConfig, now time.Time, token string, r *http.Request) (Authorization, int, string, string, error) {
	const invalid = "Invalid session token."
	id, secret, err := apikey.Parse(token)
	if err != nil {
		return Authorization{}, http.StatusUnauthorized, invalid, err.Error(), nil
	}
	sysCtx := dbauthz.AsAPIKeyAuthenticator(ctx)
	key, err := cfg.DB.GetAPIKeyByID(sysCtx, id)
	if errors.Is(err, database.ErrNoRows) {
		return Authorization{}, http.StatusUnauthorized, invalid, "The API key does not exist or was deleted.", nil
	}
	if err != nil {
		return Authorization{}, 0, "", "", xerrors.Errorf("fetch api key: %w", err)
	}
	if !apikey.SecretMatches(secret, key.HashedSecret) {
		return Authorization{}, http.StatusUnauthorized, invalid, "The API key secret does not match.", nil
	}
	if !now.Before(key.ExpiresAt) {
		return Authorization{}, http.StatusUnauthorized, "Your session has expired.",
			fmt.Sprintf("The API key expired at %s.", key.ExpiresAt.Format(time.RFC3339)), nil
	}

	roles, err := cfg.DB.GetAuthorizationUserRoles(sysCtx, key.UserID)
	if errors.Is(err, database.ErrNoRows) {
		return Authorization{}, http.StatusUnauthorized, invalid, "The user of this API key no longer exists.", nil
	}
	if err != nil {
		return Authorization{}, 0, "", "", xerrors.Errorf("fetch user roles: %w", err)
	}
	if roles.Status == database.UserStatusSuspended {
		return Authorization{}, http.StatusUnauthorized,
			"Your account is suspended. Contact an administrator to reactivate it.", "", nil
	}

	subject, err := SubjectFromRoles(sysCtx, cfg.DB, roles, key.Scope)
	if err != nil {
		return Authorization{}, 0, "", "", xerrors.Errorf("build authorization subject: %w", err)
	}

	refreshUsage(sysCtx, cfg, now, &key, r)
	return Authorization{Key: key, Actor: rbac.Prepare(subject), Subject: subject}, 0, "", "", nil
}

// refreshUsage slides the expiry and records use, at most once per interval.
// A failure here must not fail the request: it is bookkeeping.
func refreshUsage(ctx context.Context, cfg ExtractAPIKeyConfig, now time.Time, key *database.APIKey, r *http.Request) {
	changed := false
	if now.Sub(key.LastUsed) > usageWriteInterval {
		key.LastUsed = now
		key.IpAddress = clientIP(r)
		changed = true
	}
	lifetime := time.Duration(key.LifetimeSeconds) * time.Second
	// Tokens have a fixed expiry chosen by their owner; sessions slide.
	if !cfg.DisableSessionExpiryRefresh && key.LoginType != database.LoginTypeToken &&
		key.ExpiresAt.Sub(now) < lifetime-expiryRefreshInterval {
		key.ExpiresAt = now.Add(lifetime)
		changed = true
	}
	if !changed {
		return
	}
	if err := cfg.DB.UpdateAPIKeyByID(ctx, database.UpdateAPIKeyByIDParams{
		ID: key.ID, LastUsed: key.LastUsed, ExpiresAt: key.ExpiresAt, IpAddress: key.IpAddress,
	}); err != nil {
		cfg.Logger.Warn(ctx, "refresh api key", slog.Error(err))
	}
	if err := cfg.DB.UpdateUserLastSeenAt(ctx, database.UpdateUserLastSeenAtParams{
		ID: key.UserID, LastSeenAt: now,
	}); err != nil {
		cfg.Logger.Warn(ctx, "update user last seen", slog.Error(err))
	}
}

// SubjectFromRoles expands a user's stored role names into the RBAC subject.
// Every user is a site "member" and an "organization-member" of each of its
// organizations; those roles are implicit and never stored. Custom
// organization roles and group memberships are read on every request, so a
// change applies to the very next one.
func SubjectFromRoles(ctx context.Context, db database.Store, row database.GetAuthorizationUserRolesRow, scope database.APIKeyScope) (rbac.Subject, error) {
	roles := []rbac.Role{}
	add := func(id rbac.RoleIdentifier) {
		// A role removed from the system no longer grants anything; it
		// must not lock the user out.
		if role, err := rbac.BuiltinRole(id); err == nil {
			roles = append(roles, role)
		}
	}
	add(rbac.RoleMember())
	for _, name := range row.RbacRoles {
		add(rbac.RoleIdentifier{Name: name})
	}
	for _, orgID := range row.MemberOrgIds {
		add(rbac.ScopedRoleOrgMember(orgID))
	}
	var custom []string
	for _, s := range row.OrgRoles {
		name, org, ok := strings.Cut(s, ":")
		orgID, err := uuid.Parse(org)
		if !ok || err != nil {
			return rbac.Subject{}, fmt.Errorf("malformed organization role %q", s)
		}
		if rbac.IsBuiltinRole(name) {
			add(rbac.RoleIdentifier{Name: name, OrganizationID: orgID})
			continue
		}
		custom = append(custom, s)
	}
	if len(custom) > 0 {
		rows, err := db.GetCustomRoles(ctx, database.GetCustomRolesParams{Lookup: custom})
		if err != nil {
			return rbac.Subject{}, fmt.Errorf("load custom roles: %w", err)
		}
		for _, r := range rows {
			role, err := dbauthz.CustomRole(r)
			if err != nil {
				return rbac.Subject{}, err
			}
			roles = append(roles, role)
		}
	}
	scopeRole, err := rbac.ScopeRole(string(scope))
	if err != nil {
		return rbac.Subject{}, err
	}
	return rbac.Subject{
		ID:           row.ID,
		FriendlyName: row.Username,
		Email:        row.Email,
		Roles:        roles,
		Groups:       row.GroupIds,
		Scope:        scopeRole,
	}, nil
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
