// Package codersdk holds the wire types of the /api/v2 REST API and a Go
// client for it. The server encodes its responses with these same types, so a
// field that changes here changes for every client at once.
package codersdk

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"golang.org/x/xerrors"
)

const (
	// SessionTokenHeader carries the API key on every authenticated request.
	SessionTokenHeader = "Coder-Session-Token"
	// SessionTokenCookie is set by a browser login and accepted like the header.
	SessionTokenCookie = "coder_session_token"
	// SessionTokenQueryParam lets websocket clients, which cannot set headers,
	// authenticate.
	SessionTokenQueryParam = "coder_session_token"
	// BuildVersionHeader is sent on every response so clients can detect skew.
	BuildVersionHeader = "X-Coder-Build-Version"
	// RequestIDHeader echoes the id that ties a response to the server's logs.
	RequestIDHeader = "X-Coder-Request-Id"
)

// Response is the body of every error and of messages without a typed payload.
type Response struct {
	// Message is an actionable message that depicts actions the request took.
	Message string `json:"message"`
	// Detail is a debug message that provides further insight into why the
	// action failed. It may be empty.
	Detail string `json:"detail,omitempty"`
	// Validations are form field-specific friendly error messages.
	Validations []ValidationError `json:"validations,omitempty"`
}

// ValidationError names one bad input field and what is wrong with it.
type ValidationError struct {
	Field  string `json:"field" validate:"required"`
	Detail string `json:"detail" validate:"required"`
}

func (e ValidationError) Error() string {
	return fmt.Sprintf("field: %s detail: %s", e.Field, e.Detail)
}

// Client talks to one deployment's /api/v2.
type Client struct {
	URL        *url.URL
	HTTPClient *http.Client

	mu           sync.RWMutex
	sessionToken string
}

// New returns a client for the deployment at serverURL.
func New(serverURL *url.URL) *Client {
	return &Client{URL: serverURL, HTTPClient: &http.Client{}}
}

// SessionToken returns the token sent with every request.
func (c *Client) SessionToken() string {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.sessionToken
}

// SetSessionToken sets the token sent with every request.
func (c *Client) SetSessionToken(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sessionToken = token
}

// RequestOption mutates an outgoing request, e.g. to add query parameters.
type RequestOption func(*http.Request)

// WithQueryParam adds one query parameter when value is not empty.
func WithQueryParam(key, value string) RequestOption {
	return func(r *http.Request) {
		if value == "" {
			return
		}
		q := r.URL.Query()
		q.Add(key, value)
		r.URL.RawQuery = q.Encode()
	}
}

// Request sends a request to path (relative to the server URL). A non-nil body
// that is not an io.Reader is encoded as JSON.
func (c *Client) Request(ctx context.Context, method, path string, body any, opts ...RequestOption) (*http.Response, error) {
	serverURL, err := c.URL.Parse(path)
	if err != nil {
		return nil, xerrors.Errorf("parse url: %w", err)
	}

	var reader io.Reader
	contentType := ""
	if body != nil {
		if r, ok := body.(io.Reader); ok {
			reader = r
		} else {
			buf := &bytes.Buffer{}
			enc := json.NewEncoder(buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(body); err != nil {
				return nil, xerrors.Errorf("encode body: %w", err)
			}
			reader = buf
			contentType = "application/json"
		}
	}

	req, err := http.NewRequestWithContext(ctx, method, serverURL.String(), reader)
	if err != nil {
		return nil, xerrors.Errorf("create request: %w", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if token := c.SessionToken(); token != "" {
		req.Header.Set(SessionTokenHeader, token)
	}
	for _, opt := range opts {
		opt(req)
	}

	resp, err := c.HTTPClient.Do(req)
	if err != nil {
		return nil, xerrors.Errorf("do: %w", err)
	}
	return resp, nil
}

// Error is returned for every non-2xx response.
type Error struct {
	Response

	statusCode int
	method     string
	url        string
}

// StatusCode is the HTTP status of the failed response.
func (e *Error) StatusCode() int { return e.statusCode }

func (e *Error) Error() string {
	var b strings.Builder
	_, _ = fmt.Fprintf(&b, "%s %s: unexpected status code %d: %s", e.method, e.url, e.statusCode, e.Message)
	if e.Detail != "" {
		_, _ = fmt.Fprintf(&b, "\n\tError: %s", e.Detail)
	}
	for _, v := range e.Validations {
		_, _ = fmt.Fprintf(&b, "\n\t%s: %s", v.Field, v.Detail)
	}
	return b.String()
}

// ReadBodyAsError turns a failed response into an *Error, keeping the server's
// message when the body is a Response and a readable excerpt otherwise.
func ReadBodyAsError(res *http.Response) error {
	if res == nil {
		return xerrors.New("no response")
	}
	defer res.Body.Close()

	apiErr := &Error{statusCode: res.StatusCode}
	if res.Request != nil {
		apiErr.method = res.Request.Method
		apiErr.url = res.Request.URL.String()
	}
	raw, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return xerrors.Errorf("read body: %w", err)
	}
	mediaType, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if mediaType != "application/json" {
		apiErr.Message = "unexpected non-JSON response"
		apiErr.Detail = string(raw)
		return apiErr
	}
	if err := json.Unmarshal(raw, &apiErr.Response); err != nil {
		apiErr.Message = "unexpected response body"
		apiErr.Detail = string(raw)
	}
	return apiErr
}

// decodeJSON reads a 2xx body into out, or returns the error the body holds.
func decodeJSON(res *http.Response, wantStatus int, out any) error {
	if res.StatusCode != wantStatus {
		return ReadBodyAsError(res)
	}
	defer res.Body.Close()
	if out == nil {
		return nil
	}
	return json.NewDecoder(res.Body).Decode(out)
}

// getJSON performs a GET and decodes a 200 response into out.
func (c *Client) getJSON(ctx context.Context, path string, out any, opts ...RequestOption) error {
	res, err := c.Request(ctx, http.MethodGet, path, nil, opts...)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusOK, out)
}
