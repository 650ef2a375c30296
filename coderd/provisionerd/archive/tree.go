package archive

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"

	"golang.org/x/xerrors"
)

const (
	// maxLinkFollows bounds symlink resolution, like the kernel's ELOOP
	// limit.
	maxLinkFollows = 40
	// maxResolveSteps bounds the components one resolution may walk
	// (links expand into more of them).
	maxResolveSteps = 16 << 10
)

var (
	errEscapes  = xerrors.New("resolves outside the destination")
	errTooDeep  = xerrors.New("resolves through too many levels of symbolic links")
	errAbsolute = xerrors.New("points at an absolute path")
)

// resolve walks p (relative to the destination root, slash-separated,
// possibly containing "." and ".."), following symbolic links as lookup
// reports them, and returns the path it designates with every link
// resolved. A link is followed in the last component only if followFinal.
//
// Unlike path.Clean, ".." is applied after the component before it is
// resolved, as the kernel does: "link/.." is the parent of the link's
// target, not the link's directory. Components that do not exist are taken
// literally. The result never leaves the root: that is an error.
func resolve(p string, lookup func(string) (target string, isLink bool), followFinal bool) (string, error) {
	pending := strings.Split(p, "/")
	// cur is the resolved prefix; marks[i] is where its i-th component
	// starts, so ".." truncates in place instead of re-joining.
	cur := make([]byte, 0, len(p))
	var marks []int
	push := func(c string) {
		marks = append(marks, len(cur))
		if len(cur) > 0 {
			cur = append(cur, '/')
		}
		cur = append(cur, c...)
	}
	pop := func() {
		cur = cur[:marks[len(marks)-1]]
		marks = marks[:len(marks)-1]
	}
	follows, steps := 0, 0
	for len(pending) > 0 {
		c := pending[0]
		pending = pending[1:]
		if steps++; steps > maxResolveSteps {
			return "", errTooDeep
		}
		switch c {
		case "", ".":
			continue
		case "..":
			if len(marks) == 0 {
				return "", errEscapes
			}
			pop()
			continue
		}
		push(c)
		// A link is followed unless it is the last component and
		// followFinal is off ("link/." still follows it).
		target, ok := lookup(string(cur))
		if !ok || (!followFinal && len(pending) == 0) {
			continue
		}
		pop()
		if follows++; follows > maxLinkFollows {
			return "", errTooDeep
		}
		if target == "" || strings.HasPrefix(target, "/") {
			return "", errEscapes
		}
		// The target is relative to the link's directory, which is cur.
		pending = append(strings.Split(target, "/"), pending...)
	}
	return string(cur), nil
}

func joinRel(dir, name string) string {
	if dir == "" || dir == "." {
		return name
	}
	return dir + "/" + name
}

// node is one path in the model of the extracted tree.
type node struct {
	kind   entryKind // kindDir, kindFile (hard links too) or kindSymlink
	target string    // symlink target
}

// model is the tree an archive will produce, keyed by canonical path (no
// symlinks in any directory component). It mirrors what writer does on
// disk so links can be checked before anything is written.
type model struct {
	nodes    map[string]*node
	children map[string]int // entries directly under a directory
	links    []string       // symlink keys, in archive order
}

func newModel() *model {
	return &model{nodes: map[string]*node{}, children: map[string]int{}}
}

func (m *model) lookupLink(p string) (string, bool) {
	if n := m.nodes[p]; n != nil && n.kind == kindSymlink {
		return n.target, true
	}
	return "", false
}

