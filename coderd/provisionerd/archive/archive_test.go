package archive_test

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd/archive"
)

// tarEntry is one member of a hand-built tar archive.
type tarEntry struct {
	hdr  tar.Header
	body string
}

func file(name, body string) tarEntry {
	return tarEntry{hdr: tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(body))}, body: body}
}

func dir(name string) tarEntry {
	return tarEntry{hdr: tar.Header{Name: name, Typeflag: tar.TypeDir, Mode: 0o755}}
}

func symlink(name, target string) tarEntry {
	return tarEntry{hdr: tar.Header{Name: name, Typeflag: tar.TypeSymlink, Linkname: target, Mode: 0o777}}
}

func hardlink(name, target string) tarEntry {
	return tarEntry{hdr: tar.Header{Name: name, Typeflag: tar.TypeLink, Linkname: target, Mode: 0o644}}
}

func buildTar(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := e.hdr
		require.NoError(t, tw.WriteHeader(&hdr))
		if e.body != "" {
			_, err := tw.Write([]byte(e.body))
			require.NoError(t, err)
		}
	}
	require.NoError(t, tw.Close())
	return buf.Bytes()
}

type zipEntry struct {
	name string
	mode fs.FileMode
	body string
}

func buildZip(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		hdr := &zip.FileHeader{Name: e.name, Method: zip.Deflate}
		hdr.SetMode(e.mode)
		w, err := zw.CreateHeader(hdr)
		require.NoError(t, err)
		_, err = w.Write([]byte(e.body))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// extract unpacks into a fresh directory inside a sandbox and checks that
// nothing was written next to it.
func extract(t *testing.T, data []byte, mimetype string, limits archive.Limits) (string, error) {
	t.Helper()
	sandbox := t.TempDir()
	dst := filepath.Join(sandbox, "dst")
	err := archive.Extract(data, mimetype, dst, limits)
	entries, rerr := os.ReadDir(sandbox)
	require.NoError(t, rerr)
	for _, e := range entries {
		require.Equal(t, "dst", e.Name(), "extraction wrote outside the destination")
	}
	return dst, err
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()

	files := map[string]string{
		"echo.yaml":          "parameters: []\n",
		"README.md":          "# hello\n",
		"modules/a/main.tf":  "resource {}",
		"modules/b/":         "",
		"scripts/start.sh":   "#!/bin/sh\necho hi\n",
		"./dot/slash.txt":    "dot",
		"deep/er/and/er.txt": strings.Repeat("x", 100_000),
	}
	for _, tc := range []struct {
		name     string
		mimetype string
		create   func(map[string]string) ([]byte, error)
	}{
		{"Tar", archive.MimeTypeTar, archive.CreateTar},
		{"Zip", archive.MimeTypeZip, archive.CreateZip},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data, err := tc.create(files)
			require.NoError(t, err)
			again, err := tc.create(files)
			require.NoError(t, err)
			assert.Equal(t, data, again, "output must be deterministic")

			require.NoError(t, archive.Validate(data, tc.mimetype))
			dst, err := extract(t, data, tc.mimetype, archive.Limits{})
			require.NoError(t, err)
			for name, content := range files {
				p := filepath.Join(dst, filepath.FromSlash(name))
				if strings.HasSuffix(name, "/") {
					fi, err := os.Stat(p)
					require.NoError(t, err)
					assert.True(t, fi.IsDir())
					continue
				}
				assert.Equal(t, content, readFile(t, p), name)
			}
		})
	}
}

func TestCreateRejectsBadNames(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"../x", "/abs", "a/../../b", "", ".", `a\b`} {
		_, err := archive.CreateTar(map[string]string{name: "x"})
		assert.Error(t, err, "%q", name)
		_, err = archive.CreateZip(map[string]string{name: "x"})
		assert.Error(t, err, "%q", name)
	}
	_, err := archive.CreateTar(map[string]string{"a": "file", "a/b": "nested under a file"})
	assert.Error(t, err)
}

