package database

import (
	"context"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/xerrors"
)

// Open connects a pool to url and waits until the database answers, so that a
// wrong URL fails at start with a clear error rather than on the first request.
// configure runs after the defaults, for callers (tests) that attach a tracer.
func Open(ctx context.Context, url string, configure ...func(*pgxpool.Config)) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, xerrors.Errorf("parse postgres url: %w", err)
	}
	cfg.MaxConnIdleTime = 5 * time.Minute
	// The server's statements are short; JIT compiling the larger prepared
	// ones (whose generic plans carry inflated cost estimates) took seconds
	// where running them takes a millisecond. A URL may still turn it on.
	if _, set := cfg.ConnConfig.RuntimeParams["jit"]; !set {
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
	}
	// A database host gone silent (not refusing) would hold every new
	// connection, and whatever waits on it, for the minutes TCP takes to
	// give up. A URL's connect_timeout still wins.
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = 10 * time.Second
	}
	if cfg.MaxConns < 10 {
		cfg.MaxConns = 10
	}
	for _, c := range configure {
		c(cfg)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, xerrors.Errorf("create pool: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, xerrors.Errorf("connect to postgres at %s: %w", redactURL(cfg), err)
	}
	return pool, nil
}

func redactURL(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	return c.User + "@" + c.Host + ":" + strconv.Itoa(int(c.Port)) + "/" + c.Database
}
