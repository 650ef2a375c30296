// Package archive unpacks template archives (tar and zip) safely.
//
// Template archives are uploaded by users and unpacked on the provisioner
// host, so every archive is treated as hostile: entry names must be
// relative and stay inside the destination, symbolic links may not point
// (directly or through other links) outside it, device files, FIFOs and
// sockets are refused, and the number of entries and of expanded bytes is
// capped. A malformed archive gives an error, never a panic.
//
// Extraction is two passes over the in-memory archive: the first checks
// every header and builds a model of the resulting tree (so an unsafe
// archive writes nothing), the second writes through an os.Root, so even a
// bug in the first pass cannot make a write land outside the destination.
package archive

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path"
	"sort"
	"strings"
	"time"

	"golang.org/x/xerrors"
)

// Content types Extract and Validate accept.
const (
	MimeTypeTar = "application/x-tar"
	MimeTypeZip = "application/zip"
)

// Sentinel errors. Errors returned by this package wrap one of them when
// the archive itself is at fault (as opposed to, say, a full disk), so
// callers can answer 400 with errors.Is.
var (
	// ErrCorrupt: the bytes are not a well-formed archive of the type.
	ErrCorrupt = errors.New("archive is corrupt")
	// ErrTooLarge: the archive exceeds Limits.
	ErrTooLarge = errors.New("archive is too large")
	// ErrUnsafe: an entry would escape the destination or is a kind of
	// file a template may not contain.
	ErrUnsafe = errors.New("archive contains an unsafe entry")
	// ErrUnsupportedType: the content type is neither tar nor zip.
	ErrUnsupportedType = errors.New("unsupported archive type")
)

// IsInvalid reports whether err means the archive is unacceptable (as
// opposed to an I/O failure while extracting it).
func IsInvalid(err error) bool {
	return errors.Is(err, ErrCorrupt) || errors.Is(err, ErrTooLarge) ||
		errors.Is(err, ErrUnsafe) || errors.Is(err, ErrUnsupportedType)
}

// Default limits: generous for a template (which is mostly text) and small
// enough that an upload cannot fill a provisioner's disk.
const (
	DefaultMaxFiles = 10_000
	DefaultMaxBytes = 100 << 20 // 100 MiB expanded
)

// Limits caps what an archive may expand to. A zero field takes its
// default; a negative one means "no entries"/"no bytes" allowed.
type Limits struct {
	// MaxFiles is the maximum number of entries (files, directories and
	// links).
	MaxFiles int
	// MaxBytes is the maximum total size of the regular files, expanded.
	MaxBytes int64
}

// DefaultLimits returns the limits used when none are given.
func DefaultLimits() Limits {
	return Limits{MaxFiles: DefaultMaxFiles, MaxBytes: DefaultMaxBytes}
}

func (l Limits) withDefaults() Limits {
	if l.MaxFiles == 0 {
		l.MaxFiles = DefaultMaxFiles
	}
	if l.MaxBytes == 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	return l
}

// maxPathLength bounds entry names and link targets, like PATH_MAX: the
// filesystem would refuse longer ones anyway, and it keeps the cost of
// checking a hostile archive linear in its size.
const maxPathLength = 4096

// maxSymlinkTarget bounds a link target read from a zip entry's body.
const maxSymlinkTarget = maxPathLength

// Validate checks an archive without writing anything: it walks the
// headers (tar) or the central directory (zip) and applies every check
// Extract does except the actual decompression, under DefaultLimits. It is
// cheap enough to run at upload time.
func Validate(data []byte, mimetype string) error {
	return ValidateWithLimits(data, mimetype, Limits{})
}

// ValidateWithLimits is Validate with explicit limits.
func ValidateWithLimits(data []byte, mimetype string, limits Limits) error {
	_, err := plan(data, mimetype, limits.withDefaults())
	return err
}

