package main

import (
	"bytes"
	"encoding/json"
	"math"
	"math/bits"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Example values are generated deterministically from the schema alone, so
// that the same swagger.json always yields byte-identical pages:
//
//   - an explicit "example" wins, then "default", then the first enum value;
//   - strings are "string", or a fixed sample for well-known formats; uuids
//     are derived from the property name (see exampleUUID);
//   - integers and numbers are 0 (or their minimum), booleans are true;
//   - objects list their properties sorted by name; maps get two entries,
//     "property1" and "property2"; arrays hold a single element;
//   - a $ref to a definition that is already being expanded further up the
//     current path renders as {} (or [] for arrays), which stops cycles.

// object is a JSON object whose members keep the order they were added in.
type object []member

type member struct {
	key   string
	value any
}

// maxExampleDepth guards against pathological documents (for example
// allOf chains that refer to themselves) that the $ref stack cannot see.
const maxExampleDepth = 64

type exampleGen struct {
	spec *Spec
	// request is set for request bodies: read-only properties are left out.
	request bool
}

func (g *exampleGen) example(s *Schema) any {
	return g.value(s, "", nil, 0)
}

func (g *exampleGen) value(s *Schema, prop string, stack []string, depth int) any {
	if s == nil || depth > maxExampleDepth {
		return nil
	}
	if s.Example != nil {
		return decodeRaw(s.Example)
	}
	if ref := singleRef(s); ref != "" {
		name := refName(ref)
		target, _ := g.spec.definition(ref)
		if containsString(stack, name) {
			return circularValue(g.spec, target)
		}
		return g.value(target, prop, appendCopy(stack, name), depth+1)
	}
	if len(s.AllOf) > 0 {
		return g.value(mergeAllOf(g.spec, s), prop, stack, depth+1)
	}
	if s.Default != nil {
		return decodeRaw(s.Default)
	}
	if len(s.Enum) > 0 {
		return decodeRaw(s.Enum[0])
	}
	switch kindOf(s) {
	case "object":
		obj := object{}
		for _, name := range s.propertyNames() {
			p := s.Properties[name]
			if g.request && p.ReadOnly {
				continue
			}
			obj = append(obj, member{name, g.value(p, name, stack, depth+1)})
		}
		if mv := s.mapValue(); mv != nil {
			obj = append(obj,
				member{"property1", g.value(mv, "", stack, depth+1)},
				member{"property2", g.value(mv, "", stack, depth+1)},
			)
		}
		return obj
	case "array":
		if s.Items == nil {
			return []any{}
		}
		return []any{g.value(s.Items, "", stack, depth+1)}
	case "string":
		return stringExample(s.Format, prop)
	case "integer", "number":
		if s.Minimum != nil && *s.Minimum > 0 {
			return json.Number(strconv.FormatFloat(math.Ceil(*s.Minimum), 'f', -1, 64))
		}
		return json.Number("0")
	case "boolean":
		return true
	case "file":
		return "string"
	default:
		return nil
	}
}

// kindOf returns the effective type of an inline (non-$ref) schema.
func kindOf(s *Schema) string {
	switch {
	case s.Type != "":
		return string(s.Type)
	case len(s.Properties) > 0 || s.AdditionalProperties != nil:
		return "object"
	case s.Items != nil:
		return "array"
	default:
		return ""
	}
}

// singleRef returns the definition a schema stands for: its own $ref, or the
// only member of an allOf (swag wraps references that carry a description).
func singleRef(s *Schema) string {
	if s.Ref != "" {
		return s.Ref
	}
	if len(s.AllOf) == 1 && s.AllOf[0] != nil && s.AllOf[0].Ref != "" && len(s.Properties) == 0 {
		return s.AllOf[0].Ref
	}
	return ""
}

// mergeAllOf folds an allOf schema into a single object schema. Members that
// are not objects contribute nothing.
func mergeAllOf(spec *Spec, s *Schema) *Schema {
	return mergeAllOfSeen(spec, s, map[*Schema]bool{})
}

func mergeAllOfSeen(spec *Spec, s *Schema, seen map[*Schema]bool) *Schema {
	seen[s] = true
	merged := &Schema{
		Type:        "object",
		Description: s.Description,
		Properties:  map[string]*Schema{},
		ReadOnly:    s.ReadOnly,
	}
	own := *s
	own.AllOf = nil
	parts := append(append([]*Schema{}, s.AllOf...), &own)
	for _, part := range parts {
		part = derefSchema(spec, part)
		if part == nil {
			continue
		}
		if len(part.AllOf) > 0 {
			if seen[part] {
				continue
			}
			part = mergeAllOfSeen(spec, part, seen)
		}
		if kindOf(part) != "object" {
			continue
		}
		for name, p := range part.Properties {
			merged.Properties[name] = p
		}
		merged.Required = append(merged.Required, part.Required...)
		if part.AdditionalProperties != nil {
			merged.AdditionalProperties = part.AdditionalProperties
		}
	}
	return merged
}

// derefSchema follows a chain of $refs to the schema they name.
func derefSchema(spec *Spec, s *Schema) *Schema {
	for i := 0; s != nil && s.Ref != "" && i < maxExampleDepth; i++ {
		s, _ = spec.definition(s.Ref)
	}
	return s
}

// circularValue is what a reference back into the current path renders as.
func circularValue(spec *Spec, target *Schema) any {
	target = derefSchema(spec, target)
	if target != nil && kindOf(target) == "array" {
		return []any{}
	}
	return object{}
}

func stringExample(format, prop string) string {
	switch format {
	case "date-time":
		return "2019-08-24T14:15:22Z"
	case "date":
		return "2019-08-24"
	case "time":
		return "14:15:22Z"
	case "email":
		return "user@example.com"
	case "uri", "url":
		return "http://example.com"
	case "hostname":
		return "example.com"
	case "ipv4":
		return "192.168.0.1"
	case "ipv6":
		return "2001:0db8:85a3:0000:0000:8a2e:0370:7334"
	case "byte":
		return "U3dhZ2dlciByb2Nrcw=="
	case "password":
		return "pa$$word"
	case "uuid":
		if prop == "" {
			prop = "id"
		}
		return exampleUUID(prop)
	default:
		return "string"
	}
}

// exampleUUID derives a stable, valid-looking version 4 UUID from a property
// name: a 32-bit string hash seeds a small-state PRNG (Bob Jenkins' "small
// fast" generator) whose output fills the hex digits. The scheme is the one
// the previous (JavaScript) generator used, so the ids in pages produced by it
// stay the same: "id" -> 497f6eca-6276-4993-bfeb-53cbbbba6f08.
func exampleUUID(name string) string {
	h := stringHash(name)
	next := newJSF32(h)
	const layout = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"
	var b strings.Builder
	b.Grow(len(layout))
	for _, c := range layout {
		switch c {
		case 'x', 'y':
			r := int(next()*16) % 16
			if c == 'y' {
				r = r&0x3 | 0x8
			}
			b.WriteString(strconv.FormatInt(int64(r), 16))
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// stringHash is the classic 31-multiplier hash over UTF-16 code units, with
// 32-bit wrap-around.
func stringHash(s string) int32 {
	var h int32
	for _, c := range utf16.Encode([]rune(s)) {
		h = h<<5 - h + int32(c)
	}
	return h
}

func newJSF32(seed int32) func() float64 {
	a, b, c, d := uint32(seed), uint32(seed), uint32(seed), uint32(seed)
	return func() float64 {
		t := a - bits.RotateLeft32(b, 27)
		a = b ^ bits.RotateLeft32(c, 17)
		b = c + d
		c = d + t
		d = a + t
		return float64(d) / 4294967296
	}
}

// decodeRaw decodes a JSON literal from the document, keeping numbers as
// written.
func decodeRaw(raw json.RawMessage) any {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	return v
}

// formatJSON renders an example value as JSON indented with two spaces, with
// object members in a stable order.
func formatJSON(v any) string {
	var b strings.Builder
	writeJSON(&b, v, "")
	return b.String()
}

func writeJSON(b *strings.Builder, v any, indent string) {
	inner := indent + "  "
	switch v := v.(type) {
	case object:
		if len(v) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, m := range v {
			b.WriteString(inner)
			b.WriteString(jsonString(m.key))
			b.WriteString(": ")
			writeJSON(b, m.value, inner)
			if i < len(v)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent)
		b.WriteByte('}')
	case map[string]any:
		obj := make(object, 0, len(v))
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			obj = append(obj, member{k, v[k]})
		}
		writeJSON(b, obj, indent)
	case []any:
		if len(v) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, e := range v {
			b.WriteString(inner)
			writeJSON(b, e, inner)
			if i < len(v)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent)
		b.WriteByte(']')
	case string:
		b.WriteString(jsonString(v))
	case json.Number:
		b.WriteString(v.String())
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case nil:
		b.WriteString("null")
	default:
		// Not produced by the generator; fall back to encoding/json.
		data, err := json.Marshal(v)
		if err != nil {
			b.WriteString("null")
			return
		}
		b.Write(data)
	}
}

// jsonString quotes s as a JSON string without HTML escaping.
func jsonString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(buf.String(), "\n")
}

func containsString(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func appendCopy(list []string, s string) []string {
	out := make([]string, len(list), len(list)+1)
	copy(out, list)
	return append(out, s)
}
