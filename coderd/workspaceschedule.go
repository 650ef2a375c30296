package coderd

import (
	"fmt"
	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/domain/workspacebuild"
	"net/http"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/audit"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/coderd/schedule"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
)

// minExtension is how far ahead an extended deadline must be.
const minExtension = 30 * time.Minute

// writeUpdateError answers the error of a workspace update.
func writeUpdateError(rw http.ResponseWriter, r *http.Request, err error) {
	if dbauthz.IsNotAuthorizedError(err) {
		httpapi.Write(r.Context(), rw, http.StatusForbidden, codersdk.Response{Message: "You are not allowed to change this workspace."})
		return
	}
	httpapi.WriteError(r.Context(), rw, err)
}

func invalidField(rw http.ResponseWriter, r *http.Request, message, field, detail string) {
	httpapi.Write(r.Context(), rw, http.StatusBadRequest, codersdk.Response{
		Message: message, Validations: []codersdk.ValidationError{{Field: field, Detail: detail}},
	})
}

// checkAutostart validates a schedule against the template's policy and
// returns it in canonical form with its next start, or the problem.
func checkAutostart(t database.Template, raw string, now time.Time) (string, *time.Time, string) {
	sched, err := schedule.Weekly(raw)
	switch {
	case err != nil:
		return "", nil, err.Error()
	case !t.AllowUserAutostart:
		return "", nil, "the template does not allow users to set autostart"
	case sched.DaysOfWeek()&^(^uint8(t.AutostartBlockDaysOfWeek)&0x7f) != 0:
		return "", nil, "the schedule includes days the template does not allow autostart on (allowed: " +
			fmt.Sprint(codersdk.BitmapToWeekdays(^uint8(t.AutostartBlockDaysOfWeek)&0x7f)) + ")"
	}
	next := sched.Next(now)
	return sched.String(), &next, ""
}

// checkTTL validates a workspace TTL against the template's policy.
func checkTTL(t database.Template, ms *int64) (*int64, string) {
	if ms == nil {
		if !t.AllowUserAutostop && t.DefaultTtl > 0 {
			return nil, "the template does not allow users to change when workspaces stop"
		}
		return nil, ""
	}
	d := time.Duration(*ms) * time.Millisecond
	switch {
	case !t.AllowUserAutostop && d != time.Duration(t.DefaultTtl):
		return nil, "the template does not allow users to change when workspaces stop"
	case d < minWorkspaceTTL || d > maxWorkspaceTTL:
		return nil, fmt.Sprintf("must be between %d (one minute) and %d (30 days), or null for none", minWorkspaceTTL.Milliseconds(), maxWorkspaceTTL.Milliseconds())
	}
	ns := int64(d)
	return &ns, ""
}

// @Summary Update workspace autostart schedule by ID
// @Description The schedule is "CRON_TZ=<tz> <minute> <hour> * * <days of
// @Description week>"; empty or null turns autostart off.
// @ID update-workspace-autostart-schedule-by-id
// @Security CoderSessionToken
// @Accept json
// @Tags Workspaces
// @Param workspace path string true "Workspace ID" format(uuid)
// @Param request body codersdk.UpdateWorkspaceAutostartRequest true "Schedule update request"
// @Success 204
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/autostart [put]
func (api *API) putWorkspaceAutostart(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w := httpmw.WorkspaceParam(r)
	var req codersdk.UpdateWorkspaceAutostartRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	p := database.UpdateWorkspaceAutostartParams{ID: w.ID, UpdatedAt: dbtime.Now()}
	if req.Schedule != nil && *req.Schedule != "" {
		t, err := api.Database.GetTemplateByID(ctx, w.TemplateID)
		if err != nil {
			httpapi.WriteError(ctx, rw, err)
			return
		}
		s, next, problem := checkAutostart(t, *req.Schedule, p.UpdatedAt)
		if problem != "" {
			invalidField(rw, r, "Invalid autostart schedule.", "schedule", problem)
			return
		}
		p.AutostartSchedule, p.NextStartAt = s, next
	}
	if err := api.Database.UpdateWorkspaceAutostart(ctx, p); err != nil {
		writeUpdateError(rw, r, err)
		return
	}
	audit.SetDiff(ctx, map[string]any{"autostart_schedule": w.AutostartSchedule}, map[string]any{"autostart_schedule": p.AutostartSchedule})
	api.workspaceChanged(ctx, w.ID)
	rw.WriteHeader(http.StatusNoContent)
}

