package loginlimit_test

import (
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/loginlimit"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func newLimiter(c *clock) *loginlimit.Limiter {
	return loginlimit.New(loginlimit.Config{
		FreeFailures: 3, BaseDelay: time.Second, MaxDelay: 8 * time.Second,
		Forget: time.Hour, MaxKeys: 100, Now: c.Now,
	})
}

func TestConcurrentAttemptsAreAllCounted(t *testing.T) {
	t.Parallel()
	c := &clock{now: time.Unix(1e9, 0)}
	l := newLimiter(c)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		granted []*loginlimit.Attempt
		refused int
	)
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, wait := l.Reserve("k")
			mu.Lock()
			defer mu.Unlock()
			if a == nil {
				assert.Positive(t, wait)
				refused++
				return
			}
			granted = append(granted, a)
		}()
	}
	wg.Wait()
	// Only the free failures may be in flight at once.
	assert.Len(t, granted, 3)
	assert.Equal(t, 47, refused)
	for _, a := range granted {
		a.Fail()
	}
	a, wait := l.Reserve("k")
	assert.Nil(t, a)
	assert.Equal(t, time.Second, wait)
}

func TestDelaysDoubleUpToTheCap(t *testing.T) {
	t.Parallel()
	c := &clock{now: time.Unix(1e9, 0)}
	l := newLimiter(c)
	fail := func() {
		a, wait := l.Reserve("k")
		require.NotNil(t, a, "wait %s", wait)
		a.Fail()
	}
	for range 3 {
		fail()
	}
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second} {
		_, wait := l.Reserve("k")
		require.Equal(t, want, wait)
		c.Add(want - time.Millisecond)
		a, _ := l.Reserve("k")
		require.Nil(t, a, "allowed before the delay passed")
		c.Add(time.Millisecond)
		fail()
	}
	// Past the free failures only one attempt runs at a time.
	c.Add(time.Minute)
	a, _ := l.Reserve("k")
	require.NotNil(t, a)
	b, wait := l.Reserve("k")
	assert.Nil(t, b)
	assert.Positive(t, wait)
	a.Release()
}

func TestKeysAreIndependentAndSuccessClears(t *testing.T) {
	t.Parallel()
	c := &clock{now: time.Unix(1e9, 0)}
	l := newLimiter(c)
	for range 3 {
		a, _ := l.Reserve("x|alice")
		a.Fail()
	}
	a, _ := l.Reserve("x|alice")
	assert.Nil(t, a)
	// Another key is untouched.
	other, _ := l.Reserve("y|alice")
	require.NotNil(t, other)
	other.Succeed()
	assert.Equal(t, 1, l.Len())

	c.Add(time.Second)
	a, _ = l.Reserve("x|alice")
	require.NotNil(t, a)
	a.Succeed()
	assert.Equal(t, 0, l.Len(), "a success forgets the key")
	for range 3 {
		a, _ := l.Reserve("x|alice")
		require.NotNil(t, a)
		a.Release()
	}
}

func TestForgetAndBoundedMemory(t *testing.T) {
	t.Parallel()
	c := &clock{now: time.Unix(1e9, 0)}
	l := newLimiter(c)
	for i := range 1000 {
		a, _ := l.Reserve(strconv.Itoa(i))
		require.NotNil(t, a)
		a.Fail()
	}
	assert.LessOrEqual(t, l.Len(), 100)

	for range 3 {
		a, _ := l.Reserve("k")
		a.Fail()
	}
	c.Add(time.Hour)
	a, _ := l.Reserve("k")
	require.NotNil(t, a)
	a.Fail()
	// Forgotten: the count started again from one.
	a, _ = l.Reserve("k")
	require.NotNil(t, a)
	a.Release()
}

func TestSettleTwiceIsHarmless(t *testing.T) {
	t.Parallel()
	c := &clock{now: time.Unix(1e9, 0)}
	l := newLimiter(c)
	a, _ := l.Reserve("k")
	a.Fail()
	a.Fail()
	a.Succeed()
	for range 2 {
		b, _ := l.Reserve("k")
		require.NotNil(t, b)
		b.Release()
	}
	var nilAttempt *loginlimit.Attempt
	nilAttempt.Release()
}
