package tlstest_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/cli"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
	"github.com/devplane/devplane/testutil/logcapture"
	"github.com/devplane/devplane/testutil/testcert"
)

// server is a `coder server` run in-process by a test.
type server struct {
	// lines are the stdout lines up to the one naming the access URL.
	lines  []string
	stderr *logcapture.Buffer
}

// line returns the address after prefix in the started lines, or "".
func (s *server) line(prefix string) string {
	for _, l := range s.lines {
		if rest, ok := strings.CutPrefix(l, prefix); ok {
			return rest
		}
	}
	return ""
}

// startServer runs `coder server args...` on a fresh database with no
// provisioner daemons and waits for its started line.
func startServer(t *testing.T, args ...string) *server {
	t.Helper()
	dir := t.TempDir()
	args = append([]string{
		"server",
		"--postgres-url", dbtestutil.Open(t),
		"--config-dir", filepath.Join(dir, "config"),
		"--cache-dir", filepath.Join(dir, "cache"),
		"--provisioner-daemons", "0",
	}, args...)
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	s := &server{stderr: &logcapture.Buffer{}}
	inv := cli.Root().Invoke(args...)
	inv.Stdout = stdoutW
	inv.Stderr = s.stderr
	inv.Stdin = strings.NewReader("")
	inv.Environ = nil
	inv = inv.WithContext(ctx)
	done := make(chan error, 1)
	go func() {
		err := inv.Run()
		_ = stdoutW.Close()
		done <- err
	}()
	t.Cleanup(func() {
		cancel()
		require.NoError(t, <-done)
	})

	sc := bufio.NewScanner(stdoutR)
	for sc.Scan() {
		s.lines = append(s.lines, sc.Text())
		// The access URL line follows the started line.
		if strings.HasPrefix(sc.Text(), "View the API at ") {
			go func() { _, _ = io.Copy(io.Discard, stdoutR) }()
			return s
		}
	}
	cancel()
	t.Fatalf("server exited before it started: %v\n%s", <-done, s.stderr.String())
	return nil
}

// writeCert writes a certificate for 127.0.0.1 into dir and returns the
// flags that serve it.
func writeCert(t *testing.T, dir string, c testcert.Cert) []string {
	t.Helper()
	certFile, keyFile := filepath.Join(dir, "tls.crt"), filepath.Join(dir, "tls.key")
	c.Write(t, certFile, keyFile)
	return []string{"--tls-enable", "--tls-address", "127.0.0.1:0", "--tls-cert-file", certFile, "--tls-key-file", keyFile}
}

