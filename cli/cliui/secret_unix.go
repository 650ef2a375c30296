//go:build linux || darwin || freebsd || netbsd || openbsd

package cliui

import (
	"os"
	"os/signal"

	"golang.org/x/sys/unix"
	"golang.org/x/xerrors"
)

// readSecret reads one line from a terminal with echo off. It is not
// x/term's ReadPassword because that one spins forever on end-of-file
// (Ctrl-D), and leaves echo off when Ctrl-C kills the process.
func readSecret(f *os.File) (string, error) {
	fd := int(f.Fd())
	saved, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return "", xerrors.Errorf("read terminal settings: %w", err)
	}
	quiet := *saved
	quiet.Lflag &^= unix.ECHO
	quiet.Lflag |= unix.ICANON | unix.ISIG
	quiet.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &quiet); err != nil {
		return "", xerrors.Errorf("turn off echo: %w", err)
	}
	restore := func() { _ = unix.IoctlSetTermios(fd, ioctlSetTermios, saved) }
	defer restore()

	interrupt := make(chan os.Signal, 1)
	signal.Notify(interrupt, os.Interrupt)
	defer signal.Stop(interrupt)
	type result struct {
		line string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		line, err := readLine(f)
		done <- result{line, err}
	}()
	select {
	case r := <-done:
		return r.line, r.err
	case <-interrupt:
		// The read stays blocked; the command is ending anyway.
		return "", xerrors.Errorf("%w: interrupted", ErrCanceled)
	}
}
