package workspaceapps

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"time"

	"cdr.dev/slog"
	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/agentconn"
	"github.com/devplane/devplane/coderd/connlog"
	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// Dialer opens a raw stream to an agent at pathAndQuery
// (agentconn.Registry is one).
type Dialer interface {
	Dial(ctx context.Context, agentID uuid.UUID, pathAndQuery string) (net.Conn, error)
}

// Options configure a Server.
type Options struct {
	Logger slog.Logger
	// DB is the dbauthz-wrapped store.
	DB     database.Store
	Dialer Dialer
	// AccessURL is the dashboard's URL: sign-in redirects go there.
	AccessURL *url.URL
	// WildcardHost is the --wildcard-access-url host pattern (e.g.
	// "*.apps.example.com"); empty disables subdomain apps.
	WildcardHost string
	// Authenticate puts the caller's authorization in the request context
	// when it carries a valid token and lets signed-out requests through
	// (httpmw.ExtractAPIKey with Optional).
	Authenticate func(http.Handler) http.Handler
	// Sessions records app sessions; nil records none.
	Sessions SessionRecorder
	// ExchangeToken completes the subdomain sign-in (see Subdomains).
	ExchangeToken TokenExchanger
}

// Server proxies app and port requests to workspaces.
type Server struct {
	opts      Options
	transport *http.Transport
}

// New makes a Server.
func New(opts Options) *Server {
	s := &Server{opts: opts}
	s.transport = &http.Transport{
		DialContext:         s.dialUpstream,
		MaxIdleConnsPerHost: 16,
		IdleConnTimeout:     90 * time.Second,
		// Apps inside workspaces serve self-signed certificates, if any;
		// the hop is already inside the agent's authenticated tunnel.
		TLSClientConfig:       &tls.Config{InsecureSkipVerify: true}, //nolint:gosec // see above
		DisableCompression:    true,
		ResponseHeaderTimeout: 0,
	}
	return s
}

// Close drops idle upstream connections.
func (s *Server) Close() { s.transport.CloseIdleConnections() }

// upstreamHost encodes agent and loopback address into the outgoing URL's
// host, so the transport pools connections per agent and port and
// dialUpstream knows where to dial: "<agent id>.v4:<port>" or ".v6".
func upstreamHost(agentID uuid.UUID, up *url.URL) string {
	family := "v4"
	if ip := net.ParseIP(up.Hostname()); ip != nil && ip.To4() == nil {
		family = "v6"
	}
	return net.JoinHostPort(agentID.String()+"."+family, up.Port())
}

func (s *Server) dialUpstream(ctx context.Context, _, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	id, family, _ := strings.Cut(host, ".")
	agentID, err := uuid.Parse(id)
	if err != nil {
		return nil, fmt.Errorf("bad upstream %q", addr)
	}
	loopback := "127.0.0.1"
	if family == "v6" {
		loopback = "::1"
	}
	conn, err := s.opts.Dialer.Dial(ctx, agentID, "/dial?network=tcp&port="+port+"&host="+url.QueryEscape(loopback))
	if err != nil {
		return nil, &dialError{err: err}
	}
	return conn, nil
}

// dialError marks a failure to reach the app through the agent, as opposed
// to the app failing.
type dialError struct{ err error }

func (e *dialError) Error() string { return e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

// PathRoutes mounts the path-based app routes on r (outside /api/v2, as
// Coder does).
func (s *Server) PathRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Use(s.opts.Authenticate)
		serve := func(rw http.ResponseWriter, r *http.Request) {
			ws, agent, _ := strings.Cut(chi.URLParam(r, "workspaceAndAgent"), ".")
			req := Request{Owner: chi.URLParam(r, "owner"), Workspace: ws, Agent: agent, App: chi.URLParam(r, "app")}
			prefix := "/@" + req.Owner + "/" + chi.URLParam(r, "workspaceAndAgent") + "/apps/" + req.App
			rest := strings.TrimPrefix(r.URL.Path, prefix)
			if rest == "" {
				// Relative links in the app need the trailing slash.
				u := *r.URL
				u.Path += "/"
				http.Redirect(rw, r, u.String(), http.StatusTemporaryRedirect)
				return
			}
			s.serve(rw, r, req, rest, false)
		}
		r.HandleFunc("/@{owner}/{workspaceAndAgent}/apps/{app}", serve)
		r.HandleFunc("/@{owner}/{workspaceAndAgent}/apps/{app}/*", serve)
	})
}

