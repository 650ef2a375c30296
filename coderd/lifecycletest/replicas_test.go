package lifecycletest_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/coderd/domain/lifecycle"
	"github.com/devplane/devplane/coderd/domain/workspacebuild"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtestutil"
)

// replicas are servers on one database, each with its own pool, pubsub
// and provisioner daemon, as separate processes would have.
type replicas struct {
	apis   []*coderd.API
	owner  *codersdk.Client
	orgID  uuid.UUID
	userID uuid.UUID
}

func newReplicas(t *testing.T, n int) replicas {
	t.Helper()
	url := dbtestutil.Open(t)
	var r replicas
	for i := range n {
		client, api := coderdtest.NewWithAPI(t, &coderdtest.Options{DatabaseURL: url, IncludeProvisionerDaemon: true})
		r.apis = append(r.apis, api)
		if i == 0 {
			first := coderdtest.CreateFirstUser(t, client)
			r.owner, r.orgID, r.userID = client, first.OrganizationID, first.UserID
		}
	}
	return r
}

// runningWorkspaces creates n workspaces of a template that stops them an
// hour after they start (changed by mutate), and waits for every start to
// finish.
func (r replicas) runningWorkspaces(t *testing.T, n int, mutate ...func(*codersdk.CreateTemplateRequest)) []codersdk.Workspace {
	t.Helper()
	v := coderdtest.AwaitTemplateVersionJobCompleted(t, r.owner, coderdtest.CreateTemplateVersion(t, r.owner, r.orgID, nil, uuid.Nil).ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, v.Job.Status, v.Job.Error)
	hour := time.Hour.Milliseconds()
	mutate = append([]func(*codersdk.CreateTemplateRequest){func(req *codersdk.CreateTemplateRequest) { req.DefaultTTLMillis = &hour }}, mutate...)
	tpl := coderdtest.CreateTemplate(t, r.owner, r.orgID, v.ID, mutate...)
	workspaces := make([]codersdk.Workspace, 0, n)
	for range n {
		workspaces = append(workspaces, coderdtest.CreateWorkspace(t, r.owner, tpl.ID))
	}
	for i, w := range workspaces {
		b := coderdtest.AwaitWorkspaceBuildJobCompleted(t, r.owner, w.LatestBuild.ID)
		require.Equal(t, codersdk.ProvisionerJobSucceeded, b.Job.Status, b.Job.Error)
		require.NotNil(t, b.Deadline)
		workspaces[i].LatestBuild = b
	}
	return workspaces
}

// allStopped reports whether every workspace's latest build is a finished
// stop.
func (r replicas) allStopped(ctx context.Context, ids map[uuid.UUID]bool) (bool, error) {
	res, err := r.owner.Workspaces(ctx, codersdk.WorkspaceFilter{Limit: 1000})
	if err != nil {
		return false, err
	}
	stopped := 0
	for _, w := range res.Workspaces {
		if ids[w.ID] && w.LatestBuild.Transition == codersdk.WorkspaceTransitionStop && !w.LatestBuild.Job.Status.Active() {
			stopped++
		}
	}
	return stopped == len(ids), nil
}

