package codersdk

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/google/uuid"
)

// ProvisionerType names the program that turns a template into resources.
type ProvisionerType string

const (
	// ProvisionerTypeEcho replays a declarative description of its
	// results; it is for tests and demos.
	ProvisionerTypeEcho      ProvisionerType = "echo"
	ProvisionerTypeTerraform ProvisionerType = "terraform"
)

// ProvisionerStorageMethod says where a job's source comes from.
type ProvisionerStorageMethod string

// ProvisionerStorageMethodFile is an uploaded file (POST /files).
const ProvisionerStorageMethodFile ProvisionerStorageMethod = "file"

// LogSource says who wrote a job log line.
type LogSource string

// LogLevel is a job log line's severity.
type LogLevel string

const (
	LogSourceProvisionerDaemon LogSource = "provisioner_daemon"
	LogSourceProvisioner       LogSource = "provisioner"

	LogLevelTrace LogLevel = "trace"
	LogLevelDebug LogLevel = "debug"
	LogLevelInfo  LogLevel = "info"
	LogLevelWarn  LogLevel = "warn"
	LogLevelError LogLevel = "error"
)

// ProvisionerJobStatus is where a job is in its life.
type ProvisionerJobStatus string

const (
	ProvisionerJobPending   ProvisionerJobStatus = "pending"
	ProvisionerJobRunning   ProvisionerJobStatus = "running"
	ProvisionerJobSucceeded ProvisionerJobStatus = "succeeded"
	ProvisionerJobCanceling ProvisionerJobStatus = "canceling"
	ProvisionerJobCanceled  ProvisionerJobStatus = "canceled"
	ProvisionerJobFailed    ProvisionerJobStatus = "failed"
	ProvisionerJobUnknown   ProvisionerJobStatus = "unknown"
)

// Active reports whether the job may still change: pending, running, or
// being canceled.
func (s ProvisionerJobStatus) Active() bool {
	return s == ProvisionerJobPending || s == ProvisionerJobRunning || s == ProvisionerJobCanceling
}

// JobErrorCode classifies a failure a client can act on.
type JobErrorCode string

// RequiredTemplateVariables: the import needs values for variables that
// have no default.
const RequiredTemplateVariables JobErrorCode = "REQUIRED_TEMPLATE_VARIABLES"

// ProvisionerJobType says what a job does.
type ProvisionerJobType string

const (
	ProvisionerJobTypeTemplateVersionImport ProvisionerJobType = "template_version_import"
	ProvisionerJobTypeWorkspaceBuild        ProvisionerJobType = "workspace_build"
	ProvisionerJobTypeTemplateVersionDryRun ProvisionerJobType = "template_version_dry_run"
)

// ProvisionerJob is one unit of work for a provisioner daemon.
type ProvisionerJob struct {
	ID            uuid.UUID            `json:"id" format:"uuid"`
	CreatedAt     time.Time            `json:"created_at" format:"date-time"`
	StartedAt     *time.Time           `json:"started_at,omitempty" format:"date-time"`
	CompletedAt   *time.Time           `json:"completed_at,omitempty" format:"date-time"`
	CanceledAt    *time.Time           `json:"canceled_at,omitempty" format:"date-time"`
	Error         string               `json:"error,omitempty"`
	ErrorCode     JobErrorCode         `json:"error_code,omitempty" enums:"REQUIRED_TEMPLATE_VARIABLES"`
	Status        ProvisionerJobStatus `json:"status" enums:"pending,running,succeeded,canceling,canceled,failed"`
	WorkerID      *uuid.UUID           `json:"worker_id,omitempty" format:"uuid"`
	WorkerName    string               `json:"worker_name,omitempty"`
	FileID        uuid.UUID            `json:"file_id" format:"uuid"`
	Tags          map[string]string    `json:"tags"`
	QueuePosition int                  `json:"queue_position"`
	QueueSize     int                  `json:"queue_size"`
	// OrganizationID and InitiatorID say whose job it is.
	OrganizationID   uuid.UUID              `json:"organization_id" format:"uuid"`
	InitiatorID      uuid.UUID              `json:"initiator_id" format:"uuid"`
	Input            ProvisionerJobInput    `json:"input"`
	Type             ProvisionerJobType     `json:"type"`
	AvailableWorkers []uuid.UUID            `json:"available_workers,omitempty" format:"uuid"`
	Metadata         ProvisionerJobMetadata `json:"metadata"`
	LogsOverflowed   bool                   `json:"logs_overflowed"`
}

