package cli_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
)

// TestServerBuiltinPostgresKilled: the built-in PostgreSQL is killed and
// kept down; the API answers 503 with Retry-After and /healthz says why.
// When it can start again, the server restarts it and answers 200 without
// being restarted itself.
func TestServerBuiltinPostgresKilled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := configDir(t)
	srv, err := startServer(t, "--config-dir", dir, "--cache-dir", filepath.Join(dir, "cache"), "--provisioner-daemons", "1")
	require.NoError(t, err)
	loginOwner(t, srv.client)

	status, _, _ := get(t, srv.client, "/api/v2/users/me")
	require.Equal(t, http.StatusOK, status)

	release := takeDownBuiltinPostgres(t, filepath.Join(dir, "postgres"))

	// The first failure may be the backends' "terminating connection";
	// then connections are refused.
	require.Eventually(t, func() bool {
		status, _, body := get(t, srv.client, "/api/v2/users/me")
		return status == http.StatusServiceUnavailable && strings.Contains(string(body), "connection refused")
	}, time.Minute, 20*time.Millisecond, "503 while the database is down")
	status, header, body := get(t, srv.client, "/api/v2/users/me")
	require.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, "5", header.Get("Retry-After"))
	var resp codersdk.Response
	require.NoError(t, json.Unmarshal(body, &resp), string(body))
	assert.Contains(t, resp.Message, "database is unavailable")
	assert.Contains(t, resp.Message, "(connection refused)", "the reason, without connection details")

	status, header, body = get(t, srv.client, "/healthz")
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, "database unreachable: connection refused\n", string(body))
	assert.Equal(t, "5", header.Get("Retry-After"))

	release()
	require.Eventually(t, func() bool {
		status, _, _ := get(t, srv.client, "/api/v2/users/me")
		return status == http.StatusOK
	}, 2*time.Minute, 50*time.Millisecond, "200 once the database is back")
	status, _, body = get(t, srv.client, "/healthz")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, "OK", string(body))
	_, err = srv.client.BuildInfo(ctx)
	require.NoError(t, err)
	srv.stop(t)
}

// TestServerShutdownWithDatabaseGone: with the built-in PostgreSQL dead
// and unable to restart, a stop (SIGTERM) still ends the server, and the
// directory's lock is released: the next start works.
func TestServerShutdownWithDatabaseGone(t *testing.T) {
	t.Parallel()
	dir := configDir(t)
	args := []string{"--config-dir", dir, "--cache-dir", filepath.Join(dir, "cache"), "--shutdown-grace-period", "3s"}
	srv, err := startServer(t, args...)
	require.NoError(t, err)
	loginOwner(t, srv.client)

	release := takeDownBuiltinPostgres(t, filepath.Join(dir, "postgres"))
	require.Eventually(t, func() bool {
		status, _, _ := get(t, srv.client, "/healthz")
		return status == http.StatusServiceUnavailable
	}, time.Minute, 20*time.Millisecond)

	srv.cancel()
	exited := make(chan error, 1)
	go func() { exited <- srv.wait() }()
	select {
	case err := <-exited:
		require.NoError(t, err)
	case <-time.After(2 * time.Minute): // a hang guard, not a limit
		t.Fatal("the server did not exit with its database gone")
	}

	release()
	again, err := startServer(t, args...)
	require.NoError(t, err, "the lock was released")
	loginOwner(t, again.client)
	again.stop(t)
}

func loginOwner(t *testing.T, client *codersdk.Client) {
	t.Helper()
	ctx := context.Background()
	const email, password = "owner@example.com", "correct-horse-battery-staple"
	_, err := client.CreateFirstUser(ctx, codersdk.CreateFirstUserRequest{
		Email: email, Username: "owner", Password: password,
	})
	if err != nil {
		// A second start on the same data: the owner exists.
		var sdkErr *codersdk.Error
		require.ErrorAs(t, err, &sdkErr)
	}
	res, err := client.LoginWithPassword(ctx, codersdk.LoginWithPasswordRequest{Email: email, Password: password})
	require.NoError(t, err)
	client.SetSessionToken(res.SessionToken)
}

// get requests path with the client's token and returns the status, the
// headers and the body.
func get(t *testing.T, client *codersdk.Client, path string) (int, http.Header, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := client.Request(ctx, http.MethodGet, path, nil)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, res.Header, body
}

// takeDownBuiltinPostgres kills the cluster's postmaster with SIGKILL and
// binds its port without listening (connections are refused, and a new
// postmaster cannot bind it), so that the server's restarts fail until
// release.
func takeDownBuiltinPostgres(t *testing.T, pgDir string) (release func()) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(pgDir, "port"))
	require.NoError(t, err)
	port, err := strconv.Atoi(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	// The server restarts the postmaster after 100ms: kill until the
	// port is ours.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		require.True(t, time.Now().Before(deadline), "could not take the built-in postgres's port")
		if pid := postmasterPid(pgDir); pid > 0 {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		for range 100 {
			if fd, ok := bindPort(t, port); ok {
				var once sync.Once
				release := func() { once.Do(func() { _ = syscall.Close(fd) }) }
				t.Cleanup(release)
				return release
			}
			time.Sleep(time.Millisecond)
		}
	}
}

// bindPort binds a TCP socket to 127.0.0.1:port without listening.
func bindPort(t *testing.T, port int) (int, bool) {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Port: port, Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		_ = syscall.Close(fd)
		return 0, false
	}
	return fd, true
}

func postmasterPid(pgDir string) int {
	b, err := os.ReadFile(filepath.Join(pgDir, "data", "postmaster.pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	return pid
}

// TestServerExternalPostgresOutage: an external database that goes away
// (every connection cut, new ones refused) gets 503s, and the server
// recovers by itself when it is back.
func TestServerExternalPostgresOutage(t *testing.T) {
	t.Parallel()
	proxy := dbtestutil.NewProxy(t, dbtestutil.OpenEmpty(t))
	srv, err := startServer(t, "--config-dir", configDir(t), "--postgres-url", proxy.URL())
	require.NoError(t, err)
	loginOwner(t, srv.client)

	proxy.SetDown(true)
	require.Eventually(t, func() bool {
		status, header, body := get(t, srv.client, "/api/v2/users/me")
		return status == http.StatusServiceUnavailable && header.Get("Retry-After") == "5" &&
			strings.Contains(string(body), "database is unavailable")
	}, time.Minute, 20*time.Millisecond)
	status, _, body := get(t, srv.client, "/healthz")
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.NotContains(t, string(body), "127.0.0.1", "no connection details")

	proxy.SetDown(false)
	require.Eventually(t, func() bool {
		status, _, _ := get(t, srv.client, "/api/v2/users/me")
		return status == http.StatusOK
	}, 2*time.Minute, 50*time.Millisecond)
	srv.stop(t)
}
