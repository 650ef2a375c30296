package coderd

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"cdr.dev/slog"
	"github.com/coder/websocket"
	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/pubsub"
)

// defaultProvisionerJobsLimit is the page size of the job list when the
// caller names none.
const defaultProvisionerJobsLimit = 50

// logFollowPollInterval is how often a log follower looks again without a
// notification: pubsub messages can be lost while a listener reconnects.
const logFollowPollInterval = 5 * time.Second

// loadJobs fetches jobs with their queue positions, keyed by ID. Jobs the
// caller may not read are missing from the map.
func (api *API) loadJobs(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]database.GetProvisionerJobsByIDsWithQueuePositionRow, error) {
	out := make(map[uuid.UUID]database.GetProvisionerJobsByIDsWithQueuePositionRow, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := api.Database.GetProvisionerJobsByIDsWithQueuePosition(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, row := range rows {
		out[row.ProvisionerJob.ID] = row
	}
	return out, nil
}

// loadDaemonNames maps an organization's daemon IDs to names, for jobs'
// worker_name. A caller who may not list daemons gets no names; a failure
// to load them is an error.
func (api *API) loadDaemonNames(ctx context.Context, orgID uuid.UUID) (map[uuid.UUID]string, error) {
	rows, err := api.loadOrganizationDaemons(ctx, orgID)
	if err != nil {
		return nil, err
	}
	names := make(map[uuid.UUID]string, len(rows))
	for _, row := range rows {
		names[row.ProvisionerDaemon.ID] = row.ProvisionerDaemon.Name
	}
	return names, nil
}

// loadProvisionerJobs converts an organization's jobs, loading their queue
// positions, template versions and daemon names.
func (api *API) loadProvisionerJobs(ctx context.Context, orgID uuid.UUID, jobs []database.ProvisionerJob) ([]codersdk.ProvisionerJob, error) {
	ids := make([]uuid.UUID, 0, len(jobs))
	anyWorker := false
	for _, j := range jobs {
		ids = append(ids, j.ID)
		anyWorker = anyWorker || j.WorkerID.Valid
	}
	queued, err := api.loadJobs(ctx, ids)
	if err != nil {
		return nil, err
	}
	var names map[uuid.UUID]string
	if anyWorker {
		if names, err = api.loadDaemonNames(ctx, orgID); err != nil {
			return nil, err
		}
	}
	out := make([]codersdk.ProvisionerJob, 0, len(jobs))
	for _, j := range jobs {
		extra := convert.JobExtras{}
		if row, ok := queued[j.ID]; ok {
			j = row.ProvisionerJob
			extra.QueuePosition, extra.QueueSize = row.QueuePosition, row.QueueSize
		}
		if j.WorkerID.Valid {
			extra.WorkerName = names[j.WorkerID.UUID]
		}
		if j.Type == database.ProvisionerJobTypeTemplateVersionImport || j.Type == database.ProvisionerJobTypeTemplateVersionDryRun {
			v, err := api.Database.GetTemplateVersionByJobID(ctx, j.ID)
			switch {
			case err == nil:
				extra.Version = &v
			case !httpapi.IsUnauthorizedOrNotFound(err):
				return nil, err
			}
		}
		out = append(out, convert.ProvisionerJob(j, extra))
	}
	return out, nil
}

// parseJobStatuses reads the status filter: repeated or comma-separated.
func parseJobStatuses(r *http.Request) ([]codersdk.ProvisionerJobStatus, string) {
	var out []codersdk.ProvisionerJobStatus
	valid := []codersdk.ProvisionerJobStatus{
		codersdk.ProvisionerJobPending, codersdk.ProvisionerJobRunning, codersdk.ProvisionerJobSucceeded,
		codersdk.ProvisionerJobCanceling, codersdk.ProvisionerJobCanceled, codersdk.ProvisionerJobFailed,
	}
	for _, raw := range r.URL.Query()["status"] {
		for _, s := range strings.Split(raw, ",") {
			s = strings.TrimSpace(s)
			if s == "" {
				continue
			}
			st := codersdk.ProvisionerJobStatus(s)
			if !slices.Contains(valid, st) {
				return nil, fmt.Sprintf("%q is not a job status; use pending, running, succeeded, canceling, canceled or failed", s)
			}
			out = append(out, st)
		}
	}
	return out, ""
}

// @Summary Get provisioner jobs
// @ID get-provisioner-jobs
// @Security CoderSessionToken
// @Produce json
// @Tags Organizations
// @Param organization path string true "Organization ID or name"
// @Param limit query int false "Page limit (default 50)"
// @Param status query string false "Filter by status: pending, running, succeeded, canceling, canceled, failed (comma-separated or repeated)"
// @Success 200 {array} codersdk.ProvisionerJob
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/provisionerjobs [get]
func (api *API) provisionerJobs(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org := httpmw.OrganizationParam(r)

	var v httpapi.Validations
	limit := defaultProvisionerJobsLimit
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > httpapi.MaxPageLimit {
			v.Check("limit", fmt.Sprintf("must be a whole number from 1 to %d", httpapi.MaxPageLimit))
		}
		limit = n
	}
	statuses, problem := parseJobStatuses(r)
	v.Check("status", problem)
	if len(v) > 0 {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid query parameters.", Validations: v})
		return
	}

	// TODO: push the status filter into SQL (see the report that added
	// this endpoint); until then a filtered list reads the whole queue.
	queryLimit := int32(limit)
	if len(statuses) > 0 {
		queryLimit = 0
	}
	jobs, err := api.Database.GetProvisionerJobsByOrganization(ctx, database.GetProvisionerJobsByOrganizationParams{
		OrganizationID: org.ID, LimitOpt: queryLimit,
	})
	switch {
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to list this organization's provisioner jobs."})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	if len(statuses) > 0 {
		kept := jobs[:0]
		for _, j := range jobs {
			if slices.Contains(statuses, convert.ProvisionerJobStatus(j)) {
				kept = append(kept, j)
			}
		}
		jobs = kept
		if len(jobs) > limit {
			jobs = jobs[:limit]
		}
	}
	out, err := api.loadProvisionerJobs(ctx, org.ID, jobs)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, out)
}

