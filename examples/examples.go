// Package examples holds the starter templates built into the server
// (GET /templates/examples, and example_id when creating a template
// version).
//
// Each directory under templates/ is one example; its name is the example
// ID. Its README.md starts with a front matter block that lists the
// display name, description, icon and tags:
//
//	---
//	display_name: Echo development workspace
//	description: One sentence.
//	icon: /icon/code.svg
//	tags: [echo, starter]
//	---
package examples

import (
	"bytes"
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"golang.org/x/xerrors"
	"gopkg.in/yaml.v3"

	"github.com/devplane/devplane/coderd/provisionerd/archive"
	"github.com/devplane/devplane/codersdk"
)

//go:embed templates
var files embed.FS

// ErrNotFound is returned for an unknown example ID.
var ErrNotFound = xerrors.New("no example with this ID")

// frontMatter is the head of an example's README.md.
type frontMatter struct {
	DisplayName string   `yaml:"display_name"`
	Description string   `yaml:"description"`
	Icon        string   `yaml:"icon"`
	Tags        []string `yaml:"tags"`
}

var (
	parseOnce sync.Once
	parsed    []codersdk.TemplateExample
	parseErr  error
)

// List returns every example, sorted by ID. The embedded files are parsed
// once.
func List() ([]codersdk.TemplateExample, error) {
	parseOnce.Do(func() { parsed, parseErr = parse() })
	if parseErr != nil {
		return nil, parseErr
	}
	out := make([]codersdk.TemplateExample, len(parsed))
	copy(out, parsed)
	return out, nil
}

func parse() ([]codersdk.TemplateExample, error) {
	dirs, err := fs.ReadDir(files, "templates")
	if err != nil {
		return nil, err
	}
	out := []codersdk.TemplateExample{}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		readme, err := fs.ReadFile(files, path.Join("templates", d.Name(), "README.md"))
		if err != nil {
			return nil, xerrors.Errorf("example %s: %w", d.Name(), err)
		}
		meta, markdown, err := splitFrontMatter(readme)
		if err != nil {
			return nil, xerrors.Errorf("example %s: %w", d.Name(), err)
		}
		if meta.DisplayName == "" {
			return nil, xerrors.Errorf("example %s: front matter has no display_name", d.Name())
		}
		tags := meta.Tags
		if tags == nil {
			tags = []string{}
		}
		out = append(out, codersdk.TemplateExample{
			ID:          d.Name(),
			URL:         "",
			Name:        meta.DisplayName,
			Description: meta.Description,
			Icon:        meta.Icon,
			Tags:        tags,
			Markdown:    markdown,
		})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// splitFrontMatter separates the YAML block between the leading "---"
// lines from the Markdown after it.
func splitFrontMatter(readme []byte) (frontMatter, string, error) {
	var meta frontMatter
	text := strings.ReplaceAll(string(readme), "\r\n", "\n")
	if !strings.HasPrefix(text, "---\n") {
		return meta, "", xerrors.New("README.md does not start with a front matter block")
	}
	head, body, ok := strings.Cut(text[len("---\n"):], "\n---\n")
	if !ok {
		return meta, "", xerrors.New("README.md front matter is not closed by a --- line")
	}
	dec := yaml.NewDecoder(bytes.NewReader([]byte(head)))
	dec.KnownFields(true)
	if err := dec.Decode(&meta); err != nil {
		return meta, "", xerrors.Errorf("README.md front matter: %w", err)
	}
	return meta, strings.TrimLeft(body, "\n"), nil
}

// Archive returns the example's files as a tar archive, ready to be stored
// as a file and imported.
func Archive(id string) ([]byte, error) {
	if _, err := find(id); err != nil {
		return nil, err
	}
	root := path.Join("templates", id)
	contents := map[string]string{}
	err := fs.WalkDir(files, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(files, p)
		if err != nil {
			return err
		}
		contents[strings.TrimPrefix(p, root+"/")] = string(data)
		return nil
	})
	if err != nil {
		return nil, xerrors.Errorf("read example %s: %w", id, err)
	}
	return archive.CreateTar(contents)
}

func find(id string) (codersdk.TemplateExample, error) {
	list, err := List()
	if err != nil {
		return codersdk.TemplateExample{}, err
	}
	for _, e := range list {
		if e.ID == id {
			return e, nil
		}
	}
	return codersdk.TemplateExample{}, ErrNotFound
}
