package provisionerd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"cdr.dev/slog"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/provisionerd/archive"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/pubsub"
)

// dbTimeout bounds one database call of the daemon, so a stuck connection
// cannot hold a job (or Close) forever.
const dbTimeout = 30 * time.Second

// Why a running job's provisioner was stopped (the cause of its context).
var (
	errShutdown = xerrors.New("provisioner daemon shut down")
	errCanceled = xerrors.New("canceled")
	// errCompletedElsewhere: the job was completed while it ran, by the
	// hang detector for instance, or requeued by failover; there is
	// nothing left to record.
	errCompletedElsewhere = xerrors.New("the job was completed elsewhere")
)

// Error messages a job completes with.
const (
	MessageCanceled = "canceled"
	MessageShutdown = "provisioner daemon shut down"
)

// jobFailure fails a job with a message for the user, like a
// provisioner.Failure but raised by the daemon itself.
type jobFailure struct {
	Message string
	Code    string
}

func (f *jobFailure) Error() string { return f.Message }

// commitFunc stores a job's results in the transaction it is given.
type commitFunc func(ctx context.Context, tx database.Store) error

// jobRun is one job being run by a daemon.
type jobRun struct {
	d    *Daemon
	job  database.ProvisionerJob
	log  slog.Logger
	logs *jobLogs
	// ctx is canceled (with a cause) when the job is canceled, the daemon
	// shuts down or the job is completed by someone else. It carries the
	// provisionerd actor.
	ctx    context.Context
	cancel context.CancelCauseFunc
	dir    string
	// failureCommit, when set, stores what must outlive the job if it
	// fails: the state of a build that may have created resources. It
	// runs in the transaction that fails the job.
	failureCommit commitFunc
}

// runJob runs an acquired job to completion. Every path completes the job
// (or finds it already completed), so no acquired job is left running.
func (d *Daemon) runJob(job database.ProvisionerJob) {
	ctx, cancel := context.WithCancelCause(d.dbCtx)
	defer cancel(nil)
	log := d.log.With(slog.F("job_id", job.ID), slog.F("job_type", job.Type))
	r := &jobRun{
		d: d, job: job, log: log, ctx: ctx, cancel: cancel,
		logs: newJobLogs(d.dbCtx, d.db, d.opts.Pubsub, log, job.ID),
	}
	d.setRunning(cancel)
	defer d.setRunning(nil)
	log.Debug(ctx, "acquired provisioner job")
	outcome := OutcomeFailed
	if obs := d.opts.Observer; obs != nil {
		start := time.Now()
		obs.JobStarted(job)
		defer func() { obs.JobFinished(job, outcome, time.Since(start)) }()
	}

	// The job went from pending to running: say so at once.
	publishJobLogs(d.opts.Pubsub, log, job.ID)
	r.logs.daemon(provisioner.LogLevelInfo, stageSettingUp, fmt.Sprintf("Acquired job on provisioner daemon %s", d.opts.Name))

	// Watch for cancellation and heartbeat until the job is completed. The
	// first check runs at once: a cancel may have landed before the
	// subscription did. Any message, the pubsub's reconnect notice
	// included, re-reads the job.
	notify := make(chan struct{}, 1)
	notify <- struct{}{}
	unsubscribe, err := pubsub.SubscribeWake(d.opts.Pubsub, pubsub.EventProvisionerJobLogs(job.ID.String()), notify, nil)
	if err != nil {
		// Heartbeats still re-read the job; cancellation is only slower.
		log.Warn(ctx, "subscribe to job notifications", slog.Error(err))
		unsubscribe = func() {}
	}
	stopWatch, watchDone := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(watchDone)
		r.watch(notify, stopWatch)
	}()
	defer func() {
		close(stopWatch)
		<-watchDone
		unsubscribe()
		publishJobLogs(d.opts.Pubsub, log, job.ID)
	}()

	commit, err := r.execute()
	if cause := context.Cause(ctx); cause != nil {
		err = cause
	}
	r.cleanup()
	if err != nil {
		r.logFailure(err)
	}
	// Every line is stored before the job completes, so a follower that
	// sees the job done has all of its logs.
	r.logs.close()
	if err == nil {
		if err = r.commit(commit); err == nil {
			log.Debug(ctx, "provisioner job succeeded")
			outcome = OutcomeSuccess
			return
		}
		r.logFailure(err)
		r.logs.flush()
	}
	outcome = jobOutcome(err)
	r.complete(err)
}

