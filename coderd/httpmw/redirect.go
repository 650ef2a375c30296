package httpmw

import (
	"net"
	"net/http"
	"net/url"
	"strings"
)

// RedirectToAccessURLConfig says which requests RedirectToAccessURL sends
// elsewhere.
type RedirectToAccessURLConfig struct {
	AccessURL *url.URL
	// UpgradePlainHTTP also redirects requests that arrived without TLS
	// when the access URL is https. Only set it when this server terminates
	// TLS itself: behind a TLS-terminating proxy every request arrives
	// without TLS and would be redirected in a loop.
	UpgradePlainHTTP bool
	// WildcardHost (--wildcard-access-url, e.g. "*.apps.example.com")
	// names hosts that are this deployment's too: subdomain apps are not
	// redirected away.
	WildcardHost string
}

// RedirectToAccessURL redirects (307, so that the method and body are kept)
// every request that reached the server under a host other than the access
// URL's, or over plain HTTP when the access URL is https, to the same path
// and query under the access URL. /healthz is answered where it is asked, so
// that load balancers and probes check this process.
func RedirectToAccessURL(cfg RedirectToAccessURLConfig) func(http.Handler) http.Handler {
	want := canonicalHost(cfg.AccessURL.Scheme, cfg.AccessURL.Host)
	upgrade := cfg.UpgradePlainHTTP && cfg.AccessURL.Scheme == "https"
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			scheme := "http"
			if r.TLS != nil {
				scheme = "https"
			}
			appHost := matchesWildcard(cfg.WildcardHost, r.Host)
			sameHost := canonicalHost(scheme, r.Host) == want || appHost
			if r.URL.Path == "/healthz" || (sameHost && (r.TLS != nil || !upgrade)) {
				next.ServeHTTP(rw, r)
				return
			}
			target := *cfg.AccessURL
			if appHost {
				// An app host upgraded to https stays itself.
				name := r.Host
				if h, _, err := net.SplitHostPort(name); err == nil {
					name = h
				}
				target.Host = name
				if port := cfg.AccessURL.Port(); port != "" {
					target.Host = net.JoinHostPort(name, port)
				}
			}
			target.Path = strings.TrimSuffix(cfg.AccessURL.Path, "/") + r.URL.Path
			target.RawPath = ""
			if r.URL.RawPath != "" {
				target.RawPath = strings.TrimSuffix(cfg.AccessURL.EscapedPath(), "/") + r.URL.RawPath
			}
			target.RawQuery = r.URL.RawQuery
			target.Fragment = ""
			http.Redirect(rw, r, target.String(), http.StatusTemporaryRedirect)
		})
	}
}

// canonicalHost lowercases host and drops the scheme's default port, so
// that example.com and EXAMPLE.com:443 compare equal over https.
func canonicalHost(scheme, host string) string {
	host = strings.ToLower(host)
	h, port, err := net.SplitHostPort(host)
	if err != nil {
		return host
	}
	if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
		if strings.Contains(h, ":") {
			return "[" + h + "]"
		}
		return h
	}
	return host
}

// matchesWildcard says whether host's name fits pattern's "*" with one DNS
// label (ports are ignored).
func matchesWildcard(pattern, host string) bool {
	if pattern == "" {
		return false
	}
	if h, _, err := net.SplitHostPort(pattern); err == nil {
		pattern = h
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	prefix, suffix, ok := strings.Cut(strings.ToLower(pattern), "*")
	host = strings.ToLower(host)
	if !ok || len(host) <= len(prefix)+len(suffix) || !strings.HasPrefix(host, prefix) || !strings.HasSuffix(host, suffix) {
		return false
	}
	return !strings.Contains(host[len(prefix):len(host)-len(suffix)], ".")
}
