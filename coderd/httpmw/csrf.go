package httpmw

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
)

const (
	// CSRFTokenHeader carries the CSRF token on cookie-authenticated writes
	// (the header Coder's dashboard sends).
	CSRFTokenHeader = "X-CSRF-TOKEN"
	// CSRFTokenCookie hands the token to the dashboard. It is readable by
	// scripts of this origin on purpose: the token proves only that the
	// request was made by a page that could read it.
	CSRFTokenCookie = "csrf_token"
)

// CSRFConfig configures CSRF.
type CSRFConfig struct {
	// AccessURL is where users reach the deployment; an Origin equal to it
	// is same-origin even behind a proxy that rewrites Host.
	AccessURL *url.URL
	// LoginPaths are the unauthenticated routes that set the session
	// cookie. A cross-site request there would sign the victim's browser
	// into the attacker's account (login CSRF).
	LoginPaths []string
	// ExemptPaths take cookie-authenticated writes without proof: routes
	// browsers post to by themselves (CSP violation reports, which carry
	// no Origin and no custom header) and whose effect is harmless.
	ExemptPaths []string
}

// CSRF refuses cross-site writes that would ride on the session cookie.
// Such a write (POST, PUT, PATCH, DELETE authenticated by the cookie) must
// prove it comes from this site: Sec-Fetch-Site: same-origin or an Origin
// of this site (both set by the browser, never by a page), or the
// X-CSRF-TOKEN header with the token of the session. Requests with the
// Coder-Session-Token header (API tokens, the CLI, the Go SDK, curl) carry
// no ambient credential and pass untouched; a page cannot send that header
// cross-site without a CORS preflight, which the server never grants.
//
// Safe methods pass, and get the CSRF token cookie when they carry a
// session cookie, so a dashboard can read it.
func CSRF(cfg CSRFConfig) func(http.Handler) http.Handler {
	login, exempt := map[string]bool{}, map[string]bool{}
	for _, p := range cfg.LoginPaths {
		login[p] = true
	}
	for _, p := range cfg.ExemptPaths {
		exempt[p] = true
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if r.Header.Get(codersdk.SessionTokenHeader) != "" {
				next.ServeHTTP(rw, r)
				return
			}
			session := ""
			if c, err := r.Cookie(codersdk.SessionTokenCookie); err == nil {
				session = c.Value
			}
			if safeMethod(r.Method) {
				if session != "" {
					setCSRFCookie(rw, r, session, cfg.AccessURL)
				}
				next.ServeHTTP(rw, r)
				return
			}
			switch {
			case exempt[r.URL.Path]:
			case session != "":
				if !sameSiteProof(r, cfg.AccessURL) && !validCSRFToken(r, session) {
					refuseCSRF(rw, r, "A browser request authenticated by the session cookie must be same-origin (Origin or Sec-Fetch-Site) "+
						"or carry the "+CSRFTokenHeader+" header with the value of the "+CSRFTokenCookie+" cookie. "+
						"API clients should send the "+codersdk.SessionTokenHeader+" header instead of the cookie.")
					return
				}
			case login[r.URL.Path]:
				// No cookie yet, so no token either: only the browser's
				// own signals can tell a cross-site login apart, and
				// non-browser clients send none of them.
				if browserSaysCrossSite(r, cfg.AccessURL) {
					refuseCSRF(rw, r, "Another site cannot sign a browser in here: sign in from this site's own pages.")
					return
				}
			}
			next.ServeHTTP(rw, r)
		})
	}
}

// CSRFToken is the token a session's writes carry in X-CSRF-TOKEN. It is
// derived from the session token, so it needs no storage, works on every
// replica, dies with the session, and cannot be forged by someone who can
// plant cookies (a sibling subdomain) but cannot read the session.
func CSRFToken(sessionToken string) string {
	sum := sha256.Sum256([]byte("devplane csrf v1\x00" + sessionToken))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions || m == http.MethodTrace
}

// sameSiteProof reports whether the browser itself says the request comes
// from a page of this origin.
func sameSiteProof(r *http.Request, accessURL *url.URL) bool {
	if r.Header.Get("Sec-Fetch-Site") == "same-origin" {
		return true
	}
	origin := r.Header.Get("Origin")
	return origin != "" && originIsOurs(origin, r, accessURL)
}

// browserSaysCrossSite reports whether a browser marked the request as
// coming from another origin. "same-site" counts as cross: a sibling
// subdomain (a workspace app, say) is not this site.
func browserSaysCrossSite(r *http.Request, accessURL *url.URL) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return true
	}
	origin := r.Header.Get("Origin")
	return origin != "" && !originIsOurs(origin, r, accessURL)
}

// originIsOurs compares an Origin header with the access URL, and with the
// Host the request was sent to (a deployment reached by several names).
// "null" (sandboxed frames, privacy redirects) is never ours.
func originIsOurs(origin string, r *http.Request, accessURL *url.URL) bool {
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	if accessURL != nil && strings.EqualFold(u.Scheme, accessURL.Scheme) && strings.EqualFold(u.Host, accessURL.Host) {
		return true
	}
	return r.Host != "" && strings.EqualFold(u.Host, r.Host)
}

func validCSRFToken(r *http.Request, session string) bool {
	sent := r.Header.Get(CSRFTokenHeader)
	return sent != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(CSRFToken(session))) == 1
}

func setCSRFCookie(rw http.ResponseWriter, r *http.Request, session string, accessURL *url.URL) {
	token := CSRFToken(session)
	if c, err := r.Cookie(CSRFTokenCookie); err == nil && c.Value == token {
		return
	}
	http.SetCookie(rw, &http.Cookie{
		Name:     CSRFTokenCookie,
		Value:    token,
		Path:     "/",
		SameSite: http.SameSiteLaxMode,
		Secure:   accessURL != nil && accessURL.Scheme == "https",
	})
}

func refuseCSRF(rw http.ResponseWriter, r *http.Request, detail string) {
	httpapi.Write(r.Context(), rw, http.StatusForbidden, codersdk.Response{
		Message: "Cross-site request refused: this request needs proof that it comes from this site.",
		Detail:  detail,
	})
}
