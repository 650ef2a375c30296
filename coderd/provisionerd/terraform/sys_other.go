//go:build !unix

package terraform

import (
	"context"
	"os"
	"syscall"
)

// lockFile is a no-op where flock is unavailable: concurrent builds of the
// mirror then race, which is wasteful but safe because each renames a
// complete binary into place.
func lockFile(context.Context, string) (func(), error) {
	return func() {}, nil
}

func startInOwnGroup(attr *syscall.SysProcAttr) *syscall.SysProcAttr { return attr }

// interruptProcess kills outright: os.Interrupt cannot be sent to another
// process on Windows.
func interruptProcess(p *os.Process) error { return p.Kill() }

func killGroup(p *os.Process) error { return p.Kill() }
