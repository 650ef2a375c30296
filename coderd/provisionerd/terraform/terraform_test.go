package terraform_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"cdr.dev/slog/sloggers/slogtest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/coderd/provisionerd/terraform"
)

// These tests run the real terraform against the real provider mirror.
// The mirror is built once per cache directory (DEVPLANE_CACHE_DIR or the
// user cache directory), so only the first run ever pays for the build.

var (
	mirrorOnce sync.Once
	mirrorErr  error
	cacheDir   string
)

func newProvisioner(t *testing.T, opts terraform.Options) *terraform.Provisioner {
	t.Helper()
	mirrorOnce.Do(func() {
		cacheDir, mirrorErr = terraform.DefaultCacheDir()
		if mirrorErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
		defer cancel()
		_, mirrorErr = terraform.EnsureProviderMirror(ctx, cacheDir, func(msg string) { fmt.Fprintln(os.Stderr, msg) })
	})
	require.NoError(t, mirrorErr, "prepare the provider mirror")
	opts.CacheDir = cacheDir
	opts.Logger = slogtest.Make(t, &slogtest.Options{IgnoreErrors: true})
	return terraform.New(opts)
}

func testContext(t *testing.T) context.Context {
	t.Helper()
	// Generous: only there so a hung terraform fails the test instead of
	// the whole run.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// templateDir writes files into a fresh directory, as the daemon does with
// a template archive.
func templateDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o600))
	}
	return dir
}

// copyDir copies a template from the repository so terraform's files do
// not land in the source tree.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o600)
	})
	require.NoError(t, err)
	return dst
}

type logSink struct {
	mu   sync.Mutex
	logs []provisioner.Log
}

func (s *logSink) log(l provisioner.Log) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logs = append(s.logs, l)
}

func (s *logSink) contains(substr string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.logs {
		if strings.Contains(l.Output, substr) {
			return true
		}
	}
	return false
}

func (s *logSink) stages() map[string]bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]bool{}
	for _, l := range s.logs {
		out[l.Stage] = true
	}
	return out
}

func requireFailure(t *testing.T, err error) *provisioner.Failure {
	t.Helper()
	require.Error(t, err)
	f, ok := provisioner.AsFailure(err)
	require.True(t, ok, "want a *provisioner.Failure, got %T: %v", err, err)
	return f
}

func timingStages(timings []provisioner.Timing) map[string]bool {
	out := map[string]bool{}
	for _, tm := range timings {
		out[tm.Stage] = true
	}
	return out
}

func findResource(resources []provisioner.Resource, typ, name string) *provisioner.Resource {
	for i := range resources {
		if resources[i].Type == typ && resources[i].Name == name {
			return &resources[i]
		}
	}
	return nil
}

func findParameter(params []provisioner.RichParameter, name string) *provisioner.RichParameter {
	for i := range params {
		if params[i].Name == name {
			return &params[i]
		}
	}
	return nil
}

func metadataValue(r *provisioner.Resource, key string) (string, bool) {
	for _, m := range r.Metadata {
		if m.Key == key {
			return m.Value, true
		}
	}
	return "", false
}

var meta = provisioner.Metadata{
	CoderURL:            "https://coder.example.com",
	WorkspaceName:       "dev-box",
	WorkspaceOwner:      "alice",
	WorkspaceOwnerEmail: "alice@example.com",
	WorkspaceOwnerName:  "Alice Liddell",
	WorkspaceID:         uuid.MustParse("11111111-1111-1111-1111-111111111111"),
	WorkspaceOwnerID:    uuid.MustParse("22222222-2222-2222-2222-222222222222"),
	WorkspaceBuildID:    uuid.MustParse("33333333-3333-3333-3333-333333333333"),
	TemplateID:          uuid.MustParse("44444444-4444-4444-4444-444444444444"),
	TemplateName:        "realistic",
	TemplateVersion:     "v1",
	WorkspaceOwnerGroups: []string{
		"everyone", "devs",
	},
}

func withTransition(m provisioner.Metadata, t provisioner.Transition) provisioner.Metadata {
	m.WorkspaceTransition = t
	return m
}

func TestMissingTerraform(t *testing.T) {
	t.Parallel()
	p := terraform.New(terraform.Options{TerraformPath: filepath.Join(t.TempDir(), "no-terraform")})
	_, err := p.Import(testContext(t), provisioner.ImportRequest{Dir: t.TempDir()}, provisioner.Discard)
	f := requireFailure(t, err)
	assert.Contains(t, f.Message, "--terraform-path")
	_, err = p.Build(testContext(t), provisioner.BuildRequest{Dir: t.TempDir()}, provisioner.Discard)
	requireFailure(t, err)
}
