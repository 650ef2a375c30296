package coderd

import (
	"context"

	"github.com/google/uuid"
)

// workspaceChanged tells watchers (on every replica) that a workspace
// changed. Best effort: a watcher that misses it catches up on the next
// change or build event.
func (api *API) workspaceChanged(ctx context.Context, id uuid.UUID) {
	api.events().WorkspaceChanged(ctx, id)
}
