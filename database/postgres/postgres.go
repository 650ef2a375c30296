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
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
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

// Backoff between attempts to restart a postmaster that died.
const (
	restartBackoffMin = 100 * time.Millisecond
	restartBackoffMax = 10 * time.Second
)

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

// postmaster is the current postmaster process.
func (s *Server) postmaster() *child {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pm
}

// supervise restarts the postmaster whenever it exits without being asked
// to, until Stop.
func (s *Server) supervise(pm *child, logStart int64) {
	defer close(s.supervised)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-s.stopping:
			cancel()
		case <-ctx.Done():
		}
	}()
	for {
		select {
		case <-s.stopping:
			return
		case <-pm.exited:
		}
		if ctx.Err() != nil {
			return
		}
		s.logger.Error(ctx, "built-in postgres exited unexpectedly; restarting it",
			slog.F("pid", pm.pid), slog.Error(pm.waitErr), slog.F("log", logTail(s.logFile, logStart)))
		next, nextLogStart, ok := s.restart(ctx)
		if !ok {
			return
		}
		s.mu.Lock()
		s.pm = next
		s.mu.Unlock()
		pm, logStart = next, nextLogStart
	}
}

// restart starts a postmaster again, retrying with a growing backoff until
// it is up or ctx (Stop) ends.
func (s *Server) restart(ctx context.Context) (*child, int64, bool) {
	backoff := restartBackoffMin
	for attempt := 1; ; attempt++ {
		select {
		case <-ctx.Done():
			return nil, 0, false
		case <-time.After(backoff):
		}
		started := time.Now()
		pm, logStart, err := s.launch(ctx)
		if err == nil {
			s.logger.Info(ctx, "built-in postgres restarted",
				slog.F("port", s.port), slog.F("pid", pm.pid), slog.F("attempt", attempt), slog.F("took", time.Since(started)))
			return pm, logStart, true
		}
		if ctx.Err() != nil {
			return nil, 0, false
		}
		backoff = min(backoff*2, restartBackoffMax)
		s.logger.Error(ctx, "restart of built-in postgres failed",
			slog.F("attempt", attempt), slog.F("retry_in", backoff.String()), slog.Error(err))
	}
}

// serverSettings are the -c settings of every start, as name=value.
func serverSettings(dir string, port int, opts Options) []string {
	set := map[string]string{
		"listen_addresses":        "127.0.0.1",
		"unix_socket_directories": socketDirSetting(dir, port),
		"unix_socket_permissions": "0700",
		// JIT compilation mostly adds latency to the few big queries of
		// a small database.
		"jit": "off",
	}
	if opts.Ephemeral {
		set["fsync"] = "off"
		set["synchronous_commit"] = "off"
		set["full_page_writes"] = "off"
		// Test suites open many connections (one pool per test server).
		set["max_connections"] = "500"
	}
	for k, v := range opts.Settings {
		set[k] = v
	}
	kvs := make([]string, 0, len(set))
	for k, v := range set {
		kvs = append(kvs, k+"="+v)
	}
	sort.Strings(kvs)
	return kvs
}

// socketDirSetting puts the Unix socket in dir, or disables Unix sockets when
// the socket's path would not fit in a sockaddr_un (postgres would refuse to
// start) or dir cannot be written as a list element.
func socketDirSetting(dir string, port int) string {
	sock := filepath.Join(dir, ".s.PGSQL."+strconv.Itoa(port))
	if len(sock) > sunPathMaxLen || strings.ContainsAny(dir, "\"\n") {
		return ""
	}
	if strings.ContainsAny(dir, ", \t") {
		return `"` + dir + `"`
	}
	return dir
}

// childEnv is this process's environment less the PG* variables (PGDATA,
// PGPORT, ... would override our choices), with HOME and USER of the user
// the programs run as.
func childEnv(id *identity) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") {
			continue
		}
		if id.switchUser && (strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "USER=") || strings.HasPrefix(kv, "LOGNAME=")) {
			continue
		}
		env = append(env, kv)
	}
	if id.switchUser {
		env = append(env, "HOME="+id.home, "USER="+id.name, "LOGNAME="+id.name)
	}
	return env
}

// lockedError is the error of a Start on a directory in use.
type lockedError struct {
	dir string
	pid int
}

func (e *lockedError) Error() string {
	msg := ErrLocked.Error() + ": " + e.dir
	if e.pid > 0 {
		msg += fmt.Sprintf(" is held by pid %d", e.pid)
	}
	return msg
}

