package provisionerd_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/pubsub"
)

const testAccessURL = "https://coder.example.com"

func withAccessURL(o *provisionerd.Options) { o.AccessURL = testAccessURL }

// importedVersion is a template version imported by a running daemon and
// attached to a template.
type importedVersion struct {
	template database.Template
	version  database.TemplateVersion
	fileID   uuid.UUID
}

// importTemplate imports spec (with the given variable values) as a new
// template's active version. A daemon must be running.
func (e *env) importTemplate(spec echo.Spec, defaultTTL time.Duration, vars map[string]string) importedVersion {
	e.t.Helper()
	fileID := e.specFile(spec)
	values := []map[string]string{}
	for name, value := range vars {
		values = append(values, map[string]string{"name": name, "value": value})
	}
	job, version := e.enqueue(jobSpec{fileID: fileID, input: map[string]any{"user_variable_values": values}})
	requireSucceeded(e.t, e.waitJob(job.ID, completed))

	now := dbtime.Now()
	templateID := uuid.New()
	require.NoError(e.t, e.raw.InsertTemplate(e.ctx, database.InsertTemplateParams{
		ID: templateID, CreatedAt: now, UpdatedAt: now, OrganizationID: e.org.ID, Name: "tpl-" + templateID.String()[:8],
		Provisioner: database.ProvisionerTypeEcho, ActiveVersionID: version.ID, CreatedBy: e.user.ID,
		DefaultTtl: int64(defaultTTL), MaxPortSharingLevel: "owner", CorsBehavior: "simple",
		UserAcl: []byte("{}"), GroupAcl: []byte("{}"),
	}))
	version, err := e.raw.UpdateTemplateVersionByID(e.ctx, database.UpdateTemplateVersionByIDParams{
		ID: version.ID, Name: version.Name, TemplateID: uuid.NullUUID{UUID: templateID, Valid: true}, UpdatedAt: now,
	})
	require.NoError(e.t, err)
	template, err := e.raw.GetTemplateByID(e.ctx, templateID)
	require.NoError(e.t, err)
	return importedVersion{template: template, version: version, fileID: fileID}
}

// newOwner inserts a user who is a member of the organization and of a
// group named "devs".
func (e *env) newOwner() database.User {
	e.t.Helper()
	now := dbtime.Now()
	user, err := e.raw.InsertUser(e.ctx, database.InsertUserParams{
		ID: uuid.New(), Email: "alice@example.com", Username: "alice", Name: "Alice Liddell", CreatedAt: now, UpdatedAt: now,
		RbacRoles: []string{}, LoginType: database.LoginTypePassword, Status: database.UserStatusActive,
	})
	require.NoError(e.t, err)
	_, err = e.raw.InsertOrganizationMember(e.ctx, database.InsertOrganizationMemberParams{
		OrganizationID: e.org.ID, UserID: user.ID, CreatedAt: now, UpdatedAt: now, Roles: []string{},
	})
	require.NoError(e.t, err)
	group, err := e.raw.InsertGroup(e.ctx, database.InsertGroupParams{ID: uuid.New(), OrganizationID: e.org.ID, Name: "devs"})
	require.NoError(e.t, err)
	require.NoError(e.t, e.raw.InsertGroupMember(e.ctx, database.InsertGroupMemberParams{GroupID: group.ID, UserID: user.ID}))
	return user
}

func (e *env) newWorkspace(owner database.User, iv importedVersion, ttl *time.Duration) database.Workspace {
	e.t.Helper()
	now := dbtime.Now()
	id := uuid.New()
	var ttlNanos *int64
	if ttl != nil {
		ttlNanos = ptr(int64(*ttl))
	}
	require.NoError(e.t, e.raw.InsertWorkspace(e.ctx, database.InsertWorkspaceParams{
		ID: id, CreatedAt: now, UpdatedAt: now, OwnerID: owner.ID, OrganizationID: e.org.ID,
		TemplateID: iv.template.ID, Name: "dev-" + id.String()[:8], Ttl: ttlNanos, LastUsedAt: now, AutomaticUpdates: "never",
	}))
	ws, err := e.raw.GetWorkspaceByID(e.ctx, id)
	require.NoError(e.t, err)
	return ws
}

