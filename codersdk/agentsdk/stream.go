package agentsdk

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"golang.org/x/xerrors"
)

// StreamUpgrade is the Upgrade token of a request that turns a tunnel stream
// into a raw byte stream (a terminal, an SSH connection, a forwarded port).
const StreamUpgrade = "devplane-stream"

// Paths the agent serves on streams the server opens.
const (
	AgentPTYPath  = "/pty"
	AgentSSHPath  = "/ssh"
	AgentDialPath = "/dial"
)

// Opener opens a new stream to the agent; *yamux.Session is one, and a
// relay to the replica that holds the agent's connection is another.
type Opener interface {
	Open() (net.Conn, error)
}

// DialStream opens a stream to the agent and asks it for the raw stream at
// pathAndQuery (e.g. "/dial?network=tcp&port=3000"). On success the returned
// conn carries the agent's bytes; on refusal the error holds the agent's
// message.
func DialStream(ctx context.Context, opener Opener, pathAndQuery string) (net.Conn, error) {
	conn, err := opener.Open()
	if err != nil {
		return nil, xerrors.Errorf("open stream to agent: %w", err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(deadline)
	} else {
		_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()

	req := fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: Upgrade\r\nUpgrade: %s\r\n\r\n", pathAndQuery, tunnelHost, StreamUpgrade)
	if _, err := conn.Write([]byte(req)); err != nil {
		_ = conn.Close()
		return nil, xerrors.Errorf("write upgrade: %w", err)
	}
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		_ = conn.Close()
		return nil, xerrors.Errorf("read upgrade response: %w", err)
	}
	if res.StatusCode != http.StatusSwitchingProtocols {
		err := xerrors.Errorf("agent refused %s: %w", pathAndQuery, readRefusal(res))
		_ = conn.Close()
		return nil, err
	}
	if !stop() {
		_ = conn.Close()
		return nil, ctx.Err()
	}
	_ = conn.SetDeadline(time.Time{})
	return &bufferedConn{Conn: conn, r: br}, nil
}

func readRefusal(res *http.Response) error {
	res.Request = nil
	return readBodyAsError(res)
}

// AcceptStream is the agent's side of DialStream: it answers 101 and returns
// the raw stream. It refuses (and returns an error) when the request is not
// an upgrade.
func AcceptStream(w http.ResponseWriter, r *http.Request) (net.Conn, error) {
	return AcceptUpgrade(w, r, StreamUpgrade)
}

// AcceptUpgrade answers a request for Upgrade: token with 101 and returns the
// connection as a raw byte stream, with any deadline the server set
// cleared. It refuses (and returns an error) any other request.
func AcceptUpgrade(w http.ResponseWriter, r *http.Request, token string) (net.Conn, error) {
	if !strings.EqualFold(r.Header.Get("Upgrade"), token) {
		http.Error(w, "expected Upgrade: "+token, http.StatusUpgradeRequired)
		return nil, xerrors.New("not a " + token + " upgrade")
	}
	hj, ok := w.(http.Hijacker)
	if !ok {
		http.Error(w, "connection cannot be hijacked", http.StatusInternalServerError)
		return nil, xerrors.New("response writer is not a hijacker")
	}
	conn, rw, err := hj.Hijack()
	if err != nil {
		return nil, xerrors.Errorf("hijack: %w", err)
	}
	_ = conn.SetDeadline(time.Time{})
	if _, err := rw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: " + token + "\r\n\r\n"); err != nil {
		_ = conn.Close()
		return nil, err
	}
	if err := rw.Flush(); err != nil {
		_ = conn.Close()
		return nil, err
	}
	return &bufferedConn{Conn: conn, r: rw.Reader}, nil
}

// bufferedConn reads first what a bufio.Reader already took off the wire.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) {
	if c.r.Buffered() > 0 {
		return c.r.Read(p)
	}
	return c.Conn.Read(p)
}