// Extract unpacks data, a tar (MimeTypeTar) or zip (MimeTypeZip) archive,
// into dst, creating dst if needed. dst should be a new, empty directory:
// entries replace what is there, and after an error it may hold a partial
// extraction that the caller should remove.
//
// File permissions keep the archive's executable bits but are always
// readable and writable by the owner and never group- or world-writable,
// setuid or setgid; ownership and timestamps are not restored.
func Extract(data []byte, mimetype string, dst string, limits Limits) error {
	limits = limits.withDefaults()
	p, err := plan(data, mimetype, limits)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return xerrors.Errorf("create destination: %w", err)
	}
	root, err := os.OpenRoot(dst)
	if err != nil {
		return xerrors.Errorf("open destination: %w", err)
	}
	defer root.Close()

	w := &writer{root: root, budget: limits.MaxBytes}
	if err := p.walk(data, w.write); err != nil {
		return err
	}
	// Defense in depth: check the links as they are on disk, in case the
	// model and the filesystem disagree.
	for _, link := range w.links {
		if err := checkLinkOnDisk(root, link); err != nil {
			_ = root.Remove(link)
			return err
		}
	}
	return nil
}

// CreateTar builds an uncompressed tar archive from name → content. Names
// ending in "/" become directories; missing parent directories are added.
// Entries are sorted, timestamps fixed, so the output is deterministic.
// Names must be relative, without "..".
func CreateTar(files map[string]string) ([]byte, error) {
	names, err := sortedEntries(files)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, name := range names {
		hdr := &tar.Header{Name: name, ModTime: epoch}
		if strings.HasSuffix(name, "/") {
			hdr.Typeflag, hdr.Mode = tar.TypeDir, 0o755
		} else {
			hdr.Typeflag, hdr.Mode, hdr.Size = tar.TypeReg, 0o644, int64(len(files[name]))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, xerrors.Errorf("write header %q: %w", name, err)
		}
		if hdr.Typeflag == tar.TypeReg {
			if _, err := io.WriteString(tw, files[name]); err != nil {
				return nil, xerrors.Errorf("write %q: %w", name, err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, xerrors.Errorf("close tar: %w", err)
	}
	return buf.Bytes(), nil
}

// CreateZip is CreateTar for zip archives.
func CreateZip(files map[string]string) ([]byte, error) {
	names, err := sortedEntries(files)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		hdr := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: epoch}
		if strings.HasSuffix(name, "/") {
			hdr.Method = zip.Store
			hdr.SetMode(fs.ModeDir | 0o755)
		} else {
			hdr.SetMode(0o644)
		}
		fw, err := zw.CreateHeader(hdr)
		if err != nil {
			return nil, xerrors.Errorf("write header %q: %w", name, err)
		}
		if !strings.HasSuffix(name, "/") {
			if _, err := io.WriteString(fw, files[name]); err != nil {
				return nil, xerrors.Errorf("write %q: %w", name, err)
			}
		}
	}
	if err := zw.Close(); err != nil {
		return nil, xerrors.Errorf("close zip: %w", err)
	}
	return buf.Bytes(), nil
}

var epoch = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// sortedEntries validates names and adds the parent directories.
func sortedEntries(files map[string]string) ([]string, error) {
	set := make(map[string]bool, len(files))
	for name := range files {
		clean, err := cleanName(name)
		if err != nil {
			return nil, err
		}
		if clean == "" {
			return nil, fmt.Errorf("%w: %q names the archive root", ErrUnsafe, name)
		}
		set[name] = true
		for dir := path.Dir(clean); dir != "."; dir = path.Dir(dir) {
			if _, isFile := files[dir]; isFile {
				return nil, xerrors.Errorf("%q is both a file and a directory", dir)
			}
			set[dir+"/"] = true
		}
	}
	names := make([]string, 0, len(set))
	for name := range set {
		names = append(names, name)
	}
	sort.Strings(names)
	return names, nil
}

// entryKind is what an archive entry becomes on disk.
type entryKind int

const (
	kindDir entryKind = iota
	kindFile
	kindSymlink
	kindHardlink
)

// entry is one archive member, normalized across tar and zip.
type entry struct {
	name     string // cleaned, relative, slash-separated; never "" or "."
	kind     entryKind
	mode     fs.FileMode // permission bits
	size     int64       // declared size of a regular file
	linkname string      // symlink target, or hardlink source (cleaned)
	// body reads a regular file's content; only valid during the
	// callback of walk.
	body func() (io.ReadCloser, error)
}

// planned is an archive whose headers passed every check.
type planned struct {
	zip   bool
	zipRd *zip.Reader
}

// plan runs every check that can be made from the headers.
func plan(data []byte, mimetype string, limits Limits) (*planned, error) {
	var p planned
	switch normalizeType(mimetype) {
	case MimeTypeTar:
	case MimeTypeZip, "application/x-zip-compressed":
		p.zip = true
		r, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
			return nil, fmt.Errorf("%w: %s", ErrCorrupt, err)
		}
		if r == nil {
			return nil, fmt.Errorf("%w: unreadable zip", ErrCorrupt)
		}
		// Cheap early exit before looking at any entry.
		if len(r.File) > limits.MaxFiles {
			return nil, fmt.Errorf("%w: %d entries, the limit is %d", ErrTooLarge, len(r.File), limits.MaxFiles)
		}
		p.zipRd = r
	default:
		return nil, fmt.Errorf("%w %q: must be %q or %q", ErrUnsupportedType, mimetype, MimeTypeTar, MimeTypeZip)
	}

	var (
		count int
		total int64
		tree  = newModel()
	)
	err := p.walk(data, func(e entry) error {
		count++
		if count > limits.MaxFiles {
			return fmt.Errorf("%w: more than %d entries", ErrTooLarge, limits.MaxFiles)
		}
		if e.kind == kindFile {
			if e.size > limits.MaxBytes-total {
				return fmt.Errorf("%w: more than %d bytes expanded", ErrTooLarge, limits.MaxBytes)
			}
			total += e.size
		}
		return tree.add(e)
	})
	if err != nil {
		return nil, err
	}
	if err := tree.checkLinks(); err != nil {
		return nil, err
	}
	return &p, nil
}

