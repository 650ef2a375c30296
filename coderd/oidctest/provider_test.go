package oidctest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// The OpenID Provider of these tests is zitadel/oidc's certified `op`
// package on loopback. Only its storage is written here: one client, one
// preset user whom the login step approves at once, and knobs that make
// the next ID token wrong in one way (audience, nonce, lifetime) so the
// server's checks can be seen refusing it.

type opUser struct {
	Subject       string
	Email         string
	EmailVerified bool
	Username      string
	Name          string
	Groups        []string
	Roles         []string
}

// tamper changes the next ID token.
type tamper struct {
	// clientID makes the provider issue the token to another client (as
	// one that renamed or aliased the client would).
	clientID string
	nonce    string
	lifetime time.Duration
}

type testOP struct {
	URL          string
	ClientID     string
	ClientSecret string

	mu          sync.Mutex
	user        opUser
	next        tamper
	redirectURI string
	// clientKey, when set, is the public key the client authenticates
	// with (private_key_jwt) instead of its secret.
	clientKey *jose.JSONWebKey
	requests  map[string]*opAuthRequest
	codes     map[string]string // code -> request id
	tokens    map[string]string // access token id -> subject

	key      *rsa.PrivateKey
	keyID    string
	provider *op.Provider

	// seen are the secrets that crossed the wire: codes and tokens, for
	// the test that they leak nowhere.
	seenMu    sync.Mutex
	seen      []string
	seenCodes int
}

func newTestOP(t *testing.T) *testOP {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	o := &testOP{
		ClientID: "devplane-" + uuid.NewString()[:8], ClientSecret: "op-secret-" + uuid.NewString(),
		requests: map[string]*opAuthRequest{}, codes: map[string]string{}, tokens: map[string]string{},
		key: key, keyID: uuid.NewString(),
	}
	var handler http.Handler = http.NotFoundHandler()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/login" {
			o.login(rw, r)
			return
		}
		handler.ServeHTTP(&tokenRecorder{ResponseWriter: rw, op: o, path: r.URL.Path}, r)
	}))
	t.Cleanup(srv.Close)
	o.URL = srv.URL
	var cryptoKey [32]byte
	_, _ = rand.Read(cryptoKey[:])
	o.provider, err = op.NewOpenIDProvider(srv.URL, &op.Config{
		CryptoKey:               cryptoKey,
		CodeMethodS256:          true,
		AuthMethodPrivateKeyJWT: true,
	}, &opStorage{o}, op.WithAllowInsecure())
	require.NoError(t, err)
	handler = o.provider
	return o
}

func (o *testOP) setUser(u opUser) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.user = u
}

func (o *testOP) tamperNext(t tamper) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.next = t
}

func (o *testOP) setRedirectURI(u string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.redirectURI = u
}

func (o *testOP) secretsSeen() []string {
	o.seenMu.Lock()
	defer o.seenMu.Unlock()
	return append([]string{o.ClientSecret}, o.seen...)
}

func (o *testOP) codesSeen() int {
	o.seenMu.Lock()
	defer o.seenMu.Unlock()
	return o.seenCodes
}

func (o *testOP) see(s string) {
	if s == "" {
		return
	}
	o.seenMu.Lock()
	defer o.seenMu.Unlock()
	o.seen = append(o.seen, s)
}

// login approves the auth request for the preset user, as a person who
// typed their password at the provider would.
func (o *testOP) login(rw http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	o.mu.Lock()
	req, ok := o.requests[id]
	if ok {
		req.subject = o.user.Subject
		req.done = true
		req.authTime = time.Now()
	}
	o.mu.Unlock()
	if !ok {
		http.Error(rw, "unknown auth request", http.StatusBadRequest)
		return
	}
	ctx := op.ContextWithIssuer(r.Context(), o.URL)
	http.Redirect(rw, r, op.AuthCallbackURL(o.provider)(ctx, id), http.StatusFound)
}

// tokenRecorder notes the codes the provider hands out and the tokens its
// token endpoint answers with.
type tokenRecorder struct {
	http.ResponseWriter
	op   *testOP
	path string
	body []byte
}

