package main

import (
	"strconv"
	"strings"
)

// tableMode selects how schema tables link and expand.
type tableMode int

const (
	// modeSchemaPage renders tables of schemas.md: links are page-local and
	// referenced definitions are not expanded (they have their own section).
	modeSchemaPage tableMode = iota
	// modeOperation renders tables on tag pages: links point into
	// schemas.md and referenced definitions are expanded inline.
	modeOperation
)

func (g *generator) link(name string, mode tableMode) string {
	target := "#" + anchor(name)
	if mode == modeOperation {
		target = schemasFile + target
	}
	return "[" + name + "](" + target + ")"
}

// typeName renders a schema's type for a table cell. With detailed set,
// arrays name their item type ("array of string").
func (g *generator) typeName(s *Schema, mode tableMode, detailed bool) string {
	if s == nil {
		return ""
	}
	if ref := singleRef(s); ref != "" {
		return g.link(refName(ref), mode)
	}
	if len(s.AllOf) > 0 {
		return "object"
	}
	switch kind := kindOf(s); kind {
	case "array":
		if !detailed {
			return "array"
		}
		if s.Items == nil {
			return "array"
		}
		inner := g.typeName(s.Items, mode, true)
		if inner == "" || inner == "any" {
			return "array"
		}
		return "array of " + inner
	case "object":
		return "object"
	case "":
		return "any"
	default:
		return primitiveType(kind, s.Format)
	}
}

type propRow struct {
	name         string
	depth        int
	typ          string
	required     bool
	restrictions string
	description  string
}

type enumValue struct {
	property string
	value    string
}

type rowBuilder struct {
	g     *generator
	mode  tableMode
	rows  []propRow
	enums []enumValue
	seen  map[enumValue]bool
}

func (g *generator) newRowBuilder(mode tableMode) *rowBuilder {
	return &rowBuilder{g: g, mode: mode, seen: map[enumValue]bool{}}
}

// object adds the rows of an object schema's properties (and map values).
// path is the dotted property path of s from the table's root ("" at the
// root); the Enumerated Values table names nested properties by it.
func (b *rowBuilder) object(s *Schema, depth int, stack []string, path string) {
	for _, name := range s.propertyNames() {
		p := s.Properties[name]
		restrictions := ""
		if p.ReadOnly {
			restrictions = "read-only"
		}
		b.rows = append(b.rows, propRow{
			name:         name,
			depth:        depth,
			typ:          b.g.typeName(p, b.mode, b.mode == modeSchemaPage),
			required:     s.isRequired(name),
			restrictions: restrictions,
			description:  p.Description,
		})
		b.enumsOf(path+name, p)
		b.expand(p, depth+1, stack, path+name+".")
	}
	if mv := s.mapValue(); mv != nil {
		b.rows = append(b.rows, propRow{
			name:  "[any property]",
			depth: depth,
			typ:   b.g.typeName(mv, b.mode, b.mode == modeSchemaPage),
		})
		b.expand(mv, depth+1, stack, path+"[any property].")
	}
}

// expand adds the nested rows of a property's schema.
func (b *rowBuilder) expand(p *Schema, depth int, stack []string, path string) {
	if p == nil || depth > maxExampleDepth {
		return
	}
	if ref := singleRef(p); ref != "" {
		if b.mode == modeSchemaPage {
			return
		}
		name := refName(ref)
		if containsString(stack, name) {
			return
		}
		target := derefSchema(b.g.spec, p)
		if target == nil {
			return
		}
		if len(target.AllOf) > 0 {
			target = mergeAllOf(b.g.spec, target)
		}
		stack = appendCopy(stack, name)
		switch kindOf(target) {
		case "object":
			b.object(target, depth, stack, path)
		case "array":
			b.expand(target.Items, depth, stack, path)
		}
		return
	}
	if len(p.AllOf) > 0 {
		b.object(mergeAllOf(b.g.spec, p), depth, stack, path)
		return
	}
	switch kindOf(p) {
	case "object":
		b.object(p, depth, stack, path)
	case "array":
		b.expand(p.Items, depth, stack, path)
	}
}

