package main

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/coder/serpent"

	"github.com/devplane/devplane/cli"
)

const committedDir = "../../docs/reference/cli"

// pagesByName maps each visible command's page to the command.
func pagesByName(t *testing.T, root *serpent.Command) map[string]*serpent.Command {
	t.Helper()
	pages := map[string]*serpent.Command{}
	for _, c := range visibleCommands(root) {
		name := pageName(c)
		if other, dup := pages[name]; dup {
			t.Fatalf("commands %q and %q would share the page %s", other.FullName(), c.FullName(), name)
		}
		pages[name] = c
	}
	return pages
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestEveryCommandHasAPage: the generator writes exactly one page per
// visible command, hidden commands get none, and the committed pages are
// those pages, byte for byte.
func TestEveryCommandHasAPage(t *testing.T) {
	root := cli.Root()
	pages := pagesByName(t, root)
	files := generate(root, hostDirs())
	if got, want := sortedKeys(files), sortedKeys(pages); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("generated pages %v, want one per visible command %v", got, want)
	}
	for name, c := range pages {
		if c.Parent == nil {
			continue
		}
		if heading := "# " + strings.TrimPrefix(c.FullName(), "coder ") + "\n"; !strings.Contains(string(files[name]), heading) {
			t.Errorf("%s does not document %q", name, c.FullName())
		}
		if !strings.Contains(string(files[indexPage]), "]("+link(c)+")") {
			t.Errorf("the index does not link %s", name)
		}
	}

	committed, err := filepath.Glob(filepath.Join(committedDir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	onDisk := map[string]bool{}
	for _, path := range committed {
		onDisk[filepath.Base(path)] = true
		if _, ok := pages[filepath.Base(path)]; !ok {
			t.Errorf("%s documents no command (removed or hidden); run make gen", path)
		}
	}
	for name, c := range pages {
		if !onDisk[name] {
			t.Errorf("%q has no page %s in docs/reference/cli; run make gen", c.FullName(), name)
			continue
		}
		data, err := os.ReadFile(filepath.Join(committedDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != string(files[name]) {
			t.Errorf("docs/reference/cli/%s is stale; run make gen", name)
		}
	}
}

// TestOutputDoesNotDependOnTheHost: defaults computed from the user's
// directories print in their documented form.
func TestOutputDoesNotDependOnTheHost(t *testing.T) {
	first := generate(cli.Root(), hostDirs())

	other := t.TempDir()
	for _, env := range []string{"HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "TMPDIR"} {
		dir := filepath.Join(other, strings.ToLower(env))
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv(env, dir)
	}
	second := generate(cli.Root(), hostDirs())
	for name, data := range first {
		if string(second[name]) != string(data) {
			t.Errorf("%s changes with the home, config, cache or temporary directory", name)
		}
	}
	if !strings.Contains(string(first[indexPage]), "<code>~/.config/coderv2</code>") {
		t.Errorf("--global-config's default is not printed as ~/.config/coderv2:\n%s", first[indexPage])
	}
	for name, data := range first {
		if strings.Contains(string(data), other) {
			t.Errorf("%s contains the host path %s", name, other)
		}
	}
}

func TestNormalizeDefault(t *testing.T) {
	dirs := sortAliases([]dirAlias{
		{host: "/home/alice", documented: "~"},
		{host: "/home/alice/.config", documented: "~/.config"},
		{host: "/", documented: "~"}, // a root home must not rewrite every path
		{host: "/var/tmp/", documented: "/tmp"},
	})
	for in, want := range map[string]string{
		"/home/alice/.config/coderv2": "~/.config/coderv2",
		"/home/alice/.config":         "~/.config",
		"/home/alice/src":             "~/src",
		"/home/alicexyz":              "/home/alicexyz",
		"/var/tmp":                    "/tmp",
		"/var/lib/coderv2":            "/var/lib/coderv2",
		"127.0.0.1:3000":              "127.0.0.1:3000",
		"":                            "",
	} {
		if got := normalizeDefault(in, dirs); got != want {
			t.Errorf("normalizeDefault(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWriteDirRemovesStalePages: a removed command loses its page, and files
// that are not pages are left alone.
func TestWriteDirRemovesStalePages(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"gone.md": "old", "keep.txt": "x", "README.md": "old"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string][]byte{"README.md": []byte("new"), "a.md": []byte("a")}
	if problems, err := diffDir(dir, files); err != nil || len(problems) != 3 {
		t.Fatalf("diffDir = %v, %v; want 3 problems (missing, differs, stale)", problems, err)
	}
	if err := writeDir(dir, files); err != nil {
		t.Fatal(err)
	}
	if problems, err := diffDir(dir, files); err != nil || len(problems) != 0 {
		t.Fatalf("after writeDir, diffDir = %v, %v", problems, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "gone.md")); !os.IsNotExist(err) {
		t.Errorf("gone.md was not removed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "keep.txt")); err != nil {
		t.Errorf("keep.txt was removed: %v", err)
	}
}

// TestRunCheck: -check exits 1 on an empty directory and 0 once written.
func TestRunCheck(t *testing.T) {
	dir := t.TempDir()
	var stderr strings.Builder
	if code := run([]string{"-out", dir, "-check"}, &stderr); code != 1 {
		t.Fatalf("-check on an empty directory exited %d, want 1", code)
	}
	if code := run([]string{"-out", dir}, &stderr); code != 0 {
		t.Fatalf("generate exited %d: %s", code, stderr.String())
	}
	if code := run([]string{"-out", dir, "-check"}, &stderr); code != 0 {
		t.Fatalf("-check after generating exited %d: %s", code, stderr.String())
	}
}
