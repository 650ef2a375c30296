package provisionerd_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"cdr.dev/slog"
	"cdr.dev/slog/sloggers/slogtest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd"
	"github.com/devplane/devplane/coderd/provisionerd/archive"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtestutil"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/pubsub"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }

// testTimeout bounds each test's waits; a test never sleeps for a fixed
// time, it waits for notifications until this deadline.
const testTimeout = 60 * time.Second

// env is a database with an organization, a user and a pubsub. raw is the
// unauthorized store tests seed through; db is what daemons get.
type env struct {
	t    testing.TB
	ctx  context.Context
	raw  database.Store
	db   database.Store
	ps   pubsub.Pubsub
	org  database.Organization
	user database.User
}

func newEnv(t testing.TB) *env {
	t.Helper()
	return newEnvTimeout(t, testTimeout)
}

func newEnvTimeout(t testing.TB, timeout time.Duration) *env {
	t.Helper()
	raw, ps := dbtestutil.NewDBWithPubsub(t)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	t.Cleanup(cancel)
	now := dbtime.Now()
	org, err := raw.InsertOrganization(ctx, database.InsertOrganizationParams{
		ID: uuid.New(), Name: "acme", DisplayName: "Acme", IsDefault: true, CreatedAt: now, UpdatedAt: now,
	})
	require.NoError(t, err)
	user, err := raw.InsertUser(ctx, database.InsertUserParams{
		ID: uuid.New(), Email: "admin@example.com", Username: "admin", CreatedAt: now, UpdatedAt: now,
		RbacRoles: []string{}, LoginType: database.LoginTypePassword, Status: database.UserStatusActive,
	})
	require.NoError(t, err)
	return &env{t: t, ctx: ctx, raw: raw, db: dbauthz.New(raw, nil), ps: ps, org: org, user: user}
}

func (e *env) file(data []byte, mimetype string) uuid.UUID {
	e.t.Helper()
	f, err := e.raw.InsertFile(e.ctx, database.InsertFileParams{
		ID: uuid.New(), Hash: uuid.NewString(), CreatedAt: dbtime.Now(), CreatedBy: e.user.ID, Mimetype: mimetype, Data: data,
	})
	require.NoError(e.t, err)
	return f.ID
}

func (e *env) specFile(spec echo.Spec) uuid.UUID {
	e.t.Helper()
	data, err := echo.Template(spec)
	require.NoError(e.t, err)
	return e.file(data, "application/x-tar")
}

type jobSpec struct {
	id      uuid.UUID // zero: a new one
	typ     database.ProvisionerJobType
	fileID  uuid.UUID
	input   any // nil: {"template_version_id": ...}
	tags    map[string]string
	version string // the version's name; default a fresh one
}

// enqueue inserts a job (and, for imports, its template version) the way
// the API does, then wakes the daemons.
func (e *env) enqueue(s jobSpec) (database.ProvisionerJob, database.TemplateVersion) {
	e.t.Helper()
	if s.id == uuid.Nil {
		s.id = uuid.New()
	}
	if s.typ == "" {
		s.typ = database.ProvisionerJobTypeTemplateVersionImport
	}
	if s.tags == nil {
		s.tags = map[string]string{"scope": "organization"}
	}
	if s.version == "" {
		s.version = "v-" + s.id.String()[:8]
	}
	versionID := uuid.New()
	input := s.input
	if input == nil {
		input = map[string]any{"template_version_id": versionID}
	}
	inputJSON, err := json.Marshal(input)
	require.NoError(e.t, err)
	tagsJSON, err := json.Marshal(s.tags)
	require.NoError(e.t, err)
	var (
		job     database.ProvisionerJob
		version database.TemplateVersion
	)
	err = e.raw.InTx(e.ctx, func(tx database.Store) error {
		now := dbtime.Now()
		var err error
		job, err = tx.InsertProvisionerJob(e.ctx, database.InsertProvisionerJobParams{
			ID: s.id, CreatedAt: now, UpdatedAt: now, OrganizationID: e.org.ID, InitiatorID: e.user.ID,
			Provisioner: database.ProvisionerTypeEcho, Type: s.typ, FileID: s.fileID, Input: inputJSON, Tags: tagsJSON,
		})
		if err != nil {
			return err
		}
		if s.typ != database.ProvisionerJobTypeTemplateVersionImport {
			return nil
		}
		version, err = tx.InsertTemplateVersion(e.ctx, database.InsertTemplateVersionParams{
			ID: versionID, OrganizationID: e.org.ID, CreatedAt: now, UpdatedAt: now,
			Name: s.version, JobID: job.ID, CreatedBy: e.user.ID,
		})
		return err
	}, nil)
	require.NoError(e.t, err)
	require.NoError(e.t, e.ps.Publish(pubsub.EventProvisionerJobPosted, []byte(`{}`)))
	return job, version
}

