package coderd

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/coderd/insights"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// @Summary Get deployment DAUs
// @Description Distinct users who used a workspace (a session, or activity
// @Description in the agents' stats) per day over the last 60 days, days
// @Description counted tz_offset hours from UTC; days without use are left out.
// @ID get-deployment-daus
// @Security CoderSessionToken
// @Produce json
// @Tags Insights
// @Param tz_offset query int false "Time zone offset in hours from UTC (-12 to 14)"
// @Success 200 {object} codersdk.DAUsResponse
// @Failure 400 {object} codersdk.Response
// @Failure 403 {object} codersdk.Response
// @Router /insights/daus [get]
func (api *API) deploymentDAUs(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !api.authorize(r, rbac.ActionRead, rbac.ResourceDeploymentConfig) {
		httpapi.Forbidden(rw)
		return
	}
	offset := 0
	if s := r.URL.Query().Get("tz_offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < -12 || n > 14 {
			httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
				Message:     "Invalid time zone offset.",
				Validations: []codersdk.ValidationError{{Field: "tz_offset", Detail: "must be a whole number of hours between -12 and 14"}},
			})
			return
		}
		offset = n
	}
	zone := time.FixedZone("", offset*3600)
	now := dbtime.Now().In(zone)
	y, m, d := now.AddDate(0, 0, -60).Date()
	start := time.Date(y, m, d, 0, 0, 0, 0, zone)
	data, ok := api.insightsData(rw, r, start, now, nil)
	if !ok {
		return
	}
	out := codersdk.DAUsResponse{Entries: []codersdk.DAUEntry{}, TZHourOffset: offset}
	for _, e := range insights.DailyUsers(data, start, now) {
		out.Entries = append(out.Entries, codersdk.DAUEntry{Date: e.Day.Format(time.DateOnly), Amount: e.Users})
	}
	httpapi.Write(ctx, rw, http.StatusOK, out)
}

// @Summary Get insights about templates
// @Description Active users and time spent per way in (SSH, web terminal,
// @Description VS Code, JetBrains, each app) from the sessions recorded and
// @Description the agents' stats. start_time and end_time are RFC 3339 with
// @Description the offset days are counted in, at 00:00:00 (end_time may be
// @Description the current day at a whole hour). interval (day or week) adds
// @Description a report per interval from start_time, the last one cut at
// @Description end_time. connection_type (this server's addition) counts only
// @Description sessions of one type.
// @ID get-insights-about-templates
// @Security CoderSessionToken
// @Produce json
// @Tags Insights
// @Param start_time query string true "Start time" format(date-time)
// @Param end_time query string true "End time" format(date-time)
// @Param interval query string false "Interval" Enums(day, week)
// @Param template_ids query []string false "Template IDs" collectionFormat(csv)
// @Param connection_type query string false "Only sessions of this type" Enums(ssh, reconnecting_pty, vscode, jetbrains, workspace_app, port_forwarding)
// @Success 200 {object} codersdk.TemplateInsightsResponse
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /insights/templates [get]
func (api *API) insightsTemplates(rw http.ResponseWriter, r *http.Request) {
	q, ok := parseInsightsQuery(rw, r, true)
	if !ok {
		return
	}
	data, ok := api.insightsData(rw, r, q.start, q.end, q.templateIDs)
	if !ok {
		return
	}
	data = data.OfType(q.connectionType)
	report := insights.Templates(data, q.start, q.end)
	resp := codersdk.TemplateInsightsResponse{
		Report: &codersdk.TemplateInsightsReport{
			StartTime: q.start, EndTime: q.end, TemplateIDs: report.TemplateIDs,
			ActiveUsers: report.ActiveUsers, AppsUsage: []codersdk.TemplateAppUsage{},
			ParametersUsage: []codersdk.TemplateParameterUsage{},
		},
		IntervalReports: []codersdk.TemplateInsightsIntervalReport{},
	}
	for _, a := range report.Apps {
		typ := codersdk.TemplateAppsTypeApp
		if a.Builtin {
			typ = codersdk.TemplateAppsTypeBuiltin
		}
		resp.Report.AppsUsage = append(resp.Report.AppsUsage, codersdk.TemplateAppUsage{
			TemplateIDs: a.TemplateIDs, Type: typ, DisplayName: a.DisplayName, Slug: a.Slug,
			Icon: a.Icon, Seconds: a.Seconds, TimesUsed: a.TimesUsed,
		})
	}
	if q.interval != "" {
		step := 24 * time.Hour
		if q.interval == codersdk.InsightsReportIntervalWeek {
			step = 7 * 24 * time.Hour
		}
		for _, iv := range insights.Intervals(data, q.start, q.end, step) {
			resp.IntervalReports = append(resp.IntervalReports, codersdk.TemplateInsightsIntervalReport{
				StartTime: iv.Start, EndTime: iv.End, TemplateIDs: iv.TemplateIDs,
				Interval: q.interval, ActiveUsers: iv.ActiveUsers,
			})
		}
	}
	httpapi.Write(r.Context(), rw, http.StatusOK, resp)
}

