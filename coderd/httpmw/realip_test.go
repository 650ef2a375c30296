package httpmw_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/httpmw"
)

func TestExtractRealIP(t *testing.T) {
	t.Parallel()
	cfg, err := httpmw.ParseRealIPConfig(
		[]string{"x-forwarded-for", "CF-Connecting-IP"},
		[]string{"10.0.0.0/8", "192.0.2.1", "2001:db8::/32"},
	)
	require.NoError(t, err)

	for _, tc := range []struct {
		name    string
		peer    string
		headers map[string][]string
		want    string
	}{
		{"untrusted peer keeps its address", "203.0.113.9:5000",
			map[string][]string{"X-Forwarded-For": {"1.1.1.1"}}, "203.0.113.9:5000"},
		{"trusted peer without header", "10.1.2.3:5000", nil, "10.1.2.3:5000"},
		{"rightmost untrusted hop", "10.1.2.3:5000",
			map[string][]string{"X-Forwarded-For": {"6.6.6.6, 1.1.1.1, 10.9.9.9"}}, "1.1.1.1:0"},
		{"several header lines are one list", "10.1.2.3:5000",
			map[string][]string{"X-Forwarded-For": {"6.6.6.6", "1.1.1.1"}}, "1.1.1.1:0"},
		{"all hops trusted: the leftmost", "10.1.2.3:5000",
			map[string][]string{"X-Forwarded-For": {"10.0.0.7, 10.0.0.8"}}, "10.0.0.7:0"},
		{"garbage hop: header ignored", "10.1.2.3:5000",
			map[string][]string{"X-Forwarded-For": {"1.1.1.1, nonsense"}}, "10.1.2.3:5000"},
		{"single trusted IP origin", "192.0.2.1:443",
			map[string][]string{"X-Forwarded-For": {"1.1.1.1"}}, "1.1.1.1:0"},
		{"next trusted header", "10.1.2.3:5000",
			map[string][]string{"Cf-Connecting-Ip": {"2.2.2.2"}}, "2.2.2.2:0"},
		{"untrusted header is ignored", "10.1.2.3:5000",
			map[string][]string{"X-Real-Ip": {"3.3.3.3"}}, "10.1.2.3:5000"},
		{"IPv6 peer and client", "[2001:db8::1]:5000",
			map[string][]string{"X-Forwarded-For": {"2001:db9::5"}}, "[2001:db9::5]:0"},
		{"mapped IPv4 peer", "[::ffff:10.1.2.3]:5000",
			map[string][]string{"X-Forwarded-For": {"1.1.1.1"}}, "1.1.1.1:0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got string
			h := httpmw.ExtractRealIP(cfg)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
				got = r.RemoteAddr
			}))
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tc.peer
			for k, vs := range tc.headers {
				for _, v := range vs {
					r.Header.Add(k, v)
				}
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			assert.Equal(t, tc.want, got)
			assert.Equal(t, tc.peer, r.RemoteAddr, "the caller's request is not changed")
		})
	}
}

func TestExtractRealIPOffWithoutConfig(t *testing.T) {
	t.Parallel()
	for _, cfg := range []struct{ headers, origins []string }{
		{nil, nil},
		{[]string{"X-Forwarded-For"}, nil},
		{nil, []string{"0.0.0.0/0"}},
	} {
		c, err := httpmw.ParseRealIPConfig(cfg.headers, cfg.origins)
		require.NoError(t, err)
		var got string
		h := httpmw.ExtractRealIP(c)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = r.RemoteAddr }))
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.RemoteAddr = "127.0.0.1:1234"
		r.Header.Set("X-Forwarded-For", "1.1.1.1")
		h.ServeHTTP(httptest.NewRecorder(), r)
		assert.Equal(t, "127.0.0.1:1234", got)
	}
}

func TestParseRealIPConfigRejectsBadValues(t *testing.T) {
	t.Parallel()
	_, err := httpmw.ParseRealIPConfig(nil, []string{"10.0.0.0/33"})
	assert.Error(t, err)
	_, err = httpmw.ParseRealIPConfig(nil, []string{"example.com"})
	assert.Error(t, err)
	_, err = httpmw.ParseRealIPConfig([]string{"X-Forwarded-For: 1"}, nil)
	assert.Error(t, err)
}
