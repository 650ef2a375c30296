package codersdk

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"golang.org/x/xerrors"
)

// APIKey describes an API key or token. The secret half is shown once, when
// the key is created, and never again.
type APIKey struct {
	ID        string    `json:"id" validate:"required"`
	UserID    uuid.UUID `json:"user_id" validate:"required" format:"uuid"`
	LastUsed  time.Time `json:"last_used" validate:"required" format:"date-time"`
	ExpiresAt time.Time `json:"expires_at" validate:"required" format:"date-time"`
	CreatedAt time.Time `json:"created_at" validate:"required" format:"date-time"`
	UpdatedAt time.Time `json:"updated_at" validate:"required" format:"date-time"`
	LoginType LoginType `json:"login_type" validate:"required" enums:"password,github,oidc,token"`
	// Deprecated: use Scopes instead.
	Scope           APIKeyScope          `json:"scope" enums:"all,application_connect"`
	Scopes          []APIKeyScope        `json:"scopes"`
	TokenName       string               `json:"token_name" validate:"required"`
	LifetimeSeconds int64                `json:"lifetime_seconds" validate:"required"`
	AllowList       []APIAllowListTarget `json:"allow_list"`
}

// APIKeyWithOwner is an API key listed together with its owner's username,
// as GET /users/{user}/keys/tokens returns them.
type APIKeyWithOwner struct {
	APIKey
	Username string `json:"username"`
}

// APIKeyScope limits what an API key may do. Besides the legacy scopes "all"
// and "application_connect" and the composite "coder:*" scopes, a scope can
// name one resource and action, "<resource>:<action>", where the action may
// be "*" for every action of that resource.
type APIKeyScope string

const (
	// APIKeyScopeAll allows everything the owner may do.
	APIKeyScopeAll APIKeyScope = "all"
	// APIKeyScopeApplicationConnect only allows connecting to workspace
	// applications.
	APIKeyScopeApplicationConnect APIKeyScope = "application_connect"
)

// Composite scopes: named bundles of resource:action scopes.
const (
	APIKeyScopeCoderAll                APIKeyScope = "coder:all"
	APIKeyScopeCoderApplicationConnect APIKeyScope = "coder:application_connect"
	APIKeyScopeCoderApikeysManageSelf  APIKeyScope = "coder:apikeys.manage_self"
	APIKeyScopeCoderTemplatesAuthor    APIKeyScope = "coder:templates.author"
	APIKeyScopeCoderTemplatesBuild     APIKeyScope = "coder:templates.build"
	APIKeyScopeCoderWorkspacesAccess   APIKeyScope = "coder:workspaces.access"
	APIKeyScopeCoderWorkspacesCreate   APIKeyScope = "coder:workspaces.create"
	APIKeyScopeCoderWorkspacesDelete   APIKeyScope = "coder:workspaces.delete"
	APIKeyScopeCoderWorkspacesOperate  APIKeyScope = "coder:workspaces.operate"
)

// compositeAPIKeyScopes lists the "coder:*" scopes.
var compositeAPIKeyScopes = []APIKeyScope{
	APIKeyScopeCoderAll,
	APIKeyScopeCoderApplicationConnect,
	APIKeyScopeCoderApikeysManageSelf,
	APIKeyScopeCoderTemplatesAuthor,
	APIKeyScopeCoderTemplatesBuild,
	APIKeyScopeCoderWorkspacesAccess,
	APIKeyScopeCoderWorkspacesCreate,
	APIKeyScopeCoderWorkspacesDelete,
	APIKeyScopeCoderWorkspacesOperate,
}

// ResourceScope returns the scope "<resource>:<action>".
func ResourceScope(r RBACResource, a RBACAction) APIKeyScope {
	return APIKeyScope(string(r) + ":" + string(a))
}

// ResourceWildcardScope returns the scope "<resource>:*", every action of r.
func ResourceWildcardScope(r RBACResource) APIKeyScope {
	return APIKeyScope(string(r) + ":*")
}

