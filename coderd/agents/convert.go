package agents

import (
	"strconv"
	"time"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

func formatInt(i int) string { return strconv.Itoa(i) }

// App converts an app row with its reported health.
func App(app database.WorkspaceApp) codersdk.WorkspaceApp {
	health := codersdk.WorkspaceAppHealth(app.Health)
	if health == "" {
		health = codersdk.WorkspaceAppHealthDisabled
	}
	return codersdk.WorkspaceApp{
		ID: app.ID, URL: app.Url, External: app.External, Slug: app.Slug, DisplayName: app.DisplayName,
		Command: app.Command, Icon: app.Icon, Subdomain: app.Subdomain,
		SharingLevel: codersdk.WorkspaceAppSharingLevel(app.SharingLevel),
		Healthcheck: codersdk.Healthcheck{
			URL: app.HealthcheckUrl, Interval: app.HealthcheckInterval, Threshold: app.HealthcheckThreshold,
		},
		Health: health, Hidden: app.Hidden, OpenIn: codersdk.WorkspaceAppOpenIn(app.OpenIn),
		Statuses: []codersdk.WorkspaceAppStatus{},
	}
}

// Script converts a script row.
func Script(sc database.WorkspaceAgentScript) codersdk.WorkspaceAgentScript {
	return codersdk.WorkspaceAgentScript{
		ID: sc.ID, LogSourceID: sc.LogSourceID, LogPath: sc.LogPath, Script: sc.Script, Cron: sc.Cron,
		RunOnStart: sc.RunOnStart, RunOnStop: sc.RunOnStop, StartBlocksLogin: sc.StartBlocksLogin,
		Timeout: time.Duration(sc.TimeoutSeconds) * time.Second, DisplayName: sc.DisplayName,
	}
}

// LogSource converts a log source row.
func LogSource(ls database.WorkspaceAgentLogSource) codersdk.WorkspaceAgentLogSource {
	return codersdk.WorkspaceAgentLogSource{
		WorkspaceAgentID: ls.WorkspaceAgentID, ID: ls.ID, CreatedAt: ls.CreatedAt, DisplayName: ls.DisplayName, Icon: ls.Icon,
	}
}

// MetadataDescription is a metadata item as the build declares it.
func MetadataDescription(m database.WorkspaceAgentMetadatum) codersdk.WorkspaceAgentMetadataDescription {
	return codersdk.WorkspaceAgentMetadataDescription{
		DisplayName: m.DisplayName, Key: m.Key, Script: m.Script, Interval: m.IntervalSeconds, Timeout: m.TimeoutSeconds,
	}
}

// Metadata is a metadata item with its latest result.
func Metadata(m database.WorkspaceAgentMetadatum, now time.Time) codersdk.WorkspaceAgentMetadata {
	out := codersdk.WorkspaceAgentMetadata{
		Description: MetadataDescription(m),
		Result: codersdk.WorkspaceAgentMetadataResult{
			CollectedAt: m.CollectedAt, Value: m.Value, Error: m.Error,
		},
	}
	if !m.CollectedAt.IsZero() && m.CollectedAt.Year() > 1 {
		out.Result.Age = int64(now.Sub(m.CollectedAt).Round(time.Second).Seconds())
	}
	return out
}

// Log converts a log row.
func Log(l database.WorkspaceAgentLog) codersdk.WorkspaceAgentLog {
	return codersdk.WorkspaceAgentLog{
		ID: l.ID, CreatedAt: l.CreatedAt, Output: l.Output, Level: codersdk.LogLevel(l.Level), SourceID: l.LogSourceID,
	}
}
