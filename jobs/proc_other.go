//go:build !unix

package jobs

import "os/exec"

// ownGroup does nothing where there are no process groups: cancelling kills sh alone.
func ownGroup(*exec.Cmd) {}
