package provisionerd

import (
	"context"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"cdr.dev/slog"
	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/pubsub"
)

// Log batching: a job's logs are written at most every logFlushInterval, or
// as soon as logFlushLines are waiting, and always before the job completes,
// so a follower that sees a completed job has every line.
const (
	logFlushInterval = 100 * time.Millisecond
	logFlushLines    = 50
	// maxLogOutput bounds one line; longer output is cut.
	maxLogOutput = 64 << 10
)

// Stages of the daemon's own log lines, as upstream Coder names them.
const (
	stageSettingUp  = "Setting up"
	stageCleaningUp = "Cleaning up"
)

// jobLogs batches one job's log lines into InsertProvisionerJobLogs and
// publishes EventProvisionerJobLogs after each write.
type jobLogs struct {
	ctx   context.Context
	db    database.Store
	ps    pubsub.Pubsub
	log   slog.Logger
	jobID uuid.UUID

	mu      sync.Mutex
	pending database.InsertProvisionerJobLogsParams
	// flushMu makes batches reach the database in the order they were
	// taken, so log ids follow the order lines were produced.
	flushMu sync.Mutex

	stop chan struct{}
	done chan struct{}
}

func newJobLogs(ctx context.Context, db database.Store, ps pubsub.Pubsub, log slog.Logger, jobID uuid.UUID) *jobLogs {
	l := &jobLogs{
		ctx: ctx, db: db, ps: ps, log: log, jobID: jobID,
		stop: make(chan struct{}),
		done: make(chan struct{}),
	}
	go l.flushLoop()
	return l
}

func (l *jobLogs) flushLoop() {
	defer close(l.done)
	t := time.NewTicker(logFlushInterval)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			l.flush()
		}
	}
}

// add queues a line. When a full batch is waiting it is written right
// away, on the caller's goroutine: a provisioner that logs faster than the
// database takes lines is slowed down rather than buffered without bound.
func (l *jobLogs) add(source database.LogSource, level provisioner.LogLevel, stage, output string) {
	if !level.Valid() {
		level = provisioner.LogLevelInfo
	}
	stage, output = cleanText(stage), cleanText(output)
	if len(output) > maxLogOutput {
		cut := maxLogOutput
		for cut > 0 && !utf8.RuneStart(output[cut]) {
			cut--
		}
		output = output[:cut] + " [truncated]"
	}
	l.mu.Lock()
	p := &l.pending
	p.CreatedAt = append(p.CreatedAt, dbtime.Now())
	p.Source = append(p.Source, string(source))
	p.Level = append(p.Level, string(level))
	p.Stage = append(p.Stage, stage)
	p.Output = append(p.Output, output)
	full := len(p.Output) >= logFlushLines
	l.mu.Unlock()
	if full {
		l.flush()
	}
}

// cleanText makes s storable in a PostgreSQL text column, which takes
// neither invalid UTF-8 nor NUL bytes; one bad line must not lose a batch.
func cleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return s
}

// daemon logs a line of the daemon's own.
func (l *jobLogs) daemon(level provisioner.LogLevel, stage, output string) {
	l.add(database.LogSourceProvisionerDaemon, level, stage, output)
}

// provisionerLogger is the Logger handed to the provisioner.
func (l *jobLogs) provisionerLogger(entry provisioner.Log) {
	l.add(database.LogSourceProvisioner, entry.Level, entry.Stage, entry.Output)
}

// flush writes what is waiting. A failed write is logged and dropped:
// logs must never stop a job.
func (l *jobLogs) flush() {
	l.flushMu.Lock()
	defer l.flushMu.Unlock()
	l.mu.Lock()
	batch := l.pending
	l.pending = database.InsertProvisionerJobLogsParams{}
	l.mu.Unlock()
	if len(batch.Output) == 0 {
		return
	}
	batch.JobID = l.jobID
	ctx, cancel := context.WithTimeout(l.ctx, dbTimeout)
	defer cancel()
	if _, err := l.db.InsertProvisionerJobLogs(ctx, batch); err != nil {
		l.log.Warn(ctx, "store provisioner job logs", slog.F("lines", len(batch.Output)), slog.Error(err))
		return
	}
	publishJobLogs(l.ps, l.log, l.jobID)
}

// close stops the timer and writes what is left.
func (l *jobLogs) close() {
	close(l.stop)
	<-l.done
	l.flush()
}

// publishJobLogs tells log followers (and a daemon running the job) to look
// at the job again.
func publishJobLogs(ps pubsub.Pubsub, log slog.Logger, jobID uuid.UUID) {
	if err := ps.Publish(pubsub.EventProvisionerJobLogs(jobID.String()), nil); err != nil {
		log.Warn(context.Background(), "publish provisioner job logs", slog.F("job_id", jobID), slog.Error(err))
	}
}
