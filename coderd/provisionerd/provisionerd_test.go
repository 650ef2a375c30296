package provisionerd_test

import (
	"context"
	"encoding/json"
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

func mustTar(t testing.TB, files map[string]string) []byte {
	t.Helper()
	data, err := archive.CreateTar(files)
	require.NoError(t, err)
	return data
}
