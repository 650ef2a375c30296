package agentconn

import (
	"bufio"
	"context"
	"crypto/subtle"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/codersdk/agentsdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
)

// A replica reaches an agent connected to another replica through that
// replica's relay address: it dials the address, asks for
//
//	GET /api/v2/replicas/relay/agents/{agent} (Upgrade: devplane-relay)
//
// with the deployment's relay secret, and the replica holding the agent
// answers 101 and pipes the connection to a new stream on the agent's
// tunnel. The piped connection is then exactly what Session.Mux.Open
// gives locally, so agentsdk.DialStream works through it unchanged.
const (
	RelayUpgrade      = "devplane-relay"
	RelaySecretHeader = "Devplane-Relay-Secret"
	// RelayPathPrefix is followed by the agent's id.
	RelayPathPrefix = "/api/v2/replicas/relay/agents/"
	// DefaultRelayDialTimeout bounds reaching the other replica and its
	// answer; the agent's own answer is DialStream's business.
	DefaultRelayDialTimeout = 5 * time.Second
)

// ErrReplicaUnreachable means the replica holding the agent's connection
// did not answer (a *DialError of KindReplicaUnreachable is it). It also
// counts as ErrAgentNotConnected (errors.Is): that replica is presumed
// gone, and the agent reconnects through a live one.
var ErrReplicaUnreachable = xerrors.New("the replica holding the workspace agent's connection is unreachable")

// notConnected is the error of an agent that no live replica holds, with
// the reason for the log.
func notConnected(format string, args ...any) error {
	return &DialError{Kind: KindNotConnected, cause: xerrors.Errorf(format, args...)}
}

// RelayOptions configure the relay to other replicas.
type RelayOptions struct {
	// Secret is the deployment-wide relay secret (site_configs); requests
	// without it are refused.
	Secret string
	// AccessURL stands in for an empty relay address when only one
	// replica is live (behind a load balancer the access URL may reach
	// any replica, so with several it is never used).
	AccessURL *url.URL
	// LiveSince is the oldest heartbeat of a live replica, now
	// (replicas.Manager.LiveSince).
	LiveSince func() time.Time
	// TLSConfig is used for https relay addresses; nil means the system's
	// roots.
	TLSConfig *tls.Config
	// DialTimeout defaults to DefaultRelayDialTimeout.
	DialTimeout time.Duration
}

// SetRelay lets Dial reach agents connected to other replicas and lets
// ServeRelay accept relayed streams. Call it before serving.
func (r *Registry) SetRelay(opts RelayOptions) {
	if opts.DialTimeout <= 0 {
		opts.DialTimeout = DefaultRelayDialTimeout
	}
	r.relay = &opts
}

// relayOpener opens streams to an agent through the replica holding it;
// each Open is one connection to that replica.
type relayOpener struct {
	opts      *RelayOptions
	ctx       context.Context
	address   *url.URL
	replicaID uuid.UUID
	// hostname is the replica's, what users are told.
	hostname string
	agentID  uuid.UUID
}

// openRelay finds the replica holding the agent and returns an opener
// through it; ErrAgentNotConnected when no live replica holds it.
func (r *Registry) openRelay(ctx context.Context, agentID uuid.UUID) (*relayOpener, error) {
	if r.relay == nil {
		return nil, ErrAgentNotConnected
	}
	target, err := r.db.GetWorkspaceAgentRelayTarget(dbauthz.AsRelay(ctx), database.GetWorkspaceAgentRelayTargetParams{
		AgentID: agentID, LiveSince: r.relay.LiveSince(),
	})
	if errors.Is(err, database.ErrNoRows) {
		return nil, ErrAgentNotConnected
	}
	if err != nil {
		return nil, xerrors.Errorf("find the replica holding the agent: %w", err)
	}
	if target.ReplicaID == r.replicaID {
		// The row says here, but the session is gone: it just ended.
		return nil, ErrAgentNotConnected
	}
	raw := target.RelayAddress
	if raw == "" && target.LiveReplicas == 1 && r.relay.AccessURL != nil {
		raw = r.relay.AccessURL.String()
	}
	if raw == "" {
		return nil, &DialError{Kind: KindRelayNotConfigured, Replica: target.ReplicaHostname, cause: xerrors.Errorf(
			"the workspace agent is connected to replica %s, which has no relay address (set --replica-relay-url on every replica)", target.ReplicaID)}
	}
	address, err := url.Parse(raw)
	if err != nil || (address.Scheme != "http" && address.Scheme != "https") || address.Host == "" {
		return nil, &DialError{Kind: KindRelayNotConfigured, Replica: target.ReplicaHostname, cause: xerrors.Errorf(
			"the workspace agent is connected to replica %s, whose relay address %q is not an http(s) URL", target.ReplicaID, raw)}
	}
	return &relayOpener{opts: r.relay, ctx: ctx, address: address, replicaID: target.ReplicaID, hostname: target.ReplicaHostname, agentID: agentID}, nil
}

