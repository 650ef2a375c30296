package sharedlimitstest_test

import (
	"net/http"
	"testing"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
)

// TestLimitsWhileDatabaseDown: without the database a login cannot be
// counted, so it is refused with 503 (fail closed: otherwise guessing would
// be unlimited during an outage), never 500; the API rate limit, which
// cannot sync, keeps counting locally and refuses nothing that needs no
// database.
func TestLimitsWhileDatabaseDown(t *testing.T) {
	t.Parallel()
	proxy := dbtestutil.NewProxy(t, dbtestutil.Open(t))
	opts := rateLimited(t)
	opts.DatabaseURL = proxy.URL()
	// The audit log cannot be written during the outage, and says so.
	logger := slogtest.Make(t, &slogtest.Options{IgnoreErrors: true})
	opts.Logger = &logger
	client := coderdtest.New(t, opts)
	_ = coderdtest.CreateFirstUser(t, client)

	proxy.SetDown(true)
	res := coderdtest.RawRequest(t, coderdtest.Anonymous(client), http.MethodPost, "/api/v2/users/login",
		codersdk.LoginWithPasswordRequest{Email: ownerEmail, Password: coderdtest.FirstUserPassword})
	require.Equal(t, http.StatusServiceUnavailable, res.Status, string(res.Body))
	assert.NotEmpty(t, res.Header.Get("Retry-After"))
	assert.NotEmpty(t, res.Response(t).Message)

	anon := coderdtest.Anonymous(client)
	for i := range apiRateLimit / 2 {
		res := coderdtest.RawRequest(t, anon, http.MethodGet, "/api/v2/buildinfo", nil)
		require.Equal(t, http.StatusOK, res.Status, "request %d: %s", i+1, res.Body)
	}

	proxy.SetDown(false)
	require.Eventually(t, func() bool {
		res := coderdtest.RawRequest(t, coderdtest.Anonymous(client), http.MethodPost, "/api/v2/users/login",
			codersdk.LoginWithPasswordRequest{Email: ownerEmail, Password: coderdtest.FirstUserPassword})
		return res.Status == http.StatusCreated
	}, testTimeout, pollInterval, "logins work again once the database is back")
}