func TestMimeTypes(t *testing.T) {
	t.Parallel()
	data, err := archive.CreateTar(map[string]string{"a": "b"})
	require.NoError(t, err)
	require.NoError(t, archive.Validate(data, "application/x-tar; charset=binary"))
	require.NoError(t, archive.Validate(data, "Application/X-Tar"))

	err = archive.Validate(data, "application/gzip")
	require.ErrorIs(t, err, archive.ErrUnsupportedType)
	assert.True(t, archive.IsInvalid(err))
	_, err = extract(t, data, "text/plain", archive.Limits{})
	require.ErrorIs(t, err, archive.ErrUnsupportedType)
}

func TestEmpty(t *testing.T) {
	t.Parallel()
	// Zero bytes and an end-of-archive marker are both empty tar archives.
	require.NoError(t, archive.Validate(nil, archive.MimeTypeTar))
	empty, err := archive.CreateTar(nil)
	require.NoError(t, err)
	dst, err := extract(t, empty, archive.MimeTypeTar, archive.Limits{})
	require.NoError(t, err)
	entries, err := os.ReadDir(dst)
	require.NoError(t, err)
	assert.Empty(t, entries)

	// Zero bytes are not a zip archive: it needs its end record.
	require.ErrorIs(t, archive.Validate(nil, archive.MimeTypeZip), archive.ErrCorrupt)
	emptyZip, err := archive.CreateZip(nil)
	require.NoError(t, err)
	require.NoError(t, archive.Validate(emptyZip, archive.MimeTypeZip))
}

func TestCorrupt(t *testing.T) {
	t.Parallel()

	good, err := archive.CreateTar(map[string]string{"a.txt": strings.Repeat("a", 2000), "b.txt": "b"})
	require.NoError(t, err)
	goodZip, err := archive.CreateZip(map[string]string{"a.txt": strings.Repeat("a", 2000)})
	require.NoError(t, err)

	// Flip bytes in the deflated body: the checksum (or inflate) fails.
	badBody := bytes.Clone(goodZip)
	zr, err := zip.NewReader(bytes.NewReader(goodZip), int64(len(goodZip)))
	require.NoError(t, err)
	off, err := zr.File[0].DataOffset()
	require.NoError(t, err)
	for i := off; i < off+int64(zr.File[0].CompressedSize64); i++ {
		badBody[i] ^= 0x55
	}

	tests := []struct {
		name     string
		data     []byte
		mimetype string
	}{
		{"TarGarbage", bytes.Repeat([]byte("not a tar archive "), 100), archive.MimeTypeTar},
		{"TarShort", []byte("abc"), archive.MimeTypeTar},
		{"TarTruncatedBody", good[:512+1000], archive.MimeTypeTar},
		{"TarBadChecksum", func() []byte { b := bytes.Clone(good); b[148] ^= 0x1; return b }(), archive.MimeTypeTar},
		{"ZipGarbage", []byte("PK\x03\x04 definitely not a zip"), archive.MimeTypeZip},
		{"ZipTruncated", goodZip[:len(goodZip)/2], archive.MimeTypeZip},
		{"ZipBadBody", badBody, archive.MimeTypeZip},
		{"TarAsZip", good, archive.MimeTypeZip},
		{"ZipAsTar", goodZip, archive.MimeTypeTar},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := extract(t, tc.data, tc.mimetype, archive.Limits{})
			require.Error(t, err)
			assert.True(t, archive.IsInvalid(err), "%v", err)
			assert.ErrorIs(t, err, archive.ErrCorrupt)
		})
	}
}

func TestUnsafeNames(t *testing.T) {
	t.Parallel()
	for _, name := range []string{
		"../evil",
		"a/../../evil",
		"a/b/../../../evil",
		"/etc/evil",
		"//evil",
		`..\evil`,
		"..",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data := buildTar(t, file("ok.txt", "fine"), file(name, "pwned"))
			require.ErrorIs(t, archive.Validate(data, archive.MimeTypeTar), archive.ErrUnsafe)
			dst, err := extract(t, data, archive.MimeTypeTar, archive.Limits{})
			require.ErrorIs(t, err, archive.ErrUnsafe)
			assert.NoFileExists(t, filepath.Join(dst, "ok.txt"), "nothing is written when a later entry is unsafe")

			zdata := buildZip(t, zipEntry{name: name, mode: 0o644, body: "pwned"})
			_, err = extract(t, zdata, archive.MimeTypeZip, archive.Limits{})
			require.ErrorIs(t, err, archive.ErrUnsafe)
		})
	}
}

