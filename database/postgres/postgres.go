// Package postgres runs the built-in PostgreSQL server: a private cluster in a
// directory of its own, started and stopped with the Go process that uses it.
//
// The layout of a cluster home (Options.Dir):
//
//	data/            the cluster (PGDATA)
//	data.init/       a cluster being initialized; renamed to data/ when done
//	password         the generated password of the "postgres" role (0600)
//	port             the TCP port of the last start
//	lock             flock'ed by the Server using the directory
//	postgres.log     the server log (postgres.log.1 is the previous one)
//	.initdb-password the password for initdb, while it runs
//	.s.PGSQL.<port>  the Unix socket (when its path is short enough)
package postgres

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"

	"cdr.dev/slog"
	"golang.org/x/xerrors"
)

// ErrLocked is returned (wrapped, with the dir and holder pid if known) when
// another process, or another Server of this process, holds the cluster
// directory.
var ErrLocked = xerrors.New("built-in postgres directory is in use by another process")

// Options configure Start.
type Options struct {
	// Dir is the cluster home, e.g. <config-dir>/postgres; created if
	// missing. It holds data/, the password file, the port file, the lock
	// file and the server log.
	Dir string
	// Port is the TCP port to listen on (127.0.0.1 only). 0 reuses the port
	// saved in Dir by the previous start when it is still free, else picks
	// a free port. The port used is saved in Dir.
	Port int
	// Logger receives a few lines about the server's life; postgres's own
	// log goes to Dir/postgres.log.
	Logger slog.Logger
	// Binaries are the server programs to use; nil means the ones of the
	// cluster's major version when installed, else FindBinaries("").
	Binaries *Binaries
	// RunAs is the OS user that runs PostgreSQL when this process is root
	// (PostgreSQL refuses to run as root). "" means "postgres". Ignored
	// when this process is not root.
	RunAs string
	// Ephemeral trades durability for speed, for test databases: fsync,
	// synchronous_commit and full_page_writes are off, initdb skips its
	// final sync, and more connections are allowed.
	Ephemeral bool
	// Settings are extra server settings (name to value), passed to
	// postgres as -c name=value after, and so overriding, the built-in ones.
	Settings map[string]string
}

// Server is a running built-in PostgreSQL. It is supervised: a postmaster
// that exits without being asked to (killed, crashed, out of memory) is
// started again on the same port, after a backoff that grows from
// restartBackoffMin to restartBackoffMax while restarts keep failing.
type Server struct {
	dir      string
	dataDir  string
	port     int
	password string
	logger   slog.Logger
	bins     *Binaries
	id       *identity
	args     []string
	lock     *os.File
	logFile  *os.File
	stopping chan struct{}
	// supervised is closed when the supervisor has returned; after that
	// pm no longer changes.
	supervised chan struct{}

	mu sync.Mutex
	pm *child // the current postmaster

	stopOnce sync.Once
	stopErr  error
}

const (
	superuser    = "postgres"
	databaseName = "postgres"

	dataDirName   = "data"
	initDirName   = "data.init"
	passwordName  = "password"
	portName      = "port"
	lockName      = "lock"
	logName       = "postgres.log"
	initPwdName   = ".initdb-password"
	pidFileName   = "postmaster.pid"
	maxLogSize    = 16 << 20
	logTailLines  = 20
	sunPathMaxLen = 107 // sizeof(sockaddr_un.sun_path) - 1 on Linux

	// How long Stop waits for a fast shutdown, then for an immediate one,
	// before killing the postmaster.
	fastShutdownTimeout      = time.Minute
	immediateShutdownTimeout = 10 * time.Second
)