// ProvisionerJobInput is what a job works on.
type ProvisionerJobInput struct {
	TemplateVersionID *uuid.UUID `json:"template_version_id,omitempty" format:"uuid"`
	WorkspaceBuildID  *uuid.UUID `json:"workspace_build_id,omitempty" format:"uuid"`
	Error             string     `json:"error,omitempty"`
}

// ProvisionerJobMetadata names the template (and workspace) a job is for.
type ProvisionerJobMetadata struct {
	TemplateVersionName      string              `json:"template_version_name"`
	TemplateID               uuid.UUID           `json:"template_id" format:"uuid"`
	TemplateName             string              `json:"template_name"`
	TemplateDisplayName      string              `json:"template_display_name"`
	TemplateIcon             string              `json:"template_icon"`
	WorkspaceID              *uuid.UUID          `json:"workspace_id,omitempty" format:"uuid"`
	WorkspaceName            string              `json:"workspace_name,omitempty"`
	WorkspaceBuildTransition WorkspaceTransition `json:"workspace_build_transition,omitempty" enums:"start,stop,delete"`
}

// ProvisionerJobLog is one line of a job's output.
type ProvisionerJobLog struct {
	ID        int64     `json:"id"`
	CreatedAt time.Time `json:"created_at" format:"date-time"`
	Source    LogSource `json:"log_source"`
	Level     LogLevel  `json:"log_level" enums:"trace,debug,info,warn,error"`
	Stage     string    `json:"stage"`
	Output    string    `json:"output"`
}

// ProvisionerDaemonStatus is what a daemon is doing, judged by its current
// job and when it was last heard from.
type ProvisionerDaemonStatus string

const (
	ProvisionerDaemonOffline ProvisionerDaemonStatus = "offline"
	ProvisionerDaemonIdle    ProvisionerDaemonStatus = "idle"
	ProvisionerDaemonBusy    ProvisionerDaemonStatus = "busy"
)

// Provisioner keys of daemons that authenticate without a key of their
// own. Daemons run inside the server are "built-in".
var (
	ProvisionerKeyIDBuiltIn  = uuid.MustParse("00000000-0000-0000-0000-000000000001")
	ProvisionerKeyIDUserAuth = uuid.MustParse("00000000-0000-0000-0000-000000000002")
	ProvisionerKeyIDPSK      = uuid.MustParse("00000000-0000-0000-0000-000000000003")
)

const (
	ProvisionerKeyNameBuiltIn  = "built-in"
	ProvisionerKeyNameUserAuth = "user-auth"
	ProvisionerKeyNamePSK      = "psk"
)

// ProvisionerDaemon is a process that runs provisioner jobs.
type ProvisionerDaemon struct {
	ID             uuid.UUID         `json:"id" format:"uuid"`
	OrganizationID uuid.UUID         `json:"organization_id" format:"uuid"`
	KeyID          uuid.UUID         `json:"key_id" format:"uuid"`
	CreatedAt      time.Time         `json:"created_at" format:"date-time"`
	LastSeenAt     *time.Time        `json:"last_seen_at" format:"date-time"`
	Name           string            `json:"name"`
	Version        string            `json:"version"`
	APIVersion     string            `json:"api_version"`
	Provisioners   []ProvisionerType `json:"provisioners"`
	Tags           map[string]string `json:"tags"`

	// Optional fields.
	KeyName     *string                  `json:"key_name"`
	Status      *ProvisionerDaemonStatus `json:"status" enums:"offline,idle,busy"`
	CurrentJob  *ProvisionerDaemonJob    `json:"current_job"`
	PreviousJob *ProvisionerDaemonJob    `json:"previous_job"`
}