func normalizeType(mimetype string) string {
	if mt, _, err := mime.ParseMediaType(mimetype); err == nil {
		return mt
	}
	return strings.ToLower(strings.TrimSpace(mimetype))
}

// walk calls fn for every entry, in archive order, skipping the archive
// root and metadata-only records.
func (p *planned) walk(data []byte, fn func(entry) error) error {
	if p.zip {
		return walkZip(p.zipRd, fn)
	}
	return walkTar(data, fn)
}

func walkTar(data []byte, fn func(entry) error) error {
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			return fmt.Errorf("%w: %s", ErrCorrupt, err)
		}
		if hdr == nil {
			return fmt.Errorf("%w: unreadable header", ErrCorrupt)
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue // PAX global metadata, not a file
		}
		name, err := cleanName(hdr.Name)
		if err != nil {
			return err
		}
		if name == "" {
			if hdr.Typeflag == tar.TypeDir {
				continue // "./": the root itself
			}
			return fmt.Errorf("%w: entry %q names the archive root", ErrUnsafe, hdr.Name)
		}
		e := entry{name: name, mode: fs.FileMode(hdr.Mode).Perm()}
		switch hdr.Typeflag {
		case tar.TypeDir:
			e.kind = kindDir
		case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse: //nolint:staticcheck // TypeRegA: old archives still use it
			if hdr.Size < 0 {
				return fmt.Errorf("%w: %q has a negative size", ErrCorrupt, hdr.Name)
			}
			e.kind, e.size = kindFile, hdr.Size
			e.body = func() (io.ReadCloser, error) { return io.NopCloser(tr), nil }
		case tar.TypeSymlink:
			e.kind, e.linkname = kindSymlink, hdr.Linkname
		case tar.TypeLink:
			src, err := cleanName(hdr.Linkname)
			if err != nil {
				return xerrors.Errorf("hard link %q: %w", hdr.Name, err)
			}
			if src == "" {
				return fmt.Errorf("%w: hard link %q points at the archive root", ErrUnsafe, hdr.Name)
			}
			e.kind, e.linkname = kindHardlink, src
		case tar.TypeChar, tar.TypeBlock:
			return fmt.Errorf("%w: %q is a device file", ErrUnsafe, hdr.Name)
		case tar.TypeFifo:
			return fmt.Errorf("%w: %q is a named pipe", ErrUnsafe, hdr.Name)
		default:
			return fmt.Errorf("%w: %q has unsupported type %q", ErrUnsafe, hdr.Name, string(hdr.Typeflag))
		}
		if err := fn(e); err != nil {
			return err
		}
	}
}

