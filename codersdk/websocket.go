package codersdk

import (
	"context"
	"net/http"
	"net/url"

	"github.com/coder/websocket"
)

// dialWebsocket opens a WebSocket to u with the session token. A refused
// upgrade becomes the server's *Error; no compression, because every stream
// is either already compact or latency-bound.
func (c *Client) dialWebsocket(ctx context.Context, u *url.URL) (*websocket.Conn, error) {
	header := http.Header{}
	if token := c.SessionToken(); token != "" {
		header.Set(SessionTokenHeader, token)
	}
	conn, res, err := websocket.Dial(ctx, u.String(), &websocket.DialOptions{
		HTTPClient: c.HTTPClient, HTTPHeader: header, CompressionMode: websocket.CompressionDisabled,
	})
	if err != nil {
		if res == nil {
			return nil, err
		}
		return nil, ReadBodyAsError(res)
	}
	return conn, nil
}
