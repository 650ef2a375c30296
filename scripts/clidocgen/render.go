package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/coder/serpent"
)

const header = "<!-- DO NOT EDIT | GENERATED CONTENT: make gen (scripts/clidocgen) -->\n\n"

// indexPage is the page of the root command, which is also the index.
const indexPage = "README.md"

// dirAlias maps a directory of this host to the form the docs print, e.g.
// /home/alice/.config -> ~/.config.
type dirAlias struct {
	host, documented string
}

// hostDirs are the host-specific directories that option defaults are
// computed from (os.UserConfigDir and friends), most specific first so that
// ~/.config wins over ~.
func hostDirs() []dirAlias {
	var dirs []dirAlias
	add := func(dir string, err error, documented string) {
		if err == nil {
			dirs = append(dirs, dirAlias{host: dir, documented: documented})
		}
	}
	dir, err := os.UserConfigDir()
	add(dir, err, "~/.config")
	dir, err = os.UserCacheDir()
	add(dir, err, "~/.cache")
	dir, err = os.UserHomeDir()
	add(dir, err, "~")
	add(os.TempDir(), nil, "/tmp")
	return sortAliases(dirs)
}

func sortAliases(dirs []dirAlias) []dirAlias {
	kept := dirs[:0]
	for _, d := range dirs {
		d.host = filepath.Clean(d.host)
		// A root or relative "home" would rewrite every path; ignore it.
		if d.host != "" && filepath.IsAbs(d.host) && d.host != string(filepath.Separator) {
			kept = append(kept, d)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool { return len(kept[i].host) > len(kept[j].host) })
	return kept
}

// normalizeDefault prints a default in its documented, host-independent form.
func normalizeDefault(value string, dirs []dirAlias) string {
	for _, d := range dirs {
		if value == d.host {
			return d.documented
		}
		if rest, ok := strings.CutPrefix(value, d.host+string(filepath.Separator)); ok {
			return d.documented + "/" + filepath.ToSlash(rest)
		}
	}
	return value
}

// generate renders every visible command of root: file name -> content.
func generate(root *serpent.Command, dirs []dirAlias) map[string][]byte {
	g := generator{dirs: dirs, files: map[string][]byte{}}
	g.files[indexPage] = []byte(g.page(root, nil, visibleCommands(root)))
	for _, cmd := range visibleCommands(root) {
		if cmd != root {
			g.files[pageName(cmd)] = []byte(g.page(cmd, ancestors(cmd), nil))
		}
	}
	return g.files
}

type generator struct {
	dirs  []dirAlias
	files map[string][]byte
}

// visibleCommands is root and every command below it that is not hidden
// (a hidden command hides its subtree too), parents before children, in
// name order.
func visibleCommands(root *serpent.Command) []*serpent.Command {
	var out []*serpent.Command
	var walk func(*serpent.Command)
	walk = func(c *serpent.Command) {
		out = append(out, c)
		for _, child := range visibleChildren(c) {
			walk(child)
		}
	}
	walk(root)
	return out
}

func visibleChildren(c *serpent.Command) []*serpent.Command {
	var out []*serpent.Command
	for _, child := range c.Children {
		child.Parent = c
		if !child.Hidden {
			out = append(out, child)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out
}

// ancestors are the commands between the root (excluded) and c (excluded),
// outermost first: their options apply to c too.
func ancestors(c *serpent.Command) []*serpent.Command {
	var out []*serpent.Command
	for p := c.Parent; p != nil && p.Parent != nil; p = p.Parent {
		out = append([]*serpent.Command{p}, out...)
	}
	return out
}

// commandPath is the command's names below the root: ["templates", "push"].
func commandPath(c *serpent.Command) []string {
	var names []string
	for ; c != nil && c.Parent != nil; c = c.Parent {
		names = append([]string{c.Name()}, names...)
	}
	return names
}

// pageName is the file of a command's page: templates_push.md.
func pageName(c *serpent.Command) string {
	if c.Parent == nil {
		return indexPage
	}
	return strings.Join(commandPath(c), "_") + ".md"
}

func link(c *serpent.Command) string { return "./" + pageName(c) }

// page renders one command. all is set for the root: the index of every
// command and the global options.
func (g generator) page(c *serpent.Command, inherited []*serpent.Command, all []*serpent.Command) string {
	var b strings.Builder
	b.WriteString(header)
	title := strings.Join(commandPath(c), " ")
	if c.Parent == nil {
		title = c.Name()
	}
	fmt.Fprintf(&b, "# %s\n\n", title)
	if c.Short != "" {
		fmt.Fprintf(&b, "%s\n\n", c.Short)
	}
	if c.Deprecated != "" {
		fmt.Fprintf(&b, "> **Deprecated:** %s\n\n", c.Deprecated)
	}
	if len(c.Aliases) > 0 {
		b.WriteString("Aliases:\n\n")
		for _, a := range c.Aliases {
			fmt.Fprintf(&b, "- `%s`\n", a)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "## Usage\n\n```console\n%s\n```\n\n", c.FullUsage())
	if long := strings.TrimSpace(c.Long); long != "" {
		fmt.Fprintf(&b, "## Description\n\n```console\n%s\n```\n\n", strings.TrimRight(c.Long, "\n "))
	}

	if children := visibleChildren(c); len(children) > 0 {
		rows := make([][]string, 0, len(children))
		for _, child := range children {
			rows = append(rows, []string{fmt.Sprintf("[<code>%s</code>](%s)", child.Name(), link(child)), child.Short})
		}
		b.WriteString("## Subcommands\n\n")
		b.WriteString(table([]string{"Name", "Purpose"}, rows))
		b.WriteString("\n")
	}

	if c.Parent == nil {
		if opts := visibleOptions(c.Options); len(opts) > 0 {
			b.WriteString("## Global options\n\nThese apply to every command.\n\n")
			for _, o := range opts {
				g.option(&b, o, nil)
			}
		}
		b.WriteString("## All commands\n\n")
		rows := make([][]string, 0, len(all))
		for _, cmd := range all {
			if cmd.Parent == nil {
				continue
			}
			rows = append(rows, []string{fmt.Sprintf("[<code>%s</code>](%s)", cmd.FullName(), link(cmd)), cmd.Short})
		}
		b.WriteString(table([]string{"Command", "Purpose"}, rows))
		return b.String()
	}

	type owned struct {
		opt   serpent.Option
		owner *serpent.Command
	}
	var opts []owned
	for _, o := range visibleOptions(c.Options) {
		opts = append(opts, owned{opt: o})
	}
	for _, a := range inherited {
		for _, o := range visibleOptions(a.Options) {
			opts = append(opts, owned{opt: o, owner: a})
		}
	}
	sort.SliceStable(opts, func(i, j int) bool { return optionKey(opts[i].opt) < optionKey(opts[j].opt) })
	if len(opts) > 0 {
		b.WriteString("## Options\n\n")
		for _, o := range opts {
			g.option(&b, o.opt, o.owner)
		}
	}
	fmt.Fprintf(&b, "The [global options](%s#global-options) apply too.\n", "./"+indexPage)
	return b.String()
}

func visibleOptions(set serpent.OptionSet) []serpent.Option {
	var out []serpent.Option
	for _, o := range set {
		if !o.Hidden {
			out = append(out, o)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return optionKey(out[i]) < optionKey(out[j]) })
	return out
}

// optionKey orders options the way a reader looks for them: by flag, then
// (for options without one) by environment variable or name.
func optionKey(o serpent.Option) string {
	switch {
	case o.Flag != "":
		return o.Flag
	case o.Env != "":
		return "~" + o.Env
	default:
		return "~~" + o.Name
	}
}

func optionHeading(o serpent.Option) string {
	switch {
	case o.Flag != "" && o.FlagShorthand != "":
		return fmt.Sprintf("-%s, --%s", o.FlagShorthand, o.Flag)
	case o.Flag != "":
		return "--" + o.Flag
	case o.Env != "":
		return "$" + o.Env
	case o.YAML != "":
		return o.YAMLPath()
	default:
		return o.Name
	}
}

func (g generator) option(b *strings.Builder, o serpent.Option, owner *serpent.Command) {
	fmt.Fprintf(b, "### %s\n\n", optionHeading(o))
	var rows [][]string
	if o.Value != nil {
		// serpent escapes the pipes of enum types for its own Markdown.
		rows = append(rows, []string{"Type", code(strings.ReplaceAll(o.Value.Type(), `\|`, "|"))})
	}
	if o.Env != "" {
		rows = append(rows, []string{"Environment", code("$" + o.Env)})
	}
	if o.YAML != "" {
		rows = append(rows, []string{"YAML", code(o.YAMLPath())})
	}
	def := o.Default
	if def == "" && o.DefaultFn != nil {
		def = o.DefaultFn()
	}
	if def != "" {
		rows = append(rows, []string{"Default", code(normalizeDefault(def, g.dirs))})
	}
	if o.Required && def == "" {
		rows = append(rows, []string{"Required", "yes"})
	}
	if owner != nil {
		rows = append(rows, []string{"Inherited from", fmt.Sprintf("[<code>%s</code>](%s)", owner.FullName(), link(owner))})
	}
	if len(rows) > 0 {
		b.WriteString(table([]string{"", ""}, rows))
		b.WriteString("\n")
	}
	if o.Description != "" {
		fmt.Fprintf(b, "%s\n\n", o.Description)
	}
	if len(o.UseInstead) > 0 {
		var names []string
		for _, u := range o.UseInstead {
			names = append(names, "`"+optionHeading(u)+"`")
		}
		fmt.Fprintf(b, "Deprecated: use %s instead.\n\n", strings.Join(names, ", "))
	}
}

// code is a table cell holding a literal; HTML so that backticks and pipes
// in the value cannot end it early.
func code(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", "|", "&#124;")
	return "<code>" + r.Replace(s) + "</code>"
}

// table renders a Markdown table with padded columns, readable as plain text.
func table(headers []string, rows [][]string) string {
	esc := func(s string) string { return strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "|", `\|`) }
	widths := make([]int, len(headers))
	for i, h := range headers {
		widths[i] = max(3, utf8.RuneCountInString(h))
	}
	cells := make([][]string, len(rows))
	for r, row := range rows {
		cells[r] = make([]string, len(headers))
		for i := range headers {
			if i < len(row) {
				cells[r][i] = esc(row[i])
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(cells[r][i]))
		}
	}
	var b strings.Builder
	line := func(cols []string) {
		b.WriteString("|")
		for i, c := range cols {
			fmt.Fprintf(&b, " %s%s |", c, strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)))
		}
		b.WriteString("\n")
	}
	line(headers)
	dashes := make([]string, len(headers))
	for i := range dashes {
		dashes[i] = strings.Repeat("-", widths[i])
	}
	line(dashes)
	for _, row := range cells {
		line(row)
	}
	return b.String()
}
