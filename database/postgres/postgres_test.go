package postgres

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The helper process modes of this test binary (see TestMain).
const (
	helperEnv    = "POSTGRES_TEST_HELPER"
	helperDirEnv = "POSTGRES_TEST_DIR"
)

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "lock":
		// Try to Start on a directory another process holds.
		_, err := Start(context.Background(), Options{Dir: os.Getenv(helperDirEnv)})
		fmt.Printf("locked=%v err=%v\n", errors.Is(err, ErrLocked), err)
		os.Exit(0)
	case "start-and-hang":
		// Start, report, and wait to be killed.
		s, err := Start(context.Background(), Options{Dir: os.Getenv(helperDirEnv), Ephemeral: true})
		if err != nil {
			fmt.Printf("error %v\n", err)
			os.Exit(1)
		}
		fmt.Printf("ready %d %d\n", s.Port(), s.postmaster().pid)
		select {}
	}
}

func skipWithoutPostgres(t *testing.T) {
	t.Helper()
	if _, err := FindBinaries(""); err != nil {
		t.Skipf("no PostgreSQL server binaries: %v", err)
	}
	if _, err := exec.LookPath("psql"); err != nil {
		t.Skip("no psql")
	}
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err != nil {
			t.Skip("running as root and there is no postgres user")
		}
	}
}

// clusterDir is a not yet existing cluster home under a fresh temporary
// directory that the postgres user can reach (t.TempDir makes 0700 ones).
func clusterDir(t *testing.T) string {
	t.Helper()
	d := t.TempDir()
	for p := d; p != filepath.Clean(os.TempDir()) && p != "/"; p = filepath.Dir(p) {
		require.NoError(t, os.Chmod(p, 0o755))
	}
	return filepath.Join(d, "pg")
}

// psql runs one statement through the TCP URL and returns its unaligned output.
func psql(t *testing.T, connURL, sql string) string {
	t.Helper()
	out, err := psqlErr(connURL, sql)
	require.NoError(t, err, out)
	return out
}

func psqlErr(connURL, sql string, extra ...string) (string, error) {
	args := append([]string{"-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", connURL, "-c", sql}, extra...)
	cmd := exec.Command("psql", args...)
	cmd.Env = append(os.Environ(), "PGCONNECT_TIMEOUT=10")
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

func startT(t *testing.T, opts Options) *Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := Start(ctx, opts)
	require.NoError(t, err)
	t.Cleanup(func() { _ = s.Stop() })
	return s
}

func TestStartStopRestart(t *testing.T) {
	t.Parallel()
	skipWithoutPostgres(t)
	dir := clusterDir(t)

	t0 := time.Now()
	s := startT(t, Options{Dir: dir})
	t.Logf("first start (initdb + start): %v", time.Since(t0))

	url1, port1 := s.URL()[:], s.Port()
	require.NotZero(t, port1)
	require.True(t, strings.HasPrefix(url1, "postgres://postgres:"), url1)
	require.True(t, strings.HasSuffix(url1, fmt.Sprintf("@127.0.0.1:%d/postgres?sslmode=disable", port1)), url1)

	// Accepting connections as soon as Start returns; durable by default.
	require.Equal(t, "1", psql(t, url1, "select 1"))
	require.Equal(t, "on", psql(t, url1, "show fsync"))
	require.Equal(t, "UTF8", psql(t, url1, "show server_encoding"))
	require.Equal(t, "127.0.0.1", psql(t, url1, "show listen_addresses"))
	require.Equal(t, "scram-sha-256", psql(t, url1, "show password_encryption"))
	psql(t, url1, "create table t (v text); insert into t values ('kept')")

	// Only scram over TCP: a wrong password is refused.
	bad := strings.Replace(url1, ":"+s.password+"@", ":wrong@", 1)
	out, err := psqlErr(bad, "select 1")
	require.Error(t, err)
	require.Contains(t, out, "password authentication failed")

	// The Unix socket is in dir.
	_, err = os.Stat(filepath.Join(dir, fmt.Sprintf(".s.PGSQL.%d", port1)))
	require.NoError(t, err)
	out, err = psqlErr(fmt.Sprintf("host=%s port=%d user=postgres dbname=postgres password=%s", dir, port1, s.password), "select 2")
	require.NoError(t, err, out)
	require.Equal(t, "2", out)

	// Files in dir.
	st, err := os.Stat(filepath.Join(dir, passwordName))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), st.Mode().Perm())
	portFile, err := os.ReadFile(filepath.Join(dir, portName))
	require.NoError(t, err)
	require.Equal(t, strconv.Itoa(port1), strings.TrimSpace(string(portFile)))
	if os.Geteuid() == 0 {
		var dst syscall.Stat_t
		require.NoError(t, syscall.Stat(filepath.Join(dir, dataDirName), &dst))
		pg, err := user.Lookup("postgres")
		require.NoError(t, err)
		require.Equal(t, pg.Uid, strconv.Itoa(int(dst.Uid)))
	}

	pid := s.postmaster().pid
	require.NoError(t, s.Stop())
	require.NoError(t, s.Stop(), "second Stop")
	require.False(t, running(pid), "postmaster gone after Stop")
	_, err = os.Stat(filepath.Join(dir, dataDirName, pidFileName))
	require.ErrorIs(t, err, os.ErrNotExist, "clean shutdown")
	_, err = psqlErr(url1, "select 1")
	require.Error(t, err)

	// Warm restart: same password and port, data kept.
	t0 = time.Now()
	s2 := startT(t, Options{Dir: dir})
	t.Logf("warm restart: %v", time.Since(t0))
	require.Equal(t, url1, s2.URL())
	require.Equal(t, port1, s2.Port())
	require.Equal(t, "kept", psql(t, s2.URL(), "select v from t"))
	require.NoError(t, s2.Stop())
}