type daemonOption func(*provisionerd.Options)

func (e *env) daemon(name string, prov provisioner.Provisioner, opts ...daemonOption) *provisionerd.Daemon {
	e.t.Helper()
	if prov == nil {
		prov = echo.New()
	}
	o := provisionerd.Options{
		Logger:         slogtest.Make(e.t, &slogtest.Options{IgnoreErrors: true}).Leveled(slog.LevelDebug),
		DB:             e.db,
		Pubsub:         e.ps,
		Provisioners:   map[database.ProvisionerType]provisioner.Provisioner{database.ProvisionerTypeEcho: prov},
		OrganizationID: e.org.ID,
		Name:           name,
		WorkDir:        e.t.TempDir(),
	}
	for _, opt := range opts {
		opt(&o)
	}
	d, err := provisionerd.New(e.ctx, o)
	require.NoError(e.t, err)
	e.t.Cleanup(func() { _ = d.Close() })
	return d
}

// waitJob re-reads the job on every notification of it until done says
// so, failing the test at the deadline.
func (e *env) waitJob(jobID uuid.UUID, done func(database.ProvisionerJob) bool) database.ProvisionerJob {
	e.t.Helper()
	notify := make(chan struct{}, 1)
	cancel, err := e.ps.Subscribe(pubsub.EventProvisionerJobLogs(jobID.String()), func(context.Context, []byte) {
		select {
		case notify <- struct{}{}:
		default:
		}
	})
	require.NoError(e.t, err)
	defer cancel()
	for {
		job, err := e.raw.GetProvisionerJobByID(e.ctx, jobID)
		require.NoError(e.t, err)
		if done(job) {
			return job
		}
		select {
		case <-notify:
		case <-e.ctx.Done():
			e.t.Fatalf("job %s: timed out waiting; last state: started=%v completed=%v canceled=%v error=%v",
				jobID, job.StartedAt != nil, job.CompletedAt != nil, job.CanceledAt != nil, deref(job.Error))
		}
	}
}

func completed(j database.ProvisionerJob) bool { return j.CompletedAt != nil }
func started(j database.ProvisionerJob) bool   { return j.StartedAt != nil }

