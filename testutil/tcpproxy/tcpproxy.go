// Package tcpproxy forwards TCP connections to a target a test can change
// or cut: a replica's relay address known before the replica starts, or a
// load balancer in front of replicas.
package tcpproxy

import (
	"io"
	"net"
	"sync"
	"testing"
)

// Proxy listens on loopback and forwards each connection to its target.
type Proxy struct {
	ln net.Listener

	mu     sync.Mutex
	target string // host:port; empty refuses connections
	conns  map[net.Conn]struct{}
	closed bool
}

// New starts a proxy with no target; it stops with the test.
func New(t testing.TB) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{ln: ln, conns: map[net.Conn]struct{}{}}
	go p.serve()
	t.Cleanup(p.Close)
	return p
}

// URL is the proxy's address as an http URL.
func (p *Proxy) URL() string { return "http://" + p.ln.Addr().String() }

// SetTarget sends new connections to addr (host:port) and drops the
// current ones, as a server that went away would.
func (p *Proxy) SetTarget(addr string) {
	p.mu.Lock()
	p.target = addr
	old := p.conns
	p.conns = map[net.Conn]struct{}{}
	p.mu.Unlock()
	for c := range old {
		_ = c.Close()
	}
}

// Close stops listening and drops every connection: nothing answers at
// the address any more.
func (p *Proxy) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	_ = p.ln.Close()
	p.SetTarget("")
}

func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *Proxy) serve() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		target := p.target
		p.mu.Unlock()
		go p.forward(in, target)
	}
}

func (p *Proxy) forward(in net.Conn, target string) {
	if target == "" {
		_ = in.Close()
		return
	}
	out, err := net.Dial("tcp", target)
	if err != nil {
		_ = in.Close()
		return
	}
	if !p.track(in) || !p.track(out) {
		_ = in.Close()
		_ = out.Close()
		return
	}
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(out, in); done <- struct{}{} }()
	go func() { _, _ = io.Copy(in, out); done <- struct{}{} }()
	<-done
	_ = in.Close()
	_ = out.Close()
}
