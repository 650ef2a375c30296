// Package agentbin builds the `coder` binary for tests that run the real
// agent process (the bootstrap script downloads it from the test server).
package agentbin

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	once     sync.Once
	built    string
	buildErr error
)

// Path returns a `coder` binary built from this checkout. It is built once
// per source state into the user cache directory (keyed by a hash of the
// module's Go sources), so repeated runs reuse it.
func Path(t testing.TB) string {
	t.Helper()
	once.Do(func() { built, buildErr = build() })
	if buildErr != nil {
		t.Fatalf("build the coder binary: %v", buildErr)
	}
	return built
}

func build() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	sum, err := sourceHash(root)
	if err != nil {
		return "", err
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	dir := filepath.Join(cache, "devplane-test", "agent-"+sum[:16])
	bin := filepath.Join(dir, "coder")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	// Build to a temporary name and rename, so a concurrent test binary
	// never runs a half-written file.
	tmp := filepath.Join(dir, "coder.tmp"+strings.TrimPrefix(filepath.Base(os.Args[0]), "."))
	cmd := exec.Command("go", "build", "-o", tmp, "./cmd/coder")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", &buildError{err: err, out: string(b)}
	}
	if err := os.Rename(tmp, bin); err != nil {
		return "", err
	}
	return bin, nil
}

type buildError struct {
	err error
	out string
}

func (e *buildError) Error() string { return e.err.Error() + ": " + e.out }

// sourceHash hashes the module's Go files, go.mod and go.sum (not the
// dashboard's node_modules or build output).
func sourceHash(root string) (string, error) {
	h := sha256.New()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", ".git", "site":
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if !strings.HasSuffix(name, ".go") && name != "go.mod" && name != "go.sum" && !strings.HasSuffix(name, ".sql") {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		_, _ = io.WriteString(h, strings.TrimPrefix(path, root)+"\x00")
		_, err = io.Copy(h, f)
		return err
	})
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
