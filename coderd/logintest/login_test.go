package logintest_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/argon2"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/userpassword"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

const ownerEmail = "owner@example.com"

// Generous bounds that only keep a broken test from hanging.
const (
	testTimeout  = 30 * time.Second
	pollInterval = 5 * time.Millisecond
)

// behindProxy returns server options under which requests from this test
// (127.0.0.1) are a trusted proxy's, so X-Forwarded-For picks the client.
func behindProxy(t *testing.T) *coderdtest.Options {
	vals, _ := coderdtest.DeploymentValues(t)
	require.NoError(t, vals.ProxyTrustedHeaders.Set("X-Forwarded-For"))
	require.NoError(t, vals.ProxyTrustedOrigins.Set("127.0.0.1/32"))
	return &coderdtest.Options{DeploymentValues: vals}
}

func from(addr string) codersdk.RequestOption {
	return func(r *http.Request) { r.Header.Set("X-Forwarded-For", addr) }
}

type result struct {
	status     int
	retryAfter string
	body       codersdk.Response
}

// login posts a login from addr ("" for no forwarding header) and reads the
// answer whatever it is.
func login(ctx context.Context, t *testing.T, c *codersdk.Client, addr, email, password string) result {
	var opts []codersdk.RequestOption
	if addr != "" {
		opts = append(opts, from(addr))
	}
	anon := coderdtest.Anonymous(c)
	anon.HTTPClient = c.HTTPClient
	res, err := anon.Request(ctx, http.MethodPost, "/api/v2/users/login",
		codersdk.LoginWithPasswordRequest{Email: email, Password: password}, opts...)
	if !assert.NoError(t, err) {
		return result{}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	r := result{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After")}
	if res.StatusCode >= 400 {
		assert.NoError(t, json.Unmarshal(b, &r.body), string(b))
		assert.NotEmpty(t, r.body.Message)
	}
	return r
}

// TestConcurrentWrongPasswordsAreAllCounted: fifty wrong passwords at once
// from one address get at most the five free failures through to the
// password check; the rest are refused. The owner, elsewhere, is not
// locked out.
func TestConcurrentWrongPasswordsAreAllCounted(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, behindProxy(t))
	_ = coderdtest.CreateFirstUser(t, client)
	ctx := t.Context()

	const attacker = "198.51.100.7"
	results := make([]result, 50)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = login(ctx, t, client, attacker, ownerEmail, "Not-The-Password-1")
		}()
	}
	wg.Wait()
	counts := map[int]int{}
	for _, r := range results {
		counts[r.status]++
		if r.status == http.StatusTooManyRequests {
			n, err := strconv.Atoi(r.retryAfter)
			assert.NoError(t, err, "Retry-After %q", r.retryAfter)
			assert.Positive(t, n)
		}
	}
	t.Logf("statuses: %v", counts)
	assert.LessOrEqual(t, counts[http.StatusUnauthorized], 5)
	assert.Equal(t, 50, counts[http.StatusUnauthorized]+counts[http.StatusTooManyRequests], counts)

	// The attacker stays refused, with the right password too: it is the
	// (address, account) pair that is slowed down.
	r := login(ctx, t, client, attacker, ownerEmail, "Not-The-Password-2")
	assert.Equal(t, http.StatusTooManyRequests, r.status)

	// The owner logs in from elsewhere, and so does the proxy's own address.
	r = login(ctx, t, client, "203.0.113.5", ownerEmail, coderdtest.FirstUserPassword)
	assert.Equal(t, http.StatusCreated, r.status, r.body.Message)
	r = login(ctx, t, client, "", ownerEmail, coderdtest.FirstUserPassword)
	assert.Equal(t, http.StatusCreated, r.status, r.body.Message)
}

// TestSprayingOneAddressIsSlowed: one address guessing across many
// accounts is refused after its free failures, while other addresses go
// on.
func TestSprayingOneAddressIsSlowed(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, behindProxy(t))
	_ = coderdtest.CreateFirstUser(t, client)
	ctx := t.Context()
	refused := 0
	for i := range 40 {
		r := login(ctx, t, client, "198.51.100.8", fmt.Sprintf("victim%d@example.com", i), "Not-The-Password-1")
		if r.status == http.StatusTooManyRequests {
			refused++
		} else {
			assert.Equal(t, http.StatusUnauthorized, r.status)
		}
	}
	assert.GreaterOrEqual(t, refused, 10, "at most 30 failures pass per address")
	r := login(ctx, t, client, "198.51.100.9", ownerEmail, coderdtest.FirstUserPassword)
	assert.Equal(t, http.StatusCreated, r.status, r.body.Message)
}

// TestForwardedForIgnoredWithoutTrust: without trusted origins a client
// cannot pick its address, so changing X-Forwarded-For does not escape the
// limiter.
func TestForwardedForIgnoredWithoutTrust(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	_ = coderdtest.CreateFirstUser(t, client)
	ctx := t.Context()
	counts := map[int]int{}
	for i := range 12 {
		r := login(ctx, t, client, fmt.Sprintf("198.51.100.%d", i+1), ownerEmail, "Not-The-Password-1")
		counts[r.status]++
	}
	assert.Equal(t, 5, counts[http.StatusUnauthorized], counts)
	assert.Equal(t, 7, counts[http.StatusTooManyRequests], counts)
}

