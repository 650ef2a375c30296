package insightstest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// world is a server with two templates and three users' workspaces, and
// sessions recorded over the last August.
type world struct {
	owner             *codersdk.Client
	member, auditor   *codersdk.Client
	templateAdmin     *codersdk.Client
	db                database.Store
	t1, t2            codersdk.Template
	a, b, c           codersdk.User
	wsA, wsB, wsC     codersdk.Workspace
	august, september time.Time
}

func newWorld(t *testing.T) *world {
	t.Helper()
	owner, _, db := coderdtest.NewWithDatabase(t, &coderdtest.Options{IncludeProvisionerDaemon: true})
	first := coderdtest.CreateFirstUser(t, owner)
	w := &world{owner: owner, db: db}
	for _, tpl := range []*codersdk.Template{&w.t1, &w.t2} {
		v := coderdtest.CreateTemplateVersion(t, owner, first.OrganizationID, nil, uuid.Nil)
		coderdtest.AwaitTemplateVersionJobCompleted(t, owner, v.ID)
		*tpl = coderdtest.CreateTemplate(t, owner, first.OrganizationID, v.ID)
	}
	var clientA, clientB, clientC *codersdk.Client
	clientA, w.a = coderdtest.CreateAnotherUser(t, owner, first.OrganizationID)
	clientB, w.b = coderdtest.CreateAnotherUser(t, owner, first.OrganizationID)
	clientC, w.c = coderdtest.CreateAnotherUser(t, owner, first.OrganizationID)
	w.member = clientA
	w.auditor, _ = coderdtest.CreateAnotherUser(t, owner, first.OrganizationID, rbac.RoleAuditor().Name)
	w.templateAdmin, _ = coderdtest.CreateAnotherUser(t, owner, first.OrganizationID, rbac.RoleTemplateAdmin().Name)
	w.wsA = coderdtest.CreateWorkspace(t, clientA, w.t1.ID)
	w.wsB = coderdtest.CreateWorkspace(t, clientB, w.t1.ID)
	w.wsC = coderdtest.CreateWorkspace(t, clientC, w.t2.ID)

	// The last August that is wholly past.
	now := time.Now().UTC()
	year := now.Year()
	if now.Month() <= time.September {
		year--
	}
	w.august = time.Date(year, time.August, 1, 0, 0, 0, 0, time.UTC)
	w.september = w.august.AddDate(0, 1, 0)
	return w
}

// session records a closed session as connlog does.
func (w *world) session(t *testing.T, ws codersdk.Workspace, user codersdk.User, typ string, from, to time.Time) {
	t.Helper()
	ctx := context.Background()
	row, err := w.db.InsertConnectionLog(ctx, database.InsertConnectionLogParams{
		ID: uuid.New(), ConnectTime: from, OrganizationID: ws.OrganizationID,
		WorkspaceOwnerID: ws.OwnerID, WorkspaceOwnerUsername: ws.OwnerName,
		WorkspaceID: ws.ID, WorkspaceName: ws.Name, AgentID: uuid.New(), AgentName: "main",
		Type: typ, UserID: uuid.NullUUID{UUID: user.ID, Valid: true},
	})
	require.NoError(t, err)
	_, err = w.db.CloseConnectionLog(ctx, database.CloseConnectionLogParams{ID: row.ID, DisconnectTime: to})
	require.NoError(t, err)
}

// stats records an agent's stats report with SSH sessions and a latency.
func (w *world) stats(t *testing.T, ws codersdk.Workspace, at time.Time, ssh int64, latency float64) {
	t.Helper()
	err := w.db.InsertWorkspaceAgentStats(context.Background(), database.InsertWorkspaceAgentStatsParams{
		Ids: []uuid.UUID{uuid.New()}, CreatedAt: at, AgentIds: []uuid.UUID{uuid.New()},
		WorkspaceIds: []uuid.UUID{ws.ID}, TemplateIds: []uuid.UUID{ws.TemplateID}, UserIds: []uuid.UUID{ws.OwnerID},
		ConnectionsByProto: []json.RawMessage{json.RawMessage(`{}`)}, ConnectionCounts: []int64{1},
		ConnectionMedianLatencyMs: []float64{latency}, RxPackets: []int64{0}, RxBytes: []int64{0},
		TxPackets: []int64{0}, TxBytes: []int64{0}, SessionCountVscode: []int64{0}, SessionCountJetbrains: []int64{0},
		SessionCountReconnectingPty: []int64{0}, SessionCountSsh: []int64{ssh},
	})
	require.NoError(t, err)
}

