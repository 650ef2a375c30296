package provisionerd

import (
	"context"
	"fmt"
	"strings"
	"time"

	"cdr.dev/slog"
	"github.com/jackc/pgx/v5"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/pubsub"
)

// ErrorCodeHung is the error_code of a job the hang detector failed.
const ErrorCodeHung = "HUNG"

// Hang detector defaults.
const (
	DefaultHangThreshold = 5 * time.Minute
	// Often enough that a canceled job of a dead daemon completes soon
	// after CanceledHangThreshold; a pass is one indexed query.
	DefaultHangInterval = 10 * time.Second
)

// HangDetectorOptions configures RunHangDetector.
type HangDetectorOptions struct {
	Logger slog.Logger
	// DB must be dbauthz-wrapped; the detector acts as
	// dbauthz.AsProvisionerd.
	DB     database.Store
	Pubsub pubsub.Pubsub
	// Threshold is how long a running job may go without a heartbeat
	// (default 5m). Keep it well above the daemons' HeartbeatInterval.
	Threshold time.Duration
	// Interval between passes (default 10s).
	Interval time.Duration
}

// RunHangDetector fails running jobs whose daemon stopped heartbeating
// (crashed, lost its database connection, was killed), at once and then
// every Interval, until ctx is done.
func RunHangDetector(ctx context.Context, opts HangDetectorOptions) {
	if opts.Threshold <= 0 {
		opts.Threshold = DefaultHangThreshold
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultHangInterval
	}
	log := opts.Logger.Named("hang_detector")
	t := time.NewTicker(opts.Interval)
	defer t.Stop()
	for {
		n, err := DetectHungJobs(ctx, opts.DB, opts.Pubsub, dbtime.Now(), opts.Threshold)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error(ctx, "detect hung provisioner jobs", slog.Error(err))
		case n > 0:
			log.Warn(ctx, "failed hung provisioner jobs", slog.F("count", n), slog.F("threshold", opts.Threshold.String()))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// CanceledHangThreshold is how long a canceled running job may go without
// a heartbeat before the hang detector completes it as canceled: its daemon
// is gone (six missed heartbeats), and the user asked for it to end. The
// cancel itself completes such a job at once when the heartbeat is already
// this old (UpdateProvisionerJobWithCancelByID).
const CanceledHangThreshold = 30 * time.Second

// DetectHungJobs fails every running job not heartbeated since
// now-threshold: it adds a log line saying why, completes the job with
// error_code ErrorCodeHung and publishes EventProvisionerJobLogs. A
// canceled job is completed as canceled once not heartbeated for
// CanceledHangThreshold. A build keeps the previous build's state. It
// returns how many jobs it completed. A job whose heartbeat lands while it
// is being failed is left running.
func DetectHungJobs(ctx context.Context, db database.Store, ps pubsub.Pubsub, now time.Time, threshold time.Duration) (int, error) {
	ctx = dbauthz.AsProvisionerd(ctx)
	now = dbtime.Time(now)
	jobs, err := db.GetHungProvisionerJobs(ctx, now.Add(-min(threshold, CanceledHangThreshold)))
	if err != nil {
		return 0, xerrors.Errorf("get hung jobs: %w", err)
	}
	failed := 0
	var firstErr error
	for _, job := range jobs {
		cutoff := now.Add(-threshold)
		reason := "no heartbeat from its provisioner daemon for " + shortDuration(threshold)
		message, code := "the job is hung: "+reason, ErrorCodeHung
		errorCode := &code
		line := fmt.Sprintf("Job marked as failed: %s.", reason)
		if job.CanceledAt != nil {
			cutoff = now.Add(-CanceledHangThreshold)
			message, errorCode = MessageCanceled, nil
			line = "Job marked as canceled: no heartbeat from its provisioner daemon for " + shortDuration(CanceledHangThreshold) + "."
		}
		if !job.UpdatedAt.Before(cutoff) {
			continue
		}
		var hung bool
		// Repeatable read: if the daemon heartbeats after our snapshot, the
		// completing UPDATE fails to serialize and the retry sees the
		// fresh updated_at.
		err := db.InTx(ctx, func(tx database.Store) error {
			current, err := tx.GetProvisionerJobByID(ctx, job.ID)
			if err != nil {
				return err
			}
			hung = current.CompletedAt == nil && current.StartedAt != nil && current.UpdatedAt.Before(cutoff)
			if !hung {
				return nil
			}
			if current.Type == database.ProvisionerJobTypeWorkspaceBuild {
				if err := keepPreviousState(ctx, tx, current); err != nil {
					return err
				}
			}
			if err := tx.UpdateProvisionerJobWithCompleteByID(ctx, database.UpdateProvisionerJobWithCompleteByIDParams{
				ID: job.ID, CompletedAt: &now, Error: &message, ErrorCode: errorCode,
			}); err != nil {
				return err
			}
			_, err = tx.InsertProvisionerJobLogs(ctx, database.InsertProvisionerJobLogsParams{
				JobID:     job.ID,
				CreatedAt: []time.Time{now},
				Source:    []string{string(database.LogSourceProvisionerDaemon)},
				Level:     []string{string(provisioner.LogLevelError)},
				Stage:     []string{stageCleaningUp},
				Output:    []string{line},
			})
			return err
		}, &database.TxOptions{Isolation: pgx.RepeatableRead})
		if err != nil {
			if ctx.Err() != nil {
				return failed, ctx.Err()
			}
			if firstErr == nil {
				firstErr = xerrors.Errorf("fail hung job %s: %w", job.ID, err)
			}
			continue
		}
		if hung {
			failed++
			publishJobLogs(ps, slog.Make(), job.ID)
		}
	}
	return failed, firstErr
}

// shortDuration formats d without trailing zero units: 5m, 1h, 90s → 1m30s.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