// TestAuditLogRecordsForwardedClient: the audit log stores the address
// from a trusted proxy's header.
func TestAuditLogRecordsForwardedClient(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, behindProxy(t))
	_ = coderdtest.CreateFirstUser(t, client)
	ctx := t.Context()
	r := login(ctx, t, client, "203.0.113.77", ownerEmail, coderdtest.FirstUserPassword)
	require.Equal(t, http.StatusCreated, r.status)
	logs, err := client.AuditLogs(ctx, codersdk.AuditLogsRequest{SearchQuery: "action:login", Pagination: codersdk.Pagination{Limit: 50}})
	require.NoError(t, err)
	var ips []string
	for _, l := range logs.AuditLogs {
		ips = append(ips, l.IP.String())
	}
	assert.Contains(t, ips, "203.0.113.77")
}

// TestLoginBurstBeyondPoolIs503: with the hashing pool full, further logins
// are answered 503 with Retry-After at once, while those already queued
// succeed once the pool frees up.
func TestLoginBurstBeyondPoolIs503(t *testing.T) {
	t.Parallel()
	hasher := userpassword.NewHasher(1, 2)
	// Each login comes from its own address, as a crowd's would: a burst
	// from one address on one account is the login limiter's to refuse.
	opts := behindProxy(t)
	opts.PasswordHasher = hasher
	client := coderdtest.New(t, opts)
	_ = coderdtest.CreateFirstUser(t, client)
	ctx := t.Context()

	// Take the only worker.
	release, running := make(chan struct{}), make(chan struct{})
	go func() {
		_ = hasher.Do(context.Background(), func() error { close(running); <-release; return nil })
	}()
	<-running
	// Two logins fill the queue.
	queued := make(chan result, 2)
	for i := range 2 {
		go func() {
			queued <- login(ctx, t, client, fmt.Sprintf("203.0.113.%d", i+1), ownerEmail, coderdtest.FirstUserPassword)
		}()
	}
	require.Eventually(t, func() bool { return hasher.InUse() == 3 }, testTimeout, pollInterval)

	// The burst: every one is answered while the pool is still held, so
	// none waited for a hash.
	burst := make([]result, 20)
	var wg sync.WaitGroup
	for i := range burst {
		wg.Add(1)
		go func() {
			defer wg.Done()
			burst[i] = login(ctx, t, client, fmt.Sprintf("198.51.100.%d", i+1), ownerEmail, coderdtest.FirstUserPassword)
		}()
	}
	wg.Wait()
	for _, r := range burst {
		assert.Equal(t, http.StatusServiceUnavailable, r.status)
		assert.Equal(t, "1", r.retryAfter)
	}
	select {
	case r := <-queued:
		t.Fatalf("a queued login finished while the pool was held: %d", r.status)
	default:
	}

	close(release)
	for range 2 {
		r := <-queued
		assert.Equal(t, http.StatusCreated, r.status, r.body.Message)
	}
	// Refusals for a busy pool are not failures: nobody is slowed.
	for i := range burst {
		r := login(ctx, t, client, fmt.Sprintf("198.51.100.%d", i+1), ownerEmail, coderdtest.FirstUserPassword)
		assert.Equal(t, http.StatusCreated, r.status, r.body.Message)
	}
}

// TestCreateUserBusyIs503: the other handlers that hash answer 503 too.
func TestCreateUserBusyIs503(t *testing.T) {
	t.Parallel()
	hasher := userpassword.NewHasher(1, 0)
	client := coderdtest.New(t, &coderdtest.Options{PasswordHasher: hasher})
	first := coderdtest.CreateFirstUser(t, client)
	release, running := make(chan struct{}), make(chan struct{})
	go func() {
		_ = hasher.Do(context.Background(), func() error { close(running); <-release; return nil })
	}()
	<-running
	defer close(release)

	_, err := client.CreateUserWithOrgs(t.Context(), codersdk.CreateUserRequestWithOrgs{
		Email: "busy@example.com", Username: "busy", Password: coderdtest.FirstUserPassword,
		OrganizationIDs: []uuid.UUID{first.OrganizationID},
	})
	var apiErr *codersdk.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode())

	err = client.UpdateUserPassword(t.Context(), codersdk.Me, codersdk.UpdateUserPasswordRequest{
		OldPassword: coderdtest.FirstUserPassword, Password: "another-horse-battery-staple-8",
	})
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode())
}

// TestOldHashIsRehashedOnLogin: a hash with the previous default
// parameters still verifies, and the login replaces it with one at the
// current defaults.
func TestOldHashIsRehashedOnLogin(t *testing.T) {
	t.Parallel()
	client, _, db := coderdtest.NewWithDatabase(t, nil)
	first := coderdtest.CreateFirstUser(t, client)
	ctx := t.Context() // the raw store: no actor needed

	salt := make([]byte, 16)
	_, _ = rand.Read(salt)
	key := argon2.IDKey([]byte(coderdtest.FirstUserPassword), salt, 2, 19456, 1, 32)
	b64 := base64.RawStdEncoding
	old := "$argon2id$v=19$m=19456,t=2,p=1$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key)
	require.NoError(t, db.UpdateUserHashedPassword(ctx, database.UpdateUserHashedPasswordParams{
		ID: first.UserID, HashedPassword: old,
	}))

	r := login(t.Context(), t, client, "", ownerEmail, coderdtest.FirstUserPassword)
	require.Equal(t, http.StatusCreated, r.status, r.body.Message)
	user, err := db.GetUserByID(ctx, first.UserID)
	require.NoError(t, err)
	assert.NotEqual(t, old, user.HashedPassword)
	assert.True(t, strings.HasPrefix(user.HashedPassword, "$argon2id$v=19$m=12288,t=3,p=1$"), user.HashedPassword)
	assert.False(t, userpassword.NeedsRehash(user.HashedPassword))
}
