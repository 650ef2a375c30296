package provisionerd

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/jobinput"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/pubsub"
)

// MessageServerRestarted is the error of a job whose server process died
// while one of its daemons ran it.
const MessageServerRestarted = "the server restarted while the job ran"

// requeuedSuffix ends the log line of a job put back in the queue; a job
// that has one already is failed rather than requeued again, so a job that
// kills its server cannot loop.
const requeuedSuffix = "; the job is queued again."

// MessageReplicaLost is the error of a job whose daemon ran on a server
// replica that stopped heartbeating; a surviving replica settled it.
func MessageReplicaLost(hostname string, replicaID uuid.UUID) string {
	return fmt.Sprintf("the server replica %s (%s) stopped responding while the job ran", hostname, replicaID)
}

// settleReason says why unfinished jobs are settled, in the words of the
// job's error and its log lines.
type settleReason struct {
	message string // the job's error when it is failed
	event   string // starts the log lines: "The server restarted"
}

// Recovered counts what RecoverJobs did.
type Recovered struct {
	Failed, Requeued, Canceled int
}

// RecoverJobs settles at once the jobs that daemons of this server process
// (replicaID, see Options.ReplicaID) started in an earlier life of the
// process and never completed: without it they would stay running until
// the hang detector fails them, blocking new builds of their workspace.
// Call it before the process's daemons register.
//
//   - a job canceled meanwhile is completed as canceled;
//   - a template version import or dry run is queued again, once: it only
//     plans, so running it again is safe;
//   - a workspace build fails with MessageServerRestarted: it may have
//     applied part of its changes, and running it again blindly could
//     repeat them. It keeps the previous build's state, as a build failing
//     on a daemon does, so the next build starts from what exists.
func RecoverJobs(ctx context.Context, db database.Store, ps pubsub.Pubsub, log slog.Logger, replicaID uuid.UUID) (Recovered, error) {
	ctx = dbauthz.AsProvisionerd(ctx)
	rows, err := db.GetUnfinishedProvisionerJobsByReplica(ctx, replicaID)
	if err != nil {
		return Recovered{}, xerrors.Errorf("get jobs of the previous run: %w", err)
	}
	jobs := make([]jobToSettle, 0, len(rows))
	for _, row := range rows {
		jobs = append(jobs, jobToSettle{job: row.ProvisionerJob, why: settleReason{
			message: MessageServerRestarted, event: "The server restarted",
		}})
	}
	return settleJobs(ctx, db, ps, log, jobs)
}

// SettleLostReplicaJobs is failover: it settles, as RecoverJobs does, the
// jobs that daemons of other server replicas held when those replicas
// stopped heartbeating (or stopped without settling them), once neither
// the replica nor the job has been heartbeated since updatedBefore. A
// build fails with MessageReplicaLost, naming the replica. Any number of
// replicas may run it at once: each job is settled by one of them.
func SettleLostReplicaJobs(ctx context.Context, db database.Store, ps pubsub.Pubsub, log slog.Logger, selfID uuid.UUID, updatedBefore time.Time) (Recovered, error) {
	ctx = dbauthz.AsProvisionerd(ctx)
	rows, err := db.GetUnfinishedProvisionerJobsOfLostReplicas(ctx, database.GetUnfinishedProvisionerJobsOfLostReplicasParams{
		SelfID: selfID, UpdatedBefore: updatedBefore,
	})
	if err != nil {
		return Recovered{}, xerrors.Errorf("get jobs of lost replicas: %w", err)
	}
	jobs := make([]jobToSettle, 0, len(rows))
	for _, row := range rows {
		jobs = append(jobs, jobToSettle{job: row.ProvisionerJob, why: settleReason{
			message: MessageReplicaLost(row.ReplicaHostname, row.ReplicaID),
			event:   fmt.Sprintf("The server replica %s (%s) stopped responding", row.ReplicaHostname, row.ReplicaID),
		}})
	}
	return settleJobs(ctx, db, ps, log, jobs)
}

type jobToSettle struct {
	job database.ProvisionerJob
	why settleReason
}

func settleJobs(ctx context.Context, db database.Store, ps pubsub.Pubsub, log slog.Logger, jobs []jobToSettle) (Recovered, error) {
	var res Recovered
	var firstErr error
	for _, j := range jobs {
		job := j.job
		outcome, err := recoverJob(ctx, db, job, j.why)
		if err != nil {
			if firstErr == nil {
				firstErr = xerrors.Errorf("settle job %s: %w", job.ID, err)
			}
			continue
		}
		switch outcome {
		case outcomeRequeued:
			res.Requeued++
			// Any message wakes idle daemons.
			if err := ps.Publish(pubsub.EventProvisionerJobPosted, []byte("{}")); err != nil {
				log.Warn(ctx, "publish provisioner job posted", slog.Error(err))
			}
		case outcomeCanceled:
			res.Canceled++
		case outcomeFailed:
			res.Failed++
		default:
			continue
		}
		log.Warn(ctx, "settled an unfinished job of a stopped server",
			slog.F("job_id", job.ID), slog.F("job_type", job.Type), slog.F("outcome", string(outcome)),
			slog.F("reason", j.why.message))
		publishJobLogs(ps, log, job.ID)
	}
	return res, firstErr
}

