package codersdk

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/coder/websocket"
	"golang.org/x/xerrors"
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

// followJSON follows a log stream over a WebSocket: path with follow=true
// (and after, when not 0), each text message one JSON value sent on the
// channel. The channel closes when the server ends the stream, a message
// is not a T, ctx ends or the closer is called; Close waits for that.
// readLimit, when not 0, raises the library's per-message limit.
func followJSON[T any](ctx context.Context, c *Client, path string, after, readLimit int64) (<-chan T, io.Closer, error) {
	u, err := c.URL.Parse(path)
	if err != nil {
		return nil, nil, xerrors.Errorf("parse url: %w", err)
	}
	q := u.Query()
	q.Set("follow", "true")
	if after != 0 {
		q.Set("after", strconv.FormatInt(after, 10))
	}
	u.RawQuery = q.Encode()
	conn, err := c.dialWebsocket(ctx, u)
	if err != nil {
		return nil, nil, err
	}
	if readLimit != 0 {
		conn.SetReadLimit(readLimit)
	}
	ctx, cancel := context.WithCancel(ctx)
	out := make(chan T)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer cancel()
		defer close(out)
		defer func() { _ = conn.Close(websocket.StatusGoingAway, "") }()
		for {
			typ, msg, err := conn.Read(ctx)
			if err != nil || typ != websocket.MessageText {
				return
			}
			var v T
			if err := json.Unmarshal(msg, &v); err != nil {
				return
			}
			select {
			case <-ctx.Done():
				return
			case out <- v:
			}
		}
	}()
	var once sync.Once
	return out, closeFunc(func() error {
		once.Do(cancel)
		<-done
		return nil
	}), nil
}

// closeFunc adapts a function to io.Closer.
type closeFunc func() error

func (f closeFunc) Close() error { return f() }
