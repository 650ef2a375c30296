package terraform

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
)

func TestCLIConfigFor(t *testing.T) {
	t.Parallel()
	coderOnly := `include = ["registry.terraform.io/coder/coder"]`
	t.Run("online", func(t *testing.T) {
		t.Parallel()
		cfg := string(cliConfigFor(Install{ProvidersDir: "/opt/coder/terraform-providers", PluginCacheDir: "/var/cache/coder/plugins"}))
		assert.Contains(t, cfg, `path    = "/opt/coder/terraform-providers"`)
		assert.Contains(t, cfg, coderOnly, "only coder/coder comes from the local mirror")
		assert.Contains(t, cfg, "direct {\n    exclude = [\"registry.terraform.io/coder/coder\"]")
		assert.Contains(t, cfg, `plugin_cache_dir = "/var/cache/coder/plugins"`)
		assert.Contains(t, cfg, "plugin_cache_may_break_dependency_lock_file = true")
		assert.NotContains(t, cfg, "network_mirror")
	})
	t.Run("network mirror", func(t *testing.T) {
		t.Parallel()
		cfg := string(cliConfigFor(Install{ProvidersDir: "/p", NetworkMirrorURL: "https://mirror.example/providers/", PluginCacheDir: "/c"}))
		assert.Contains(t, cfg, coderOnly)
		assert.Contains(t, cfg, "network_mirror {\n    url     = \"https://mirror.example/providers/\"\n    exclude = [\"registry.terraform.io/coder/coder\"]")
		assert.NotContains(t, cfg, "direct", "with a mirror nothing goes to the registries")
	})
	t.Run("offline", func(t *testing.T) {
		t.Parallel()
		cfg := string(cliConfigFor(Install{ProvidersDir: "/p", Offline: true, NetworkMirrorURL: "https://ignored/", PluginCacheDir: "/ignored"}))
		assert.Contains(t, cfg, "filesystem_mirror {\n    path = \"/p\"\n  }", "every provider comes from the mirror")
		assert.NotContains(t, cfg, "direct")
		assert.NotContains(t, cfg, "network_mirror")
		assert.NotContains(t, cfg, "plugin_cache")
	})
}

func TestWriteCLIConfigForPerOptions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	online, err := writeCLIConfigFor(dir, Install{ProvidersDir: "/p"})
	require.NoError(t, err)
	offline, err := writeCLIConfigFor(dir, Install{ProvidersDir: "/p", Offline: true})
	require.NoError(t, err)
	again, err := writeCLIConfigFor(dir, Install{ProvidersDir: "/p"})
	require.NoError(t, err)
	assert.NotEqual(t, online, offline, "servers with other options sharing a cache dir keep their own file")
	assert.Equal(t, online, again)
	b, err := os.ReadFile(offline)
	require.NoError(t, err)
	assert.Equal(t, cliConfigFor(Install{ProvidersDir: "/p", Offline: true}), b)
}

func TestValidateNetworkMirrorURL(t *testing.T) {
	t.Parallel()
	got, err := ValidateNetworkMirrorURL("https://mirror.example/tf")
	require.NoError(t, err)
	assert.Equal(t, "https://mirror.example/tf/", got, "Terraform resolves paths against it")
	for _, bad := range []string{"http://mirror.example/", "mirror.example", "", "https://"} {
		_, err := ValidateNetworkMirrorURL(bad)
		assert.Error(t, err, bad)
	}
	_, err = ValidateNetworkMirrorURL("http://mirror.example/")
	assert.ErrorContains(t, err, "https")
}

func TestWithoutCoderProvider(t *testing.T) {
	t.Parallel()
	src := `# This file is maintained automatically by "terraform init".
provider "registry.terraform.io/coder/coder" {
  version     = "2.4.1"
  constraints = "~> 2.0"
  hashes      = ["h1:AAAA="]
}

provider "registry.terraform.io/hashicorp/null" {
  version = "3.2.4"
  hashes  = ["zh:BBBB"]
}
`
	out, changed, err := withoutCoderProvider([]byte(src))
	require.NoError(t, err)
	assert.True(t, changed)
	assert.NotContains(t, string(out), "coder/coder")
	assert.Contains(t, string(out), `provider "registry.terraform.io/hashicorp/null"`)
	assert.Contains(t, string(out), `"zh:BBBB"`, "the other pins stay")

	_, changed, err = withoutCoderProvider(out)
	require.NoError(t, err)
	assert.False(t, changed)
	_, _, err = withoutCoderProvider([]byte("provider {"))
	assert.Error(t, err)
}

