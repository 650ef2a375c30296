package coderd

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
)

// githubLogin is sign-in with GitHub (or GitHub Enterprise): OAuth2, then
// the user's identity, verified email and memberships from GitHub's API.
type githubLogin struct {
	cfg    codersdk.OAuth2GithubConfig
	oauth  oauth2.Config
	apiURL *url.URL
	client *http.Client
}

func newGithubLogin(accessURL *url.URL, cfg codersdk.OAuth2GithubConfig, client *http.Client) (*githubLogin, error) {
	if cfg.ClientID.Value() == "" {
		return nil, nil
	}
	if len(cfg.AllowedOrgs.Value()) == 0 && len(cfg.AllowedTeams.Value()) == 0 && !cfg.AllowEveryone.Value() {
		return nil, xerrors.New("GitHub sign-in needs --oauth2-github-allowed-orgs, --oauth2-github-allowed-teams or --oauth2-github-allow-everyone")
	}
	for _, team := range cfg.AllowedTeams.Value() {
		if org, slug, ok := strings.Cut(team, "/"); !ok || org == "" || slug == "" {
			return nil, xerrors.Errorf("--oauth2-github-allowed-teams: %q is not <organization>/<team-slug>", team)
		}
	}
	web, api := "https://github.com", "https://api.github.com"
	if base := strings.TrimSuffix(cfg.EnterpriseBaseURL.Value(), "/"); base != "" {
		web, api = base, base+"/api/v3"
	}
	apiURL, err := url.Parse(api)
	if err != nil {
		return nil, xerrors.Errorf("--oauth2-github-enterprise-base-url: %w", err)
	}
	if client == nil {
		client = http.DefaultClient
	}
	return &githubLogin{
		cfg: cfg, apiURL: apiURL, client: client,
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID.Value(),
			ClientSecret: cfg.ClientSecret.Value(),
			Endpoint: oauth2.Endpoint{
				AuthURL:  web + "/login/oauth/authorize",
				TokenURL: web + "/login/oauth/access_token",
			},
			RedirectURL: accessURL.JoinPath("/api/v2/users/oauth2/github/callback").String(),
			Scopes:      []string{"read:user", "read:org", "user:email"},
		},
	}, nil
}

// @Summary OAuth 2.0 GitHub Callback
// @ID oauth-20-github-callback
// @Tags Users
// @Param redirect query string false "Where to go after signing in: a path on this deployment"
// @Param oidc_merge_state query string false "The state of a convert-login request"
// @Success 307
// @Failure 400 {string} string "a page explaining the refusal"
// @Router /users/oauth2/github/callback [get]
func (api *API) userGithubCallback(rw http.ResponseWriter, r *http.Request) {
	g := api.github
	if g == nil {
		api.ssoFail(rw, r, ssoRefuse(http.StatusNotFound, "GitHub sign-in is not configured on this deployment."))
		return
	}
	q := r.URL.Query()
	if q.Get("code") == "" && q.Get("error") == "" && q.Get("state") == "" {
		st := ssoState{
			State: randomString(), Verifier: oauth2.GenerateVerifier(),
			Redirect: safeRedirect(q.Get("redirect")), Merge: q.Get("oidc_merge_state"),
		}
		api.ssoStart(rw, r, database.LoginTypeGithub, st, g.oauth.AuthCodeURL(st.State, oauth2.S256ChallengeOption(st.Verifier)))
		return
	}
	st, ok := api.takeSSOState(rw, r, database.LoginTypeGithub, r.URL.Path)
	if !ok {
		api.ssoFail(rw, r, ssoRefuse(http.StatusBadRequest, "The sign-in state is missing or does not match this browser's. Start the sign-in again."))
		return
	}
	if e := q.Get("error"); e != "" {
		api.ssoFail(rw, r, ssoRefuse(http.StatusUnauthorized, "GitHub refused the sign-in: %s %s", e, q.Get("error_description")))
		return
	}
	id, err := g.identity(r.Context(), q.Get("code"), st, api.logExchangeError)
	if err != nil {
		api.ssoFail(rw, r, err)
		return
	}
	user, err := api.ssoSignIn(dbauthz.AsSSOLogin(r.Context()), id)
	if err == nil {
		err = api.ssoFinish(rw, r, user, st)
	}
	if err != nil {
		api.ssoFail(rw, r, err)
	}
}

type githubUser struct {
	ID        int64  `json:"id"`
	Login     string `json:"login"`
	Name      string `json:"name"`
	AvatarURL string `json:"avatar_url"`
}

