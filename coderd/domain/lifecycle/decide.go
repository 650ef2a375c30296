// Package lifecycle decides and takes the transitions the server makes on
// its own: autostart at the schedule, autostop at the deadline, stop of a
// start that failed longer ago than the template's failure TTL, dormancy of
// unused workspaces, and deletion of dormant ones at deleting_at.
//
// Decide is the rule, a pure function of a workspace's row and the time.
// Executor applies it to every eligible workspace at each tick. Any number of
// replicas may run an executor: every build it enqueues is based on the build
// the decision was made on (workspacebuild.Transition.BasedOn), so a
// workspace gets one build per due transition whichever replica acts first.
package lifecycle

import (
	"time"

	"github.com/devplane/devplane/database"
)

// Action is what a workspace needs at a moment.
type Action int

const (
	// None: nothing is due.
	None Action = iota
	// Delete: dormant past deleting_at.
	Delete
	// MarkDormant: unused past the template's time_til_dormant; a running
	// workspace is also stopped.
	MarkDormant
	// Autostop: a running workspace passed its deadline.
	Autostop
	// StopFailed: a start failed longer ago than the template's
	// failure_ttl; stop what it may have left running.
	StopFailed
	// Autostart: the schedule's next start came while the workspace was
	// stopped.
	Autostart
)

func (a Action) String() string {
	return [...]string{"none", "delete", "mark_dormant", "autostop", "stop_failed", "autostart"}[a]
}

// Decide returns the one action row's workspace needs at now. When several
// are due the most final wins: deletion, then dormancy, then stops, then a
// start.
func Decide(row database.GetWorkspacesEligibleForTransitionRow, now time.Time) Action {
	w := row.Workspace
	failed := row.LatestFailed != nil && *row.LatestFailed
	running := row.LatestTransition == database.WorkspaceTransitionStart
	// since: a positive duration (ns) has passed since t.
	since := func(ns int64, t time.Time) bool { return ns > 0 && !t.Add(time.Duration(ns)).After(now) }
	reached := func(t *time.Time) bool { return t != nil && !t.After(now) }

	switch {
	case w.DormantAt != nil && reached(w.DeletingAt) && row.LatestTransition != database.WorkspaceTransitionDelete:
		return Delete
	case w.DormantAt == nil && since(row.TimeTilDormant, w.LastUsedAt):
		return MarkDormant
	case running && !failed && reached(row.LatestDeadline):
		return Autostop
	case running && failed && row.LatestCompletedAt != nil && since(row.FailureTtl, *row.LatestCompletedAt):
		return StopFailed
	case w.AutostartSchedule != "" && reached(w.NextStartAt) && w.DormantAt == nil &&
		row.LatestTransition == database.WorkspaceTransitionStop:
		return Autostart
	}
	return None
}
