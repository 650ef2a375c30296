package cli_test

import (
	"bufio"
	"context"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/cli"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtestutil"
	"github.com/devplane/devplane/database/postgres"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }

// runningServer is a `coder server` started in-process by a test.
type runningServer struct {
	client *codersdk.Client
	cancel context.CancelFunc
	wait   func() error
}

// stop sends the equivalent of SIGINT and waits for a clean exit.
func (s *runningServer) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	require.NoError(t, s.wait())
}

// startServer runs `coder server args...` and waits until it serves, or
// returns the error it exited with before that.
func startServer(t *testing.T, args ...string) (*runningServer, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	inv := cli.Root().Invoke(append([]string{"server", "--http-address", "127.0.0.1:0"}, args...)...)
	inv.Stdout = stdoutW
	inv.Stderr = io.Discard
	inv.Stdin = strings.NewReader("")
	inv.Environ = nil
	inv = inv.WithContext(ctx)

	done := make(chan error, 1)
	go func() {
		err := inv.Run()
		_ = stdoutW.CloseWithError(io.EOF)
		done <- err
	}()

	started := watchStartedLine(stdoutR)

	select {
	case addr, ok := <-started:
		if !ok {
			cancel()
			return nil, <-done
		}
		u, err := url.Parse(addr)
		require.NoError(t, err)
		wait := sync.OnceValue(func() error { return <-done })
		s := &runningServer{client: codersdk.New(u), cancel: cancel, wait: wait}
		t.Cleanup(func() {
			cancel()
			_ = wait()
		})
		go func() { _, _ = io.Copy(io.Discard, stdoutR) }()
		return s, nil
	case err := <-done:
		cancel()
		return nil, err
	}
}

// watchStartedLine reads a server's stdout and sends the address of its
// "started" line, or closes the channel when the output ends without one.
// It keeps reading (and discarding) to the end, so the server never blocks
// writing.
func watchStartedLine(stdout io.Reader) <-chan string {
	started := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), cli.StartedLinePrefix); ok {
				started <- addr
			}
		}
		close(started)
	}()
	return started
}

// configDir returns a directory the built-in database's OS user can enter.
func configDir(t *testing.T) string {
	t.Helper()
	// t.TempDir nests two 0700 directories; one MkdirTemp level is enough.
	dir, err := os.MkdirTemp("", "devplane-cli-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	require.NoError(t, os.Chmod(dir, 0o755))
	return filepath.Join(dir, "config")
}

func TestServerBuiltinPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := configDir(t)

	first, err := startServer(t, "--config-dir", dir, "--cache-dir", filepath.Join(dir, "cache"))
	require.NoError(t, err)
	info, err := first.client.BuildInfo(ctx)
	require.NoError(t, err)
	require.NotEmpty(t, info.DeploymentID)

	t.Run("SecondServerOnSameDirFails", func(t *testing.T) {
		_, err := startServer(t, "--config-dir", dir, "--cache-dir", filepath.Join(dir, "cache"))
		require.Error(t, err)
		assert.ErrorIs(t, err, postgres.ErrLocked)
		// The first server is untouched.
		again, err := first.client.BuildInfo(ctx)
		require.NoError(t, err)
		assert.Equal(t, info.DeploymentID, again.DeploymentID)
	})

	first.stop(t)

	// A restart reuses the cluster: same data, so the same deployment id.
	second, err := startServer(t, "--config-dir", dir, "--cache-dir", filepath.Join(dir, "cache"))
	require.NoError(t, err)
	restarted, err := second.client.BuildInfo(ctx)
	require.NoError(t, err)
	assert.Equal(t, info.DeploymentID, restarted.DeploymentID)
	second.stop(t)
}

func TestServerExternalPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := configDir(t)
	pgURL := dbtestutil.OpenEmpty(t)

	first, err := startServer(t, "--config-dir", dir, "--postgres-url", pgURL)
	require.NoError(t, err)
	info, err := first.client.BuildInfo(ctx)
	require.NoError(t, err)
	first.stop(t)

	second, err := startServer(t, "--config-dir", dir, "--postgres-url", pgURL)
	require.NoError(t, err)
	again, err := second.client.BuildInfo(ctx)
	require.NoError(t, err)
	assert.Equal(t, info.DeploymentID, again.DeploymentID)
	second.stop(t)

	_, err = os.Stat(filepath.Join(dir, "postgres"))
	assert.True(t, os.IsNotExist(err), "no built-in cluster is created when a URL is given")
}

func TestServerBadPostgresURL(t *testing.T) {
	t.Parallel()
	_, err := startServer(t, "--config-dir", configDir(t), "--postgres-url", "postgres://nobody:x@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "connect to postgres")
}

func TestServerWriteConfig(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	inv := cli.Root().Invoke("server", "--write-config", "--http-address", "0.0.0.0:8080")
	inv.Stdout = &out
	inv.Stderr = io.Discard
	inv.Environ = nil
	require.NoError(t, inv.Run())
	assert.Contains(t, out.String(), "httpAddress: 0.0.0.0:8080")
	assert.Contains(t, out.String(), "networking:")
}
