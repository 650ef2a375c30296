package terraform

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/xerrors"
)

func mirrorContext(t *testing.T) context.Context {
	t.Helper()
	// A first build compiles the provider: minutes on a slow machine.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// sharedMirror is the mirror in the default cache directory, built once
// and reused by every run.
func sharedMirror(t *testing.T) Mirror {
	t.Helper()
	dir, err := DefaultCacheDir()
	require.NoError(t, err)
	m, err := EnsureProviderMirror(mirrorContext(t), dir, func(msg string) { t.Log(msg) })
	require.NoError(t, err)
	return m
}

// noGo makes any attempt to build fail loudly.
func noGo(t *testing.T) {
	t.Helper()
	saved := findGo
	findGo = func() (string, error) { return "", xerrors.New("the go toolchain is not installed (test)") }
	t.Cleanup(func() { findGo = saved })
}

// seedMirror puts the shared provider binary where a mirror in cacheDir
// expects it, as if it had been built there.
func seedMirror(t *testing.T, shared Mirror, cacheDir string) {
	t.Helper()
	rel, err := filepath.Rel(filepath.Dir(filepath.Dir(shared.Dir)), shared.ProviderBinary)
	require.NoError(t, err)
	dest := filepath.Join(cacheDir, rel)
	require.NoError(t, os.MkdirAll(filepath.Dir(dest), 0o755))
	require.NoError(t, os.Symlink(shared.ProviderBinary, dest))
}

func TestEnsureProviderMirror(t *testing.T) {
	m := sharedMirror(t)
	st, err := os.Stat(m.ProviderBinary)
	require.NoError(t, err)
	assert.True(t, st.Mode().IsRegular())
	assert.NotZero(t, st.Mode().Perm()&0o100, "the provider is executable")
	assert.Equal(t, ProviderVersion, m.ProviderVersion)
	assert.Contains(t, filepath.ToSlash(m.ProviderBinary),
		"/registry.terraform.io/coder/coder/"+ProviderVersion+"/")
	assert.True(t, strings.HasSuffix(m.ProviderBinary, "terraform-provider-coder_v"+ProviderVersion))

	cfg, err := os.ReadFile(m.CLIConfigFile)
	require.NoError(t, err)
	assert.Contains(t, string(cfg), "filesystem_mirror")
	assert.Contains(t, string(cfg), filepath.ToSlash(m.Dir))
	assert.Contains(t, string(cfg), `"registry.terraform.io/coder/coder"`)
	assert.NotContains(t, string(cfg), "direct", "nothing may be fetched from the network")

	// With the binary in place nothing is built again.
	noGo(t)
	again, err := EnsureProviderMirror(mirrorContext(t), filepath.Dir(filepath.Dir(m.Dir)), nil)
	require.NoError(t, err)
	assert.Equal(t, m, again)
}

func TestEnsureProviderMirrorExistingBinary(t *testing.T) {
	shared := sharedMirror(t)
	noGo(t)
	cacheDir := t.TempDir()
	seedMirror(t, shared, cacheDir)

	// Concurrent callers agree and none of them builds.
	var wg sync.WaitGroup
	results := make([]Mirror, 4)
	errs := make([]error, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = EnsureProviderMirror(mirrorContext(t), cacheDir, nil)
		}()
	}
	wg.Wait()
	for i := range results {
		require.NoError(t, errs[i])
		assert.Equal(t, results[0], results[i])
	}
	cfg, err := os.ReadFile(results[0].CLIConfigFile)
	require.NoError(t, err)
	assert.Contains(t, string(cfg), filepath.ToSlash(results[0].Dir))

	// A config file that went missing or stale is rewritten.
	require.NoError(t, os.WriteFile(results[0].CLIConfigFile, []byte("stale"), 0o644))
	m, err := EnsureProviderMirror(mirrorContext(t), cacheDir, nil)
	require.NoError(t, err)
	cfg, err = os.ReadFile(m.CLIConfigFile)
	require.NoError(t, err)
	assert.Contains(t, string(cfg), "filesystem_mirror")
}

func TestEnsureProviderMirrorWithoutGo(t *testing.T) {
	noGo(t)
	_, err := EnsureProviderMirror(mirrorContext(t), t.TempDir(), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "go toolchain")
}

func TestEnsureProviderMirrorProxyUnavailable(t *testing.T) {
	// An empty module cache and no proxy: the build must fail fast and
	// say why.
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOMODCACHE", t.TempDir())
	t.Setenv("GOFLAGS", "")
	var logs []string
	_, err := EnsureProviderMirror(mirrorContext(t), t.TempDir(), func(msg string) { logs = append(logs, msg) })
	require.Error(t, err)
	t.Log(err)
	assert.Contains(t, err.Error(), "module proxy")
	assert.Contains(t, err.Error(), "GOPROXY=off")
	assert.NotEmpty(t, logs, "a build is announced")
}

func TestEnsureProviderMirrorCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := EnsureProviderMirror(ctx, t.TempDir(), nil)
	require.ErrorIs(t, err, context.Canceled)
}

func TestDefaultCacheDir(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(CacheDirEnv, dir)
	got, err := DefaultCacheDir()
	require.NoError(t, err)
	assert.Equal(t, dir, got)

	t.Setenv(CacheDirEnv, "")
	got, err = DefaultCacheDir()
	require.NoError(t, err)
	assert.Equal(t, "devplane", filepath.Base(got))
}

func TestAddProviderFromModule(t *testing.T) {
	sharedMirror(t) // the module is in the module cache; the build is a relink
	dir := t.TempDir()
	path, err := AddProviderFromSource(mirrorContext(t), dir, AddProvider{
		Source:  providerModule + "@v" + ProviderVersion,
		Address: "coder/coder",
	})
	require.NoError(t, err)
	assert.Equal(t, providerBinaryIn(dir), path, "filed in the filesystem mirror layout, version from the module")
	found, err := FindProvidersDir(dir, "")
	require.NoError(t, err)
	assert.Equal(t, dir, found, "a server can use the directory")
}

func TestAddProviderFromSourceInvalid(t *testing.T) {
	t.Parallel()
	ctx := mirrorContext(t)
	_, err := AddProviderFromSource(ctx, t.TempDir(), AddProvider{Source: "./somewhere", Address: "hashicorp/null"})
	assert.ErrorContains(t, err, "give the provider version")
	_, err = AddProviderFromSource(ctx, t.TempDir(), AddProvider{Source: "example.com/x@v1.0.0", Address: "null"})
	assert.ErrorContains(t, err, "HOST/NAMESPACE/TYPE")
	_, err = AddProviderFromSource(ctx, t.TempDir(), AddProvider{Source: "example.com/x@latest", Address: "hashicorp/null"})
	assert.ErrorContains(t, err, "not a version")
}

func TestParseProviderAddress(t *testing.T) {
	t.Parallel()
	a, err := ParseProviderAddress("hashicorp/null")
	require.NoError(t, err)
	assert.Equal(t, "registry.terraform.io/hashicorp/null", a.String())
	a, err = ParseProviderAddress("example.com:8443/Acme/thing")
	require.NoError(t, err)
	assert.Equal(t, ProviderAddress{Host: "example.com:8443", Namespace: "acme", Type: "thing"}, a)
	for _, bad := range []string{"", "null", "a/b/c/d", "/x/y", "h/../y", "../x/y", "a..b/x/y"} {
		_, err := ParseProviderAddress(bad)
		assert.Error(t, err, bad)
	}
}
