package cli_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/cli"
)

func runAgentCmd(ctx context.Context, environ []string, args ...string) error {
	inv := cli.Root().Invoke(append([]string{"agent"}, args...)...)
	inv.Stdout, inv.Stderr = io.Discard, io.Discard
	inv.Stdin = strings.NewReader("")
	inv.Environ = nil
	for _, kv := range environ {
		k, v, _ := strings.Cut(kv, "=")
		inv.Environ.Set(k, v)
	}
	return inv.WithContext(ctx).Run()
}

func TestAgentCommandRefusesMissingSettings(t *testing.T) {
	t.Parallel()
	err := runAgentCmd(t.Context(), nil, "--agent-url", "http://127.0.0.1:1")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "CODER_AGENT_TOKEN")

	err = runAgentCmd(t.Context(), []string{"CODER_AGENT_TOKEN=x"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "CODER_AGENT_URL")

	err = runAgentCmd(t.Context(), []string{"CODER_AGENT_TOKEN=x", "CODER_AGENT_URL=ftp://host"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not an http(s) URL")
}

// With the token in a file and no server to reach, the agent keeps trying
// until stopped, then exits cleanly; it logs in --log-dir.
func TestAgentCommandRunsUntilStopped(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	require.NoError(t, os.WriteFile(tokenFile, []byte("secret\n"), 0o600))
	ctx, cancel := context.WithTimeout(t.Context(), time.Second)
	defer cancel()
	err := runAgentCmd(ctx, []string{"CODER_AGENT_URL=http://127.0.0.1:1"}, "--agent-token-file", tokenFile, "--log-dir", dir)
	require.NoError(t, err)
	log, err := os.ReadFile(filepath.Join(dir, "coder-agent.log"))
	require.NoError(t, err)
	assert.Contains(t, string(log), "starting agent")
	assert.Contains(t, string(log), "shutting down")
	assert.NotContains(t, string(log), "secret")
}
