// Package apikey makes and checks API keys. A key is "<id>-<secret>": the id
// finds the row, and only a SHA-256 of the secret is stored, compared in
// constant time. The secret has 128 bits of entropy, so a fast hash is enough
// (a slow KDF protects low-entropy passwords, not random keys).
package apikey

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"strings"

	"golang.org/x/xerrors"
)

const (
	idLength     = 10
	secretLength = 22
	alphabet     = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

// Generate returns a new key's id, secret, the token handed to the user and
// the hash to store.
func Generate() (id, secret, token string, hashed []byte, err error) {
	id, err = randomString(idLength)
	if err != nil {
		return "", "", "", nil, err
	}
	secret, err = randomString(secretLength)
	if err != nil {
		return "", "", "", nil, err
	}
	return id, secret, id + "-" + secret, HashSecret(secret), nil
}

// HashSecret is what the database stores for secret.
func HashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// Parse splits a token into id and secret, checking their shape.
func Parse(token string) (id, secret string, err error) {
	id, secret, ok := strings.Cut(token, "-")
	if !ok || len(id) != idLength || len(secret) != secretLength {
		return "", "", xerrors.New("API key is not in the <id>-<secret> format")
	}
	return id, secret, nil
}

// SecretMatches compares in constant time.
func SecretMatches(secret string, hashed []byte) bool {
	return subtle.ConstantTimeCompare(HashSecret(secret), hashed) == 1
}

func randomString(n int) (string, error) {
	// Rejection sampling keeps every character equally likely.
	const maxByte = 256 - (256 % len(alphabet))
	out := make([]byte, 0, n)
	buf := make([]byte, n*2)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			return "", xerrors.Errorf("read random: %w", err)
		}
		for _, b := range buf {
			if int(b) < maxByte && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out), nil
}
