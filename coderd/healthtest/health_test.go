package healthtest_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/buildinfo"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// TestDebugHealthReportsEachSection: with a daemon running and the access
// URL reachable, every section is there with its verdict, in Coder's field
// names.
func TestDebugHealthReportsEachSection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client := coderdtest.New(t, &coderdtest.Options{IncludeProvisionerDaemon: true})
	coderdtest.CreateFirstUser(t, client)

	var report codersdk.HealthcheckReport
	// The daemon heartbeats within a moment of starting.
	require.Eventually(t, func() bool {
		var err error
		report, err = client.DebugHealthFresh(ctx)
		require.NoError(t, err)
		return len(report.ProvisionerDaemons.Items) == 1
	}, time.Minute, 100*time.Millisecond)

	assert.True(t, report.Healthy)
	assert.NotEqual(t, codersdk.HealthSeverityError, report.Severity)
	assert.Equal(t, buildinfo.Version(), report.CoderVersion)
	assert.WithinDuration(t, time.Now(), report.Time, time.Minute)

	assert.True(t, report.AccessURL.Healthy)
	assert.Equal(t, codersdk.HealthSeverityOK, report.AccessURL.Severity)
	assert.True(t, report.AccessURL.Reachable)
	assert.Equal(t, http.StatusOK, report.AccessURL.StatusCode)
	assert.Equal(t, client.URL.String(), report.AccessURL.AccessURL)
	assert.NotEmpty(t, report.AccessURL.HealthzResponse)
	assert.Nil(t, report.AccessURL.Error)

	assert.True(t, report.Websocket.Healthy, "websocket error: %v", report.Websocket.Error)
	assert.Equal(t, codersdk.HealthSeverityOK, report.Websocket.Severity)
	assert.Equal(t, http.StatusSwitchingProtocols, report.Websocket.Code)
	assert.Nil(t, report.Websocket.Error)

	assert.True(t, report.Database.Healthy)
	assert.True(t, report.Database.Reachable)
	assert.NotEmpty(t, report.Database.Latency)
	assert.EqualValues(t, 15, report.Database.ThresholdMS)
	// Slow pings (a loaded machine) warn; they are never an error.
	assert.NotEqual(t, codersdk.HealthSeverityError, report.Database.Severity)

	assert.True(t, report.ProvisionerDaemons.Healthy)
	assert.Equal(t, codersdk.HealthSeverityOK, report.ProvisionerDaemons.Severity)
	item := report.ProvisionerDaemons.Items[0]
	assert.Empty(t, item.Warnings)
	assert.Equal(t, buildinfo.Version(), item.ProvisionerDaemon.Version)
	assert.NotEmpty(t, item.ProvisionerDaemon.Name)

	assert.True(t, report.Replicas.Healthy)
	assert.Equal(t, 1, report.Replicas.Count)

	// The wire names are Coder's, and every section has the common fields.
	res := coderdtest.RawRequest(t, client, http.MethodGet, "/api/v2/debug/health", nil)
	require.Equal(t, http.StatusOK, res.Status)
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(res.Body, &raw))
	for _, key := range []string{"time", "healthy", "severity", "access_url", "websocket", "database", "provisioner_daemons", "replicas", "coder_version"} {
		assert.Contains(t, raw, key)
	}
	for _, section := range []string{"access_url", "websocket", "database", "provisioner_daemons", "replicas"} {
		var fields map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(raw[section], &fields), section)
		for _, key := range []string{"healthy", "severity", "warnings", "dismissed", "error"} {
			assert.Contains(t, fields, key, "%s.%s", section, key)
		}
	}
}

