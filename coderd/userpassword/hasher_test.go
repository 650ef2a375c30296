package userpassword_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/userpassword"
)

func TestHasherBusy(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	h := userpassword.NewHasher(1, 1)
	release := make(chan struct{})
	started := make(chan struct{})
	var wg sync.WaitGroup
	// One call runs and blocks; one waits in the queue.
	wg.Add(2)
	go func() {
		defer wg.Done()
		_ = h.Do(ctx, func() error { close(started); <-release; return nil })
	}()
	<-started
	queued := make(chan error, 1)
	go func() {
		defer wg.Done()
		queued <- h.Do(ctx, func() error { return nil })
	}()
	require.Eventually(t, func() bool { return h.InUse() == 2 }, 10*time.Second, time.Millisecond)
	// Both places are taken: a third call is refused at once.
	_, err := h.Hash(ctx, "pw")
	assert.ErrorIs(t, err, userpassword.ErrBusy)
	_, err = h.Compare(ctx, "", "pw")
	assert.ErrorIs(t, err, userpassword.ErrBusy)

	close(release)
	wg.Wait()
	assert.NoError(t, <-queued)

	// Free again: the pool hashes and compares.
	hashed, err := h.Hash(ctx, "pw")
	require.NoError(t, err)
	ok, err := h.Compare(ctx, hashed, "pw")
	require.NoError(t, err)
	assert.True(t, ok)
}

func TestHasherBoundsConcurrency(t *testing.T) {
	t.Parallel()
	const workers = 2
	ctx := t.Context()
	h := userpassword.NewHasher(workers, 100)
	var (
		mu          sync.Mutex
		now, maxNow int
		wg          sync.WaitGroup
	)
	for range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, h.Do(ctx, func() error {
				mu.Lock()
				now++
				maxNow = max(maxNow, now)
				mu.Unlock()
				time.Sleep(time.Millisecond)
				mu.Lock()
				now--
				mu.Unlock()
				return nil
			}))
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, maxNow, workers)
}

func TestHasherQueuedCallerGivesUp(t *testing.T) {
	t.Parallel()
	h := userpassword.NewHasher(1, 1)
	release, started := make(chan struct{}), make(chan struct{})
	go func() {
		_ = h.Do(t.Context(), func() error { close(started); <-release; return nil })
	}()
	<-started
	defer close(release)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- h.Do(ctx, func() error {
			t.Error("a caller that gave up must not run")
			return nil
		})
	}()
	require.Eventually(t, func() bool { return h.InUse() == 2 }, 10*time.Second, time.Millisecond)
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	// Its place in the queue is free again.
	require.Eventually(t, func() bool { return h.InUse() == 1 }, 10*time.Second, time.Millisecond)
}
