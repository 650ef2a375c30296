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

// Health codes this server reports.
const (
	// HealthCodeReplicaVersionSkew: live replicas run different versions
	// (normal for the length of a rolling upgrade).
	HealthCodeReplicaVersionSkew = "EREPLICAVERSION"
)

// HealthcheckReport is the body of GET /debug/health: the sections this
// server checks, in the shape of Coder's report.
type HealthcheckReport struct {
	// Time is when the report was made.
	Time time.Time `json:"time" format:"date-time"`
	// Healthy is true when no section is in error.
	Healthy      bool                 `json:"healthy"`
	Severity     HealthSeverity       `json:"severity" enums:"ok,warning,error"`
	CoderVersion string               `json:"coder_version"`
	Database     DatabaseHealthReport `json:"database"`
	Replicas     ReplicasHealthReport `json:"replicas"`
}

// DatabaseHealthReport is how this replica reaches the database.
type DatabaseHealthReport struct {
	Healthy   bool            `json:"healthy"`
	Severity  HealthSeverity  `json:"severity" enums:"ok,warning,error"`
	Warnings  []HealthMessage `json:"warnings"`
	Reachable bool            `json:"reachable"`
	Latency   string          `json:"latency"`
	LatencyMS int64           `json:"latency_ms"`
	Error     *string         `json:"error"`
}

// ReplicasHealthReport counts the live replicas and flags version skew.
type ReplicasHealthReport struct {
	Healthy  bool            `json:"healthy"`
	Severity HealthSeverity  `json:"severity" enums:"ok,warning,error"`
	Warnings []HealthMessage `json:"warnings"`
	// Count is the number of live replicas, this one included.
	Count int `json:"count"`
	// Versions counts live replicas by the version they run.
	Versions map[string]int `json:"versions"`
	// VersionSkew is true when live replicas run different versions.
	VersionSkew bool      `json:"version_skew"`
	Replicas    []Replica `json:"replicas"`
	Error       *string   `json:"error"`
}

// DebugHealth fetches the health report (owners only).
func (c *Client) DebugHealth(ctx context.Context) (HealthcheckReport, error) {
	res, err := c.Request(ctx, http.MethodGet, "/api/v2/debug/health", nil)
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
