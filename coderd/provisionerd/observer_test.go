package provisionerd_test

import (
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/pubsub"
)

// recordingObserver keeps what a daemon told it, for the metrics tests.
type recordingObserver struct {
	mu       sync.Mutex
	running  int
	outcomes []string
}

func (o *recordingObserver) JobStarted(database.ProvisionerJob) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.running++
}

func (o *recordingObserver) JobFinished(_ database.ProvisionerJob, outcome string, took time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.running--
	if took >= 0 {
		o.outcomes = append(o.outcomes, outcome)
	}
}

func (o *recordingObserver) snapshot() (int, []string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.running, append([]string(nil), o.outcomes...)
}

// TestObserverHearsEachOutcome: the observer behind the job metrics hears
// each job start and end, with how it ended.
func TestObserverHearsEachOutcome(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	obs := &recordingObserver{}
	d := e.daemon("test-1", nil, func(o *provisionerd.Options) { o.Observer = obs })
	await := func(want ...string) {
		t.Helper()
		require.Eventually(t, func() bool {
			running, got := obs.snapshot()
			return running == 0 && len(got) == len(want)
		}, time.Minute, 10*time.Millisecond)
		_, got := obs.snapshot()
		assert.Equal(t, want, got)
	}

	ok, _ := e.enqueue(jobSpec{fileID: e.file(echo.SimpleTemplate(), "application/x-tar")})
	requireSucceeded(t, e.waitJob(ok.ID, completed))
	await(provisionerd.OutcomeSuccess)

	failing, _ := e.enqueue(jobSpec{fileID: e.specFile(echo.Spec{Import: echo.Phase{Fail: "no"}})})
	e.waitJob(failing.ID, completed)
	await(provisionerd.OutcomeSuccess, provisionerd.OutcomeFailed)

	slow, _ := e.enqueue(jobSpec{fileID: e.specFile(echo.Spec{Import: echo.Phase{Delay: time.Hour}})})
	e.waitJob(slow.ID, started)
	now := dbtime.Now()
	require.NoError(t, e.raw.UpdateProvisionerJobWithCancelByID(e.ctx, database.UpdateProvisionerJobWithCancelByIDParams{ID: slow.ID, CanceledAt: &now}))
	require.NoError(t, e.ps.Publish(pubsub.EventProvisionerJobLogs(slow.ID.String()), nil))
	e.waitJob(slow.ID, completed)
	await(provisionerd.OutcomeSuccess, provisionerd.OutcomeFailed, provisionerd.OutcomeCanceled)

	slow, _ = e.enqueue(jobSpec{fileID: e.specFile(echo.Spec{Import: echo.Phase{Delay: time.Hour}})})
	e.waitJob(slow.ID, started)
	require.NoError(t, d.Close())
	await(provisionerd.OutcomeSuccess, provisionerd.OutcomeFailed, provisionerd.OutcomeCanceled, provisionerd.OutcomeInterrupted)
}
