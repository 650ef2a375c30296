//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package cliui

import (
	"os"

	"golang.org/x/term"
)

func readSecret(f *os.File) (string, error) {
	b, err := term.ReadPassword(int(f.Fd()))
	return string(b), err
}
