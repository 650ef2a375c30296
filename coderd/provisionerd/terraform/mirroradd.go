package terraform

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"golang.org/x/xerrors"
)

// ProviderAddress is a provider's source address, HOST/NAMESPACE/TYPE.
type ProviderAddress struct {
	Host, Namespace, Type string
}

func (a ProviderAddress) String() string { return a.Host + "/" + a.Namespace + "/" + a.Type }

var (
	addressPartRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)
	hostRE        = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:[0-9]+)?$`)
)

// ParseProviderAddress reads "HOST/NAMESPACE/TYPE" or "NAMESPACE/TYPE"
// (the host then is registry.terraform.io), as in required_providers.
func ParseProviderAddress(s string) (ProviderAddress, error) {
	parts := strings.Split(strings.ToLower(strings.TrimSpace(s)), "/")
	if len(parts) == 2 {
		parts = append([]string{"registry.terraform.io"}, parts...)
	}
	if len(parts) != 3 || !hostRE.MatchString(parts[0]) || !addressPartRE.MatchString(parts[1]) || !addressPartRE.MatchString(parts[2]) {
		return ProviderAddress{}, xerrors.Errorf("provider address %q is not HOST/NAMESPACE/TYPE (say registry.terraform.io/hashicorp/null)", s)
	}
	return ProviderAddress{Host: parts[0], Namespace: parts[1], Type: parts[2]}, nil
}

var versionRE = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$`)

// AddProvider is a provider to build from source into a filesystem mirror.
type AddProvider struct {
	// Source is MODULE/PATH@vVERSION (fetched through the Go module
	// proxy) or a local directory holding the provider's main package.
	Source string
	// Address is where templates find it, e.g.
	// registry.terraform.io/hashicorp/null.
	Address string
	// Version is the provider version to file it under; default the
	// module version of Source without its "v". Required for a directory.
	Version string
}

// AddProviderFromSource builds a provider with the go toolchain and puts
// it into the filesystem mirror mirrorDir (unpacked layout,
// HOST/NAMESPACE/TYPE/VERSION/OS_ARCH/terraform-provider-TYPE_vVERSION),
// for this platform. It returns the binary's path. An offline server
// (--terraform-offline with --terraform-providers-dir mirrorDir) then
// installs it for templates that require it.
func AddProviderFromSource(ctx context.Context, mirrorDir string, p AddProvider) (string, error) {
	addr, err := ParseProviderAddress(p.Address)
	if err != nil {
		return "", err
	}
	version := strings.TrimPrefix(p.Version, "v")
	if version == "" {
		_, modVersion, ok := strings.Cut(p.Source, "@")
		if !ok {
			return "", xerrors.Errorf("give the provider version: the source %q is a directory, not MODULE@VERSION", p.Source)
		}
		version = strings.TrimPrefix(modVersion, "v")
	}
	if !versionRE.MatchString(version) {
		return "", xerrors.Errorf("provider version %q is not a version such as 3.2.4", version)
	}
	mirrorDir, err = filepath.Abs(mirrorDir)
	if err != nil {
		return "", xerrors.Errorf("resolve mirror dir: %w", err)
	}
	dest := providerPath(mirrorDir, addr, version)
	if err := goBuildProvider(ctx, p.Source, mirrorDir, dest); err != nil {
		return "", xerrors.Errorf("build %s %s from %s: %w", addr, version, p.Source, err)
	}
	return dest, nil
}

// providerPath is where a filesystem mirror holds a provider's binary for
// this platform.
func providerPath(mirrorDir string, addr ProviderAddress, version string) string {
	name := "terraform-provider-" + addr.Type + "_v" + version
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return filepath.Join(mirrorDir, addr.Host, addr.Namespace, addr.Type, version, runtime.GOOS+"_"+runtime.GOARCH, name)
}

// CopyCoderProvider puts the coder provider of m into the filesystem
// mirror dir (what `make build` ships beside the binary) and returns its
// path there. An identical copy is left alone.
func CopyCoderProvider(m Mirror, dir string) (string, error) {
	dest := providerBinaryIn(dir)
	src, err := os.Stat(m.ProviderBinary)
	if err != nil {
		return "", xerrors.Errorf("the coder provider: %w", err)
	}
	if have, err := os.Stat(dest); err == nil && have.Size() == src.Size() && !have.ModTime().Before(src.ModTime()) {
		return dest, nil
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return "", xerrors.Errorf("create %s: %w", filepath.Dir(dest), err)
	}
	in, err := os.Open(m.ProviderBinary)
	if err != nil {
		return "", xerrors.Errorf("open the coder provider: %w", err)
	}
	defer in.Close()
	out, err := os.CreateTemp(filepath.Dir(dest), ".tmp-provider-*")
	if err != nil {
		return "", xerrors.Errorf("copy the coder provider: %w", err)
	}
	defer os.Remove(out.Name())
	if _, err := io.Copy(out, in); err != nil {
		_ = out.Close()
		return "", xerrors.Errorf("copy the coder provider: %w", err)
	}
	if err := out.Close(); err != nil {
		return "", xerrors.Errorf("copy the coder provider: %w", err)
	}
	if err := os.Chmod(out.Name(), 0o755); err != nil {
		return "", xerrors.Errorf("copy the coder provider: %w", err)
	}
	if err := os.Rename(out.Name(), dest); err != nil {
		return "", xerrors.Errorf("copy the coder provider: %w", err)
	}
	return dest, nil
}
