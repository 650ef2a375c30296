package gitsshkey_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"

	"github.com/devplane/devplane/coderd/gitsshkey"
)

func TestGenerate(t *testing.T) {
	t.Parallel()
	privPEM, pubAuth, err := gitsshkey.Generate()
	require.NoError(t, err)

	// Private key: one OPENSSH PRIVATE KEY block, nothing else.
	require.True(t, strings.HasPrefix(privPEM, "-----BEGIN OPENSSH PRIVATE KEY-----\n"), privPEM)
	require.True(t, strings.HasSuffix(privPEM, "-----END OPENSSH PRIVATE KEY-----\n"), privPEM)
	block, rest := pem.Decode([]byte(privPEM))
	require.NotNil(t, block)
	assert.Empty(t, rest)
	assert.Equal(t, "OPENSSH PRIVATE KEY", block.Type)
	assert.True(t, bytes.HasPrefix(block.Bytes, []byte("openssh-key-v1\x00")))

	// Public key: one authorized_keys line.
	require.True(t, strings.HasPrefix(pubAuth, "ssh-ed25519 AAAA"), pubAuth)
	require.True(t, strings.HasSuffix(pubAuth, "\n"))
	assert.Equal(t, 1, strings.Count(pubAuth, "\n"))
	pub, comment, options, rest2, err := ssh.ParseAuthorizedKey([]byte(pubAuth))
	require.NoError(t, err)
	assert.Empty(t, comment)
	assert.Empty(t, options)
	assert.Empty(t, rest2)
	assert.Equal(t, ssh.KeyAlgoED25519, pub.Type())

	// The private key parses, both as a raw key and as a signer, and matches
	// the public key.
	raw, err := ssh.ParseRawPrivateKey([]byte(privPEM))
	require.NoError(t, err)
	edPriv, ok := raw.(*ed25519.PrivateKey)
	require.True(t, ok, "%T", raw)
	signer, err := ssh.ParsePrivateKey([]byte(privPEM))
	require.NoError(t, err)
	assert.Equal(t, pub.Marshal(), signer.PublicKey().Marshal())
	edPub, err := ssh.NewPublicKey(edPriv.Public())
	require.NoError(t, err)
	assert.Equal(t, pub.Marshal(), edPub.Marshal())

	// Sign with the private key, verify with the parsed public key.
	data := []byte("git push origin main")
	sig, err := signer.Sign(rand.Reader, data)
	require.NoError(t, err)
	require.NoError(t, pub.Verify(data, sig))
	assert.Error(t, pub.Verify([]byte("git push origin evil"), sig))
	edPubRaw, ok := edPriv.Public().(ed25519.PublicKey)
	require.True(t, ok)
	assert.True(t, ed25519.Verify(edPubRaw, data, sig.Blob))
}

func TestGenerateUnique(t *testing.T) {
	t.Parallel()
	priv1, pub1, err := gitsshkey.Generate()
	require.NoError(t, err)
	priv2, pub2, err := gitsshkey.Generate()
	require.NoError(t, err)
	assert.NotEqual(t, priv1, priv2)
	assert.NotEqual(t, pub1, pub2)
}

// OpenSSH itself reads the private key and derives the same public key.
func TestGenerateOpenSSH(t *testing.T) {
	t.Parallel()
	keygen, err := exec.LookPath("ssh-keygen")
	if err != nil {
		t.Skip("ssh-keygen not installed")
	}
	privPEM, pubAuth, err := gitsshkey.Generate()
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "id_ed25519")
	require.NoError(t, os.WriteFile(path, []byte(privPEM), 0o600))
	out, err := exec.Command(keygen, "-y", "-P", "", "-f", path).CombinedOutput()
	require.NoError(t, err, string(out))
	assert.Equal(t, strings.TrimSpace(pubAuth), strings.TrimSpace(string(out)))
}