func walkZip(r *zip.Reader, fn func(entry) error) error {
	for _, f := range r.File {
		name, err := cleanName(f.Name)
		if err != nil {
			return err
		}
		mode := f.Mode()
		isDir := mode.IsDir() || strings.HasSuffix(f.Name, "/")
		if name == "" {
			if isDir {
				continue
			}
			return fmt.Errorf("%w: entry %q names the archive root", ErrUnsafe, f.Name)
		}
		e := entry{name: name, mode: mode.Perm()}
		switch {
		case isDir:
			e.kind = kindDir
		case mode&fs.ModeSymlink != 0:
			target, err := readZipLink(f)
			if err != nil {
				return err
			}
			e.kind, e.linkname = kindSymlink, target
		case mode&(fs.ModeDevice|fs.ModeCharDevice) != 0:
			return fmt.Errorf("%w: %q is a device file", ErrUnsafe, f.Name)
		case mode&fs.ModeNamedPipe != 0:
			return fmt.Errorf("%w: %q is a named pipe", ErrUnsafe, f.Name)
		case mode&(fs.ModeSocket|fs.ModeIrregular) != 0:
			return fmt.Errorf("%w: %q is not a regular file", ErrUnsafe, f.Name)
		default:
			if f.UncompressedSize64 > 1<<62 {
				return fmt.Errorf("%w: %q declares an absurd size", ErrTooLarge, f.Name)
			}
			e.kind, e.size = kindFile, int64(f.UncompressedSize64)
			e.body = func() (io.ReadCloser, error) {
				rc, err := f.Open()
				if err != nil {
					return nil, fmt.Errorf("%w: open %q: %s", ErrCorrupt, f.Name, err)
				}
				return rc, nil
			}
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// readZipLink reads a symlink's target, which zip stores as the body.
func readZipLink(f *zip.File) (string, error) {
	if f.UncompressedSize64 > maxSymlinkTarget {
		return "", fmt.Errorf("%w: symlink %q has a target longer than %d bytes", ErrCorrupt, f.Name, maxSymlinkTarget)
	}
	rc, err := f.Open()
	if err != nil {
		return "", fmt.Errorf("%w: open symlink %q: %s", ErrCorrupt, f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxSymlinkTarget+1))
	if err != nil {
		return "", fmt.Errorf("%w: read symlink %q: %s", ErrCorrupt, f.Name, err)
	}
	if len(b) > maxSymlinkTarget {
		return "", fmt.Errorf("%w: symlink %q has a target longer than %d bytes", ErrCorrupt, f.Name, maxSymlinkTarget)
	}
	return string(b), nil
}

// cleanName turns an entry name into a clean relative slash path. It
// returns "" for the archive root ("." or "./").
func cleanName(name string) (string, error) {
	switch {
	case name == "":
		return "", fmt.Errorf("%w: entry with an empty name", ErrCorrupt)
	case len(name) > maxPathLength:
		return "", fmt.Errorf("%w: entry name %.64q... is longer than %d bytes", ErrUnsafe, name, maxPathLength)
	case strings.ContainsRune(name, 0):
		return "", fmt.Errorf("%w: entry name %q contains a NUL byte", ErrUnsafe, name)
	case strings.Contains(name, `\`):
		return "", fmt.Errorf("%w: entry name %q contains a backslash", ErrUnsafe, name)
	case strings.HasPrefix(name, "/"):
		return "", fmt.Errorf("%w: entry name %q is an absolute path", ErrUnsafe, name)
	}
	for _, part := range strings.Split(name, "/") {
		if part == ".." {
			return "", fmt.Errorf("%w: entry name %q contains \"..\"", ErrUnsafe, name)
		}
	}
	clean := path.Clean(name)
	if clean == "." {
		return "", nil
	}
	return clean, nil
}

// filePerm is the mode a regular file is created with.
func filePerm(mode fs.FileMode) fs.FileMode {
	return (mode & 0o755) | 0o600
}

// writer is the second pass: it materializes entries under root.
type writer struct {
	root   *os.Root
	budget int64    // bytes left under Limits.MaxBytes
	links  []string // symlinks created, checked at the end
}

func (w *writer) write(e entry) error {
	if e.kind == kindDir {
		return w.dir(e.name)
	}
	if dir := path.Dir(e.name); dir != "." {
		if err := w.root.MkdirAll(dir, 0o755); err != nil {
			return xerrors.Errorf("create directory for %q: %w", e.name, err)
		}
	}
	// Replace, never write through, whatever is at the name.
	if err := w.root.Remove(e.name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %q conflicts with an earlier entry: %s", ErrCorrupt, e.name, err)
	}
	switch e.kind {
	case kindSymlink:
		if err := w.root.Symlink(e.linkname, e.name); err != nil {
			return xerrors.Errorf("create symlink %q: %w", e.name, err)
		}
		w.links = append(w.links, e.name)
		return nil
	case kindHardlink:
		fi, err := w.root.Lstat(e.linkname)
		if err != nil || !fi.Mode().IsRegular() {
			return fmt.Errorf("%w: hard link %q must point at a regular file earlier in the archive", ErrUnsafe, e.name)
		}
		if err := w.root.Link(e.linkname, e.name); err != nil {
			return xerrors.Errorf("create hard link %q: %w", e.name, err)
		}
		return nil
	default:
		return w.file(e)
	}
}

func (w *writer) dir(name string) error {
	fi, err := w.root.Lstat(name)
	if err == nil && fi.IsDir() {
		return nil
	}
	if err == nil {
		if err := w.root.Remove(name); err != nil {
			return fmt.Errorf("%w: directory %q conflicts with an earlier entry: %s", ErrCorrupt, name, err)
		}
	}
	if err := w.root.MkdirAll(name, 0o755); err != nil {
		return xerrors.Errorf("create directory %q: %w", name, err)
	}
	return nil
}

func (w *writer) file(e entry) error {
	body, err := e.body()
	if err != nil {
		return err
	}
	defer body.Close()
	f, err := w.root.OpenFile(e.name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, filePerm(e.mode))
	if err != nil {
		return xerrors.Errorf("create %q: %w", e.name, err)
	}
	// Read at most one byte past the budget: the declared size of a zip
	// entry is not to be trusted.
	n, copyErr := io.Copy(f, io.LimitReader(body, w.budget+1))
	closeErr := f.Close()
	switch {
	case n > w.budget:
		return fmt.Errorf("%w: more than the byte limit when expanded", ErrTooLarge)
	case copyErr != nil:
		var pathErr *fs.PathError
		if errors.As(copyErr, &pathErr) {
			return xerrors.Errorf("write %q: %w", e.name, copyErr)
		}
		return fmt.Errorf("%w: read %q: %s", ErrCorrupt, e.name, copyErr)
	case closeErr != nil:
		return xerrors.Errorf("write %q: %w", e.name, closeErr)
	case n != e.size:
		return fmt.Errorf("%w: %q is %d bytes, its header says %d", ErrCorrupt, e.name, n, e.size)
	}
	w.budget -= n
	return nil
}
