package examples_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd/archive"
	"github.com/devplane/devplane/examples"
)

func TestList(t *testing.T) {
	t.Parallel()
	list, err := examples.List()
	require.NoError(t, err)
	require.NotEmpty(t, list)
	for _, e := range list {
		assert.NotEmpty(t, e.Name, e.ID)
		assert.NotEmpty(t, e.Description, e.ID)
		assert.NotEmpty(t, e.Markdown, e.ID)
		assert.NotContains(t, e.Markdown, "display_name:", "%s: front matter stays out of the Markdown", e.ID)
	}
}

// TestArchive: every example archives to a valid tar holding its files,
// README.md included.
func TestArchive(t *testing.T) {
	t.Parallel()
	list, err := examples.List()
	require.NoError(t, err)
	for _, e := range list {
		data, err := examples.Archive(e.ID)
		require.NoError(t, err)
		dir := t.TempDir()
		require.NoError(t, archive.Extract(data, "application/x-tar", dir, archive.DefaultLimits()))
		_, err = os.Stat(filepath.Join(dir, "README.md"))
		assert.NoError(t, err, e.ID)
	}
	_, err = examples.Archive("no-such-example")
	assert.ErrorIs(t, err, examples.ErrNotFound)
}

// TestAgentStarters: the starters that run an agent are listed; only
// local is limited to the coder provider, so it runs on a machine without
// registry access.
func TestAgentStarters(t *testing.T) {
	t.Parallel()
	list, err := examples.List()
	require.NoError(t, err)
	byID := map[string]bool{}
	for _, e := range list {
		byID[e.ID] = true
	}
	for _, id := range []string{"local", "docker", "kubernetes"} {
		assert.True(t, byID[id], id)
	}
	dir := t.TempDir()
	data, err := examples.Archive("local")
	require.NoError(t, err)
	require.NoError(t, archive.Extract(data, "application/x-tar", dir, archive.DefaultLimits()))
	tf, err := os.ReadFile(filepath.Join(dir, "main.tf"))
	require.NoError(t, err)
	assert.Contains(t, string(tf), "coder_agent.main.init_script")
	assert.Contains(t, string(tf), "when    = destroy")
	assert.NotContains(t, string(tf), "kreuzwerker")
}
