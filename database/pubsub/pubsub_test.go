package pubsub_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtestutil"
	"github.com/devplane/devplane/database/pubsub"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }

func newPubsub(t *testing.T) *pubsub.PG {
	t.Helper()
	url := dbtestutil.Open(t)
	pool, err := database.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	ps, err := pubsub.New(context.Background(), slogtest.Make(t, nil), pool, url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = ps.Close() })
	return ps
}

func TestPublishSubscribe(t *testing.T) {
	t.Parallel()
	ps := newPubsub(t)
	got := make(chan string, 10)
	cancel, err := ps.Subscribe("jobs", func(_ context.Context, msg []byte) { got <- string(msg) })
	require.NoError(t, err)

	require.NoError(t, ps.Publish("jobs", []byte("one")))
	require.NoError(t, ps.Publish("other", []byte("not for us")))
	require.NoError(t, ps.Publish("jobs", []byte("two")))
	assert.Equal(t, "one", <-got)
	assert.Equal(t, "two", <-got)

	// After cancel, nothing more arrives; a second subscriber still hears.
	cancel()
	again := make(chan string, 10)
	cancel2, err := ps.Subscribe("jobs", func(_ context.Context, msg []byte) { again <- string(msg) })
	require.NoError(t, err)
	defer cancel2()
	require.NoError(t, ps.Publish("jobs", []byte("three")))
	assert.Equal(t, "three", <-again)
	assert.Empty(t, got)

	// What the metrics read: one event, one listener, four publishes.
	assert.Equal(t, pubsub.Stats{Connected: true, Events: 1, Subscribers: 1, Publishes: 4}, ps.Stats())
}

func TestTwoReplicasHearEachOther(t *testing.T) {
	t.Parallel()
	url := dbtestutil.Open(t)
	open := func() *pubsub.PG {
		pool, err := database.Open(context.Background(), url)
		require.NoError(t, err)
		t.Cleanup(pool.Close)
		ps, err := pubsub.New(context.Background(), slogtest.Make(t, nil), pool, url)
		require.NoError(t, err)
		t.Cleanup(func() { _ = ps.Close() })
		return ps
	}
	a, b := open(), open()
	got := make(chan string, 1)
	cancel, err := b.Subscribe("wake", func(_ context.Context, msg []byte) { got <- string(msg) })
	require.NoError(t, err)
	defer cancel()
	require.NoError(t, a.Publish("wake", []byte("from a")))
	assert.Equal(t, "from a", <-got)
}

func TestMessageTooLarge(t *testing.T) {
	t.Parallel()
	ps := newPubsub(t)
	require.ErrorContains(t, ps.Publish("x", make([]byte, 9000)), "limit")
}

func TestManySubscribeCancelCycles(t *testing.T) {
	t.Parallel()
	ps := newPubsub(t)
	for range 50 {
		got := make(chan struct{}, 1)
		cancel, err := ps.Subscribe("cycle", func(context.Context, []byte) { got <- struct{}{} })
		require.NoError(t, err)
		require.NoError(t, ps.Publish("cycle", nil))
		<-got
		cancel()
	}
}

// TestSubscribeDuringChurn: while others subscribe and cancel the same event,
// a subscriber that stays must keep hearing it. (The last canceller's
// UNLISTEN must never land after a newcomer's LISTEN.)
func TestSubscribeDuringChurn(t *testing.T) {
	t.Parallel()
	ps := newPubsub(t)
	for round := range 200 {
		event := fmt.Sprintf("churn-%d", round)
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 20 {
					cancel, err := ps.Subscribe(event, func(context.Context, []byte) {})
					assert.NoError(t, err)
					if cancel != nil {
						cancel()
					}
				}
			}()
		}
		// Join in the middle of the churn, not before it starts.
		time.Sleep(time.Millisecond)
		got := make(chan struct{}, 1)
		cancel, err := ps.Subscribe(event, func(context.Context, []byte) {
			select {
			case got <- struct{}{}:
			default:
			}
		})
		require.NoError(t, err)
		wg.Wait()
		require.NoError(t, ps.Publish(event, nil))
		<-got
		cancel()
	}
}

