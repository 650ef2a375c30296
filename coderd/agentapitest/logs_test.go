package agentapitest_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/agents"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// TestAgentLogs: lines are stored by source and read after an id; a
// follower gets new batches live; past the cap the agent gets 413 and the
// logs read overflowed with one final line.
func TestAgentLogs(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := ctxT(t)
	conn := connect(t, e.client, e.token)
	source := agentOf(t, e.client, e.agentID).LogSources[0].ID

	require.NoError(t, conn.PatchLogs(ctx, agentsdk.PatchLogsRequest{LogSourceID: source, Logs: []agentsdk.Log{
		{CreatedAt: time.Now(), Output: "one", Level: codersdk.LogLevelInfo},
		{CreatedAt: time.Now(), Output: "two", Level: codersdk.LogLevelWarn},
	}}))
	batches, closer, err := e.client.WorkspaceAgentLogsAfter(ctx, e.agentID, 0, false)
	require.NoError(t, err)
	defer closer.Close()
	logs := <-batches
	require.Len(t, logs, 2)
	assert.Equal(t, "one", logs[0].Output)
	assert.Equal(t, source, logs[0].SourceID)
	assert.Equal(t, codersdk.LogLevelWarn, logs[1].Level)

	follow, closeFollow, err := e.client.WorkspaceAgentLogsAfter(ctx, e.agentID, logs[1].ID, true)
	require.NoError(t, err)
	defer closeFollow.Close()
	require.NoError(t, conn.PatchLogs(ctx, agentsdk.PatchLogsRequest{LogSourceID: source, Logs: []agentsdk.Log{{Output: "three"}}}))
	select {
	case got := <-follow:
		require.Len(t, got, 1)
		assert.Equal(t, "three", got[0].Output)
		assert.Equal(t, codersdk.LogLevelInfo, got[0].Level)
	case <-ctx.Done():
		t.Fatal("no live log batch")
	}
	a := agentOf(t, e.client, e.agentID)
	assert.Equal(t, int32(len("one")+len("two")+len("three")), a.LogsLength)
	assert.False(t, a.LogsOverflowed)

	// Bad input names the field.
	err = conn.PatchLogs(ctx, agentsdk.PatchLogsRequest{Logs: []agentsdk.Log{{Output: "x"}}})
	requireStatus(t, err, http.StatusBadRequest)

	// Fill up to the cap, then pass it.
	big := strings.Repeat("x", 64*1024)
	var last error
	for i := 0; i < 20 && last == nil; i++ {
		last = conn.PatchLogs(ctx, agentsdk.PatchLogsRequest{LogSourceID: source, Logs: []agentsdk.Log{{Output: big}}})
	}
	requireStatus(t, last, http.StatusRequestEntityTooLarge)
	a = agentOf(t, e.client, e.agentID)
	assert.True(t, a.LogsOverflowed)
	assert.LessOrEqual(t, a.LogsLength, int32(agents.LogsCap))
	err = conn.PatchLogs(ctx, agentsdk.PatchLogsRequest{LogSourceID: source, Logs: []agentsdk.Log{{Output: "more"}}})
	requireStatus(t, err, http.StatusRequestEntityTooLarge)

	all, closeAll, err := e.client.WorkspaceAgentLogsAfter(ctx, e.agentID, 0, false)
	require.NoError(t, err)
	defer closeAll.Close()
	got := <-all
	assert.Contains(t, got[len(got)-1].Output, "limit")
	assert.Equal(t, codersdk.LogLevelError, got[len(got)-1].Level)

	// after must be a number.
	res := coderdtest.RawRequest(t, e.client, http.MethodGet, "/api/v2/workspaceagents/"+e.agentID.String()+"/logs?after=x", nil)
	require.Equal(t, http.StatusBadRequest, res.Status)
	assert.Equal(t, "after", res.Response(t).Validations[0].Field)
	_ = uuid.Nil
}