func TestNULName(t *testing.T) {
	t.Parallel()
	// archive/tar cannot even write such a name; zip can.
	data := buildZip(t, zipEntry{name: "evil\x00.txt", mode: 0o644})
	require.ErrorIs(t, archive.Validate(data, archive.MimeTypeZip), archive.ErrUnsafe)
}

func TestSymlinks(t *testing.T) {
	t.Parallel()

	t.Run("Inside", func(t *testing.T) {
		t.Parallel()
		data := buildTar(t,
			file("sub/real.txt", "real"),
			symlink("link.txt", "sub/real.txt"),
			symlink("sub/up", ".."),
			symlink("dangling", "not/there/yet"),
			symlink("subdir", "sub"),
			file("subdir/through.txt", "via link"), // written through the link into sub/
		)
		require.NoError(t, archive.Validate(data, archive.MimeTypeTar))
		dst, err := extract(t, data, archive.MimeTypeTar, archive.Limits{})
		require.NoError(t, err)
		assert.Equal(t, "real", readFile(t, filepath.Join(dst, "link.txt")))
		assert.Equal(t, "real", readFile(t, filepath.Join(dst, "sub", "up", "sub", "real.txt")))
		assert.Equal(t, "via link", readFile(t, filepath.Join(dst, "sub", "through.txt")))
		target, err := os.Readlink(filepath.Join(dst, "dangling"))
		require.NoError(t, err)
		assert.Equal(t, "not/there/yet", target)
	})

	unsafe := []struct {
		name    string
		entries []tarEntry
	}{
		{"Absolute", []tarEntry{symlink("etc", "/etc")}},
		{"DotDot", []tarEntry{symlink("up", "..")}},
		{"DeepDotDot", []tarEntry{symlink("a/b/up", "../../../x")}},
		{"SelfLoop", []tarEntry{symlink("loop", "loop")}},
		{"MutualLoop", []tarEntry{symlink("a", "b"), symlink("b", "a")}},
		// l1 points at the root, inside; m goes one further up through
		// l1, which a lexical check of "x/y/l1/.." would miss.
		{"Chain", []tarEntry{dir("x/y/"), symlink("x/y/l1", "../.."), symlink("m", "x/y/l1/..")}},
		// m is safe when written, and d turns it into an escape later.
		{"LaterEntryChangesMeaning", []tarEntry{dir("d/"), symlink("m", "d/.."), symlink("d", ".")}},
		// A link written through another link is relative to where it
		// lands, not to its name in the archive: "a/b/l" lands at "b/l",
		// so "../.." is one level above the root.
		{"ThroughLink", []tarEntry{symlink("a", "."), dir("b/"), symlink("a/b/l", "../..")}},
		{"FileThroughEscapingLink", []tarEntry{symlink("out", "../outside"), file("out/pwned", "x")}},
		{"Backslash", []tarEntry{symlink("l", `..\..\x`)}},
		{"Empty", []tarEntry{symlink("l", "")}},
	}
	for _, tc := range unsafe {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := buildTar(t, tc.entries...)
			err := archive.Validate(data, archive.MimeTypeTar)
			require.Error(t, err)
			assert.True(t, archive.IsInvalid(err))
			_, err = extract(t, data, archive.MimeTypeTar, archive.Limits{})
			require.Error(t, err)
			assert.True(t, archive.IsInvalid(err), "%v", err)
		})
	}

	t.Run("Zip", func(t *testing.T) {
		t.Parallel()
		ok := buildZip(t,
			zipEntry{name: "real.txt", mode: 0o644, body: "real"},
			zipEntry{name: "link.txt", mode: fs.ModeSymlink | 0o777, body: "real.txt"},
		)
		dst, err := extract(t, ok, archive.MimeTypeZip, archive.Limits{})
		require.NoError(t, err)
		assert.Equal(t, "real", readFile(t, filepath.Join(dst, "link.txt")))

		bad := buildZip(t, zipEntry{name: "link", mode: fs.ModeSymlink | 0o777, body: "../../etc/passwd"})
		_, err = extract(t, bad, archive.MimeTypeZip, archive.Limits{})
		require.ErrorIs(t, err, archive.ErrUnsafe)

		long := buildZip(t, zipEntry{name: "link", mode: fs.ModeSymlink | 0o777, body: strings.Repeat("a/", 3000)})
		require.ErrorIs(t, archive.Validate(long, archive.MimeTypeZip), archive.ErrCorrupt)
	})
}