// TestDatabaseOutage: while the database cannot be reached, canceling a
// subscription and subscribing return at once, and Close too; when the
// database is back, the listener reconnects and listens to what was
// subscribed meanwhile.
func TestDatabaseOutage(t *testing.T) {
	t.Parallel()
	direct := dbtestutil.Open(t)
	proxy := dbtestutil.NewProxy(t, direct)
	viaProxy := proxy.URL()

	pool, err := database.Open(context.Background(), direct)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	ps, err := pubsub.New(context.Background(), slogtest.Make(t, nil), pool, viaProxy)
	require.NoError(t, err)

	cancelOld, err := ps.Subscribe("before", func(context.Context, []byte) {})
	require.NoError(t, err)

	proxy.SetDown(true)
	hangGuard := func(name string, fn func()) {
		t.Helper()
		done := make(chan struct{})
		go func() { defer close(done); fn() }()
		select {
		case <-done:
		case <-time.After(time.Minute):
			t.Fatalf("%s blocked while the database was down", name)
		}
	}
	hangGuard("cancel", cancelOld)
	got := make(chan string, 10)
	var cancelNew func()
	hangGuard("subscribe", func() {
		cancelNew, err = ps.Subscribe("during", func(_ context.Context, m []byte) { got <- string(m) })
	})
	require.NoError(t, err)
	defer cancelNew()

	proxy.SetDown(false)
	// The reconnect is eventual; publish until a message is heard.
	require.Eventually(t, func() bool {
		require.NoError(t, ps.Publish("during", []byte("hello")))
		select {
		case m := <-got:
			return m == "hello"
		case <-time.After(100 * time.Millisecond):
			return false
		}
	}, time.Minute, 10*time.Millisecond)

	proxy.SetDown(true)
	hangGuard("close", func() { _ = ps.Close() })
}

// TestReconnectTellsEveryListener: when the listening connection is ended
// under it, the pubsub reconnects and calls every listener with the
// reconnected notice, after which published messages arrive again.
func TestReconnectTellsEveryListener(t *testing.T) {
	t.Parallel()
	url := dbtestutil.Open(t)
	pool, err := database.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	ps, err := pubsub.New(context.Background(), slogtest.Make(t, &slogtest.Options{IgnoreErrors: true}), pool, url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = ps.Close() })

	type heard struct {
		event string
		msg   []byte
	}
	got := make(chan heard, 10)
	for _, event := range []string{"one", "two"} {
		cancel, err := ps.Subscribe(event, func(_ context.Context, msg []byte) { got <- heard{event, msg} })
		require.NoError(t, err)
		defer cancel()
	}

	oldPID := ps.ListenerPID()
	require.NotZero(t, oldPID)
	_, err = pool.Exec(context.Background(), "SELECT pg_terminate_backend($1)", int32(oldPID))
	require.NoError(t, err)

	notified := map[string]bool{}
	for len(notified) < 2 {
		h := <-got
		require.True(t, pubsub.IsReconnected(h.msg), "only the notice may arrive, got %q on %s", h.msg, h.event)
		notified[h.event] = true
	}
	assert.NotEqual(t, oldPID, ps.ListenerPID())
	stats := ps.Stats()
	assert.True(t, stats.Connected)
	assert.Equal(t, uint64(1), stats.Disconnections, "the lost connection is counted once")

	require.NoError(t, ps.Publish("one", []byte("after")))
	h := <-got
	assert.Equal(t, heard{"one", []byte("after")}, h)
	assert.False(t, pubsub.IsReconnected(h.msg))
}

func TestNoMessageLooksLikeTheReconnectNotice(t *testing.T) {
	t.Parallel()
	ps := newPubsub(t)
	require.Error(t, ps.Publish("x", []byte("\x00pubsub reconnected")))
	assert.False(t, pubsub.IsReconnected(nil))
	assert.False(t, pubsub.IsReconnected([]byte("pubsub reconnected")))
}
