package logintest_test

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/apikey"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

const apiRateLimit = 40

func rateLimited(t *testing.T) *coderdtest.Options {
	vals, _ := coderdtest.DeploymentValues(t)
	require.NoError(t, vals.RateLimit.API.Set(strconv.Itoa(apiRateLimit)))
	return &coderdtest.Options{DeploymentValues: vals, KeepRateLimits: true}
}

// mostAllowed is the most requests the limit lets through between start and
// now. Windows are aligned to the minute on every replica; when one turned
// in between, the requests before the turn weigh in the new window only by
// the share of the minute that has not passed yet, which lets a few more
// through, as any sliding window estimate does.
func mostAllowed(start time.Time) int {
	now := time.Now()
	if now.Truncate(time.Minute).Equal(start.Truncate(time.Minute)) {
		return apiRateLimit
	}
	return apiRateLimit + int(math.Ceil(apiRateLimit*now.Sub(start).Seconds()/60))
}

// getMe sends GET /users/me with token and returns the status.
func getMe(t *testing.T, c *codersdk.Client, token string) int {
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, c.URL.String()+"/api/v2/users/me", nil)
	require.NoError(t, err)
	req.Header.Set(codersdk.SessionTokenHeader, token)
	res, err := c.HTTPClient.Do(req)
	require.NoError(t, err)
	_ = res.Body.Close()
	if res.StatusCode == http.StatusTooManyRequests {
		n, err := strconv.Atoi(res.Header.Get("Retry-After"))
		assert.NoError(t, err)
		assert.Positive(t, n)
	}
	return res.StatusCode
}

// TestFakeTokensDoNotEscapeRateLimit: 600 well-formed made-up tokens are
// charged to their address, so no more than the limit get as far as a 401;
// a real user at the same address is limited as that user, across both of
// its tokens, and is not refused because of the flood.
func TestFakeTokensDoNotEscapeRateLimit(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, rateLimited(t))
	_ = coderdtest.CreateFirstUser(t, client)
	second, err := client.CreateToken(t.Context(), codersdk.Me, codersdk.CreateTokenRequest{TokenName: "second"})
	require.NoError(t, err)
	tokens := []string{client.SessionToken(), second.Key}

	start := time.Now()
	counts := map[int]int{}
	var (
		mu sync.Mutex
		wg sync.WaitGroup
	)
	sem := make(chan struct{}, 20)
	for range 600 {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			_, _, fake, _, err := apikey.Generate()
			if !assert.NoError(t, err) {
				return
			}
			status := getMe(t, client, fake)
			mu.Lock()
			counts[status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	t.Logf("fake tokens: %v", counts)
	assert.LessOrEqual(t, counts[http.StatusUnauthorized], mostAllowed(start))
	assert.Equal(t, 600, counts[http.StatusUnauthorized]+counts[http.StatusTooManyRequests], counts)

	// Requests without a token from that address are refused too.
	res, err := coderdtest.Anonymous(client).Request(t.Context(), http.MethodGet, "/api/v2/buildinfo", nil)
	require.NoError(t, err)
	_ = res.Body.Close()
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode)

	// The real user: one allowance shared by both tokens.
	start = time.Now()
	userCounts := map[int]int{}
	for i := range 2 * apiRateLimit {
		userCounts[getMe(t, client, tokens[i%2])]++
	}
	t.Logf("real user: %v", userCounts)
	assert.Positive(t, userCounts[http.StatusOK], "the flood from its address does not refuse the user")
	assert.LessOrEqual(t, userCounts[http.StatusOK], mostAllowed(start))
	assert.Positive(t, userCounts[http.StatusTooManyRequests])
	assert.Equal(t, 2*apiRateLimit, userCounts[http.StatusOK]+userCounts[http.StatusTooManyRequests])
}

// TestRateLimitPerUser: users are limited separately, so one busy user
// does not refuse another at the same address.
func TestRateLimitPerUser(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, rateLimited(t))
	first := coderdtest.CreateFirstUser(t, client)
	other, _ := coderdtest.CreateAnotherUser(t, client, first.OrganizationID)

	refused := false
	for range apiRateLimit + 1 {
		if getMe(t, client, client.SessionToken()) == http.StatusTooManyRequests {
			refused = true
			break
		}
	}
	require.True(t, refused, "the owner is limited")
	assert.Equal(t, http.StatusOK, getMe(t, other, other.SessionToken()))
}