// seedAugust records, per week from August 1st:
//
//	week 1: A ssh 1h (t1), B ssh 30m (t1), C ssh from July 31st 23:30 to 00:30 (t2)
//	week 2: A ssh 10:00-12:00 and 11:00-11:30 on the same day (t1)
//	week 3: B vscode 1h (t1); C's agent reports SSH sessions (t2, stats only)
//	week 4: C ssh 1h (t2); A web terminal 45m (t1)
//	week 5 (3 days): B ssh from August 31st 23:00 to September 1st 01:00 (t1)
func (w *world) seedAugust(t *testing.T) {
	day := func(d, h, m int) time.Time {
		return w.august.AddDate(0, 0, d-1).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	}
	w.session(t, w.wsA, w.a, "ssh", day(2, 10, 0), day(2, 11, 0))
	w.session(t, w.wsB, w.b, "ssh", day(3, 9, 0), day(3, 9, 30))
	w.session(t, w.wsC, w.c, "ssh", day(0, 23, 30), day(1, 0, 30))
	w.session(t, w.wsA, w.a, "ssh", day(9, 10, 0), day(9, 12, 0))
	w.session(t, w.wsA, w.a, "ssh", day(9, 11, 0), day(9, 11, 30))
	w.session(t, w.wsB, w.b, "vscode", day(16, 14, 0), day(16, 15, 0))
	w.stats(t, w.wsC, day(20, 12, 0), 1, 25)
	w.stats(t, w.wsC, day(21, 12, 0), 1, 35)
	w.session(t, w.wsC, w.c, "ssh", day(23, 8, 0), day(23, 9, 0))
	w.session(t, w.wsA, w.a, "reconnecting_pty", day(24, 14, 0), day(24, 14, 45))
	w.session(t, w.wsB, w.b, "ssh", day(31, 23, 0), day(32, 1, 0))
}

func activeUsers(reports []codersdk.TemplateInsightsIntervalReport) []int64 {
	out := make([]int64, len(reports))
	for i, r := range reports {
		out[i] = r.ActiveUsers
	}
	return out
}