func TestHardlinks(t *testing.T) {
	t.Parallel()

	data := buildTar(t, file("a.txt", "shared"), hardlink("b.txt", "a.txt"))
	dst, err := extract(t, data, archive.MimeTypeTar, archive.Limits{})
	require.NoError(t, err)
	assert.Equal(t, "shared", readFile(t, filepath.Join(dst, "b.txt")))

	for name, entries := range map[string][]tarEntry{
		"Missing":   {hardlink("b", "nope")},
		"ToSymlink": {symlink("l", "x"), hardlink("b", "l")},
		"ToDir":     {dir("d/"), hardlink("b", "d")},
		"Outside":   {hardlink("b", "../../etc/passwd")},
		"Absolute":  {hardlink("b", "/etc/passwd")},
		"Self":      {file("b", "x"), hardlink("b", "b")},
	} {
		data := buildTar(t, entries...)
		_, err := extract(t, data, archive.MimeTypeTar, archive.Limits{})
		require.ErrorIs(t, err, archive.ErrUnsafe, name)
	}
}

func TestSpecialFiles(t *testing.T) {
	t.Parallel()
	for name, flag := range map[string]byte{"Char": tar.TypeChar, "Block": tar.TypeBlock, "Fifo": tar.TypeFifo, "Unknown": 'Z'} {
		data := buildTar(t, tarEntry{hdr: tar.Header{Name: "dev", Typeflag: flag, Mode: 0o644, Devmajor: 1, Devminor: 3}})
		require.ErrorIs(t, archive.Validate(data, archive.MimeTypeTar), archive.ErrUnsafe, name)
		_, err := extract(t, data, archive.MimeTypeTar, archive.Limits{})
		require.ErrorIs(t, err, archive.ErrUnsafe, name)
	}
	for name, mode := range map[string]fs.FileMode{"Device": fs.ModeDevice | 0o644, "Char": fs.ModeDevice | fs.ModeCharDevice | 0o644, "Pipe": fs.ModeNamedPipe | 0o644, "Socket": fs.ModeSocket | 0o644} {
		data := buildZip(t, zipEntry{name: "dev", mode: mode})
		require.ErrorIs(t, archive.Validate(data, archive.MimeTypeZip), archive.ErrUnsafe, name)
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()

	many := map[string]string{}
	for i := range 50 {
		many[filepath.Join("d", strings.Repeat("f", i+1))] = "x"
	}
	tarMany, err := archive.CreateTar(many) // 50 files + 1 directory
	require.NoError(t, err)
	zipMany, err := archive.CreateZip(many)
	require.NoError(t, err)

	t.Run("TooManyFiles", func(t *testing.T) {
		t.Parallel()
		for mt, data := range map[string][]byte{archive.MimeTypeTar: tarMany, archive.MimeTypeZip: zipMany} {
			err := archive.ValidateWithLimits(data, mt, archive.Limits{MaxFiles: 50})
			require.ErrorIs(t, err, archive.ErrTooLarge, mt)
			assert.Contains(t, err.Error(), "50")
			_, err = extract(t, data, mt, archive.Limits{MaxFiles: 50})
			require.ErrorIs(t, err, archive.ErrTooLarge, mt)
			_, err = extract(t, data, mt, archive.Limits{MaxFiles: 51})
			require.NoError(t, err, mt)
		}
	})

	t.Run("TooManyBytes", func(t *testing.T) {
		t.Parallel()
		big := map[string]string{"a": strings.Repeat("a", 600), "b": strings.Repeat("b", 600)}
		for mt, create := range map[string]func(map[string]string) ([]byte, error){archive.MimeTypeTar: archive.CreateTar, archive.MimeTypeZip: archive.CreateZip} {
			data, err := create(big)
			require.NoError(t, err)
			_, err = extract(t, data, mt, archive.Limits{MaxBytes: 1000})
			require.ErrorIs(t, err, archive.ErrTooLarge, mt)
			_, err = extract(t, data, mt, archive.Limits{MaxBytes: 1200})
			require.NoError(t, err, mt)
		}
	})

	t.Run("ZipBomb", func(t *testing.T) {
		t.Parallel()
		// 4 MiB of zeros deflates to about 4 KiB.
		bomb := buildZip(t, zipEntry{name: "zeros", mode: 0o644, body: strings.Repeat("\x00", 4<<20)})
		require.Less(t, len(bomb), 64<<10)
		require.ErrorIs(t, archive.ValidateWithLimits(bomb, archive.MimeTypeZip, archive.Limits{MaxBytes: 1 << 20}), archive.ErrTooLarge)
		_, err := extract(t, bomb, archive.MimeTypeZip, archive.Limits{MaxBytes: 1 << 20})
		require.ErrorIs(t, err, archive.ErrTooLarge)
	})

	t.Run("ZipLyingHeader", func(t *testing.T) {
		t.Parallel()
		// The header claims 10 bytes; the body inflates to 1 MiB. Validate
		// only sees the header; Extract must still stop at the limit.
		body := bytes.Repeat([]byte("A"), 1<<20)
		var deflated bytes.Buffer
		fw, err := flate.NewWriter(&deflated, flate.BestCompression)
		require.NoError(t, err)
		_, err = fw.Write(body)
		require.NoError(t, err)
		require.NoError(t, fw.Close())

		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.CreateRaw(&zip.FileHeader{
			Name: "liar", Method: zip.Deflate, CRC32: crc32.ChecksumIEEE(body),
			CompressedSize64: uint64(deflated.Len()), UncompressedSize64: 10,
		})
		require.NoError(t, err)
		_, err = w.Write(deflated.Bytes())
		require.NoError(t, err)
		require.NoError(t, zw.Close())

		limits := archive.Limits{MaxBytes: 64 << 10}
		require.NoError(t, archive.ValidateWithLimits(buf.Bytes(), archive.MimeTypeZip, limits))
		dst, err := extract(t, buf.Bytes(), archive.MimeTypeZip, limits)
		require.Error(t, err)
		assert.True(t, archive.IsInvalid(err), "%v", err)
		if fi, err := os.Stat(filepath.Join(dst, "liar")); err == nil {
			assert.LessOrEqual(t, fi.Size(), int64(64<<10)+1)
		}
	})

	t.Run("HugeDeclaredTarSize", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		require.NoError(t, tw.WriteHeader(&tar.Header{Name: "huge", Typeflag: tar.TypeReg, Size: 1 << 40, Mode: 0o644}))
		// Do not write the body: the header alone must be refused.
		err := archive.Validate(buf.Bytes(), archive.MimeTypeTar)
		require.ErrorIs(t, err, archive.ErrTooLarge)
	})

	t.Run("Defaults", func(t *testing.T) {
		t.Parallel()
		assert.Equal(t, archive.Limits{MaxFiles: 10_000, MaxBytes: 100 << 20}, archive.DefaultLimits())
	})
}

