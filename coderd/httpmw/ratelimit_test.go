package httpmw_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
)

func TestRateLimiterByAddress(t *testing.T) {
	t.Parallel()
	const limit = 5
	l := httpmw.NewRateLimiter(limit, time.Minute)
	// Stands in for ExtractAPIKey refusing every token.
	rejectTokens := http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if httpmw.TokenFromRequest(r) != "" {
			rw.WriteHeader(http.StatusUnauthorized)
			_, _ = rw.Write([]byte(`{"message":"Invalid session token."}`))
			return
		}
		rw.WriteHeader(http.StatusOK)
	})
	h := l.ByAddress(rejectTokens)
	send := func(addr, token string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/api/v2/users/me", nil)
		r.RemoteAddr = addr
		if token != "" {
			r.Header.Set(codersdk.SessionTokenHeader, token)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		return rec
	}

	// Bad tokens are charged to their address like anonymous requests...
	for i := range limit {
		assert.Equal(t, http.StatusUnauthorized, send("192.0.2.1:1000", "fake"+strconv.Itoa(i)).Code)
	}
	// ...so the next one, and an anonymous one, are refused.
	rec := send("192.0.2.1:1001", "fake-next")
	assert.Equal(t, http.StatusTooManyRequests, rec.Code)
	assert.NotEmpty(t, rec.Header().Get("Retry-After"))
	assert.Contains(t, rec.Body.String(), "too many requests")
	assert.Equal(t, http.StatusTooManyRequests, send("192.0.2.1:1002", "").Code)

	// Another address has its own allowance.
	assert.Equal(t, http.StatusOK, send("192.0.2.2:1000", "").Code)
	// IPv6 clients share their /64.
	for range limit {
		assert.Equal(t, http.StatusOK, send("[2001:db8:1:2::1]:1000", "").Code)
	}
	assert.Equal(t, http.StatusTooManyRequests, send("[2001:db8:1:2::ffff]:1000", "").Code)

	// A nil limiter limits nothing.
	var none *httpmw.RateLimiter
	assert.NotNil(t, none.ByAddress(rejectTokens))
	assert.NotNil(t, none.ByUser(rejectTokens))
}