// @Summary Get provisioner job
// @ID get-provisioner-job
// @Security CoderSessionToken
// @Produce json
// @Tags Organizations
// @Param organization path string true "Organization ID or name"
// @Param job path string true "Job ID" format(uuid)
// @Success 200 {object} codersdk.ProvisionerJob
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/provisionerjobs/{job} [get]
func (api *API) provisionerJob(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org, job := httpmw.OrganizationParam(r), httpmw.ProvisionerJobParam(r)
	out, err := api.loadProvisionerJobs(ctx, org.ID, []database.ProvisionerJob{job})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, out[0])
}

// daemonStatus judges a daemon by its last heartbeat and current job.
func daemonStatus(d database.ProvisionerDaemon, hasJob bool, now time.Time) codersdk.ProvisionerDaemonStatus {
	switch {
	case d.LastSeenAt == nil || now.Sub(*d.LastSeenAt) > convert.ProvisionerDaemonStaleAfter:
		return codersdk.ProvisionerDaemonOffline
	case hasJob:
		return codersdk.ProvisionerDaemonBusy
	default:
		return codersdk.ProvisionerDaemonIdle
	}
}

// @Summary Get provisioner daemons
// @ID get-provisioner-daemons
// @Security CoderSessionToken
// @Produce json
// @Tags Provisioning
// @Param organization path string true "Organization ID or name"
// @Success 200 {array} codersdk.ProvisionerDaemon
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /organizations/{organization}/provisionerdaemons [get]
func (api *API) provisionerDaemons(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	org := httpmw.OrganizationParam(r)
	out, err := api.organizationProvisionerDaemons(ctx, org.ID)
	switch {
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to list this organization's provisioner daemons."})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, out)
}

// organizationProvisionerDaemons lists an organization's daemons with
// their status and current job, as the caller may see them.
func (api *API) organizationProvisionerDaemons(ctx context.Context, orgID uuid.UUID) ([]codersdk.ProvisionerDaemon, error) {
	rows, err := api.Database.GetProvisionerDaemonsByOrganization(ctx, orgID)
	if err != nil {
		return nil, err
	}
	var jobIDs []uuid.UUID
	for _, row := range rows {
		if row.CurrentJobID != uuid.Nil {
			jobIDs = append(jobIDs, row.CurrentJobID)
		}
	}
	jobs, err := api.loadJobs(ctx, jobIDs)
	if err != nil {
		return nil, err
	}
	now := dbtime.Now()
	out := make([]codersdk.ProvisionerDaemon, 0, len(rows))
	for _, row := range rows {
		d := row.ProvisionerDaemon
		provisioners := make([]codersdk.ProvisionerType, 0, len(d.Provisioners))
		for _, p := range d.Provisioners {
			provisioners = append(provisioners, codersdk.ProvisionerType(p))
		}
		keyName := codersdk.ProvisionerKeyNameBuiltIn
		status := daemonStatus(d, row.CurrentJobID != uuid.Nil, now)
		daemon := codersdk.ProvisionerDaemon{
			ID:             d.ID,
			OrganizationID: d.OrganizationID,
			KeyID:          codersdk.ProvisionerKeyIDBuiltIn,
			CreatedAt:      d.CreatedAt,
			LastSeenAt:     d.LastSeenAt,
			Name:           d.Name,
			Version:        d.Version,
			APIVersion:     d.ApiVersion,
			Provisioners:   provisioners,
			Tags:           convert.StringMap(d.Tags),
			KeyName:        &keyName,
			Status:         &status,
		}
		if row.CurrentJobID != uuid.Nil {
			// A daemon's current job is not completed; without read access
			// to the job, running is the best guess.
			current := &codersdk.ProvisionerDaemonJob{ID: row.CurrentJobID, Status: codersdk.ProvisionerJobRunning}
			if j, ok := jobs[row.CurrentJobID]; ok {
				current.Status = convert.ProvisionerJobStatus(j.ProvisionerJob)
			}
			daemon.CurrentJob = current
		}
		out = append(out, daemon)
	}
	return out, nil
}

// provisionerJobLogs answers a job's logs: the JSON list of those after
// ?after=<log id>, or with ?follow a websocket that streams each log as a
// JSON message until the job completes, then closes normally.
func (api *API) provisionerJobLogs(rw http.ResponseWriter, r *http.Request, job database.ProvisionerJob) {
	ctx := r.Context()
	q := r.URL.Query()
	var after int64
	if s := q.Get("after"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
				Message:     "Invalid query parameters.",
				Validations: []codersdk.ValidationError{{Field: "after", Detail: "must be a log ID (a whole number)"}},
			})
			return
		}
		after = n
	}
	follow := false
	if vals, ok := q["follow"]; ok {
		follow = true
		if v := vals[0]; v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
					Message:     "Invalid query parameters.",
					Validations: []codersdk.ValidationError{{Field: "follow", Detail: "must be true or false"}},
				})
				return
			}
			follow = b
		}
	}
	if !follow {
		logs, err := api.Database.GetProvisionerLogsAfterID(ctx, database.GetProvisionerLogsAfterIDParams{JobID: job.ID, CreatedAfter: after})
		if err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
		out := make([]codersdk.ProvisionerJobLog, 0, len(logs))
		for _, l := range logs {
			out = append(out, convert.ProvisionerJobLog(l))
		}
		httpapi.Write(ctx, rw, http.StatusOK, out)
		return
	}
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
			Message: "Following logs needs a websocket.",
			Detail:  "Send the request as a websocket upgrade, or leave out follow to get the logs stored so far.",
		})
		return
	}
	api.followProvisionerJobLogs(rw, r, job.ID, after)
}