// serve resolves req, applies its sharing level and proxies the request
// with rest as the path below the app's base path.
func (s *Server) serve(rw http.ResponseWriter, r *http.Request, req Request, rest string, subdomain bool) {
	ctx := r.Context()
	t, err := resolve(ctx, s.opts.DB, req)
	if err != nil {
		s.writeResolveError(rw, r, err)
		return
	}
	if t.app != nil && t.app.Subdomain && !subdomain && s.opts.WildcardHost != "" {
		// A subdomain app lives at the root of its own origin.
		http.Redirect(rw, r, s.subdomainURL(req, r.URL.RawQuery), http.StatusTemporaryRedirect)
		return
	}

	auth, signedIn := httpmw.APIKeyAuthorizationOptional(r)
	if !allowed(auth, signedIn, t) {
		if !signedIn {
			s.signIn(rw, r, subdomain)
			return
		}
		// Non-members must not learn the workspace exists.
		writeError(rw, r, http.StatusNotFound, "App not found.", "")
		return
	}

	if status := convert.AgentStatus(t.agent, dbtime.Now()); status != codersdk.WorkspaceAgentConnected {
		writeError(rw, r, http.StatusBadGateway, "The workspace agent is "+string(status)+".",
			"The app is served through the workspace's agent; start the workspace or wait for its agent to connect.")
		return
	}

	if s.opts.Sessions != nil {
		var userID uuid.UUID
		if signedIn {
			userID = auth.Key.UserID
		}
		info := SessionInfo{Workspace: t.workspace, Agent: t.agent, IP: connlog.RequestIP(r), UserAgent: r.UserAgent()}
		if t.app != nil {
			info.AppID = t.app.ID
		}
		s.opts.Sessions.Touch(ctx, SessionKey{UserID: userID, WorkspaceID: t.workspace.ID, AgentID: t.agent.ID, SlugOrPort: t.slugOrPort}, info)
	}

	// The app may stream for as long as it likes (downloads, WebSockets).
	rc := http.NewResponseController(rw)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})

	proxy := &httputil.ReverseProxy{
		Transport:     s.transport,
		FlushInterval: -1,
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetXForwarded()
			out := pr.Out
			out.URL.Scheme = t.upstream.Scheme
			out.URL.Host = upstreamHost(t.agent.ID, t.upstream)
			out.Host = t.upstream.Host
			out.URL.Path = joinPath(t.upstream.Path, rest)
			out.URL.RawPath = ""
			out.URL.RawQuery = stripTokenQuery(r.URL.Query(), t.upstream.RawQuery)
			stripCredentials(out.Header)
		},
		ErrorHandler: func(rw http.ResponseWriter, r *http.Request, err error) {
			var de *dialError
			if errors.As(err, &de) {
				s.opts.Logger.Info(r.Context(), "reach app through agent", slog.F("agent_id", t.agent.ID), slog.Error(de.err))
				status, res := agentconn.DialResponse(de.err)
				writeError(rw, r, status, res.Message, res.Detail)
				return
			}
			if errors.Is(err, context.Canceled) {
				return
			}
			writeError(rw, r, http.StatusBadGateway, "The app did not answer.", "")
		},
	}
	proxy.ServeHTTP(rw, r)
}

// allowed applies a sharing level to the caller.
func allowed(auth httpmw.Authorization, signedIn bool, t target) bool {
	if t.level == LevelPublic {
		return true
	}
	if !signedIn {
		return false
	}
	if auth.Actor.Authorize(rbac.ActionApplicationConnect, t.workspace.RBACObject()) == nil {
		return true
	}
	// An app-scoped key (the subdomain cookie) never widens past the
	// owner level's connect check above: scopes bound what it may do.
	if auth.Key.Scope == database.ApiKeyScopeApplicationConnect && t.level == LevelOwner {
		return false
	}
	switch t.level {
	case LevelAuthenticated:
		return true
	case LevelOrganization:
		// Each organization's "Everyone" group has the organization's id.
		return slices.Contains(auth.Subject.Groups, t.workspace.OrganizationID)
	}
	return false
}

