package codersdk

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// InsightsTimeLayout is how start_time and end_time are written: RFC 3339
// with the offset whose days and hours the report counts in.
const InsightsTimeLayout = time.RFC3339

// InsightsReportInterval is the length of each interval report.
type InsightsReportInterval string

const (
	InsightsReportIntervalDay  InsightsReportInterval = "day"
	InsightsReportIntervalWeek InsightsReportInterval = "week"
)

// TemplateAppsType tells a built-in way in (SSH, terminal, IDEs) from a
// template's app.
type TemplateAppsType string

const (
	TemplateAppsTypeBuiltin TemplateAppsType = "builtin"
	TemplateAppsTypeApp     TemplateAppsType = "app"
)

type TemplateInsightsResponse struct {
	Report          *TemplateInsightsReport          `json:"report,omitempty"`
	IntervalReports []TemplateInsightsIntervalReport `json:"interval_reports,omitempty"`
}

type TemplateInsightsReport struct {
	StartTime       time.Time                `json:"start_time" format:"date-time"`
	EndTime         time.Time                `json:"end_time" format:"date-time"`
	TemplateIDs     []uuid.UUID              `json:"template_ids" format:"uuid"`
	ActiveUsers     int64                    `json:"active_users" example:"22"`
	AppsUsage       []TemplateAppUsage       `json:"apps_usage"`
	ParametersUsage []TemplateParameterUsage `json:"parameters_usage"`
}

type TemplateInsightsIntervalReport struct {
	StartTime   time.Time              `json:"start_time" format:"date-time"`
	EndTime     time.Time              `json:"end_time" format:"date-time"`
	TemplateIDs []uuid.UUID            `json:"template_ids" format:"uuid"`
	Interval    InsightsReportInterval `json:"interval" example:"week" enums:"day,week"`
	ActiveUsers int64                  `json:"active_users" example:"14"`
}

type TemplateAppUsage struct {
	TemplateIDs []uuid.UUID      `json:"template_ids" format:"uuid"`
	Type        TemplateAppsType `json:"type" example:"builtin" enums:"builtin,app"`
	DisplayName string           `json:"display_name" example:"Visual Studio Code"`
	Slug        string           `json:"slug" example:"vscode"`
	Icon        string           `json:"icon"`
	Seconds     int64            `json:"seconds" example:"80500"`
	TimesUsed   int64            `json:"times_used" example:"2"`
}

// TemplateParameterUsage is upstream's per-parameter breakdown; this server
// does not compute it yet and always answers an empty list.
type TemplateParameterUsage struct {
	TemplateIDs []uuid.UUID `json:"template_ids" format:"uuid"`
	DisplayName string      `json:"display_name"`
	Name        string      `json:"name"`
	Type        string      `json:"type"`
	Description string      `json:"description"`
}

type UserActivityInsightsResponse struct {
	Report UserActivityInsightsReport `json:"report"`
}

type UserActivityInsightsReport struct {
	StartTime   time.Time      `json:"start_time" format:"date-time"`
	EndTime     time.Time      `json:"end_time" format:"date-time"`
	TemplateIDs []uuid.UUID    `json:"template_ids" format:"uuid"`
	Users       []UserActivity `json:"users"`
}

type UserActivity struct {
	TemplateIDs []uuid.UUID `json:"template_ids" format:"uuid"`
	UserID      uuid.UUID   `json:"user_id" format:"uuid"`
	Username    string      `json:"username"`
	AvatarURL   string      `json:"avatar_url" format:"uri"`
	// Seconds spent in sessions, overlapping sessions counted once.
	Seconds int64 `json:"seconds" example:"80500"`
}

type UserLatencyInsightsResponse struct {
	Report UserLatencyInsightsReport `json:"report"`
}

type UserLatencyInsightsReport struct {
	StartTime   time.Time     `json:"start_time" format:"date-time"`
	EndTime     time.Time     `json:"end_time" format:"date-time"`
	TemplateIDs []uuid.UUID   `json:"template_ids" format:"uuid"`
	Users       []UserLatency `json:"users"`
}

type UserLatency struct {
	TemplateIDs []uuid.UUID       `json:"template_ids" format:"uuid"`
	UserID      uuid.UUID         `json:"user_id" format:"uuid"`
	Username    string            `json:"username"`
	AvatarURL   string            `json:"avatar_url" format:"uri"`
	LatencyMS   ConnectionLatency `json:"latency_ms"`
}

type ConnectionLatency struct {
	P50 float64 `json:"p50" example:"31.312"`
	P95 float64 `json:"p95" example:"119.832"`
}

// InsightsRequest selects a range (and for template insights an interval);
// ConnectionType, this server's addition, counts only sessions of one type
// (ssh, reconnecting_pty, vscode, jetbrains, workspace_app, port_forwarding).
type InsightsRequest struct {
	StartTime      time.Time
	EndTime        time.Time
	TemplateIDs    []uuid.UUID
	Interval       InsightsReportInterval
	ConnectionType string
}

func (r InsightsRequest) options() []RequestOption {
	opts := []RequestOption{
		WithQueryParam("start_time", r.StartTime.Format(InsightsTimeLayout)),
		WithQueryParam("end_time", r.EndTime.Format(InsightsTimeLayout)),
	}
	if len(r.TemplateIDs) > 0 {
		ids := make([]string, len(r.TemplateIDs))
		for i, id := range r.TemplateIDs {
			ids[i] = id.String()
		}
		opts = append(opts, WithQueryParam("template_ids", strings.Join(ids, ",")))
	}
	if r.Interval != "" {
		opts = append(opts, WithQueryParam("interval", string(r.Interval)))
	}
	if r.ConnectionType != "" {
		opts = append(opts, WithQueryParam("connection_type", r.ConnectionType))
	}
	return opts
}

func (c *Client) DeploymentDAUs(ctx context.Context, tzOffset int) (DAUsResponse, error) {
	var res DAUsResponse
	return res, c.getJSON(ctx, "/api/v2/insights/daus", &res, WithQueryParam("tz_offset", strconv.Itoa(tzOffset)))
}

func (c *Client) TemplateInsights(ctx context.Context, req InsightsRequest) (TemplateInsightsResponse, error) {
	var res TemplateInsightsResponse
	return res, c.getJSON(ctx, "/api/v2/insights/templates", &res, req.options()...)
}

func (c *Client) UserActivityInsights(ctx context.Context, req InsightsRequest) (UserActivityInsightsResponse, error) {
	var res UserActivityInsightsResponse
	return res, c.getJSON(ctx, "/api/v2/insights/user-activity", &res, req.options()...)
}

func (c *Client) UserLatencyInsights(ctx context.Context, req InsightsRequest) (UserLatencyInsightsResponse, error) {
	var res UserLatencyInsightsResponse
	return res, c.getJSON(ctx, "/api/v2/insights/user-latency", &res, req.options()...)
}