func (api *API) followProvisionerJobLogs(rw http.ResponseWriter, r *http.Request, jobID uuid.UUID, after int64) {
	ctx := r.Context()
	if !httpapi.RequireUpgrade(ctx, rw, r) {
		return
	}
	log := api.Logger.With(slog.F("job_id", jobID))

	// Subscribe before the first read, so nothing stored in between is
	// missed; a notification only means "look again", which is also the
	// answer to the pubsub's reconnect notice (messages were lost).
	notify := make(chan struct{}, 1)
	cancelSub, err := pubsub.SubscribeWake(api.Pubsub, pubsub.EventProvisionerJobLogs(jobID.String()), notify, nil)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	defer cancelSub()

	conn, err := websocket.Accept(rw, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		// Accept has answered the request.
		return
	}
	// Nothing is read from the client; CloseRead ends ctx when it goes.
	ctx = conn.CloseRead(ctx)
	ticker := time.NewTicker(logFollowPollInterval)
	defer ticker.Stop()

	for {
		// The job first, then its logs: a daemon stores a job's logs
		// before completing it, so once a completed job is seen the read
		// after it has every log.
		job, err := api.Database.GetProvisionerJobByID(ctx, jobID)
		if err != nil {
			api.closeFollow(ctx, log, conn, err)
			return
		}
		logs, err := api.Database.GetProvisionerLogsAfterID(ctx, database.GetProvisionerLogsAfterIDParams{JobID: jobID, CreatedAfter: after})
		if err != nil {
			api.closeFollow(ctx, log, conn, err)
			return
		}
		for _, l := range logs {
			msg, err := json.Marshal(convert.ProvisionerJobLog(l))
			if err != nil {
				api.closeFollow(ctx, log, conn, err)
				return
			}
			if err := conn.Write(ctx, websocket.MessageText, msg); err != nil {
				return
			}
			after = l.ID
		}
		if job.CompletedAt != nil {
			_ = conn.Close(websocket.StatusNormalClosure, "job completed")
			return
		}
		select {
		case <-ctx.Done():
			_ = conn.Close(websocket.StatusGoingAway, "")
			return
		case <-notify:
		case <-ticker.C:
		}
	}
}

