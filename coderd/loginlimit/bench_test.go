package loginlimit_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/devplane/devplane/coderd/loginlimit"
	"github.com/devplane/devplane/database/dbtestutil"
)

// BenchmarkReserveAndSettle: one login's bookkeeping on one key, a reserve
// and a verdict (half failures, half successes), in memory and in
// PostgreSQL.
func BenchmarkReserveAndSettle(b *testing.B) {
	cfg := loginlimit.Config{FreeFailures: 1 << 20, BaseDelay: time.Second, MaxDelay: time.Minute, Forget: time.Hour, MaxKeys: 1 << 20}
	run := func(b *testing.B, l *loginlimit.Limiter) {
		ctx := context.Background()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			a, _, err := l.Reserve(ctx, strconv.Itoa(i%1000))
			if err != nil || a == nil {
				b.Fatal("refused", err)
			}
			if i%2 == 0 {
				a.Fail()
			} else {
				a.Succeed()
			}
		}
	}
	b.Run("Memory", func(b *testing.B) { run(b, loginlimit.New(cfg)) })
	b.Run("Shared", func(b *testing.B) {
		db, _ := dbtestutil.NewDB(b)
		run(b, loginlimit.NewShared(cfg, db, "bench"))
	})
}
