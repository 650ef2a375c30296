//go:build unix

package agent

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts the command in its own process group and makes
// canceling it kill the whole group, so a script's children end with it.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
