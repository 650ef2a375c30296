//go:build !linux

package postgres

import (
	"errors"
	"os"
	"syscall"
)

// The built-in postgres relies on Linux (flock, Pdeathsig, /proc); elsewhere
// Start fails with a pointer to --postgres-url.
const platformSupported = false

var (
	errUnsupported = errors.New("not supported on this platform")
	errWouldBlock  = errUnsupported
)

type identity struct {
	switchUser bool
	name, home string
	uid, gid   uint32
}

func resolveIdentity(string) (*identity, error)                  { return nil, errUnsupported }
func prepareDir(string, *identity) error                         { return errUnsupported }
func flockExclusive(*os.File) error                              { return errUnsupported }
func postgresProcsIn(string) []int                               { return nil }
func killPid(int, syscall.Signal)                                {}
func sysProcAttr(*identity, syscall.Signal) *syscall.SysProcAttr { return &syscall.SysProcAttr{} }
