// Command clidocgen renders the Markdown reference of the `coder` command
// line from the command tree itself (cli.Root()).
//
// Usage:
//
//	go run ./scripts/clidocgen -out docs/reference/cli
//	go run ./scripts/clidocgen -out docs/reference/cli -check
//
// It writes one page per visible command, named after the command's path
// without the leading "coder" and joined with "_" (templates_push.md), and
// README.md: the page of `coder` itself, its global options and an index of
// every command. Any other *.md file in the output directory is removed, so a
// deleted command loses its page. Defaults that depend on the host (home,
// config, cache and temporary directories) are printed in their documented
// form, so every machine yields the same bytes. With -check nothing is
// written: files that are missing, differ or are stale are listed and the
// exit status is 1.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/devplane/devplane/cli"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

func run(args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("clidocgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	outDir := fs.String("out", "docs/reference/cli", "directory to write the Markdown pages to")
	check := fs.Bool("check", false, "do not write; list files that are out of date and exit 1 if any")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "clidocgen: unexpected arguments: %s\n", strings.Join(fs.Args(), " "))
		return 2
	}

	files := generate(cli.Root(), hostDirs())
	if *check {
		problems, err := diffDir(*outDir, files)
		if err != nil {
			fmt.Fprintf(stderr, "clidocgen: %v\n", err)
			return 1
		}
		if len(problems) > 0 {
			fmt.Fprintf(stderr, "clidocgen: %d file(s) in %s are out of date; run: go run ./scripts/clidocgen -out %s\n", len(problems), *outDir, *outDir)
			for _, p := range problems {
				fmt.Fprintf(stderr, "  %s\n", p)
			}
			return 1
		}
		return 0
	}
	if err := writeDir(*outDir, files); err != nil {
		fmt.Fprintf(stderr, "clidocgen: %v\n", err)
		return 1
	}
	return 0
}

// writeDir writes the pages and removes every other *.md file in dir.
// Unchanged files are left alone so their modification times stay put.
func writeDir(dir string, files map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	existing, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return err
	}
	for _, path := range existing {
		if _, keep := files[filepath.Base(path)]; !keep {
			if err := os.Remove(path); err != nil {
				return err
			}
		}
	}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
			continue
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// diffDir lists the files of dir that differ from files: missing, changed,
// and *.md files no command produces any more.
func diffDir(dir string, files map[string][]byte) ([]string, error) {
	var problems []string
	for name, data := range files {
		old, err := os.ReadFile(filepath.Join(dir, name))
		switch {
		case errors.Is(err, os.ErrNotExist):
			problems = append(problems, "missing: "+name)
		case err != nil:
			return nil, err
		case !bytes.Equal(old, data):
			problems = append(problems, "differs: "+name)
		}
	}
	existing, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return nil, err
	}
	for _, path := range existing {
		if _, ok := files[filepath.Base(path)]; !ok {
			problems = append(problems, "stale: "+filepath.Base(path))
		}
	}
	sort.Strings(problems)
	return problems, nil
}
