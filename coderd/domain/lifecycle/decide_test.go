package lifecycle_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/devplane/devplane/coderd/domain/lifecycle"
	"github.com/devplane/devplane/database"
)

func TestDecide(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	before, after := now.Add(-time.Second), now.Add(time.Second)
	yes, no := true, false
	hour := int64(time.Hour)

	running := func(mutate ...func(*database.GetWorkspacesEligibleForTransitionRow)) database.GetWorkspacesEligibleForTransitionRow {
		row := database.GetWorkspacesEligibleForTransitionRow{
			Workspace:         database.Workspace{LastUsedAt: now},
			LatestTransition:  database.WorkspaceTransitionStart,
			LatestDeadline:    &after,
			LatestCompletedAt: &before,
			LatestFailed:      &no,
		}
		for _, m := range mutate {
			m(&row)
		}
		return row
	}
	stopped := func(mutate ...func(*database.GetWorkspacesEligibleForTransitionRow)) database.GetWorkspacesEligibleForTransitionRow {
		return running(append([]func(*database.GetWorkspacesEligibleForTransitionRow){func(r *database.GetWorkspacesEligibleForTransitionRow) {
			r.LatestTransition, r.LatestDeadline = database.WorkspaceTransitionStop, nil
		}}, mutate...)...)
	}

	cases := []struct {
		name string
		row  database.GetWorkspacesEligibleForTransitionRow
		want lifecycle.Action
	}{
		{"RunningBeforeDeadline", running(), lifecycle.None},
		{"RunningNoDeadline", running(func(r *database.GetWorkspacesEligibleForTransitionRow) { r.LatestDeadline = nil }), lifecycle.None},
		{"DeadlineReached", running(func(r *database.GetWorkspacesEligibleForTransitionRow) { r.LatestDeadline = &now }), lifecycle.Autostop},
		{"FailedStartDoesNotAutostop", running(func(r *database.GetWorkspacesEligibleForTransitionRow) {
			r.LatestDeadline, r.LatestFailed = &before, &yes
		}), lifecycle.None},
		{"FailedStartPastFailureTTL", running(func(r *database.GetWorkspacesEligibleForTransitionRow) {
			r.LatestFailed, r.FailureTtl = &yes, int64(time.Second)
		}), lifecycle.StopFailed},
		{"FailedStartWithinFailureTTL", running(func(r *database.GetWorkspacesEligibleForTransitionRow) {
			r.LatestFailed, r.FailureTtl = &yes, hour
		}), lifecycle.None},
		{"UnusedPastDormancy", running(func(r *database.GetWorkspacesEligibleForTransitionRow) {
			r.Workspace.LastUsedAt, r.TimeTilDormant = now.Add(-2*time.Hour), hour
		}), lifecycle.MarkDormant},
		{"DormancyWinsOverAutostop", running(func(r *database.GetWorkspacesEligibleForTransitionRow) {
			r.Workspace.LastUsedAt, r.TimeTilDormant, r.LatestDeadline = now.Add(-2*time.Hour), hour, &before
		}), lifecycle.MarkDormant},
		{"AlreadyDormant", stopped(func(r *database.GetWorkspacesEligibleForTransitionRow) {
			r.Workspace.LastUsedAt, r.TimeTilDormant, r.Workspace.DormantAt = now.Add(-2*time.Hour), hour, &before
		}), lifecycle.None},
		{"DormantPastDeletingAt", stopped(func(r *database.GetWorkspacesEligibleForTransitionRow) {
			r.Workspace.DormantAt, r.Workspace.DeletingAt = &before, &now
		}), lifecycle.Delete},
		{"DormantAlreadyDeleted", stopped(func(r *database.GetWorkspacesEligibleForTransitionRow) {
			r.Workspace.DormantAt, r.Workspace.DeletingAt = &before, &before
			r.LatestTransition = database.WorkspaceTransitionDelete
		}), lifecycle.None},
		{"DormantBeforeDeletingAt", stopped(func(r *database.GetWorkspacesEligibleForTransitionRow) {
			r.Workspace.DormantAt, r.Workspace.DeletingAt = &before, &after
		}), lifecycle.None},
		{"AutostartDue", stopped(func(r *database.GetWorkspacesEligibleForTransitionRow) {
			r.Workspace.AutostartSchedule, r.Workspace.NextStartAt = "CRON_TZ=UTC 0 9 * * 1-5", &now
		}), lifecycle.Autostart},
		{"AutostartNotYet", stopped(func(r *database.GetWorkspacesEligibleForTransitionRow) {
			r.Workspace.AutostartSchedule, r.Workspace.NextStartAt = "CRON_TZ=UTC 0 9 * * 1-5", &after
		}), lifecycle.None},
		{"AutostartWhileRunning", running(func(r *database.GetWorkspacesEligibleForTransitionRow) {
			r.Workspace.AutostartSchedule, r.Workspace.NextStartAt = "CRON_TZ=UTC 0 9 * * 1-5", &before
		}), lifecycle.None},
		{"NoAutostartWhenDormant", stopped(func(r *database.GetWorkspacesEligibleForTransitionRow) {
			r.Workspace.AutostartSchedule, r.Workspace.NextStartAt, r.Workspace.DormantAt = "CRON_TZ=UTC 0 9 * * 1-5", &before, &before
		}), lifecycle.None},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, c.want, lifecycle.Decide(c.row, now), "got %s", lifecycle.Decide(c.row, now))
		})
	}
}