func (e *env) logs(jobID uuid.UUID) []database.ProvisionerJobLog {
	e.t.Helper()
	logs, err := e.raw.GetProvisionerLogsAfterID(e.ctx, database.GetProvisionerLogsAfterIDParams{JobID: jobID})
	require.NoError(e.t, err)
	return logs
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func requireSucceeded(t testing.TB, job database.ProvisionerJob) {
	t.Helper()
	require.NotNil(t, job.CompletedAt)
	require.Nil(t, job.Error, "job error: %s", deref(job.Error))
	require.Nil(t, job.ErrorCode)
	require.Nil(t, job.CanceledAt)
}

func TestImportSuccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	spec := echo.SimpleSpec()
	// Enough lines for several batches, to check they keep their order.
	for i := range 120 {
		spec.Import.Logs = append(spec.Import.Logs, echo.Log{Output: fmt.Sprintf("line %03d", i)})
	}
	spec.ExternalAuth = []echo.ExternalAuth{{ID: "github", Optional: true}}
	d := e.daemon("test-1", nil)
	job, version := e.enqueue(jobSpec{
		fileID: e.specFile(spec),
		input: map[string]any{
			"template_version_id":  uuid.Nil, // the daemon goes by the job's version
			"user_variable_values": []map[string]string{{"name": "image", "value": "ubuntu:24.04"}},
		},
	})
	job = e.waitJob(job.ID, completed)
	requireSucceeded(t, job)
	require.Equal(t, uuid.NullUUID{UUID: d.ID(), Valid: true}, job.WorkerID)

	params, err := e.raw.GetTemplateVersionParameters(e.ctx, version.ID)
	require.NoError(t, err)
	require.Len(t, params, 2)
	region, cpu := params[0], params[1]
	require.Equal(t, "region", region.Name)
	require.Equal(t, "Region", region.DisplayName)
	require.Equal(t, "us", region.DefaultValue)
	require.False(t, region.Required)
	require.JSONEq(t, `[{"name":"United States","description":"","value":"us","icon":""},{"name":"Europe","description":"","value":"eu","icon":""}]`, string(region.Options))
	require.Equal(t, "cpu", cpu.Name)
	require.Equal(t, "number", cpu.Type)
	require.True(t, cpu.Mutable)
	require.Equal(t, int32(1), deref(cpu.ValidationMin))
	require.Equal(t, int32(8), deref(cpu.ValidationMax))
	require.JSONEq(t, `[]`, string(cpu.Options))

	vars, err := e.raw.GetTemplateVersionVariables(e.ctx, version.ID)
	require.NoError(t, err)
	require.Len(t, vars, 1)
	require.Equal(t, "image", vars[0].Name)
	require.Equal(t, "ubuntu:24.04", vars[0].Value)
	require.Equal(t, "codercom/enterprise-base:ubuntu", vars[0].DefaultValue)

	presets, err := e.raw.GetPresetsByTemplateVersionID(e.ctx, version.ID)
	require.NoError(t, err)
	require.Len(t, presets, 1)
	require.Equal(t, "Europe, small", presets[0].Name)
	var presetParams []map[string]string
	require.NoError(t, json.Unmarshal(presets[0].Parameters, &presetParams))
	require.ElementsMatch(t, []map[string]string{{"name": "region", "value": "eu"}, {"name": "cpu", "value": "1"}}, presetParams)

	resources, err := e.raw.GetWorkspaceResourcesByJobID(e.ctx, job.ID)
	require.NoError(t, err)
	var got []string
	for _, r := range resources {
		got = append(got, fmt.Sprintf("%s %s.%s", r.Transition, r.Type, r.Name))
	}
	require.Equal(t, []string{"start docker_container.dev", "start docker_volume.home", "stop docker_volume.home"}, got)
	require.JSONEq(t, `[{"key":"region","value":"us","sensitive":false},{"key":"cpu","value":"2","sensitive":false},{"key":"image","value":"ubuntu:24.04","sensitive":false}]`, string(resources[0].Metadata))

	agents, err := e.raw.GetWorkspaceAgentsByJobID(e.ctx, job.ID)
	require.NoError(t, err)
	require.Len(t, agents, 1)
	agent := agents[0]
	require.Equal(t, resources[0].ID, agent.ResourceID)
	require.Equal(t, "main", agent.Name)
	require.Equal(t, "linux", agent.OperatingSystem)
	require.Equal(t, "/home/coder", agent.Directory)
	require.NotEqual(t, uuid.Nil, agent.AuthToken)
	require.JSONEq(t, `{}`, string(agent.EnvironmentVariables))
	require.ElementsMatch(t, []string{"vscode", "web_terminal", "ssh_helper", "port_forwarding_helper"}, agent.DisplayApps)

	apps, err := e.raw.GetWorkspaceAppsByJobID(e.ctx, job.ID)
	require.NoError(t, err)
	require.Len(t, apps, 1)
	require.Equal(t, "code-server", apps[0].Slug)
	require.Equal(t, agent.ID, apps[0].AgentID)
	require.Equal(t, "owner", apps[0].SharingLevel)
	require.Equal(t, "http://localhost:13337/healthz", apps[0].HealthcheckUrl)
	require.Equal(t, int32(5), apps[0].HealthcheckInterval)
	require.Equal(t, int32(6), apps[0].HealthcheckThreshold)

	version, err = e.raw.GetTemplateVersionByID(e.ctx, version.ID)
	require.NoError(t, err)
	require.Equal(t, spec.Readme, version.Readme)
	require.JSONEq(t, `[{"id":"github","optional":true}]`, string(version.ExternalAuthProviders))

	// Logs: stored in the order produced, framed by the daemon's own lines.
	logs := e.logs(job.ID)
	require.NotEmpty(t, logs)
	first, last := logs[0], logs[len(logs)-1]
	require.Equal(t, database.LogSourceProvisionerDaemon, first.Source)
	require.Equal(t, "Setting up", first.Stage)
	require.Contains(t, first.Output, "Acquired job")
	require.Equal(t, database.LogSourceProvisionerDaemon, last.Source)
	require.Equal(t, "Cleaning up", last.Stage)
	var lines []string
	stages := map[string]bool{}
	for i, l := range logs {
		if i > 0 {
			require.Greater(t, l.ID, logs[i-1].ID)
		}
		if l.Source == database.LogSourceProvisioner {
			stages[l.Stage] = true
			if strings.HasPrefix(l.Output, "line ") {
				lines = append(lines, l.Output)
			}
		}
	}
	require.Len(t, lines, 120)
	for i, l := range lines {
		require.Equal(t, fmt.Sprintf("line %03d", i), l)
	}
	for _, s := range []string{echo.StageSettingUp, echo.StageParsing, echo.StageDetectingPersistent, echo.StageDetectingEphemeral} {
		require.True(t, stages[s], "no provisioner logs in stage %q", s)
	}

	// The daemon registered with the offered tags and provisioners.
	daemons, err := e.raw.GetProvisionerDaemonsByOrganization(e.ctx, e.org.ID)
	require.NoError(t, err)
	require.Len(t, daemons, 1)
	require.Equal(t, "test-1", daemons[0].ProvisionerDaemon.Name)
	require.Equal(t, []string{"echo"}, daemons[0].ProvisionerDaemon.Provisioners)
	require.JSONEq(t, `{"scope":"organization"}`, string(daemons[0].ProvisionerDaemon.Tags))
	require.NotNil(t, daemons[0].ProvisionerDaemon.LastSeenAt)
}

func TestImportFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", nil)
	spec := echo.Spec{Import: echo.Phase{Logs: []echo.Log{{Output: "about to fail"}}, Fail: "boom", FailCode: "CUSTOM"}}
	job, version := e.enqueue(jobSpec{fileID: e.specFile(spec)})
	job = e.waitJob(job.ID, completed)
	require.Equal(t, "boom", deref(job.Error))
	require.Equal(t, "CUSTOM", deref(job.ErrorCode))
	require.Nil(t, job.CanceledAt)

	var outputs []string
	for _, l := range e.logs(job.ID) {
		outputs = append(outputs, l.Output)
	}
	require.Contains(t, outputs, "about to fail")
	require.Contains(t, outputs, "Error: boom")
	require.Contains(t, outputs, "Job failed: CUSTOM: boom")

	// Nothing of a failed import is stored.
	params, err := e.raw.GetTemplateVersionParameters(e.ctx, version.ID)
	require.NoError(t, err)
	require.Empty(t, params)
	resources, err := e.raw.GetWorkspaceResourcesByJobID(e.ctx, job.ID)
	require.NoError(t, err)
	require.Empty(t, resources)
}

func TestRequiredVariables(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", nil)
	spec := echo.Spec{Variables: []echo.Variable{
		{Name: "api_key", Type: "string", Required: true, Sensitive: true},
		{Name: "region", Type: "string", Default: "us"},
	}}
	file := e.specFile(spec)

	missing, _ := e.enqueue(jobSpec{fileID: file})
	missing = e.waitJob(missing.ID, completed)
	require.Equal(t, provisioner.ErrorCodeRequiredTemplateVariables, deref(missing.ErrorCode))
	require.Contains(t, deref(missing.Error), "api_key")

	given, version := e.enqueue(jobSpec{fileID: file, input: map[string]any{
		"user_variable_values": []map[string]string{{"name": "api_key", "value": "s3cret"}},
	}})
	requireSucceeded(t, e.waitJob(given.ID, completed))
	vars, err := e.raw.GetTemplateVersionVariables(e.ctx, version.ID)
	require.NoError(t, err)
	require.Len(t, vars, 2)
	require.Equal(t, "api_key", vars[0].Name)
	require.Equal(t, "s3cret", vars[0].Value)
	require.True(t, vars[0].Sensitive)
	require.True(t, vars[0].Required)
	require.Equal(t, "region", vars[1].Name)
	require.Equal(t, "us", vars[1].Value)
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", nil)
	file := e.file(echo.SimpleTemplate(), "application/x-tar")

	// Lenient: an empty object is no variables.
	empty, _ := e.enqueue(jobSpec{fileID: file, input: map[string]any{}})
	requireSucceeded(t, e.waitJob(empty.ID, completed))

	// Input that is not an object fails the job, clearly.
	bad, _ := e.enqueue(jobSpec{fileID: file, input: []int{1, 2}})
	bad = e.waitJob(bad.ID, completed)
	require.Contains(t, deref(bad.Error), "input is not valid")
}

