package sharedlimitstest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"cdr.dev/slog"

	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtestutil"
)

// BenchmarkRateLimiter: the limiter's cost per request, counted in this
// process and counted deployment-wide (synced to PostgreSQL each second
// in the background), over 1,000 callers.
func BenchmarkRateLimiter(b *testing.B) {
	ok := http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})
	run := func(b *testing.B, l *httpmw.RateLimiter) {
		h := l.ByAddress(ok)
		reqs := make([]*http.Request, 1000)
		for i := range reqs {
			reqs[i] = httptest.NewRequest(http.MethodGet, "/api/v2/buildinfo", nil)
			reqs[i].RemoteAddr = fmt.Sprintf("10.0.%d.%d:1000", i/256, i%256)
		}
		rec := httptest.NewRecorder()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			h.ServeHTTP(rec, reqs[i%len(reqs)])
		}
	}
	b.Run("Local", func(b *testing.B) { run(b, httpmw.NewRateLimiter(1<<30, time.Minute)) })
	b.Run("Shared", func(b *testing.B) {
		pool, err := database.Open(context.Background(), dbtestutil.Open(b))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(pool.Close)
		run(b, httpmw.NewSharedRateLimiter(1<<30, time.Minute, database.NewStore(pool), slog.Make()))
	})
}
