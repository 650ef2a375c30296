//go:build unix

package terraform

import (
	"context"
	"os"
	"syscall"
	"time"

	"golang.org/x/xerrors"
)

// lockFile takes an exclusive flock on path, waiting until it is free or
// ctx is done. The lock dies with the process, so a crashed build never
// leaves it stuck.
func lockFile(ctx context.Context, path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, xerrors.Errorf("open lock file: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				_ = f.Close()
			}, nil
		}
		if err != syscall.EWOULDBLOCK && err != syscall.EINTR {
			_ = f.Close()
			return nil, xerrors.Errorf("lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			_ = f.Close()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// startInOwnGroup puts the command in its own process group so that
// killGroup reaches the provider plugins and provisioner commands
// Terraform started, not just Terraform.
func startInOwnGroup(attr *syscall.SysProcAttr) *syscall.SysProcAttr {
	if attr == nil {
		attr = &syscall.SysProcAttr{}
	}
	attr.Setpgid = true
	return attr
}

func interruptProcess(p *os.Process) error {
	return p.Signal(os.Interrupt)
}

func killGroup(p *os.Process) error {
	err := syscall.Kill(-p.Pid, syscall.SIGKILL)
	if err != nil {
		return p.Kill()
	}
	return nil
}
