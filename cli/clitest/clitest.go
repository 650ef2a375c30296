// Package clitest runs `coder` client commands in tests: in-process through
// cli.Root (fast, with the race detector watching the commands) or as the
// built binary (what a user runs), against a coderdtest server. Each run
// gets its own global config directory, so tests never touch ~/.config.
package clitest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/serpent"

	"github.com/devplane/devplane/cli"
	"github.com/devplane/devplane/cli/config"
	"github.com/devplane/devplane/codersdk"
)

// Result is what one command printed and how it ended.
type Result struct {
	Stdout string
	Stderr string
	Err    error
}

// Env is one user's shell: a config directory and environment variables.
type Env struct {
	t         testing.TB
	ConfigDir string
	Vars      map[string]string
}

// NewEnv returns an environment with an empty config directory and
// NO_COLOR set (tests compare plain text).
func NewEnv(t testing.TB) *Env {
	t.Helper()
	return &Env{t: t, ConfigDir: t.TempDir(), Vars: map[string]string{"NO_COLOR": "1"}}
}

// Config is the environment's global config directory.
func (e *Env) Config() config.Root { return config.Root(e.ConfigDir) }

// LoginAs stores client's URL and token as `coder login` would, so that
// commands run as that user without going through login.
func (e *Env) LoginAs(client *codersdk.Client) {
	e.t.Helper()
	if err := e.Config().URL().Write(client.URL.String()); err != nil {
		e.t.Fatal(err)
	}
	if err := e.Config().Session().Write(client.SessionToken()); err != nil {
		e.t.Fatal(err)
	}
}

func (e *Env) environ() serpent.Environ {
	var env serpent.Environ
	for k, v := range e.Vars {
		env.Set(k, v)
	}
	return env
}

// Invocation prepares `coder --global-config <dir> args...` in-process, for
// tests that wire stdin/stdout themselves (a pseudo-terminal, say).
func (e *Env) Invocation(args ...string) *serpent.Invocation {
	inv := cli.Root().Invoke(append([]string{"--global-config", e.ConfigDir}, args...)...)
	inv.Environ = e.environ()
	return inv
}

// Run runs the command in-process with stdin as input and waits for it.
func (e *Env) Run(ctx context.Context, stdin string, args ...string) Result {
	e.t.Helper()
	var stdout, stderr bytes.Buffer
	inv := e.Invocation(args...)
	inv.Stdin = strings.NewReader(stdin)
	inv.Stdout = &stdout
	inv.Stderr = &stderr
	err := inv.WithContext(ctx).Run()
	return Result{Stdout: stdout.String(), Stderr: stderr.String(), Err: err}
}

// Must is Run that fails the test when the command fails.
func (e *Env) Must(ctx context.Context, args ...string) Result {
	e.t.Helper()
	res := e.Run(ctx, "", args...)
	if res.Err != nil {
		e.t.Fatalf("coder %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), res.Err, res.Stdout, res.Stderr)
	}
	return res
}

// Exec runs the built binary (see Binary) in dir, the way a user's shell
// does, and returns its output and exit code.
func (e *Env) Exec(ctx context.Context, bin, dir, stdin string, args ...string) (Result, int) {
	e.t.Helper()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--global-config", e.ConfigDir}, args...)...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	// A minimal environment: HOME points nowhere useful, so a command that
	// ignored --global-config would fail loudly instead of using ~/.config.
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + e.t.TempDir()}
	for k, v := range e.Vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	err := cmd.Run()
	code := 0
	if err != nil {
		exitErr, ok := err.(*exec.ExitError)
		if !ok {
			e.t.Fatalf("run %s: %v", bin, err)
		}
		code = exitErr.ExitCode()
	}
	return Result{Stdout: stdout.String(), Stderr: stderr.String(), Err: err}, code
}

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
	buildOut  []byte
)

// Binary builds ./cmd/coder once per test process and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			buildErr = err
			return
		}
		// One path per checkout, overwritten by each run: test binaries
		// exit through os.Exit, so a per-run directory would never be
		// removed.
		sum := sha256.Sum256([]byte(root))
		dir := filepath.Join(os.TempDir(), "coder-clitest-"+hex.EncodeToString(sum[:6]))
		if err := os.MkdirAll(dir, 0o700); err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(dir, "coder")
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "go", "build", "-o", buildPath, "./cmd/coder")
		cmd.Dir = root
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("build coder: %v\n%s", buildErr, buildOut)
	}
	return buildPath
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	return filepath.Dir(strings.TrimSpace(string(out))), nil
}
