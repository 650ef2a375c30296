package main

import (
	"fmt"
	"strconv"
	"strings"
)

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