// Both replicas' executors tick at once, over and over, at a time past
// every deadline, while their daemons carry out the stops they enqueue; a
// replica that read a workspace before the other's stop finished must not
// stop it again.
func TestAutostopExactlyOnceAcrossReplicas(t *testing.T) {
	t.Parallel()
	const (
		workspaceCount = 60
		tickersPerAPI  = 3
		minRounds      = 10
	)
	r := newReplicas(t, 2)
	workspaces := r.runningWorkspaces(t, workspaceCount)
	ids := map[uuid.UUID]bool{}
	var latestDeadline time.Time
	for _, w := range workspaces {
		ids[w.ID] = true
		if w.LatestBuild.Deadline.After(latestDeadline) {
			latestDeadline = *w.LatestBuild.Deadline
		}
	}
	now := latestDeadline.Add(time.Minute)

	// Generous, only so a broken executor fails instead of hanging.
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	var done atomic.Bool
	go func() {
		for ctx.Err() == nil && !done.Load() {
			ok, err := r.allStopped(ctx, ids)
			if err == nil && ok {
				done.Store(true)
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()

	var mu sync.Mutex
	stopsEnqueued := 0
	var wg sync.WaitGroup
	for _, api := range r.apis {
		for range tickersPerAPI {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Past minRounds, keep ticking until every stop finished,
				// then a few rounds more: the window that duplicated stops
				// was a tick reading a workspace before another replica's
				// stop finished and acting after.
				extra := 0
				for round := 0; ctx.Err() == nil && (round < minRounds || extra < 3); round++ {
					if done.Load() {
						extra++
					}
					stats, err := api.LifecycleTick(ctx, now)
					if !assert.NoError(t, err) {
						return
					}
					assert.Empty(t, stats.Errors)
					mu.Lock()
					stopsEnqueued += len(stats.Stopped)
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	require.True(t, done.Load(), "every workspace should have been stopped")

	assert.Equal(t, workspaceCount, stopsEnqueued, "the executors together enqueued one stop per workspace")
	for _, w := range workspaces {
		builds, err := r.owner.WorkspaceBuilds(ctx, codersdk.WorkspaceBuildsRequest{WorkspaceID: w.ID})
		require.NoError(t, err)
		autostops := 0
		for _, b := range builds {
			if b.Transition == codersdk.WorkspaceTransitionStop && b.Reason == codersdk.BuildReasonAutostop {
				autostops++
			}
		}
		assert.Equal(t, 1, autostops, "workspace %s: autostop builds", w.Name)
		assert.Equal(t, 2, len(builds), "workspace %s: one start and one stop", w.Name)
	}
}

// A transition decided on a build that is no longer the latest is dropped,
// however the later build came about (here a user's stop that finished).
func TestStaleDecisionIsDropped(t *testing.T) {
	t.Parallel()
	r := newReplicas(t, 1)
	w := r.runningWorkspaces(t, 1)[0]
	decidedOn := w.LatestBuild.ID

	stop, err := r.owner.CreateWorkspaceBuild(t.Context(), w.ID, codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStop})
	require.NoError(t, err)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, r.owner, stop.ID)

	api := r.apis[0]
	ctx := dbauthz.AsLifecycleExecutor(t.Context())
	row, err := api.Database.GetWorkspaceByID(ctx, w.ID)
	require.NoError(t, err)
	builds := &workspacebuild.Service{DB: api.Database, Events: domain.Events{Pubsub: api.Pubsub, Logger: api.Logger}, Logger: api.Logger}
	for _, transition := range []database.WorkspaceTransition{database.WorkspaceTransitionStop, database.WorkspaceTransitionStart} {
		_, err = builds.Transition(ctx, workspacebuild.Transition{
			Workspace: row, Transition: transition, Initiator: r.userID, Reason: database.BuildReasonAutostop, BasedOn: decidedOn,
		})
		require.True(t, errors.Is(err, workspacebuild.ErrSuperseded), "want ErrSuperseded, got %v", err)
	}

	all, err := r.owner.WorkspaceBuilds(t.Context(), codersdk.WorkspaceBuildsRequest{WorkspaceID: w.ID})
	require.NoError(t, err)
	assert.Equal(t, 2, len(all), "the start and the user's stop only")
}

// staleReads hands the executor the eligible workspaces as they were before
// another replica acted on them: after reading, it runs whileStale.
type staleReads struct {
	database.Store
	whileStale func()
}

func (s staleReads) GetWorkspacesEligibleForTransition(ctx context.Context, now time.Time) ([]database.GetWorkspacesEligibleForTransitionRow, error) {
	rows, err := s.Store.GetWorkspacesEligibleForTransition(ctx, now)
	if err == nil {
		s.whileStale()
	}
	return rows, err
}

// The race of the issue, made certain: replica A reads the due workspaces,
// then replica B acts on them all and its builds finish, then A acts on what
// it read. A must do nothing, for autostop as for dormancy.
func TestStaleReadActsOnce(t *testing.T) {
	t.Parallel()
	t.Run("Autostop", func(t *testing.T) {
		t.Parallel()
		testStaleRead(t, time.Minute, nil, func(t *testing.T, a, b lifecycle.Stats) {
			assert.Len(t, b.Stopped, staleWorkspaces, "replica B stops every workspace")
			assert.Empty(t, a.Stopped, "replica A stopped on a stale read")
		})
	})
	t.Run("Dormancy", func(t *testing.T) {
		t.Parallel()
		dormantAfter := time.Hour.Milliseconds()
		testStaleRead(t, 2*time.Hour, func(req *codersdk.CreateTemplateRequest) { req.TimeTilDormantMillis = &dormantAfter },
			func(t *testing.T, a, b lifecycle.Stats) {
				assert.Len(t, b.Dormant, staleWorkspaces, "replica B marks every workspace dormant")
				assert.Len(t, b.Stopped, staleWorkspaces, "and stops it")
				assert.Empty(t, a.Dormant, "replica A marked dormant on a stale read")
				assert.Empty(t, a.Stopped, "replica A stopped on a stale read")
			})
	})
}

const staleWorkspaces = 5

// testStaleRead runs replica B's tick, and waits for its builds, between
// replica A's read of the due workspaces and A's actions; both tick at the
// latest deadline plus after.
func testStaleRead(t *testing.T, after time.Duration, mutate func(*codersdk.CreateTemplateRequest), check func(t *testing.T, a, b lifecycle.Stats)) {
	r := newReplicas(t, 2)
	var mutations []func(*codersdk.CreateTemplateRequest)
	if mutate != nil {
		mutations = append(mutations, mutate)
	}
	workspaces := r.runningWorkspaces(t, staleWorkspaces, mutations...)
	ids := map[uuid.UUID]bool{}
	now := time.Time{}
	for _, w := range workspaces {
		ids[w.ID] = true
		if w.LatestBuild.Deadline.After(now) {
			now = *w.LatestBuild.Deadline
		}
	}
	now = now.Add(after)
	a, b := r.apis[0], r.apis[1]

	var statsB lifecycle.Stats
	events := domain.Events{Pubsub: a.Pubsub, Logger: a.Logger}
	executorA := &lifecycle.Executor{
		DB: staleReads{Store: a.Database, whileStale: func() {
			var err error
			statsB, err = b.LifecycleTick(t.Context(), now)
			require.NoError(t, err)
			require.Empty(t, statsB.Errors)
			require.Eventually(t, func() bool {
				ok, err := r.allStopped(t.Context(), ids)
				return err == nil && ok
			}, time.Minute, 20*time.Millisecond, "replica B's builds finish")
		}},
		Builds: &workspacebuild.Service{DB: a.Database, Events: events, Logger: a.Logger},
		Events: events,
		Logger: a.Logger,
	}
	statsA, err := executorA.Tick(t.Context(), now)
	require.NoError(t, err)
	assert.Empty(t, statsA.Errors)
	check(t, statsA, statsB)

	for _, w := range workspaces {
		builds, err := r.owner.WorkspaceBuilds(t.Context(), codersdk.WorkspaceBuildsRequest{WorkspaceID: w.ID})
		require.NoError(t, err)
		assert.Equal(t, 2, len(builds), "workspace %s: one start and one stop", w.Name)
	}
}