// credentialHeaders never reach the app: it must not be able to act as
// the user.
func stripCredentials(h http.Header) {
	h.Del(codersdk.SessionTokenHeader)
	cookies := h.Values("Cookie")
	h.Del("Cookie")
	for _, line := range cookies {
		var kept []string
		for _, part := range strings.Split(line, ";") {
			name, _, _ := strings.Cut(strings.TrimSpace(part), "=")
			if name == codersdk.SessionTokenCookie || name == "" {
				continue
			}
			kept = append(kept, strings.TrimSpace(part))
		}
		if len(kept) > 0 {
			h.Add("Cookie", strings.Join(kept, "; "))
		}
	}
}

func stripTokenQuery(q url.Values, base string) string {
	q.Del(codersdk.SessionTokenQueryParam)
	q.Del(AppTokenQueryParam)
	merged := q.Encode()
	switch {
	case base == "":
		return merged
	case merged == "":
		return base
	}
	return base + "&" + merged
}

func joinPath(base, rest string) string {
	if rest == "" {
		return base
	}
	return strings.TrimSuffix(base, "/") + "/" + strings.TrimPrefix(rest, "/")
}

// signIn sends a signed-out browser to the dashboard's login page and
// back; API clients get 401.
func (s *Server) signIn(rw http.ResponseWriter, r *http.Request, subdomain bool) {
	if !httpapi.WantsHTML(r) || r.Method != http.MethodGet {
		writeError(rw, r, http.StatusUnauthorized, "Sign in to use this app.", "Send a session token or sign in on the dashboard.")
		return
	}
	if subdomain {
		back := requestURL(r, s.opts.AccessURL.Scheme)
		u := s.opts.AccessURL.JoinPath("/api/v2/applications/auth-redirect")
		u.RawQuery = url.Values{"redirect_uri": {back}}.Encode()
		http.Redirect(rw, r, u.String(), http.StatusSeeOther)
		return
	}
	u := s.opts.AccessURL.JoinPath("/login")
	u.RawQuery = url.Values{"redirect": {r.URL.RequestURI()}}.Encode()
	http.Redirect(rw, r, u.String(), http.StatusSeeOther)
}

func requestURL(r *http.Request, scheme string) string {
	u := url.URL{Scheme: scheme, Host: r.Host, Path: r.URL.Path, RawQuery: r.URL.RawQuery}
	return u.String()
}

func (*Server) writeResolveError(rw http.ResponseWriter, r *http.Request, err error) {
	var re *resolveError
	if errors.As(err, &re) {
		writeError(rw, r, re.status, re.message, re.detail)
		return
	}
	if httpapi.WantsHTML(r) {
		writeError(rw, r, http.StatusInternalServerError, "An internal server error occurred.", "")
		return
	}
	httpapi.WriteError(r.Context(), rw, err)
}

// writeError answers a browser with a small HTML page and anyone else with
// codersdk.Response.
func writeError(rw http.ResponseWriter, r *http.Request, status int, message, detail string) {
	if !httpapi.WantsHTML(r) {
		httpapi.Write(r.Context(), rw, status, codersdk.Response{Message: message, Detail: detail})
		return
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Cache-Control", "no-store")
	rw.WriteHeader(status)
	_, _ = fmt.Fprintf(rw, "<!doctype html><html><head><title>%d %s</title></head><body><h1>%s</h1><p>%s</p></body></html>\n",
		status, html.EscapeString(http.StatusText(status)), html.EscapeString(message), html.EscapeString(detail))
}

// AppTokenQueryParam carries the one-time, app-scoped token from the
// dashboard's auth redirect to a subdomain app, which trades it for a
// cookie on the app's host (Coder's parameter name).
const AppTokenQueryParam = "coder_application_connect_api_key"

// subdomainURL is where a subdomain app lives.
func (s *Server) subdomainURL(req Request, rawQuery string) string {
	label := req.App
	if req.Agent != "" {
		label += "--" + req.Agent
	}
	label += "--" + req.Workspace + "--" + req.Owner
	host := strings.Replace(s.opts.WildcardHost, "*", label, 1)
	u := url.URL{Scheme: s.opts.AccessURL.Scheme, Host: host, Path: "/", RawQuery: rawQuery}
	return u.String()
}