func TestLocked(t *testing.T) {
	t.Parallel()
	skipWithoutPostgres(t)
	dir := clusterDir(t)
	s := startT(t, Options{Dir: dir, Ephemeral: true})
	psql(t, s.URL(), "create table t (v int); insert into t values (1)")
	dataBefore := dirListing(t, filepath.Join(dir, dataDirName))

	// From this process.
	_, err := Start(context.Background(), Options{Dir: dir, Ephemeral: true})
	require.ErrorIs(t, err, ErrLocked)
	require.Contains(t, err.Error(), dir)
	require.Contains(t, err.Error(), fmt.Sprintf("pid %d", os.Getpid()))
	require.NotContains(t, err.Error(), "\n")

	// From another process.
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=lock", helperDirEnv+"="+dir)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	require.Contains(t, string(out), "locked=true", string(out))
	require.Contains(t, string(out), fmt.Sprintf("pid %d", os.Getpid()))

	// The first one is unaffected.
	require.Equal(t, "1", psql(t, s.URL(), "select v from t"))
	require.Equal(t, dataBefore, dirListing(t, filepath.Join(dir, dataDirName)))

	// Stop releases the lock.
	require.NoError(t, s.Stop())
	s2 := startT(t, Options{Dir: dir, Ephemeral: true})
	require.Equal(t, "1", psql(t, s2.URL(), "select v from t"))
}

// running reports whether pid is a live process (not a zombie).
func running(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// pid (comm) state ...
	i := strings.LastIndexByte(string(b), ')')
	return i < 0 || i+2 >= len(b) || b[i+2] != 'Z'
}

