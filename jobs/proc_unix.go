//go:build unix

package jobs

import (
	"os/exec"
	"syscall"
)

// ownGroup runs cmd in a process group of its own, and has cancelling it kill the whole
// group: the programs sh started die with it instead of running on after a timeout.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
