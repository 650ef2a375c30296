package httpmw

import (
	"net"
	"net/http"
	"net/netip"
	"strings"

	"golang.org/x/xerrors"
)

// RealIPConfig says when a request's client address is read from a header
// set by a reverse proxy instead of taken from the TCP peer.
type RealIPConfig struct {
	// TrustedOrigins are the proxies: a header is believed only when the
	// TCP peer is in one of these.
	TrustedOrigins []netip.Prefix
	// TrustedHeaders are read in order; the first that yields an address
	// wins.
	TrustedHeaders []string
}

// ParseRealIPConfig reads --proxy-trusted-headers and
// --proxy-trusted-origins. Origins are CIDRs or single addresses.
func ParseRealIPConfig(headers, origins []string) (RealIPConfig, error) {
	var cfg RealIPConfig
	for _, h := range headers {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		if strings.ContainsAny(h, " \t:\r\n") {
			return RealIPConfig{}, xerrors.Errorf("proxy trusted header %q is not a header name", h)
		}
		cfg.TrustedHeaders = append(cfg.TrustedHeaders, http.CanonicalHeaderKey(h))
	}
	for _, o := range origins {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		p, err := netip.ParsePrefix(o)
		if err != nil {
			a, aerr := netip.ParseAddr(o)
			if aerr != nil {
				return RealIPConfig{}, xerrors.Errorf("proxy trusted origin %q is neither a CIDR nor an IP address", o)
			}
			a = a.Unmap()
			p = netip.PrefixFrom(a, a.BitLen())
		}
		cfg.TrustedOrigins = append(cfg.TrustedOrigins, p.Masked())
	}
	return cfg, nil
}

// ExtractRealIP replaces r.RemoteAddr with the client's address from a
// trusted header, when the TCP peer is a trusted proxy. Everything after it
// (rate and login limits, the audit log, API key last-use addresses) sees
// that address. Without both headers and origins configured it does
// nothing, so a client can never choose its own address.
func ExtractRealIP(cfg RealIPConfig) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if len(cfg.TrustedHeaders) == 0 || len(cfg.TrustedOrigins) == 0 {
			return next
		}
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if client, ok := cfg.clientAddr(r); ok {
				r = r.WithContext(r.Context()) // a copy: the caller's request stays as it was
				r.RemoteAddr = net.JoinHostPort(client.String(), "0")
			}
			next.ServeHTTP(rw, r)
		})
	}
}

func (cfg RealIPConfig) trusted(a netip.Addr) bool {
	for _, p := range cfg.TrustedOrigins {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientAddr returns the client's address from the first trusted header
// that holds one, if the peer is a trusted proxy.
func (cfg RealIPConfig) clientAddr(r *http.Request) (netip.Addr, bool) {
	peer, ok := parseAddr(r.RemoteAddr)
	if !ok || !cfg.trusted(peer) {
		return netip.Addr{}, false
	}
	for _, h := range cfg.TrustedHeaders {
		values := r.Header.Values(h)
		if len(values) == 0 {
			continue
		}
		var (
			a  netip.Addr
			ok bool
		)
		if h == "X-Forwarded-For" {
			a, ok = cfg.forwardedFor(values)
		} else {
			a, ok = parseAddr(strings.TrimSpace(values[0]))
		}
		if ok {
			return a, true
		}
	}
	return netip.Addr{}, false
}

// forwardedFor walks X-Forwarded-For from the right (the hop our proxy
// added) past trusted proxies to the first untrusted hop: the client. Hops
// to its left were written by the client and could be anything. If every
// hop is a trusted proxy, the leftmost is the client.
func (cfg RealIPConfig) forwardedFor(values []string) (netip.Addr, bool) {
	hops := strings.Split(strings.Join(values, ","), ",")
	var client netip.Addr
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseAddr(strings.TrimSpace(hops[i]))
		if !ok {
			// Garbage where a proxy should have written an address: believe
			// none of the header.
			return netip.Addr{}, false
		}
		client = a
		if !cfg.trusted(a) {
			return a, true
		}
	}
	return client, client.IsValid()
}

// parseAddr reads an address with or without a port ("1.2.3.4",
// "1.2.3.4:80", "[::1]:80", "::1").
func parseAddr(s string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	a, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.Addr{}, false
	}
	return a.Unmap().WithZone(""), true
}
