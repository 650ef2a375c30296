// Package servertls builds the TLS configuration of `coder server` from its
// options and keeps its certificates fresh: they are read again on demand
// (SIGHUP), and a certificate that fails to load never replaces a working
// one.
package servertls

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/xerrors"
)

// Options are the TLS options of the server, as given on the command line.
type Options struct {
	// CertFiles and KeyFiles are PEM files, paired by position. Several
	// pairs let one listener serve several names; the one matching the
	// client's SNI is picked, else the first.
	CertFiles []string
	KeyFiles  []string
	// MinVersion is tls10, tls11, tls12 or tls13.
	MinVersion string
	// ClientAuth is none, request, require-any, verify-if-given or
	// require-and-verify.
	ClientAuth   string
	ClientCAFile string
}

var minVersions = map[string]uint16{
	"tls10": tls.VersionTLS10,
	"tls11": tls.VersionTLS11,
	"tls12": tls.VersionTLS12,
	"tls13": tls.VersionTLS13,
}

var clientAuths = map[string]tls.ClientAuthType{
	"":                   tls.NoClientCert,
	"none":               tls.NoClientCert,
	"request":            tls.RequestClientCert,
	"require-any":        tls.RequireAnyClientCert,
	"verify-if-given":    tls.VerifyClientCertIfGiven,
	"require-and-verify": tls.RequireAndVerifyClientCert,
}

// ParseMinVersion turns tls10..tls13 into a crypto/tls version.
func ParseMinVersion(s string) (uint16, error) {
	v, ok := minVersions[strings.ToLower(strings.TrimSpace(s))]
	if !ok {
		return 0, xerrors.Errorf("--tls-min-version %q: want one of tls10, tls11, tls12, tls13", s)
	}
	return v, nil
}

// ParseClientAuth turns a --tls-client-auth value into a crypto/tls policy.
func ParseClientAuth(s string) (tls.ClientAuthType, error) {
	v, ok := clientAuths[strings.ToLower(strings.TrimSpace(s))]
	if !ok {
		return 0, xerrors.Errorf("--tls-client-auth %q: want one of none, request, require-any, verify-if-given, require-and-verify", s)
	}
	return v, nil
}

// NewConfig checks opts, loads the certificates and returns a configuration
// whose certificates come from the returned Certificates, so that reloading
// them changes what new handshakes present.
func NewConfig(opts Options) (*tls.Config, *Certificates, error) {
	minVersion, err := ParseMinVersion(opts.MinVersion)
	if err != nil {
		return nil, nil, err
	}
	clientAuth, err := ParseClientAuth(opts.ClientAuth)
	if err != nil {
		return nil, nil, err
	}
	certs, err := LoadCertificates(opts.CertFiles, opts.KeyFiles)
	if err != nil {
		return nil, nil, err
	}
	cfg := &tls.Config{
		MinVersion:     minVersion,
		ClientAuth:     clientAuth,
		GetCertificate: certs.GetCertificate,
		NextProtos:     []string{"h2", "http/1.1"},
	}
	if opts.ClientCAFile != "" {
		pem, err := os.ReadFile(opts.ClientCAFile)
		if err != nil {
			return nil, nil, xerrors.Errorf("read --tls-client-ca-file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, nil, xerrors.Errorf("--tls-client-ca-file %s holds no PEM certificate", opts.ClientCAFile)
		}
		cfg.ClientCAs = pool
	} else if clientAuth == tls.VerifyClientCertIfGiven || clientAuth == tls.RequireAndVerifyClientCert {
		return nil, nil, xerrors.New("--tls-client-auth verifies client certificates: set --tls-client-ca-file")
	}
	return cfg, certs, nil
}

// Certificates holds the server's certificate chains and swaps them as a
// whole when they are reloaded.
type Certificates struct {
	certFiles []string
	keyFiles  []string
	// reloadMu keeps two reloads from interleaving their reads; handshakes
	// never wait on it.
	reloadMu sync.Mutex
	current  atomic.Pointer[[]tls.Certificate]
}

// LoadCertificates reads each certificate/key pair. The pairs must match in
// number and there must be at least one.
func LoadCertificates(certFiles, keyFiles []string) (*Certificates, error) {
	if len(certFiles) == 0 {
		return nil, xerrors.New("TLS is enabled but no certificate is given: set --tls-cert-file and --tls-key-file")
	}
	if len(certFiles) != len(keyFiles) {
		return nil, xerrors.Errorf("--tls-cert-file is given %d times and --tls-key-file %d times: they are paired by position", len(certFiles), len(keyFiles))
	}
	c := &Certificates{certFiles: certFiles, keyFiles: keyFiles}
	if err := c.Reload(); err != nil {
		return nil, err
	}
	return c, nil
}

// Reload reads every pair again. If any pair fails to load, the
// certificates in use stay as they were and the error says which pair.
func (c *Certificates) Reload() error {
	c.reloadMu.Lock()
	defer c.reloadMu.Unlock()
	loaded := make([]tls.Certificate, 0, len(c.certFiles))
	for i := range c.certFiles {
		cert, err := tls.LoadX509KeyPair(c.certFiles[i], c.keyFiles[i])
		if err != nil {
			return xerrors.Errorf("load TLS certificate %s with key %s: %w", c.certFiles[i], c.keyFiles[i], err)
		}
		loaded = append(loaded, cert)
	}
	c.current.Store(&loaded)
	return nil
}

// Current returns the chains in use, in the order of the flags.
func (c *Certificates) Current() []tls.Certificate {
	return *c.current.Load()
}

// GetCertificate picks the first chain that suits the client (its SNI name
// and signature algorithms), or the first chain when none does, so that
// clients without SNI still get an answer.
func (c *Certificates) GetCertificate(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
	certs := *c.current.Load()
	for i := range certs {
		if hello.SupportsCertificate(&certs[i]) == nil {
			return &certs[i], nil
		}
	}
	return &certs[0], nil
}