// @Summary Update workspace TTL by ID
// @Description How long after a start the workspace stops; null for no
// @Description limit of its own (the template's default applies at the
// @Description next start).
// @ID update-workspace-ttl-by-id
// @Security CoderSessionToken
// @Accept json
// @Tags Workspaces
// @Param workspace path string true "Workspace ID" format(uuid)
// @Param request body codersdk.UpdateWorkspaceTTLRequest true "Workspace TTL update request"
// @Success 204
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/ttl [put]
func (api *API) putWorkspaceTTL(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w := httpmw.WorkspaceParam(r)
	var req codersdk.UpdateWorkspaceTTLRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	t, err := api.Database.GetTemplateByID(ctx, w.TemplateID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	ttl, problem := checkTTL(t, req.TTLMillis)
	if problem != "" {
		invalidField(rw, r, "Invalid workspace TTL.", "ttl_ms", problem)
		return
	}
	if err := api.Database.UpdateWorkspaceTTL(ctx, database.UpdateWorkspaceTTLParams{ID: w.ID, Ttl: ttl, UpdatedAt: dbtime.Now()}); err != nil {
		writeUpdateError(rw, r, err)
		return
	}
	audit.SetDiff(ctx, map[string]any{"ttl": w.Ttl}, map[string]any{"ttl": ttl})
	api.workspaceChanged(ctx, w.ID)
	rw.WriteHeader(http.StatusNoContent)
}

// @Summary Extend workspace deadline by ID
// @Description Moves the running workspace's stop deadline; the new one must
// @Description be at least 30 minutes ahead and not past its max deadline.
// @ID extend-workspace-deadline-by-id
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Workspaces
// @Param workspace path string true "Workspace ID" format(uuid)
// @Param request body codersdk.PutExtendWorkspaceRequest true "Extend deadline update request"
// @Success 200 {object} codersdk.Response
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/extend [put]
func (api *API) putExtendWorkspace(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w := httpmw.WorkspaceParam(r)
	var req codersdk.PutExtendWorkspaceRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	latest, err := api.Database.GetLatestWorkspaceBuildByWorkspaceID(ctx, w.ID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	job, err := api.Database.GetProvisionerJobByID(ctx, latest.JobID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	now := dbtime.Now()
	switch {
	case latest.Transition != database.WorkspaceTransitionStart || convert.ProvisionerJobStatus(job) != codersdk.ProvisionerJobSucceeded:
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "The workspace is not running, so it has no deadline to extend."})
		return
	case latest.Deadline == nil:
		httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{Message: "The workspace has no deadline: it runs until stopped."})
		return
	case req.Deadline.Before(now.Add(minExtension)):
		invalidField(rw, r, "Invalid deadline.", "deadline", "must be at least 30 minutes from now")
		return
	case latest.MaxDeadline != nil && req.Deadline.After(*latest.MaxDeadline):
		invalidField(rw, r, "Invalid deadline.", "deadline", "must not be after the max deadline "+latest.MaxDeadline.UTC().Format(time.RFC3339))
		return
	}
	deadline := req.Deadline.UTC()
	err = api.Database.UpdateWorkspaceBuildDeadlineByID(ctx, database.UpdateWorkspaceBuildDeadlineByIDParams{
		ID: latest.ID, Deadline: &deadline, MaxDeadline: latest.MaxDeadline, UpdatedAt: now,
	})
	if err != nil {
		writeUpdateError(rw, r, err)
		return
	}
	audit.SetDiff(ctx, map[string]any{"deadline": latest.Deadline}, map[string]any{"deadline": deadline})
	api.workspaceChanged(ctx, w.ID)
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.Response{Message: "Deadline updated to " + deadline.Format(time.RFC3339) + "."})
}

// @Summary Update workspace automatic updates by ID
// @ID update-workspace-automatic-updates-by-id
// @Security CoderSessionToken
// @Accept json
// @Tags Workspaces
// @Param workspace path string true "Workspace ID" format(uuid)
// @Param request body codersdk.UpdateWorkspaceAutomaticUpdatesRequest true "Automatic updates request"
// @Success 204
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/autoupdates [put]
func (api *API) putWorkspaceAutoupdates(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w := httpmw.WorkspaceParam(r)
	var req codersdk.UpdateWorkspaceAutomaticUpdatesRequest
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	if req.AutomaticUpdates != codersdk.AutomaticUpdatesAlways && req.AutomaticUpdates != codersdk.AutomaticUpdatesNever {
		invalidField(rw, r, "Invalid automatic updates.", "automatic_updates", `must be "always" or "never"`)
		return
	}
	err := api.Database.UpdateWorkspaceAutomaticUpdates(ctx, database.UpdateWorkspaceAutomaticUpdatesParams{
		ID: w.ID, AutomaticUpdates: string(req.AutomaticUpdates), UpdatedAt: dbtime.Now(),
	})
	if err != nil {
		writeUpdateError(rw, r, err)
		return
	}
	audit.SetDiff(ctx, map[string]any{"automatic_updates": w.AutomaticUpdates}, map[string]any{"automatic_updates": req.AutomaticUpdates})
	api.workspaceChanged(ctx, w.ID)
	rw.WriteHeader(http.StatusNoContent)
}