func TestDuplicatesAndConflicts(t *testing.T) {
	t.Parallel()

	data := buildTar(t, file("a", "first"), file("a", "second"))
	dst, err := extract(t, data, archive.MimeTypeTar, archive.Limits{})
	require.NoError(t, err)
	assert.Equal(t, "second", readFile(t, filepath.Join(dst, "a")))

	// A later file replaces a symlink instead of writing through it.
	data = buildTar(t, file("target", "keep"), symlink("l", "target"), file("l", "new"))
	dst, err = extract(t, data, archive.MimeTypeTar, archive.Limits{})
	require.NoError(t, err)
	assert.Equal(t, "keep", readFile(t, filepath.Join(dst, "target")))
	assert.Equal(t, "new", readFile(t, filepath.Join(dst, "l")))

	data = buildTar(t, file("d/x", "x"), file("d", "file over a full directory"))
	_, err = extract(t, data, archive.MimeTypeTar, archive.Limits{})
	require.ErrorIs(t, err, archive.ErrCorrupt)

	data = buildTar(t, file("f", "x"), file("f/inside", "y"))
	_, err = extract(t, data, archive.MimeTypeTar, archive.Limits{})
	require.ErrorIs(t, err, archive.ErrCorrupt)
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	data := buildTar(t,
		tarEntry{hdr: tar.Header{Name: "run.sh", Typeflag: tar.TypeReg, Mode: 0o4777, Size: 2}, body: "hi"},
		tarEntry{hdr: tar.Header{Name: "readonly", Typeflag: tar.TypeReg, Mode: 0o400, Size: 2}, body: "hi"},
	)
	dst, err := extract(t, data, archive.MimeTypeTar, archive.Limits{})
	require.NoError(t, err)
	fi, err := os.Stat(filepath.Join(dst, "run.sh"))
	require.NoError(t, err)
	assert.Zero(t, fi.Mode()&(fs.ModeSetuid|fs.ModeSetgid), "setuid stripped")
	assert.Zero(t, fi.Mode().Perm()&0o022, "never group/world writable")
	assert.NotZero(t, fi.Mode().Perm()&0o100, "executable bit kept")
	fi, err = os.Stat(filepath.Join(dst, "readonly"))
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm()&0o600, "owner can always read and write")
}

