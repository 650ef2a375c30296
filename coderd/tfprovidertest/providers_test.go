package tfprovidertest_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/coderd/provisionerd/terraform"
	"github.com/devplane/devplane/codersdk"
)

// The provider the tests serve: a stand-in for hashicorp/null built from
// testdata (hashicorp/null itself cannot be built from the Go module
// proxy), filed under hashicorp/null's address so the template reads as
// any template using it would.
const (
	nullAddress = "registry.terraform.io/hashicorp/null"
	nullVersion = "3.2.4"
)

// nullTemplate needs the coder provider (from the server's own mirror)
// and hashicorp/null (from wherever the server installs providers).
const nullTemplate = `
terraform {
  required_providers {
    coder = { source = "coder/coder" }
    null  = { source = "hashicorp/null", version = "~> 3.2" }
  }
}

data "coder_workspace" "me" {}

resource "null_resource" "marker" {
  triggers = {
    workspace = data.coder_workspace.me.name
  }
}
`

func buildContext(t *testing.T) context.Context {
	t.Helper()
	// Generous: the first run builds two providers from source.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

var (
	providersOnce sync.Once
	providersErr  error
	coderMirror   terraform.Mirror
	nullBinary    string
)

// providers prepares the coder provider mirror and the null provider,
// both cached under the default cache directory (DEVPLANE_CACHE_DIR) so
// that only the first run on a machine pays for the builds.
func providers(t *testing.T) (terraform.Mirror, string) {
	t.Helper()
	providersOnce.Do(func() {
		ctx := buildContext(t)
		cacheDir, err := terraform.DefaultCacheDir()
		if err != nil {
			providersErr = err
			return
		}
		logf := func(msg string) { fmt.Fprintln(os.Stderr, msg) }
		if coderMirror, err = terraform.EnsureProviderMirror(ctx, cacheDir, logf); err != nil {
			providersErr = err
			return
		}
		nullBinary, providersErr = cachedNullProvider(ctx, cacheDir)
	})
	require.NoError(t, providersErr, "prepare the providers")
	return coderMirror, nullBinary
}

// cachedNullProvider builds testdata/terraform-provider-null once per
// version of its source: the mirror directory is named by the sources'
// hash.
func cachedNullProvider(ctx context.Context, cacheDir string) (string, error) {
	src, err := filepath.Abs(filepath.Join("testdata", "terraform-provider-null"))
	if err != nil {
		return "", err
	}
	h := sha256.New()
	for _, name := range []string{"go.mod", "go.sum", "main.go"} {
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", name, len(b))
		h.Write(b)
	}
	mirror := filepath.Join(cacheDir, "test-providers", hex.EncodeToString(h.Sum(nil))[:16])
	addr, err := terraform.ParseProviderAddress(nullAddress)
	if err != nil {
		return "", err
	}
	binary := filepath.Join(mirror, addr.Host, addr.Namespace, addr.Type, nullVersion, runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-null_v"+nullVersion)
	if st, err := os.Stat(binary); err == nil && st.Size() > 0 {
		return binary, nil
	}
	fmt.Fprintln(os.Stderr, "Building the test's null provider from source (once per cache directory)")
	return terraform.AddProviderFromSource(ctx, mirror, terraform.AddProvider{Source: src, Address: nullAddress, Version: nullVersion})
}

// mirrorServer serves providers over the provider network mirror
// protocol, over https as Terraform requires.
type mirrorServer struct {
	*httptest.Server
	downloads atomic.Int32
}

// serveNetworkMirror serves binary as hashicorp/null nullVersion and makes
// Terraform trust the server's certificate. The binary is zipped as a
// registry release would be, with the zip's hash in the version document.
func serveNetworkMirror(t *testing.T, binary string) *mirrorServer {
	t.Helper()
	exe, err := os.ReadFile(binary)
	require.NoError(t, err)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	hdr := &zip.FileHeader{Name: "terraform-provider-null_v" + nullVersion, Method: zip.Deflate}
	hdr.SetMode(0o755)
	w, err := zw.CreateHeader(hdr)
	require.NoError(t, err)
	_, err = w.Write(exe)
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	archive := buf.Bytes()
	sum := sha256.Sum256(archive)
	platform := runtime.GOOS + "_" + runtime.GOARCH
	zipName := fmt.Sprintf("terraform-provider-null_%s_%s.zip", nullVersion, platform)

	s := &mirrorServer{}
	base := "/" + nullAddress + "/"
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+base+"index.json", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{"versions": map[string]any{nullVersion: map[string]any{}}})
	})
	mux.HandleFunc("GET "+base+nullVersion+".json", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, map[string]any{"archives": map[string]any{
			platform: map[string]any{"url": zipName, "hashes": []string{"zh:" + hex.EncodeToString(sum[:])}},
		}})
	})
	mux.HandleFunc("GET "+base+zipName, func(w http.ResponseWriter, _ *http.Request) {
		s.downloads.Add(1)
		w.Header().Set("Content-Type", "application/zip")
		_, _ = w.Write(archive)
	})
	s.Server = httptest.NewTLSServer(mux)
	t.Cleanup(s.Close)
	trustCertificate(t, s.Server)
	return s
}

