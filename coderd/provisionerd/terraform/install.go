package terraform

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
)

const lockFileName = ".terraform.lock.hcl"

// prepareLockFile adapts the template's dependency lock file to where
// providers come from. Its coder/coder entry records registry hashes (and
// maybe another version) that the server's own build cannot match, so it
// goes; the other entries still pin what the registry or a mirror of it
// serves. Offline, the local mirror decides every version and the hashes
// of locally built providers match nothing, so the whole file goes.
func (j *job) prepareLockFile() error {
	path := filepath.Join(j.dir, lockFileName)
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return xerrors.Errorf("read lock file: %w", err)
	}
	if j.install.Offline {
		j.logf(provisioner.LogLevelInfo, stageSettingUp, "Ignoring the template's %s: providers come from the server's offline mirror", lockFileName)
		if err := os.Remove(path); err != nil {
			return xerrors.Errorf("remove lock file: %w", err)
		}
		return nil
	}
	out, changed, err := withoutCoderProvider(src)
	if err != nil {
		// Terraform reports a broken lock file better than we would.
		return nil //nolint:nilerr
	}
	if !changed {
		return nil
	}
	j.logf(provisioner.LogLevelInfo, stageSettingUp, "The template's %s entry for %s is ignored: the server brings its own build (%s)",
		lockFileName, ProviderSource, ProviderVersion)
	if err := os.WriteFile(path, out, 0o600); err != nil {
		return xerrors.Errorf("write lock file: %w", err)
	}
	return nil
}

// withoutCoderProvider removes the coder/coder block from a lock file.
func withoutCoderProvider(src []byte) ([]byte, bool, error) {
	f, diags := hclwrite.ParseConfig(src, lockFileName, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, false, diags
	}
	changed := false
	for _, b := range f.Body().Blocks() {
		labels := b.Labels()
		if b.Type() == "provider" && len(labels) == 1 && strings.EqualFold(labels[0], ProviderSource) {
			f.Body().RemoveBlock(b)
			changed = true
		}
	}
	return f.Bytes(), changed, nil
}

// installProviderRE finds the provider named in Terraform's provider
// installation errors: "... versions for provider hashicorp/null: ...",
// "Error while installing hashicorp/null v3.2.4: ...", "Error while
// importing ... from the shared cache", "Could not resolve provider ...",
// "Provider registry.terraform.io/x/y v1.0.0 does not have a package ...".
var installProviderRE = regexp.MustCompile(`(?:for provider|installing|importing|resolve provider|Provider) ((?:[A-Za-z0-9.-]+(?::[0-9]+)?/)?[A-Za-z0-9_-]+/[A-Za-z0-9_-]+)\b`)

// installSummaries are the summaries of Terraform's diagnostics about a
// provider it could not install.
var installSummaries = []string{
	"Failed to query available provider packages",
	"Failed to install provider",
	"Failed to resolve provider packages",
	"Incompatible provider version",
	"Provider checksum verification failed",
	"Failed to obtain provider schema",
}

// failingProviders returns the providers named by installation errors
// among diags, in order, once each.
func failingProviders(diags []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range diags {
		isInstall := false
		for _, s := range installSummaries {
			if strings.HasPrefix(d, s) {
				isInstall = true
				break
			}
		}
		if !isInstall {
			continue
		}
		for _, m := range installProviderRE.FindAllStringSubmatch(d, -1) {
			name := strings.TrimPrefix(m[1], "registry.terraform.io/")
			if !seen[name] {
				seen[name] = true
				out = append(out, name)
			}
		}
	}
	return out
}

// initFailure explains a failed init: which provider could not be
// installed and, depending on where this server takes providers from,
// what to do about it.
func (j *job) initFailure(res cmdResult) error {
	var f *provisioner.Failure
	if !errors.As(res.failure("init"), &f) {
		return res.failure("init")
	}
	details := f.Message
	if providers := failingProviders(res.diags); len(providers) > 0 {
		noun := "provider"
		if len(providers) > 1 {
			noun = "providers"
		}
		return &provisioner.Failure{Message: fmt.Sprintf("Terraform could not install the %s %s.\n\n%s\n\n%s",
			noun, strings.Join(providers, ", "), details, j.providerHint(providers))}
	}
	if strings.Contains(details, "Error accessing remote module registry") || strings.Contains(details, "Failed to download module") {
		hint := "Check that the server can reach the module's source."
		if j.install.Offline {
			hint = "This server runs Terraform offline (--terraform-offline): remote modules cannot be downloaded. " +
				"Copy the module into the template and use a local source (source = \"./modules/name\")."
		}
		return &provisioner.Failure{Message: "Terraform could not download a module.\n\n" + details + "\n\n" + hint}
	}
	return f
}

func (j *job) providerHint(providers []string) string {
	coder := strings.TrimPrefix(ProviderSource, "registry.terraform.io/")
	var hints []string
	others := false
	for _, p := range providers {
		if p == coder {
			hints = append(hints, fmt.Sprintf("This server brings %s %s (from %s); the template's version constraint for it must allow that version.",
				coder, ProviderVersion, j.install.ProvidersDir))
		} else {
			others = true
		}
	}
	if !others {
		return strings.Join(hints, "\n")
	}
	switch j.install.mode() {
	case "offline":
		hints = append(hints, fmt.Sprintf("This server runs Terraform offline (--terraform-offline): providers come only from the mirror %s. "+
			"Add the provider to it (scripts/terraform-mirror.sh add, see docs/operations.md), or let the server install providers online.",
			j.install.ProvidersDir))
	case "network mirror":
		hints = append(hints, fmt.Sprintf("Providers other than %s come from the network mirror %s (--terraform-network-mirror-url): "+
			"check that the server reaches it and that it serves the provider in a version the template allows.", coder, j.install.NetworkMirrorURL))
	default:
		hints = append(hints, fmt.Sprintf("Providers other than %s come from their registries: check that the server reaches the provider's registry "+
			"(registry.terraform.io unless its address names another host), or set --terraform-network-mirror-url to a mirror that serves it.", coder))
	}
	return strings.Join(hints, "\n")
}