// Valid reports whether s is a scope the API accepts.
func (s APIKeyScope) Valid() bool {
	if s == APIKeyScopeAll || s == APIKeyScopeApplicationConnect {
		return true
	}
	if slices.Contains(compositeAPIKeyScopes, s) {
		return true
	}
	resource, action, ok := strings.Cut(string(s), ":")
	if !ok {
		return false
	}
	r := RBACResource(resource)
	if r == ResourceWildcard || !r.Valid() {
		return false
	}
	if action == "*" {
		return true
	}
	return slices.Contains(RBACResourceActions[r], RBACAction(action))
}

// AllAPIKeyScopes returns every scope the API accepts, sorted.
func AllAPIKeyScopes() []APIKeyScope {
	out := []APIKeyScope{APIKeyScopeAll, APIKeyScopeApplicationConnect}
	out = append(out, compositeAPIKeyScopes...)
	for r, actions := range RBACResourceActions {
		if r == ResourceWildcard {
			continue
		}
		out = append(out, ResourceWildcardScope(r))
		for _, a := range actions {
			out = append(out, ResourceScope(r, a))
		}
	}
	slices.Sort(out)
	return out
}

// APIAllowListTarget restricts an API key to one resource, or to every
// resource of one type when ID is "*". Type "*" with ID "*" allows
// everything. On the wire it is the object {"type": ..., "id": ...}; the
// string "<type>:<id>" is accepted as input too.
type APIAllowListTarget struct {
	Type RBACResource `json:"type"`
	ID   string       `json:"id" format:"uuid"`
}

// AllowAllTarget allows every resource.
func AllowAllTarget() APIAllowListTarget {
	return APIAllowListTarget{Type: ResourceWildcard, ID: "*"}
}

// AllowResourceTarget allows one resource.
func AllowResourceTarget(r RBACResource, id uuid.UUID) APIAllowListTarget {
	return APIAllowListTarget{Type: r, ID: id.String()}
}

// String returns the "<type>:<id>" form.
func (t APIAllowListTarget) String() string {
	return string(t.Type) + ":" + t.ID
}

// UnmarshalJSON accepts the object form and the "<type>:<id>" string form,
// and rejects unknown types and IDs that are neither a UUID nor "*".
func (t *APIAllowListTarget) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		typ, id, ok := strings.Cut(s, ":")
		if !ok {
			return xerrors.Errorf("allow list entry %q: want <type>:<id>", s)
		}
		return t.set(typ, id)
	}
	var obj struct {
		Type string `json:"type"`
		ID   string `json:"id"`
	}
	if err := json.Unmarshal(b, &obj); err != nil {
		return xerrors.New("allow list entry: want an object with type and id, or a \"<type>:<id>\" string")
	}
	return t.set(obj.Type, obj.ID)
}

func (t *APIAllowListTarget) set(typ, id string) error {
	typ, id = strings.TrimSpace(typ), strings.TrimSpace(id)
	if typ == "" || id == "" {
		return xerrors.New("allow list entry needs both type and id")
	}
	if !RBACResource(typ).Valid() {
		return xerrors.Errorf("allow list entry: unknown resource type %q", typ)
	}
	if id != "*" {
		if _, err := uuid.Parse(id); err != nil {
			return xerrors.Errorf("allow list entry: %s id %q is neither a UUID nor \"*\"", typ, id)
		}
	}
	t.Type, t.ID = RBACResource(typ), id
	return nil
}

// CreateTokenRequest creates a long-lived token.
type CreateTokenRequest struct {
	// Lifetime is in nanoseconds on the wire (a Go time.Duration). Zero
	// means the server's default token lifetime.
	Lifetime time.Duration `json:"lifetime" swaggertype:"integer"`
	// Deprecated: use Scopes instead.
	Scope     APIKeyScope          `json:"scope,omitempty" enums:"all,application_connect"`
	Scopes    []APIKeyScope        `json:"scopes,omitempty"`
	TokenName string               `json:"token_name"`
	AllowList []APIAllowListTarget `json:"allow_list,omitempty"`
}

