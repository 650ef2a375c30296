package archive_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd/archive"
)

// FuzzExtract feeds arbitrary bytes to Validate and Extract. Run it with
//
//	go test -run '^$' -fuzz FuzzExtract -fuzztime 10s ./coderd/provisionerd/archive
//
// (A bare "context deadline exceeded" failure with no input written is Go
// 1.26's fuzz coordinator racing its own -fuzztime deadline, go.dev/issue/75804;
// a count such as -fuzztime 20000x avoids it.)
// Without -fuzz it runs the seeds as a regular test. Invariants: no panic;
// a rejected archive is reported as invalid; nothing is written outside
// the destination; every link that resolves stays inside it; Extract never
// accepts what Validate rejects.
func FuzzExtract(f *testing.F) {
	seedTar, err := archive.CreateTar(map[string]string{"echo.yaml": "readme: hi\n", "dir/file.txt": "content"})
	require.NoError(f, err)
	seedZip, err := archive.CreateZip(map[string]string{"echo.yaml": "readme: hi\n", "dir/file.txt": "content"})
	require.NoError(f, err)
	f.Add(seedTar, false)
	f.Add(seedZip, true)
	f.Add(buildTar(f, file("a", "x"), symlink("l", "a"), hardlink("h", "a"), symlink("s", "../out")), false)
	f.Add(buildTar(f, dir("x/y/"), symlink("x/y/l1", "../.."), symlink("m", "x/y/l1/..")), false)
	f.Add(buildTar(f, file("../evil", "x")), false)
	f.Add(buildZip(f, zipEntry{name: "l", mode: fs.ModeSymlink | 0o777, body: "a/../.."}), true)
	f.Add([]byte{}, false)
	f.Add([]byte("PK\x05\x06"), true)

	f.Fuzz(func(t *testing.T, data []byte, isZip bool) {
		mimetype := archive.MimeTypeTar
		if isZip {
			mimetype = archive.MimeTypeZip
		}
		limits := archive.Limits{MaxFiles: 200, MaxBytes: 4 << 20}
		validateErr := archive.ValidateWithLimits(data, mimetype, limits)
		if validateErr != nil && !archive.IsInvalid(validateErr) {
			t.Fatalf("Validate error is not an archive error: %v", validateErr)
		}

		sandbox := t.TempDir()
		dst := filepath.Join(sandbox, "dst")
		extractErr := archive.Extract(data, mimetype, dst, limits)
		if validateErr != nil && extractErr == nil {
			t.Fatalf("Extract accepted what Validate rejected: %v", validateErr)
		}

		entries, err := os.ReadDir(sandbox)
		require.NoError(t, err)
		for _, e := range entries {
			if e.Name() != "dst" {
				t.Fatalf("wrote %q outside the destination", e.Name())
			}
		}
		if extractErr != nil {
			return
		}
		realDst, err := filepath.EvalSymlinks(dst)
		require.NoError(t, err)
		err = filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.Type()&fs.ModeSymlink == 0 {
				return err
			}
			target, err := os.Readlink(p)
			require.NoError(t, err)
			if filepath.IsAbs(target) {
				t.Fatalf("absolute symlink %q -> %q", p, target)
			}
			resolved, err := filepath.EvalSymlinks(p)
			if err != nil {
				return nil // dangling, or a loop the kernel refuses
			}
			if resolved != realDst && !strings.HasPrefix(resolved, realDst+string(filepath.Separator)) {
				t.Fatalf("symlink %q resolves outside the destination: %q", p, resolved)
			}
			return nil
		})
		require.NoError(t, err)
	})
}
