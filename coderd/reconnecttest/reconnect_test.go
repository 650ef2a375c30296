package reconnecttest_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
)

// testTimeout only keeps a broken test from hanging; how long catching up
// took is logged, not asserted.
const testTimeout = 2 * time.Minute

// deafReplica is replica A, whose pubsub listens through a proxy the test
// can cut, and replica B on the same database, through which the test
// changes things while A cannot hear.
type deafReplica struct {
	proxy *dbtestutil.Proxy
	a, b  *codersdk.Client
	bAPI  *coderd.API
	org   codersdk.CreateFirstUserResponse
}

func newDeafReplica(t *testing.T, aOpts *coderdtest.Options, bDaemon bool) *deafReplica {
	t.Helper()
	url := dbtestutil.Open(t)
	proxy := dbtestutil.NewProxy(t, url)
	if aOpts == nil {
		aOpts = &coderdtest.Options{}
	}
	aOpts.DatabaseURL, aOpts.PubsubURL = url, proxy.URL()
	a := coderdtest.New(t, aOpts)
	b, bAPI := coderdtest.NewWithAPI(t, &coderdtest.Options{DatabaseURL: url, IncludeProvisionerDaemon: bDaemon})
	org := coderdtest.CreateFirstUser(t, b)
	a.SetSessionToken(b.SessionToken())
	return &deafReplica{proxy: proxy, a: a, b: b, bAPI: bAPI, org: org}
}

// template imports the simple echo template through B (some replica's
// daemon must run it).
func (r *deafReplica) template(t *testing.T) codersdk.Template {
	t.Helper()
	v := coderdtest.CreateTemplateVersion(t, r.b, r.org.OrganizationID, nil, [16]byte{})
	v = coderdtest.AwaitTemplateVersionJobCompleted(t, r.b, v.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, v.Job.Status)
	return coderdtest.CreateTemplate(t, r.b, r.org.OrganizationID, v.ID)
}

// deafen cuts A's LISTEN connection and keeps A from reconnecting until
// the returned function is called; that function returns when A is back.
func (r *deafReplica) deafen() (hear func() time.Time) {
	r.proxy.SetDown(true)
	return func() time.Time {
		r.proxy.SetDown(false)
		return time.Now()
	}
}

// TestWatchCatchesUpAfterReconnect: a watch on A sees a stop made through
// B while A's pubsub was down. Nothing else would make it look again: the
// workspace was idle when the connection dropped, so its pings do not
// re-read.
func TestWatchCatchesUpAfterReconnect(t *testing.T) {
	t.Parallel()
	r := newDeafReplica(t, nil, true)
	tmpl := r.template(t)
	ws := coderdtest.CreateWorkspace(t, r.b, tmpl.ID)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, r.b, ws.LatestBuild.ID)

	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	events, err := r.a.WatchWorkspace(ctx, ws.ID)
	require.NoError(t, err)
	first := <-events
	require.Equal(t, codersdk.WorkspaceTransitionStart, first.LatestBuild.Transition)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, first.LatestBuild.Job.Status)

	hear := r.deafen()
	stop, err := r.b.CreateWorkspaceBuild(ctx, ws.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop})
	require.NoError(t, err)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, r.b, stop.ID)
	back := hear()

	for {
		select {
		case w, ok := <-events:
			require.True(t, ok, "the watch ended")
			if w.LatestBuild.ID == stop.ID && w.LatestBuild.Job.Status == codersdk.ProvisionerJobSucceeded {
				t.Logf("the watch on A showed the stop %s after A's pubsub was let back", time.Since(back))
				return
			}
		case <-ctx.Done():
			t.Fatal("the watch on A never showed the stop made through B")
		}
	}
}

// TestLogFollowerCatchesUpAfterReconnect: a log follower on A gets the
// logs and the end of a build that ran, on B's daemon, while A's pubsub was
// down.
func TestLogFollowerCatchesUpAfterReconnect(t *testing.T) {
	t.Parallel()
	r := newDeafReplica(t, nil, false)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	stopDaemon, err := r.bAPI.StartProvisionerDaemons(ctx, coderd.ProvisionerDaemonsOptions{Count: 1, WorkDir: t.TempDir(), NamePrefix: "b"})
	require.NoError(t, err)
	tmpl := r.template(t)
	// No daemon while the build is created: its job waits.
	stopDaemon()
	ws := coderdtest.CreateWorkspace(t, r.b, tmpl.ID)

	logs, closer, err := r.a.WorkspaceBuildLogsAfter(ctx, ws.LatestBuild.ID, 0)
	require.NoError(t, err)
	defer closer.Close()

	hear := r.deafen()
	stopDaemon, err = r.bAPI.StartProvisionerDaemons(ctx, coderd.ProvisionerDaemonsOptions{Count: 1, WorkDir: t.TempDir(), NamePrefix: "b2"})
	require.NoError(t, err)
	t.Cleanup(stopDaemon)
	done := coderdtest.AwaitWorkspaceBuildJobCompleted(t, r.b, ws.LatestBuild.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, done.Job.Status)
	back := hear()

	n := 0
	for {
		select {
		case _, ok := <-logs:
			if ok {
				n++
				continue
			}
			// The server ends the stream when the job has completed.
			t.Logf("the log follower on A got %d lines and the end %s after A's pubsub was let back", n, time.Since(back))
			assert.Positive(t, n)
			return
		case <-ctx.Done():
			t.Fatal("the log follower on A never saw the build end")
		}
	}
}

// TestIdleDaemonCatchesUpAfterReconnect: A's daemon, which polls only once
// an hour, picks up a job posted through B while A's pubsub was down, once
// A hears again. (Without the reconnect notice its 5 s heartbeat would wake
// it too, so this test shows the catch-up time rather than deciding; the
// watch test above fails without the notice.)
func TestIdleDaemonCatchesUpAfterReconnect(t *testing.T) {
	t.Parallel()
	vals, _ := coderdtest.DeploymentValues(t)
	require.NoError(t, vals.Provisioner.DaemonPollInterval.Set("1h"))
	r := newDeafReplica(t, &coderdtest.Options{DeploymentValues: vals, IncludeProvisionerDaemon: true}, false)
	tmpl := r.template(t)

	hear := r.deafen()
	ws := coderdtest.CreateWorkspace(t, r.b, tmpl.ID)
	back := hear()
	done := coderdtest.AwaitWorkspaceBuildJobCompleted(t, r.b, ws.LatestBuild.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, done.Job.Status)
	t.Logf("A's daemon finished the build %s after A's pubsub was let back", time.Since(back))
}
