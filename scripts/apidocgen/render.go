package main

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// options controls rendering.
type options struct {
	// Server is the scheme and host used in curl samples.
	Server string
}

const (
	schemasFile        = "schemas.md"
	indexFile          = "index.md"
	authenticationFile = "authentication.md"
	defaultTag         = "Default"
	defaultBasePath    = "/api/v2"
	defaultServer      = "http://coder-server:8080"
	authenticatedLine  = "To perform this operation, you must be authenticated. [Learn more](" + authenticationFile + ")."
)

type generator struct {
	spec   *Spec
	opts   options
	server string
}

// operation is one operation with everything resolved that rendering needs.
type operation struct {
	path   string
	method string
	op     *Operation
	params []*Parameter
}

type tagPage struct {
	name string
	file string
	ops  []*operation
}

// generate renders every page for spec. The result maps file names (relative
// to the output directory) to their contents.
func generate(spec *Spec, opts options) (map[string][]byte, error) {
	if opts.Server == "" {
		opts.Server = defaultServer
	}
	g := &generator{spec: spec, opts: opts, server: strings.TrimSuffix(opts.Server, "/") + basePath(spec)}
	pages, err := g.tagPages()
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, p := range pages {
		files[p.file] = []byte(g.renderTagPage(p))
	}
	files[schemasFile] = []byte(g.renderSchemas())
	files[authenticationFile] = []byte(g.renderAuthentication())
	files[indexFile] = []byte(g.renderIndex(pages))
	return files, nil
}

func basePath(spec *Spec) string {
	bp := strings.TrimSuffix(spec.BasePath, "/")
	if spec.BasePath == "" {
		bp = defaultBasePath
	}
	return bp
}

// tagPages groups the operations by tag. Within a page operations are
// ordered by path, then by method in path-item order (GET, PUT, POST,
// DELETE, OPTIONS, HEAD, PATCH).
func (g *generator) tagPages() ([]*tagPage, error) {
	byTag := map[string]*tagPage{}
	for _, path := range sortedKeys(g.spec.Paths) {
		item := g.spec.Paths[path]
		for _, method := range methodOrder {
			op := item.Operations[method]
			if op == nil {
				continue
			}
			params, err := g.mergeParams(item.Parameters, op.Parameters)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", strings.ToUpper(method), path, err)
			}
			o := &operation{path: path, method: method, op: op, params: params}
			tags := op.Tags
			if len(tags) == 0 {
				tags = []string{defaultTag}
			}
			seen := map[string]bool{}
			for _, tag := range tags {
				if seen[tag] {
					continue
				}
				seen[tag] = true
				p := byTag[tag]
				if p == nil {
					p = &tagPage{name: tag}
					byTag[tag] = p
				}
				p.ops = append(p.ops, o)
			}
		}
	}
	names := sortedKeys(byTag)
	used := map[string]string{indexFile: "", schemasFile: "", authenticationFile: ""}
	pages := make([]*tagPage, 0, len(names))
	for _, name := range names {
		p := byTag[name]
		base := slugify(name)
		if base == "" {
			base = "tag"
		}
		file := base + ".md"
		for i := 2; ; i++ {
			if _, taken := used[file]; !taken {
				break
			}
			file = fmt.Sprintf("%s-%d.md", base, i)
		}
		used[file] = name
		p.file = file
		pages = append(pages, p)
	}
	return pages, nil
}

// mergeParams resolves parameter references and merges path-level parameters
// into the operation's (the operation's win on a name/location clash).
func (g *generator) mergeParams(pathParams, opParams []*Parameter) ([]*Parameter, error) {
	resolve := func(p *Parameter) (*Parameter, error) {
		if p == nil || p.Ref == "" {
			return p, nil
		}
		r := g.spec.Parameters[strings.TrimPrefix(p.Ref, "#/parameters/")]
		if r == nil {
			return nil, fmt.Errorf("unresolved parameter $ref %q", p.Ref)
		}
		return r, nil
	}
	var out []*Parameter
	key := func(p *Parameter) string { return p.In + "\x00" + p.Name }
	overridden := map[string]bool{}
	var ops []*Parameter
	for _, p := range opParams {
		r, err := resolve(p)
		if err != nil {
			return nil, err
		}
		if r != nil {
			ops = append(ops, r)
			overridden[key(r)] = true
		}
	}
	for _, p := range pathParams {
		r, err := resolve(p)
		if err != nil {
			return nil, err
		}
		if r != nil && !overridden[key(r)] {
			out = append(out, r)
		}
	}
	return append(out, ops...), nil
}

