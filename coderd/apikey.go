package coderd

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/devplane/devplane/coderd/apikey"
	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"

	"github.com/google/uuid"
)

type createAPIKeyParams struct {
	UserID    uuid.UUID
	LoginType database.LoginType
	Lifetime  time.Duration
	Scope     database.APIKeyScope
	TokenName string
	RemoteIP  string
}

// createAPIKey stores a new key and returns the token to hand out once.
func (api *API) createAPIKey(ctx context.Context, p createAPIKeyParams) (string, database.APIKey, error) {
	id, _, token, hashed, err := apikey.Generate()
	if err != nil {
		return "", database.APIKey{}, err
	}
	if p.Scope == "" {
		p.Scope = database.ApiKeyScopeAll
	}
	now := dbtime.Now()
	key, err := api.Database.InsertAPIKey(ctx, database.InsertAPIKeyParams{
		ID: id, HashedSecret: hashed, UserID: p.UserID, LastUsed: now, ExpiresAt: now.Add(p.Lifetime),
		CreatedAt: now, UpdatedAt: now, LoginType: p.LoginType, LifetimeSeconds: int64(p.Lifetime.Seconds()),
		IpAddress: p.RemoteIP, Scope: p.Scope, TokenName: p.TokenName,
	})
	if err != nil {
		return "", database.APIKey{}, err
	}
	return token, key, nil
}

// defaultTokenLifetime is used when a token request names no lifetime and
// the deployment allows that long.
const defaultTokenLifetime = 30 * 24 * time.Hour

// @Summary Create new session key
// @ID create-new-session-key
// @Security CoderSessionToken
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Success 201 {object} codersdk.GenerateAPIKeyResponse
// @Router /users/{user}/keys [post]
func (api *API) postAPIKey(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	user := httpmw.UserParam(r)
	token, key, err := api.createAPIKey(ctx, createAPIKeyParams{
		UserID: user.ID, LoginType: database.LoginTypePassword,
		Lifetime: api.DeploymentValues.SessionConfig.DefaultDuration.Value(), RemoteIP: remoteIP(r),
	})
	if dbauthz.IsNotAuthorizedError(err) {
		httpapi.Forbidden(rw)
		return
	}
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	// The stored row, never the token: its secret is only hashed there.
	audit.Created(ctx, key)
	httpapi.Write(ctx, rw, http.StatusCreated, codersdk.GenerateAPIKeyResponse{Key: token})
}

// @Summary Create token API key
// @ID create-token-api-key
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Param request body codersdk.CreateTokenRequest true "Create token request"
// @Success 201 {object} codersdk.GenerateAPIKeyResponse
// @Failure 400 {object} codersdk.Response
// @Failure 409 {object} codersdk.Response
// @Router /users/{user}/keys/tokens [post]
func (api *API) postToken(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	user := httpmw.UserParam(r)
	var req codersdk.CreateTokenRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	maxLifetime := api.DeploymentValues.SessionConfig.MaximumTokenDuration.Value()
	lifetime := req.Lifetime
	if lifetime == 0 {
		lifetime = min(defaultTokenLifetime, maxLifetime)
	}
	scope := req.Scope
	if scope == "" && len(req.Scopes) == 1 {
		scope = req.Scopes[0]
	}
	if scope == "" {
		scope = codersdk.APIKeyScopeAll
	}

	if req.TokenName == "" {
		// Upstream names unnamed tokens itself; clients (coder tokens
		// create without --name) rely on it.
		name, err := randomTokenName()
		if err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
		req.TokenName = name
	}
	var v httpapi.Validations
	v.Check("token_name", httpapi.NameValid(req.TokenName))
	switch {
	case lifetime < 0:
		v.Check("lifetime", "must be positive")
	case lifetime > maxLifetime:
		v.Check("lifetime", fmt.Sprintf("must be at most %s, the deployment's maximum token lifetime", maxLifetime))
	}
	if !database.APIKeyScope(scope).Valid() {
		v.Check("scope", fmt.Sprintf("%q is not supported: use %q or %q", scope, codersdk.APIKeyScopeAll, codersdk.APIKeyScopeApplicationConnect))
	}
	if len(req.Scopes) > 1 {
		v.Check("scopes", "give at most one scope")
	}
	if len(req.AllowList) > 0 {
		v.Check("allow_list", "allow lists are not supported")
	}
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid token request.", Validations: v})
		return
	}

	audit.SetResource(ctx, audit.Resource{ID: user.ID, Target: req.TokenName})
	token, key, err := api.createAPIKey(ctx, createAPIKeyParams{
		UserID: user.ID, LoginType: database.LoginTypeToken, Lifetime: lifetime,
		Scope: database.APIKeyScope(scope), TokenName: req.TokenName, RemoteIP: remoteIP(r),
	})
	switch {
	case database.IsUniqueViolation(err, "api_keys_user_token_name_idx"):
		httpapi.Write(ctx, rw, http.StatusConflict, codersdk.Response{
			Message:     fmt.Sprintf("A token named %q already exists.", req.TokenName),
			Validations: []codersdk.ValidationError{{Field: "token_name", Detail: "is taken"}},
		})
		return
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Forbidden(rw)
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Created(ctx, key)
	httpapi.Write(ctx, rw, http.StatusCreated, codersdk.GenerateAPIKeyResponse{Key: token})
}

