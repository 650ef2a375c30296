package coderd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
)

// TestWorkspaceListQueryCount guards against N+1 queries in GET
// /workspaces: a page of 25 workspaces must cost as many SQL statements as
// a page of 5, for the owner (who sees every workspace through a site role)
// and for a member (who sees its own).
func TestWorkspaceListQueryCount(t *testing.T) {
	t.Parallel()
	t.Run("Running", func(t *testing.T) {
		t.Parallel()
		testWorkspaceListQueryCount(t, false)
	})
	// A page as a busy deployment shows it: one workspace in five shared
	// with a user and a group, one in five with a build queued for a daemon
	// that is not connected (so it stays pending).
	t.Run("SharedAndQueued", func(t *testing.T) {
		t.Parallel()
		testWorkspaceListQueryCount(t, true)
	})
}

func testWorkspaceListQueryCount(t *testing.T, mixed bool) {
	ctx := context.Background()
	queries := newRequestQueries()
	owner, _, db := coderdtest.NewWithDatabase(t, &coderdtest.Options{IncludeProvisionerDaemon: true, QueryTracer: queries})
	first := coderdtest.CreateFirstUser(t, owner)
	member, memberUser := coderdtest.CreateAnotherUser(t, owner, first.OrganizationID)
	_, friend := coderdtest.CreateAnotherUser(t, owner, first.OrganizationID)
	group, err := owner.CreateGroup(ctx, first.OrganizationID, codersdk.CreateGroupRequest{Name: "friends"})
	require.NoError(t, err)
	version := coderdtest.CreateTemplateVersion(t, owner, first.OrganizationID, nil, uuid.Nil)
	version = coderdtest.AwaitTemplateVersionJobCompleted(t, owner, version.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, version.Job.Status, version.Job.Error)
	tpl := coderdtest.CreateTemplate(t, owner, first.OrganizationID, version.ID)
	versionJob, err := db.GetProvisionerJobByID(ctx, version.Job.ID)
	require.NoError(t, err)

	// queue gives the workspace a second build whose job waits for a daemon
	// with a tag no daemon here offers. No API can keep a job pending while
	// a daemon runs, so it is arranged in the database.
	queue := func(w codersdk.Workspace) {
		now := dbtime.Now()
		job, err := db.InsertProvisionerJob(ctx, database.InsertProvisionerJobParams{
			ID: uuid.New(), CreatedAt: now, UpdatedAt: now, OrganizationID: first.OrganizationID,
			InitiatorID: memberUser.ID, Provisioner: database.ProvisionerTypeEcho,
			Type: database.ProvisionerJobTypeWorkspaceBuild, FileID: versionJob.FileID,
			Input: []byte("{}"), Tags: []byte(`{"pool": "absent"}`),
		})
		require.NoError(t, err)
		require.NoError(t, db.InsertWorkspaceBuild(ctx, database.InsertWorkspaceBuildParams{
			ID: uuid.New(), CreatedAt: now, UpdatedAt: now, WorkspaceID: w.ID, TemplateVersionID: version.ID,
			BuildNumber: 2, Transition: database.WorkspaceTransitionStop, InitiatorID: memberUser.ID,
			ProvisionerState: []byte{}, JobID: job.ID, Reason: database.BuildReasonInitiator,
		}))
	}
	// Real builds through the echo provisioner, so every workspace has what
	// the list loads per build: a job, resources, an agent and an app.
	addWorkspaces := func(n int) {
		t.Helper()
		created := make([]codersdk.Workspace, 0, n)
		for range n {
			created = append(created, coderdtest.CreateWorkspace(t, member, tpl.ID))
		}
		for i, w := range created {
			b := coderdtest.AwaitWorkspaceBuildJobCompleted(t, member, w.LatestBuild.ID)
			require.Equal(t, codersdk.WorkspaceStatusRunning, b.Status, b.Job.Error)
			if !mixed {
				continue
			}
			switch i % 5 {
			case 0:
				require.NoError(t, member.UpdateWorkspaceACL(ctx, w.ID, codersdk.UpdateWorkspaceACL{
					UserRoles:  map[string]codersdk.WorkspaceRole{friend.ID.String(): codersdk.WorkspaceRoleUse},
					GroupRoles: map[string]codersdk.WorkspaceRole{group.ID.String(): codersdk.WorkspaceRoleUse},
				}))
			case 1:
				queue(w)
			}
		}
	}
	clients := []struct {
		name   string
		client *codersdk.Client
	}{{"owner", owner}, {"member", member}}

	addWorkspaces(5)
	small := map[string][]string{}
	for _, c := range clients {
		small[c.name] = listStatements(t, queries, c.client, 5)
	}
	addWorkspaces(20)
	for _, c := range clients {
		large := listStatements(t, queries, c.client, 25)
		assert.Equal(t, len(small[c.name]), len(large),
			"as %s, listing 25 workspaces ran a different number of statements than listing 5 (count per statement, 5 vs 25):\n%s",
			c.name, statementDiff(small[c.name], large))
	}
}

