package coderd

import (
	"context"

	"cdr.dev/slog"
	"github.com/google/uuid"

	"github.com/devplane/devplane/database/pubsub"
)

// workspaceChanged tells watchers (on every replica) that a workspace
// changed. Best effort: a watcher that misses it catches up on the next
// change or build event.
func (api *API) workspaceChanged(ctx context.Context, id uuid.UUID) {
	if err := api.Pubsub.Publish(pubsub.EventWorkspace(id.String()), nil); err != nil {
		api.Logger.Warn(ctx, "publish workspace change", slog.F("workspace_id", id), slog.Error(err))
	}
}
