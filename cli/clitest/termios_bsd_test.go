//go:build darwin || freebsd || netbsd || openbsd

package clitest_test

import "golang.org/x/sys/unix"

const ioctlGetTermios = unix.TIOCGETA