// enqueueBuild inserts the workspace's next build of iv with its job and
// parameters, as the API does, and wakes the daemons.
func (e *env) enqueueBuild(ws database.Workspace, iv importedVersion, transition database.WorkspaceTransition, params map[string]string) database.WorkspaceBuild {
	e.t.Helper()
	number := int32(1)
	latest, err := e.raw.GetLatestWorkspaceBuildByWorkspaceID(e.ctx, ws.ID)
	switch {
	case errors.Is(err, database.ErrNoRows):
	case err != nil:
		require.NoError(e.t, err)
	default:
		number = latest.BuildNumber + 1
	}
	buildID := uuid.New()
	input, err := json.Marshal(map[string]any{"workspace_build_id": buildID})
	require.NoError(e.t, err)
	err = e.raw.InTx(e.ctx, func(tx database.Store) error {
		now := dbtime.Now()
		job, err := tx.InsertProvisionerJob(e.ctx, database.InsertProvisionerJobParams{
			ID: uuid.New(), CreatedAt: now, UpdatedAt: now, OrganizationID: e.org.ID, InitiatorID: e.user.ID,
			Provisioner: database.ProvisionerTypeEcho, Type: database.ProvisionerJobTypeWorkspaceBuild,
			FileID: iv.fileID, Input: input, Tags: json.RawMessage(`{"scope":"organization"}`),
		})
		if err != nil {
			return err
		}
		if err := tx.InsertWorkspaceBuild(e.ctx, database.InsertWorkspaceBuildParams{
			ID: buildID, CreatedAt: now, UpdatedAt: now, WorkspaceID: ws.ID, TemplateVersionID: iv.version.ID,
			BuildNumber: number, Transition: transition, InitiatorID: e.user.ID, ProvisionerState: []byte{},
			JobID: job.ID, Reason: database.BuildReasonInitiator,
		}); err != nil {
			return err
		}
		names, values := []string{}, []string{}
		for name, value := range params {
			names, values = append(names, name), append(values, value)
		}
		return tx.InsertWorkspaceBuildParameters(e.ctx, database.InsertWorkspaceBuildParametersParams{
			WorkspaceBuildID: buildID, Names: names, Values: values,
		})
	}, nil)
	require.NoError(e.t, err)
	require.NoError(e.t, e.ps.Publish(pubsub.EventProvisionerJobPosted, []byte(`{}`)))
	build, err := e.raw.GetWorkspaceBuildByID(e.ctx, buildID)
	require.NoError(e.t, err)
	return build
}

// runBuild enqueues a build and waits for its job to complete.
func (e *env) runBuild(ws database.Workspace, iv importedVersion, transition database.WorkspaceTransition, params map[string]string) (database.WorkspaceBuild, database.ProvisionerJob) {
	e.t.Helper()
	build := e.enqueueBuild(ws, iv, transition, params)
	job := e.waitJob(build.JobID, completed)
	build, err := e.raw.GetWorkspaceBuildByID(e.ctx, build.ID)
	require.NoError(e.t, err)
	return build, job
}

func (e *env) resources(jobID uuid.UUID) []string {
	e.t.Helper()
	resources, err := e.raw.GetWorkspaceResourcesByJobID(e.ctx, jobID)
	require.NoError(e.t, err)
	out := []string{}
	for _, r := range resources {
		out = append(out, fmt.Sprintf("%s %s.%s", r.Transition, r.Type, r.Name))
	}
	return out
}

func (e *env) resourceMetadata(jobID uuid.UUID, name string) map[string]string {
	e.t.Helper()
	resources, err := e.raw.GetWorkspaceResourcesByJobID(e.ctx, jobID)
	require.NoError(e.t, err)
	for _, r := range resources {
		if r.Name != name {
			continue
		}
		var md []struct{ Key, Value string }
		require.NoError(e.t, json.Unmarshal(r.Metadata, &md))
		out := map[string]string{}
		for _, m := range md {
			out[m.Key] = m.Value
		}
		return out
	}
	e.t.Fatalf("no resource %q in job %s", name, jobID)
	return nil
}

