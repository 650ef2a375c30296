package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"cdr.dev/slog"
	"golang.org/x/xerrors"
)

// Lines the server prints when it serves metrics or the profiler; scripts
// and tests read the address from them.
const (
	PrometheusLinePrefix = "Started Prometheus listener at "
	PprofLinePrefix      = "Started pprof listener at "
)

// serveIntrospection serves handler on its own listener at address, apart
// from the API so that it can stay on loopback and never meets the API's
// authentication or rate limits. It returns the stop function.
func serveIntrospection(ctx context.Context, stdout io.Writer, logger slog.Logger, name, linePrefix, address string, handler http.Handler) (func(context.Context) error, error) {
	l, err := net.Listen("tcp", address)
	if err != nil {
		return nil, xerrors.Errorf("listen for %s on %s: %w", name, address, err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error(ctx, name+" listener stopped", slog.Error(err))
		}
	}()
	_, _ = fmt.Fprintf(stdout, "%shttp://%s\n", linePrefix, l.Addr())
	logger.Info(ctx, name+" listener started", slog.F("address", l.Addr().String()))
	return func(ctx context.Context) error {
		if err := srv.Shutdown(ctx); err != nil {
			return srv.Close()
		}
		return nil
	}, nil
}

// pprofHandler is net/http/pprof on a mux of its own: importing the
// package also registers it on http.DefaultServeMux, which nothing serves.
func pprofHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.Handle("/", http.RedirectHandler("/debug/pprof/", http.StatusFound))
	return mux
}