func TestCorruptFile(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", nil)

	for name, f := range map[string]struct {
		data     []byte
		mimetype string
	}{
		"garbage tar":  {[]byte("this is not a tar archive at all, not even close................"), "application/x-tar"},
		"garbage zip":  {[]byte("PK\x03\x04 nope"), "application/zip"},
		"unknown type": {echo.SimpleTemplate(), "text/plain"},
	} {
		job, _ := e.enqueue(jobSpec{fileID: e.file(f.data, f.mimetype)})
		job = e.waitJob(job.ID, completed)
		require.Contains(t, deref(job.Error), "template archive cannot be extracted", name)
		require.NotContains(t, deref(job.Error), "internal error", name)
	}
	// No echo.yaml in a valid archive: the provisioner's failure.
	job, _ := e.enqueue(jobSpec{fileID: e.file(mustTar(t, map[string]string{"README.md": "hi"}), "application/x-tar")})
	job = e.waitJob(job.ID, completed)
	require.Contains(t, deref(job.Error), "echo.yaml")

	// The daemon is still serving.
	ok, _ := e.enqueue(jobSpec{fileID: e.file(echo.SimpleTemplate(), "application/x-tar")})
	requireSucceeded(t, e.waitJob(ok.ID, completed))
}

func TestCancelRunning(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", nil)
	slow, _ := e.enqueue(jobSpec{fileID: e.specFile(echo.Spec{Import: echo.Phase{Delay: time.Hour}})})
	e.waitJob(slow.ID, started)

	now := dbtime.Now()
	require.NoError(t, e.raw.UpdateProvisionerJobWithCancelByID(e.ctx, database.UpdateProvisionerJobWithCancelByIDParams{
		ID: slow.ID, CanceledAt: &now,
	}))
	require.NoError(t, e.ps.Publish(pubsub.EventProvisionerJobLogs(slow.ID.String()), nil))
	slow = e.waitJob(slow.ID, completed)
	require.NotNil(t, slow.CanceledAt)
	require.Equal(t, "canceled", deref(slow.Error))
	var outputs []string
	for _, l := range e.logs(slow.ID) {
		outputs = append(outputs, l.Output)
	}
	require.Contains(t, outputs, "The job was canceled")

	// The daemon is free again.
	next, _ := e.enqueue(jobSpec{fileID: e.file(echo.SimpleTemplate(), "application/x-tar")})
	requireSucceeded(t, e.waitJob(next.ID, completed))
}

func TestCanceledWhilePendingNeverRuns(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := newCountingProvisioner()
	file := e.file(echo.SimpleTemplate(), "application/x-tar")
	pending, _ := e.enqueue(jobSpec{fileID: file, version: "canceled"})
	now := dbtime.Now()
	require.NoError(t, e.raw.UpdateProvisionerJobWithCancelByID(e.ctx, database.UpdateProvisionerJobWithCancelByIDParams{
		ID: pending.ID, CanceledAt: &now,
	}))

	e.daemon("test-1", prov)
	next, _ := e.enqueue(jobSpec{fileID: file, version: "runs"})
	requireSucceeded(t, e.waitJob(next.ID, completed))

	pending, err := e.raw.GetProvisionerJobByID(e.ctx, pending.ID)
	require.NoError(t, err)
	require.Nil(t, pending.StartedAt)
	require.False(t, pending.WorkerID.Valid)
	require.Empty(t, e.logs(pending.ID))
	require.Equal(t, map[string]int{"runs": 1}, prov.snapshot())
}

func TestCloseWhileRunning(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.daemon("test-1", nil)
	slow, _ := e.enqueue(jobSpec{fileID: e.specFile(echo.Spec{Import: echo.Phase{Delay: time.Hour}})})
	e.waitJob(slow.ID, started)

	require.NoError(t, d.Close())
	slow, err := e.raw.GetProvisionerJobByID(e.ctx, slow.ID)
	require.NoError(t, err)
	require.NotNil(t, slow.CompletedAt, "Close returns after the job is completed")
	require.Nil(t, slow.CanceledAt)
	require.Equal(t, "provisioner daemon shut down", deref(slow.Error))
	require.NoError(t, d.Close(), "Close is idempotent")

	// A closed daemon takes no more jobs.
	later, _ := e.enqueue(jobSpec{fileID: e.file(echo.SimpleTemplate(), "application/x-tar")})
	// A second daemon takes it; the first never did.
	e.daemon("test-2", nil)
	later = e.waitJob(later.ID, completed)
	requireSucceeded(t, later)
	require.NotEqual(t, d.ID(), later.WorkerID.UUID)
}

