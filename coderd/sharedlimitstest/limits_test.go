package sharedlimitstest_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
)

const ownerEmail = "owner@example.com"

// Generous bounds that only keep a broken test from hanging.
const (
	testTimeout  = time.Minute
	pollInterval = 50 * time.Millisecond
)

// replica starts a server on the database at url, as one more replica.
func replica(t *testing.T, url string, opts *coderdtest.Options) *codersdk.Client {
	t.Helper()
	if opts == nil {
		opts = &coderdtest.Options{}
	}
	opts.DatabaseURL = url
	return coderdtest.New(t, opts)
}

// wrongLogin posts a wrong password for the owner and returns the status.
func wrongLogin(t *testing.T, c *codersdk.Client) int {
	t.Helper()
	res := coderdtest.RawRequest(t, coderdtest.Anonymous(c), http.MethodPost, "/api/v2/users/login",
		codersdk.LoginWithPasswordRequest{Email: ownerEmail, Password: "Not-The-Password-1"})
	if res.Status >= 400 {
		assert.NotEmpty(t, res.Response(t).Message)
	}
	return res.Status
}

// TestLoginFailuresSharedAcrossReplicas: the five free failures of one
// address on one account are five across the deployment, not five per
// replica: three on A and two on B use them up.
func TestLoginFailuresSharedAcrossReplicas(t *testing.T) {
	t.Parallel()
	url := dbtestutil.Open(t)
	a := replica(t, url, nil)
	b := replica(t, url, nil)
	_ = coderdtest.CreateFirstUser(t, a)

	for i, c := range []*codersdk.Client{a, a, a, b, b} {
		require.Equal(t, http.StatusUnauthorized, wrongLogin(t, c), "attempt %d", i+1)
	}
	// The next failure may only come after a delay, on either replica. (A
	// per-replica count would give B three more free failures.)
	refused := 0
	for range 3 {
		if wrongLogin(t, b) == http.StatusTooManyRequests {
			refused++
		}
	}
	assert.Positive(t, refused, "B knew nothing of A's failures")
}

// TestLoginLockoutSurvivesRestart: failures counted before a restart still
// count after it: a new server on the same database gives the fifth free
// failure and then refuses, where a fresh count would give five more.
func TestLoginLockoutSurvivesRestart(t *testing.T) {
	t.Parallel()
	url := dbtestutil.Open(t)
	before := replica(t, url, nil)
	_ = coderdtest.CreateFirstUser(t, before)
	for i := range 4 {
		require.Equal(t, http.StatusUnauthorized, wrongLogin(t, before), "attempt %d", i+1)
	}

	after := replica(t, url, nil)
	counts := map[int]int{}
	for range 6 {
		counts[wrongLogin(t, after)]++
	}
	t.Logf("after the restart: %v", counts)
	// The remaining free failure, and perhaps one more after each delay
	// (1 s, 2 s, ...) when the machine is slow; never the five a
	// forgotten count would allow.
	assert.Less(t, counts[http.StatusUnauthorized], 5)
	assert.Positive(t, counts[http.StatusTooManyRequests])
	assert.Equal(t, 6, counts[http.StatusUnauthorized]+counts[http.StatusTooManyRequests])
}

const apiRateLimit = 30

func rateLimited(t *testing.T) *coderdtest.Options {
	vals, _ := coderdtest.DeploymentValues(t)
	require.NoError(t, vals.RateLimit.API.Set(strconv.Itoa(apiRateLimit)))
	return &coderdtest.Options{DeploymentValues: vals, KeepRateLimits: true}
}

// getMe sends GET /users/me with token and returns the status.
func getMe(t *testing.T, c *codersdk.Client, token string) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, c.URL.String()+"/api/v2/users/me", nil)
	require.NoError(t, err)
	req.Header.Set(codersdk.SessionTokenHeader, token)
	res, err := c.HTTPClient.Do(req)
	require.NoError(t, err)
	_ = res.Body.Close()
	return res.StatusCode
}

// TestAPIRateLimitSharedPerUser: one user's two tokens share one budget,
// on one replica at once and across replicas once they have synced: after
// the user spent the budget on A with one token, B refuses the other token
// well before it would have allowed a budget of its own.
func TestAPIRateLimitSharedPerUser(t *testing.T) {
	t.Parallel()
	url := dbtestutil.Open(t)
	a := replica(t, url, rateLimited(t))
	b := replica(t, url, rateLimited(t))
	first := coderdtest.CreateFirstUser(t, a)
	// A member, so the owner's setup requests do not share its budget.
	member, user := coderdtest.CreateAnotherUser(t, a, first.OrganizationID)
	second, err := member.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{TokenName: "second"})
	require.NoError(t, err)
	tokens := []string{member.SessionToken(), second.Key}

	// On A: the first token spends the budget, the second is refused too.
	spent := 0
	for getMe(t, a, tokens[0]) == http.StatusOK {
		spent++
		require.LessOrEqual(t, spent, apiRateLimit, "A never refused")
	}
	assert.Equal(t, http.StatusTooManyRequests, getMe(t, a, tokens[1]), "the second token of %s has its own budget", user.Username)

	// On B, with the second token: refused once B has heard of A's counts
	// (within about two sync intervals), long before a budget of its own
	// would run out. Requests are spaced so a fresh budget would last for
	// seconds.
	allowedOnB := 0
	require.Eventually(t, func() bool {
		if getMe(t, b, tokens[1]) == http.StatusTooManyRequests {
			return true
		}
		allowedOnB++
		return false
	}, testTimeout, 4*pollInterval)
	t.Logf("spent on A: %d; allowed on B before it refused: %d", spent, allowedOnB)
	assert.Less(t, allowedOnB, apiRateLimit/2, "B gave the user a budget of its own")
}