func (g *generator) response(r *Response) *Response {
	if r != nil && r.Ref != "" {
		return g.spec.Responses[strings.TrimPrefix(r.Ref, "#/responses/")]
	}
	return r
}

// statusCodes returns the response codes sorted numerically, with "default"
// (and anything else that is not a number) last.
func statusCodes(responses map[string]*Response) []string {
	codes := sortedKeys(responses)
	sort.SliceStable(codes, func(i, j int) bool {
		a, errA := strconv.Atoi(codes[i])
		b, errB := strconv.Atoi(codes[j])
		switch {
		case errA == nil && errB == nil:
			return a < b
		case errA == nil:
			return true
		case errB == nil:
			return false
		default:
			return codes[i] < codes[j]
		}
	})
	return codes
}

func firstOr(list []string, fallback string) string {
	for _, s := range list {
		if s != "" {
			return s
		}
	}
	return fallback
}

func isJSONMime(m string) bool {
	m = strings.ToLower(m)
	return strings.Contains(m, "json")
}

// security returns the security requirements in force for an operation.
func (g *generator) security(op *Operation) []map[string][]string {
	if op.Security != nil {
		return *op.Security
	}
	return g.spec.Security
}

// authenticated reports whether an operation requires credentials. An empty
// requirement object ({}) in the list makes authentication optional.
func (g *generator) authenticated(op *Operation) bool {
	reqs := g.security(op)
	if len(reqs) == 0 {
		return false
	}
	for _, req := range reqs {
		if len(req) == 0 {
			return false
		}
	}
	return true
}

// authHeaders returns the curl headers that carry the credentials of the
// operation's first security requirement.
func (g *generator) authHeaders(op *Operation) []string {
	if !g.authenticated(op) {
		return nil
	}
	req := g.security(op)[0]
	var headers []string
	for _, name := range sortedKeys(req) {
		scheme := g.spec.SecurityDefinitions[name]
		if scheme == nil {
			continue
		}
		switch {
		case scheme.Type == "apiKey" && strings.EqualFold(scheme.In, "header") && scheme.Name != "":
			headers = append(headers, scheme.Name+": API_KEY")
		case scheme.Type == "basic":
			headers = append(headers, "Authorization: Basic API_KEY")
		case scheme.Type == "oauth2":
			headers = append(headers, "Authorization: Bearer API_KEY")
		}
	}
	return headers
}

func (g *generator) renderTagPage(p *tagPage) string {
	var blocks []string
	blocks = append(blocks, "# "+p.name)
	for _, t := range g.spec.Tags {
		if t.Name == p.name && strings.TrimSpace(t.Description) != "" {
			blocks = append(blocks, strings.TrimSpace(t.Description))
		}
	}
	anchors := map[string]int{}
	for _, o := range p.ops {
		blocks = append(blocks, g.renderOperation(o, anchors)...)
	}
	return strings.Join(blocks, "\n\n") + "\n"
}

func summaryOf(o *operation) string {
	switch {
	case strings.TrimSpace(o.op.Summary) != "":
		return strings.TrimSpace(o.op.Summary)
	case o.op.OperationID != "":
		return o.op.OperationID
	default:
		return strings.ToUpper(o.method) + " " + o.path
	}
}

