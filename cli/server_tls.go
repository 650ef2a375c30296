package cli

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"cdr.dev/slog"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/cli/servertls"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
)

// StartedTLSLinePrefix starts the line naming the HTTPS listener when the
// server also listens on plain HTTP. With HTTPS alone, the StartedLinePrefix
// line names the HTTPS listener.
const StartedTLSLinePrefix = "Started TLS/HTTPS listener at "

// serverListeners are the sockets `coder server` serves on: plain HTTP,
// HTTPS or both.
type serverListeners struct {
	http      net.Listener // nil when --http-address is empty
	tls       net.Listener // raw TCP, nil unless --tls-enable
	tlsConfig *tls.Config
	certs     *servertls.Certificates
}

// listen opens the listeners the options ask for; a taken port or a bad
// certificate fails here, before the database is started.
func listen(vals *codersdk.DeploymentValues) (*serverListeners, error) {
	l := &serverListeners{}
	httpAddr := vals.HTTPAddress.Value()
	tlsOn := vals.TLS.Enable.Value()
	if httpAddr == "" && !tlsOn {
		return nil, xerrors.New("nothing to listen on: --http-address is empty and --tls-enable is off")
	}
	if tlsOn {
		cfg, certs, err := servertls.NewConfig(servertls.Options{
			CertFiles:    vals.TLS.CertFiles.Value(),
			KeyFiles:     vals.TLS.KeyFiles.Value(),
			MinVersion:   vals.TLS.MinVersion.Value(),
			ClientAuth:   vals.TLS.ClientAuth.Value(),
			ClientCAFile: vals.TLS.ClientCAFile.Value(),
		})
		if err != nil {
			return nil, err
		}
		l.tlsConfig, l.certs = cfg, certs
		l.tls, err = net.Listen("tcp", vals.TLS.Address.Value())
		if err != nil {
			return nil, xerrors.Errorf("listen on --tls-address %s: %w", vals.TLS.Address.Value(), err)
		}
	}
	if httpAddr != "" {
		var err error
		l.http, err = net.Listen("tcp", httpAddr)
		if err != nil {
			l.Close()
			return nil, xerrors.Errorf("listen on %s: %w", httpAddr, err)
		}
	}
	return l, nil
}

func (l *serverListeners) Close() {
	for _, ln := range []net.Listener{l.http, l.tls} {
		if ln != nil {
			_ = ln.Close()
		}
	}
}

// defaultAccessURL is the URL users reach the server at when no access URL
// is configured: the HTTPS listener when there is one.
func (l *serverListeners) defaultAccessURL() *url.URL {
	if l.tls != nil {
		return &url.URL{Scheme: "https", Host: l.tls.Addr().String()}
	}
	return &url.URL{Scheme: "http", Host: l.http.Addr().String()}
}

// serve serves handler on every listener; the first listener that fails
// sends its error.
func (l *serverListeners) serve(srv *http.Server, errs chan<- error) {
	if l.tls != nil {
		srv.TLSConfig = l.tlsConfig
		go func() { errs <- srv.ServeTLS(l.tls, "", "") }()
	}
	if l.http != nil {
		go func() { errs <- srv.Serve(l.http) }()
	}
}

// startedLines are what the server prints once it serves. Scripts wait for
// the StartedLinePrefix line, which comes last and names the plain HTTP
// listener, or the HTTPS one when there is no other.
func (l *serverListeners) startedLines() []string {
	var lines []string
	if l.tls != nil && l.http != nil {
		lines = append(lines, fmt.Sprintf("%shttps://%s", StartedTLSLinePrefix, l.tls.Addr()))
	}
	if l.http != nil {
		lines = append(lines, fmt.Sprintf("%shttp://%s", StartedLinePrefix, l.http.Addr()))
	} else {
		lines = append(lines, fmt.Sprintf("%shttps://%s", StartedLinePrefix, l.tls.Addr()))
	}
	return lines
}

// transportSecurity returns what --redirect-to-access-url and
// --strict-transport-security put around the API. It is built before the
// database starts, so that a bad option fails at once.
func transportSecurity(ctx context.Context, logger slog.Logger, vals *codersdk.DeploymentValues) (func(http.Handler) http.Handler, error) {
	accessURL := vals.AccessURL.Value()
	// Innermost first: HSTS goes on redirects too.
	var wraps []func(http.Handler) http.Handler
	if vals.RedirectToAccessURL.Value() {
		wraps = append(wraps, httpmw.RedirectToAccessURL(httpmw.RedirectToAccessURLConfig{
			AccessURL:        accessURL,
			UpgradePlainHTTP: vals.TLS.Enable.Value(),
			WildcardHost:     vals.WildcardAccessURL.Value(),
		}))
	}
	if maxAge := vals.StrictTransportSecurity.Value(); maxAge > 0 {
		hsts, err := httpmw.HSTS(maxAge, vals.StrictTransportSecurityOptions.Value())
		if err != nil {
			return nil, err
		}
		if accessURL.Scheme == "https" {
			wraps = append(wraps, hsts)
		} else {
			logger.Warn(ctx, "--strict-transport-security is set but the access URL is not https; no Strict-Transport-Security header is sent")
		}
	}
	return func(h http.Handler) http.Handler {
		for _, wrap := range wraps {
			h = wrap(h)
		}
		return h
	}, nil
}

// reloadCertificatesOnSIGHUP reads the certificate files again at every
// SIGHUP until ctx ends. Without TLS, SIGHUP is logged and ignored rather
// than ending the process (systemctl reload sends it).
func reloadCertificatesOnSIGHUP(ctx context.Context, logger slog.Logger, certs *servertls.Certificates) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
			}
			if certs == nil {
				logger.Info(ctx, "SIGHUP: nothing to reload, TLS is off")
				continue
			}
			if err := certs.Reload(); err != nil {
				logger.Error(ctx, "SIGHUP: TLS certificates not reloaded; the ones in use stay", slog.Error(err))
				continue
			}
			for _, c := range certs.Current() {
				if c.Leaf == nil {
					continue
				}
				logger.Info(ctx, "SIGHUP: TLS certificate reloaded",
					slog.F("subject", c.Leaf.Subject.String()),
					slog.F("serial", c.Leaf.SerialNumber.String()),
					slog.F("not_after", c.Leaf.NotAfter))
			}
		}
	}()
}
