package oidctest_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is the SHA-1 thumbprint
	"encoding/base64"
	"net/http"
	"path/filepath"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/testutil/testcert"
)

// TestClientKeyFile signs in with the client authenticated by a signed JWT
// assertion (private_key_jwt) from --oidc-client-key-file and
// --oidc-client-cert-file, as Azure AD certificate credentials work; the
// provider knows the key by the certificate's thumbprint and refuses a
// secret.
func TestClientKeyFile(t *testing.T) {
	t.Parallel()
	cert := testcert.NewRSA(t, 1)
	dir := t.TempDir()
	keyFile, certFile := filepath.Join(dir, "key.pem"), filepath.Join(dir, "cert.pem")
	cert.Write(t, certFile, keyFile)
	thumb := sha1.Sum(cert.Cert.Raw) //nolint:gosec // see the import

	e := setup(t, func(v *codersdk.DeploymentValues) {
		require.NoError(t, v.OIDC.ClientSecret.Set(""))
		require.NoError(t, v.OIDC.ClientKeyFile.Set(keyFile))
		require.NoError(t, v.OIDC.ClientCertFile.Set(certFile))
	})
	e.op.mu.Lock()
	e.op.clientKey = &jose.JSONWebKey{Key: cert.Key.Public(), KeyID: base64.RawURLEncoding.EncodeToString(thumb[:]), Algorithm: string(jose.RS256), Use: "sig"}
	e.op.mu.Unlock()

	e.op.setUser(opUser{Subject: "sub-k", Email: "k@example.com", EmailVerified: true, Username: "k"})
	res := e.signIn(t, "/api/v2/users/oidc/callback")
	require.Equal(t, http.StatusTemporaryRedirect, res.status, res.body)
	require.NotEmpty(t, res.token)

	// Another key is refused by the provider: the exchange fails.
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	e.op.mu.Lock()
	e.op.clientKey.Key = &other.PublicKey
	e.op.mu.Unlock()
	res = e.signIn(t, "/api/v2/users/oidc/callback")
	assert.Equal(t, http.StatusBadRequest, res.status)
	assert.Contains(t, res.body, "did not accept the sign-in code")
}
