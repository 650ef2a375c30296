package coderd_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/buildinfo"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }

func TestBuildInfo(t *testing.T) {
	t.Parallel()
	client, api := coderdtest.NewWithAPI(t, nil)
	info, err := client.BuildInfo(context.Background())
	require.NoError(t, err)

	assert.Equal(t, buildinfo.Version(), info.Version)
	assert.Equal(t, buildinfo.ExternalURL(), info.ExternalURL)
	assert.Equal(t, client.URL.String(), info.DashboardURL)
	assert.Equal(t, api.DeploymentID, info.DeploymentID)
	assert.NotEmpty(t, info.DeploymentID)
	assert.NotEmpty(t, info.AgentAPIVersion)
	assert.NotEmpty(t, info.ProvisionerAPIVersion)
	assert.False(t, info.WorkspaceProxy)

	// Every field of the seed page is on the wire, even the false ones.
	res, err := client.Request(context.Background(), http.MethodGet, "/api/v2/buildinfo", nil)
	require.NoError(t, err)
	defer res.Body.Close()
	var raw map[string]any
	require.NoError(t, json.NewDecoder(res.Body).Decode(&raw))
	for _, field := range []string{"agent_api_version", "dashboard_url", "deployment_id", "external_url",
		"provisioner_api_version", "telemetry", "upgrade_message", "version", "workspace_proxy"} {
		assert.Contains(t, raw, field)
	}
	assert.Equal(t, buildinfo.Version(), res.Header.Get(codersdk.BuildVersionHeader))
	assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
	assert.NotEmpty(t, res.Header.Get(codersdk.RequestIDHeader))
}

func TestDeploymentIDIsPerDatabase(t *testing.T) {
	t.Parallel()
	// Two servers on two databases get two ids; the restart case (same
	// database, same id) is covered by the server command's tests.
	a := coderdtest.New(t, nil)
	b := coderdtest.New(t, nil)
	infoA, err := a.BuildInfo(context.Background())
	require.NoError(t, err)
	infoB, err := b.BuildInfo(context.Background())
	require.NoError(t, err)
	assert.NotEqual(t, infoA.DeploymentID, infoB.DeploymentID)
}

func TestAPIRoot(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	res, err := client.Request(context.Background(), http.MethodGet, "/api/v2/", nil)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	var resp codersdk.Response
	require.NoError(t, json.NewDecoder(res.Body).Decode(&resp))
	assert.NotEmpty(t, resp.Message)
}

func TestUpdateCheck(t *testing.T) {
	t.Parallel()
	t.Run("CurrentByDefault", func(t *testing.T) {
		t.Parallel()
		client := coderdtest.New(t, nil)
		resp, err := client.UpdateCheck(context.Background())
		require.NoError(t, err)
		assert.True(t, resp.Current)
		assert.Equal(t, buildinfo.Version(), resp.Version)
	})
	t.Run("NewerConfigured", func(t *testing.T) {
		t.Parallel()
		vals, _ := coderdtest.DeploymentValues(t)
		require.NoError(t, vals.LatestVersion.Set("v99.0.0"))
		client := coderdtest.New(t, &coderdtest.Options{DeploymentValues: vals})
		resp, err := client.UpdateCheck(context.Background())
		require.NoError(t, err)
		assert.False(t, resp.Current)
		assert.Equal(t, "v99.0.0", resp.Version)
		assert.Contains(t, resp.URL, "v99.0.0")
	})
	t.Run("OlderConfigured", func(t *testing.T) {
		t.Parallel()
		vals, _ := coderdtest.DeploymentValues(t)
		require.NoError(t, vals.LatestVersion.Set("v0.0.0-alpha"))
		client := coderdtest.New(t, &coderdtest.Options{DeploymentValues: vals})
		resp, err := client.UpdateCheck(context.Background())
		require.NoError(t, err)
		assert.True(t, resp.Current)
	})
}

func TestRoutingErrors(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	for _, tc := range []struct {
		name, method, path string
		status             int
		message            string
	}{
		{"UnknownAPIRoute", http.MethodGet, "/api/v2/nope", http.StatusNotFound, "Route not found"},
		// GET of other paths is the dashboard's (coderd/dashboardtest).
		{"UnknownTopLevelWrite", http.MethodPost, "/nope", http.StatusNotFound, "Route not found"},
		{"UnknownAPIVersion", http.MethodGet, "/api/v1/nope", http.StatusNotFound, "Route not found"},
		{"WrongMethod", http.MethodPost, "/api/v2/buildinfo", http.StatusMethodNotAllowed, "not allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			res, err := client.Request(context.Background(), tc.method, tc.path, nil)
			require.NoError(t, err)
			require.Equal(t, tc.status, res.StatusCode)
			assert.Contains(t, res.Header.Get("Content-Type"), "application/json")
			err = codersdk.ReadBodyAsError(res)
			var apiErr *codersdk.Error
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tc.status, apiErr.StatusCode())
			assert.Contains(t, apiErr.Message, tc.message)
		})
	}
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	res, err := client.Request(context.Background(), http.MethodGet, "/healthz", nil)
	require.NoError(t, err)
	defer res.Body.Close()
	assert.Equal(t, http.StatusOK, res.StatusCode)
}

func TestMethodNotAllowedListsAllowedMethods(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	res, err := client.Request(context.Background(), http.MethodDelete, "/api/v2/buildinfo", nil)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusMethodNotAllowed, res.StatusCode)
	assert.Contains(t, res.Header.Values("Allow"), http.MethodGet)
}