func echoState(t testing.TB, build database.WorkspaceBuild) echo.State {
	t.Helper()
	s, err := echo.ParseState(build.ProvisionerState)
	require.NoError(t, err)
	return s
}

func logOutputs(logs []database.ProvisionerJobLog) []string {
	out := make([]string, 0, len(logs))
	for _, l := range logs {
		out = append(out, l.Output)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// recordingProvisioner is echo, keeping every BuildRequest.
type recordingProvisioner struct {
	provisioner.Provisioner
	mu     sync.Mutex
	builds []provisioner.BuildRequest
}

func (p *recordingProvisioner) Build(ctx context.Context, req provisioner.BuildRequest, log provisioner.Logger) (provisioner.BuildResult, error) {
	p.mu.Lock()
	p.builds = append(p.builds, req)
	p.mu.Unlock()
	return p.Provisioner.Build(ctx, req, log)
}

func (p *recordingProvisioner) last(t testing.TB) provisioner.BuildRequest {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	require.NotEmpty(t, p.builds)
	return p.builds[len(p.builds)-1]
}

func costlySpec() echo.Spec {
	spec := echo.SimpleSpec()
	spec.Start.Resources[0].DailyCost = 7
	spec.Start.Resources[1].DailyCost = 3
	return spec
}

func TestBuildStart(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := &recordingProvisioner{Provisioner: echo.New()}
	e.daemon("test-1", prov, withAccessURL)
	iv := e.importTemplate(costlySpec(), 0, map[string]string{"image": "ubuntu:24.04"})
	owner := e.newOwner()
	ttl := time.Hour
	ws := e.newWorkspace(owner, iv, &ttl)

	build, job := e.runBuild(ws, iv, database.WorkspaceTransitionStart, map[string]string{"region": "eu"})
	requireSucceeded(t, job)

	require.Equal(t, []string{"start docker_container.dev", "start docker_volume.home"}, e.resources(job.ID))
	agents, err := e.raw.GetWorkspaceAgentsByJobID(e.ctx, job.ID)
	require.NoError(t, err)
	require.Len(t, agents, 1)
	require.Equal(t, "main", agents[0].Name)
	apps, err := e.raw.GetWorkspaceAppsByJobID(e.ctx, job.ID)
	require.NoError(t, err)
	require.Len(t, apps, 1)
	require.Equal(t, "code-server", apps[0].Slug)

	state := echoState(t, build)
	require.Equal(t, provisioner.TransitionStart, state.Transition)
	require.Equal(t, 1, state.Builds)
	require.Equal(t, "eu", state.Parameters["region"])
	require.Equal(t, int32(10), build.DailyCost)
	require.NotNil(t, build.Deadline)
	require.Equal(t, ttl, build.Deadline.Sub(build.UpdatedAt), "the workspace's TTL, from when the build was stored")
	require.Nil(t, build.MaxDeadline)

	req := prov.last(t)
	require.False(t, req.DryRun)
	require.Empty(t, req.State, "a first build starts from nothing")
	require.Equal(t, provisioner.Metadata{
		CoderURL:             testAccessURL,
		WorkspaceTransition:  provisioner.TransitionStart,
		WorkspaceName:        ws.Name,
		WorkspaceOwner:       "alice",
		WorkspaceOwnerEmail:  "alice@example.com",
		WorkspaceOwnerName:   "Alice Liddell",
		WorkspaceID:          ws.ID,
		WorkspaceOwnerID:     owner.ID,
		WorkspaceBuildID:     build.ID,
		TemplateID:           iv.template.ID,
		TemplateName:         iv.template.Name,
		TemplateVersion:      iv.version.Name,
		WorkspaceOwnerGroups: []string{"devs"},
	}, req.Metadata)
	require.Equal(t, []provisioner.VariableValue{{Name: "image", Value: "ubuntu:24.04"}}, req.VariableValues)

	ws, err = e.raw.GetWorkspaceByID(e.ctx, ws.ID)
	require.NoError(t, err)
	require.False(t, ws.Deleted)
	require.Contains(t, logOutputs(e.logs(job.ID)), fmt.Sprintf("Building workspace %s (start) with template version %s", ws.Name, iv.version.Name))
}

func TestBuildParameters(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", nil)
	spec := echo.Spec{
		Parameters: []echo.Parameter{{Name: "flavor", Type: "string", Default: "plain"}},
		Variables:  []echo.Variable{{Name: "secret", Type: "string", Sensitive: true, Default: "none"}},
		Start: echo.Phase{Resources: []echo.Resource{{
			Name: "box", Type: "null_resource",
			Metadata: []echo.Metadata{
				{Key: "flavor", Value: `{{.Param "flavor"}}`},
				{Key: "secret", Value: `{{.Var "secret"}}`},
			},
		}}},
	}
	iv := e.importTemplate(spec, 0, map[string]string{"secret": "s3cret"})
	ws := e.newWorkspace(e.user, iv, nil)

	build, job := e.runBuild(ws, iv, database.WorkspaceTransitionStart, map[string]string{"flavor": "vanilla"})
	requireSucceeded(t, job)
	require.Equal(t, map[string]string{"flavor": "vanilla", "secret": "s3cret"}, e.resourceMetadata(job.ID, "box"))
	require.Nil(t, build.Deadline, "no TTL on the workspace or the template")
	require.Nil(t, build.MaxDeadline)
	require.Zero(t, build.DailyCost)
}

func TestBuildStopUsesPreviousState(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := &recordingProvisioner{Provisioner: echo.New()}
	e.daemon("test-1", prov)
	iv := e.importTemplate(echo.SimpleSpec(), time.Hour, nil)
	ws := e.newWorkspace(e.user, iv, nil)

	start, job := e.runBuild(ws, iv, database.WorkspaceTransitionStart, map[string]string{"region": "eu"})
	requireSucceeded(t, job)
	stop, job := e.runBuild(ws, iv, database.WorkspaceTransitionStop, map[string]string{"region": "eu"})
	requireSucceeded(t, job)

	require.Equal(t, start.ProvisionerState, prov.last(t).State)
	state := echoState(t, stop)
	require.Equal(t, provisioner.TransitionStop, state.Transition)
	require.Equal(t, 2, state.Builds, "the stop build started from the start build's state")
	require.Equal(t, []string{"stop docker_volume.home"}, e.resources(job.ID))
	require.Nil(t, stop.Deadline, "only a start has a deadline")
	require.NotNil(t, start.Deadline)
}

func TestBuildDelete(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", nil)
	iv := e.importTemplate(echo.SimpleSpec(), 0, nil)
	ws := e.newWorkspace(e.user, iv, nil)

	_, job := e.runBuild(ws, iv, database.WorkspaceTransitionStart, nil)
	requireSucceeded(t, job)
	del, job := e.runBuild(ws, iv, database.WorkspaceTransitionDelete, nil)
	requireSucceeded(t, job)

	state := echoState(t, del)
	require.Equal(t, provisioner.TransitionDelete, state.Transition)
	require.Equal(t, 2, state.Builds)
	require.Empty(t, e.resources(job.ID))
	ws, err := e.raw.GetWorkspaceByID(e.ctx, ws.ID)
	require.NoError(t, err)
	require.True(t, ws.Deleted)
}

func TestBuildFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", nil)
	good := e.importTemplate(echo.SimpleSpec(), time.Hour, nil)
	badSpec := echo.SimpleSpec()
	badSpec.Start.Fail = "boom"
	badSpec.Start.FailCode = "CUSTOM"
	badSpec.Delete.Fail = "cannot delete"
	bad := e.importTemplate(badSpec, time.Hour, nil)
	ws := e.newWorkspace(e.user, good, nil)

	first, job := e.runBuild(ws, good, database.WorkspaceTransitionStart, nil)
	requireSucceeded(t, job)

	failed, job := e.runBuild(ws, bad, database.WorkspaceTransitionStart, nil)
	require.Equal(t, "boom", deref(job.Error))
	require.Equal(t, "CUSTOM", deref(job.ErrorCode))
	require.Empty(t, e.resources(job.ID))
	require.Nil(t, failed.Deadline)
	require.Equal(t, first.ProvisionerState, failed.ProvisionerState, "a failed build without state of its own keeps the previous one")

	del, job := e.runBuild(ws, bad, database.WorkspaceTransitionDelete, nil)
	require.Equal(t, "cannot delete", deref(job.Error))
	require.Equal(t, first.ProvisionerState, del.ProvisionerState)
	ws, err := e.raw.GetWorkspaceByID(e.ctx, ws.ID)
	require.NoError(t, err)
	require.False(t, ws.Deleted, "a failed delete leaves the workspace")

	// The state still leads to the first build's: it is the only one
	// that changed anything.
	retry, job := e.runBuild(ws, good, database.WorkspaceTransitionDelete, nil)
	requireSucceeded(t, job)
	require.Equal(t, 2, echoState(t, retry).Builds)
}

func TestBuildDeadlineFromTemplate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", nil)
	iv := e.importTemplate(echo.SimpleSpec(), 2*time.Hour, nil)

	for name, tc := range map[string]struct {
		ttl  *time.Duration
		want time.Duration
	}{
		"no workspace TTL":   {nil, 2 * time.Hour},
		"zero workspace TTL": {ptr(time.Duration(0)), 2 * time.Hour},
		"workspace TTL":      {ptr(30 * time.Minute), 30 * time.Minute},
	} {
		ws := e.newWorkspace(e.user, iv, tc.ttl)
		build, job := e.runBuild(ws, iv, database.WorkspaceTransitionStart, nil)
		requireSucceeded(t, job)
		require.NotNil(t, build.Deadline, name)
		require.Equal(t, tc.want, build.Deadline.Sub(build.UpdatedAt), name)
		require.Nil(t, build.MaxDeadline, name)
	}
}

func TestDryRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := &recordingProvisioner{Provisioner: echo.New()}
	e.daemon("test-1", prov, withAccessURL)
	iv := e.importTemplate(echo.SimpleSpec(), time.Hour, map[string]string{"image": "ubuntu:24.04"})
	ws := e.newWorkspace(e.user, iv, nil)
	build, job := e.runBuild(ws, iv, database.WorkspaceTransitionStart, nil)
	requireSucceeded(t, job)

	dry, _ := e.enqueue(jobSpec{
		typ:    database.ProvisionerJobTypeTemplateVersionDryRun,
		fileID: iv.fileID,
		input: map[string]any{
			"template_version_id":   iv.version.ID,
			"workspace_name":        "planned",
			"rich_parameter_values": []map[string]string{{"name": "region", "value": "eu"}},
			"user_variable_values":  []map[string]string{{"name": "image", "value": "alpine"}},
		},
	})
	dry = e.waitJob(dry.ID, completed)
	requireSucceeded(t, dry)

	require.Equal(t, []string{"start docker_container.dev", "start docker_volume.home"}, e.resources(dry.ID))
	md := e.resourceMetadata(dry.ID, "dev")
	require.Equal(t, "eu", md["region"])
	require.Equal(t, "alpine", md["image"], "the dry run's variable values win over the version's")
	agents, err := e.raw.GetWorkspaceAgentsByJobID(e.ctx, dry.ID)
	require.NoError(t, err)
	require.Len(t, agents, 1)

	req := prov.last(t)
	require.True(t, req.DryRun)
	require.Empty(t, req.State)
	require.Equal(t, provisioner.TransitionStart, req.Metadata.WorkspaceTransition)
	require.Equal(t, "planned", req.Metadata.WorkspaceName)
	require.Equal(t, e.user.Username, req.Metadata.WorkspaceOwner)
	require.Equal(t, e.user.ID, req.Metadata.WorkspaceOwnerID)
	require.Equal(t, testAccessURL, req.Metadata.CoderURL)
	require.Equal(t, iv.template.Name, req.Metadata.TemplateName)
	require.Equal(t, iv.version.Name, req.Metadata.TemplateVersion)
	require.NotEqual(t, ws.ID, req.Metadata.WorkspaceID)

	// No build changed.
	after, err := e.raw.GetLatestWorkspaceBuildByWorkspaceID(e.ctx, ws.ID)
	require.NoError(t, err)
	require.Equal(t, build, after)
	require.Equal(t, []string{"start docker_container.dev", "start docker_volume.home"}, e.resources(build.JobID))
}

