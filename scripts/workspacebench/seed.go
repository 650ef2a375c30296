package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd"
	"github.com/devplane/devplane/coderd/provisionerd/echo"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/database/migrations"
	"github.com/devplane/devplane/database/postgres"
	"github.com/devplane/devplane/database/pubsub"
)

const password = "bench-password-correct-horse-7"

type privatePostgres struct {
	url   string
	close func()
}

// startPostgres runs a private built-in PostgreSQL with the server's own
// settings (durable, as in production) in a temporary directory; settings
// are extra server settings.
func startPostgres(ctx context.Context, settings map[string]string) (*privatePostgres, error) {
	dir, err := os.MkdirTemp("", "workspacebench-")
	if err != nil {
		return nil, err
	}
	// PostgreSQL runs as the postgres user when this runs as root; it must
	// be able to enter the directory.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	pg, err := postgres.Start(ctx, postgres.Options{Dir: filepath.Join(dir, "pg"), Logger: slog.Make(), Settings: settings})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, xerrors.Errorf("start postgres: %w", err)
	}
	return &privatePostgres{url: pg.URL(), close: func() {
		if err := pg.Stop(); err != nil {
			_, _ = fmt.Fprintln(os.Stderr, "workspacebench: stop postgres:", err)
		}
		_ = os.RemoveAll(dir)
	}}, nil
}

// server is the API under test on its own database.
type server struct {
	url     *url.URL
	api     *coderd.API
	pool    *pgxpool.Pool
	db      database.Store // raw, unauthorized: for seeding only
	tracer  *statementTracer
	cleanup []func()
}

func (s *server) close() {
	for i := len(s.cleanup) - 1; i >= 0; i-- {
		s.cleanup[i]()
	}
}