func dirListing(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestEphemeralAndSettings(t *testing.T) {
	t.Parallel()
	skipWithoutPostgres(t)
	dir := clusterDir(t)
	s := startT(t, Options{Dir: dir, Ephemeral: true, Settings: map[string]string{"work_mem": "7MB"}})
	for setting, want := range map[string]string{
		"fsync":              "off",
		"synchronous_commit": "off",
		"full_page_writes":   "off",
		"work_mem":           "7MB",
	} {
		assert.Equal(t, want, psql(t, s.URL(), "show "+setting), setting)
	}
	require.NoError(t, s.Stop())

	// Ephemeral is a start option, not a property of the cluster.
	s = startT(t, Options{Dir: dir})
	require.Equal(t, "on", psql(t, s.URL(), "show fsync"))
}

func TestExplicitPort(t *testing.T) {
	t.Parallel()
	skipWithoutPostgres(t)
	dir := clusterDir(t)
	s := startT(t, Options{Dir: dir, Ephemeral: true})
	require.NoError(t, s.Stop())

	port, err := choosePort(s.logger, t.TempDir(), 0) // a free one
	require.NoError(t, err)
	s = startT(t, Options{Dir: dir, Ephemeral: true, Port: port})
	require.Equal(t, port, s.Port())
	require.Equal(t, "1", psql(t, s.URL(), "select 1"))
	require.NoError(t, s.Stop())

	// The explicit port is saved and reused, unless it is taken.
	s = startT(t, Options{Dir: dir, Ephemeral: true})
	require.Equal(t, port, s.Port())
	require.NoError(t, s.Stop())
}

// TestTakenPort: when the saved port is taken, another one is picked.
func TestTakenPort(t *testing.T) {
	t.Parallel()
	skipWithoutPostgres(t)
	dir := clusterDir(t)
	s := startT(t, Options{Dir: dir, Ephemeral: true})
	url1 := s.URL()
	// While it runs, its port is taken: a second cluster saved on that
	// port must move.
	dir2 := clusterDir(t)
	require.NoError(t, os.MkdirAll(dir2, 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(dir2, portName), []byte(strconv.Itoa(s.Port())+"\n"), 0o600))
	s2 := startT(t, Options{Dir: dir2, Ephemeral: true})
	require.NotEqual(t, s.Port(), s2.Port())
	require.Equal(t, "1", psql(t, s2.URL(), "select 1"))
	require.Equal(t, "1", psql(t, url1, "select 1"))
}

// TestParentKilled: a process running the server is SIGKILLed. Its
// postmaster must not outlive it for long (Pdeathsig), and the next Start on
// the directory must work, even right away.
func TestParentKilled(t *testing.T) {
	t.Parallel()
	skipWithoutPostgres(t)
	dir := clusterDir(t)

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=start-and-hang", helperDirEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(t, err)
	var port, pmPid int
	_, err = fmt.Sscanf(line, "ready %d %d", &port, &pmPid)
	require.NoError(t, err, line)
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()

	// Right away: the old postmaster may still be shutting down.
	s := startT(t, Options{Dir: dir, Ephemeral: true})
	require.Equal(t, "1", psql(t, s.URL(), "select 1"))
	require.False(t, running(pmPid), "the orphaned postmaster is gone")
}

// TestStalePidFile: a postmaster.pid left by a crash whose pid now belongs to
// another live process of the postgres user (pids are reused, e.g. after a
// container restart) must not prevent a start, and that process is left alone.
func TestStalePidFile(t *testing.T) {
	t.Parallel()
	skipWithoutPostgres(t)
	dir := clusterDir(t)
	s := startT(t, Options{Dir: dir, Ephemeral: true})
	require.NoError(t, s.Stop())

	other := exec.Command("sleep", "300")
	id, err := resolveIdentity("")
	require.NoError(t, err)
	other.SysProcAttr = sysProcAttr(id, syscall.SIGKILL)
	require.NoError(t, other.Start())
	t.Cleanup(func() { _ = other.Process.Kill(); _ = other.Wait() })
	pidFile := filepath.Join(dir, dataDirName, pidFileName)
	stale := fmt.Sprintf("%d\n%s\n1700000000\n%d\n%s\n127.0.0.1\n  5432001     32768\nready   \n",
		other.Process.Pid, filepath.Join(dir, dataDirName), s.Port(), dir)
	require.NoError(t, os.WriteFile(pidFile, []byte(stale), 0o600))

	s = startT(t, Options{Dir: dir, Ephemeral: true})
	require.Equal(t, "1", psql(t, s.URL(), "select 1"))
	require.NoError(t, other.Process.Signal(syscall.Signal(0)), "unrelated process left alone")
}

func TestStartErrors(t *testing.T) {
	t.Parallel()
	skipWithoutPostgres(t)

	t.Run("NotACluster", func(t *testing.T) {
		t.Parallel()
		dir := clusterDir(t)
		require.NoError(t, os.MkdirAll(filepath.Join(dir, dataDirName), 0o700))
		_, err := Start(context.Background(), Options{Dir: dir})
		require.ErrorContains(t, err, "not a PostgreSQL cluster")
	})
	t.Run("StartupFailureShowsLog", func(t *testing.T) {
		t.Parallel()
		dir := clusterDir(t)
		_, err := Start(context.Background(), Options{Dir: dir, Ephemeral: true, Settings: map[string]string{"no_such_setting": "1"}})
		require.ErrorContains(t, err, "no_such_setting")
		// The lock was released and the cluster is fine.
		s := startT(t, Options{Dir: dir, Ephemeral: true})
		require.Equal(t, "1", psql(t, s.URL(), "select 1"))
	})
	t.Run("Canceled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		dir := clusterDir(t)
		_, err := Start(ctx, Options{Dir: dir, Ephemeral: true})
		require.ErrorIs(t, err, context.Canceled)
		_, err = os.Stat(filepath.Join(dir, dataDirName))
		require.ErrorIs(t, err, os.ErrNotExist)
	})
	t.Run("CanceledDuringInitDB", func(t *testing.T) {
		t.Parallel()
		dir := clusterDir(t)
		initDir := filepath.Join(dir, initDirName)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			// Cancel once initdb has begun.
			for ctx.Err() == nil {
				if _, err := os.Stat(filepath.Join(initDir, "PG_VERSION")); err == nil {
					cancel()
					return
				}
				time.Sleep(time.Millisecond)
			}
		}()
		_, err := Start(ctx, Options{Dir: dir, Ephemeral: true})
		require.ErrorIs(t, err, context.Canceled)
		_, err = os.Stat(initDir)
		require.ErrorIs(t, err, os.ErrNotExist, "unfinished cluster removed")
		_, err = os.Stat(filepath.Join(dir, dataDirName))
		require.ErrorIs(t, err, os.ErrNotExist)

		// The next start initializes afresh.
		s := startT(t, Options{Dir: dir, Ephemeral: true})
		require.Equal(t, "1", psql(t, s.URL(), "select 1"))
	})
}