type recoverOutcome string

const (
	outcomeNone     recoverOutcome = ""
	outcomeRequeued recoverOutcome = "requeued"
	outcomeCanceled recoverOutcome = "canceled"
	outcomeFailed   recoverOutcome = "failed"
)

func recoverJob(ctx context.Context, db database.Store, job database.ProvisionerJob, why settleReason) (recoverOutcome, error) {
	outcome := outcomeNone
	err := db.InTx(ctx, func(tx database.Store) error {
		outcome = outcomeNone
		// Lock the row (a concurrent cancel waits), then look again.
		now := dbtime.Now()
		if err := tx.UpdateProvisionerJobByID(ctx, database.UpdateProvisionerJobByIDParams{ID: job.ID, UpdatedAt: now}); err != nil {
			return err
		}
		current, err := tx.GetProvisionerJobByID(ctx, job.ID)
		if err != nil {
			return err
		}
		// Settled meanwhile, or requeued and taken by another daemon.
		if current.CompletedAt != nil || current.StartedAt == nil || current.WorkerID != job.WorkerID ||
			job.StartedAt == nil || !current.StartedAt.Equal(*job.StartedAt) {
			return nil
		}
		var message, line string
		switch {
		case current.CanceledAt != nil:
			outcome, message = outcomeCanceled, MessageCanceled
			line = why.event + " while the job ran; the job is canceled."
		case current.Type != database.ProvisionerJobTypeWorkspaceBuild:
			requeued, err := requeuedBefore(ctx, tx, current.ID)
			if err != nil {
				return err
			}
			if !requeued {
				outcome = outcomeRequeued
				if _, err := tx.RequeueProvisionerJobByID(ctx, database.RequeueProvisionerJobByIDParams{ID: current.ID, UpdatedAt: now}); err != nil {
					return err
				}
				return insertLog(ctx, tx, current.ID, now, provisioner.LogLevelWarn, why.event+" while the job ran"+requeuedSuffix)
			}
			outcome, message = outcomeFailed, why.message
			line = "Job failed: " + why.message + ", again."
		default:
			outcome, message = outcomeFailed, why.message
			line = "Job failed: " + why.message + "; the build may have changed the workspace's resources before it stopped."
		}
		if current.Type == database.ProvisionerJobTypeWorkspaceBuild {
			if err := keepPreviousState(ctx, tx, current); err != nil {
				return err
			}
		}
		if err := insertLog(ctx, tx, current.ID, now, provisioner.LogLevelError, line); err != nil {
			return err
		}
		return tx.UpdateProvisionerJobWithCompleteByID(ctx, database.UpdateProvisionerJobWithCompleteByIDParams{
			ID: current.ID, CompletedAt: &now, Error: &message,
		})
	}, nil)
	return outcome, err
}

// requeuedBefore reports whether the job was requeued once already.
func requeuedBefore(ctx context.Context, tx database.Store, jobID uuid.UUID) (bool, error) {
	logs, err := tx.GetProvisionerLogsAfterID(ctx, database.GetProvisionerLogsAfterIDParams{JobID: jobID, CreatedAfter: 0})
	if err != nil {
		return false, err
	}
	for _, l := range logs {
		if l.Source == database.LogSourceProvisionerDaemon && strings.HasSuffix(l.Output, requeuedSuffix) {
			return true, nil
		}
	}
	return false, nil
}

// keepPreviousState gives a build that will not finish the state the
// previous build left, as runBuild does before it starts.
func keepPreviousState(ctx context.Context, tx database.Store, job database.ProvisionerJob) error {
	var input jobinput.WorkspaceBuild
	if err := parseInput(job.Input, &input); err != nil || input.UseBuildState {
		return nil //nolint:nilerr // a build with bad input has no state to keep
	}
	build, err := tx.GetWorkspaceBuildByJobID(ctx, job.ID)
	if errors.Is(err, database.ErrNoRows) {
		return nil
	}
	if err != nil {
		return xerrors.Errorf("get workspace build: %w", err)
	}
	if build.BuildNumber <= 1 {
		return nil
	}
	prev, err := tx.GetWorkspaceBuildByWorkspaceIDAndBuildNumber(ctx, database.GetWorkspaceBuildByWorkspaceIDAndBuildNumberParams{
		WorkspaceID: build.WorkspaceID, BuildNumber: build.BuildNumber - 1,
	})
	if errors.Is(err, database.ErrNoRows) {
		return nil
	}
	if err != nil {
		return xerrors.Errorf("get previous workspace build: %w", err)
	}
	if keep := storeBuildState(build.ID, prev.ProvisionerState); keep != nil {
		return keep(ctx, tx)
	}
	return nil
}

func insertLog(ctx context.Context, tx database.Store, jobID uuid.UUID, now time.Time, level provisioner.LogLevel, output string) error {
	_, err := tx.InsertProvisionerJobLogs(ctx, database.InsertProvisionerJobLogsParams{
		JobID:     jobID,
		CreatedAt: []time.Time{now},
		Source:    []string{string(database.LogSourceProvisionerDaemon)},
		Level:     []string{string(level)},
		Stage:     []string{stageCleaningUp},
		Output:    []string{output},
	})
	return err
}