// trustCertificate points SSL_CERT_FILE, which Terraform (a Go program)
// reads for its root certificates, at the test server's certificate.
func trustCertificate(t *testing.T, srv *httptest.Server) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	require.NoError(t, os.WriteFile(path, pemBytes, 0o600))
	t.Setenv("SSL_CERT_FILE", path)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// newServer starts a server whose daemons install providers other than
// coder/coder from the network mirror at mirrorURL.
func newServer(t *testing.T, daemons int, mirrorURL, pluginCache string) (*codersdk.Client, uuid.UUID) {
	t.Helper()
	coder, _ := providers(t)
	return newServerWith(t, coderd.ProvisionerDaemonsOptions{
		Count:                     daemons,
		TerraformProvidersDir:     coder.Dir,
		TerraformNetworkMirrorURL: mirrorURL,
		TerraformPluginCacheDir:   pluginCache,
	})
}

func newServerWith(t *testing.T, opts coderd.ProvisionerDaemonsOptions) (*codersdk.Client, uuid.UUID) {
	t.Helper()
	client, api := coderdtest.NewWithAPI(t, nil)
	opts.WorkDir, opts.CacheDir = t.TempDir(), t.TempDir()
	stop, err := api.StartProvisionerDaemons(context.Background(), opts)
	require.NoError(t, err)
	t.Cleanup(stop)
	first := coderdtest.CreateFirstUser(t, client)
	return client, first.OrganizationID
}

func templateArchive(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, content := range files {
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(content)), Typeflag: tar.TypeReg}))
		_, err := io.WriteString(tw, content)
		require.NoError(t, err)
	}
	require.NoError(t, tw.Close())
	return buf.Bytes()
}

func importTemplate(t *testing.T, client *codersdk.Client, orgID uuid.UUID, mainTF string) codersdk.TemplateVersion {
	t.Helper()
	ctx := t.Context()
	file, err := client.Upload(ctx, codersdk.ContentTypeTar, bytes.NewReader(templateArchive(t, map[string]string{"main.tf": mainTF})))
	require.NoError(t, err)
	v, err := client.CreateTemplateVersion(ctx, orgID, codersdk.CreateTemplateVersionRequest{
		StorageMethod: codersdk.ProvisionerStorageMethodFile, FileID: file.ID, Provisioner: codersdk.ProvisionerTypeTerraform,
	})
	require.NoError(t, err)
	return v
}

// TestNetworkMirrorProvider imports and builds a template that uses a
// provider other than coder/coder, installed from a network mirror. Two
// imports run at once on two daemons sharing one plugin cache: both
// succeed, one downloads the provider and the other and the build take it
// from the cache.
func TestNetworkMirrorProvider(t *testing.T) {
	_, nullBin := providers(t)
	mirror := serveNetworkMirror(t, nullBin)
	pluginCache := filepath.Join(t.TempDir(), "plugins")
	client, orgID := newServer(t, 2, mirror.URL, pluginCache)

	versions := []codersdk.TemplateVersion{
		importTemplate(t, client, orgID, nullTemplate),
		importTemplate(t, client, orgID, nullTemplate),
	}
	for i, v := range versions {
		versions[i] = coderdtest.AwaitTemplateVersionJobCompleted(t, client, v.ID)
		require.Equal(t, codersdk.ProvisionerJobSucceeded, versions[i].Job.Status, versions[i].Job.Error)
	}
	resources, err := client.TemplateVersionResources(t.Context(), versions[0].ID)
	require.NoError(t, err)
	require.True(t, hasResource(resources, "null_resource"), "the import planned the null provider's resource: %+v", resources)

	downloadsAfterImports := mirror.downloads.Load()
	require.NotZero(t, downloadsAfterImports, "the provider came from the mirror")

	tpl := coderdtest.CreateTemplate(t, client, orgID, versions[0].ID)
	w := coderdtest.CreateWorkspace(t, client, tpl.ID)
	b := coderdtest.AwaitWorkspaceBuildJobCompleted(t, client, w.LatestBuild.ID)
	require.Equal(t, codersdk.WorkspaceStatusRunning, b.Status, b.Job.Error)
	assert.True(t, hasResource(b.Resources, "null_resource"), "the build applied the null provider's resource")
	state, err := client.WorkspaceBuildState(t.Context(), b.ID)
	require.NoError(t, err)
	assert.Contains(t, string(state), `"provider": "provider[\"registry.terraform.io/hashicorp/null\"]"`)

	// One import downloaded the provider, the other took it from the
	// cache; the build too.
	var installed, fromCache int
	for _, v := range versions {
		logs := importLogs(t, client, v.ID)
		if strings.Contains(logs, "Installed provider version: hashicorp/null") {
			installed++
		}
		if strings.Contains(logs, "hashicorp/null v"+nullVersion+": Using from the shared cache directory") {
			fromCache++
		}
	}
	assert.Equal(t, 1, installed, "one import downloads the provider")
	assert.Equal(t, 1, fromCache, "the other import uses the shared plugin cache")
	assert.Contains(t, buildLogs(t, client, b.ID), "hashicorp/null v"+nullVersion+": Using from the shared cache directory")
	assert.Equal(t, downloadsAfterImports, mirror.downloads.Load(), "the build downloaded nothing")

	cached := filepath.Join(pluginCache, "registry.terraform.io", "hashicorp", "null", nullVersion, runtime.GOOS+"_"+runtime.GOARCH, "terraform-provider-null_v"+nullVersion)
	st, err := os.Stat(cached)
	require.NoError(t, err, "the provider is in the plugin cache")
	want, err := os.Stat(nullBin)
	require.NoError(t, err)
	assert.Equal(t, want.Size(), st.Size(), "the cached provider is whole")
}