func TestUnreachableDir(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("only applies when running as root")
	}
	if _, err := user.Lookup("postgres"); err != nil {
		t.Skip("no postgres user")
	}
	parent := t.TempDir() // 0700, owned by root
	require.NoError(t, os.Chmod(parent, 0o700))
	dir := filepath.Join(parent, "config", "postgres")
	_, err := Start(context.Background(), Options{Dir: dir, Binaries: &Binaries{InitDB: "/nonexistent"}})
	require.Error(t, err)
	msg := err.Error()
	require.Contains(t, msg, "unreachable by the \"postgres\" user")
	require.Contains(t, msg, "--config-dir")
	require.Contains(t, msg, "--postgres-url")
	require.NotContains(t, msg, "\n")
	_, err = os.Stat(filepath.Join(parent, "config"))
	require.ErrorIs(t, err, os.ErrNotExist, "nothing created")

	// A missing run-as user is explained too.
	_, err = Start(context.Background(), Options{Dir: clusterDir(t), RunAs: "no-such-user-xyz"})
	require.ErrorContains(t, err, "no-such-user-xyz")
	require.ErrorContains(t, err, "--postgres-url")
}

func TestFindBinaries(t *testing.T) {
	// Not parallel: overrides binGlobRoot.
	mkBins := func(t *testing.T, dir string, names ...string) {
		t.Helper()
		require.NoError(t, os.MkdirAll(dir, 0o755))
		for _, n := range names {
			require.NoError(t, os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\n"), 0o755))
		}
	}
	old := binGlobRoot
	t.Cleanup(func() { binGlobRoot = old })

	t.Run("Missing", func(t *testing.T) {
		binGlobRoot = filepath.Join(t.TempDir(), "none")
		empty := t.TempDir()
		partial := t.TempDir()
		mkBins(t, partial, "pg_ctl", "postgres") // no initdb
		_, err := FindBinaries(empty + string(os.PathListSeparator) + partial)
		require.ErrorIs(t, err, ErrBinariesMissing)
		msg := err.Error()
		require.NotContains(t, msg, "\n")
		require.Contains(t, msg, "apt-get install postgresql")
		require.Contains(t, msg, "--postgres-url")
	})
	t.Run("SearchPathFirst", func(t *testing.T) {
		root := t.TempDir()
		binGlobRoot = root
		mkBins(t, filepath.Join(root, "15", "bin"), "initdb", "pg_ctl", "postgres")
		mine := t.TempDir()
		mkBins(t, mine, "initdb", "pg_ctl", "postgres")
		b, err := FindBinaries("relative/dir" + string(os.PathListSeparator) + mine)
		require.NoError(t, err)
		require.Equal(t, Binaries{
			InitDB:   filepath.Join(mine, "initdb"),
			PGCtl:    filepath.Join(mine, "pg_ctl"),
			Postgres: filepath.Join(mine, "postgres"),
		}, b)
	})
	t.Run("HighestVersion", func(t *testing.T) {
		root := t.TempDir()
		binGlobRoot = root
		for _, v := range []string{"9.6", "15", "10", "16"} {
			mkBins(t, filepath.Join(root, v, "bin"), "initdb", "pg_ctl", "postgres")
		}
		mkBins(t, filepath.Join(root, "17", "bin"), "pg_ctl", "postgres") // incomplete
		b, err := FindBinaries(t.TempDir())
		require.NoError(t, err)
		require.Equal(t, filepath.Join(root, "16", "bin", "postgres"), b.Postgres)

		// A cluster made by 15 keeps using 15.
		data := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(data, "PG_VERSION"), []byte("15\n"), 0o600))
		b, err = binariesForCluster(data)
		require.NoError(t, err)
		require.Equal(t, filepath.Join(root, "15", "bin", "initdb"), b.InitDB)
	})
	t.Run("Real", func(t *testing.T) {
		binGlobRoot = old
		b, err := FindBinaries("")
		if err != nil {
			t.Skip(err)
		}
		require.FileExists(t, b.InitDB)
		require.FileExists(t, b.PGCtl)
		require.FileExists(t, b.Postgres)
	})
}

