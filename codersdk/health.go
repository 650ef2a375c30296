package codersdk

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// HealthSeverity grades a health report or one of its sections.
type HealthSeverity string

const (
	HealthSeverityOK      HealthSeverity = "ok"
	HealthSeverityWarning HealthSeverity = "warning"
	HealthSeverityError   HealthSeverity = "error"
)

// HealthMessage is one finding of a health section.
type HealthMessage struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Health codes this server reports; all but EREPLICAVERSION are Coder's.
// An error message starts with its code ("EDB01: ...").
const (
	// HealthCodeReplicaVersionSkew: live replicas run different versions
	// (normal for the length of a rolling upgrade).
	HealthCodeReplicaVersionSkew = "EREPLICAVERSION"

	HealthCodeDatabasePingFailed = "EDB01"
	HealthCodeDatabasePingSlow   = "EDB02"

	HealthCodeWebsocketDial = "EWS01"
	HealthCodeWebsocketEcho = "EWS02"
	HealthCodeWebsocketMsg  = "EWS03"

	HealthCodeAccessURLNotSet  = "EACS01"
	HealthCodeAccessURLInvalid = "EACS02"
	HealthCodeAccessURLFetch   = "EACS03"
	HealthCodeAccessURLNotOK   = "EACS04"

	HealthCodeProvisionerDaemonsNone           = "EPD01"
	HealthCodeProvisionerDaemonVersionMismatch = "EPD02"
	HealthCodeProvisionerDaemonAPIVersion      = "EPD03"
)

// HealthcheckReport is the body of GET /debug/health: the sections this
// server checks, in the shape of Coder's report (healthsdk). Coder's derp
// and workspace_proxy sections are left out: this server has neither.
type HealthcheckReport struct {
	// Time is when the report was made; it is cached for a few seconds.
	Time time.Time `json:"time" format:"date-time"`
	// Healthy is true when no section is in error.
	Healthy            bool                           `json:"healthy"`
	Severity           HealthSeverity                 `json:"severity" enums:"ok,warning,error"`
	AccessURL          AccessURLHealthReport          `json:"access_url"`
	Websocket          WebsocketHealthReport          `json:"websocket"`
	Database           DatabaseHealthReport           `json:"database"`
	ProvisionerDaemons ProvisionerDaemonsHealthReport `json:"provisioner_daemons"`
	// Replicas is this server's own section (Coder reports replicas under
	// its enterprise endpoints).
	Replicas     ReplicasHealthReport `json:"replicas"`
	CoderVersion string               `json:"coder_version"`
}

// AccessURLHealthReport is the result of GET <access URL>/healthz made by
// the server itself: whether users can reach it where it says it is.
type AccessURLHealthReport struct {
	Healthy         bool            `json:"healthy"`
	Severity        HealthSeverity  `json:"severity" enums:"ok,warning,error"`
	Warnings        []HealthMessage `json:"warnings"`
	Dismissed       bool            `json:"dismissed"`
	Error           *string         `json:"error"`
	AccessURL       string          `json:"access_url"`
	Reachable       bool            `json:"reachable"`
	StatusCode      int             `json:"status_code"`
	HealthzResponse string          `json:"healthz_response"`
}

// WebsocketHealthReport says whether a websocket opened through the access
// URL (and whatever proxies sit in front of it) carries messages both ways.
type WebsocketHealthReport struct {
	Healthy   bool            `json:"healthy"`
	Severity  HealthSeverity  `json:"severity" enums:"ok,warning,error"`
	Warnings  []HealthMessage `json:"warnings"`
	Dismissed bool            `json:"dismissed"`
	Error     *string         `json:"error"`
	// Body and Code are the HTTP response when the upgrade was refused.
	Body string `json:"body"`
	Code int    `json:"code"`
}

// DatabaseHealthReport is how this replica reaches the database.
type DatabaseHealthReport struct {
	Healthy   bool            `json:"healthy"`
	Severity  HealthSeverity  `json:"severity" enums:"ok,warning,error"`
	Warnings  []HealthMessage `json:"warnings"`
	Dismissed bool            `json:"dismissed"`
	Reachable bool            `json:"reachable"`
	Latency   string          `json:"latency"`
	LatencyMS int64           `json:"latency_ms"`
	// ThresholdMS is the latency above which the section warns (EDB02).
	ThresholdMS int64   `json:"threshold_ms"`
	Error       *string `json:"error"`
}

// ProvisionerDaemonsHealthReport lists the daemons seen recently; with none
// no template can be imported and no workspace built.
type ProvisionerDaemonsHealthReport struct {
	Healthy   bool                                 `json:"healthy"`
	Severity  HealthSeverity                       `json:"severity" enums:"ok,warning,error"`
	Warnings  []HealthMessage                      `json:"warnings"`
	Dismissed bool                                 `json:"dismissed"`
	Error     *string                              `json:"error"`
	Items     []ProvisionerDaemonsHealthReportItem `json:"items"`
}

// ProvisionerDaemonsHealthReportItem is one daemon and what is wrong with
// it (a version other than the server's).
type ProvisionerDaemonsHealthReportItem struct {
	ProvisionerDaemon ProvisionerDaemon `json:"provisioner_daemon"`
	Warnings          []HealthMessage   `json:"warnings"`
}

// ReplicasHealthReport counts the live replicas and flags version skew.
type ReplicasHealthReport struct {
	Healthy   bool            `json:"healthy"`
	Severity  HealthSeverity  `json:"severity" enums:"ok,warning,error"`
	Warnings  []HealthMessage `json:"warnings"`
	Dismissed bool            `json:"dismissed"`
	// Count is the number of live replicas, this one included.
	Count int `json:"count"`
	// Versions counts live replicas by the version they run.
	Versions map[string]int `json:"versions"`
	// VersionSkew is true when live replicas run different versions.
	VersionSkew bool      `json:"version_skew"`
	Replicas    []Replica `json:"replicas"`
	Error       *string   `json:"error"`
}

// DebugHealth fetches the health report (owners only), as cached by the
// server for a few seconds.
func (c *Client) DebugHealth(ctx context.Context) (HealthcheckReport, error) {
	return c.debugHealth(ctx, "/api/v2/debug/health")
}

// DebugHealthFresh fetches a health report made now (?force=true).
func (c *Client) DebugHealthFresh(ctx context.Context) (HealthcheckReport, error) {
	return c.debugHealth(ctx, "/api/v2/debug/health?force=true")
}

func (c *Client) debugHealth(ctx context.Context, path string) (HealthcheckReport, error) {
	res, err := c.Request(ctx, http.MethodGet, path, nil)
	if err != nil {
		return HealthcheckReport{}, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return HealthcheckReport{}, ReadBodyAsError(res)
	}
	var out HealthcheckReport
	return out, json.NewDecoder(res.Body).Decode(&out)
}
