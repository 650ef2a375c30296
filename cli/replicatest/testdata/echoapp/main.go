// Command echoapp is the service the replica tests start inside the
// workspace: an HTTP app that answers with what it was sent (JSON), a
// WebSocket echo at /ws, /big?n=N answering N bytes (for throughput), and
// TCP and UDP echoes for port forwarding.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"strconv"

	"github.com/coder/websocket"

	"github.com/devplane/devplane/testutil/freeport"
)

// Seen is what a request brought to the app.
type Seen struct {
	App     string            `json:"app"`
	Path    string            `json:"path"`
	Query   string            `json:"query"`
	Headers map[string]string `json:"headers"`
	Cookies []string          `json:"cookies"`
}

func main() {
	httpAddr := flag.String("http", "127.0.0.1:0", "address of the HTTP app")
	tcpAddr := flag.String("tcp", "127.0.0.1:0", "address of the TCP echo")
	udpAddr := flag.String("udp", "127.0.0.1:0", "address of the UDP echo")
	pidFile := flag.String("pidfile", "", "file to write the process id to")
	flag.Parse()

	// SO_REUSEPORT: the test holds its chosen ports (with the same
	// option) until the service listens on them.
	lc := net.ListenConfig{Control: freeport.ReusePort}
	ctx := context.Background()
	tcpLn, err := lc.Listen(ctx, "tcp", *tcpAddr)
	if err != nil {
		log.Fatal(err)
	}
	go serveTCPEcho(tcpLn)
	udpConn, err := lc.ListenPacket(ctx, "udp", *udpAddr)
	if err != nil {
		log.Fatal(err)
	}
	go serveUDPEcho(udpConn)

	mux := http.NewServeMux()
	mux.HandleFunc("/ws", webSocketEcho)
	mux.HandleFunc("/big", big)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s := Seen{App: "echoapp", Path: r.URL.Path, Query: r.URL.RawQuery, Headers: map[string]string{}, Cookies: []string{}}
		for k := range r.Header {
			s.Headers[k] = r.Header.Get(k)
		}
		for _, c := range r.Cookies() {
			s.Cookies = append(s.Cookies, c.Name)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(s)
	})
	httpLn, err := lc.Listen(ctx, "tcp", *httpAddr)
	if err != nil {
		log.Fatal(err)
	}
	// The pid file says the service is up: every listener is open.
	if *pidFile != "" {
		if err := os.WriteFile(*pidFile, []byte(strconv.Itoa(os.Getpid())), 0o600); err != nil {
			log.Fatal(err)
		}
	}
	log.Fatal(http.Serve(httpLn, mux)) //nolint:gosec // a test service
}

func webSocketEcho(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 20)
	for {
		typ, msg, err := c.Read(r.Context())
		if err != nil {
			return
		}
		if err := c.Write(r.Context(), typ, msg); err != nil {
			return
		}
	}
}

func serveTCPEcho(ln net.Listener) {
	for {
		c, err := ln.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go func() {
			defer c.Close()
			_, _ = io.Copy(c, c)
		}()
	}
}

func serveUDPEcho(pc net.PacketConn) {
	buf := make([]byte, 65535)
	for {
		n, addr, err := pc.ReadFrom(buf)
		if err != nil {
			log.Fatal(err)
		}
		_, _ = pc.WriteTo(buf[:n], addr)
	}
}

// big answers n zero bytes.
func big(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("n"))
	w.Header().Set("Content-Length", strconv.Itoa(n))
	chunk := make([]byte, 256<<10)
	for n > 0 {
		k := min(n, len(chunk))
		if _, err := w.Write(chunk[:k]); err != nil {
			return
		}
		n -= k
	}
}