func TestVersionLess(t *testing.T) {
	t.Parallel()
	require.True(t, versionLess("9.6", "10"))
	require.True(t, versionLess("10", "15"))
	require.False(t, versionLess("15", "15"))
	require.True(t, versionLess("15", "15.1"))
	require.True(t, versionLess("devel", "15"))
}

// TestRestartAfterKill: a postmaster killed with SIGKILL, while a session
// holds a backend, is started again by supervision on the same port, with
// the data kept; Stop then stops the new one.
func TestRestartAfterKill(t *testing.T) {
	t.Parallel()
	skipWithoutPostgres(t)
	dir := clusterDir(t)
	s := startT(t, Options{Dir: dir, Ephemeral: true})
	// Ephemeral clusters commit asynchronously; this commit must be in the
	// WAL before the kill for crash recovery to keep it.
	psql(t, s.URL(), "set synchronous_commit = on; create table t (v text); insert into t values ('kept')")

	// A session busy in a backend: after the kill it is an orphan holding
	// the old shared memory.
	busy := exec.Command("psql", "-X", "-q", "-d", s.URL(), "-c", "select pg_sleep(300)")
	require.NoError(t, busy.Start())
	t.Cleanup(func() { _ = busy.Process.Kill(); _ = busy.Wait() })
	require.Eventually(t, func() bool {
		out, err := psqlErr(s.URL(), "select count(*) from pg_stat_activity where query like 'select pg_sleep%'")
		return err == nil && out == "1"
	}, time.Minute, 20*time.Millisecond)

	for round := range 2 {
		old := s.postmaster().pid
		killPid(old, syscall.SIGKILL)
		require.Eventually(t, func() bool {
			pm := s.postmaster()
			return pm.pid != old && running(pm.pid)
		}, 2*time.Minute, 20*time.Millisecond, "round %d: restarted", round)
		require.Equal(t, "kept", psql(t, s.URL(), "select v from t"), "round %d", round)
	}

	pid := s.postmaster().pid
	require.NoError(t, s.Stop())
	require.False(t, running(pid), "postmaster gone after Stop")
}

// TestStopWhileDown: Stop during the restart backoff returns at once and
// releases the directory.
func TestStopWhileDown(t *testing.T) {
	t.Parallel()
	skipWithoutPostgres(t)
	dir := clusterDir(t)
	s := startT(t, Options{Dir: dir, Ephemeral: true})
	killPid(s.postmaster().pid, syscall.SIGKILL)
	require.NoError(t, s.StopContext(context.Background()))
	s2 := startT(t, Options{Dir: dir, Ephemeral: true})
	require.Equal(t, "1", psql(t, s2.URL(), "select 1"))
}