func TestFailingProviders(t *testing.T) {
	t.Parallel()
	diags := []string{
		"Failed to query available provider packages: Could not retrieve the list of available versions for provider hashicorp/null: could not connect to registry.terraform.io",
		"Failed to install provider: Error while installing kreuzwerker/docker v3.0.2: checksum mismatch",
		"Failed to query available provider packages: Could not retrieve the list of available versions for provider example.com:8443/acme/thing: ...",
		"Failed to query available provider packages: ... for provider hashicorp/null: again",
		"Incompatible provider version: Provider registry.terraform.io/hashicorp/aws v1.0.0 does not have a package available for your current platform",
		"Invalid expression (main.tf:3,1): for provider hashicorp/ignored",
	}
	assert.Equal(t, []string{"hashicorp/null", "kreuzwerker/docker", "example.com:8443/acme/thing", "hashicorp/aws"}, failingProviders(diags))
	assert.Empty(t, failingProviders([]string{"Unsupported argument (main.tf:1,1): nope"}))
}

func TestInitFailureHints(t *testing.T) {
	t.Parallel()
	res := cmdResult{diags: []string{"Failed to query available provider packages: Could not retrieve the list of available versions for provider hashicorp/null: nope"}}
	for _, tc := range []struct {
		install Install
		want    string
	}{
		{Install{ProvidersDir: "/p"}, "--terraform-network-mirror-url to a mirror"},
		{Install{ProvidersDir: "/p", NetworkMirrorURL: "https://m/"}, "network mirror https://m/"},
		{Install{ProvidersDir: "/p", Offline: true}, "--terraform-offline"},
	} {
		j := &job{install: tc.install}
		var f *provisioner.Failure
		require.ErrorAs(t, j.initFailure(res), &f)
		assert.True(t, strings.HasPrefix(f.Message, "Terraform could not install the provider hashicorp/null."), f.Message)
		assert.Contains(t, f.Message, tc.want)
	}

	coder := cmdResult{diags: []string{"Failed to query available provider packages: Could not retrieve the list of available versions for provider coder/coder: no available releases match the given constraints < 2.0"}}
	var f *provisioner.Failure
	require.ErrorAs(t, (&job{install: Install{ProvidersDir: "/p"}}).initFailure(coder), &f)
	assert.Contains(t, f.Message, "coder/coder "+ProviderVersion)
	assert.NotContains(t, f.Message, "registries", "only the coder provider failed")
}

func TestFindProvidersDir(t *testing.T) {
	t.Parallel()
	explicit := t.TempDir()
	_, err := FindProvidersDir(explicit, "")
	var f *provisioner.Failure
	require.ErrorAs(t, err, &f)
	assert.Contains(t, f.Message, providerBinaryIn(explicit), "the error names where it looked")
	assert.Contains(t, f.Message, "make build")

	seed := func(dir string) {
		bin := providerBinaryIn(dir)
		require.NoError(t, os.MkdirAll(filepath.Dir(bin), 0o755))
		require.NoError(t, os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755))
	}
	seed(explicit)
	got, err := FindProvidersDir(explicit, "")
	require.NoError(t, err)
	assert.Equal(t, explicit, got)

	// Without an explicit directory the cache dir's mirror is the last
	// resort (the test binary has no providers beside it).
	cacheDir := t.TempDir()
	_, err = FindProvidersDir("", cacheDir)
	require.Error(t, err)
	seed(filepath.Join(cacheDir, "terraform-mirror", "providers"))
	got, err = FindProvidersDir("", cacheDir)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(cacheDir, "terraform-mirror", "providers"), got)
}

func TestLockPluginCache(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "plugins")
	unlock, err := lockPluginCache(context.Background(), dir)
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err = lockPluginCache(ctx, dir)
	require.ErrorIs(t, err, context.DeadlineExceeded, "a second init waits while the cache is held")

	got := make(chan error, 1)
	go func() {
		u, err := lockPluginCache(context.Background(), dir)
		if err == nil {
			u()
		}
		got <- err
	}()
	unlock()
	require.NoError(t, <-got, "and gets it once it is free")

	noop, err := lockPluginCache(context.Background(), "")
	require.NoError(t, err)
	noop()
}
