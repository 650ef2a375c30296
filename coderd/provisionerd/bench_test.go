package provisionerd_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/database/pubsub"
)

const benchTimeout = 10 * time.Minute

func quiet(o *provisionerd.Options) { o.Logger = slog.Make() }

// BenchmarkEnqueueToAcquire measures how long an idle daemon takes to pick
// up a job: from the start of the enqueue (insert + publish, as the API
// does) until a follower of the job hears that it is running. Each job
// completes before the next is enqueued, so every one finds the daemon
// idle, waiting for a wake-up.
func BenchmarkEnqueueToAcquire(b *testing.B) {
	e := newEnvTimeout(b, benchTimeout)
	e.daemon("bench-1", nil, quiet)
	file := e.file(echo.SimpleTemplate(), "application/x-tar")
	// One job first, so connections and caches are warm.
	warm, _ := e.enqueue(jobSpec{fileID: file})
	e.waitJob(warm.ID, completed)

	latencies := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		id := uuid.New()
		notify := make(chan struct{}, 1)
		cancel, err := e.ps.Subscribe(pubsub.EventProvisionerJobLogs(id.String()), func(context.Context, []byte) {
			select {
			case notify <- struct{}{}:
			default:
			}
		})
		require.NoError(b, err)

		start := time.Now()
		e.enqueue(jobSpec{id: id, fileID: file})
		for {
			select {
			case <-notify:
			case <-e.ctx.Done():
				b.Fatal("timed out waiting for the job to be acquired")
			}
			job, err := e.raw.GetProvisionerJobByID(e.ctx, id)
			require.NoError(b, err)
			if job.StartedAt != nil {
				latencies = append(latencies, time.Since(start))
				break
			}
		}
		b.StopTimer()
		cancel()
		e.waitJob(id, completed)
		b.StartTimer()
	}
	b.StopTimer()
	slices.Sort(latencies)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(latencies[len(latencies)/2]), "median-ms")
	b.ReportMetric(ms(latencies[(len(latencies)*95)/100]), "p95-ms")
	b.ReportMetric(ms(latencies[len(latencies)-1]), "max-ms")
}

// BenchmarkJobsPerSecond enqueues b.N imports of the simple echo template
// (no delay) for three daemons and measures until all have completed.
func BenchmarkJobsPerSecond(b *testing.B) {
	e := newEnvTimeout(b, benchTimeout)
	for i := range 3 {
		e.daemon(fmt.Sprintf("bench-%d", i), nil, quiet)
	}
	file := e.file(echo.SimpleTemplate(), "application/x-tar")

	ids := make([]uuid.UUID, b.N)
	var done atomic.Int64
	allDone := make(chan struct{})
	for i := range ids {
		ids[i] = uuid.New()
	}
	// A job is done when its completion is visible; each job's
	// notifications are checked by one goroutine at a time.
	for _, id := range ids {
		notify := make(chan struct{}, 1)
		cancel, err := e.ps.Subscribe(pubsub.EventProvisionerJobLogs(id.String()), func(context.Context, []byte) {
			select {
			case notify <- struct{}{}:
			default:
			}
		})
		require.NoError(b, err)
		b.Cleanup(cancel)
		go func() {
			for {
				select {
				case <-notify:
				case <-e.ctx.Done():
					return
				}
				job, err := e.raw.GetProvisionerJobByID(e.ctx, id)
				if err == nil && job.CompletedAt != nil {
					if job.Error != nil {
						b.Errorf("job %s failed: %s", id, *job.Error)
					}
					if done.Add(1) == int64(len(ids)) {
						close(allDone)
					}
					return
				}
			}
		}()
	}

	b.ResetTimer()
	start := time.Now()
	for _, id := range ids {
		e.enqueue(jobSpec{id: id, fileID: file})
	}
	select {
	case <-allDone:
	case <-e.ctx.Done():
		b.Fatalf("timed out: %d of %d jobs completed", done.Load(), len(ids))
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "jobs/s")
}
