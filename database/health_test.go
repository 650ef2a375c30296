package database_test

import (
	"context"
	"net"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/database"
)

func TestOutageReason(t *testing.T) {
	t.Parallel()
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{xerrors.Errorf("failed to connect to `user=secret database=x`: 10.0.0.1:5432: %w", refused), "connection refused"},
		{&pgconn.PgError{Code: "57P03", Message: "the database system is starting up"}, "the database is starting up"},
		{&pgconn.PgError{Code: "28P01", Message: "password authentication failed for user \"bob\""}, "authentication failed"},
		{&pgconn.PgError{Code: "53300"}, "too many connections"},
		{context.DeadlineExceeded, "no answer in time"},
		{&net.DNSError{Name: "db.internal", Err: "no such host"}, "host name not found"},
		{xerrors.New("user=bob host=10.0.0.1 something"), "cannot connect"},
	} {
		assert.Equal(t, tc.want, database.OutageReason(tc.err), "%v", tc.err)
	}
}

// TestHealthMonitor: the monitor turns unhealthy on a failed ping and
// healthy again on the next good one; Check pings at once.
func TestHealthMonitor(t *testing.T) {
	t.Parallel()
	var failing atomic.Bool
	pinged := make(chan struct{}, 100)
	ping := func(context.Context) error {
		defer func() { pinged <- struct{}{} }()
		if failing.Load() {
			return &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
		}
		return nil
	}
	m := database.NewHealthMonitor(slogtest.Make(t, &slogtest.Options{IgnoreErrors: true}), time.Hour)
	require.True(t, m.Status().Healthy, "healthy until a ping says otherwise")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go m.Run(ctx, ping)
	<-pinged

	failing.Store(true)
	m.Check()
	require.Eventually(t, func() bool { return !m.Status().Healthy }, time.Minute, time.Millisecond)
	assert.Equal(t, "connection refused", m.Status().Reason)

	failing.Store(false)
	m.Check()
	require.Eventually(t, func() bool { return m.Status().Healthy }, time.Minute, time.Millisecond)
	assert.Empty(t, m.Status().Reason)
}