func TestContextCancelStopsDaemon(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx, cancel := context.WithCancel(e.ctx)
	d, err := provisionerd.New(ctx, provisionerd.Options{
		Logger:         slogtest.Make(t, &slogtest.Options{IgnoreErrors: true}),
		DB:             e.db,
		Pubsub:         e.ps,
		Provisioners:   map[database.ProvisionerType]provisioner.Provisioner{database.ProvisionerTypeEcho: echo.New()},
		OrganizationID: e.org.ID,
		Name:           "ctx",
		WorkDir:        t.TempDir(),
	})
	require.NoError(t, err)
	slow, _ := e.enqueue(jobSpec{fileID: e.specFile(echo.Spec{Import: echo.Phase{Delay: time.Hour}})})
	e.waitJob(slow.ID, started)
	cancel()
	slow = e.waitJob(slow.ID, completed)
	require.Equal(t, "provisioner daemon shut down", deref(slow.Error))
	require.NoError(t, d.Close())
}

func TestHangDetection(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	file := e.file(echo.SimpleTemplate(), "application/x-tar")
	hung, _ := e.enqueue(jobSpec{fileID: file})
	hourAgo := dbtime.Now().Add(-time.Hour)
	acquired, err := e.raw.AcquireProvisionerJob(e.ctx, database.AcquireProvisionerJobParams{
		StartedAt: &hourAgo, Types: []string{"echo"}, Tags: json.RawMessage(`{"scope":"organization"}`),
	})
	require.NoError(t, err)
	require.Equal(t, hung.ID, acquired.ID)
	fresh, _ := e.enqueue(jobSpec{fileID: file})
	now := dbtime.Now()
	_, err = e.raw.AcquireProvisionerJob(e.ctx, database.AcquireProvisionerJobParams{
		StartedAt: &now, Types: []string{"echo"}, Tags: json.RawMessage(`{"scope":"organization"}`),
	})
	require.NoError(t, err)

	notified := make(chan struct{}, 1)
	unsubscribe, err := e.ps.Subscribe(pubsub.EventProvisionerJobLogs(hung.ID.String()), func(context.Context, []byte) {
		select {
		case notified <- struct{}{}:
		default:
		}
	})
	require.NoError(t, err)
	defer unsubscribe()

	n, err := provisionerd.DetectHungJobs(e.ctx, e.db, e.ps, dbtime.Now(), 5*time.Minute)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	select {
	case <-notified:
	case <-e.ctx.Done():
		t.Fatal("no notification for the hung job")
	}

	hung, err = e.raw.GetProvisionerJobByID(e.ctx, hung.ID)
	require.NoError(t, err)
	require.NotNil(t, hung.CompletedAt)
	require.Equal(t, provisionerd.ErrorCodeHung, deref(hung.ErrorCode))
	require.Contains(t, deref(hung.Error), "no heartbeat from its provisioner daemon for 5m")
	logs := e.logs(hung.ID)
	require.Len(t, logs, 1)
	require.Equal(t, database.LogLevelError, logs[0].Level)
	require.Equal(t, "Job marked as failed: no heartbeat from its provisioner daemon for 5m.", logs[0].Output)

	fresh, err = e.raw.GetProvisionerJobByID(e.ctx, fresh.ID)
	require.NoError(t, err)
	require.Nil(t, fresh.CompletedAt, "a job heartbeated within the threshold keeps running")

	n, err = provisionerd.DetectHungJobs(e.ctx, e.db, e.ps, dbtime.Now(), 5*time.Minute)
	require.NoError(t, err)
	require.Zero(t, n, "a failed job is not failed twice")
}

