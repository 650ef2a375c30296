package apifuzz_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
)

// databaseName learns the name of the server's database from its queries.
type databaseName struct {
	mu   sync.Mutex
	name string
}

func (d *databaseName) TraceQueryStart(ctx context.Context, conn *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.name = conn.Config().Database
	return ctx
}

func (*databaseName) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (d *databaseName) get() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.name
}

// TestUnreachableDatabaseAnswers503: while the server's database refuses
// connections, API requests answer 503 with Retry-After and a plain
// message (no driver text), and they answer 200 again once it is back,
// without a restart.
func TestUnreachableDatabaseAnswers503(t *testing.T) {
	t.Parallel()
	tracer := &databaseName{}
	// The pubsub and the pool log their lost connections at error level.
	logger := slogtest.Make(t, &slogtest.Options{IgnoreErrors: true})
	client := coderdtest.New(t, &coderdtest.Options{QueryTracer: tracer, Logger: &logger})
	coderdtest.CreateFirstUser(t, client)
	name := tracer.get()
	require.NotEmpty(t, name)

	ctx := context.Background()
	admin, err := pgx.Connect(ctx, dbtestutil.AdminURL(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close(context.Background()) })
	setAllowed := func(allowed bool) {
		_, err := admin.Exec(ctx, `ALTER DATABASE "`+name+`" ALLOW_CONNECTIONS `+map[bool]string{true: "true", false: "false"}[allowed])
		require.NoError(t, err)
	}
	setAllowed(false)
	t.Cleanup(func() { setAllowed(true) })
	_, err = admin.Exec(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, name)
	require.NoError(t, err)

	get := func() (int, http.Header, string) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, client.URL.String()+"/api/v2/users/me", nil)
		require.NoError(t, err)
		req.Header.Set(codersdk.SessionTokenHeader, client.SessionToken())
		resp, err := client.HTTPClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(body)
	}

	var (
		header http.Header
		body   string
	)
	require.Eventually(t, func() bool {
		var status int
		status, header, body = get()
		return status == http.StatusServiceUnavailable
	}, time.Minute, 50*time.Millisecond, "a request while the database is gone answers 503")
	assert.NotEmpty(t, header.Get("Retry-After"))
	var resp codersdk.Response
	require.NoError(t, json.Unmarshal([]byte(body), &resp))
	assert.Contains(t, resp.Message, "The database is unavailable")
	for _, leak := range []string{"SQLSTATE", name, "127.0.0.1", "postgres", "FATAL"} {
		assert.NotContains(t, strings.ToLower(body), strings.ToLower(leak))
	}

	setAllowed(true)
	require.Eventually(t, func() bool {
		status, _, _ := get()
		return status == http.StatusOK
	}, time.Minute, 50*time.Millisecond, "requests succeed again once the database is back")
}
