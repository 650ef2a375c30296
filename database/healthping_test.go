package database_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtestutil"
)

// TestDedicatedPingerBusyPool: with every pooled connection taken (a
// request storm), the pool's Ping waits and times out, but the dedicated
// pinger still answers, so the health gate does not call a busy database
// down.
func TestDedicatedPingerBusyPool(t *testing.T) {
	t.Parallel()
	url := dbtestutil.Open(t)
	ctx := context.Background()
	pool, err := database.Open(ctx, url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	var held []*pgxpool.Conn
	for range pool.Config().MaxConns {
		c, err := pool.Acquire(ctx)
		require.NoError(t, err)
		held = append(held, c)
	}
	t.Cleanup(func() {
		for _, c := range held {
			c.Release()
		}
	})

	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	require.Error(t, pool.Ping(short), "the saturated pool has no connection to ping with")

	pinger, err := database.NewDedicatedPinger(url)
	require.NoError(t, err)
	t.Cleanup(pinger.Close)
	require.NoError(t, pinger.Ping(ctx))
	require.NoError(t, pinger.Ping(ctx), "the connection is reused")
}

// TestDedicatedPingerDown: a database that refuses connections fails the
// ping.
func TestDedicatedPingerDown(t *testing.T) {
	t.Parallel()
	pinger, err := database.NewDedicatedPinger("postgres://u:p@127.0.0.1:1/db?connect_timeout=5")
	require.NoError(t, err)
	require.Error(t, pinger.Ping(context.Background()))
}
