package apifuzz_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// TestHostileUserAgentIsAudited: a mutation whose User-Agent PostgreSQL
// cannot store as sent (invalid UTF-8, NUL) still succeeds only with its
// audit row, the user agent stored cleaned.
func TestHostileUserAgentIsAudited(t *testing.T) {
	t.Parallel()
	owner := coderdtest.New(t, &coderdtest.Options{IncludeProvisionerDaemon: true})
	first := coderdtest.CreateFirstUser(t, owner)
	member, _ := coderdtest.CreateAnotherUser(t, owner, first.OrganizationID)
	version := coderdtest.CreateTemplateVersion(t, owner, first.OrganizationID, nil, uuid.Nil)
	coderdtest.AwaitTemplateVersionJobCompleted(t, owner, version.ID)
	template := coderdtest.CreateTemplate(t, owner, first.OrganizationID, version.ID)
	ws := coderdtest.CreateWorkspace(t, member, template.ID)
	coderdtest.AwaitWorkspaceBuildJobCompleted(t, member, ws.LatestBuild.ID)

	hostile := []struct {
		name      string
		userAgent string
	}{
		{"invalid UTF-8", "\xff\xfe"},
		{"invalid UTF-8 around text", "curl/8\xc0\xaf\xff"},
		{"NUL", "curl\x00/8"},
	}
	for i, ua := range hostile {
		t.Run(ua.name, func(t *testing.T) {
			// A member's workspace build.
			status, reqID, body := rawRequest(t, owner, member.SessionToken(), http.MethodPost,
				fmt.Sprintf("/api/v2/workspaces/%s/builds", ws.ID), ua.userAgent,
				fmt.Sprintf(`{"transition":%q}`, []string{"stop", "start", "stop"}[i]))
			if status == http.StatusBadRequest && reqID == "" {
				// net/http itself refused the header before any handler ran:
				// nothing changed, nothing to audit.
				t.Skipf("the HTTP server refuses a User-Agent with %s", ua.name)
			}
			require.Equal(t, http.StatusCreated, status, body)
			requireAudited(t, owner, reqID, codersdk.ResourceTypeWorkspaceBuild)
			// The next build may start only when this one is done.
			var build codersdk.WorkspaceBuild
			require.NoError(t, json.Unmarshal(body, &build))
			coderdtest.AwaitWorkspaceBuildJobCompleted(t, member, build.ID)

			// An owner's profile change.
			status, reqID, body = rawRequest(t, owner, owner.SessionToken(), http.MethodPut,
				"/api/v2/users/me/profile", ua.userAgent,
				fmt.Sprintf(`{"username":"owner","name":"Owner %d"}`, i))
			require.Equal(t, http.StatusOK, status, body)
			requireAudited(t, owner, reqID, codersdk.ResourceTypeUser)
		})
	}
}

// rawRequest writes the request on a bare connection, so the User-Agent
// goes out byte for byte (net/http's client refuses some), and returns the
// status, request id and body of the answer.
func rawRequest(t *testing.T, client *codersdk.Client, token, method, path, userAgent, body string) (int, string, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", client.URL.Host)
	require.NoError(t, err)
	defer conn.Close()
	var req bytes.Buffer
	fmt.Fprintf(&req, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, path, client.URL.Host)
	fmt.Fprintf(&req, "%s: %s\r\nUser-Agent: %s\r\n", codersdk.SessionTokenHeader, token, userAgent)
	fmt.Fprintf(&req, "Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
	_, err = conn.Write(req.Bytes())
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	respBody, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, resp.Header.Get(codersdk.RequestIDHeader), respBody
}

func requireAudited(t *testing.T, owner *codersdk.Client, reqID string, typ codersdk.ResourceType) {
	t.Helper()
	require.NotEmpty(t, reqID)
	logs, err := owner.AuditLogs(context.Background(), codersdk.AuditLogsRequest{SearchQuery: "request_id:" + reqID})
	require.NoError(t, err)
	var found *codersdk.AuditLog
	for i := range logs.AuditLogs {
		if logs.AuditLogs[i].ResourceType == typ {
			found = &logs.AuditLogs[i]
		}
	}
	raw, _ := json.Marshal(logs.AuditLogs)
	require.NotNil(t, found, "no %s audit row for request %s: %s", typ, reqID, raw)
	assert.True(t, utf8.ValidString(found.UserAgent), "user agent stored as valid UTF-8")
	assert.False(t, strings.ContainsRune(found.UserAgent, 0), "user agent stored without NUL")
	assert.Less(t, found.StatusCode, int32(300))
}