// partialProvisioner is echo whose builds fail after applying part of the
// change, like a Terraform apply that errors midway.
type partialProvisioner struct {
	provisioner.Provisioner
	state []byte
}

func (p partialProvisioner) Build(context.Context, provisioner.BuildRequest, provisioner.Logger) (provisioner.BuildResult, error) {
	return provisioner.BuildResult{
		State:     p.state,
		Resources: []provisioner.Resource{{Name: "half", Type: "null_resource"}},
	}, &provisioner.Failure{Message: "apply failed"}
}

func TestBuildPartialStateKept(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", partialProvisioner{Provisioner: echo.New(), state: []byte(`{"partial":true}`)})
	iv := e.importTemplate(echo.SimpleSpec(), time.Hour, nil)
	ws := e.newWorkspace(e.user, iv, nil)

	build, job := e.runBuild(ws, iv, database.WorkspaceTransitionStart, nil)
	require.Equal(t, "apply failed", deref(job.Error))
	require.Equal(t, `{"partial":true}`, string(build.ProvisionerState))
	require.Empty(t, e.resources(job.ID), "a failed build stores no resources")
	require.Nil(t, build.Deadline)
	require.Contains(t, logOutputs(e.logs(job.ID)), "The build failed after changing the workspace; its state is kept for the next build")
}

