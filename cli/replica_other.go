//go:build !unix

package cli

import "os"

// tryLock cannot lock here: one process per config directory.
func tryLock(*os.File) (bool, error) { return true, nil }
