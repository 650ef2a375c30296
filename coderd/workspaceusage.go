package coderd

import (
	"context"
	"net/http"
	"sync"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// usageWindow is how often one user's usage of one workspace reaches the
// database: reports inside the window after a write are absorbed by it, so
// a client reporting every second costs one write per window, and
// last_used_at is at most this stale.
const usageWindow = 30 * time.Second

// usageLimiter remembers when each (workspace, user) usage was last
// written.
type usageLimiter struct {
	mu   sync.Mutex
	last map[[2]uuid.UUID]time.Time
}

// due reports whether usage at now should be written, and if so records
// it. Old entries are swept when the map grows, so memory follows the
// number of recently active pairs.
func (l *usageLimiter) due(workspaceID, userID uuid.UUID, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.last == nil {
		l.last = map[[2]uuid.UUID]time.Time{}
	}
	key := [2]uuid.UUID{workspaceID, userID}
	if t, ok := l.last[key]; ok && now.Sub(t) < usageWindow {
		return false
	}
	if len(l.last) > 10000 {
		for k, t := range l.last {
			if now.Sub(t) >= usageWindow {
				delete(l.last, k)
			}
		}
	}
	l.last[key] = now
	return true
}

// @Summary Post Workspace Usage by ID
// @Description Reports that the workspace is in use: it marks last_used_at
// @Description (which dormancy counts from), pushes the running
// @Description workspace's deadline by the template's activity bump and
// @Description counts the caller in the template's daily users. Reports are
// @Description folded into one write per user and workspace every 30 seconds.
// @ID post-workspace-usage-by-id
// @Security CoderSessionToken
// @Accept json
// @Tags Workspaces
// @Param workspace path string true "Workspace ID" format(uuid)
// @Param request body codersdk.PostWorkspaceUsageRequest false "Post workspace usage request"
// @Success 204
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/usage [post]
func (api *API) postWorkspaceUsage(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	w := httpmw.WorkspaceParam(r)
	if r.ContentLength != 0 {
		var req codersdk.PostWorkspaceUsageRequest
		if !httpapi.Read(ctx, rw, r, &req) {
			return
		}
	}
	// Using a workspace is connecting to it; readers such as auditors do
	// not use it.
	obj := w.RBACObject()
	if auth.Actor.Authorize(rbac.ActionSSH, obj) != nil && auth.Actor.Authorize(rbac.ActionApplicationConnect, obj) != nil {
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to use this workspace."})
		return
	}
	now := dbtime.Now()
	if api.usage.due(w.ID, auth.Key.UserID, now) {
		if err := api.recordUsage(ctx, w, auth.Key.UserID, now); err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
		api.workspaceChanged(ctx, w.ID)
	}
	rw.WriteHeader(http.StatusNoContent)
}

// recordUsage writes one usage report in a transaction.
func (api *API) recordUsage(ctx context.Context, w database.Workspace, userID uuid.UUID, now time.Time) error {
	sys := dbauthz.AsUsageTracker(ctx)
	return api.Database.InTx(sys, func(tx database.Store) error {
		if err := tx.UpdateWorkspacesLastUsedAt(sys, database.UpdateWorkspacesLastUsedAtParams{Ids: []uuid.UUID{w.ID}, LastUsedAt: now}); err != nil {
			return err
		}
		if err := tx.ActivityBumpWorkspaces(sys, []uuid.UUID{w.ID}); err != nil {
			return err
		}
		return tx.InsertTemplateDailyUser(sys, database.InsertTemplateDailyUserParams{
			TemplateID: w.TemplateID, UserID: userID, Day: now.UTC().Truncate(24 * time.Hour),
		})
	}, nil)
}

// connectionUsage counts a session opened to the workspace (terminal, SSH,
// app, port) as use of it, through the same per-user window as reports.
func (api *API) connectionUsage(ctx context.Context, w database.Workspace, userID uuid.UUID) {
	now := dbtime.Now()
	if !api.usage.due(w.ID, userID, now) {
		return
	}
	if err := api.recordUsage(ctx, w, userID, now); err != nil {
		api.Logger.Warn(ctx, "record connection usage", slog.F("workspace_id", w.ID), slog.Error(err))
		return
	}
	api.workspaceChanged(ctx, w.ID)
}