// add places e in the model, following the links already there the way
// os.Root follows them when writer creates e.
func (m *model) add(e entry) error {
	if e.kind == kindSymlink {
		if err := checkLinkTarget(e.name, e.linkname); err != nil {
			return err
		}
	}
	parent, err := resolve(path.Dir(e.name), m.lookupLink, true)
	if err != nil {
		return fmt.Errorf("%w: the directory of %q %s", ErrUnsafe, e.name, err)
	}
	if err := m.ensureDirs(parent, e.name); err != nil {
		return err
	}
	key := joinRel(parent, path.Base(e.name))
	existing := m.nodes[key]

	var n *node
	switch e.kind {
	case kindDir:
		if existing != nil && existing.kind == kindDir {
			return nil
		}
		n = &node{kind: kindDir}
	case kindSymlink:
		n = &node{kind: kindSymlink, target: e.linkname}
		m.links = append(m.links, key)
	case kindHardlink:
		src, err := resolve(e.linkname, m.lookupLink, false)
		if err != nil {
			return fmt.Errorf("%w: hard link %q: its source %s", ErrUnsafe, e.name, err)
		}
		if s := m.nodes[src]; s == nil || s.kind != kindFile || src == key {
			return fmt.Errorf("%w: hard link %q must point at a regular file earlier in the archive", ErrUnsafe, e.name)
		}
		n = &node{kind: kindFile}
	default:
		n = &node{kind: kindFile}
	}
	if existing != nil && existing.kind == kindDir && m.children[key] > 0 {
		return fmt.Errorf("%w: %q replaces a directory that is not empty", ErrCorrupt, e.name)
	}
	if existing == nil {
		m.children[parent]++
	}
	m.nodes[key] = n
	return nil
}

// ensureDirs makes every component of the canonical directory dir exist as
// a directory, as MkdirAll would.
func (m *model) ensureDirs(dir, entryName string) error {
	if dir == "" {
		return nil
	}
	parent := ""
	for i := 0; i <= len(dir); i++ {
		if i < len(dir) && dir[i] != '/' {
			continue
		}
		p := dir[:i]
		n := m.nodes[p]
		if n == nil {
			m.nodes[p] = &node{kind: kindDir}
			m.children[parent]++
		} else if n.kind != kindDir {
			return fmt.Errorf("%w: %q is inside %q, which is not a directory", ErrCorrupt, entryName, p)
		}
		parent = p
	}
	return nil
}

// checkLinks verifies, once the whole tree is known, that every symlink
// resolves inside the destination. It has to wait for the end: a later
// entry can change what an earlier link's target goes through.
func (m *model) checkLinks() error {
	for _, key := range m.links {
		n := m.nodes[key]
		if n == nil || n.kind != kindSymlink {
			continue // replaced by a later entry
		}
		if _, err := resolve(joinRel(path.Dir(key), n.target), m.lookupLink, true); err != nil {
			return fmt.Errorf("%w: symlink %q -> %q %s", ErrUnsafe, key, n.target, err)
		}
	}
	return nil
}

func checkLinkTarget(name, target string) error {
	switch {
	case target == "":
		return fmt.Errorf("%w: symlink %q has an empty target", ErrCorrupt, name)
	case len(target) > maxPathLength:
		return fmt.Errorf("%w: symlink %q has a target longer than %d bytes", ErrUnsafe, name, maxPathLength)
	case strings.ContainsRune(target, 0):
		return fmt.Errorf("%w: symlink %q target contains a NUL byte", ErrUnsafe, name)
	case strings.Contains(target, `\`):
		return fmt.Errorf("%w: symlink %q target %q contains a backslash", ErrUnsafe, name, target)
	case strings.HasPrefix(target, "/"):
		return fmt.Errorf("%w: symlink %q -> %q %s", ErrUnsafe, name, target, errAbsolute)
	}
	return nil
}

// checkLinkOnDisk resolves a created symlink against the real tree.
func checkLinkOnDisk(root *os.Root, name string) error {
	lookup := func(p string) (string, bool) {
		fi, err := root.Lstat(p)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			return "", false
		}
		target, err := root.Readlink(p)
		if err != nil {
			return "", true // unreadable link: an empty target counts as escaping
		}
		return target, true
	}
	if _, err := resolve(name, lookup, true); err != nil {
		return fmt.Errorf("%w: symlink %q %s", ErrUnsafe, name, err)
	}
	return nil
}
