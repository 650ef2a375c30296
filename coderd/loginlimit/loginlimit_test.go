package loginlimit_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/loginlimit"
	"github.com/devplane/devplane/database/dbtestutil"
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

func TestMain(m *testing.M) { dbtestutil.Main(m) }

func testConfig(c *clock) loginlimit.Config {
	return loginlimit.Config{
		FreeFailures: 3, BaseDelay: time.Second, MaxDelay: 8 * time.Second,
		Forget: time.Hour, MaxKeys: 100, Now: c.Now,
	}
}

// stores runs a test against the in-memory Limiter and the shared one in
// PostgreSQL: both must keep the same policy.
func stores(t *testing.T, run func(t *testing.T, newLimiter func(*clock) *loginlimit.Limiter, inMemory bool)) {
	t.Run("Memory", func(t *testing.T) {
		t.Parallel()
		run(t, func(c *clock) *loginlimit.Limiter { return loginlimit.New(testConfig(c)) }, true)
	})
	t.Run("Shared", func(t *testing.T) {
		t.Parallel()
		db, _ := dbtestutil.NewDB(t)
		run(t, func(c *clock) *loginlimit.Limiter { return loginlimit.NewShared(testConfig(c), db, "test") }, false)
	})
}

// reserve is Reserve for stores that cannot fail here.
func reserve(t *testing.T, l *loginlimit.Limiter, key string) (*loginlimit.Attempt, time.Duration) {
	a, wait, err := l.Reserve(context.Background(), key)
	require.NoError(t, err)
	return a, wait
}

func TestConcurrentAttemptsAreAllCounted(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, newLimiter func(*clock) *loginlimit.Limiter, inMemory bool) {
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
				a, wait := reserve(t, l, "k")
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
		a, wait := reserve(t, l, "k")
		assert.Nil(t, a)
		assert.Equal(t, time.Second, wait)
	})
}

func TestDelaysDoubleUpToTheCap(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, newLimiter func(*clock) *loginlimit.Limiter, inMemory bool) {
		c := &clock{now: time.Unix(1e9, 0)}
		l := newLimiter(c)
		fail := func() {
			a, wait := reserve(t, l, "k")
			require.NotNil(t, a, "wait %s", wait)
			a.Fail()
		}
		for range 3 {
			fail()
		}
		for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 8 * time.Second} {
			_, wait := reserve(t, l, "k")
			require.Equal(t, want, wait)
			c.Add(want - time.Millisecond)
			a, _ := reserve(t, l, "k")
			require.Nil(t, a, "allowed before the delay passed")
			c.Add(time.Millisecond)
			fail()
		}
		// Past the free failures only one attempt runs at a time.
		c.Add(time.Minute)
		a, _ := reserve(t, l, "k")
		require.NotNil(t, a)
		b, wait := reserve(t, l, "k")
		assert.Nil(t, b)
		assert.Positive(t, wait)
		a.Release()
	})
}

func TestKeysAreIndependentAndSuccessClears(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, newLimiter func(*clock) *loginlimit.Limiter, inMemory bool) {
		c := &clock{now: time.Unix(1e9, 0)}
		l := newLimiter(c)
		for range 3 {
			a, _ := reserve(t, l, "x|alice")
			a.Fail()
		}
		a, _ := reserve(t, l, "x|alice")
		assert.Nil(t, a)
		// Another key is untouched.
		other, _ := reserve(t, l, "y|alice")
		require.NotNil(t, other)
		other.Succeed()
		if inMemory {
			assert.Equal(t, 1, l.Len())
		}

		c.Add(time.Second)
		a, _ = reserve(t, l, "x|alice")
		require.NotNil(t, a)
		a.Succeed()
		if inMemory {
			assert.Equal(t, 0, l.Len(), "a success forgets the key")
		}
		for range 3 {
			a, _ := reserve(t, l, "x|alice")
			require.NotNil(t, a)
			a.Release()
		}
	})
}

func TestForgetAndBoundedMemory(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, newLimiter func(*clock) *loginlimit.Limiter, inMemory bool) {
		c := &clock{now: time.Unix(1e9, 0)}
		l := newLimiter(c)
		for i := range 1000 {
			a, _ := reserve(t, l, strconv.Itoa(i))
			require.NotNil(t, a)
			a.Fail()
		}
		if inMemory {
			assert.LessOrEqual(t, l.Len(), 100)
		}

		for range 3 {
			a, _ := reserve(t, l, "k")
			a.Fail()
		}
		c.Add(time.Hour)
		a, _ := reserve(t, l, "k")
		require.NotNil(t, a)
		a.Fail()
		// Forgotten: the count started again from one.
		a, _ = reserve(t, l, "k")
		require.NotNil(t, a)
		a.Release()
	})
}

func TestSettleTwiceIsHarmless(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, newLimiter func(*clock) *loginlimit.Limiter, inMemory bool) {
		c := &clock{now: time.Unix(1e9, 0)}
		l := newLimiter(c)
		a, _ := reserve(t, l, "k")
		a.Fail()
		a.Fail()
		a.Succeed()
		for range 2 {
			b, _ := reserve(t, l, "k")
			require.NotNil(t, b)
			b.Release()
		}
		var nilAttempt *loginlimit.Attempt
		nilAttempt.Release()
	})
}