// closeFollow ends a log stream that failed on the server's side.
func (*API) closeFollow(ctx context.Context, log slog.Logger, conn *websocket.Conn, err error) {
	if errors.Is(err, context.Canceled) || ctx.Err() != nil {
		_ = conn.Close(websocket.StatusGoingAway, "")
		return
	}
	log.Warn(ctx, "follow provisioner job logs", slog.Error(err))
	_ = conn.Close(websocket.StatusInternalError, "internal error reading logs")
}

// cancelJob cancels a job the caller was allowed to cancel (imports, dry
// runs and builds share the rules): 400 once it completed or was canceled;
// a pending job is done at once, a running one is stopped by its daemon,
// which the job's notification wakes. what names the job in messages.
func (api *API) cancelJob(rw http.ResponseWriter, r *http.Request, job database.ProvisionerJob, what string) {
	ctx := r.Context()
	switch {
	case job.CompletedAt != nil:
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "The " + what + " has already completed."})
		return
	case job.CanceledAt != nil:
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "The " + what + " has already been marked as canceled."})
		return
	}
	now := dbtime.Now()
	err := api.Database.UpdateProvisionerJobWithCancelByID(ctx, database.UpdateProvisionerJobWithCancelByIDParams{ID: job.ID, CanceledAt: &now})
	switch {
	case dbauthz.IsNotAuthorizedError(err):
		httpapi.Write(ctx, rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to cancel this " + what + "."})
		return
	case err != nil:
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.SetDiff(ctx, map[string]any{"job_canceled": false}, map[string]any{"job_canceled": true})
	api.publishJobLogs(ctx, job.ID)
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.Response{Message: "Job has been marked as canceled."})
}