// unstorableProvisioner is echo whose builds succeed with a resource the
// database rejects, so storing the results fails after the apply.
type unstorableProvisioner struct{ provisioner.Provisioner }

func (unstorableProvisioner) Build(context.Context, provisioner.BuildRequest, provisioner.Logger) (provisioner.BuildResult, error) {
	return provisioner.BuildResult{
		State:     []byte(`{"applied":true}`),
		Resources: []provisioner.Resource{{Name: "nul\x00byte", Type: "null_resource"}},
	}, nil
}

func TestBuildStateKeptWhenStoringFails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", unstorableProvisioner{Provisioner: echo.New()})
	iv := e.importTemplate(echo.SimpleSpec(), time.Hour, nil)
	ws := e.newWorkspace(e.user, iv, nil)

	build, job := e.runBuild(ws, iv, database.WorkspaceTransitionStart, nil)
	require.Contains(t, deref(job.Error), "internal error")
	require.Equal(t, `{"applied":true}`, string(build.ProvisionerState))
	require.Empty(t, e.resources(job.ID))
	require.Nil(t, build.Deadline, "nothing else of the build is stored")
}

func TestBuildJobWithoutBuild(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", nil)
	file := e.file(echo.SimpleTemplate(), "application/x-tar")

	job, _ := e.enqueue(jobSpec{fileID: file, typ: database.ProvisionerJobTypeWorkspaceBuild, input: map[string]any{}})
	job = e.waitJob(job.ID, completed)
	require.Equal(t, "the job has no workspace build", deref(job.Error))

	dry, _ := e.enqueue(jobSpec{fileID: file, typ: database.ProvisionerJobTypeTemplateVersionDryRun, input: map[string]any{
		"template_version_id": uuid.New(),
	}})
	dry = e.waitJob(dry.ID, completed)
	require.Contains(t, deref(dry.Error), "does not exist")
}