func TestRunHangDetectorAndDaemonReaction(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// A running job whose heartbeat is older than the threshold: the
	// detector fails it and the daemon running it lets go.
	d := e.daemon("test-1", nil, func(o *provisionerd.Options) { o.HeartbeatInterval = time.Hour })
	slow, _ := e.enqueue(jobSpec{fileID: e.specFile(echo.Spec{Import: echo.Phase{Delay: time.Hour}})})
	e.waitJob(slow.ID, started)

	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		provisionerd.RunHangDetector(ctx, provisionerd.HangDetectorOptions{
			Logger: slogtest.Make(t, &slogtest.Options{IgnoreErrors: true}), DB: e.db, Pubsub: e.ps,
			Threshold: time.Nanosecond, Interval: time.Hour,
		})
	}()
	slow = e.waitJob(slow.ID, completed)
	cancel()
	<-done
	require.Equal(t, provisionerd.ErrorCodeHung, deref(slow.ErrorCode))
	require.Contains(t, deref(slow.Error), "no heartbeat from its provisioner daemon for 1ns")

	// The daemon stopped the provisioner and is free for the next job.
	next, _ := e.enqueue(jobSpec{fileID: e.file(echo.SimpleTemplate(), "application/x-tar")})
	next = e.waitJob(next.ID, completed)
	requireSucceeded(t, next)
	require.Equal(t, d.ID(), next.WorkerID.UUID)
	slow, err := e.raw.GetProvisionerJobByID(e.ctx, slow.ID)
	require.NoError(t, err)
	require.Equal(t, provisionerd.ErrorCodeHung, deref(slow.ErrorCode), "the daemon does not overwrite the detector's verdict")
}

func TestTagsMustMatch(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("plain", nil)
	e.daemon("gpu", nil, func(o *provisionerd.Options) { o.Tags = map[string]string{"gpu": "true"} })
	file := e.file(echo.SimpleTemplate(), "application/x-tar")
	gpuJob, _ := e.enqueue(jobSpec{fileID: file, tags: map[string]string{"scope": "organization", "gpu": "true"}})
	gpuJob = e.waitJob(gpuJob.ID, completed)
	requireSucceeded(t, gpuJob)

	daemons, err := e.raw.GetProvisionerDaemonsByOrganization(e.ctx, e.org.ID)
	require.NoError(t, err)
	byID := map[uuid.UUID]string{}
	for _, d := range daemons {
		byID[d.ProvisionerDaemon.ID] = d.ProvisionerDaemon.Name
	}
	require.Equal(t, "gpu", byID[gpuJob.WorkerID.UUID])
}

func TestAnyOrganization(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	d := e.daemon("test-1", nil) // registered in e.org
	now := dbtime.Now()
	other, err := e.raw.InsertOrganization(e.ctx, database.InsertOrganizationParams{
		ID: uuid.New(), Name: "other", DisplayName: "Other", CreatedAt: now, UpdatedAt: now,
	})
	require.NoError(t, err)
	e.org = other
	job, _ := e.enqueue(jobSpec{fileID: e.file(echo.SimpleTemplate(), "application/x-tar")})
	job = e.waitJob(job.ID, completed)
	requireSucceeded(t, job)
	require.Equal(t, other.ID, job.OrganizationID)
	require.Equal(t, d.ID(), job.WorkerID.UUID)
}

func TestHeartbeat(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := &blockingProvisioner{Provisioner: echo.New(), release: make(chan struct{})}
	d := e.daemon("test-1", prov, func(o *provisionerd.Options) { o.HeartbeatInterval = 10 * time.Millisecond })
	job, _ := e.enqueue(jobSpec{fileID: e.file(echo.SimpleTemplate(), "application/x-tar")})
	job = e.waitJob(job.ID, started)
	daemonRow := func() database.ProvisionerDaemon {
		rows, err := e.raw.GetProvisionerDaemonsByOrganization(e.ctx, e.org.ID)
		require.NoError(t, err)
		require.Len(t, rows, 1)
		return rows[0].ProvisionerDaemon
	}
	seen := deref(daemonRow().LastSeenAt)

	// Heartbeats publish nothing, so look again on a ticker until both
	// timestamps move (or the test's deadline passes).
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		current, err := e.raw.GetProvisionerJobByID(e.ctx, job.ID)
		require.NoError(t, err)
		row := daemonRow()
		if current.UpdatedAt.After(*job.StartedAt) && deref(row.LastSeenAt).After(seen) {
			require.Equal(t, d.ID(), row.ID)
			rows, err := e.raw.GetProvisionerDaemonsByOrganization(e.ctx, e.org.ID)
			require.NoError(t, err)
			require.Equal(t, job.ID, rows[0].CurrentJobID, "the daemon shows the job it runs")
			break
		}
		select {
		case <-tick.C:
		case <-e.ctx.Done():
			t.Fatal("no heartbeat")
		}
	}
	close(prov.release)
	requireSucceeded(t, e.waitJob(job.ID, completed))
}