// @Summary Get insights about user activity
// @Description Per user, the time spent in sessions between start_time and
// @Description end_time (overlapping sessions counted once), most first.
// @ID get-insights-about-user-activity
// @Security CoderSessionToken
// @Produce json
// @Tags Insights
// @Param start_time query string true "Start time" format(date-time)
// @Param end_time query string true "End time" format(date-time)
// @Param template_ids query []string false "Template IDs" collectionFormat(csv)
// @Success 200 {object} codersdk.UserActivityInsightsResponse
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /insights/user-activity [get]
func (api *API) insightsUserActivity(rw http.ResponseWriter, r *http.Request) {
	q, ok := parseInsightsQuery(rw, r, false)
	if !ok {
		return
	}
	data, ok := api.insightsData(rw, r, q.start, q.end, q.templateIDs)
	if !ok {
		return
	}
	users := insights.UserActivity(data, q.start, q.end)
	resp := codersdk.UserActivityInsightsResponse{Report: codersdk.UserActivityInsightsReport{
		StartTime: q.start, EndTime: q.end, TemplateIDs: insights.TemplateIDs(data), Users: []codersdk.UserActivity{},
	}}
	for _, u := range users {
		resp.Report.Users = append(resp.Report.Users, codersdk.UserActivity{
			TemplateIDs: u.TemplateIDs, UserID: u.UserID, Username: u.Username, AvatarURL: u.AvatarURL, Seconds: u.Seconds,
		})
	}
	httpapi.Write(r.Context(), rw, http.StatusOK, resp)
}