// TestDebugHealthWithoutDaemons: no daemon seen means no build can run,
// an error (EPD01) that makes the report unhealthy.
func TestDebugHealthWithoutDaemons(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	coderdtest.CreateFirstUser(t, client)
	report, err := client.DebugHealthFresh(context.Background())
	require.NoError(t, err)
	assert.False(t, report.Healthy)
	assert.Equal(t, codersdk.HealthSeverityError, report.Severity)
	assert.False(t, report.ProvisionerDaemons.Healthy)
	assert.Equal(t, codersdk.HealthSeverityError, report.ProvisionerDaemons.Severity)
	require.NotNil(t, report.ProvisionerDaemons.Error)
	assert.True(t, strings.HasPrefix(*report.ProvisionerDaemons.Error, codersdk.HealthCodeProvisionerDaemonsNone+": "), *report.ProvisionerDaemons.Error)
	assert.Empty(t, report.ProvisionerDaemons.Items)
	// The other sections are unaffected.
	assert.True(t, report.AccessURL.Healthy)
	assert.True(t, report.Websocket.Healthy)
}

// TestDebugHealthIsCached: a report is served again for a few seconds;
// force=true makes a new one, and a bad force is a 400 naming the field.
func TestDebugHealthIsCached(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client := coderdtest.New(t, nil)
	coderdtest.CreateFirstUser(t, client)

	first, err := client.DebugHealthFresh(ctx)
	require.NoError(t, err)
	again, err := client.DebugHealth(ctx)
	require.NoError(t, err)
	if time.Since(first.Time) < 4*time.Second {
		// Well within the cache's 5 seconds (this test runs on loaded
		// machines too, where the check above may come late).
		assert.True(t, first.Time.Equal(again.Time), "the cached report is served again")
	}
	fresh, err := client.DebugHealthFresh(ctx)
	require.NoError(t, err)
	assert.True(t, fresh.Time.After(first.Time), "force makes a new report")

	res := coderdtest.RawRequest(t, client, http.MethodGet, "/api/v2/debug/health?force=maybe", nil)
	require.Equal(t, http.StatusBadRequest, res.Status)
	body := res.Response(t)
	require.Len(t, body.Validations, 1)
	assert.Equal(t, "force", body.Validations[0].Field)
}

// TestDebugHealthOwnersOnly: others get 404 for the report and the echo,
// as Coder answers; without a token, 401.
func TestDebugHealthOwnersOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client := coderdtest.New(t, nil)
	owner := coderdtest.CreateFirstUser(t, client)
	member, _ := coderdtest.CreateAnotherUser(t, client, owner.OrganizationID)

	for _, path := range []string{"/api/v2/debug/health", "/api/v2/debug/ws"} {
		res := coderdtest.RawRequest(t, member, http.MethodGet, path, nil)
		assert.Equal(t, http.StatusNotFound, res.Status, path)
		anon := coderdtest.Anonymous(client)
		res = coderdtest.RawRequest(t, anon, http.MethodGet, path, nil)
		assert.Equal(t, http.StatusUnauthorized, res.Status, path)
	}
	_, err := member.DebugHealth(ctx)
	var sdkErr *codersdk.Error
	require.ErrorAs(t, err, &sdkErr)
	assert.Equal(t, http.StatusNotFound, sdkErr.StatusCode())
}

// TestDebugWebsocketEcho: the echo the health check dials sends each
// message back.
func TestDebugWebsocketEcho(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := coderdtest.New(t, nil)
	coderdtest.CreateFirstUser(t, client)

	u, err := client.URL.Parse("/api/v2/debug/ws")
	require.NoError(t, err)
	header := http.Header{}
	header.Set(codersdk.SessionTokenHeader, client.SessionToken())
	conn, _, err := websocket.Dial(ctx, u.String(), &websocket.DialOptions{HTTPHeader: header})
	require.NoError(t, err)
	defer conn.CloseNow()
	for _, msg := range []string{"one", "two"} {
		require.NoError(t, conn.Write(ctx, websocket.MessageText, []byte(msg)))
		_, got, err := conn.Read(ctx)
		require.NoError(t, err)
		assert.Equal(t, msg, string(got))
	}
	require.NoError(t, conn.Close(websocket.StatusNormalClosure, ""))
}