// randomTokenName names a token created without a name: "token-" and eight
// hex digits, a valid name that is unique per user in practice.
func randomTokenName() (string, error) {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return "token-" + hex.EncodeToString(b), nil
}

// @Summary Get user tokens
// @ID get-user-tokens
// @Security CoderSessionToken
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Param include_expired query bool false "Include expired tokens in the list"
// @Success 200 {array} codersdk.APIKeyWithOwner
// @Router /users/{user}/keys/tokens [get]
func (api *API) tokens(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	user := httpmw.UserParam(r)
	includeExpired := r.URL.Query().Get("include_expired") == "true"
	keys, err := api.Database.GetAPIKeysByUserID(ctx, database.GetAPIKeysByUserIDParams{UserID: user.ID, LoginType: database.LoginTypeToken})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	now := dbtime.Now()
	out := make([]codersdk.APIKeyWithOwner, 0, len(keys))
	for _, k := range keys {
		if !includeExpired && !now.Before(k.ExpiresAt) {
			continue
		}
		out = append(out, codersdk.APIKeyWithOwner{APIKey: convert.APIKey(k), Username: user.Username})
	}
	httpapi.Write(ctx, rw, http.StatusOK, out)
}

// @Summary Get API key by token name
// @ID get-api-key-by-token-name
// @Security CoderSessionToken
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Param keyname path string true "Key Name" format(string)
// @Success 200 {object} codersdk.APIKey
// @Router /users/{user}/keys/tokens/{keyname} [get]
func (*API) apiKeyByName(rw http.ResponseWriter, r *http.Request) {
	httpapi.Write(r.Context(), rw, http.StatusOK, convert.APIKey(httpmw.APIKeyParam(r)))
}

// @Summary Get API key by ID
// @ID get-api-key-by-id
// @Security CoderSessionToken
// @Produce json
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Param keyid path string true "Key ID" format(string)
// @Success 200 {object} codersdk.APIKey
// @Router /users/{user}/keys/{keyid} [get]
func (*API) apiKeyByID(rw http.ResponseWriter, r *http.Request) {
	httpapi.Write(r.Context(), rw, http.StatusOK, convert.APIKey(httpmw.APIKeyParam(r)))
}

// @Summary Delete API key
// @ID delete-api-key
// @Security CoderSessionToken
// @Tags Users
// @Param user path string true "User ID, username, or me"
// @Param keyid path string true "Key ID" format(string)
// @Success 204
// @Router /users/{user}/keys/{keyid} [delete]
func (api *API) deleteAPIKey(rw http.ResponseWriter, r *http.Request) {
	key := httpmw.APIKeyParam(r)
	err := api.Database.DeleteAPIKeyByID(r.Context(), key.ID)
	if dbauthz.IsNotAuthorizedError(err) {
		httpapi.Forbidden(rw)
		return
	}
	if err != nil && !errors.Is(err, database.ErrNoRows) {
		httpapi.WriteError(r.Context(), rw, err)
		return
	}
	audit.Deleted(r.Context(), key)
	rw.WriteHeader(http.StatusNoContent)
}

// @Summary Get token config
// @ID get-token-config
// @Security CoderSessionToken
// @Produce json
// @Tags General
// @Param user path string true "User ID, name, or me"
// @Success 200 {object} codersdk.TokenConfig
// @Router /users/{user}/keys/tokens/tokenconfig [get]
func (api *API) tokenConfig(rw http.ResponseWriter, r *http.Request) {
	httpapi.Write(r.Context(), rw, http.StatusOK, codersdk.TokenConfig{
		MaxTokenLifetime: api.DeploymentValues.SessionConfig.MaximumTokenDuration.Value(),
	})
}