// @Summary Get insights about user latency
// @Description Per user, the 50th and 95th percentile of the connection
// @Description latency the workspace agents reported between start_time and end_time.
// @ID get-insights-about-user-latency
// @Security CoderSessionToken
// @Produce json
// @Tags Insights
// @Param start_time query string true "Start time" format(date-time)
// @Param end_time query string true "End time" format(date-time)
// @Param template_ids query []string false "Template IDs" collectionFormat(csv)
// @Success 200 {object} codersdk.UserLatencyInsightsResponse
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /insights/user-latency [get]
func (api *API) insightsUserLatency(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q, ok := parseInsightsQuery(rw, r, false)
	if !ok || !api.mayViewInsights(rw, r, q.templateIDs) {
		return
	}
	rows, err := api.Database.GetInsightsUserLatency(ctx, database.GetInsightsUserLatencyParams{
		StartTime: q.start, EndTime: q.end, TemplateIds: q.templateIDs,
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return
	}
	seen := map[uuid.UUID]bool{}
	resp := codersdk.UserLatencyInsightsResponse{Report: codersdk.UserLatencyInsightsReport{
		StartTime: q.start, EndTime: q.end, TemplateIDs: []uuid.UUID{}, Users: []codersdk.UserLatency{},
	}}
	for _, row := range rows {
		for _, id := range row.TemplateIds {
			if !seen[id] {
				seen[id] = true
				resp.Report.TemplateIDs = append(resp.Report.TemplateIDs, id)
			}
		}
		resp.Report.Users = append(resp.Report.Users, codersdk.UserLatency{
			TemplateIDs: row.TemplateIds, UserID: row.UserID, Username: row.Username, AvatarURL: row.AvatarUrl,
			LatencyMS: codersdk.ConnectionLatency{P50: row.LatencyP50, P95: row.LatencyP95},
		})
	}
	slices.SortFunc(resp.Report.TemplateIDs, func(a, b uuid.UUID) int { return strings.Compare(a.String(), b.String()) })
	httpapi.Write(ctx, rw, http.StatusOK, resp)
}

// mayViewInsights answers 404, as upstream does, when the caller may view
// the insights of no template, or of a template it names.
func (api *API) mayViewInsights(rw http.ResponseWriter, r *http.Request, templateIDs []uuid.UUID) bool {
	ctx := r.Context()
	actor := httpmw.APIKeyAuthorization(r).Actor
	if f := actor.Filter(rbac.ActionViewInsights, rbac.ResourceTemplate.Type); !f.All && len(f.OrgIDs) == 0 {
		httpapi.ResourceNotFound(rw)
		return false
	}
	for _, id := range templateIDs {
		t, err := api.Database.GetTemplateByID(ctx, id)
		if err != nil && !httpapi.IsUnauthorizedOrNotFound(err) {
			httpapi.WriteError(ctx, rw, err)
			return false
		}
		if err != nil || actor.Authorize(rbac.ActionViewInsights, t.RBACObject()) != nil {
			httpapi.ResourceNotFound(rw)
			return false
		}
	}
	return true
}

// insightsData reads the sessions and agent stats of [start, end) the caller
// may see.
func (api *API) insightsData(rw http.ResponseWriter, r *http.Request, start, end time.Time, templateIDs []uuid.UUID) (insights.Data, bool) {
	ctx := r.Context()
	if !api.mayViewInsights(rw, r, templateIDs) {
		return insights.Data{}, false
	}
	if templateIDs == nil {
		templateIDs = []uuid.UUID{} // as parseInsightsQuery: empty means every template
	}
	sessions, err := api.Database.GetInsightsSessions(ctx, database.GetInsightsSessionsParams{
		StartTime: start, EndTime: end, TemplateIds: templateIDs,
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return insights.Data{}, false
	}
	stats, err := api.Database.GetInsightsAgentStats(ctx, database.GetInsightsAgentStatsParams{
		StartTime: start, EndTime: end, TemplateIds: templateIDs,
	})
	if err != nil {
		httpapi.WriteError(ctx, rw, err)
		return insights.Data{}, false
	}
	return insights.Data{Sessions: sessions, Stats: stats}, true
}

type insightsQuery struct {
	start, end     time.Time
	templateIDs    []uuid.UUID
	interval       codersdk.InsightsReportInterval
	connectionType string
}

// parseInsightsQuery reads start_time, end_time and template_ids (and for
// template insights interval and connection_type), answering 400 naming the
// field as upstream validates them: RFC 3339 keeping the client's offset,
// not in the future, at midnight except an end_time today at a whole hour,
// end_time after start_time.
func parseInsightsQuery(rw http.ResponseWriter, r *http.Request, templates bool) (insightsQuery, bool) {
	vals := r.URL.Query()
	// Not nil: the queries read an empty list as "every template", NULL as none.
	q := insightsQuery{templateIDs: []uuid.UUID{}}
	var errs []codersdk.ValidationError
	bad := func(field, format string, args ...any) {
		errs = append(errs, codersdk.ValidationError{Field: field, Detail: fmt.Sprintf(format, args...)})
	}
	now := dbtime.Now()
	for _, p := range []struct {
		name string
		dest *time.Time
	}{{"start_time", &q.start}, {"end_time", &q.end}} {
		raw := vals.Get(p.name)
		if raw == "" {
			bad(p.name, "Query param %q is required", p.name)
			continue
		}
		t, err := time.Parse(codersdk.InsightsTimeLayout, raw)
		if err != nil {
			bad(p.name, "Query param %q must be a valid date format (%s)", p.name, codersdk.InsightsTimeLayout)
			continue
		}
		if t.After(now.Truncate(time.Hour).Add(time.Hour)) {
			bad(p.name, "Query param %q must not be in the future", p.name)
			continue
		}
		h, m, s := t.Clock()
		ty, tm, td := t.Date()
		ny, nm, nd := now.In(t.Location()).Date()
		today := ty == ny && tm == nm && td == nd
		switch {
		case m != 0 || s != 0 || t.Nanosecond() != 0:
			bad(p.name, "Query param %q must be on a whole hour", p.name)
			continue
		case h != 0 && (p.name == "start_time" || !today):
			bad(p.name, "Query param %q must have the clock set to 00:00:00", p.name)
			continue
		}
		*p.dest = t
	}
	if len(errs) == 0 && !q.end.After(q.start) {
		bad("end_time", "Query param %q must be after %q", "end_time", "start_time")
	}
	for _, s := range strings.Split(vals.Get("template_ids"), ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		id, err := uuid.Parse(s)
		if err != nil {
			bad("template_ids", "Query param %q must be a comma-separated list of UUIDs: %q is not one", "template_ids", s)
			continue
		}
		q.templateIDs = append(q.templateIDs, id)
	}
	if templates {
		switch v := codersdk.InsightsReportInterval(vals.Get("interval")); v {
		case "", codersdk.InsightsReportIntervalDay, codersdk.InsightsReportIntervalWeek:
			q.interval = v
		default:
			bad("interval", "must be one of [day week]")
		}
		q.connectionType = vals.Get("connection_type")
		if q.connectionType != "" && !slices.Contains(insights.ConnectionTypes, q.connectionType) {
			bad("connection_type", "must be one of %v", insights.ConnectionTypes)
		}
	}
	if len(errs) > 0 {
		httpapi.Write(r.Context(), rw, http.StatusBadRequest, codersdk.Response{
			Message: "Query parameters have invalid values.", Validations: errs,
		})
		return q, false
	}
	return q, true
}
