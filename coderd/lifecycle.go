package coderd

import (
	"context"
	"errors"
	"net/http"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/schedule"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
)

// LifecycleStats says what one executor tick did, by workspace.
type LifecycleStats struct {
	Started, Stopped, Dormant, Deleted []uuid.UUID
	Errors                             map[uuid.UUID]error
}

// RunLifecycleExecutor acts on workspaces at every tick until ctx ends:
// autostart at the schedule, autostop at the deadline, stop failed starts
// after the template's failure TTL, mark unused workspaces dormant (and
// stop them), delete dormant ones at deleting_at. clock gives the time of
// a tick (tests pass a fake one). Several replicas may run it: a build is
// unique per workspace and build number, so a workspace gets one build per
// transition whichever replica acts first.
func (api *API) RunLifecycleExecutor(ctx context.Context, tick <-chan time.Time, clock func() time.Time) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
			stats, err := api.LifecycleTick(ctx, clock())
			if err != nil && ctx.Err() == nil {
				api.Logger.Warn(ctx, "lifecycle executor tick", slog.Error(err))
			}
			for id, err := range stats.Errors {
				api.Logger.Warn(ctx, "lifecycle executor", slog.F("workspace_id", id), slog.Error(err))
			}
		}
	}
}

// LifecycleTick runs one pass of the executor as of now.
func (api *API) LifecycleTick(ctx context.Context, now time.Time) (LifecycleStats, error) {
	ctx = dbauthz.AsLifecycleExecutor(ctx)
	stats := LifecycleStats{Errors: map[uuid.UUID]error{}}
	rows, err := api.Database.GetWorkspacesEligibleForTransition(ctx, now)
	if err != nil {
		return stats, xerrors.Errorf("find eligible workspaces: %w", err)
	}
	for _, row := range rows {
		if err := api.lifecycleAct(ctx, row, now, &stats); err != nil && !errors.Is(err, errBuildActive) {
			stats.Errors[row.Workspace.ID] = err
		}
	}
	return stats, nil
}

// lifecycleAct decides and takes the one action a workspace needs now.
func (api *API) lifecycleAct(ctx context.Context, row database.GetWorkspacesEligibleForTransitionRow, now time.Time, stats *LifecycleStats) error {
	w := row.Workspace
	failed := row.LatestFailed != nil && *row.LatestFailed
	since := func(ns int64, t time.Time) bool { return ns > 0 && !t.Add(time.Duration(ns)).After(now) }

	switch {
	case w.DormantAt != nil && w.DeletingAt != nil && !w.DeletingAt.After(now) && row.LatestTransition != database.WorkspaceTransitionDelete:
		if _, err := api.enqueueTransition(ctx, w, database.WorkspaceTransitionDelete, w.OwnerID, database.BuildReasonDormancy); err != nil {
			return err
		}
		stats.Deleted = append(stats.Deleted, w.ID)

	case w.DormantAt == nil && since(row.TimeTilDormant, w.LastUsedAt):
		p := database.UpdateWorkspaceDormantDeletingAtParams{ID: w.ID, DormantAt: &now, UpdatedAt: now}
		if row.TimeTilDormantAutodelete > 0 {
			at := now.Add(time.Duration(row.TimeTilDormantAutodelete))
			p.DeletingAt = &at
		}
		if err := api.Database.UpdateWorkspaceDormantDeletingAt(ctx, p); err != nil {
			return err
		}
		// The system marked it dormant; that is a change to the log.
		if err := audit.Related(ctx, api.Database, audit.Entry{
			ResourceType: codersdk.ResourceTypeWorkspace, ResourceID: w.ID, ResourceTarget: w.Name,
			ResourceIcon: w.TemplateIcon, OrganizationID: w.OrganizationID, Action: codersdk.AuditActionWrite,
			StatusCode: http.StatusOK, BuildReason: codersdk.BuildReason(database.BuildReasonDormancy),
			Diff: audit.Diff(map[string]any{"dormant_at": w.DormantAt, "deleting_at": w.DeletingAt},
				map[string]any{"dormant_at": p.DormantAt, "deleting_at": p.DeletingAt}),
		}); err != nil {
			api.Logger.Error(ctx, "write audit log of dormancy", slog.F("workspace_id", w.ID), slog.Error(err))
		}
		stats.Dormant = append(stats.Dormant, w.ID)
		api.workspaceChanged(ctx, w.ID)
		if row.LatestTransition == database.WorkspaceTransitionStart {
			if _, err := api.enqueueTransition(ctx, w, database.WorkspaceTransitionStop, w.OwnerID, database.BuildReasonDormancy); err != nil {
				return err
			}
			stats.Stopped = append(stats.Stopped, w.ID)
		}

	case row.LatestTransition == database.WorkspaceTransitionStart && !failed && row.LatestDeadline != nil && !row.LatestDeadline.After(now):
		if _, err := api.enqueueTransition(ctx, w, database.WorkspaceTransitionStop, w.OwnerID, database.BuildReasonAutostop); err != nil {
			return err
		}
		stats.Stopped = append(stats.Stopped, w.ID)

	case row.LatestTransition == database.WorkspaceTransitionStart && failed && row.LatestCompletedAt != nil && since(row.FailureTtl, *row.LatestCompletedAt):
		if _, err := api.enqueueTransition(ctx, w, database.WorkspaceTransitionStop, w.OwnerID, database.BuildReasonAutostop); err != nil {
			return err
		}
		stats.Stopped = append(stats.Stopped, w.ID)

	case w.AutostartSchedule != "" && w.NextStartAt != nil && !w.NextStartAt.After(now) && w.DormantAt == nil &&
		row.LatestTransition == database.WorkspaceTransitionStop:
		// Move the schedule on first, so a failing start is not retried at
		// every tick.
		sched, err := schedule.Weekly(w.AutostartSchedule)
		if err != nil {
			return xerrors.Errorf("stored autostart schedule: %w", err)
		}
		next := sched.Next(now)
		if err := api.Database.UpdateWorkspaceAutostart(ctx, database.UpdateWorkspaceAutostartParams{
			ID: w.ID, AutostartSchedule: w.AutostartSchedule, NextStartAt: &next, UpdatedAt: now,
		}); err != nil {
			return err
		}
		if _, err := api.enqueueTransition(ctx, w, database.WorkspaceTransitionStart, w.OwnerID, database.BuildReasonAutostart); err != nil {
			return err
		}
		stats.Started = append(stats.Started, w.ID)
	}
	return nil
}