// TestUnavailableProvider fails the import with a message naming the
// provider and the mirror, both when the mirror is down and when it does
// not serve the provider.
func TestUnavailableProvider(t *testing.T) {
	down := httptest.NewTLSServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	empty := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(empty.Close)
	trustCertificate(t, empty)

	for name, url := range map[string]string{"unreachable": downURL, "not served": empty.URL} {
		t.Run(name, func(t *testing.T) {
			client, orgID := newServer(t, 1, url, filepath.Join(t.TempDir(), "plugins"))
			v := importTemplate(t, client, orgID, nullTemplate)
			v = coderdtest.AwaitTemplateVersionJobCompleted(t, client, v.ID)
			require.Equal(t, codersdk.ProvisionerJobFailed, v.Job.Status)
			t.Log(v.Job.Error)
			assert.True(t, strings.HasPrefix(v.Job.Error, "Terraform could not install the provider hashicorp/null."), v.Job.Error)
			assert.Contains(t, v.Job.Error, "--terraform-network-mirror-url")
			assert.Contains(t, v.Job.Error, url)
		})
	}
}

// TestOfflineMirrorAddedProvider runs the air-gapped set-up: the coder
// provider copied into a mirror directory as make build does, hashicorp/null
// added to it as scripts/terraform-mirror.sh add does, and a server in
// offline mode using that directory alone.
func TestOfflineMirrorAddedProvider(t *testing.T) {
	coder, nullBin := providers(t)
	dir := t.TempDir()
	_, err := terraform.CopyCoderProvider(coder, dir)
	require.NoError(t, err)
	// What AddProviderFromSource built, filed the same way in dir.
	rel, err := filepath.Rel(filepath.Join(filepath.Dir(nullBin), "..", "..", "..", "..", ".."), nullBin)
	require.NoError(t, err)
	copyFile(t, nullBin, filepath.Join(dir, rel))

	client, orgID := newServerWith(t, coderd.ProvisionerDaemonsOptions{Count: 1, TerraformProvidersDir: dir, TerraformOffline: true})
	v := importTemplate(t, client, orgID, nullTemplate)
	v = coderdtest.AwaitTemplateVersionJobCompleted(t, client, v.ID)
	require.Equal(t, codersdk.ProvisionerJobSucceeded, v.Job.Status, v.Job.Error)

	// A provider that is not in the mirror names the mirror.
	v = importTemplate(t, client, orgID, `
terraform {
  required_providers {
    local = { source = "hashicorp/local" }
  }
}
`)
	v = coderdtest.AwaitTemplateVersionJobCompleted(t, client, v.ID)
	require.Equal(t, codersdk.ProvisionerJobFailed, v.Job.Status)
	assert.True(t, strings.HasPrefix(v.Job.Error, "Terraform could not install the provider hashicorp/local."), v.Job.Error)
	assert.Contains(t, v.Job.Error, dir)
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
	require.NoError(t, os.WriteFile(dst, b, 0o755))
}

func importLogs(t *testing.T, client *codersdk.Client, id uuid.UUID) string {
	t.Helper()
	logs, closer, err := client.TemplateVersionLogsAfter(t.Context(), id, 0)
	require.NoError(t, err)
	defer closer.Close()
	var b strings.Builder
	for l := range logs {
		b.WriteString(l.Output + "\n")
	}
	return b.String()
}

func buildLogs(t *testing.T, client *codersdk.Client, id uuid.UUID) string {
	t.Helper()
	logs, closer, err := client.WorkspaceBuildLogsAfter(t.Context(), id, 0)
	require.NoError(t, err)
	defer closer.Close()
	var b strings.Builder
	for l := range logs {
		b.WriteString(l.Output + "\n")
	}
	return b.String()
}

func hasResource(resources []codersdk.WorkspaceResource, typ string) bool {
	for _, r := range resources {
		if r.Type == typ {
			return true
		}
	}
	return false
}