// How a job a daemon ran ended, as told to a JobObserver.
const (
	OutcomeSuccess  = "success"
	OutcomeFailed   = "failed"
	OutcomeCanceled = "canceled"
	// OutcomeInterrupted: the daemon shut down under the job, or someone
	// else (the hang detector, failover) completed it meanwhile.
	OutcomeInterrupted = "interrupted"
)

func jobOutcome(err error) string {
	switch {
	case errors.Is(err, errCanceled):
		return OutcomeCanceled
	case errors.Is(err, errShutdown), errors.Is(err, errCompletedElsewhere):
		return OutcomeInterrupted
	}
	return OutcomeFailed
}

// JobObserver hears of the jobs a daemon runs, for metrics. Its methods run
// on the daemon's goroutine and must not block.
type JobObserver interface {
	JobStarted(job database.ProvisionerJob)
	// JobFinished says how the job ended (an Outcome constant) and how
	// long the daemon ran it.
	JobFinished(job database.ProvisionerJob, outcome string, took time.Duration)
}

// execute runs the job's provisioner and returns how to store its results.
func (r *jobRun) execute() (commitFunc, error) {
	switch r.job.Type {
	case database.ProvisionerJobTypeTemplateVersionImport:
		return r.runImport()
	case database.ProvisionerJobTypeWorkspaceBuild:
		return r.runBuild()
	case database.ProvisionerJobTypeTemplateVersionDryRun:
		return r.runDryRun()
	default:
		return nil, &jobFailure{Message: fmt.Sprintf("unsupported job type %q", r.job.Type)}
	}
}

// provisioner is the daemon's provisioner for the job.
func (r *jobRun) provisioner() (provisioner.Provisioner, error) {
	prov := r.d.opts.Provisioners[r.job.Provisioner]
	if prov == nil {
		return nil, &jobFailure{Message: fmt.Sprintf("this daemon has no %q provisioner", r.job.Provisioner)}
	}
	return prov, nil
}

// parseInput reads a job's input leniently into v: empty or null input is
// no input.
func parseInput(raw json.RawMessage, v any) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return &jobFailure{Message: "the job's input is not valid: " + err.Error()}
	}
	return nil
}

// prepare fetches the job's file and extracts it into a fresh directory.
func (r *jobRun) prepare() (string, error) {
	file, err := r.d.db.GetFileByID(r.ctx, r.job.FileID)
	if errors.Is(err, database.ErrNoRows) {
		return "", &jobFailure{Message: fmt.Sprintf("the template file %s does not exist", r.job.FileID)}
	}
	if err != nil {
		return "", xerrors.Errorf("get file: %w", err)
	}
	r.logs.daemon(provisioner.LogLevelInfo, stageSettingUp, fmt.Sprintf("Extracting template archive (%s, %d bytes)", file.Mimetype, len(file.Data)))
	dir, err := os.MkdirTemp(r.d.opts.WorkDir, "job-"+r.job.ID.String()+"-")
	if err != nil {
		return "", xerrors.Errorf("create work directory: %w", err)
	}
	r.dir = dir
	if err := archive.Extract(file.Data, file.Mimetype, dir, archive.Limits{}); err != nil {
		if archive.IsInvalid(err) {
			return "", &jobFailure{Message: "the template archive cannot be extracted: " + err.Error()}
		}
		return "", xerrors.Errorf("extract template archive: %w", err)
	}
	return dir, nil
}

// cleanup removes the work directory.
func (r *jobRun) cleanup() {
	r.logs.daemon(provisioner.LogLevelInfo, stageCleaningUp, "Cleaning up")
	if r.dir == "" {
		return
	}
	if err := os.RemoveAll(r.dir); err != nil {
		r.log.Warn(r.ctx, "remove work directory", slog.F("dir", r.dir), slog.Error(err))
	}
}