// GenerateAPIKeyResponse carries a newly created key, "<id>-<secret>". It
// is the only time the secret is revealed.
type GenerateAPIKeyResponse struct {
	Key string `json:"key"`
}

// TokenConfig bounds the tokens a user may create.
type TokenConfig struct {
	// MaxTokenLifetime is in nanoseconds on the wire (a Go time.Duration).
	MaxTokenLifetime time.Duration `json:"max_token_lifetime" swaggertype:"integer"`
}

// TokensFilter selects which tokens GET /users/{user}/keys/tokens lists.
type TokensFilter struct {
	// IncludeAll lists the tokens of every user the caller may see, not just
	// the ones of the user in the path.
	IncludeAll bool `json:"include_all"`
	// IncludeExpired lists expired tokens too.
	IncludeExpired bool `json:"include_expired"`
}

func (f TokensFilter) asRequestOption() RequestOption {
	return func(r *http.Request) {
		q := r.URL.Query()
		if f.IncludeAll {
			q.Set("include_all", strconv.FormatBool(true))
		}
		if f.IncludeExpired {
			q.Set("include_expired", strconv.FormatBool(true))
		}
		r.URL.RawQuery = q.Encode()
	}
}

// CreateAPIKey creates a session key for a user, with the default session
// lifetime. Tokens made with CreateToken are usually what is wanted.
func (c *Client) CreateAPIKey(ctx context.Context, user string) (GenerateAPIKeyResponse, error) {
	var resp GenerateAPIKeyResponse
	res, err := c.Request(ctx, http.MethodPost, userPath(user, "keys"), nil)
	if err != nil {
		return resp, err
	}
	return resp, decodeJSON(res, http.StatusCreated, &resp)
}

// CreateToken creates a named long-lived token for a user, e.g. for CI.
func (c *Client) CreateToken(ctx context.Context, user string, req CreateTokenRequest) (GenerateAPIKeyResponse, error) {
	var resp GenerateAPIKeyResponse
	res, err := c.Request(ctx, http.MethodPost, userPath(user, "keys", "tokens"), req)
	if err != nil {
		return resp, err
	}
	return resp, decodeJSON(res, http.StatusCreated, &resp)
}

// Tokens lists a user's tokens.
func (c *Client) Tokens(ctx context.Context, user string, filter TokensFilter) ([]APIKeyWithOwner, error) {
	var keys []APIKeyWithOwner
	return keys, c.getJSON(ctx, userPath(user, "keys", "tokens"), &keys, filter.asRequestOption())
}

// APIKeyByName returns a user's token by its name.
func (c *Client) APIKeyByName(ctx context.Context, user, name string) (*APIKey, error) {
	key := &APIKey{}
	if err := c.getJSON(ctx, userPath(user, "keys", "tokens", url.PathEscape(name)), key); err != nil {
		return nil, err
	}
	return key, nil
}

// APIKeyByID returns a user's API key by its ID.
func (c *Client) APIKeyByID(ctx context.Context, user, id string) (*APIKey, error) {
	key := &APIKey{}
	if err := c.getJSON(ctx, userPath(user, "keys", url.PathEscape(id)), key); err != nil {
		return nil, err
	}
	return key, nil
}

// DeleteAPIKey deletes a user's API key by its ID.
func (c *Client) DeleteAPIKey(ctx context.Context, user, id string) error {
	res, err := c.Request(ctx, http.MethodDelete, userPath(user, "keys", url.PathEscape(id)), nil)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusNoContent, nil)
}

// ExpireAPIKey makes a user's API key expire now while keeping its record.
func (c *Client) ExpireAPIKey(ctx context.Context, user, id string) error {
	res, err := c.Request(ctx, http.MethodPut, userPath(user, "keys", url.PathEscape(id), "expire"), nil)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusNoContent, nil)
}

// GetTokenConfig returns the token limits that apply to a user.
func (c *Client) GetTokenConfig(ctx context.Context, user string) (TokenConfig, error) {
	var cfg TokenConfig
	return cfg, c.getJSON(ctx, userPath(user, "keys", "tokens", "tokenconfig"), &cfg)
}
