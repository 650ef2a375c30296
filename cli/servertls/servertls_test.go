package servertls_test

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/cli/servertls"
	"github.com/devplane/devplane/testutil/testcert"
)

func TestParseMinVersion(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]uint16{"tls10": tls.VersionTLS10, "tls11": tls.VersionTLS11, "TLS12": tls.VersionTLS12, "tls13": tls.VersionTLS13} {
		got, err := servertls.ParseMinVersion(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := servertls.ParseMinVersion("ssl3")
	require.ErrorContains(t, err, "tls10, tls11, tls12, tls13")
}

func TestNewConfigRefusesBadOptions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	testcert.New(t, 1, "localhost").Write(t, cert, key)

	for name, tc := range map[string]struct {
		opts servertls.Options
		want string
	}{
		"no certificate":           {servertls.Options{MinVersion: "tls12"}, "no certificate"},
		"unpaired":                 {servertls.Options{CertFiles: []string{cert, cert}, KeyFiles: []string{key}, MinVersion: "tls12"}, "paired by position"},
		"bad version":              {servertls.Options{CertFiles: []string{cert}, KeyFiles: []string{key}, MinVersion: "tls9"}, "--tls-min-version"},
		"bad client auth":          {servertls.Options{CertFiles: []string{cert}, KeyFiles: []string{key}, MinVersion: "tls12", ClientAuth: "always"}, "--tls-client-auth"},
		"verify without CA":        {servertls.Options{CertFiles: []string{cert}, KeyFiles: []string{key}, MinVersion: "tls12", ClientAuth: "require-and-verify"}, "--tls-client-ca-file"},
		"key of another cert":      {servertls.Options{CertFiles: []string{cert}, KeyFiles: []string{otherKey(t, dir)}, MinVersion: "tls12"}, cert},
		"missing certificate file": {servertls.Options{CertFiles: []string{filepath.Join(dir, "nope.pem")}, KeyFiles: []string{key}, MinVersion: "tls12"}, "nope.pem"},
	} {
		_, _, err := servertls.NewConfig(tc.opts)
		require.ErrorContains(t, err, tc.want, name)
	}
}

func otherKey(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "other-key.pem")
	require.NoError(t, os.WriteFile(path, testcert.New(t, 99, "localhost").KeyPEM, 0o600))
	return path
}

// A reload picks up new files; a reload that fails keeps what was in use.
func TestCertificatesReload(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	testcert.New(t, 1, "localhost").Write(t, cert, key)

	certs, err := servertls.LoadCertificates([]string{cert}, []string{key})
	require.NoError(t, err)
	serial := func() int64 {
		c, err := certs.GetCertificate(&tls.ClientHelloInfo{ServerName: "localhost"})
		require.NoError(t, err)
		return c.Leaf.SerialNumber.Int64()
	}
	assert.EqualValues(t, 1, serial())

	testcert.New(t, 2, "localhost").Write(t, cert, key)
	require.NoError(t, certs.Reload())
	assert.EqualValues(t, 2, serial())

	require.NoError(t, os.WriteFile(cert, []byte("not a certificate"), 0o600))
	require.Error(t, certs.Reload())
	assert.EqualValues(t, 2, serial(), "a failed reload keeps the certificate in use")

	// A key that does not match the new certificate fails as a whole too.
	fresh := testcert.New(t, 3, "localhost")
	require.NoError(t, os.WriteFile(cert, fresh.CertPEM, 0o600))
	require.Error(t, certs.Reload())
	assert.EqualValues(t, 2, serial())
}

// With several pairs the one for the client's server name is served, and
// the first one when none matches.
func TestCertificatesBySNI(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var certFiles, keyFiles []string
	for i, host := range []string{"a.example.test", "b.example.test"} {
		c, k := filepath.Join(dir, host+".pem"), filepath.Join(dir, host+"-key.pem")
		testcert.New(t, int64(i+1), host).Write(t, c, k)
		certFiles, keyFiles = append(certFiles, c), append(keyFiles, k)
	}
	certs, err := servertls.LoadCertificates(certFiles, keyFiles)
	require.NoError(t, err)
	for name, want := range map[string]int64{"a.example.test": 1, "b.example.test": 2, "c.example.test": 1, "": 1} {
		c, err := certs.GetCertificate(&tls.ClientHelloInfo{
			ServerName:        name,
			SupportedVersions: []uint16{tls.VersionTLS13},
			SignatureSchemes:  []tls.SignatureScheme{tls.ECDSAWithP256AndSHA256},
		})
		require.NoError(t, err)
		assert.Equal(t, want, c.Leaf.SerialNumber.Int64(), name)
	}
}