// TestActiveSSHUsersByWeekInAugust answers the seed's question: active SSH
// users in 1 week increments in August.
func TestActiveSSHUsersByWeekInAugust(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.seedAugust(t)
	ctx := context.Background()

	res, err := w.auditor.TemplateInsights(ctx, codersdk.InsightsRequest{
		StartTime: w.august, EndTime: w.september, Interval: codersdk.InsightsReportIntervalWeek, ConnectionType: "ssh",
	})
	require.NoError(t, err)
	require.Len(t, res.IntervalReports, 5)
	assert.Equal(t, []int64{3, 1, 1, 1, 1}, activeUsers(res.IntervalReports))
	for i, r := range res.IntervalReports {
		assert.Equal(t, codersdk.InsightsReportIntervalWeek, r.Interval)
		assert.True(t, r.StartTime.Equal(w.august.AddDate(0, 0, 7*i)), "week %d starts %s", i, r.StartTime)
	}
	assert.True(t, res.IntervalReports[4].EndTime.Equal(w.september), "the last week is cut at end_time")
	assert.EqualValues(t, 3, res.Report.ActiveUsers)

	// One template, every kind of session, by week and by day.
	res, err = w.templateAdmin.TemplateInsights(ctx, codersdk.InsightsRequest{
		StartTime: w.august, EndTime: w.september, Interval: codersdk.InsightsReportIntervalWeek,
		TemplateIDs: []uuid.UUID{w.t1.ID},
	})
	require.NoError(t, err)
	assert.Equal(t, []int64{2, 1, 1, 1, 1}, activeUsers(res.IntervalReports))
	assert.Equal(t, []uuid.UUID{w.t1.ID}, res.Report.TemplateIDs)
	assert.EqualValues(t, 2, res.Report.ActiveUsers)
	apps := map[string]codersdk.TemplateAppUsage{}
	for _, a := range res.Report.AppsUsage {
		apps[a.Slug] = a
	}
	// A: 1h + 2h (the overlapping half hour once); B: 30m + the 1h before September.
	assert.EqualValues(t, 4*3600+1800, apps["ssh"].Seconds)
	assert.EqualValues(t, 5, apps["ssh"].TimesUsed)
	assert.EqualValues(t, 3600, apps["vscode"].Seconds)
	assert.EqualValues(t, 45*60, apps["reconnecting-pty"].Seconds)
	assert.EqualValues(t, 0, apps["jetbrains"].Seconds)
	assert.Equal(t, codersdk.TemplateAppsTypeBuiltin, apps["ssh"].Type)

	res, err = w.owner.TemplateInsights(ctx, codersdk.InsightsRequest{
		StartTime: w.august, EndTime: w.september, Interval: codersdk.InsightsReportIntervalDay, ConnectionType: "ssh",
	})
	require.NoError(t, err)
	require.Len(t, res.IntervalReports, 31)
	perDay := activeUsers(res.IntervalReports)
	assert.EqualValues(t, 1, perDay[0], "C's session from July 31st")
	assert.EqualValues(t, 1, perDay[1])
	assert.EqualValues(t, 0, perDay[3])
	assert.EqualValues(t, 1, perDay[30])

	// Who: time per user, most first, overlaps once.
	act, err := w.auditor.UserActivityInsights(ctx, codersdk.InsightsRequest{StartTime: w.august, EndTime: w.september})
	require.NoError(t, err)
	require.Len(t, act.Report.Users, 3)
	assert.Equal(t, w.a.ID, act.Report.Users[0].UserID)
	assert.EqualValues(t, 3*3600+45*60, act.Report.Users[0].Seconds)
	assert.Equal(t, w.b.ID, act.Report.Users[1].UserID)
	assert.EqualValues(t, 2*3600+1800, act.Report.Users[1].Seconds)
	assert.Equal(t, w.c.ID, act.Report.Users[2].UserID)
	assert.EqualValues(t, 1800+3600, act.Report.Users[2].Seconds)
	assert.Equal(t, w.c.Username, act.Report.Users[2].Username)

	act, err = w.auditor.UserActivityInsights(ctx, codersdk.InsightsRequest{
		StartTime: w.august, EndTime: w.september, TemplateIDs: []uuid.UUID{w.t2.ID},
	})
	require.NoError(t, err)
	require.Len(t, act.Report.Users, 1)
	assert.Equal(t, []uuid.UUID{w.t2.ID}, act.Report.Users[0].TemplateIDs)

	lat, err := w.auditor.UserLatencyInsights(ctx, codersdk.InsightsRequest{StartTime: w.august, EndTime: w.september})
	require.NoError(t, err)
	require.Len(t, lat.Report.Users, 1)
	assert.Equal(t, w.c.ID, lat.Report.Users[0].UserID)
	assert.InDelta(t, 30, lat.Report.Users[0].LatencyMS.P50, 0.001)
	assert.InDelta(t, 34.5, lat.Report.Users[0].LatencyMS.P95, 0.001)
}

// TestDeploymentDAUs counts users per day in the caller's offset.
func TestDeploymentDAUs(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	yesterday := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -1)
	lateA := yesterday.Add(23*time.Hour + 30*time.Minute)
	noonB := yesterday.Add(12 * time.Hour)
	w.session(t, w.wsA, w.a, "ssh", lateA, lateA.Add(10*time.Minute))
	w.session(t, w.wsB, w.b, "vscode", noonB, noonB.Add(10*time.Minute))

	utc, err := w.auditor.DeploymentDAUs(ctx, 0)
	require.NoError(t, err)
	assert.Equal(t, []codersdk.DAUEntry{{Date: yesterday.Format(time.DateOnly), Amount: 2}}, utc.Entries)

	plus2, err := w.owner.DeploymentDAUs(ctx, 2)
	require.NoError(t, err)
	assert.Equal(t, 2, plus2.TZHourOffset)
	zone := time.FixedZone("", 2*3600)
	assert.Equal(t, []codersdk.DAUEntry{
		{Date: noonB.In(zone).Format(time.DateOnly), Amount: 1},
		{Date: lateA.In(zone).Format(time.DateOnly), Amount: 1},
	}, plus2.Entries)

	res := coderdtest.RawRequest(t, w.owner, http.MethodGet, "/api/v2/insights/daus?tz_offset=15", nil)
	require.Equal(t, http.StatusBadRequest, res.Status)
	assert.Equal(t, "tz_offset", res.Response(t).Validations[0].Field)

	_, err = w.member.DeploymentDAUs(ctx, 0)
	requireStatus(t, err, http.StatusForbidden)
}