func (e *lockedError) Unwrap() error { return ErrLocked }

// lockDir takes the directory's lock, without waiting, and writes our pid in
// the lock file for the error of whoever comes next.
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, lockName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, xerrors.Errorf("open built-in postgres lock: %w", err)
	}
	err = flockExclusive(f)
	// A child that another goroutine of this process is forking holds a
	// copy of every descriptor until its exec closes them, the lock's
	// included; give such a window a moment before calling the lock taken.
	for deadline := time.Now().Add(2 * time.Second); errors.Is(err, errWouldBlock) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		err = flockExclusive(f)
	}
	if err != nil {
		if errors.Is(err, errWouldBlock) {
			b, _ := io.ReadAll(io.LimitReader(f, 64))
			pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
			_ = f.Close()
			return nil, &lockedError{dir: dir, pid: pid}
		}
		_ = f.Close()
		return nil, xerrors.Errorf("lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return f, nil
}

// openLog opens the server log for appending, first moving a big one aside.
func openLog(dir string) (*os.File, error) {
	path := filepath.Join(dir, logName)
	if st, err := os.Stat(path); err == nil && st.Size() > maxLogSize {
		_ = os.Rename(path, path+".1")
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, xerrors.Errorf("open built-in postgres log: %w", err)
	}
	return f, nil
}

// fileSize is the size of f, which is where what is logged next starts (the
// log is opened O_APPEND, so its offset says nothing).
func fileSize(f *os.File) int64 {
	st, err := f.Stat()
	if err != nil {
		return 0
	}
	return st.Size()
}

// logError is an error followed by the end of the server log.
type logError struct {
	err  error
	tail string
}

func (e *logError) Error() string { return e.err.Error() + e.tail }
func (e *logError) Unwrap() error { return e.err }

func withLog(err error, tail string) error {
	if tail == "" {
		return err
	}
	return &logError{err: err, tail: tail}
}

// logTail is the end of what postgres logged since offset, formatted to be
// appended to an error message ("" when there is nothing).
func logTail(logFile *os.File, offset int64) string {
	f, err := os.Open(logFile.Name())
	if err != nil {
		return ""
	}
	defer f.Close()
	const maxRead = 64 << 10
	st, err := f.Stat()
	if err != nil {
		return ""
	}
	if st.Size()-offset > maxRead {
		offset = st.Size() - maxRead
	}
	if offset < 0 {
		offset = 0
	}
	b, err := io.ReadAll(io.NewSectionReader(f, offset, st.Size()-offset))
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > logTailLines {
		lines = lines[len(lines)-logTailLines:]
	}
	text := strings.TrimSpace(strings.Join(lines, "\n"))
	if text == "" {
		return ""
	}
	return fmt.Sprintf(" (see %s; it ends with:\n%s)", logFile.Name(), text)
}

func isInitialized(dataDir string) (bool, error) {
	_, err := os.Stat(filepath.Join(dataDir, "PG_VERSION"))
	if err == nil {
		return true, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return false, xerrors.Errorf("built-in postgres data: %w", err)
	}
	// A data directory without PG_VERSION is not something we made
	// (initdb runs in data.init/ and is renamed when complete).
	if _, err := os.Stat(dataDir); err == nil {
		return false, xerrors.Errorf("built-in postgres data directory %s exists but is not a PostgreSQL cluster; move it away to start afresh", dataDir)
	}
	return false, nil
}

// ensurePassword reads the cluster's password, generating and saving one for
// a cluster about to be created.
func ensurePassword(dir string, initialized bool) (string, error) {
	path := filepath.Join(dir, passwordName)
	b, err := os.ReadFile(path)
	if err == nil {
		pw := strings.TrimSpace(string(b))
		if pw == "" {
			return "", xerrors.Errorf("built-in postgres password file %s is empty", path)
		}
		return pw, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", xerrors.Errorf("read built-in postgres password: %w", err)
	}
	if initialized {
		return "", xerrors.Errorf("built-in postgres password file %s is missing, so the existing cluster in %s cannot be connected to; restore the file, or move the directory away to start afresh",
			path, filepath.Join(dir, dataDirName))
	}
	raw := make([]byte, 24)
	if _, err := rand.Read(raw); err != nil {
		return "", xerrors.Errorf("generate password: %w", err)
	}
	pw := hex.EncodeToString(raw)
	if err := writeFileAtomic(path, []byte(pw+"\n"), 0o600); err != nil {
		return "", xerrors.Errorf("save built-in postgres password: %w", err)
	}
	return pw, nil
}

// initCluster runs initdb in data.init/ and renames it to data/ once done, so
// that an interrupted initialization is simply redone.
func initCluster(ctx context.Context, logger slog.Logger, dir string, id *identity, bins *Binaries, password string, logFile *os.File, ephemeral bool) error {
	initDir := filepath.Join(dir, initDirName)
	if err := os.RemoveAll(initDir); err != nil {
		return xerrors.Errorf("remove unfinished cluster %s: %w", initDir, err)
	}
	// initdb reads the password from a file, as the run-as user: give it
	// a copy that user can read, for as long as initdb runs.
	pwFile := filepath.Join(dir, initPwdName)
	if err := os.WriteFile(pwFile, []byte(password+"\n"), 0o600); err != nil {
		return xerrors.Errorf("write initdb password file: %w", err)
	}
	defer os.Remove(pwFile)
	if id.switchUser {
		if err := os.Chown(pwFile, int(id.uid), int(id.gid)); err != nil {
			return xerrors.Errorf("chown initdb password file: %w", err)
		}
	}

	logger.Info(ctx, "initializing built-in postgres cluster", slog.F("initdb", bins.InitDB))
	started := time.Now()
	logStart := fileSize(logFile)
	args := []string{
		"-D", initDir,
		"-U", superuser,
		"--pwfile=" + pwFile,
		"--auth=scram-sha-256",
		"--encoding=UTF8",
		"--locale=C",
	}
	if ephemeral {
		args = append(args, "--no-sync")
	}
	cmd := exec.Command(bins.InitDB, args...)
	cmd.Dir = dir
	cmd.Env = childEnv(id)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	cmd.SysProcAttr = sysProcAttr(id, syscall.SIGKILL)
	c, err := spawn(cmd)
	if err != nil {
		return xerrors.Errorf("run initdb: %w", err)
	}
	select {
	case <-c.exited:
	case <-ctx.Done():
		// initdb runs postgres in single-user mode: kill its whole
		// process group (Setpgid made initdb its leader).
		killPid(-c.pid, syscall.SIGKILL)
		<-c.exited
		_ = os.RemoveAll(initDir)
		return ctx.Err()
	}
	if c.waitErr != nil {
		_ = os.RemoveAll(initDir)
		return xerrors.Errorf("initdb failed: %w", withLog(c.waitErr, logTail(logFile, logStart)))
	}
	if err := os.Rename(initDir, filepath.Join(dir, dataDirName)); err != nil {
		return xerrors.Errorf("rename initialized cluster: %w", err)
	}
	if !ephemeral {
		syncDir(dir)
	}
	logger.Info(ctx, "initialized built-in postgres cluster", slog.F("took", time.Since(started)))
	return nil
}

// choosePort returns the port to listen on: the one asked for, else the saved
// one while it is free, else a free one.
func choosePort(logger slog.Logger, dir string, want int) (int, error) {
	if want < 0 || want > 65535 {
		return 0, xerrors.Errorf("invalid built-in postgres port %d", want)
	}
	if want != 0 {
		return want, nil
	}
	if b, err := os.ReadFile(filepath.Join(dir, portName)); err == nil {
		if p, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && p > 0 && p <= 65535 {
			if portFree(p) {
				return p, nil
			}
			logger.Warn(context.Background(), "the built-in postgres's previous port is taken, picking another one", slog.F("port", p))
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, xerrors.Errorf("pick a port for the built-in postgres: %w", err)
	}
	p := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return p, nil
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

func savePort(dir string, port int) error {
	path := filepath.Join(dir, portName)
	content := []byte(strconv.Itoa(port) + "\n")
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, content) {
		return nil
	}
	if err := writeFileAtomic(path, content, 0o600); err != nil {
		return xerrors.Errorf("save built-in postgres port: %w", err)
	}
	return nil
}

func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(perm); err != nil {
		_ = tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	syncDir(filepath.Dir(path))
	return nil
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// waitReady waits until the postmaster reports, in its postmaster.pid, that it
// accepts connections. That is what pg_ctl -w watches, but polled more often.
func waitReady(ctx context.Context, pm *child, dataDir string) error {
	path := filepath.Join(dataDir, pidFileName)
	want := strconv.Itoa(pm.pid)
	timer := time.NewTimer(0)
	defer timer.Stop()
	delay := 500 * time.Microsecond
	for {
		select {
		case <-pm.exited:
			return xerrors.Errorf("postgres exited during startup: %v", pm.waitErr)
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
		if b, err := os.ReadFile(path); err == nil {
			// Line 1 is the postmaster's pid, line 8 its status.
			lines := strings.Split(string(b), "\n")
			if len(lines) >= 8 && strings.TrimSpace(lines[0]) == want && strings.TrimSpace(lines[7]) == "ready" {
				return nil
			}
		}
		if delay < 5*time.Millisecond {
			delay *= 2
		}
		timer.Reset(delay)
	}
}

// stopLeftovers stops the postgres processes still running on dataDir: a
// postmaster whose parent died (it got SIGINT and is shutting down, or was
// started some other way) and backends orphaned by a killed postmaster. The
// caller holds the directory's lock, so no live Server owns them.
func stopLeftovers(ctx context.Context, logger slog.Logger, dataDir string) error {
	pidFile := filepath.Join(dataDir, pidFileName)
	b, err := os.ReadFile(pidFile)
	if err != nil {
		// A clean shutdown removes postmaster.pid: nothing to look for.
		return nil
	}
	pids := postgresProcsIn(dataDir)
	if len(pids) == 0 {
		return nil
	}
	pmPid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	logger.Warn(ctx, "stopping postgres processes left running in the built-in postgres directory",
		slog.F("pids", pids), slog.F("postmaster", pmPid))
	signalled := false
	for _, pid := range pids {
		if pid == pmPid {
			killPid(pid, syscall.SIGINT) // fast shutdown
			signalled = true
		}
	}
	if !signalled {
		// No postmaster: orphaned backends. SIGQUIT makes them exit at once.
		for _, pid := range pids {
			killPid(pid, syscall.SIGQUIT)
		}
	}
	deadline := time.Now().Add(fastShutdownTimeout)
	killed := false
	for {
		pids = postgresProcsIn(dataDir)
		if len(pids) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			if killed {
				return xerrors.Errorf("postgres processes %v left running on %s do not exit", pids, dataDir)
			}
			for _, pid := range pids {
				killPid(pid, syscall.SIGKILL)
			}
			killed = true
			deadline = time.Now().Add(immediateShutdownTimeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// child is a started program; waitErr is set before exited is closed.
type child struct {
	cmd     *exec.Cmd
	pid     int
	exited  chan struct{}
	waitErr error
}

// spawn starts cmd and waits for it in the background.
//
// The parent-death signal (Pdeathsig) is sent when the *thread* that forked
// the child exits, not the process, so the child is started and waited for
// on a goroutine locked to its thread: the thread lives as long as the child.
func spawn(cmd *exec.Cmd) (*child, error) {
	c := &child{cmd: cmd, exited: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		// Never unlocked: the thread ends with this goroutine, once the
		// child has exited.
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		c.waitErr = cmd.Wait()
		close(c.exited)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	c.pid = cmd.Process.Pid
	return c, nil
}

// stop asks the postmaster for a fast shutdown and waits for it to exit,
// escalating to an immediate shutdown and then SIGKILL if it takes too long
// or ctx is done.
func (c *child) stop(ctx context.Context) error {
	steps := []struct {
		sig     syscall.Signal
		timeout time.Duration
	}{
		{syscall.SIGINT, fastShutdownTimeout},
		{syscall.SIGQUIT, immediateShutdownTimeout},
		{syscall.SIGKILL, 0},
	}
	for i, step := range steps {
		select {
		case <-c.exited:
			return c.exitErr()
		default:
		}
		_ = c.cmd.Process.Signal(step.sig)
		if step.timeout == 0 {
			<-c.exited
			return xerrors.New("postgres did not shut down and was killed")
		}
		t := time.NewTimer(step.timeout)
		done := ctx.Done()
		if i == len(steps)-2 {
			done = nil // the immediate shutdown gets its own short time
		}
		select {
		case <-c.exited:
			t.Stop()
			return c.exitErr()
		case <-t.C:
		case <-done:
			t.Stop()
		}
	}
	return nil
}

// exitErr is the child's exit error, except that being told to exit by a
// signal is no error.
func (c *child) exitErr() error {
	var ee *exec.ExitError
	if errors.As(c.waitErr, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return nil
		}
	}
	return c.waitErr
}
