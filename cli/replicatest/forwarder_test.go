package replicatest_test

import (
	"io"
	"net"
	"sync"
	"testing"
)

// forwarder is a replica's relay address: a TCP forwarder to the server.
// It listens before the server exists, because the relay URL the server
// advertises must be known when it starts and its own address is not.
type forwarder struct {
	ln net.Listener

	mu     sync.Mutex
	target string // host:port
	conns  map[net.Conn]struct{}
	closed bool
}

func newForwarder(t *testing.T) *forwarder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &forwarder{ln: ln, conns: map[net.Conn]struct{}{}}
	go f.serve()
	t.Cleanup(f.close)
	return f
}

func (f *forwarder) URL() string { return "http://" + f.ln.Addr().String() }

func (f *forwarder) setTarget(addr string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.target = addr
}

// close stops listening and drops the relayed connections.
func (f *forwarder) close() {
	_ = f.ln.Close()
	f.mu.Lock()
	f.closed = true
	conns := f.conns
	f.conns = nil
	f.mu.Unlock()
	for c := range conns {
		_ = c.Close()
	}
}

func (f *forwarder) track(c net.Conn) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return false
	}
	f.conns[c] = struct{}{}
	return true
}

func (f *forwarder) serve() {
	for {
		in, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.mu.Lock()
		target := f.target
		f.mu.Unlock()
		go func() {
			defer in.Close()
			out, err := net.Dial("tcp", target)
			if err != nil {
				return
			}
			defer out.Close()
			if !f.track(in) || !f.track(out) {
				return
			}
			done := make(chan struct{}, 2)
			go func() { _, _ = io.Copy(out, in); done <- struct{}{} }()
			go func() { _, _ = io.Copy(in, out); done <- struct{}{} }()
			<-done
		}()
	}
}
