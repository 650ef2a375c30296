package httpmw_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/httpmw"
)

func TestHSTS(t *testing.T) {
	t.Parallel()
	ok := http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusOK) })

	mw, err := httpmw.HSTS(3600, []string{"includesubdomains", "Preload"})
	require.NoError(t, err)
	rec := httptest.NewRecorder()
	mw(ok).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v2/buildinfo", nil))
	assert.Equal(t, "max-age=3600; includeSubDomains; preload", rec.Header().Get("Strict-Transport-Security"))

	_, err = httpmw.HSTS(3600, []string{"everything"})
	require.ErrorContains(t, err, "everything")
	_, err = httpmw.HSTS(0, nil)
	require.Error(t, err)
}

func TestRedirectToAccessURL(t *testing.T) {
	t.Parallel()
	ok := http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) { rw.WriteHeader(http.StatusOK) })
	access := &url.URL{Scheme: "https", Host: "coder.example.test"}

	for _, tc := range []struct {
		name     string
		upgrade  bool
		url      string
		tls      bool
		location string // empty: served
	}{
		{name: "https, right host", upgrade: true, url: "https://coder.example.test/api/v2/buildinfo", tls: true},
		{name: "https, right host with default port", upgrade: true, url: "https://CODER.example.test:443/api/v2/buildinfo", tls: true},
		{name: "plain http upgraded", upgrade: true, url: "http://coder.example.test/api/v2/users?q=a%20b", location: "https://coder.example.test/api/v2/users?q=a%20b"},
		{name: "plain http behind a proxy", upgrade: false, url: "http://coder.example.test/api/v2/users"},
		{name: "other host", upgrade: false, url: "http://10.0.0.1:3000/workspaces", location: "https://coder.example.test/workspaces"},
		{name: "other host over tls", upgrade: true, url: "https://10.0.0.1:3443/workspaces", tls: true, location: "https://coder.example.test/workspaces"},
		{name: "healthz is never redirected", upgrade: true, url: "http://10.0.0.1:3000/healthz"},
		{name: "subdomain app host", upgrade: true, url: "https://app--ws--me.apps.example.test/x", tls: true},
		{name: "subdomain app host over plain http upgraded", upgrade: true, url: "http://app--ws--me.apps.example.test/x", location: "https://app--ws--me.apps.example.test/x"},
		{name: "deeper host is not an app host", upgrade: true, url: "https://a.b.apps.example.test/x", tls: true, location: "https://coder.example.test/x"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodPost, tc.url, nil)
			if !tc.tls {
				r.TLS = nil
			} else if r.TLS == nil {
				r.TLS = &tls.ConnectionState{}
			}
			rec := httptest.NewRecorder()
			httpmw.RedirectToAccessURL(httpmw.RedirectToAccessURLConfig{AccessURL: access, UpgradePlainHTTP: tc.upgrade, WildcardHost: "*.apps.example.test"})(ok).ServeHTTP(rec, r)
			if tc.location == "" {
				assert.Equal(t, http.StatusOK, rec.Code)
				return
			}
			assert.Equal(t, http.StatusTemporaryRedirect, rec.Code)
			assert.Equal(t, tc.location, rec.Header().Get("Location"))
		})
	}
}
