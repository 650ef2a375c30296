package coderdtest

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/devplane/devplane/codersdk"
)

// RawResult is a whole answer as RawRequest read it, for tests that check
// status codes, headers and bodies the typed client would hide.
type RawResult struct {
	Status int
	Header http.Header
	Body   []byte
}

// Response decodes an error body; every non-2xx body must be one.
func (r RawResult) Response(t testing.TB) codersdk.Response {
	t.Helper()
	var resp codersdk.Response
	if err := json.Unmarshal(r.Body, &resp); err != nil {
		t.Fatalf("decode %q: %v", r.Body, err)
	}
	return resp
}

// Cookie is the cookie the answer set under name, or nil.
func (r RawResult) Cookie(name string) *http.Cookie {
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// RawRequest sends a request with client's token (if any) and reads the
// whole answer. A string body is sent as written. Error answers must be
// JSON.
func RawRequest(t testing.TB, client *codersdk.Client, method, path string, body any, opts ...codersdk.RequestOption) RawResult {
	t.Helper()
	if s, ok := body.(string); ok {
		body = strings.NewReader(s)
	}
	res, err := client.Request(t.Context(), method, path, body, opts...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read %s %s: %v", method, path, err)
	}
	if res.StatusCode >= 400 && !strings.Contains(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("%s %s: error body is not JSON: %s", method, path, b)
	}
	return RawResult{Status: res.StatusCode, Header: res.Header, Body: b}
}

// Fields are the fields the error body's validations name.
func (r RawResult) Fields(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, v := range r.Response(t).Validations {
		out = append(out, v.Field)
	}
	return out
}