// Open dials the replica and asks it for a stream to the agent.
func (o *relayOpener) Open() (net.Conn, error) {
	ctx, cancel := context.WithTimeout(o.ctx, o.opts.DialTimeout)
	defer cancel()
	conn, err := o.dial(ctx)
	if err != nil {
		return nil, o.unreachable(err)
	}
	deadline, _ := ctx.Deadline()
	_ = conn.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()

	path := strings.TrimSuffix(o.address.Path, "/") + RelayPathPrefix + o.agentID.String()
	req := "GET " + path + " HTTP/1.1\r\nHost: " + o.address.Host +
		"\r\nConnection: Upgrade\r\nUpgrade: " + RelayUpgrade +
		"\r\n" + RelaySecretHeader + ": " + o.opts.Secret + "\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		_ = conn.Close()
		return nil, o.unreachable(err)
	}
	br := bufio.NewReader(conn)
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		_ = conn.Close()
		return nil, o.unreachable(err)
	}
	if res.StatusCode != http.StatusSwitchingProtocols {
		body := refusalMessage(res)
		_ = conn.Close()
		if res.StatusCode == http.StatusNotFound {
			// Gone from that replica since the lookup (or a secret
			// mismatch, which the body tells the log).
			return nil, notConnected("the workspace agent is no longer connected to replica %s: %s", o.replicaID, body)
		}
		return nil, &DialError{Kind: KindRelayRefused, Replica: o.hostname, cause: xerrors.Errorf(
			"replica %s refused the relay: %s: %s", o.replicaID, res.Status, body)}
	}
	if !stop() {
		_ = conn.Close()
		return nil, o.unreachable(ctx.Err())
	}
	_ = conn.SetDeadline(time.Time{})
	if br.Buffered() == 0 {
		return conn, nil
	}
	return &bufferedConn{Conn: conn, r: br}, nil
}

func (o *relayOpener) dial(ctx context.Context) (net.Conn, error) {
	host := o.address.Host
	if o.address.Port() == "" {
		port := "80"
		if o.address.Scheme == "https" {
			port = "443"
		}
		host = net.JoinHostPort(o.address.Hostname(), port)
	}
	var d net.Dialer
	if o.address.Scheme != "https" {
		return d.DialContext(ctx, "tcp", host)
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if o.opts.TLSConfig != nil {
		cfg = o.opts.TLSConfig.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = o.address.Hostname()
	}
	// The upgrade is HTTP/1.1 only.
	cfg.NextProtos = []string{"http/1.1"}
	td := tls.Dialer{NetDialer: &d, Config: cfg}
	return td.DialContext(ctx, "tcp", host)
}

func (o *relayOpener) unreachable(cause error) error {
	return &DialError{Kind: KindReplicaUnreachable, Replica: o.hostname, cause: fmt.Errorf(
		"%w (replica %s at %s: %w); it is presumed gone and the agent will reconnect through a live replica",
		ErrReplicaUnreachable, o.replicaID, o.address.Redacted(), cause)}
}

// RelayAuthorized reports whether a relay request carries the
// deployment's relay secret (compared in constant time).
func (r *Registry) RelayAuthorized(req *http.Request) bool {
	return r.relay != nil && validRelaySecret(r.relay.Secret, req.Header.Get(RelaySecretHeader))
}

// OpenLocal opens a stream to an agent connected to this replica;
// ErrAgentNotConnected when it is not.
func (r *Registry) OpenLocal(agentID uuid.UUID) (net.Conn, error) {
	s := r.Get(agentID)
	if s == nil || s.Mux.IsClosed() {
		return nil, ErrAgentNotConnected
	}
	stream, err := s.Mux.Open()
	if err != nil {
		return nil, ErrAgentNotConnected
	}
	return stream, nil
}

// ServeRelayed answers a relay request 101 and pipes the connection to
// stream until either side ends; it owns stream.
func ServeRelayed(w http.ResponseWriter, stream net.Conn) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		_ = stream.Close()
		http.Error(w, "the connection cannot be relayed", http.StatusInternalServerError)
		return
	}
	conn, brw, err := hj.Hijack()
	if err != nil {
		_ = stream.Close()
		return
	}
	_ = conn.SetDeadline(time.Time{})
	if _, err := brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: " + RelayUpgrade + "\r\n\r\n"); err != nil || brw.Flush() != nil {
		_ = conn.Close()
		_ = stream.Close()
		return
	}
	var client net.Conn = conn
	if brw.Reader.Buffered() > 0 {
		client = &bufferedConn{Conn: conn, r: brw.Reader}
	}
	pipe(client, conn, stream)
}

func validRelaySecret(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// pipe copies both ways until both directions end. An end of input is
// passed on as a half close, so a command that waits for EOF still answers;
// an error ends both.
func pipe(client net.Conn, clientRaw net.Conn, stream net.Conn) {
	done := make(chan struct{}, 2)
	closeAll := func() {
		_ = clientRaw.Close()
		_ = stream.Close()
	}
	go func() {
		_, err := agentsdk.Copy(stream, client)
		if err != nil {
			closeAll()
		} else {
			// yamux's Close is a half close: the agent's answer still
			// comes back.
			_ = stream.Close()
		}
		done <- struct{}{}
	}()
	go func() {
		_, err := agentsdk.Copy(clientRaw, stream)
		if cw, ok := clientRaw.(interface{ CloseWrite() error }); ok && err == nil {
			_ = cw.CloseWrite()
		} else {
			closeAll()
		}
		done <- struct{}{}
	}()
	<-done
	<-done
	closeAll()
}

// refusalMessage is the message of a replica's JSON error body, or its
// status.
func refusalMessage(res *http.Response) string {
	var body struct {
		Message string `json:"message"`
	}
	if err := json.NewDecoder(io.LimitReader(res.Body, 4<<10)).Decode(&body); err != nil || body.Message == "" {
		return res.Status
	}
	return body.Message
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