// startServer creates database name, migrates it and serves the API on it
// the way `coder server` does, with the rate limiter off (every client here
// shares one address) and logs discarded (writing one line per request to a
// terminal would be measured too).
func startServer(ctx context.Context, adminURL, name string, trace, keep bool) (_ *server, err error) {
	s := &server{}
	defer func() {
		if err != nil {
			s.close()
		}
	}()
	admin, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return nil, xerrors.Errorf("connect to postgres: %w", err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return nil, xerrors.Errorf("create database: %w", err)
	}
	s.cleanup = append(s.cleanup, func() {
		if keep && err == nil {
			_, _ = fmt.Fprintf(os.Stderr, "kept database %s\n", name)
			return
		}
		c, err := pgx.Connect(context.Background(), adminURL)
		if err != nil {
			return
		}
		defer c.Close(context.Background())
		_, _ = c.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u, err := url.Parse(adminURL)
	if err != nil {
		return nil, err
	}
	u.Path = "/" + name
	dbURL := u.String()

	var configure []func(*pgxpool.Config)
	if trace {
		s.tracer = newStatementTracer()
		configure = append(configure, func(c *pgxpool.Config) { c.ConnConfig.Tracer = s.tracer })
	}
	s.pool, err = database.Open(ctx, dbURL, configure...)
	if err != nil {
		return nil, err
	}
	s.cleanup = append(s.cleanup, s.pool.Close)
	if err := migrations.Up(ctx, s.pool); err != nil {
		return nil, xerrors.Errorf("migrate: %w", err)
	}
	s.db = database.NewStore(s.pool)
	ps, err := pubsub.New(ctx, slog.Make(), s.pool, dbURL)
	if err != nil {
		return nil, err
	}
	s.cleanup = append(s.cleanup, func() { _ = ps.Close() })

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.url = &url.URL{Scheme: "http", Host: listener.Addr().String()}
	vals, optSet, err := codersdk.NewDeploymentValues()
	if err != nil {
		_ = listener.Close()
		return nil, err
	}
	if err := vals.RateLimit.DisableAll.Set("true"); err != nil {
		_ = listener.Close()
		return nil, err
	}
	s.api, err = coderd.New(ctx, &coderd.Options{
		Logger: slog.Make(), Database: s.db, Pubsub: ps, AccessURL: s.url,
		DeploymentValues: vals, DeploymentOptions: optSet,
	})
	if err != nil {
		_ = listener.Close()
		return nil, err
	}
	srv := &http.Server{Handler: s.api, ReadHeaderTimeout: 30 * time.Second}
	go func() { _ = srv.Serve(listener) }()
	s.cleanup = append(s.cleanup, func() { _ = srv.Close() })
	return s, nil
}

// seeded is what the load runs need.
type seeded struct {
	owner, member *codersdk.Client
	workspaces    int // in total
}

// seed creates the owner, the template, the member with one workspace
// (through the API, on a real daemon), then sc.users users with
// sc.workspacesPerUser clones of the member's build each.
func seed(ctx context.Context, s *server, sc scenario, workers int) (seeded, error) {
	var out seeded
	stopDaemons, err := startDaemon(ctx, s)
	if err != nil {
		return out, err
	}
	defer func() {
		if stopDaemons != nil {
			stopDaemons()
		}
	}()

	owner := codersdk.New(s.url)
	first, err := owner.CreateFirstUser(ctx, codersdk.CreateFirstUserRequest{
		Email: "owner@example.com", Username: "owner", Name: "Owner", Password: password,
	})
	if err != nil {
		return out, xerrors.Errorf("create first user: %w", err)
	}
	if err := login(ctx, owner, "owner@example.com"); err != nil {
		return out, err
	}
	orgID := first.OrganizationID

	file, err := owner.Upload(ctx, codersdk.ContentTypeTar, bytes.NewReader(echo.SimpleTemplate()))
	if err != nil {
		return out, xerrors.Errorf("upload template: %w", err)
	}
	version, err := owner.CreateTemplateVersion(ctx, orgID, codersdk.CreateTemplateVersionRequest{
		StorageMethod: codersdk.ProvisionerStorageMethodFile, FileID: file.ID, Provisioner: codersdk.ProvisionerTypeEcho,
	})
	if err != nil {
		return out, xerrors.Errorf("create template version: %w", err)
	}
	if err := await(ctx, func() (codersdk.ProvisionerJob, error) {
		v, err := owner.TemplateVersion(ctx, version.ID)
		return v.Job, err
	}); err != nil {
		return out, xerrors.Errorf("import template: %w", err)
	}
	tpl, err := owner.CreateTemplate(ctx, orgID, codersdk.CreateTemplateRequest{Name: "dev", VersionID: version.ID})
	if err != nil {
		return out, xerrors.Errorf("create template: %w", err)
	}

	active := codersdk.UserStatusActive
	if _, err := owner.CreateUserWithOrgs(ctx, codersdk.CreateUserRequestWithOrgs{
		Email: "member@example.com", Username: "member", Password: password,
		OrganizationIDs: []uuid.UUID{orgID}, UserStatus: &active,
	}); err != nil {
		return out, xerrors.Errorf("create member: %w", err)
	}
	member := codersdk.New(s.url)
	if err := login(ctx, member, "member@example.com"); err != nil {
		return out, err
	}
	w, err := member.CreateUserWorkspace(ctx, codersdk.Me, codersdk.CreateWorkspaceRequest{TemplateID: tpl.ID, Name: "dev"})
	if err != nil {
		return out, xerrors.Errorf("create member's workspace: %w", err)
	}
	if err := await(ctx, func() (codersdk.ProvisionerJob, error) {
		b, err := member.WorkspaceBuild(ctx, w.LatestBuild.ID)
		return b.Job, err
	}); err != nil {
		return out, xerrors.Errorf("build member's workspace: %w", err)
	}
	// The daemon would only poll from here on; nothing is left to build.
	stopDaemons()
	stopDaemons = nil

	model, err := loadModel(ctx, s.db, w.ID, w.LatestBuild.ID)
	if err != nil {
		return out, err
	}
	start := time.Now()
	users, err := seedUsers(ctx, s.db, orgID, sc.users, workers)
	if err != nil {
		return out, err
	}
	if err := seedWorkspaces(ctx, s.db, model, users, sc.workspacesPerUser, workers); err != nil {
		return out, err
	}
	out = seeded{owner: owner, member: member, workspaces: len(users)*sc.workspacesPerUser + 1}
	_, _ = fmt.Fprintf(os.Stderr, "seeded %d users and %d workspaces in %s\n",
		len(users), out.workspaces-1, time.Since(start).Round(100*time.Millisecond))
	return out, nil
}

// startDaemon runs one in-process echo daemon for the real import and build.
func startDaemon(ctx context.Context, s *server) (func(), error) {
	dir, err := os.MkdirTemp("", "workspacebench-daemon-")
	if err != nil {
		return nil, err
	}
	stop, err := s.api.StartProvisionerDaemons(ctx, coderd.ProvisionerDaemonsOptions{Count: 1, WorkDir: dir})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return func() {
		stop()
		_ = os.RemoveAll(dir)
	}, nil
}

func login(ctx context.Context, c *codersdk.Client, email string) error {
	res, err := c.LoginWithPassword(ctx, codersdk.LoginWithPasswordRequest{Email: email, Password: password})
	if err != nil {
		return xerrors.Errorf("log in %s: %w", email, err)
	}
	c.SetSessionToken(res.SessionToken)
	return nil
}

// await polls a job until it ends and fails unless it succeeded.
func await(ctx context.Context, get func() (codersdk.ProvisionerJob, error)) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	for {
		job, err := get()
		if err != nil {
			return err
		}
		if !job.Status.Active() {
			if job.Status != codersdk.ProvisionerJobSucceeded {
				return xerrors.Errorf("job %s: %s", job.Status, job.Error)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// model is a real workspace with its succeeded build: the rows a build of
// the echo template leaves, to be copied for every seeded workspace.
type model struct {
	workspace database.Workspace
	build     database.WorkspaceBuild
	job       database.ProvisionerJob
	params    []database.WorkspaceBuildParameter
	resources []database.WorkspaceResource
	agents    []database.WorkspaceAgent
	apps      []database.WorkspaceApp
}

func loadModel(ctx context.Context, db database.Store, workspaceID, buildID uuid.UUID) (model, error) {
	var m model
	var err error
	if m.workspace, err = db.GetWorkspaceByID(ctx, workspaceID); err != nil {
		return m, err
	}
	if m.build, err = db.GetWorkspaceBuildByID(ctx, buildID); err != nil {
		return m, err
	}
	if m.job, err = db.GetProvisionerJobByID(ctx, m.build.JobID); err != nil {
		return m, err
	}
	if m.params, err = db.GetWorkspaceBuildParameters(ctx, buildID); err != nil {
		return m, err
	}
	if m.resources, err = db.GetWorkspaceResourcesByJobID(ctx, m.job.ID); err != nil {
		return m, err
	}
	if m.agents, err = db.GetWorkspaceAgentsByJobID(ctx, m.job.ID); err != nil {
		return m, err
	}
	if m.apps, err = db.GetWorkspaceAppsByJobID(ctx, m.job.ID); err != nil {
		return m, err
	}
	if len(m.agents) == 0 || len(m.apps) == 0 {
		return m, xerrors.Errorf("the model build has %d agents and %d apps; the echo template should give one of each", len(m.agents), len(m.apps))
	}
	return m, nil
}

const seedBatch = 250

// inBatches runs fn over [0, n) in transactions of seedBatch items, on
// workers concurrent transactions.
func inBatches(ctx context.Context, db database.Store, n, workers int, what string, fn func(tx database.Store, i int) error) error {
	batches := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for start := range batches {
				end := min(start+seedBatch, n)
				err := db.InTx(ctx, func(tx database.Store) error {
					for i := start; i < end; i++ {
						if err := fn(tx, i); err != nil {
							return err
						}
					}
					return nil
				}, nil)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				done += end - start
				if done%(seedBatch*20) < end-start || done == n {
					_, _ = fmt.Fprintf(os.Stderr, "  %s: %d/%d\n", what, done, n)
				}
				mu.Unlock()
			}
		}()
	}
	var err error
feed:
	for start := 0; start < n; start += seedBatch {
		select {
		case batches <- start:
		case err = <-errs:
			break feed
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(batches)
	wg.Wait()
	close(errs)
	if err == nil {
		err = <-errs
	}
	return err
}

// seedUsers inserts plain members of the organization, as an admin's
// "create user" would leave them.
func seedUsers(ctx context.Context, db database.Store, orgID uuid.UUID, n, workers int) ([]uuid.UUID, error) {
	ids := make([]uuid.UUID, n)
	for i := range ids {
		ids[i] = uuid.New()
	}
	now := dbtime.Now()
	err := inBatches(ctx, db, n, workers, "users", func(tx database.Store, i int) error {
		name := fmt.Sprintf("user%05d", i)
		if _, err := tx.InsertUser(ctx, database.InsertUserParams{
			ID: ids[i], Email: name + "@example.com", Username: name, Name: "User " + name[4:],
			CreatedAt: now, UpdatedAt: now, RbacRoles: []string{},
			LoginType: database.LoginTypePassword, Status: database.UserStatusActive,
		}); err != nil {
			return xerrors.Errorf("insert user: %w", err)
		}
		if _, err := tx.InsertOrganizationMember(ctx, database.InsertOrganizationMemberParams{
			OrganizationID: orgID, UserID: ids[i], CreatedAt: now, UpdatedAt: now, Roles: []string{},
		}); err != nil {
			return xerrors.Errorf("insert organization member: %w", err)
		}
		return nil
	})
	return ids, err
}

// seedWorkspaces gives each user perUser workspaces, each with one
// succeeded start build copied from the model: the job is acquired by the
// model's daemon and completed, and the build's resources, agent, app and
// parameters are the model's.
func seedWorkspaces(ctx context.Context, db database.Store, m model, users []uuid.UUID, perUser, workers int) error {
	now := dbtime.Now()
	return inBatches(ctx, db, len(users)*perUser, workers, "workspaces", func(tx database.Store, i int) error {
		ownerID := users[i/perUser]
		jobID, buildID, workspaceID := uuid.New(), uuid.New(), uuid.New()
		input, err := json.Marshal(struct {
			WorkspaceBuildID uuid.UUID `json:"workspace_build_id"`
		}{buildID})
		if err != nil {
			return err
		}
		if _, err := tx.InsertProvisionerJob(ctx, database.InsertProvisionerJobParams{
			ID: jobID, CreatedAt: now, UpdatedAt: now, OrganizationID: m.job.OrganizationID, InitiatorID: ownerID,
			Provisioner: m.job.Provisioner, Type: database.ProvisionerJobTypeWorkspaceBuild, FileID: m.job.FileID,
			Input: input, Tags: m.job.Tags,
		}); err != nil {
			return xerrors.Errorf("insert job: %w", err)
		}
		// Acquire as the model's daemon did, so the job is started by a
		// known worker. Inside this transaction the only pending job it
		// can see is its own.
		acquired, err := tx.AcquireProvisionerJob(ctx, database.AcquireProvisionerJobParams{
			StartedAt: &now, WorkerID: m.job.WorkerID, OrganizationID: m.job.OrganizationID,
			Types: []string{string(m.job.Provisioner)}, Tags: m.job.Tags,
		})
		if err != nil {
			return xerrors.Errorf("acquire job: %w", err)
		}
		if acquired.ID != jobID {
			return xerrors.Errorf("acquired job %s instead of the one just inserted", acquired.ID)
		}
		if err := tx.UpdateProvisionerJobWithCompleteByID(ctx, database.UpdateProvisionerJobWithCompleteByIDParams{
			ID: jobID, CompletedAt: &now,
		}); err != nil {
			return xerrors.Errorf("complete job: %w", err)
		}
		if err := tx.InsertWorkspace(ctx, database.InsertWorkspaceParams{
			ID: workspaceID, CreatedAt: now, UpdatedAt: now, OwnerID: ownerID,
			OrganizationID: m.workspace.OrganizationID, TemplateID: m.workspace.TemplateID,
			Name: fmt.Sprintf("ws-%d", i%perUser), AutostartSchedule: m.workspace.AutostartSchedule,
			Ttl: m.workspace.Ttl, LastUsedAt: now, AutomaticUpdates: m.workspace.AutomaticUpdates,
		}); err != nil {
			return xerrors.Errorf("insert workspace: %w", err)
		}
		if err := tx.InsertWorkspaceBuild(ctx, database.InsertWorkspaceBuildParams{
			ID: buildID, CreatedAt: now, UpdatedAt: now, WorkspaceID: workspaceID,
			TemplateVersionID: m.build.TemplateVersionID, BuildNumber: 1, Transition: m.build.Transition,
			InitiatorID: ownerID, ProvisionerState: m.build.ProvisionerState, JobID: jobID, Reason: m.build.Reason,
		}); err != nil {
			return xerrors.Errorf("insert build: %w", err)
		}
		if len(m.params) > 0 {
			p := database.InsertWorkspaceBuildParametersParams{WorkspaceBuildID: buildID}
			for _, mp := range m.params {
				p.Names = append(p.Names, mp.Name)
				p.Values = append(p.Values, mp.Value)
			}
			if err := tx.InsertWorkspaceBuildParameters(ctx, p); err != nil {
				return xerrors.Errorf("insert build parameters: %w", err)
			}
		}
		return cloneResources(ctx, tx, m, jobID, now)
	})
}

func cloneResources(ctx context.Context, tx database.Store, m model, jobID uuid.UUID, now time.Time) error {
	resourceIDs := map[uuid.UUID]uuid.UUID{}
	for _, r := range m.resources {
		id := uuid.New()
		resourceIDs[r.ID] = id
		if _, err := tx.InsertWorkspaceResource(ctx, database.InsertWorkspaceResourceParams{
			ID: id, JobID: jobID, CreatedAt: now, Transition: r.Transition, Type: r.Type, Name: r.Name,
			Hide: r.Hide, Icon: r.Icon, InstanceType: r.InstanceType, DailyCost: r.DailyCost, Metadata: r.Metadata,
		}); err != nil {
			return xerrors.Errorf("insert resource: %w", err)
		}
	}
	agentIDs := map[uuid.UUID]uuid.UUID{}
	for _, a := range m.agents {
		id := uuid.New()
		agentIDs[a.ID] = id
		if _, err := tx.InsertWorkspaceAgent(ctx, database.InsertWorkspaceAgentParams{
			ID: id, ResourceID: resourceIDs[a.ResourceID], CreatedAt: now, UpdatedAt: now, Name: a.Name,
			OperatingSystem: a.OperatingSystem, Architecture: a.Architecture, Directory: a.Directory,
			EnvironmentVariables: a.EnvironmentVariables, AuthTokenHash: []byte(uuid.NewString()), AuthInstanceID: a.AuthInstanceID,
			ConnectionTimeoutSeconds: a.ConnectionTimeoutSeconds, TroubleshootingUrl: a.TroubleshootingUrl,
			MotdFile: a.MotdFile, DisplayApps: a.DisplayApps, DisplayOrder: a.DisplayOrder,
		}); err != nil {
			return xerrors.Errorf("insert agent: %w", err)
		}
	}
	for _, a := range m.apps {
		if _, err := tx.InsertWorkspaceApp(ctx, database.InsertWorkspaceAppParams{
			ID: uuid.New(), AgentID: agentIDs[a.AgentID], CreatedAt: now, Slug: a.Slug, DisplayName: a.DisplayName,
			Icon: a.Icon, Command: a.Command, Url: a.Url, External: a.External, Subdomain: a.Subdomain,
			Hidden: a.Hidden, SharingLevel: a.SharingLevel, HealthcheckUrl: a.HealthcheckUrl,
			HealthcheckInterval: a.HealthcheckInterval, HealthcheckThreshold: a.HealthcheckThreshold,
			OpenIn: a.OpenIn, DisplayOrder: a.DisplayOrder,
		}); err != nil {
			return xerrors.Errorf("insert app: %w", err)
		}
	}
	return nil
}

// databaseName is a fresh database name for a scenario.
func databaseName(sc scenario) string {
	return "workspacebench_" + strings.ReplaceAll(uuid.NewString()[:8], "-", "") + "_" + sc.name
}