func (g *generator) renderOperation(o *operation, anchors map[string]int) []string {
	op := o.op
	method := strings.ToUpper(o.method)
	summary := summaryOf(o)
	var blocks []string
	blocks = append(blocks, "## "+oneLine(summary))

	var body *Parameter
	hasForm := false
	hasFile := false
	for _, p := range o.params {
		switch p.In {
		case "body":
			if body == nil {
				body = p
			}
		case "formData":
			hasForm = true
			if p.Type == "file" {
				hasFile = true
			}
		}
	}

	// Code samples.
	var headers []string
	if body != nil || hasForm {
		fallback := "application/json"
		if hasFile {
			fallback = "multipart/form-data"
		} else if hasForm {
			fallback = "application/x-www-form-urlencoded"
		}
		headers = append(headers, "Content-Type: "+firstOr(op.Consumes, firstOr(g.spec.Consumes, fallback)))
	}
	produces := firstOr(op.Produces, firstOr(g.spec.Produces, "application/json"))
	codes := statusCodes(op.Responses)
	hasSchema := false
	for _, code := range codes {
		if r := g.response(op.Responses[code]); r != nil && r.Schema != nil {
			hasSchema = true
		}
	}
	if hasSchema {
		headers = append(headers, "Accept: "+produces)
	}
	headers = append(headers, g.authHeaders(op)...)
	var sample strings.Builder
	sample.WriteString("```shell\n# Example request using curl\n")
	sample.WriteString("curl -X " + method + " " + g.server + o.path)
	for _, h := range headers {
		sample.WriteString(" \\\n  -H '" + strings.ReplaceAll(h, "'", `'\''`) + "'")
	}
	sample.WriteString("\n```")
	blocks = append(blocks, "### Code samples", sample.String(), "`"+method+" "+o.path+"`")

	if d := strings.TrimSpace(op.Description); d != "" && d != strings.TrimSpace(op.Summary) {
		blocks = append(blocks, d)
	}
	if op.Deprecated {
		blocks = append(blocks, "> **Deprecated:** this operation may be removed in a future release.")
	}

	// Body example.
	if body != nil && body.Schema != nil {
		ex := (&exampleGen{spec: g.spec, request: true}).example(body.Schema)
		blocks = append(blocks, "> Body parameter", "```json\n"+formatJSON(ex)+"\n```")
	}

	// Parameters.
	if len(o.params) > 0 {
		rows := make([][]string, 0, len(o.params))
		var enums [][]string
		for _, p := range o.params {
			name := p.Name
			if p.In == "body" {
				// There is only one body; it is called "body" whatever
				// name the annotation gave it.
				name = "body"
			}
			rows = append(rows, []string{
				"`" + name + "`",
				p.In,
				g.paramType(p),
				strconv.FormatBool(p.Required || p.In == "path"),
				p.Description,
			})
			values := p.Enum
			if len(values) == 0 && p.Items != nil {
				values = p.Items.Enum
			}
			for _, v := range values {
				enums = append(enums, []string{"`" + p.Name + "`", "`" + enumString(v) + "`"})
			}
		}
		blocks = append(blocks, "### Parameters", table([]string{"Name", "In", "Type", "Required", "Description"}, rows))
		if len(enums) > 0 {
			blocks = append(blocks, "#### Enumerated Values", table([]string{"Parameter", "Value"}, enums))
		}
	}

	// Example responses.
	var examples []string
	for _, code := range codes {
		r := g.response(op.Responses[code])
		if r == nil || r.Schema == nil {
			continue
		}
		examples = append(examples, "> "+code+" Response")
		if isJSONMime(produces) {
			ex := (&exampleGen{spec: g.spec}).example(r.Schema)
			examples = append(examples, "```json\n"+formatJSON(ex)+"\n```")
		}
	}
	if len(examples) > 0 {
		blocks = append(blocks, "### Example responses")
		blocks = append(blocks, examples...)
	}

	// Responses.
	if len(codes) > 0 {
		rows := make([][]string, 0, len(codes))
		for _, code := range codes {
			r := g.response(op.Responses[code])
			desc, schema := "", ""
			if r != nil {
				desc = r.Description
				schema = g.typeName(r.Schema, modeOperation, true)
			}
			rows = append(rows, []string{code, statusMeaning(code), desc, schema})
		}
		blocks = append(blocks, "### Responses", table([]string{"Status", "Meaning", "Description", "Schema"}, rows))
	}

	// Response schemas of arrays and inline objects.
	var schemaBlocks []string
	for _, code := range codes {
		r := g.response(op.Responses[code])
		if r == nil || r.Schema == nil {
			continue
		}
		rows, enums := g.responseSchemaRows(r.Schema)
		if len(rows) == 0 {
			continue
		}
		schemaBlocks = append(schemaBlocks, "Status Code **"+code+"**", propTable(rows))
		if len(enums) > 0 {
			schemaBlocks = append(schemaBlocks, "#### Enumerated Values", enumTable(enums))
		}
	}
	if len(schemaBlocks) > 0 {
		id := uniqueAnchor(anchors, slugify(summary)+"-responseschema")
		blocks = append(blocks, `<h3 id="`+id+`">Response Schema</h3>`)
		blocks = append(blocks, schemaBlocks...)
	}

	if g.authenticated(op) {
		blocks = append(blocks, authenticatedLine)
	}
	return blocks
}

func uniqueAnchor(used map[string]int, id string) string {
	n := used[id]
	used[id] = n + 1
	if n == 0 {
		return id
	}
	return fmt.Sprintf("%s-%d", id, n)
}

