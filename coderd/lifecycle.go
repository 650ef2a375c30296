package coderd

import (
	"context"
	"time"

	"github.com/devplane/devplane/coderd/domain/lifecycle"
)

// RunLifecycleExecutor runs the lifecycle executor (autostart, autostop,
// dormancy, auto-delete) at every tick until ctx ends. Several replicas may
// run it; see package lifecycle for why each due workspace is acted on once.
func (api *API) RunLifecycleExecutor(ctx context.Context, tick <-chan time.Time, clock func() time.Time) {
	api.lifecycleExecutor().Run(ctx, tick, clock)
}

// LifecycleTick runs one pass of the lifecycle executor as of now.
func (api *API) LifecycleTick(ctx context.Context, now time.Time) (lifecycle.Stats, error) {
	return api.lifecycleExecutor().Tick(ctx, now)
}