// TestAgentMetadataWatch: a metadata report reaches a watcher over SSE.
func TestAgentMetadataWatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := ctxT(t)
	conn := connect(t, e.client, e.token)

	updates, errs := e.client.WatchWorkspaceAgentMetadata(ctx, e.agentID)
	var first []codersdk.WorkspaceAgentMetadata
	select {
	case first = <-updates:
	case err := <-errs:
		t.Fatal(err)
	}
	require.Len(t, first, 1)
	assert.Equal(t, "load", first[0].Description.Key)
	assert.Equal(t, int64(10), first[0].Description.Interval)
	assert.Empty(t, first[0].Result.Value)

	require.NoError(t, conn.PostMetadata(ctx, agentsdk.PostMetadataRequest{Metadata: []agentsdk.Metadata{
		{Key: "load", MetadataResult: agentsdk.MetadataResult{CollectedAt: time.Now(), Value: "0.42"}},
		{Key: "undeclared", MetadataResult: agentsdk.MetadataResult{CollectedAt: time.Now(), Value: "ignored"}},
	}}))
	for {
		select {
		case md := <-updates:
			require.Len(t, md, 1)
			if md[0].Result.Value == "0.42" {
				assert.False(t, md[0].Result.CollectedAt.IsZero())
				return
			}
		case err := <-errs:
			t.Fatal(err)
		}
	}
}

// TestAgentReadAccess: another member cannot see the agent (404); a user
// the workspace is shared with can read it, its logs and its metadata.
func TestAgentReadAccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ctx := ctxT(t)
	other, _ := coderdtest.CreateAnotherUser(t, e.client, e.orgID)
	shared, sharedUser := coderdtest.CreateAnotherUser(t, e.client, e.orgID)

	for _, path := range []string{"", "/logs", "/listening-ports", "/watch-metadata"} {
		res := coderdtest.RawRequest(t, other, http.MethodGet, "/api/v2/workspaceagents/"+e.agentID.String()+path, nil)
		assert.Equal(t, http.StatusNotFound, res.Status, path)
	}

	require.NoError(t, e.client.UpdateWorkspaceACL(ctx, e.workspace.ID, codersdk.UpdateWorkspaceACL{
		UserRoles: map[string]codersdk.WorkspaceRole{sharedUser.ID.String(): codersdk.WorkspaceRoleUse},
	}))
	a, err := shared.WorkspaceAgent(ctx, e.agentID)
	require.NoError(t, err)
	assert.Equal(t, e.agentID, a.ID)
	batches, closer, err := shared.WorkspaceAgentLogsAfter(ctx, e.agentID, 0, false)
	require.NoError(t, err)
	defer closer.Close()
	<-batches
	updates, errs := shared.WatchWorkspaceAgentMetadata(ctx, e.agentID)
	select {
	case <-updates:
	case err := <-errs:
		t.Fatal(err)
	}
	res := coderdtest.RawRequest(t, other, http.MethodGet, "/api/v2/workspaceagents/not-a-uuid", nil)
	assert.Equal(t, http.StatusBadRequest, res.Status)
}

// TestAgentTwoReplicas: an agent connected to replica A reads connected
// through replica B, and disconnected once A ends its connections.
func TestAgentTwoReplicas(t *testing.T) {
	t.Parallel()
	url := dbtestutilOpen(t)
	clientA, apiA := coderdtest.NewWithAPI(t, &coderdtest.Options{DatabaseURL: url, IncludeProvisionerDaemon: true})
	first := coderdtest.CreateFirstUser(t, clientA)
	e := setupWorkspace(t, clientA, first.OrganizationID)
	clientB := coderdtest.New(t, &coderdtest.Options{DatabaseURL: url})
	clientB.SetSessionToken(clientA.SessionToken())

	connect(t, clientA, e.token)
	eventually(t, func() bool { return agentOf(t, clientB, e.agentID).Status == codersdk.WorkspaceAgentConnected }, "connected through B")
	require.NotNil(t, apiA.AgentConns.Get(e.agentID))

	apiA.AgentConns.CloseAll()
	eventually(t, func() bool { return agentOf(t, clientB, e.agentID).Status == codersdk.WorkspaceAgentDisconnected }, "disconnected through B")

	// It reconnects through B.
	connect(t, clientB, e.token)
	eventually(t, func() bool { return agentOf(t, clientA, e.agentID).Status == codersdk.WorkspaceAgentConnected }, "reconnected through B")
}