type githubEmail struct {
	Email    string `json:"email"`
	Primary  bool   `json:"primary"`
	Verified bool   `json:"verified"`
}

type githubOrgMembership struct {
	State        string `json:"state"`
	Organization struct {
		Login string `json:"login"`
	} `json:"organization"`
}

type githubTeam struct {
	Slug         string `json:"slug"`
	Organization struct {
		Login string `json:"login"`
	} `json:"organization"`
}

// identity exchanges the code and asks GitHub who signed in, with which
// verified email, and whether they belong to an allowed organization or
// team.
func (g *githubLogin) identity(ctx context.Context, code string, st ssoState, logExchange func(context.Context, string, error)) (ssoIdentity, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, g.client)
	token, err := g.oauth.Exchange(ctx, code, oauth2.VerifierOption(st.Verifier))
	if err != nil {
		logExchange(ctx, "github", err)
		return ssoIdentity{}, ssoRefuse(http.StatusBadRequest, "GitHub did not accept the sign-in code. Start the sign-in again.")
	}
	var user githubUser
	if err := g.get(ctx, token, "user", &user); err != nil {
		return ssoIdentity{}, err
	}
	if user.ID == 0 || user.Login == "" {
		return ssoIdentity{}, ssoRefuse(http.StatusBadGateway, "GitHub's answer about the user could not be read.")
	}
	var emails []githubEmail
	if err := g.get(ctx, token, "user/emails", &emails); err != nil {
		return ssoIdentity{}, err
	}
	email := ""
	for _, e := range emails {
		if e.Primary && e.Verified {
			email = e.Email
		}
	}
	if email == "" {
		return ssoIdentity{}, ssoRefuse(http.StatusForbidden, "Your GitHub account has no verified primary email address. Verify one on GitHub, then sign in again.")
	}
	if !g.cfg.AllowEveryone.Value() {
		if err := g.checkMembership(ctx, token, user.Login); err != nil {
			return ssoIdentity{}, err
		}
	}
	return ssoIdentity{
		LoginType: database.LoginTypeGithub, ProviderName: "GitHub", LinkedID: strconv.FormatInt(user.ID, 10),
		Email: email, Username: user.Login, Name: user.Name, Merge: st.Merge,
		AllowSignups: g.cfg.AllowSignups.Value(),
	}, nil
}

func (g *githubLogin) checkMembership(ctx context.Context, token *oauth2.Token, login string) error {
	if orgs := g.cfg.AllowedOrgs.Value(); len(orgs) > 0 {
		var memberships []githubOrgMembership
		if err := g.get(ctx, token, "user/memberships/orgs?state=active&per_page=100", &memberships); err != nil {
			return err
		}
		member := false
		for _, m := range memberships {
			for _, allowed := range orgs {
				if m.State == "active" && strings.EqualFold(m.Organization.Login, allowed) {
					member = true
				}
			}
		}
		if !member {
			return ssoRefuse(http.StatusForbidden, "The GitHub user %s is not a member of an organization allowed to sign in here (%s).", login, strings.Join(orgs, ", "))
		}
	}
	if teams := g.cfg.AllowedTeams.Value(); len(teams) > 0 {
		var mine []githubTeam
		if err := g.get(ctx, token, "user/teams?per_page=100", &mine); err != nil {
			return err
		}
		for _, t := range mine {
			for _, allowed := range teams {
				org, slug, _ := strings.Cut(allowed, "/")
				if strings.EqualFold(t.Organization.Login, org) && strings.EqualFold(t.Slug, slug) {
					return nil
				}
			}
		}
		return ssoRefuse(http.StatusForbidden, "The GitHub user %s is not in a team allowed to sign in here (%s).", login, strings.Join(teams, ", "))
	}
	return nil
}

// get reads one GitHub API resource with the user's token.
func (g *githubLogin) get(ctx context.Context, token *oauth2.Token, path string, out any) error {
	u := g.apiURL.String() + "/" + path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("Authorization", "Bearer "+token.AccessToken)
	res, err := g.client.Do(req)
	if err != nil {
		return ssoRefuse(http.StatusBadGateway, "GitHub could not be reached. Try again in a moment.")
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 1<<16))
		return ssoRefuse(http.StatusBadGateway, "GitHub answered %d when asked for %s.", res.StatusCode, strings.Split(path, "?")[0])
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 4<<20)).Decode(out); err != nil {
		return ssoRefuse(http.StatusBadGateway, "GitHub's answer for %s could not be read.", strings.Split(path, "?")[0])
	}
	return nil
}
