// Package freeport picks loopback ports for the listeners of processes a
// test starts (the CLI's port-forward, an SSH forward, a service in a
// workspace), and for connections a test counts on being refused.
//
// A port the kernel picked (listen on :0, then close) goes back to the
// ephemeral range, where any connect() or listen on :0 on the machine,
// another test package's server included, may be given it before the
// process listens on it. Ports are therefore drawn below that range, which
// the kernel never hands out by itself.
package freeport

import (
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"strconv"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// lowest is where the draw starts: above the ports services tend to use.
const lowest = 10000

// Loopback returns a port on 127.0.0.1 that nothing listens on for network
// ("tcp" or "udp") right now.
func Loopback(t testing.TB, network string) int {
	t.Helper()
	ephemeral := 32768
	if b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range"); err == nil {
		_, _ = fmt.Sscan(string(b), &ephemeral)
	}
	for range 100 {
		if ephemeral-lowest < 1000 {
			break // no room below the ephemeral range: let the kernel pick
		}
		//nolint:gosec // a port number, not a secret
		if port := lowest + rand.IntN(ephemeral-lowest); listenable(network, port) {
			return port
		}
	}
	return kernelPicked(t, network)
}

func kernelPicked(t testing.TB, network string) int {
	t.Helper()
	if network == "udp" {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatalf("freeport: %v", err)
		}
		defer pc.Close()
		return pc.LocalAddr().(*net.UDPAddr).Port
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("freeport: %v", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// listenable reports whether port is free on loopback for network.
func listenable(network string, port int) bool {
	addr := "127.0.0.1:" + strconv.Itoa(port)
	if network == "udp" {
		pc, err := net.ListenPacket("udp", addr)
		if err != nil {
			return false
		}
		return pc.Close() == nil
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return false
	}
	return ln.Close() == nil
}

// ReusePort is a net.ListenConfig Control setting SO_REUSEPORT, so that a
// test can hold a port while the process it starts listens on it too.
func ReusePort(_, _ string, c syscall.RawConn) error {
	var err error
	if cerr := c.Control(func(fd uintptr) {
		err = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
	}); cerr != nil {
		return cerr
	}
	return err
}
