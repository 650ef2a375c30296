package coderd

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is defined as the SHA-1 thumbprint (RFC 7515 §4.1.7)
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"os"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/uuid"
	"golang.org/x/xerrors"
)

// clientAssertion authenticates the OIDC client with a signed JWT instead
// of a secret (private_key_jwt, RFC 7523), as providers that only take
// certificate credentials (Azure AD) need.
type clientAssertion struct {
	signer   jose.Signer
	clientID string
}

// newClientAssertion reads the PEM private key (and its certificate, whose
// thumbprint then names the key).
func newClientAssertion(clientID, keyFile, certFile string) (*clientAssertion, error) {
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return nil, xerrors.Errorf("--oidc-client-key-file: %w", err)
	}
	key, err := parsePrivateKey(keyPEM)
	if err != nil {
		return nil, xerrors.Errorf("--oidc-client-key-file: %w", err)
	}
	var alg jose.SignatureAlgorithm
	var public any
	switch k := key.(type) {
	case *rsa.PrivateKey:
		alg, public = jose.RS256, &k.PublicKey
	case *ecdsa.PrivateKey:
		alg, public = jose.ES256, &k.PublicKey
	default:
		return nil, xerrors.Errorf("--oidc-client-key-file: %T keys are not supported (RSA or ECDSA)", key)
	}
	opts := (&jose.SignerOptions{}).WithType("JWT")
	var kid string
	if certFile != "" {
		certPEM, err := os.ReadFile(certFile)
		if err != nil {
			return nil, xerrors.Errorf("--oidc-client-cert-file: %w", err)
		}
		block, _ := pem.Decode(certPEM)
		if block == nil {
			return nil, xerrors.New("--oidc-client-cert-file: no PEM block")
		}
		thumb := sha1.Sum(block.Bytes) //nolint:gosec // see the import
		x5t := base64.RawURLEncoding.EncodeToString(thumb[:])
		opts = opts.WithHeader("x5t", x5t)
		kid = x5t
	} else {
		der, err := x509.MarshalPKIXPublicKey(public)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(der)
		kid = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: key, KeyID: kid}}, opts)
	if err != nil {
		return nil, err
	}
	return &clientAssertion{signer: signer, clientID: clientID}, nil
}

func parsePrivateKey(data []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, xerrors.New("no PEM block")
	}
	if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		if s, ok := k.(crypto.Signer); ok {
			return s, nil
		}
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	if k, err := x509.ParseECPrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	return nil, xerrors.New("not a PKCS#8, PKCS#1 or EC private key")
}

// sign makes a short-lived assertion for the token endpoint. The audience
// names the token endpoint and the issuer: RFC 7523 allows either, and
// providers differ in which they want.
func (a *clientAssertion) sign(tokenURL, issuer string) (string, error) {
	now := time.Now()
	claims, err := json.Marshal(map[string]any{
		"iss": a.clientID, "sub": a.clientID, "aud": []string{tokenURL, issuer},
		"jti": uuid.NewString(), "iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(5 * time.Minute).Unix(),
	})
	if err != nil {
		return "", err
	}
	jws, err := a.signer.Sign(claims)
	if err != nil {
		return "", err
	}
	return jws.CompactSerialize()
}