func TestInsecurePathGodebug(t *testing.T) {
	// With GODEBUG=tarinsecurepath=0 / zipinsecurepath=0 the standard
	// library reports insecure names itself; we must still give our own
	// error, not ErrCorrupt.
	t.Setenv("GODEBUG", "tarinsecurepath=0,zipinsecurepath=0")
	data := buildTar(t, file("../evil", "x"))
	require.ErrorIs(t, archive.Validate(data, archive.MimeTypeTar), archive.ErrUnsafe)
	zdata := buildZip(t, zipEntry{name: "../evil", mode: 0o644})
	require.ErrorIs(t, archive.Validate(zdata, archive.MimeTypeZip), archive.ErrUnsafe)
}

func TestExtractIntoExistingFileFails(t *testing.T) {
	t.Parallel()
	data, err := archive.CreateTar(map[string]string{"a": "b"})
	require.NoError(t, err)
	notDir := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(notDir, []byte("x"), 0o600))
	err = archive.Extract(data, archive.MimeTypeTar, notDir, archive.Limits{})
	require.Error(t, err)
	assert.False(t, archive.IsInvalid(err), "an I/O problem is not the archive's fault")
	assert.False(t, errors.Is(err, archive.ErrCorrupt))
}

func TestLongNames(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a/", 2100) + "f" // over PATH_MAX
	data := buildTar(t, file(long, "x"))
	require.ErrorIs(t, archive.Validate(data, archive.MimeTypeTar), archive.ErrUnsafe)
	data = buildTar(t, symlink("l", strings.Repeat("./", 2100)+"f"))
	require.ErrorIs(t, archive.Validate(data, archive.MimeTypeTar), archive.ErrUnsafe)
}

func BenchmarkValidate(b *testing.B) {
	files := map[string]string{}
	for i := range 5000 {
		files[filepath.Join("src", strings.Repeat("d", i%20+1), strings.Repeat("f", i/20+1))] = "content"
	}
	data, err := archive.CreateTar(files)
	require.NoError(b, err)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		require.NoError(b, archive.Validate(data, archive.MimeTypeTar))
	}
}
