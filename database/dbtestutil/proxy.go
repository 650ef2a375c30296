package dbtestutil

import (
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
)

// Proxy forwards TCP connections to a database and can play dead, for tests
// of how the server lives through an outage: when down it cuts every
// connection and refuses new ones.
type Proxy struct {
	target string
	ln     net.Listener
	pgURL  *url.URL

	mu    sync.Mutex
	down  bool
	conns map[net.Conn]struct{}
}

// NewProxy starts a proxy in front of the database at pgURL; it stops with
// the test.
func NewProxy(t testing.TB, pgURL string) *Proxy {
	t.Helper()
	u, err := url.Parse(pgURL)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{target: u.Host, ln: ln, pgURL: u, conns: map[net.Conn]struct{}{}}
	t.Cleanup(func() { _ = ln.Close(); p.SetDown(true) })
	go p.serve()
	return p
}

// URL is pgURL with the proxy's address in place of the database's.
func (p *Proxy) URL() string {
	u := *p.pgURL
	u.Host = p.ln.Addr().String()
	return u.String()
}

func (p *Proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			_ = c.Close()
			continue
		}
		up, err := net.Dial("tcp", p.target)
		if err != nil {
			p.mu.Unlock()
			_ = c.Close()
			continue
		}
		p.conns[c] = struct{}{}
		p.conns[up] = struct{}{}
		p.mu.Unlock()
		go func() { _, _ = io.Copy(up, c); _ = up.Close(); _ = c.Close() }()
		go func() { _, _ = io.Copy(c, up); _ = up.Close(); _ = c.Close() }()
	}
}

// SetDown plays dead (true) or lets connections through again (false).
func (p *Proxy) SetDown(down bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = down
	if down {
		for c := range p.conns {
			_ = c.Close()
		}
		clear(p.conns)
	}
}
