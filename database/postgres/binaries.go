package postgres

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/xerrors"
)

// Binaries are the PostgreSQL server programs the built-in database needs.
type Binaries struct{ InitDB, PGCtl, Postgres string }

// ErrBinariesMissing is wrapped by the error FindBinaries returns when the
// PostgreSQL server programs cannot be found.
var ErrBinariesMissing = xerrors.New("postgresql server binaries not found")

// binGlobRoot is where versioned PostgreSQL installations live (Debian's
// layout: /usr/lib/postgresql/<version>/bin). Tests override it.
var binGlobRoot = "/usr/lib/postgresql"

// missingBinariesError is a one-line error that unwraps to ErrBinariesMissing.
type missingBinariesError struct{ detail string }

func (e *missingBinariesError) Error() string { return ErrBinariesMissing.Error() + ": " + e.detail }
func (e *missingBinariesError) Unwrap() error { return ErrBinariesMissing }

// FindBinaries looks in searchPath (a PATH-style list; empty means $PATH) and
// then in /usr/lib/postgresql/*/bin (highest version first) for a directory
// holding all of initdb, pg_ctl and postgres. The three always come from the
// same directory so that their versions match.
//
// When none has them all it returns an error wrapping ErrBinariesMissing whose
// message is a single line telling how to install them or what to use instead.
func FindBinaries(searchPath string) (Binaries, error) {
	if searchPath == "" {
		searchPath = os.Getenv("PATH")
	}
	for _, dir := range filepath.SplitList(searchPath) {
		if dir == "" || !filepath.IsAbs(dir) {
			// Relative entries (including the empty one, meaning ".")
			// are skipped: the programs run from another directory.
			continue
		}
		if b, ok := binariesIn(dir); ok {
			return b, nil
		}
	}
	for _, dir := range versionedBinDirs() {
		if b, ok := binariesIn(dir); ok {
			return b, nil
		}
	}
	return Binaries{}, &missingBinariesError{detail: "no directory in PATH or " +
		filepath.Join(binGlobRoot, "*", "bin") +
		" has initdb, pg_ctl and postgres; install them with `apt-get install postgresql`," +
		" or pass --postgres-url to use an external PostgreSQL database"}
}

// binariesIn reports the server programs in dir when all of them are there.
func binariesIn(dir string) (Binaries, bool) {
	b := Binaries{
		InitDB:   filepath.Join(dir, "initdb"),
		PGCtl:    filepath.Join(dir, "pg_ctl"),
		Postgres: filepath.Join(dir, "postgres"),
	}
	for _, p := range []string{b.InitDB, b.PGCtl, b.Postgres} {
		if !isExecutable(p) {
			return Binaries{}, false
		}
	}
	return b, true
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	if err != nil {
		return false
	}
	return st.Mode().IsRegular() && st.Mode().Perm()&0o111 != 0
}

// versionedBinDirs lists binGlobRoot/*/bin, highest version first.
func versionedBinDirs() []string {
	matches, _ := filepath.Glob(filepath.Join(binGlobRoot, "*", "bin"))
	sort.SliceStable(matches, func(i, j int) bool {
		return versionLess(
			filepath.Base(filepath.Dir(matches[j])),
			filepath.Base(filepath.Dir(matches[i])))
	})
	return matches
}

// versionLess compares dotted numeric versions ("9.6" < "10" < "15");
// non-numeric parts compare as strings after numeric ones.
func versionLess(a, b string) bool {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		ai, aerr := strconv.Atoi(as[i])
		bi, berr := strconv.Atoi(bs[i])
		switch {
		case aerr == nil && berr == nil:
			if ai != bi {
				return ai < bi
			}
		case aerr == nil:
			return false
		case berr == nil:
			return true
		default:
			if as[i] != bs[i] {
				return as[i] < bs[i]
			}
		}
	}
	return len(as) < len(bs)
}

// binariesForCluster picks the server programs for a cluster: the ones of the
// cluster's own major version when that is installed in the versioned layout
// (so that installing a newer PostgreSQL does not break an existing cluster),
// else whatever FindBinaries finds.
func binariesForCluster(dataDir string) (Binaries, error) {
	if v, err := os.ReadFile(filepath.Join(dataDir, "PG_VERSION")); err == nil {
		ver := strings.TrimSpace(string(v))
		if ver != "" && !strings.ContainsAny(ver, `/\`) {
			if b, ok := binariesIn(filepath.Join(binGlobRoot, ver, "bin")); ok {
				return b, nil
			}
		}
	}
	return FindBinaries("")
}
