package introspectiontest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
)

// TestDebugHealthUnreachableAccessURL: a server whose --access-url leads
// nowhere says so in its health report: the access URL and websocket
// checks fail with Coder's codes, the others still pass.
func TestDebugHealthUnreachableAccessURL(t *testing.T) {
	t.Parallel()
	// Nothing listens on port 1 of the loopback address: connections are
	// refused at once.
	const nowhere = "http://127.0.0.1:1"
	srv := startServer(t, "--postgres-url", dbtestutil.Open(t), "--provisioner-daemons", "1", "--access-url", nowhere)
	client := codersdk.New(srv.api)
	coderdtest.CreateFirstUser(t, client)

	report, err := client.DebugHealthFresh(context.Background())
	require.NoError(t, err)
	assert.False(t, report.Healthy)
	assert.Equal(t, codersdk.HealthSeverityError, report.Severity)

	assert.Equal(t, nowhere, report.AccessURL.AccessURL)
	assert.False(t, report.AccessURL.Reachable)
	assert.Equal(t, codersdk.HealthSeverityError, report.AccessURL.Severity)
	require.NotNil(t, report.AccessURL.Error)
	assert.True(t, strings.HasPrefix(*report.AccessURL.Error, codersdk.HealthCodeAccessURLFetch+": "), *report.AccessURL.Error)

	assert.False(t, report.Websocket.Healthy)
	assert.Equal(t, codersdk.HealthSeverityError, report.Websocket.Severity)
	require.NotNil(t, report.Websocket.Error)
	assert.True(t, strings.HasPrefix(*report.Websocket.Error, codersdk.HealthCodeWebsocketDial+": "), *report.Websocket.Error)

	assert.True(t, report.Database.Reachable)
	assert.NotEqual(t, codersdk.HealthSeverityError, report.Database.Severity)
	assert.True(t, report.Replicas.Healthy)
}
