package coderd

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
)

// oidcLogin is sign-in through an OpenID Connect provider: discovery at
// start, then the authorization code flow with PKCE, state and nonce.
type oidcLogin struct {
	cfg      codersdk.OIDCConfig
	provider *oidc.Provider
	oauth    oauth2.Config
	verifier *oidc.IDTokenVerifier
	// assertion, when set, authenticates the client instead of a secret.
	assertion *clientAssertion
	// HTTPClient reaches the provider (tests: the loopback provider).
	client *http.Client
}

// newOIDCLogin reads the provider's discovery document, or returns nil
// when OIDC is not configured.
func newOIDCLogin(ctx context.Context, accessURL *url.URL, cfg codersdk.OIDCConfig, client *http.Client) (*oidcLogin, error) {
	if cfg.IssuerURL.Value() == "" && cfg.ClientID.Value() == "" {
		return nil, nil
	}
	if cfg.IssuerURL.Value() == "" || cfg.ClientID.Value() == "" {
		return nil, xerrors.New("OIDC needs both --oidc-issuer-url and --oidc-client-id")
	}
	if client == nil {
		client = http.DefaultClient
	}
	provider, err := oidc.NewProvider(oidc.ClientContext(ctx, client), cfg.IssuerURL.Value())
	if err != nil {
		return nil, xerrors.Errorf("OIDC discovery at %s: %w", cfg.IssuerURL.Value(), err)
	}
	var assertion *clientAssertion
	if cfg.ClientKeyFile.Value() != "" {
		if cfg.ClientSecret.Value() != "" {
			return nil, xerrors.New("OIDC takes --oidc-client-secret or --oidc-client-key-file, not both")
		}
		if assertion, err = newClientAssertion(cfg.ClientID.Value(), cfg.ClientKeyFile.Value(), cfg.ClientCertFile.Value()); err != nil {
			return nil, err
		}
	}
	endpoint := provider.Endpoint()
	if assertion != nil {
		// The client_id goes in the form beside the assertion.
		endpoint.AuthStyle = oauth2.AuthStyleInParams
	}
	scopes := cfg.Scopes.Value()
	if len(scopes) == 0 {
		scopes = []string{oidc.ScopeOpenID, "profile", "email"}
	}
	return &oidcLogin{
		cfg:       cfg,
		provider:  provider,
		client:    client,
		assertion: assertion,
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID.Value(),
			ClientSecret: cfg.ClientSecret.Value(),
			Endpoint:     endpoint,
			RedirectURL:  accessURL.JoinPath("/api/v2/users/oidc/callback").String(),
			Scopes:       scopes,
		},
		verifier: provider.Verifier(&oidc.Config{ClientID: cfg.ClientID.Value()}),
	}, nil
}

// @Summary OpenID Connect Callback
// @ID openid-connect-callback
// @Tags Users
// @Param redirect query string false "Where to go after signing in: a path on this deployment"
// @Param oidc_merge_state query string false "The state of a convert-login request"
// @Success 307
// @Failure 400 {string} string "a page explaining the refusal"
// @Router /users/oidc/callback [get]
func (api *API) userOIDCCallback(rw http.ResponseWriter, r *http.Request) {
	o := api.oidc
	if o == nil {
		api.ssoFail(rw, r, ssoRefuse(http.StatusNotFound, "OpenID Connect sign-in is not configured on this deployment."))
		return
	}
	q := r.URL.Query()
	if q.Get("code") == "" && q.Get("error") == "" && q.Get("state") == "" {
		st := ssoState{
			State: randomString(), Verifier: oauth2.GenerateVerifier(), Nonce: randomString(),
			Redirect: safeRedirect(q.Get("redirect")), Merge: q.Get("oidc_merge_state"),
		}
		opts := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(st.Verifier), oidc.Nonce(st.Nonce)}
		for k, v := range o.cfg.AuthURLParams.Value {
			opts = append(opts, oauth2.SetAuthURLParam(k, v))
		}
		api.ssoStart(rw, r, database.LoginTypeOidc, st, o.oauth.AuthCodeURL(st.State, opts...))
		return
	}
	st, ok := api.takeSSOState(rw, r, database.LoginTypeOidc, r.URL.Path)
	if !ok {
		api.ssoFail(rw, r, ssoRefuse(http.StatusBadRequest, "The sign-in state is missing or does not match this browser's. Start the sign-in again."))
		return
	}
	if e := q.Get("error"); e != "" {
		api.ssoFail(rw, r, ssoRefuse(http.StatusUnauthorized, "The identity provider refused the sign-in: %s %s", e, q.Get("error_description")))
		return
	}
	id, err := api.oidcIdentity(r.Context(), o, q.Get("code"), st)
	if err != nil {
		api.ssoFail(rw, r, err)
		return
	}
	ctx := dbauthz.AsSSOLogin(r.Context())
	user, err := api.ssoSignIn(ctx, id)
	if err == nil {
		err = api.syncFromClaims(ctx, user, id.Claims)
	}
	if err == nil {
		err = api.ssoFinish(rw, r, user, st)
	}
	if err != nil {
		api.ssoFail(rw, r, err)
	}
}

