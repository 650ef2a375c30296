package postgres

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"cdr.dev/slog"
	"golang.org/x/xerrors"
)

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
