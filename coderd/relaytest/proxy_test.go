package relaytest_test

import (
	"io"
	"net"
	"sync"
	"testing"
)

// proxy forwards TCP connections to a target that can change: in front of
// a replica it is that replica's relay address, which the test can cut;
// in front of both it is the load balancer the agent dials.
type proxy struct {
	ln net.Listener

	mu     sync.Mutex
	target string
	conns  map[net.Conn]struct{}
	closed bool
}

func newProxy(t *testing.T) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, conns: map[net.Conn]struct{}{}}
	go p.serve()
	t.Cleanup(p.Close)
	return p
}

func (p *proxy) URL() string { return "http://" + p.ln.Addr().String() }

// SetTarget sends new connections to addr (host:port) and drops the
// current ones, as a replica that went away would.
func (p *proxy) SetTarget(addr string) {
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
func (p *proxy) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	_ = p.ln.Close()
	p.SetTarget("")
}

func (p *proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *proxy) serve() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		target := p.target
		p.mu.Unlock()
		go func() {
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
		}()
	}
}
