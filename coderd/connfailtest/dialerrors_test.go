package connfailtest_test

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
	"github.com/devplane/devplane/testutil/freeport"
)

func ptyPath(agentID uuid.UUID) string {
	return "/api/v2/workspaceagents/" + agentID.String() + "/pty?reconnect=" + uuid.NewString()
}

func sshPath(agentID uuid.UUID) string {
	return "/api/v2/workspaceagents/" + agentID.String() + "/ssh"
}

func portPath(agentID uuid.UUID, port int) string {
	return "/api/v2/workspaceagents/" + agentID.String() + "/port-forward?port=" + strconv.Itoa(port)
}

// TestDialErrorNotConnectedThenRefused: with the agent not connected every
// connection path says so; once it is, a port nothing listens on is a
// refusal naming the port, through port forwarding and the app proxy.
// Each is a 502 with a clear message, never a 500.
func TestDialErrorNotConnectedThenRefused(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, &coderdtest.Options{IncludeProvisionerDaemon: true})
	first := coderdtest.CreateFirstUser(t, client)
	w := workspace(t, client, first.OrganizationID)

	for _, path := range []string{ptyPath(w.agentID), sshPath(w.agentID), portPath(w.agentID, 22)} {
		res := coderdtest.RawRequest(t, client, http.MethodGet, path, nil)
		require.Equal(t, http.StatusBadGateway, res.Status, path)
		assert.Equal(t, "The workspace agent is not connected.", res.Response(t).Message, path)
	}

	startAgent(t, client, client.URL, w)
	port := freeport.Loopback(t, "tcp")
	res := coderdtest.RawRequest(t, client, http.MethodGet, portPath(w.agentID, port), nil)
	require.Equal(t, http.StatusBadGateway, res.Status)
	want := "Connection refused to port " + strconv.Itoa(port) + " in the workspace."
	assert.Equal(t, want, res.Response(t).Message)

	me, err := client.User(context.Background(), codersdk.Me)
	require.NoError(t, err)
	ws, err := client.Workspace(context.Background(), w.id)
	require.NoError(t, err)
	res = coderdtest.RawRequest(t, client, http.MethodGet, "/@"+me.Username+"/"+ws.Name+"/apps/"+strconv.Itoa(port)+"/", nil)
	require.Equal(t, http.StatusBadGateway, res.Status)
	assert.Equal(t, want, res.Response(t).Message)
}

// TestDialErrorOtherReplica: the agent is connected to replica A; through
// replica B every connection path names A by its hostname, never its relay
// address, and says whether A cannot be reached (its relay address leads
// nowhere) or advertises no relay address at all (a deployment to fix).
func TestDialErrorOtherReplica(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, relay, want string
	}{
		{"unreachable", "http://127.0.0.1:" + strconv.Itoa(freeport.Loopback(t, "tcp")), "which cannot be reached."},
		{"no relay address", "", "which the other replicas cannot reach."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dbURL := dbtestutil.Open(t)
			aVals, _ := coderdtest.DeploymentValues(t)
			require.NoError(t, aVals.Replicas.RelayURL.Set(tc.relay))
			a, aAPI := coderdtest.NewWithAPI(t, &coderdtest.Options{DatabaseURL: dbURL, DeploymentValues: aVals})
			b := coderdtest.New(t, &coderdtest.Options{DatabaseURL: dbURL, IncludeProvisionerDaemon: true})
			first := coderdtest.CreateFirstUser(t, b)
			a.SetSessionToken(b.SessionToken())
			w := workspace(t, b, first.OrganizationID)
			startAgent(t, b, a.URL, w)

			want := `The workspace agent is connected to server replica "` + aAPI.Replicas.Hostname() + `", ` + tc.want
			for _, path := range []string{ptyPath(w.agentID), sshPath(w.agentID), portPath(w.agentID, 22)} {
				res := coderdtest.RawRequest(t, b, http.MethodGet, path, nil)
				require.Equal(t, http.StatusBadGateway, res.Status, path)
				assert.Equal(t, want, res.Response(t).Message, path)
				if tc.relay != "" {
					assert.NotContains(t, string(res.Body), tc.relay, path)
				}
			}
		})
	}
}
