// Package buildinfo reports the version this binary was built as. The values
// are set at link time by the Makefile (-ldflags -X); a plain `go build` gets a
// development version derived from the module's VCS stamp when there is one.
package buildinfo

import (
	"runtime/debug"
	"strings"
	"sync"
)

var (
	// tag is set with -ldflags "-X github.com/devplane/devplane/buildinfo.tag=v1.2.3".
	tag = ""
	// revision is the commit, set the same way.
	revision = ""

	// repositoryURL is where ExternalURL points.
	repositoryURL = "https://github.com/devplane/devplane"
)

const develPrefix = "v0.0.0-devel"

var resolve = sync.OnceValues(func() (string, string) {
	rev := revision
	if rev == "" {
		if info, ok := debug.ReadBuildInfo(); ok {
			for _, s := range info.Settings {
				if s.Key == "vcs.revision" {
					rev = s.Value
				}
			}
		}
	}
	short := rev
	if len(short) > 8 {
		short = short[:8]
	}
	version := tag
	if version == "" {
		version = develPrefix
		if short != "" {
			version += "+" + short
		}
	}
	if !strings.HasPrefix(version, "v") {
		version = "v" + version
	}
	return version, rev
})

// Version is the semantic version, e.g. "v2.3.0" or "v0.0.0-devel+1a2b3c4d".
func Version() string {
	v, _ := resolve()
	return v
}

// IsDev reports whether this is an untagged development build.
func IsDev() bool { return strings.HasPrefix(Version(), develPrefix) }

// ExternalURL links to the source of this build: the commit for development
// builds, the release tag otherwise.
func ExternalURL() string {
	v, rev := resolve()
	if IsDev() {
		if rev == "" {
			return repositoryURL
		}
		return repositoryURL + "/commit/" + rev
	}
	return ReleaseURL(v)
}

// ReleaseURL links to the release notes of version.
func ReleaseURL(version string) string {
	return repositoryURL + "/releases/tag/" + version
}