// commit stores the results and completes the job in one transaction, so
// results are visible exactly when the job is done. The heartbeat update
// locks the job's row first: a cancel or the hang detector then waits for
// the transaction, and a job they got to first is not overwritten.
func (r *jobRun) commit(fn commitFunc) error {
	if cause := context.Cause(r.ctx); cause != nil {
		return cause
	}
	ctx, cancel := context.WithTimeout(r.d.dbCtx, dbTimeout)
	defer cancel()
	return r.d.db.InTx(ctx, func(tx database.Store) error {
		now := dbtime.Now()
		if err := tx.UpdateProvisionerJobByID(ctx, database.UpdateProvisionerJobByIDParams{ID: r.job.ID, UpdatedAt: now}); err != nil {
			return xerrors.Errorf("lock job: %w", err)
		}
		job, err := tx.GetProvisionerJobByID(ctx, r.job.ID)
		if err != nil {
			return xerrors.Errorf("get job: %w", err)
		}
		switch {
		case job.CompletedAt != nil, !r.ownedBy(job):
			return errCompletedElsewhere
		case job.CanceledAt != nil:
			return errCanceled
		}
		if fn != nil {
			if err := fn(ctx, tx); err != nil {
				return err
			}
		}
		return tx.UpdateProvisionerJobWithCompleteByID(ctx, database.UpdateProvisionerJobWithCompleteByIDParams{
			ID: r.job.ID, CompletedAt: &now,
		})
	}, nil)
}

// describeFailure is the error message and code a job completes with.
func describeFailure(err error) (message, code string) {
	var jf *jobFailure
	switch {
	case errors.Is(err, errCanceled):
		return MessageCanceled, ""
	case errors.Is(err, errShutdown):
		return MessageShutdown, ""
	case errors.As(err, &jf):
		return jf.Message, jf.Code
	}
	if f, ok := provisioner.AsFailure(err); ok {
		return f.Message, f.Code
	}
	// Job errors are shown to users: never the database's own text.
	if database.IsUnstorableText(err) {
		return "internal error: the template produced text the database cannot store (a NUL character or invalid UTF-8); the server log has the details", ""
	}
	if database.IsDatabaseError(err) {
		return "internal error: the job's results could not be stored; the server log has the cause", ""
	}
	return "internal error: " + err.Error(), ""
}

// logFailure records why the job is ending, in the job's logs and, for
// internal errors, the server's.
func (r *jobRun) logFailure(err error) {
	if errors.Is(err, errCompletedElsewhere) {
		return
	}
	msg, code := describeFailure(err)
	switch {
	case errors.Is(err, errCanceled):
		r.logs.daemon(provisioner.LogLevelWarn, stageCleaningUp, "The job was canceled")
		return
	case errors.Is(err, errShutdown):
		r.logs.daemon(provisioner.LogLevelError, stageCleaningUp, "The provisioner daemon shut down while running the job")
		return
	}
	if _, ok := provisioner.AsFailure(err); !ok {
		var jf *jobFailure
		if !errors.As(err, &jf) {
			r.log.Error(r.ctx, "provisioner job failed with an internal error", slog.Error(err))
		}
	}
	if code != "" {
		msg = code + ": " + msg
	}
	r.logs.daemon(provisioner.LogLevelError, stageCleaningUp, "Job failed: "+msg)
}