// blockingProvisioner is echo whose imports wait for release.
type blockingProvisioner struct {
	provisioner.Provisioner
	release chan struct{}
}

func (b *blockingProvisioner) Import(ctx context.Context, req provisioner.ImportRequest, log provisioner.Logger) (provisioner.ImportResult, error) {
	select {
	case <-b.release:
	case <-ctx.Done():
		return provisioner.ImportResult{}, ctx.Err()
	}
	return b.Provisioner.Import(ctx, req, log)
}

func TestProvisionerPanic(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.daemon("test-1", panicProvisioner{})
	job, _ := e.enqueue(jobSpec{fileID: e.file(echo.SimpleTemplate(), "application/x-tar")})
	job = e.waitJob(job.ID, completed)
	require.Contains(t, deref(job.Error), "internal error: provisioner panicked: kaboom")
}

// TestExactlyOnceUnderLoad runs 200 jobs on three daemons: every job
// succeeds and is imported exactly once.
func TestExactlyOnceUnderLoad(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prov := newCountingProvisioner()
	daemons := map[uuid.UUID]bool{}
	for i := range 3 {
		daemons[e.daemon(fmt.Sprintf("load-%d", i), prov).ID()] = true
	}
	file := e.file(echo.SimpleTemplate(), "application/x-tar")
	const jobs = 200
	ids := make([]uuid.UUID, jobs)
	notify := make(chan struct{}, 1)
	for i := range ids {
		ids[i] = uuid.New()
		cancel, err := e.ps.Subscribe(pubsub.EventProvisionerJobLogs(ids[i].String()), func(context.Context, []byte) {
			select {
			case notify <- struct{}{}:
			default:
			}
		})
		require.NoError(t, err)
		t.Cleanup(cancel)
	}
	for i, id := range ids {
		e.enqueue(jobSpec{id: id, fileID: file, version: fmt.Sprintf("v%03d", i)})
	}

	var all []database.ProvisionerJob
	for {
		var err error
		all, err = e.raw.GetProvisionerJobsByOrganization(e.ctx, database.GetProvisionerJobsByOrganizationParams{OrganizationID: e.org.ID})
		require.NoError(t, err)
		done := 0
		for _, j := range all {
			if j.CompletedAt != nil {
				done++
			}
		}
		if done == jobs {
			break
		}
		select {
		case <-notify:
		case <-e.ctx.Done():
			t.Fatalf("timed out: %d of %d jobs completed", done, jobs)
		}
	}
	require.Len(t, all, jobs)
	for _, j := range all {
		requireSucceeded(t, j)
		require.True(t, daemons[j.WorkerID.UUID], "job %s ran on an unknown worker", j.ID)
		resources, err := e.raw.GetWorkspaceResourcesByJobID(e.ctx, j.ID)
		require.NoError(t, err)
		require.Len(t, resources, 3)
	}
	calls := prov.snapshot()
	require.Len(t, calls, jobs)
	for i := range jobs {
		require.Equal(t, 1, calls[fmt.Sprintf("v%03d", i)], "version v%03d", i)
	}
}

// countingProvisioner is echo, counting imports per template version name.
type countingProvisioner struct {
	provisioner.Provisioner
	mu    sync.Mutex
	calls map[string]int
}

func newCountingProvisioner() *countingProvisioner {
	return &countingProvisioner{Provisioner: echo.New(), calls: map[string]int{}}
}

func (c *countingProvisioner) Import(ctx context.Context, req provisioner.ImportRequest, log provisioner.Logger) (provisioner.ImportResult, error) {
	c.mu.Lock()
	c.calls[req.Metadata.TemplateVersion]++
	c.mu.Unlock()
	return c.Provisioner.Import(ctx, req, log)
}

func (c *countingProvisioner) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.calls))
	for k, v := range c.calls {
		out[k] = v
	}
	return out
}

type panicProvisioner struct{ provisioner.Provisioner }

func (panicProvisioner) Import(context.Context, provisioner.ImportRequest, provisioner.Logger) (provisioner.ImportResult, error) {
	panic("kaboom")
}

func mustTar(t testing.TB, files map[string]string) []byte {
	t.Helper()
	data, err := archive.CreateTar(files)
	require.NoError(t, err)
	return data
}