// enumsOf records the allowed values of an enum property (inline or through
// a $ref) for the "Enumerated Values" table.
func (b *rowBuilder) enumsOf(name string, p *Schema) {
	target := p
	if ref := singleRef(p); ref != "" && len(p.Enum) == 0 {
		target, _ = b.g.spec.definition(ref)
		target = derefSchema(b.g.spec, target)
	}
	if target == nil {
		return
	}
	for _, v := range target.Enum {
		e := enumValue{property: name, value: enumString(v)}
		if b.seen[e] {
			continue
		}
		b.seen[e] = true
		b.enums = append(b.enums, e)
	}
}

// responseSchemaRows returns the "Response Schema" rows of a response: only
// arrays and inline objects get one, named definitions are documented in
// schemas.md.
func (g *generator) responseSchemaRows(s *Schema) ([]propRow, []enumValue) {
	if s == nil || singleRef(s) != "" {
		return nil, nil
	}
	b := g.newRowBuilder(modeOperation)
	if len(s.AllOf) > 0 {
		s = mergeAllOf(g.spec, s)
	}
	switch kindOf(s) {
	case "array":
		b.rows = append(b.rows, propRow{name: "[array item]", typ: "array"})
		b.expand(s.Items, 1, nil, "")
	case "object":
		b.object(s, 0, nil, "")
	}
	return b.rows, b.enums
}

func (g *generator) renderSchemas() string {
	blocks := []string{"# Schemas"}
	for _, name := range sortedKeys(g.spec.Definitions) {
		def := g.spec.Definitions[name]
		if def == nil {
			continue
		}
		blocks = append(blocks, "## "+name)
		ex := (&exampleGen{spec: g.spec}).value(def, "", []string{name}, 0)
		blocks = append(blocks, "```json\n"+formatJSON(ex)+"\n```")
		if d := strings.TrimSpace(def.Description); d != "" {
			blocks = append(blocks, d)
		}
		blocks = append(blocks, "### Properties")

		target := derefSchema(g.spec, def)
		if target != nil && len(target.AllOf) > 0 {
			target = mergeAllOf(g.spec, target)
		}
		if target != nil && len(target.Enum) > 0 {
			rows := make([][]string, 0, len(target.Enum))
			for _, v := range target.Enum {
				rows = append(rows, []string{"`" + enumString(v) + "`"})
			}
			blocks = append(blocks, "#### Enumerated Values", table([]string{"Value"}, rows))
			continue
		}
		b := g.newRowBuilder(modeSchemaPage)
		if target != nil {
			switch kindOf(target) {
			case "object":
				b.object(target, 0, []string{name}, "")
			case "array":
				b.expand(target.Items, 0, []string{name}, "")
			}
		}
		if len(b.rows) == 0 {
			blocks = append(blocks, "_None_")
			continue
		}
		blocks = append(blocks, propTable(b.rows))
		if len(b.enums) > 0 {
			blocks = append(blocks, "#### Enumerated Values", enumTable(b.enums))
		}
	}
	return strings.Join(blocks, "\n\n") + "\n"
}

func propTable(rows []propRow) string {
	cells := make([][]string, 0, len(rows))
	for _, r := range rows {
		name := r.name
		if r.depth > 0 {
			name = strings.Repeat("»", r.depth) + " " + name
		}
		cells = append(cells, []string{
			"`" + name + "`",
			r.typ,
			strconv.FormatBool(r.required),
			r.restrictions,
			r.description,
		})
	}
	return table([]string{"Name", "Type", "Required", "Restrictions", "Description"}, cells)
}

func enumTable(enums []enumValue) string {
	cells := make([][]string, 0, len(enums))
	for _, e := range enums {
		cells = append(cells, []string{"`" + e.property + "`", "`" + e.value + "`"})
	}
	return table([]string{"Property", "Value"}, cells)
}

// enumString renders an enum value for a table: strings unquoted (an empty
// string as ""), anything else as its JSON literal.
func enumString(raw []byte) string {
	v := decodeRaw(raw)
	if s, ok := v.(string); ok {
		if s == "" {
			return `""`
		}
		return s
	}
	return formatJSON(v)
}
