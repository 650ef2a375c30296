//go:build unix

package tlstest_test

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/cli"
	"github.com/devplane/devplane/testutil/testcert"
)

// SIGHUP makes the server read its certificate files again: new
// connections get the new certificate; a broken file keeps the one in use.
func TestReloadCertificateOnSIGHUP(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, second := testcert.New(t, 1001, "127.0.0.1"), testcert.New(t, 1002, "127.0.0.1")
	srv := startServer(t, append(writeCert(t, dir, first), "--http-address", "")...)
	addr := strings.TrimPrefix(srv.line(cli.StartedLinePrefix), "https://")
	roots := testcert.Pool(first, second)

	servedSerial := func() int64 {
		conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12})
		require.NoError(t, err)
		defer conn.Close()
		return conn.ConnectionState().PeerCertificates[0].SerialNumber.Int64()
	}
	require.EqualValues(t, 1001, servedSerial())

	second.Write(t, filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key"))
	require.EqualValues(t, 1001, servedSerial(), "files alone change nothing")
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGHUP))
	require.Eventually(t, func() bool { return servedSerial() == 1002 }, time.Minute, 50*time.Millisecond)

	require.NoError(t, os.WriteFile(filepath.Join(dir, "tls.crt"), []byte("garbage"), 0o600))
	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGHUP))
	require.Eventually(t, func() bool {
		return strings.Contains(srv.stderr.String(), "TLS certificates not reloaded")
	}, time.Minute, 50*time.Millisecond)
	assert.EqualValues(t, 1002, servedSerial(), "a broken file keeps the certificate in use")
}