// httpsClient trusts roots and follows no redirects.
func httpsClient(roots *x509.CertPool, cfg *tls.Config) *http.Client {
	if cfg == nil {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	cfg.RootCAs = roots
	return &http.Client{
		Transport: &http.Transport{TLSClientConfig: cfg, ForceAttemptHTTP2: true, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

func get(t *testing.T, client *http.Client, rawURL string, host string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, rawURL, nil)
	require.NoError(t, err)
	if host != "" {
		req.Host = host
	}
	res, err := client.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, res.Body)
	_ = res.Body.Close()
	return res
}

// With only TLS listening, the started line and the access URL are https,
// the API answers over HTTP/2 with the test's certificate, websockets
// still upgrade, and the HSTS header is sent.
func TestTLSOnly(t *testing.T) {
	t.Parallel()
	cert := testcert.New(t, 1, "127.0.0.1")
	srv := startServer(t, append(writeCert(t, t.TempDir(), cert),
		"--http-address", "",
		"--strict-transport-security", "600",
		"--strict-transport-security-options", "includeSubDomains")...)

	base := srv.line(cli.StartedLinePrefix)
	require.True(t, strings.HasPrefix(base, "https://127.0.0.1:"), "started line: %q", srv.lines)
	assert.Equal(t, "", srv.line(cli.StartedTLSLinePrefix), "one started line when only TLS listens")
	assert.Contains(t, srv.lines, "View the API at "+base)

	u, err := url.Parse(base)
	require.NoError(t, err)
	client := codersdk.New(u)
	client.HTTPClient = httpsClient(testcert.Pool(cert), nil)
	ctx := context.Background()

	res := get(t, client.HTTPClient, base+"/api/v2/buildinfo", "")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, 2, res.ProtoMajor, "HTTP/2 is negotiated over TLS")
	assert.Equal(t, "max-age=600; includeSubDomains", res.Header.Get("Strict-Transport-Security"))

	first := coderdtest.CreateFirstUser(t, client)
	me, err := client.User(ctx, codersdk.Me)
	require.NoError(t, err)
	assert.Equal(t, first.UserID, me.ID)

	// A websocket (the import's log stream) upgrades over HTTP/1.1 on the
	// same listener even though the client prefers HTTP/2.
	version := coderdtest.CreateTemplateVersion(t, client, first.OrganizationID, nil, [16]byte{})
	logs, closer, err := client.TemplateVersionLogsAfter(ctx, version.ID, 0)
	require.NoError(t, err)
	require.NotNil(t, logs)
	require.NoError(t, closer.Close())

	// A client that does not trust the certificate is refused.
	_, err = httpsClient(x509.NewCertPool(), nil).Get(base + "/healthz")
	require.ErrorContains(t, err, "certificate")
}

// --tls-min-version refuses clients that cannot speak it.
func TestTLSMinVersion(t *testing.T) {
	t.Parallel()
	cert := testcert.New(t, 1, "127.0.0.1")
	roots := testcert.Pool(cert)

	t.Run("DefaultTLS12", func(t *testing.T) {
		t.Parallel()
		base := startServer(t, append(writeCert(t, t.TempDir(), cert), "--http-address", "")...).line(cli.StartedLinePrefix)
		_, err := httpsClient(roots, &tls.Config{MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11}).Get(base + "/healthz")
		require.ErrorContains(t, err, "protocol version")
		res := get(t, httpsClient(roots, &tls.Config{MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12}), base+"/healthz", "")
		assert.Equal(t, http.StatusOK, res.StatusCode)
	})
	t.Run("TLS13", func(t *testing.T) {
		t.Parallel()
		base := startServer(t, append(writeCert(t, t.TempDir(), cert), "--http-address", "", "--tls-min-version", "tls13")...).line(cli.StartedLinePrefix)
		_, err := httpsClient(roots, &tls.Config{MinVersion: tls.VersionTLS12, MaxVersion: tls.VersionTLS12}).Get(base + "/healthz")
		require.ErrorContains(t, err, "protocol version")
		res := get(t, httpsClient(roots, &tls.Config{MinVersion: tls.VersionTLS13}), base+"/healthz", "")
		assert.Equal(t, http.StatusOK, res.StatusCode)
	})
}

// With both listeners and --redirect-to-access-url, plain HTTP and other
// host names are sent to the https access URL; HSTS comes with every HTTPS
// answer, redirects included.
func TestRedirectToAccessURL(t *testing.T) {
	t.Parallel()
	const accessHost = "coder.example.test"
	cert := testcert.New(t, 1, "127.0.0.1", accessHost)
	srv := startServer(t, append(writeCert(t, t.TempDir(), cert),
		"--http-address", "127.0.0.1:0",
		"--access-url", "https://"+accessHost,
		"--redirect-to-access-url",
		"--strict-transport-security", "600")...)

	httpBase := srv.line(cli.StartedLinePrefix)
	tlsBase := srv.line(cli.StartedTLSLinePrefix)
	require.True(t, strings.HasPrefix(httpBase, "http://127.0.0.1:"), "started lines: %q", srv.lines)
	require.True(t, strings.HasPrefix(tlsBase, "https://127.0.0.1:"), "started lines: %q", srv.lines)
	client := httpsClient(testcert.Pool(cert), nil)

	res := get(t, client, httpBase+"/api/v2/users?q=a%20b", "")
	assert.Equal(t, http.StatusTemporaryRedirect, res.StatusCode)
	assert.Equal(t, "https://"+accessHost+"/api/v2/users?q=a%20b", res.Header.Get("Location"))

	res = get(t, client, httpBase+"/api/v2/buildinfo", accessHost)
	assert.Equal(t, http.StatusTemporaryRedirect, res.StatusCode, "plain HTTP is upgraded even for the right host")

	res = get(t, client, httpBase+"/healthz", "")
	assert.Equal(t, http.StatusOK, res.StatusCode, "probes are answered where they ask")

	res = get(t, client, tlsBase+"/api/v2/buildinfo", "")
	assert.Equal(t, http.StatusTemporaryRedirect, res.StatusCode, "another host name over TLS")
	assert.Equal(t, "https://"+accessHost+"/api/v2/buildinfo", res.Header.Get("Location"))
	assert.Equal(t, "max-age=600", res.Header.Get("Strict-Transport-Security"))

	res = get(t, client, tlsBase+"/api/v2/buildinfo", accessHost)
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "max-age=600", res.Header.Get("Strict-Transport-Security"))
}