func (w *tokenRecorder) WriteHeader(status int) {
	if loc := w.Header().Get("Location"); loc != "" {
		if u, err := url.Parse(loc); err == nil && u.Query().Get("code") != "" {
			w.op.see(u.Query().Get("code"))
			w.op.seenMu.Lock()
			w.op.seenCodes++
			w.op.seenMu.Unlock()
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *tokenRecorder) Write(b []byte) (int, error) {
	if strings.HasSuffix(w.path, "/token") {
		var tok struct {
			AccessToken string `json:"access_token"`
			IDToken     string `json:"id_token"`
		}
		if json.Unmarshal(b, &tok) == nil {
			w.op.see(tok.AccessToken)
			w.op.see(tok.IDToken)
		}
	}
	return w.ResponseWriter.Write(b)
}

type opAuthRequest struct {
	oidc.AuthRequest
	id       string
	subject  string
	done     bool
	authTime time.Time
	tamper   tamper
}

func (a *opAuthRequest) GetID() string    { return a.id }
func (a *opAuthRequest) GetACR() string   { return "" }
func (a *opAuthRequest) GetAMR() []string { return []string{"pwd"} }
func (a *opAuthRequest) GetClientID() string {
	if a.tamper.clientID != "" {
		return a.tamper.clientID
	}
	return a.ClientID
}
func (a *opAuthRequest) GetAudience() []string  { return []string{a.GetClientID()} }
func (a *opAuthRequest) GetAuthTime() time.Time { return a.authTime }
func (a *opAuthRequest) GetCodeChallenge() *oidc.CodeChallenge {
	if a.CodeChallenge == "" {
		return nil
	}
	return &oidc.CodeChallenge{Challenge: a.CodeChallenge, Method: a.CodeChallengeMethod}
}

func (a *opAuthRequest) GetNonce() string {
	if a.tamper.nonce != "" {
		return a.tamper.nonce
	}
	return a.Nonce
}
func (a *opAuthRequest) GetRedirectURI() string             { return a.RedirectURI }
func (a *opAuthRequest) GetResponseType() oidc.ResponseType { return a.ResponseType }
func (a *opAuthRequest) GetResponseMode() oidc.ResponseMode { return a.ResponseMode }
func (a *opAuthRequest) GetScopes() []string                { return a.Scopes }
func (a *opAuthRequest) GetState() string                   { return a.State }
func (a *opAuthRequest) GetSubject() string                 { return a.subject }
func (a *opAuthRequest) Done() bool                         { return a.done }

type opClient struct {
	o        *testOP
	id       string
	lifetime time.Duration
}

func (c *opClient) GetID() string { return c.id }
func (c *opClient) RedirectURIs() []string {
	c.o.mu.Lock()
	defer c.o.mu.Unlock()
	return []string{c.o.redirectURI}
}
func (*opClient) PostLogoutRedirectURIs() []string    { return nil }
func (*opClient) ApplicationType() op.ApplicationType { return op.ApplicationTypeWeb }
func (c *opClient) AuthMethod() oidc.AuthMethod {
	c.o.mu.Lock()
	defer c.o.mu.Unlock()
	if c.o.clientKey != nil {
		return oidc.AuthMethodPrivateKeyJWT
	}
	return oidc.AuthMethodBasic
}
func (*opClient) ResponseTypes() []oidc.ResponseType {
	return []oidc.ResponseType{oidc.ResponseTypeCode}
}
func (*opClient) GrantTypes() []oidc.GrantType         { return []oidc.GrantType{oidc.GrantTypeCode} }
func (c *opClient) LoginURL(id string) string          { return c.o.URL + "/login?id=" + url.QueryEscape(id) }
func (*opClient) AccessTokenType() op.AccessTokenType  { return op.AccessTokenTypeBearer }
func (c *opClient) IDTokenLifetime() time.Duration     { return c.lifetime }
func (*opClient) DevMode() bool                        { return true }
func (*opClient) IsScopeAllowed(string) bool           { return true }
func (*opClient) IDTokenUserinfoClaimsAssertion() bool { return true }
func (*opClient) ClockSkew() time.Duration             { return 0 }
func (*opClient) RestrictAdditionalIdTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

func (*opClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}

type signingKey struct {
	id  string
	key *rsa.PrivateKey
}

func (k signingKey) SignatureAlgorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k signingKey) Key() any                                    { return k.key }
func (k signingKey) ID() string                                  { return k.id }

type publicKey struct{ signingKey }

func (k publicKey) Algorithm() jose.SignatureAlgorithm { return jose.RS256 }
func (k publicKey) Use() string                        { return "sig" }
func (k publicKey) Key() any                           { return &k.key.PublicKey }

var errNotFound = errors.New("not found")

// opStorage is the provider's storage: in memory, for one client.
type opStorage struct{ o *testOP }

func (s *opStorage) CreateAuthRequest(_ context.Context, req *oidc.AuthRequest, _ string) (op.AuthRequest, error) {
	s.o.mu.Lock()
	defer s.o.mu.Unlock()
	a := &opAuthRequest{AuthRequest: *req, id: uuid.NewString(), tamper: s.o.next}
	s.o.next = tamper{}
	s.o.requests[a.id] = a
	return a, nil
}

func (s *opStorage) AuthRequestByID(_ context.Context, id string) (op.AuthRequest, error) {
	s.o.mu.Lock()
	defer s.o.mu.Unlock()
	if a, ok := s.o.requests[id]; ok {
		return a, nil
	}
	return nil, errNotFound
}

func (s *opStorage) AuthRequestByCode(_ context.Context, code string) (op.AuthRequest, error) {
	s.o.mu.Lock()
	defer s.o.mu.Unlock()
	if a, ok := s.o.requests[s.o.codes[code]]; ok {
		return a, nil
	}
	return nil, errNotFound
}

func (s *opStorage) SaveAuthCode(_ context.Context, id, code string) error {
	s.o.mu.Lock()
	defer s.o.mu.Unlock()
	s.o.codes[code] = id
	return nil
}

func (s *opStorage) DeleteAuthRequest(_ context.Context, id string) error {
	s.o.mu.Lock()
	defer s.o.mu.Unlock()
	delete(s.o.requests, id)
	for code, rid := range s.o.codes {
		if rid == id {
			delete(s.o.codes, code)
		}
	}
	return nil
}

func (s *opStorage) CreateAccessToken(_ context.Context, req op.TokenRequest) (string, time.Time, error) {
	s.o.mu.Lock()
	defer s.o.mu.Unlock()
	id := uuid.NewString()
	s.o.tokens[id] = req.GetSubject()
	return id, time.Now().Add(5 * time.Minute), nil
}

func (*opStorage) CreateAccessAndRefreshTokens(context.Context, op.TokenRequest, string) (string, string, time.Time, error) {
	return "", "", time.Time{}, errors.New("refresh tokens are not offered")
}

func (*opStorage) TokenRequestByRefreshToken(context.Context, string) (op.RefreshTokenRequest, error) {
	return nil, op.ErrInvalidRefreshToken
}
func (*opStorage) TerminateSession(context.Context, string, string) error { return nil }
func (*opStorage) RevokeToken(context.Context, string, string, string) *oidc.Error {
	return nil
}

func (*opStorage) GetRefreshTokenInfo(context.Context, string, string) (string, string, error) {
	return "", "", op.ErrInvalidRefreshToken
}

func (s *opStorage) SigningKey(context.Context) (op.SigningKey, error) {
	return signingKey{id: s.o.keyID, key: s.o.key}, nil
}

func (*opStorage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

func (s *opStorage) KeySet(context.Context) ([]op.Key, error) {
	return []op.Key{publicKey{signingKey{id: s.o.keyID, key: s.o.key}}}, nil
}

func (s *opStorage) GetClientByClientID(_ context.Context, id string) (op.Client, error) {
	s.o.mu.Lock()
	defer s.o.mu.Unlock()
	c := &opClient{o: s.o, id: s.o.ClientID, lifetime: 5 * time.Minute}
	// The knobs of the request being completed apply.
	for _, a := range s.o.requests {
		if !a.done {
			continue
		}
		if a.tamper.lifetime != 0 {
			c.lifetime = a.tamper.lifetime
		}
		if a.tamper.clientID != "" {
			c.id = a.tamper.clientID
			if id == a.tamper.clientID {
				return c, nil
			}
		}
	}
	if id != s.o.ClientID {
		return nil, errNotFound
	}
	return c, nil
}

func (s *opStorage) AuthorizeClientIDSecret(_ context.Context, id, secret string) error {
	s.o.mu.Lock()
	keyOnly := s.o.clientKey != nil
	s.o.mu.Unlock()
	if keyOnly || id != s.o.ClientID || secret != s.o.ClientSecret {
		return errors.New("wrong client credentials")
	}
	return nil
}

func (s *opStorage) fill(info *oidc.UserInfo, subject string) {
	s.o.mu.Lock()
	u := s.o.user
	s.o.mu.Unlock()
	if subject != u.Subject {
		return
	}
	info.Subject = u.Subject
	info.Email = u.Email
	if u.EmailVerified {
		info.EmailVerified = oidc.Bool(true)
	} else {
		// The typed field omits false; say it outright, as IdPs do.
		info.AppendClaims("email_verified", false)
	}
	info.PreferredUsername = u.Username
	info.Name = u.Name
	if u.Groups != nil {
		info.AppendClaims("groups", u.Groups)
	}
	if u.Roles != nil {
		info.AppendClaims("roles", u.Roles)
	}
}

func (s *opStorage) SetUserinfoFromScopes(_ context.Context, info *oidc.UserInfo, userID, _ string, _ []string) error {
	s.fill(info, userID)
	return nil
}

func (s *opStorage) SetUserinfoFromToken(_ context.Context, info *oidc.UserInfo, tokenID, subject, _ string) error {
	s.o.mu.Lock()
	known := s.o.tokens[tokenID] == subject
	s.o.mu.Unlock()
	if !known {
		return errNotFound
	}
	s.fill(info, subject)
	return nil
}

func (*opStorage) SetIntrospectionFromToken(context.Context, *oidc.IntrospectionResponse, string, string, string) error {
	return nil
}

func (*opStorage) GetPrivateClaimsFromScopes(context.Context, string, string, []string) (map[string]any, error) {
	return map[string]any{}, nil
}

func (s *opStorage) GetKeyByIDAndClientID(_ context.Context, keyID, clientID string) (*jose.JSONWebKey, error) {
	s.o.mu.Lock()
	defer s.o.mu.Unlock()
	if k := s.o.clientKey; k != nil && k.KeyID == keyID && clientID == s.o.ClientID {
		return k, nil
	}
	return nil, errNotFound
}

func (*opStorage) ValidateJWTProfileScopes(_ context.Context, _ string, scopes []string) ([]string, error) {
	return scopes, nil
}
func (*opStorage) Health(context.Context) error { return nil }

var _ io.Writer = (*tokenRecorder)(nil)
