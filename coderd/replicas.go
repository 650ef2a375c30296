package coderd

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"cdr.dev/slog"

	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/rbac"
)

// @Summary Get active replicas
// @ID get-active-replicas
// @Security CoderSessionToken
// @Produce json
// @Tags Enterprise
// @Success 200 {array} codersdk.Replica
// @Router /replicas [get]
func (api *API) replicas(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	// Not even the existence of the list is shown to others, as in Coder.
	if !api.authorize(r, rbac.ActionRead, rbac.ResourceReplicas) {
		httpapi.ResourceNotFound(rw)
		return
	}
	rows, err := api.liveReplicas(ctx)
	if err != nil {
		httpapi.InternalServerError(rw, err)
		return
	}
	out := make([]codersdk.Replica, 0, len(rows))
	for _, row := range rows {
		out = append(out, convert.Replica(row))
	}
	httpapi.Write(ctx, rw, http.StatusOK, out)
}

// liveReplicas are the replicas that heartbeated within the time after
// which one is presumed lost.
func (api *API) liveReplicas(ctx context.Context) ([]database.Replica, error) {
	return api.Database.GetReplicasUpdatedAfter(ctx, api.Replicas.LiveSince())
}

// replicaHostname names this process in the registry and its daemons.
func (*API) replicaHostname() string {
	host, _ := os.Hostname()
	if host == "" {
		host = "coderd"
	}
	return host
}

// databaseHealth pings the database from this replica; a ping slower than
// healthDatabaseThreshold is a warning (EDB02), a failed one an error.
func (api *API) databaseHealth(ctx context.Context) codersdk.DatabaseHealthReport {
	out := codersdk.DatabaseHealthReport{Warnings: []codersdk.HealthMessage{}, ThresholdMS: healthDatabaseThreshold.Milliseconds()}
	ctx, cancel := context.WithTimeout(ctx, database.DefaultHealthPingTimeout)
	defer cancel()
	latency, err := api.Database.Ping(ctx)
	if err != nil {
		// The reason never shows the database's user, host or password.
		out.Error, out.Severity = healthError(codersdk.HealthCodeDatabasePingFailed, "%s", database.OutageReason(err)), codersdk.HealthSeverityError
		return out
	}
	out.Healthy, out.Reachable, out.Severity = true, true, codersdk.HealthSeverityOK
	out.Latency, out.LatencyMS = latency.Round(time.Microsecond).String(), latency.Milliseconds()
	if latency > healthDatabaseThreshold {
		out.Severity = codersdk.HealthSeverityWarning
		out.Warnings = append(out.Warnings, codersdk.HealthMessage{
			Code:    codersdk.HealthCodeDatabasePingSlow,
			Message: fmt.Sprintf("A round trip to the database took %s, over %s: every request waits for several.", latency.Round(time.Microsecond), healthDatabaseThreshold),
		})
	}
	return out
}

func (api *API) replicasHealth(ctx context.Context) codersdk.ReplicasHealthReport {
	out := codersdk.ReplicasHealthReport{
		Warnings: []codersdk.HealthMessage{}, Versions: map[string]int{}, Replicas: []codersdk.Replica{},
	}
	// Read as the registry: the caller is already allowed the report.
	rows, err := api.Database.GetReplicasUpdatedAfter(dbauthz.AsReplicaRegistry(ctx), api.Replicas.LiveSince())
	if err != nil {
		msg := "the replica registry could not be read"
		out.Error, out.Severity = &msg, codersdk.HealthSeverityError
		api.Logger.Named("health").Warn(ctx, msg, slog.Error(err))
		return out
	}
	for _, row := range rows {
		out.Versions[row.Version]++
		out.Replicas = append(out.Replicas, convert.Replica(row))
	}
	out.Count = len(rows)
	out.Healthy, out.Severity = true, codersdk.HealthSeverityOK
	if len(out.Versions) > 1 {
		out.VersionSkew, out.Severity = true, codersdk.HealthSeverityWarning
		versions := make([]string, 0, len(out.Versions))
		for v, n := range out.Versions {
			versions = append(versions, fmt.Sprintf("%s (%d)", v, n))
		}
		slices.Sort(versions)
		out.Warnings = append(out.Warnings, codersdk.HealthMessage{
			Code:    codersdk.HealthCodeReplicaVersionSkew,
			Message: "Live replicas run different versions: " + strings.Join(versions, ", ") + ". Finish the upgrade so that all run one version.",
		})
	}
	return out
}

func worst(a, b codersdk.HealthSeverity) codersdk.HealthSeverity {
	rank := map[codersdk.HealthSeverity]int{codersdk.HealthSeverityOK: 0, codersdk.HealthSeverityWarning: 1, codersdk.HealthSeverityError: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}
