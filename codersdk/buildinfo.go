package codersdk

import (
	"context"
	"strings"
)

// BuildInfoResponse describes the running build of the server.
type BuildInfoResponse struct {
	// ExternalURL links to the source of this build.
	ExternalURL string `json:"external_url"`
	// Version is the semantic version of the build.
	Version string `json:"version"`
	// DashboardURL is the URL users open in a browser: the access URL.
	DashboardURL string `json:"dashboard_url"`
	// Telemetry reports whether usage telemetry is sent; this server sends none.
	Telemetry bool `json:"telemetry"`
	// WorkspaceProxy is true only when the answer comes from a workspace proxy.
	WorkspaceProxy bool `json:"workspace_proxy"`
	// AgentAPIVersion is the newest workspace agent API the server speaks.
	AgentAPIVersion string `json:"agent_api_version"`
	// ProvisionerAPIVersion is the newest provisioner daemon API it speaks.
	ProvisionerAPIVersion string `json:"provisioner_api_version"`
	// UpgradeMessage is shown to CLI users whose version differs.
	UpgradeMessage string `json:"upgrade_message"`
	// DeploymentID is generated once per database and never changes.
	DeploymentID string `json:"deployment_id"`
}

// TrimmedVersion drops build metadata: "v2.1.0-devel+abc" becomes "v2.1.0".
func (b BuildInfoResponse) TrimmedVersion() string {
	if i := strings.Index(b.Version, "-devel"); i >= 0 {
		return b.Version[:i]
	}
	return b.Version
}

// BuildInfo returns build information of the server. It needs no session.
func (c *Client) BuildInfo(ctx context.Context) (BuildInfoResponse, error) {
	var info BuildInfoResponse
	return info, c.getJSON(ctx, "/api/v2/buildinfo", &info)
}

// UpdateCheckResponse says whether a newer release than the running one is
// known to the server.
type UpdateCheckResponse struct {
	// Current is true when no newer version is known.
	Current bool `json:"current"`
	// Version is the newest known version.
	Version string `json:"version"`
	// URL points at the release notes of Version.
	URL string `json:"url"`
}

// UpdateCheck asks the server whether a newer release is known.
func (c *Client) UpdateCheck(ctx context.Context) (UpdateCheckResponse, error) {
	var resp UpdateCheckResponse
	return resp, c.getJSON(ctx, "/api/v2/updatecheck", &resp)
}