func TestInsightsValidation(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	aug := w.august.Format(time.RFC3339)
	sep := w.september.Format(time.RFC3339)
	future := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, 3).Format(time.RFC3339)
	for _, tc := range []struct {
		name, query, field string
	}{
		{"MissingStart", "end_time=" + sep, "start_time"},
		{"NotADate", "start_time=august&end_time=" + sep, "start_time"},
		{"StartAfterEnd", "start_time=" + sep + "&end_time=" + aug, "end_time"},
		{"StartNotMidnight", "start_time=" + w.august.Add(5*time.Hour).Format(time.RFC3339) + "&end_time=" + sep, "start_time"},
		{"EndNotOnTheHour", "start_time=" + aug + "&end_time=" + w.september.Add(30*time.Minute).Format(time.RFC3339), "end_time"},
		{"Future", "start_time=" + aug + "&end_time=" + future, "end_time"},
		{"UnknownInterval", "start_time=" + aug + "&end_time=" + sep + "&interval=month", "interval"},
		{"BadTemplateID", "start_time=" + aug + "&end_time=" + sep + "&template_ids=nope", "template_ids"},
		{"UnknownConnectionType", "start_time=" + aug + "&end_time=" + sep + "&connection_type=telnet", "connection_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res := coderdtest.RawRequest(t, w.owner, http.MethodGet, "/api/v2/insights/templates?"+tc.query, nil)
			require.Equal(t, http.StatusBadRequest, res.Status)
			var fields []string
			for _, v := range res.Response(t).Validations {
				fields = append(fields, v.Field)
			}
			assert.Contains(t, fields, tc.field)
		})
	}
	// A start in another offset keeps it, and midnight there is valid.
	plus2 := time.Date(w.august.Year(), time.August, 1, 0, 0, 0, 0, time.FixedZone("", 2*3600))
	res, err := w.owner.TemplateInsights(context.Background(), codersdk.InsightsRequest{
		StartTime: plus2, EndTime: plus2.AddDate(0, 0, 7), Interval: codersdk.InsightsReportIntervalDay,
	})
	require.NoError(t, err)
	require.Len(t, res.IntervalReports, 7)
	_, offset := res.IntervalReports[0].StartTime.Zone()
	assert.Equal(t, 2*3600, offset)
}

func TestInsightsAuthorization(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	req := codersdk.InsightsRequest{StartTime: w.august, EndTime: w.september}

	_, err := w.member.TemplateInsights(ctx, req)
	requireStatus(t, err, http.StatusNotFound)
	_, err = w.member.UserActivityInsights(ctx, req)
	requireStatus(t, err, http.StatusNotFound)
	_, err = w.member.UserLatencyInsights(ctx, req)
	requireStatus(t, err, http.StatusNotFound)
	withT1 := req
	withT1.TemplateIDs = []uuid.UUID{w.t1.ID}
	_, err = w.member.TemplateInsights(ctx, withT1)
	requireStatus(t, err, http.StatusNotFound)

	for _, c := range []*codersdk.Client{w.owner, w.auditor, w.templateAdmin} {
		_, err = c.TemplateInsights(ctx, withT1)
		require.NoError(t, err)
		_, err = c.UserActivityInsights(ctx, req)
		require.NoError(t, err)
		_, err = c.UserLatencyInsights(ctx, req)
		require.NoError(t, err)
	}
	missing := req
	missing.TemplateIDs = []uuid.UUID{uuid.New()}
	_, err = w.owner.TemplateInsights(ctx, missing)
	requireStatus(t, err, http.StatusNotFound)
	_, err = w.templateAdmin.DeploymentDAUs(ctx, 0)
	requireStatus(t, err, http.StatusForbidden)
}

func requireStatus(t *testing.T, err error, status int) {
	t.Helper()
	var apiErr *codersdk.Error
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, status, apiErr.StatusCode())
}