// oidcIdentity exchanges the code, verifies the ID token and reads who
// signed in from its claims (and the userinfo endpoint's).
func (api *API) oidcIdentity(ctx context.Context, o *oidcLogin, code string, st ssoState) (ssoIdentity, error) {
	ctx = oidc.ClientContext(ctx, o.client)
	opts := []oauth2.AuthCodeOption{oauth2.VerifierOption(st.Verifier)}
	if o.assertion != nil {
		jwt, err := o.assertion.sign(o.oauth.Endpoint.TokenURL, o.cfg.IssuerURL.Value())
		if err != nil {
			return ssoIdentity{}, xerrors.Errorf("sign client assertion: %w", err)
		}
		opts = append(opts,
			oauth2.SetAuthURLParam("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
			oauth2.SetAuthURLParam("client_assertion", jwt))
	}
	token, err := o.oauth.Exchange(ctx, code, opts...)
	if err != nil {
		api.logExchangeError(ctx, "oidc", err)
		// The provider's answer may echo the request; keep it out of the
		// page and the log.
		return ssoIdentity{}, ssoRefuse(http.StatusBadRequest, "The identity provider did not accept the sign-in code. Start the sign-in again.")
	}
	raw, _ := token.Extra("id_token").(string)
	if raw == "" {
		return ssoIdentity{}, ssoRefuse(http.StatusBadRequest, "The identity provider returned no ID token. Is the \"openid\" scope configured?")
	}
	idToken, err := o.verifier.Verify(ctx, raw)
	if err != nil {
		return ssoIdentity{}, idTokenRefusal(err)
	}
	if idToken.Nonce != st.Nonce {
		return ssoIdentity{}, ssoRefuse(http.StatusBadRequest, "The ID token's nonce does not match this sign-in. Start the sign-in again.")
	}
	claims := map[string]any{}
	if err := idToken.Claims(&claims); err != nil {
		return ssoIdentity{}, ssoRefuse(http.StatusBadRequest, "The ID token's claims could not be read.")
	}
	if !o.cfg.IgnoreUserInfo.Value() && o.provider.UserInfoEndpoint() != "" {
		info, err := o.provider.UserInfo(ctx, oauth2.StaticTokenSource(token))
		if err != nil {
			return ssoIdentity{}, ssoRefuse(http.StatusBadRequest, "The identity provider's userinfo endpoint refused the access token.")
		}
		if info.Subject != idToken.Subject {
			return ssoIdentity{}, ssoRefuse(http.StatusBadRequest, "The userinfo endpoint describes another subject than the ID token.")
		}
		extra := map[string]any{}
		if err := info.Claims(&extra); err == nil {
			// The signed ID token wins where both speak.
			for k, v := range extra {
				if _, ok := claims[k]; !ok {
					claims[k] = v
				}
			}
		}
	}

	email, _ := claims[o.cfg.EmailField.Value()].(string)
	if email == "" {
		return ssoIdentity{}, ssoRefuse(http.StatusBadRequest, "The identity provider sent no email address (claim %q).", o.cfg.EmailField.Value())
	}
	if v, present := claims["email_verified"]; present && !o.cfg.IgnoreEmailVerified.Value() {
		if verified, _ := v.(bool); !verified {
			return ssoIdentity{}, ssoRefuse(http.StatusForbidden, "Your email address %s is not verified by the identity provider. Verify it there, then sign in again.", email)
		}
	}
	if domains := o.cfg.EmailDomain.Value(); len(domains) > 0 && !emailInDomains(email, domains) {
		return ssoIdentity{}, ssoRefuse(http.StatusForbidden, "Your email address %s is not in a domain allowed to sign in here.", email)
	}
	if allowed := o.cfg.GroupAllowList.Value(); len(allowed) > 0 {
		if !anyIn(claimStrings(claims, api.groupField()), allowed) {
			return ssoIdentity{}, ssoRefuse(http.StatusForbidden, "None of your identity provider groups may sign in here.")
		}
	}
	username, _ := claims[o.cfg.UsernameField.Value()].(string)
	name, _ := claims[o.cfg.NameField.Value()].(string)
	return ssoIdentity{
		LoginType: database.LoginTypeOidc, ProviderName: "OpenID Connect", LinkedID: idToken.Subject,
		Email: email, Username: username, Name: name, Merge: st.Merge, Claims: claims,
		AllowSignups: o.cfg.AllowSignups.Value(), SignupsText: o.cfg.SignupsDisabledText.Value(),
	}, nil
}

// idTokenRefusal says in words why the ID token failed verification.
func idTokenRefusal(err error) error {
	var expired *oidc.TokenExpiredError
	switch {
	case errors.As(err, &expired):
		return ssoRefuse(http.StatusUnauthorized, "The identity provider's ID token has expired. Check that the clocks agree, then sign in again.")
	case strings.Contains(err.Error(), "audience"):
		return ssoRefuse(http.StatusUnauthorized, "The ID token was issued for another client (its audience is not %s's client ID).", "this deployment")
	case strings.Contains(err.Error(), "issuer"):
		return ssoRefuse(http.StatusUnauthorized, "The ID token was issued by another issuer than the configured one.")
	}
	return ssoRefuse(http.StatusUnauthorized, "The identity provider's ID token could not be verified (%s).", safeVerifyReason(err))
}

// safeVerifyReason is go-oidc's reason without the token text it may quote.
func safeVerifyReason(err error) string {
	msg := err.Error()
	if i := strings.IndexAny(msg, ":"); i > 0 && len(msg) > 120 {
		msg = msg[:i]
	}
	return fmt.Sprintf("%.120s", msg)
}

func emailInDomains(email string, domains []string) bool {
	_, dom, ok := strings.Cut(email, "@")
	if !ok {
		return false
	}
	for _, d := range domains {
		if strings.EqualFold(strings.TrimPrefix(strings.TrimSpace(d), "@"), dom) {
			return true
		}
	}
	return false
}

func anyIn(have, want []string) bool {
	for _, h := range have {
		for _, w := range want {
			if h == w {
				return true
			}
		}
	}
	return false
}

// claimStrings reads a claim that is a list of strings or one string.
func claimStrings(claims map[string]any, field string) []string {
	if field == "" {
		return nil
	}
	switch v := claims[field].(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	case []string:
		return v
	}
	return nil
}
