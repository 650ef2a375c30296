package workspaceapps

import (
	"context"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/devplane/devplane/codersdk"
)

// TokenExchanger trades the one-time token of an auth redirect for the
// app-scoped token the app host keeps in its cookie.
type TokenExchanger func(ctx context.Context, r *http.Request, oneTime string) (token string, expires time.Time, err error)

// hostOnly drops a port.
func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

// parseAppHost reads "{app}--{agent}--{workspace}--{owner}" (or without
// the agent) from a host matching the wildcard pattern.
func (s *Server) parseAppHost(host string) (Request, bool) {
	if s.opts.WildcardHost == "" {
		return Request{}, false
	}
	pattern := strings.ToLower(hostOnly(s.opts.WildcardHost))
	prefix, suffix, ok := strings.Cut(pattern, "*")
	if !ok {
		return Request{}, false
	}
	host = strings.ToLower(hostOnly(host))
	if !strings.HasPrefix(host, prefix) || !strings.HasSuffix(host, suffix) || len(host) <= len(prefix)+len(suffix) {
		return Request{}, false
	}
	label := host[len(prefix) : len(host)-len(suffix)]
	if strings.Contains(label, ".") {
		return Request{}, false
	}
	parts := strings.Split(label, "--")
	switch len(parts) {
	case 3:
		return Request{App: parts[0], Workspace: parts[1], Owner: parts[2]}, true
	case 4:
		return Request{App: parts[0], Agent: parts[1], Workspace: parts[2], Owner: parts[3]}, true
	}
	return Request{}, false
}

// IsAppHost says whether host is a subdomain app's; the auth redirect only
// sends tokens there.
func (s *Server) IsAppHost(host string) bool {
	_, ok := s.parseAppHost(host)
	return ok
}

// Subdomains serves requests for app hosts and passes everything else on.
// An app host is its own origin: the dashboard's cookie never reaches it,
// so it signs in with its own app-scoped cookie (see ExchangeToken).
func (s *Server) Subdomains(next http.Handler) http.Handler {
	serve := s.opts.Authenticate(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		req, _ := s.parseAppHost(r.Host)
		s.serve(rw, r, req, r.URL.Path, true)
	}))
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if _, ok := s.parseAppHost(r.Host); !ok {
			next.ServeHTTP(rw, r)
			return
		}
		if oneTime := r.URL.Query().Get(AppTokenQueryParam); oneTime != "" {
			s.exchange(rw, r, oneTime)
			return
		}
		// A token in the header is for API clients; the dashboard's
		// session token in a query parameter is never accepted here.
		serve.ServeHTTP(rw, r)
	})
}

// exchange sets the app host's cookie from a one-time token and sends the
// browser on to the URL without it.
func (s *Server) exchange(rw http.ResponseWriter, r *http.Request, oneTime string) {
	if s.opts.ExchangeToken == nil {
		writeError(rw, r, http.StatusNotFound, "Subdomain apps are not enabled.", "")
		return
	}
	token, expires, err := s.opts.ExchangeToken(r.Context(), r, oneTime)
	if err != nil {
		writeError(rw, r, http.StatusUnauthorized, "The sign-in link is invalid or was already used.", "Open the app again from the dashboard.")
		return
	}
	http.SetCookie(rw, &http.Cookie{
		Name: codersdk.SessionTokenCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.opts.AccessURL.Scheme == "https",
	})
	u := *r.URL
	q := u.Query()
	q.Del(AppTokenQueryParam)
	u.RawQuery = q.Encode()
	u.Scheme, u.Host = "", ""
	http.Redirect(rw, r, u.RequestURI(), http.StatusSeeOther)
}