// paramType renders the Type column of the parameters table.
func (g *generator) paramType(p *Parameter) string {
	if p.In == "body" {
		return g.typeName(p.Schema, modeOperation, true)
	}
	switch p.Type {
	case "array":
		inner := ""
		if p.Items != nil {
			inner = primitiveType(string(p.Items.Type), p.Items.Format)
		}
		if inner == "" {
			return "array"
		}
		return "array[" + inner + "]"
	case "":
		return ""
	default:
		return primitiveType(p.Type, p.Format)
	}
}

func primitiveType(typ, format string) string {
	if format != "" && typ != "" {
		return typ + "(" + format + ")"
	}
	return typ
}

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

// renderAuthentication renders authentication.md, the page every
// "you must be authenticated" line links to.
func (g *generator) renderAuthentication() string {
	blocks := []string{"# Authentication"}
	var header string
	for _, name := range sortedKeys(g.spec.SecurityDefinitions) {
		s := g.spec.SecurityDefinitions[name]
		if s != nil && s.Type == "apiKey" && strings.EqualFold(s.In, "header") && s.Name != "" {
			header = s.Name
			break
		}
	}
	if header != "" {
		blocks = append(blocks,
			"Operations marked with \"To perform this operation, you must be authenticated\" require a session token. "+
				"Send it in the `"+header+"` header:",
			"```shell\ncurl "+g.server+g.sampleAuthPath()+" \\\n  -H '"+header+": API_KEY'\n```",
		)
	} else if len(g.spec.SecurityDefinitions) > 0 {
		blocks = append(blocks, "Operations marked with \"To perform this operation, you must be authenticated\" require credentials as described below.")
	} else {
		blocks = append(blocks, "The API document defines no security scheme.")
	}
	if len(g.spec.SecurityDefinitions) > 0 {
		rows := [][]string{}
		for _, name := range sortedKeys(g.spec.SecurityDefinitions) {
			s := g.spec.SecurityDefinitions[name]
			if s == nil {
				continue
			}
			param := ""
			if s.Name != "" {
				param = "`" + s.Name + "`"
			}
			rows = append(rows, []string{"`" + name + "`", s.Type, s.In, param, s.Description})
		}
		blocks = append(blocks, "## Security schemes", table([]string{"Name", "Type", "In", "Parameter", "Description"}, rows))
	}
	return strings.Join(blocks, "\n\n") + "\n"
}

// sampleAuthPath picks an authenticated GET operation without path
// parameters for the authentication example.
func (g *generator) sampleAuthPath() string {
	for _, path := range sortedKeys(g.spec.Paths) {
		op := g.spec.Paths[path].Operations["get"]
		if op != nil && !strings.Contains(path, "{") && g.authenticated(op) {
			return path
		}
	}
	return "/"
}

// samplePublicPath picks a GET operation that needs neither credentials nor
// path parameters for the index page's URL example.
func (g *generator) samplePublicPath() string {
	for _, path := range sortedKeys(g.spec.Paths) {
		op := g.spec.Paths[path].Operations["get"]
		if op != nil && path != "/" && !strings.Contains(path, "{") && !g.authenticated(op) {
			return path
		}
	}
	return "/"
}

func (g *generator) renderIndex(pages []*tagPage) string {
	title := strings.TrimSpace(g.spec.Info.Title)
	if title == "" {
		title = "this server"
	}
	blocks := []string{"# API"}
	if d := strings.TrimSpace(g.spec.Info.Description); d != "" {
		blocks = append(blocks, d)
	}
	version := ""
	if v := strings.TrimSpace(g.spec.Info.Version); v != "" {
		version = " (version " + v + ")"
	}
	blocks = append(blocks,
		"This is the REST API reference of "+title+version+". "+
			"It is generated from the server's Swagger document by `scripts/apidocgen`; do not edit these pages by hand.",
		"## Base path",
		"Every operation is served under the base path `"+basePath(g.spec)+"`: the URL of an operation is the "+
			"deployment's access URL, then `"+basePath(g.spec)+"`, then the operation's path, for example `"+
			g.server+g.samplePublicPath()+"`. Request and response bodies are JSON unless an operation says otherwise.",
		"## Authentication",
	)
	var header string
	for _, name := range sortedKeys(g.spec.SecurityDefinitions) {
		s := g.spec.SecurityDefinitions[name]
		if s != nil && s.Type == "apiKey" && strings.EqualFold(s.In, "header") && s.Name != "" {
			header = s.Name
			break
		}
	}
	if header != "" {
		blocks = append(blocks, "Operations that require authentication take a session token in the `"+header+"` header. "+
			"See [Authentication]("+authenticationFile+").")
	} else {
		blocks = append(blocks, "See [Authentication]("+authenticationFile+").")
	}
	var list strings.Builder
	for _, p := range pages {
		fmt.Fprintf(&list, "- [%s](%s)\n", oneLine(p.name), p.file)
	}
	fmt.Fprintf(&list, "- [Schemas](%s)", schemasFile)
	blocks = append(blocks, "## Sections", list.String())
	return strings.Join(blocks, "\n\n") + "\n"
}

