package lifecycle

import (
	"context"
	"errors"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/coderd/domain/workspacebuild"
	"github.com/devplane/devplane/coderd/schedule"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
)

// Stats says what one tick did, by workspace.
type Stats struct {
	Started, Stopped, Dormant, Deleted []uuid.UUID
	Errors                             map[uuid.UUID]error
}

// Executor takes the actions Decide finds due.
type Executor struct {
	DB     database.Store
	Builds *workspacebuild.Service
	Events domain.Events
	Logger slog.Logger
}

// Run ticks at every value of tick until ctx ends; clock gives the time of a
// tick (tests pass a fake one).
func (e *Executor) Run(ctx context.Context, tick <-chan time.Time, clock func() time.Time) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
			stats, err := e.Tick(ctx, clock())
			if err != nil && ctx.Err() == nil {
				e.Logger.Warn(ctx, "lifecycle executor tick", slog.Error(err))
			}
			for id, err := range stats.Errors {
				e.Logger.Warn(ctx, "lifecycle executor", slog.F("workspace_id", id), slog.Error(err))
			}
		}
	}
}

// Tick acts once on every workspace with an action due at now. A workspace
// another replica (or a user) acted on since it was read is skipped, as is
// one whose build is still running.
func (e *Executor) Tick(ctx context.Context, now time.Time) (Stats, error) {
	ctx = dbauthz.AsLifecycleExecutor(ctx)
	stats := Stats{Errors: map[uuid.UUID]error{}}
	rows, err := e.DB.GetWorkspacesEligibleForTransition(ctx, now)
	if err != nil {
		return stats, xerrors.Errorf("find eligible workspaces: %w", err)
	}
	for _, row := range rows {
		err := e.act(ctx, row, Decide(row, now), now, &stats)
		if err != nil && !errors.Is(err, workspacebuild.ErrBusy) && !errors.Is(err, workspacebuild.ErrSuperseded) {
			stats.Errors[row.Workspace.ID] = err
		}
	}
	return stats, nil
}

func (e *Executor) act(ctx context.Context, row database.GetWorkspacesEligibleForTransitionRow, action Action, now time.Time, stats *Stats) error {
	w := row.Workspace
	build := func(transition database.WorkspaceTransition, reason database.BuildReason) error {
		_, err := e.Builds.Transition(ctx, workspacebuild.Transition{
			Workspace: w, Transition: transition, Initiator: w.OwnerID, Reason: reason, BasedOn: row.LatestBuildID,
		})
		return err
	}
	switch action {
	case None:
		return nil
	case Delete:
		if err := build(database.WorkspaceTransitionDelete, database.BuildReasonDormancy); err != nil {
			return err
		}
		stats.Deleted = append(stats.Deleted, w.ID)
	case MarkDormant:
		if err := e.markDormant(ctx, row, now); err != nil {
			return err
		}
		stats.Dormant = append(stats.Dormant, w.ID)
		if row.LatestTransition == database.WorkspaceTransitionStart {
			if err := build(database.WorkspaceTransitionStop, database.BuildReasonDormancy); err != nil {
				return err
			}
			stats.Stopped = append(stats.Stopped, w.ID)
		}
	case Autostop, StopFailed:
		if err := build(database.WorkspaceTransitionStop, database.BuildReasonAutostop); err != nil {
			return err
		}
		stats.Stopped = append(stats.Stopped, w.ID)
	case Autostart:
		if err := e.advanceAutostart(ctx, w, now); err != nil {
			return err
		}
		if err := build(database.WorkspaceTransitionStart, database.BuildReasonAutostart); err != nil {
			return err
		}
		stats.Started = append(stats.Started, w.ID)
	}
	return nil
}

// markDormant marks the workspace dormant, once: the row is re-read in a
// repeatable-read transaction, so of two replicas marking it at once one
// fails to serialize, is retried, finds it dormant and returns
// ErrSuperseded. The system's change is audited.
func (e *Executor) markDormant(ctx context.Context, row database.GetWorkspacesEligibleForTransitionRow, now time.Time) error {
	w := row.Workspace
	p := database.UpdateWorkspaceDormantDeletingAtParams{ID: w.ID, DormantAt: &now, UpdatedAt: now}
	if row.TimeTilDormantAutodelete > 0 {
		at := now.Add(time.Duration(row.TimeTilDormantAutodelete))
		p.DeletingAt = &at
	}
	err := e.DB.InTx(ctx, func(tx database.Store) error {
		current, err := tx.GetWorkspaceByID(ctx, w.ID)
		if err != nil {
			return xerrors.Errorf("re-read workspace: %w", err)
		}
		if current.DormantAt != nil {
			return workspacebuild.ErrSuperseded
		}
		return tx.UpdateWorkspaceDormantDeletingAt(ctx, p)
	}, &database.TxOptions{Isolation: pgx.RepeatableRead})
	if err != nil {
		return err
	}
	if err := audit.Related(ctx, e.DB, audit.Entry{
		ResourceType: codersdk.ResourceTypeWorkspace, ResourceID: w.ID, ResourceTarget: w.Name,
		ResourceIcon: w.TemplateIcon, OrganizationID: w.OrganizationID, Action: codersdk.AuditActionWrite,
		StatusCode: audit.StatusSucceeded, BuildReason: codersdk.BuildReason(database.BuildReasonDormancy),
		Diff: audit.Diff(map[string]any{"dormant_at": w.DormantAt, "deleting_at": w.DeletingAt},
			map[string]any{"dormant_at": p.DormantAt, "deleting_at": p.DeletingAt}),
	}); err != nil {
		e.Logger.Error(ctx, "write audit log of dormancy", slog.F("workspace_id", w.ID), slog.Error(err))
	}
	e.Events.WorkspaceChanged(ctx, w.ID)
	return nil
}

// advanceAutostart moves the schedule on before the start is enqueued, so a
// start that fails is not retried at every tick.
func (e *Executor) advanceAutostart(ctx context.Context, w database.Workspace, now time.Time) error {
	sched, err := schedule.Weekly(w.AutostartSchedule)
	if err != nil {
		return xerrors.Errorf("stored autostart schedule: %w", err)
	}
	next := sched.Next(now)
	return e.DB.UpdateWorkspaceAutostart(ctx, database.UpdateWorkspaceAutostartParams{
		ID: w.ID, AutostartSchedule: w.AutostartSchedule, NextStartAt: &next, UpdatedAt: now,
	})
}