// Start takes an exclusive lock on Dir, initializes a cluster there on first
// use, starts postgres and waits until it accepts connections.
//
// The lock is a flock on Dir/lock held for the life of the Server: a second
// Start on the same Dir, from this or another process, fails at once with an
// error wrapping ErrLocked and does not touch the cluster.
//
// The cluster is created by initdb with a random password (kept in Dir/password,
// mode 0600), scram-sha-256 authentication, UTF8 encoding and the C locale. The
// server listens on 127.0.0.1 only, with its Unix socket in Dir. Leftovers of
// a crash (a stale postmaster.pid, or a postmaster whose parent died) do not
// prevent a start: since the caller holds the lock they are stopped/removed.
//
// ctx bounds the start only; the server runs until Stop.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if !platformSupported {
		return nil, xerrors.Errorf("the built-in postgres is not supported on %s; pass --postgres-url to use an external PostgreSQL database", runtime.GOOS)
	}
	if opts.Dir == "" {
		return nil, xerrors.New("built-in postgres: no directory given")
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, xerrors.Errorf("built-in postgres directory %q: %w", opts.Dir, err)
	}
	id, err := resolveIdentity(opts.RunAs)
	if err != nil {
		return nil, err
	}
	if err := prepareDir(dir, id); err != nil {
		return nil, err
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			_ = lock.Close()
		}
	}()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	logger := opts.Logger.With(slog.F("dir", dir))
	dataDir := filepath.Join(dir, dataDirName)

	bins := opts.Binaries
	if bins == nil {
		b, err := binariesForCluster(dataDir)
		if err != nil {
			return nil, err
		}
		bins = &b
	}

	logFile, err := openLog(dir)
	if err != nil {
		return nil, err
	}
	defer func() {
		if !ok {
			_ = logFile.Close()
		}
	}()

	// Whatever a previous owner of the directory left running is ours to
	// stop now that we hold the lock.
	if err := stopLeftovers(ctx, logger, dataDir); err != nil {
		return nil, err
	}

	initialized, err := isInitialized(dataDir)
	if err != nil {
		return nil, err
	}
	password, err := ensurePassword(dir, initialized)
	if err != nil {
		return nil, err
	}
	if !initialized {
		if err := initCluster(ctx, logger, dir, id, bins, password, logFile, opts.Ephemeral); err != nil {
			return nil, err
		}
	}

	port, err := choosePort(logger, dir, opts.Port)
	if err != nil {
		return nil, err
	}

	s := &Server{
		dir:        dir,
		dataDir:    dataDir,
		port:       port,
		password:   password,
		logger:     logger,
		bins:       bins,
		id:         id,
		lock:       lock,
		logFile:    logFile,
		stopping:   make(chan struct{}),
		supervised: make(chan struct{}),
	}
	s.args = []string{"-D", dataDir, "-p", strconv.Itoa(port)}
	for _, kv := range serverSettings(dir, port, opts) {
		s.args = append(s.args, "-c", kv)
	}
	started := time.Now()
	pm, logStart, err := s.launch(ctx)
	if err != nil {
		return nil, err
	}
	if err := savePort(dir, port); err != nil {
		_ = pm.stop(context.Background())
		return nil, err
	}
	s.pm = pm
	go s.supervise(pm, logStart)
	ok = true
	logger.Info(ctx, "built-in postgres started",
		slog.F("port", port), slog.F("pid", pm.pid), slog.F("took", time.Since(started)))
	return s, nil
}

// launch starts a postmaster on the cluster and waits until it accepts
// connections. It returns where the log of this start begins.
func (s *Server) launch(ctx context.Context) (*child, int64, error) {
	// Backends of a postmaster killed with SIGKILL keep the old shared
	// memory attached, and postgres refuses to start until they are gone.
	if err := stopLeftovers(ctx, s.logger, s.dataDir); err != nil {
		return nil, 0, err
	}
	// A stale postmaster.pid whose pid now belongs to some other process of
	// the run-as user would make postgres refuse to start.
	if err := os.Remove(filepath.Join(s.dataDir, pidFileName)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, 0, xerrors.Errorf("remove stale %s: %w", pidFileName, err)
	}

	logStart := fileSize(s.logFile)
	cmd := exec.Command(s.bins.Postgres, s.args...)
	cmd.Dir = s.dir
	cmd.Env = childEnv(s.id)
	cmd.Stdout = s.logFile
	cmd.Stderr = s.logFile
	// When this process dies, the postmaster gets SIGINT: a fast shutdown.
	cmd.SysProcAttr = sysProcAttr(s.id, syscall.SIGINT)
	pm, err := spawn(cmd)
	if err != nil {
		return nil, 0, xerrors.Errorf("start postgres: %w", err)
	}
	if err := waitReady(ctx, pm, s.dataDir); err != nil {
		_ = pm.stop(context.Background())
		return nil, 0, xerrors.Errorf("start postgres: %w", withLog(err, logTail(s.logFile, logStart)))
	}
	return pm, logStart, nil
}

// URL is the connection URL of the superuser to the "postgres" database.
func (s *Server) URL() string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(superuser, s.password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)),
		Path:     "/" + databaseName,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// Port is the TCP port the server listens on, on 127.0.0.1.
func (s *Server) Port() int { return s.port }

// Stop shuts the server down (a fast shutdown: sessions are cut, a checkpoint
// is written), waits for it to exit and releases the lock on the directory.
// It is safe to call more than once; later calls return the first's result.
func (s *Server) Stop() error {
	return s.StopContext(context.Background())
}

// StopContext is Stop with a deadline: when ctx is done before the fast
// shutdown has finished, the postmaster gets an immediate shutdown and then
// SIGKILL, so that StopContext returns soon after ctx is done. Supervision
// ends first, so the server is not restarted while it stops.
func (s *Server) StopContext(ctx context.Context) error {
	s.stopOnce.Do(func() {
		close(s.stopping)
		<-s.supervised
		err := s.pm.stop(ctx)
		if err != nil {
			err = xerrors.Errorf("stop built-in postgres: %w", err)
		}
		_ = s.logFile.Close()
		if cerr := s.lock.Close(); cerr != nil && err == nil {
			err = xerrors.Errorf("release built-in postgres lock: %w", cerr)
		}
		s.stopErr = err
		s.logger.Info(context.Background(), "built-in postgres stopped")
	})
	return s.stopErr
}