// listStatements lists the workspaces as client and returns the SQL
// statements the server ran for that request alone. A request that
// refreshed the API key's usage (bookkeeping on a one-minute timer, not a
// cost of the list) is not counted: it lists again. Counting the second of
// two requests was not enough: the minute may turn between them, so that
// the second one is the one that refreshes.
func listStatements(t *testing.T, queries *requestQueries, client *codersdk.Client, want int) []string {
	t.Helper()
	var statements []string
	for attempt := 0; ; attempt++ {
		queries.reset()
		res, err := client.Request(context.Background(), http.MethodGet, "/api/v2/workspaces", nil,
			codersdk.WithQueryParam("limit", "25"))
		require.NoError(t, err)
		var body codersdk.WorkspacesResponse
		err = json.NewDecoder(res.Body).Decode(&body)
		_ = res.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode)
		require.Len(t, body.Workspaces, want)
		id, err := uuid.Parse(res.Header.Get(codersdk.RequestIDHeader))
		require.NoError(t, err)
		statements = queries.of(id)
		if !slices.ContainsFunc(statements, func(s string) bool { return statementName(s) == "UpdateAPIKeyByID" }) {
			break
		}
		require.Less(t, attempt, 3, "every listing refreshed the API key's usage")
	}
	require.NotEmpty(t, statements, "the tracer saw no statement of the request")
	return statements
}

// requestQueries is a pgx tracer that records the statements run on behalf
// of each HTTP request, keyed by request ID; background work (the daemon's
// polling, pubsub) carries no request ID and is ignored.
type requestQueries struct {
	mu   sync.Mutex
	byID map[uuid.UUID][]string
}

func newRequestQueries() *requestQueries {
	return &requestQueries{byID: map[uuid.UUID][]string{}}
}

func (q *requestQueries) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if id := httpmw.RequestIDFrom(ctx); id != uuid.Nil {
		q.mu.Lock()
		q.byID[id] = append(q.byID[id], data.SQL)
		q.mu.Unlock()
	}
	return ctx
}

func (*requestQueries) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (q *requestQueries) reset() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.byID = map[uuid.UUID][]string{}
}

func (q *requestQueries) of(id uuid.UUID) []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]string(nil), q.byID[id]...)
}

var sqlcName = regexp.MustCompile(`^-- name: (\w+)`)

// statementName is the sqlc query name of a statement, or its first line.
func statementName(sql string) string {
	sql = strings.TrimSpace(sql)
	if m := sqlcName.FindStringSubmatch(sql); m != nil {
		return m[1]
	}
	line, _, _ := strings.Cut(sql, "\n")
	return line
}

// statementDiff tells, per statement, how often each run executed it, so a
// failure names the query that grows with the page.
func statementDiff(a, b []string) string {
	counts := map[string][2]int{}
	for i, run := range [][]string{a, b} {
		for _, s := range run {
			c := counts[statementName(s)]
			c[i]++
			counts[statementName(s)] = c
		}
	}
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Strings(names)
	var sb strings.Builder
	for _, n := range names {
		c := counts[n]
		mark := " "
		if c[0] != c[1] {
			mark = "!"
		}
		_, _ = fmt.Fprintf(&sb, "%s %3d %3d  %s\n", mark, c[0], c[1], n)
	}
	return sb.String()
}
