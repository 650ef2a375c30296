// Package config is the CLI's state on disk: one small file per value in the
// global config directory (~/.config/coderv2 by default), laid out as Coder's
// CLI lays it out so that either binary can read the other's session.
package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/xerrors"
)

// Root is the global config directory.
type Root string

// Session holds the session token of the signed-in user.
func (r Root) Session() File { return File(filepath.Join(string(r), "session")) }

// URL holds the URL of the deployment the session belongs to.
func (r Root) URL() File { return File(filepath.Join(string(r), "url")) }

// Organization holds the organization picked as the default, if any.
func (r Root) Organization() File { return File(filepath.Join(string(r), "organization")) }

// File is one value; its content is the value without a trailing newline.
type File string

// Read returns the value. A missing file is fs.ErrNotExist.
func (f File) Read() (string, error) {
	b, err := os.ReadFile(string(f))
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// Write stores the value readable by the owner only: it is a credential.
// The directory is created with 0700 for the same reason.
func (f File) Write(value string) error {
	dir := filepath.Dir(string(f))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return xerrors.Errorf("create config directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(string(f))+".*")
	if err != nil {
		return xerrors.Errorf("create %s: %w", f, err)
	}
	// Written to a temporary file and renamed, so that a reader never sees a
	// half-written token and the mode is right from the first byte.
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return xerrors.Errorf("chmod %s: %w", f, err)
	}
	if _, err := tmp.WriteString(value); err != nil {
		_ = tmp.Close()
		return xerrors.Errorf("write %s: %w", f, err)
	}
	if err := tmp.Close(); err != nil {
		return xerrors.Errorf("write %s: %w", f, err)
	}
	if err := os.Rename(tmp.Name(), string(f)); err != nil {
		return xerrors.Errorf("write %s: %w", f, err)
	}
	return nil
}

// Delete removes the value; a value that is already gone is not an error.
func (f File) Delete() error {
	err := os.Remove(string(f))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Exists reports whether the value is stored.
func (f File) Exists() bool {
	_, err := os.Stat(string(f))
	return err == nil
}

// DefaultDir is where Coder's CLI keeps its state: the user's config
// directory (XDG_CONFIG_HOME or ~/.config on Linux) plus "coderv2".
func DefaultDir() string {
	base, err := os.UserConfigDir()
	if err != nil {
		return ".coderv2"
	}
	return filepath.Join(base, "coderv2")
}