// HSTS is only sent when the access URL is https.
func TestNoHSTSForHTTPAccessURL(t *testing.T) {
	t.Parallel()
	cert := testcert.New(t, 1, "127.0.0.1")
	srv := startServer(t, append(writeCert(t, t.TempDir(), cert),
		"--http-address", "127.0.0.1:0",
		"--access-url", "http://127.0.0.1:1",
		"--strict-transport-security", "600")...)
	res := get(t, httpsClient(testcert.Pool(cert), nil), srv.line(cli.StartedTLSLinePrefix)+"/api/v2/buildinfo", "")
	assert.Equal(t, http.StatusOK, res.StatusCode)
	assert.Empty(t, res.Header.Get("Strict-Transport-Security"))
	assert.Contains(t, srv.stderr.String(), "access URL is not https")
}

// Options that cannot work stop the server before it starts.
func TestTLSBadOptions(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"nothing to listen on": {[]string{"--http-address", ""}, "nothing to listen on"},
		"TLS without a cert":   {[]string{"--tls-enable", "--tls-address", "127.0.0.1:0"}, "no certificate"},
		"bad HSTS option":      {[]string{"--strict-transport-security", "60", "--strict-transport-security-options", "forever"}, "forever"},
		"bad minimum version":  {[]string{"--tls-enable", "--tls-address", "127.0.0.1:0", "--tls-cert-file", "x", "--tls-key-file", "y", "--tls-min-version", "ssl3"}, "--tls-min-version"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			inv := cli.Root().Invoke(append([]string{"server", "--postgres-url", "postgres://nobody@127.0.0.1:1/none", "--config-dir", dir, "--cache-dir", dir}, tc.args...)...)
			inv.Stdout, inv.Stderr, inv.Environ = io.Discard, io.Discard, nil
			err := inv.Run()
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// --tls-client-auth require-and-verify admits only clients with a
// certificate from --tls-client-ca-file.
func TestTLSClientCertificates(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	serverCert := testcert.New(t, 1, "127.0.0.1")
	clientCert := testcert.New(t, 2, "client.example.test")
	caFile := filepath.Join(dir, "client-ca.pem")
	clientCert.Write(t, caFile, filepath.Join(dir, "client.key"))
	base := startServer(t, append(writeCert(t, dir, serverCert),
		"--http-address", "",
		"--tls-client-auth", "require-and-verify",
		"--tls-client-ca-file", caFile)...).line(cli.StartedLinePrefix)
	roots := testcert.Pool(serverCert)

	_, err := httpsClient(roots, nil).Get(base + "/healthz")
	require.Error(t, err, "no client certificate")

	pair, err := tls.X509KeyPair(clientCert.CertPEM, clientCert.KeyPEM)
	require.NoError(t, err)
	res := get(t, httpsClient(roots, &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{pair}}), base+"/healthz", "")
	assert.Equal(t, http.StatusOK, res.StatusCode)
}