// ProvisionerDaemonJob is the short form of a job a daemon runs or ran.
type ProvisionerDaemonJob struct {
	ID                  uuid.UUID            `json:"id" format:"uuid"`
	Status              ProvisionerJobStatus `json:"status" enums:"pending,running,succeeded,canceling,canceled,failed"`
	TemplateName        string               `json:"template_name"`
	TemplateIcon        string               `json:"template_icon"`
	TemplateDisplayName string               `json:"template_display_name"`
}

// MatchedProvisioners counts the daemons that could run a job.
type MatchedProvisioners struct {
	// Count is the number of daemons whose provisioners and tags fit.
	Count int `json:"count"`
	// Available is how many of those were seen recently.
	Available int `json:"available"`
	// MostRecentlySeen is the latest heartbeat among them, or null.
	MostRecentlySeen *time.Time `json:"most_recently_seen,omitempty" format:"date-time"`
}

// OrganizationProvisionerJobsOptions filter GET
// /organizations/{organization}/provisionerjobs.
type OrganizationProvisionerJobsOptions struct {
	Limit  int
	Status []ProvisionerJobStatus
}

// OrganizationProvisionerJobs lists an organization's jobs, newest first.
func (c *Client) OrganizationProvisionerJobs(ctx context.Context, orgID uuid.UUID, opts *OrganizationProvisionerJobsOptions) ([]ProvisionerJob, error) {
	var reqOpts []RequestOption
	if opts != nil {
		if opts.Limit > 0 {
			reqOpts = append(reqOpts, WithQueryParam("limit", strconv.Itoa(opts.Limit)))
		}
		for _, s := range opts.Status {
			reqOpts = append(reqOpts, WithQueryParam("status", string(s)))
		}
	}
	var jobs []ProvisionerJob
	return jobs, c.getJSON(ctx, fmt.Sprintf("/api/v2/organizations/%s/provisionerjobs", orgID), &jobs, reqOpts...)
}

// OrganizationProvisionerJob returns one of an organization's jobs.
func (c *Client) OrganizationProvisionerJob(ctx context.Context, orgID, jobID uuid.UUID) (ProvisionerJob, error) {
	var job ProvisionerJob
	return job, c.getJSON(ctx, fmt.Sprintf("/api/v2/organizations/%s/provisionerjobs/%s", orgID, jobID), &job)
}

// OrganizationProvisionerDaemons lists an organization's provisioner daemons.
func (c *Client) OrganizationProvisionerDaemons(ctx context.Context, orgID uuid.UUID) ([]ProvisionerDaemon, error) {
	var daemons []ProvisionerDaemon
	return daemons, c.getJSON(ctx, fmt.Sprintf("/api/v2/organizations/%s/provisionerdaemons", orgID), &daemons)
}

// provisionerJobLogs returns the logs stored so far after the log id after.
func (c *Client) provisionerJobLogs(ctx context.Context, path string, after int64) ([]ProvisionerJobLog, error) {
	var logs []ProvisionerJobLog
	var opts []RequestOption
	if after != 0 {
		opts = append(opts, WithQueryParam("after", strconv.FormatInt(after, 10)))
	}
	return logs, c.getJSON(ctx, path, &logs, opts...)
}

// provisionerJobLogsAfter follows a job's logs over a websocket: the channel
// yields every log after the log id after, then closes when the job has
// completed (or ctx ends, or the closer is called).
func (c *Client) provisionerJobLogsAfter(ctx context.Context, path string, after int64) (<-chan ProvisionerJobLog, io.Closer, error) {
	return followJSON[ProvisionerJobLog](ctx, c, path, after, 0)
}
