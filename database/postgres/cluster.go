package postgres

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"cdr.dev/slog"
	"golang.org/x/xerrors"
)

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