// complete records a failed (or canceled) job, with what failureCommit
// keeps. A job completed by someone else is left as it is, but what
// failureCommit keeps is still stored.
func (r *jobRun) complete(err error) {
	elsewhere := errors.Is(err, errCompletedElsewhere)
	if elsewhere {
		r.log.Info(r.ctx, "provisioner job was completed elsewhere while it ran")
	}
	msg, code := describeFailure(err)
	// The message may quote what the provisioner returned; a byte the
	// column rejects must not leave the job running.
	msg, code = cleanText(msg), cleanText(code)
	params := database.UpdateProvisionerJobWithCompleteByIDParams{ID: r.job.ID, Error: &msg}
	if code != "" {
		params.ErrorCode = &code
	}
	// The update is a no-op on a completed job, so it cannot overwrite
	// the verdict of a cancel or of the hang detector.
	fail := func(ctx context.Context, db database.Store) error {
		if elsewhere {
			return nil
		}
		now := dbtime.Now()
		params.CompletedAt = &now
		return db.UpdateProvisionerJobWithCompleteByID(ctx, params)
	}

	if keep := r.failureCommit; keep != nil {
		werr := retryDB(r.d.dbCtx, func(ctx context.Context) error {
			return r.d.db.InTx(ctx, func(tx database.Store) error {
				if err := keep(ctx, tx); err != nil {
					return xerrors.Errorf("store results of the failed job: %w", err)
				}
				return fail(ctx, tx)
			}, nil)
		})
		if werr == nil {
			r.log.Debug(r.ctx, "provisioner job failed", slog.F("error", msg), slog.F("error_code", code))
			return
		}
		// Completing the job matters more: left running, it would only be
		// failed later by the hang detector, with the results lost anyway.
		r.log.Error(r.ctx, "store results of a failed provisioner job; they are lost", slog.Error(werr))
	}
	if elsewhere {
		return
	}
	if werr := retryDB(r.d.dbCtx, func(ctx context.Context) error { return fail(ctx, r.d.db) }); werr != nil {
		r.log.Error(r.ctx, "complete provisioner job", slog.Error(werr))
		return
	}
	r.log.Debug(r.ctx, "provisioner job failed", slog.F("error", msg), slog.F("error_code", code))
}

// retryDB makes a few attempts at fn, each bounded by dbTimeout: what a
// failing job writes is otherwise lost, or left to the hang detector.
func retryDB(ctx context.Context, fn func(ctx context.Context) error) error {
	backoff := 100 * time.Millisecond
	for attempt := 1; ; attempt++ {
		attemptCtx, cancel := context.WithTimeout(ctx, dbTimeout)
		err := fn(attemptCtx)
		cancel()
		if err == nil || attempt == 3 {
			return err
		}
		time.Sleep(backoff)
		backoff *= 4
	}
}

// watch heartbeats the job and re-reads it on every notification until
// stop is closed, canceling the run when the job was canceled or completed
// by someone else.
func (r *jobRun) watch(notify <-chan struct{}, stop <-chan struct{}) {
	t := time.NewTicker(r.d.opts.HeartbeatInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-notify:
			r.check()
		case <-t.C:
			r.heartbeat()
			r.check()
		}
	}
}

func (r *jobRun) heartbeat() {
	ctx, cancel := context.WithTimeout(r.d.dbCtx, dbTimeout)
	defer cancel()
	now := dbtime.Now()
	if err := r.d.db.UpdateProvisionerJobByID(ctx, database.UpdateProvisionerJobByIDParams{ID: r.job.ID, UpdatedAt: now}); err != nil {
		r.log.Warn(ctx, "heartbeat provisioner job", slog.Error(err))
	}
	if err := r.d.db.UpdateProvisionerDaemonLastSeenAt(ctx, database.UpdateProvisionerDaemonLastSeenAtParams{ID: r.d.id, LastSeenAt: &now}); err != nil {
		r.log.Warn(ctx, "update daemon last seen", slog.Error(err))
	}
}

func (r *jobRun) check() {
	ctx, cancel := context.WithTimeout(r.d.dbCtx, dbTimeout)
	defer cancel()
	job, err := r.d.db.GetProvisionerJobByID(ctx, r.job.ID)
	if err != nil {
		r.log.Warn(ctx, "re-read provisioner job", slog.Error(err))
		return
	}
	switch {
	case job.CompletedAt != nil, !r.ownedBy(job):
		r.cancel(errCompletedElsewhere)
	case job.CanceledAt != nil:
		r.cancel(errCanceled)
	}
}

// ownedBy reports whether job is still this run's: failover may have put
// it back in the queue (this daemon's replica was presumed dead), and
// another daemon may have taken it since.
func (r *jobRun) ownedBy(job database.ProvisionerJob) bool {
	return job.WorkerID == r.job.WorkerID && job.StartedAt != nil && r.job.StartedAt != nil &&
		job.StartedAt.Equal(*r.job.StartedAt)
}
