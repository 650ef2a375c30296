package convert

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/devplane/devplane/coderd/jobinput"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// ProvisionerDaemonStaleAfter is how long a daemon may go unheard before it
// counts as offline.
const ProvisionerDaemonStaleAfter = 90 * time.Second

// ProvisionerJobStatus derives a job's status from its timestamps. It is the
// one place that does, so every endpoint agrees.
func ProvisionerJobStatus(job database.ProvisionerJob) codersdk.ProvisionerJobStatus {
	switch {
	case job.CanceledAt != nil && job.CompletedAt != nil:
		return codersdk.ProvisionerJobCanceled
	case job.CanceledAt != nil:
		return codersdk.ProvisionerJobCanceling
	case job.StartedAt == nil:
		return codersdk.ProvisionerJobPending
	case job.CompletedAt == nil:
		return codersdk.ProvisionerJobRunning
	case job.Error != nil && *job.Error != "":
		return codersdk.ProvisionerJobFailed
	default:
		return codersdk.ProvisionerJobSucceeded
	}
}

// StringMap decodes a JSON object of strings (tags, environment variables),
// never returning nil so it encodes as {}. The columns are jsonb, so they
// always parse, and only the server writes them, from a map[string]string;
// a row of another shape (edited by hand) reads as empty rather than
// failing every list it is in.
func StringMap(raw json.RawMessage) map[string]string {
	out := map[string]string{}
	if len(raw) > 0 && json.Unmarshal(raw, &out) != nil {
		out = map[string]string{}
	}
	if out == nil {
		out = map[string]string{}
	}
	return out
}

// JobExtras is what a job's conversion needs beyond its own row.
type JobExtras struct {
	QueuePosition, QueueSize int64
	// Version is the template version an import or dry-run works on, if
	// known.
	Version *database.TemplateVersion
	// WorkerName is the name of the daemon running the job, if known.
	WorkerName string
}

// ProvisionerJob converts a job. A job whose input does not parse says so
// in input.error rather than failing the response.
func ProvisionerJob(job database.ProvisionerJob, extra JobExtras) codersdk.ProvisionerJob {
	out := codersdk.ProvisionerJob{
		ID:             job.ID,
		CreatedAt:      job.CreatedAt,
		StartedAt:      job.StartedAt,
		CompletedAt:    job.CompletedAt,
		CanceledAt:     job.CanceledAt,
		Status:         ProvisionerJobStatus(job),
		FileID:         job.FileID,
		Tags:           StringMap(job.Tags),
		QueuePosition:  int(extra.QueuePosition),
		QueueSize:      int(extra.QueueSize),
		OrganizationID: job.OrganizationID,
		InitiatorID:    job.InitiatorID,
		Type:           codersdk.ProvisionerJobType(job.Type),
		WorkerName:     extra.WorkerName,
	}
	if job.Error != nil {
		out.Error = *job.Error
	}
	if job.ErrorCode != nil {
		out.ErrorCode = codersdk.JobErrorCode(*job.ErrorCode)
	}
	if job.WorkerID.Valid {
		id := job.WorkerID.UUID
		out.WorkerID = &id
	}
	var input jobinput.Shown
	if err := json.Unmarshal(job.Input, &input); err != nil {
		out.Input.Error = "the job's input is not valid JSON"
	}
	out.Input.TemplateVersionID = input.TemplateVersionID
	out.Input.WorkspaceBuildID = input.WorkspaceBuildID
	if v := extra.Version; v != nil {
		out.Metadata.TemplateVersionName = v.Name
		if v.TemplateID.Valid {
			out.Metadata.TemplateID = v.TemplateID.UUID
		}
	}
	return out
}

// ProvisionerJobLog converts one log line.
func ProvisionerJobLog(l database.ProvisionerJobLog) codersdk.ProvisionerJobLog {
	return codersdk.ProvisionerJobLog{
		ID:        l.ID,
		CreatedAt: l.CreatedAt,
		Source:    codersdk.LogSource(l.Source),
		Level:     codersdk.LogLevel(l.Level),
		Stage:     l.Stage,
		Output:    l.Output,
	}
}

// MatchDaemons counts the daemons of rows that could run job, as of now;
// nil rows (the caller may not list daemons) give nil.
func MatchDaemons(job database.ProvisionerJob, rows []database.GetProvisionerDaemonsByOrganizationRow, now time.Time) *codersdk.MatchedProvisioners {
	if rows == nil {
		return nil
	}
	jobTags := StringMap(job.Tags)
	out := &codersdk.MatchedProvisioners{}
	for _, row := range rows {
		d := row.ProvisionerDaemon
		if !slices.Contains(d.Provisioners, string(job.Provisioner)) {
			continue
		}
		daemonTags := StringMap(d.Tags)
		fits := true
		for k, v := range jobTags {
			if daemonTags[k] != v {
				fits = false
				break
			}
		}
		if !fits {
			continue
		}
		out.Count++
		if d.LastSeenAt == nil {
			continue
		}
		if now.Sub(*d.LastSeenAt) <= ProvisionerDaemonStaleAfter {
			out.Available++
		}
		if out.MostRecentlySeen == nil || d.LastSeenAt.After(*out.MostRecentlySeen) {
			seen := *d.LastSeenAt
			out.MostRecentlySeen = &seen
		}
	}
	return out
}