// @Summary Update workspace dormancy status by id.
// @Description Dormant workspaces are stopped and cannot start until woken;
// @Description when the template deletes dormant workspaces, deleting_at
// @Description says when. Waking counts as use.
// @ID update-workspace-dormancy-status-by-id
// @Security CoderSessionToken
// @Accept json
// @Produce json
// @Tags Workspaces
// @Param workspace path string true "Workspace ID" format(uuid)
// @Param request body codersdk.UpdateWorkspaceDormancy true "Make a workspace dormant or active"
// @Success 200 {object} codersdk.Workspace
// @Failure 403 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/dormant [put]
func (api *API) putWorkspaceDormant(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	auth := httpmw.APIKeyAuthorization(r)
	w := httpmw.WorkspaceParam(r)
	var req codersdk.UpdateWorkspaceDormancy
	if !httpapi.Read(ctx, rw, r, &req) {
		return
	}
	if req.Dormant == (w.DormantAt != nil) {
		api.writeWorkspace(rw, r, http.StatusOK, w)
		return
	}
	t, err := api.Database.GetTemplateByID(ctx, w.TemplateID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	now := dbtime.Now()
	p := database.UpdateWorkspaceDormantDeletingAtParams{ID: w.ID, UpdatedAt: now}
	if req.Dormant {
		p.DormantAt = &now
		if t.TimeTilDormantAutodelete > 0 {
			at := now.Add(time.Duration(t.TimeTilDormantAutodelete))
			p.DeletingAt = &at
		}
	}
	err = api.Database.InTx(ctx, func(tx database.Store) error {
		if err := tx.UpdateWorkspaceDormantDeletingAt(ctx, p); err != nil {
			return err
		}
		if !req.Dormant {
			// Woken means used: dormancy must not strike again at once.
			return tx.UpdateWorkspacesLastUsedAt(dbauthz.AsUsageTracker(ctx), database.UpdateWorkspacesLastUsedAtParams{
				Ids: []uuid.UUID{w.ID}, LastUsedAt: now,
			})
		}
		return nil
	}, nil)
	if err != nil {
		writeUpdateError(rw, r, err)
		return
	}
	if req.Dormant {
		// A dormant workspace does not run.
		if err := api.builds().StopIfRunning(ctx, w, auth.Key.UserID, database.BuildReasonDormancy); err != nil {
			api.Logger.Warn(ctx, "stop dormant workspace", slog.F("workspace_id", w.ID), slog.Error(err))
		}
	}
	api.workspaceChanged(ctx, w.ID)
	updated, err := api.Database.GetWorkspaceByID(ctx, w.ID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	audit.Updated(ctx, w, updated)
	api.writeWorkspace(rw, r, http.StatusOK, updated)
}

// @Summary Resolve workspace autostart by id.
// @Description Whether an autostart would build with parameter values the
// @Description workspace lacks (the version it would use asks for values
// @Description the latest build does not have).
// @ID resolve-workspace-autostart-by-id
// @Security CoderSessionToken
// @Produce json
// @Tags Workspaces
// @Param workspace path string true "Workspace ID" format(uuid)
// @Success 200 {object} codersdk.ResolveAutostartResponse
// @Failure 404 {object} codersdk.Response
// @Router /workspaces/{workspace}/resolve-autostart [get]
func (api *API) resolveAutostart(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w := httpmw.WorkspaceParam(r)
	latest, err := api.Database.GetLatestWorkspaceBuildByWorkspaceID(ctx, w.ID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	versionID := latest.TemplateVersionID
	if w.AutomaticUpdates == string(codersdk.AutomaticUpdatesAlways) || w.TemplateRequireActiveVersion {
		versionID = w.TemplateActiveVersionID
	}
	previous, err := workspacebuild.PreviousValues(ctx, api.Database, latest.ID)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	_, problems, err := workspacebuild.ResolveParameters(ctx, api.Database, versionID, nil, previous, uuid.Nil)
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.ResolveAutostartResponse{ParameterMismatch: len(problems) > 0})
}
