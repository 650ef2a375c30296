package agent

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"cdr.dev/slog"

	"github.com/devplane/devplane/codersdk/agentsdk"
)

// dialTimeout bounds connecting to a port in the workspace; a port that
// does not answer by then is reported as unreachable.
const dialTimeout = 10 * time.Second

// maxDatagram is the largest UDP payload relayed; the 2-byte length prefix
// of the stream framing allows no more.
const maxDatagram = 65535

// serveDial connects to a port in the workspace and pipes the bytes of the
// server's stream to it (agentsdk.AgentDialPath). For UDP each datagram
// travels over the stream as a big-endian uint16 length and the payload,
// in both directions. Only loopback hosts are dialed: the stream exposes
// the workspace's own services, not the network around it.
func (a *Agent) serveDial(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	network := q.Get("network")
	if network == "" {
		network = "tcp"
	}
	if network != "tcp" && network != "udp" {
		http.Error(w, "network must be tcp or udp", http.StatusBadRequest)
		return
	}
	port, err := strconv.ParseUint(q.Get("port"), 10, 16)
	if err != nil || port == 0 {
		http.Error(w, "port must be a number from 1 to 65535", http.StatusBadRequest)
		return
	}
	host := q.Get("host")
	if host == "" || host == "localhost" {
		host = "127.0.0.1"
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		http.Error(w, "host must be a loopback address of the workspace", http.StatusBadRequest)
		return
	}
	addr := net.JoinHostPort(host, strconv.FormatUint(port, 10))

	// Dial before accepting the stream, so a port nobody listens on is a
	// clear refusal rather than a stream that closes at once.
	ctx, cancel := context.WithTimeout(r.Context(), dialTimeout)
	defer cancel()
	var d net.Dialer
	target, err := d.DialContext(ctx, network, addr)
	if err != nil {
		http.Error(w, "nothing accepts "+network+" connections on "+addr+" in the workspace: "+err.Error(), http.StatusBadGateway)
		return
	}
	stream, err := agentsdk.AcceptStream(w, r)
	if err != nil {
		_ = target.Close()
		return
	}
	a.logger.Debug(r.Context(), "forwarding", slog.F("network", network), slog.F("addr", addr))
	if network == "udp" {
		pipeDatagrams(stream, target)
		return
	}
	pipe(stream, target)
}

// pipe copies both ways until either side ends, then closes both.
func pipe(a, b net.Conn) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		_, _ = agentsdk.Copy(a, b)
		halfClose(a)
	}()
	go func() {
		defer wg.Done()
		_, _ = agentsdk.Copy(b, a)
		halfClose(b)
	}()
	wg.Wait()
	_ = a.Close()
	_ = b.Close()
}

// halfClose passes an end of stream on when the connection supports it
// (TCP does), so request/response protocols see EOF and still answer.
func halfClose(c net.Conn) {
	type closeWriter interface{ CloseWrite() error }
	if cw, ok := c.(closeWriter); ok {
		_ = cw.CloseWrite()
		return
	}
	_ = c.Close()
}

// pipeDatagrams relays length-prefixed datagrams on stream to and from the
// UDP socket target.
func pipeDatagrams(stream, target net.Conn) {
	defer stream.Close()
	defer target.Close()
	done := make(chan struct{}, 2)
	go func() {
		defer func() { done <- struct{}{} }()
		_ = CopyStreamToDatagrams(target, stream)
	}()
	go func() {
		defer func() { done <- struct{}{} }()
		_ = CopyDatagramsToStream(stream, target)
	}()
	<-done
}

// CopyStreamToDatagrams reads length-prefixed frames from stream and
// writes each as one datagram to conn.
func CopyStreamToDatagrams(conn io.Writer, stream io.Reader) error {
	buf := make([]byte, maxDatagram)
	var head [2]byte
	for {
		if _, err := io.ReadFull(stream, head[:]); err != nil {
			return err
		}
		n := int(binary.BigEndian.Uint16(head[:]))
		if _, err := io.ReadFull(stream, buf[:n]); err != nil {
			return err
		}
		if _, err := conn.Write(buf[:n]); err != nil {
			return err
		}
	}
}

// CopyDatagramsToStream reads datagrams from conn and writes each to
// stream as a length-prefixed frame.
func CopyDatagramsToStream(stream io.Writer, conn io.Reader) error {
	buf := make([]byte, 2+maxDatagram)
	for {
		n, err := conn.Read(buf[2:])
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		binary.BigEndian.PutUint16(buf[:2], uint16(n)) //nolint:gosec // n <= maxDatagram
		if _, err := stream.Write(buf[:2+n]); err != nil {
			return err
		}
	}
}
