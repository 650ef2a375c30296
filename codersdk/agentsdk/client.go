package agentsdk

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/hashicorp/yamux"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/codersdk"
)

// tunnelHost is the Host of requests sent over the tunnel; the stream, not
// the name, decides where they go.
const tunnelHost = "agent.tunnel"

// YamuxConfig is the multiplexer configuration both ends use. Keepalives
// detect a dead peer (a killed agent, a lost replica) within about a minute
// even when the WebSocket's TCP connection lingers.
func YamuxConfig() *yamux.Config {
	cfg := yamux.DefaultConfig()
	// One stream cannot have more than a window of data in flight; yamux's
	// 256 KiB default caps a single download well below what the tunnel
	// carries. The window is credit, not a buffer: memory grows only with
	// data the reader has not taken yet.
	cfg.MaxStreamWindowSize = StreamWindowSize
	cfg.EnableKeepAlive = true
	cfg.KeepAliveInterval = 15 * time.Second
	cfg.ConnectionWriteTimeout = 30 * time.Second
	cfg.LogOutput = io.Discard
	return cfg
}

// StreamWindowSize is the most a stream's sender may have unread at the
// receiver (yamux's MaxStreamWindowSize). Measured on loopback with 256 KiB
// copies, 1-2 MiB moves one stream fastest and cheapest; 4-16 MiB cost
// more CPU per byte (yamux's receive buffer reallocates as it fills, and
// leaves the cache). 2 MiB also lets one stream carry 200 MB/s to an agent
// 10 ms away.
const StreamWindowSize = 2 << 20

// TunnelUpgrade is the Upgrade token of the agent's connection as a raw
// byte stream. Both ends are ours, so the agent asks for it first: it
// spares every byte WebSocket framing and the client's masking (which
// coder/websocket does through a 4 KiB buffer, a write call per 4 KiB).
// A server or proxy that refuses it gets a WebSocket instead.
const TunnelUpgrade = "devplane-tunnel"

// Client is the agent's view of the server.
type Client struct {
	URL   *url.URL
	Token string
	// HTTPClient dials the connection; nil means http.DefaultClient.
	HTTPClient *http.Client
	// WebSocketOnly skips the raw upgrade (TunnelUpgrade), as for a proxy
	// that passes WebSockets only.
	WebSocketOnly bool
}

// Conn is one live connection to the server.
type Conn struct {
	Session *yamux.Session
	http    *http.Client
	base    *url.URL
}

// Connect dials the persistent connection. The caller owns the session:
// closing it ends the connection, and Session.CloseChan tells when the
// server or network ended it.
func (c *Client) Connect(ctx context.Context) (*Conn, error) {
	u, err := c.URL.Parse(ConnectPath)
	if err != nil {
		return nil, xerrors.Errorf("parse url: %w", err)
	}
	var conn io.ReadWriteCloser
	if !c.WebSocketOnly {
		conn, err = c.dialRaw(ctx, u)
		var sdkErr *codersdk.Error
		if xerrors.As(err, &sdkErr) && (sdkErr.StatusCode() == http.StatusUnauthorized || sdkErr.StatusCode() == http.StatusForbidden) {
			// The server understood and said no; a WebSocket would hear
			// the same.
			return nil, err
		}
	}
	if conn == nil {
		conn, err = c.dialWebSocket(ctx, u)
		if err != nil {
			return nil, err
		}
	}
	session, err := yamux.Client(conn, YamuxConfig())
	if err != nil {
		_ = conn.Close()
		return nil, xerrors.Errorf("start multiplexer: %w", err)
	}
	return NewConn(session), nil
}

// dialRaw asks for the connection as a raw stream (TunnelUpgrade).
func (c *Client) dialRaw(ctx context.Context, u *url.URL) (io.ReadWriteCloser, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, xerrors.Errorf("new request: %w", err)
	}
	req.Header.Set(codersdk.SessionTokenHeader, c.Token)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", TunnelUpgrade)
	hc := c.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := http1Only(hc).Do(req)
	if err != nil {
		return nil, xerrors.Errorf("dial %s: %w", u.Redacted(), err)
	}
	if res.StatusCode != http.StatusSwitchingProtocols {
		defer res.Body.Close()
		return nil, codersdk.ReadBodyAsError(res)
	}
	// net/http hands over the connection of a 101 as the body; it outlives
	// ctx, which only bounds the dial.
	conn, ok := res.Body.(io.ReadWriteCloser)
	if !ok || !strings.EqualFold(res.Header.Get("Upgrade"), TunnelUpgrade) {
		_ = res.Body.Close()
		return nil, xerrors.Errorf("dial %s: the server switched to %q, not %s", u.Redacted(), res.Header.Get("Upgrade"), TunnelUpgrade)
	}
	return conn, nil
}

// http1Only returns hc limited to HTTP/1.1, which alone has upgrades: over
// TLS net/http would otherwise negotiate HTTP/2 with a server that offers it
// (it keeps HTTP/1.1 only for WebSocket upgrades), and the raw upgrade
// would never reach the server. Keep-alives are off because the
// connection either becomes the tunnel or serves one refusal. A transport
// that is not an *http.Transport is used as it is.
func http1Only(hc *http.Client) *http.Client {
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	base, ok := rt.(*http.Transport)
	if !ok {
		return hc
	}
	t := base.Clone()
	var protocols http.Protocols
	protocols.SetHTTP1(true)
	t.Protocols = &protocols
	if t.TLSClientConfig != nil {
		// A configuration made for HTTP/2 offers it in ALPN.
		t.TLSClientConfig.NextProtos = []string{"http/1.1"}
	}
	t.DisableKeepAlives = true
	c := *hc
	c.Transport = t
	return &c
}