// statusMeaning renders the Meaning column of the responses table.
func statusMeaning(code string) string {
	if code == "default" {
		return "Default"
	}
	n, err := strconv.Atoi(code)
	if err != nil {
		return code
	}
	text := http.StatusText(n)
	if text == "" {
		return code
	}
	if ref, ok := statusRFC[n]; ok {
		return "[" + text + "](https://tools.ietf.org/html/" + ref + ")"
	}
	return text
}

// statusRFC maps status codes to the RFC section that defines them.
var statusRFC = map[int]string{
	100: "rfc7231#section-6.2.1",
	101: "rfc7231#section-6.2.2",
	200: "rfc7231#section-6.3.1",
	201: "rfc7231#section-6.3.2",
	202: "rfc7231#section-6.3.3",
	203: "rfc7231#section-6.3.4",
	204: "rfc7231#section-6.3.5",
	205: "rfc7231#section-6.3.6",
	206: "rfc7233#section-4.1",
	300: "rfc7231#section-6.4.1",
	301: "rfc7231#section-6.4.2",
	302: "rfc7231#section-6.4.3",
	303: "rfc7231#section-6.4.4",
	304: "rfc7232#section-4.1",
	307: "rfc7231#section-6.4.7",
	308: "rfc7538#section-3",
	400: "rfc7231#section-6.5.1",
	401: "rfc7235#section-3.1",
	402: "rfc7231#section-6.5.2",
	403: "rfc7231#section-6.5.3",
	404: "rfc7231#section-6.5.4",
	405: "rfc7231#section-6.5.5",
	406: "rfc7231#section-6.5.6",
	407: "rfc7235#section-3.2",
	408: "rfc7231#section-6.5.7",
	409: "rfc7231#section-6.5.8",
	410: "rfc7231#section-6.5.9",
	411: "rfc7231#section-6.5.10",
	412: "rfc7232#section-4.2",
	413: "rfc7231#section-6.5.11",
	414: "rfc7231#section-6.5.12",
	415: "rfc7231#section-6.5.13",
	416: "rfc7233#section-4.4",
	417: "rfc7231#section-6.5.14",
	422: "rfc2518#section-10.3",
	426: "rfc7231#section-6.5.15",
	428: "rfc6585#section-3",
	429: "rfc6585#section-4",
	431: "rfc6585#section-5",
	500: "rfc7231#section-6.6.1",
	501: "rfc7231#section-6.6.2",
	502: "rfc7231#section-6.6.3",
	503: "rfc7231#section-6.6.4",
	504: "rfc7231#section-6.6.5",
	505: "rfc7231#section-6.6.6",
	511: "rfc6585#section-6",
}

// anchor returns the heading anchor GitHub-style renderers give a heading:
// lower case, punctuation other than '-' and '_' dropped, spaces to '-'.
// "codersdk.BuildInfoResponse" becomes "codersdkbuildinforesponse".
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// slugify turns a name into a file-name and id friendly slug: lower case,
// runs of anything but letters and digits become a single '-'.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// table renders a Markdown table with padded columns.
func table(header []string, rows [][]string) string {
	widths := make([]int, len(header))
	cell := func(s string) string {
		s = oneLine(s)
		return strings.ReplaceAll(s, "|", `\|`)
	}
	all := make([][]string, 0, len(rows)+1)
	all = append(all, header)
	for _, r := range rows {
		cells := make([]string, len(header))
		for i := range header {
			if i < len(r) {
				cells[i] = cell(r[i])
			}
		}
		all = append(all, cells)
	}
	for _, r := range all {
		for i, c := range r {
			if w := utf8.RuneCountInString(c); w > widths[i] {
				widths[i] = w
			}
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		b.WriteByte('|')
		for i, c := range cells {
			b.WriteByte(' ')
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c)))
			b.WriteString(" |")
		}
		b.WriteByte('\n')
	}
	line(all[0])
	b.WriteByte('|')
	for _, w := range widths {
		b.WriteString(strings.Repeat("-", w+2))
		b.WriteByte('|')
	}
	b.WriteByte('\n')
	for _, r := range all[1:] {
		line(r)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
