package loginlimit_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/loginlimit"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtestutil"
)

// openReplica opens a pool of its own on url, as another server would.
func openReplica(t *testing.T, url string) database.Store {
	t.Helper()
	pool, err := database.Open(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return database.NewStore(pool)
}

// TestSharedAcrossReplicasAndRestarts: failures counted through one
// replica's Limiter count on another's and on a Limiter made after a
// restart, and Limiters of different names do not share keys.
func TestSharedAcrossReplicasAndRestarts(t *testing.T) {
	t.Parallel()
	url := dbtestutil.Open(t)
	c := &clock{now: time.Unix(1e9, 0)}
	a := loginlimit.NewShared(testConfig(c), openReplica(t, url), "pair")
	b := loginlimit.NewShared(testConfig(c), openReplica(t, url), "pair")

	for _, l := range []*loginlimit.Limiter{a, b, a} {
		at, _ := reserve(t, l, "k")
		require.NotNil(t, at)
		at.Fail()
	}
	_, wait := reserve(t, b, "k")
	assert.Equal(t, time.Second, wait, "three failures on two replicas are the free ones")

	restarted := loginlimit.NewShared(testConfig(c), openReplica(t, url), "pair")
	at, wait := reserve(t, restarted, "k")
	assert.Nil(t, at)
	assert.Equal(t, time.Second, wait, "a restart forgets nothing")

	other := loginlimit.NewShared(testConfig(c), openReplica(t, url), "addr")
	at, _ = reserve(t, other, "k")
	require.NotNil(t, at, "another limiter's key of the same name is its own")
	at.Release()
}

// TestSharedReservationExpires: an attempt reserved by a replica that died
// before settling it stops holding the key after a while.
func TestSharedReservationExpires(t *testing.T) {
	t.Parallel()
	db, _ := dbtestutil.NewDB(t)
	c := &clock{now: time.Unix(1e9, 0)}
	l := loginlimit.NewShared(testConfig(c), db, "pair")
	for range 3 {
		at, _ := reserve(t, l, "k")
		at.Fail()
	}
	c.Add(time.Minute)
	dead, _ := reserve(t, l, "k")
	require.NotNil(t, dead)
	// dead is never settled: its replica is gone.
	_, wait := reserve(t, l, "k")
	assert.Equal(t, time.Second, wait, "one attempt at a time past the free failures")
	c.Add(10 * time.Minute)
	at, _ := reserve(t, l, "k")
	assert.NotNil(t, at, "the dead replica's reservation expired")
}

// TestSharedStoreDown: when the database cannot be reached, Reserve says
// so rather than letting the attempt through.
func TestSharedStoreDown(t *testing.T) {
	t.Parallel()
	proxy := dbtestutil.NewProxy(t, dbtestutil.Open(t))
	db := openReplica(t, proxy.URL())
	l := loginlimit.NewShared(testConfig(&clock{now: time.Unix(1e9, 0)}), db, "pair")
	proxy.SetDown(true)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	at, _, err := l.Reserve(ctx, "k")
	require.Error(t, err)
	assert.True(t, database.IsUnavailable(err), "got %v", err)
	assert.Nil(t, at)
}