// dialWebSocket asks for the connection as a WebSocket, which every proxy
// that passes WebSockets passes.
func (c *Client) dialWebSocket(ctx context.Context, u *url.URL) (io.ReadWriteCloser, error) {
	headers := http.Header{}
	headers.Set(codersdk.SessionTokenHeader, c.Token)
	ws, res, err := websocket.Dial(ctx, u.String(), &websocket.DialOptions{
		HTTPClient: c.HTTPClient,
		HTTPHeader: headers,
	})
	if err != nil {
		if res != nil && res.StatusCode != http.StatusSwitchingProtocols {
			return nil, codersdk.ReadBodyAsError(res)
		}
		return nil, xerrors.Errorf("dial %s: %w", u.Redacted(), err)
	}
	ws.SetReadLimit(-1)
	// The session outlives ctx (it only bounds the dial).
	return websocket.NetConn(context.Background(), ws, websocket.MessageBinary), nil
}

// NewConn wraps an established session (the agent's end).
func NewConn(session *yamux.Session) *Conn {
	transport := &http.Transport{
		DialContext: func(context.Context, string, string) (net.Conn, error) {
			return session.Open()
		},
		// A stream per request, closed after it: opening a yamux stream
		// costs no round trip, while an idle kept-alive stream costs the
		// server a goroutine and buffers per agent (about 20 KB; at 5,000
		// agents, 100 MB for nothing).
		DisableKeepAlives: true,
	}
	return &Conn{
		Session: session,
		http:    &http.Client{Transport: transport},
		base:    &url.URL{Scheme: "http", Host: tunnelHost},
	}
}

// Close ends the connection.
func (c *Conn) Close() error {
	c.http.CloseIdleConnections()
	return c.Session.Close()
}

// do sends one request over the tunnel and decodes a 2xx JSON body into out
// (when out is not nil); other statuses become *codersdk.Error.
func (c *Conn) do(ctx context.Context, method, path string, body, out any) error {
	cl := codersdk.New(c.base)
	cl.HTTPClient = c.http
	res, err := cl.Request(ctx, method, path, body)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return codersdk.ReadBodyAsError(res)
	}
	if out == nil || res.StatusCode == http.StatusNoContent {
		_, _ = io.Copy(io.Discard, res.Body)
		return nil
	}
	return json.NewDecoder(res.Body).Decode(out)
}

// Manifest reads what the agent should run.
func (c *Conn) Manifest(ctx context.Context) (Manifest, error) {
	var m Manifest
	err := c.do(ctx, http.MethodGet, ManifestPath, nil, &m)
	return m, err
}

// PostStartup reports the agent's version and environment.
func (c *Conn) PostStartup(ctx context.Context, req PostStartupRequest) error {
	return c.do(ctx, http.MethodPost, StartupPath, req, nil)
}

// PostLifecycle reports a lifecycle transition.
func (c *Conn) PostLifecycle(ctx context.Context, req PostLifecycleRequest) error {
	return c.do(ctx, http.MethodPost, LifecyclePath, req, nil)
}

// PatchLogs appends log lines to a source.
func (c *Conn) PatchLogs(ctx context.Context, req PatchLogsRequest) error {
	return c.do(ctx, http.MethodPatch, LogsPath, req, nil)
}

// PostLogSource registers a log source.
func (c *Conn) PostLogSource(ctx context.Context, req PostLogSourceRequest) error {
	return c.do(ctx, http.MethodPost, LogSourcePath, req, nil)
}

// PostMetadata reports metadata results.
func (c *Conn) PostMetadata(ctx context.Context, req PostMetadataRequest) error {
	return c.do(ctx, http.MethodPost, MetadataPath, req, nil)
}

// PostStats reports connection and traffic stats.
func (c *Conn) PostStats(ctx context.Context, stats Stats) (StatsResponse, error) {
	var res StatsResponse
	err := c.do(ctx, http.MethodPost, StatsPath, stats, &res)
	return res, err
}

// PostAppHealth reports app health check results.
func (c *Conn) PostAppHealth(ctx context.Context, req PostAppHealthsRequest) error {
	return c.do(ctx, http.MethodPost, AppHealthPath, req, nil)
}

// PostListeningPorts replaces the list of listening ports.
func (c *Conn) PostListeningPorts(ctx context.Context, req PostListeningPortsRequest) error {
	return c.do(ctx, http.MethodPost, ListeningPortsPath, req, nil)
}

// GitSSHKey reads the workspace owner's git SSH key.
func (c *Conn) GitSSHKey(ctx context.Context) (GitSSHKey, error) {
	var k GitSSHKey
	err := c.do(ctx, http.MethodGet, GitSSHKeyPath, nil, &k)
	return k, err
}

// readBodyAsError reads a refusal, which may be plain text from the agent.
func readBodyAsError(res *http.Response) error {
	return codersdk.ReadBodyAsError(res)
}
