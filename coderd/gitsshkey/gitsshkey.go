// Package gitsshkey generates the per-user SSH key pairs that workspaces use
// to authenticate to Git providers.
package gitsshkey

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"

	"golang.org/x/crypto/ssh"
	"golang.org/x/xerrors"
)

// Generate returns a new ed25519 key pair: the private key PEM-encoded in
// OpenSSH's own format ("-----BEGIN OPENSSH PRIVATE KEY-----", unencrypted,
// as ssh-keygen writes it), and the public key in authorized_keys format
// ("ssh-ed25519 AAAA...") with a trailing newline, as upstream Coder returns
// it in GitSSHKey.public_key.
func Generate() (privateKeyPEM, publicKeyAuthorized string, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return "", "", xerrors.Errorf("generate ed25519 key: %w", err)
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		return "", "", xerrors.Errorf("marshal private key: %w", err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		return "", "", xerrors.Errorf("convert public key: %w", err)
	}
	return string(pem.EncodeToMemory(block)), string(ssh.MarshalAuthorizedKey(sshPub)), nil
}
