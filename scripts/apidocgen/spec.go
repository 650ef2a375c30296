package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// This file holds the subset of the Swagger 2.0 document model that the
// generator needs. It is intentionally small: swag only emits a narrow slice
// of the specification, and anything unknown is ignored rather than rejected.

// Spec is a Swagger 2.0 document.
type Spec struct {
	Swagger             string                     `json:"swagger"`
	Info                Info                       `json:"info"`
	Host                string                     `json:"host"`
	BasePath            string                     `json:"basePath"`
	Consumes            []string                   `json:"consumes"`
	Produces            []string                   `json:"produces"`
	Paths               map[string]*PathItem       `json:"paths"`
	Definitions         map[string]*Schema         `json:"definitions"`
	Parameters          map[string]*Parameter      `json:"parameters"`
	Responses           map[string]*Response       `json:"responses"`
	SecurityDefinitions map[string]*SecurityScheme `json:"securityDefinitions"`
	Security            []map[string][]string      `json:"security"`
	Tags                []Tag                      `json:"tags"`
}

// Info is the document's metadata.
type Info struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Version     string `json:"version"`
}

// Tag describes one tag of the document.
type Tag struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// SecurityScheme is an entry of securityDefinitions.
type SecurityScheme struct {
	Type        string `json:"type"`
	Name        string `json:"name"`
	In          string `json:"in"`
	Description string `json:"description"`
}

// methodOrder is the order in which operations of one path are listed. It is
// the field order of a Swagger path item (and of swag's output), which is the
// order the reference pages have always used.
var methodOrder = []string{"get", "put", "post", "delete", "options", "head", "patch"}

// PathItem holds the operations of one path.
type PathItem struct {
	Operations map[string]*Operation
	Parameters []*Parameter
}

// UnmarshalJSON implements json.Unmarshaler.
func (p *PathItem) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	p.Operations = map[string]*Operation{}
	for key, value := range raw {
		key = strings.ToLower(key)
		switch {
		case key == "parameters":
			if err := json.Unmarshal(value, &p.Parameters); err != nil {
				return fmt.Errorf("parameters: %w", err)
			}
		case isMethod(key):
			var op Operation
			if err := json.Unmarshal(value, &op); err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			p.Operations[key] = &op
		}
	}
	return nil
}

func isMethod(s string) bool {
	for _, m := range methodOrder {
		if m == s {
			return true
		}
	}
	return false
}

// Operation is one HTTP operation.
type Operation struct {
	Tags        []string             `json:"tags"`
	Summary     string               `json:"summary"`
	Description string               `json:"description"`
	OperationID string               `json:"operationId"`
	Consumes    []string             `json:"consumes"`
	Produces    []string             `json:"produces"`
	Parameters  []*Parameter         `json:"parameters"`
	Responses   map[string]*Response `json:"responses"`
	Deprecated  bool                 `json:"deprecated"`
	// Security is nil when the operation does not override the document's
	// security requirements, and non-nil (possibly empty) when it does.
	Security *[]map[string][]string `json:"security"`
}

// Parameter is an operation parameter.
type Parameter struct {
	Ref              string            `json:"$ref"`
	Name             string            `json:"name"`
	In               string            `json:"in"`
	Description      string            `json:"description"`
	Required         bool              `json:"required"`
	Type             string            `json:"type"`
	Format           string            `json:"format"`
	Items            *Schema           `json:"items"`
	CollectionFormat string            `json:"collectionFormat"`
	Enum             []json.RawMessage `json:"enum"`
	Default          json.RawMessage   `json:"default"`
	Schema           *Schema           `json:"schema"`
}

// Response is an operation response.
type Response struct {
	Ref         string  `json:"$ref"`
	Description string  `json:"description"`
	Schema      *Schema `json:"schema"`
}

// Schema is a (Swagger flavoured) JSON schema.
type Schema struct {
	Ref                  string             `json:"$ref"`
	Type                 schemaType         `json:"type"`
	Format               string             `json:"format"`
	Title                string             `json:"title"`
	Description          string             `json:"description"`
	Enum                 []json.RawMessage  `json:"enum"`
	Items                *Schema            `json:"items"`
	Properties           map[string]*Schema `json:"properties"`
	AdditionalProperties *additionalProps   `json:"additionalProperties"`
	Required             []string           `json:"required"`
	AllOf                []*Schema          `json:"allOf"`
	Example              json.RawMessage    `json:"example"`
	Default              json.RawMessage    `json:"default"`
	ReadOnly             bool               `json:"readOnly"`
	Minimum              *float64           `json:"minimum"`
	Maximum              *float64           `json:"maximum"`
	MinLength            *int               `json:"minLength"`
	MaxLength            *int               `json:"maxLength"`
	Pattern              string             `json:"pattern"`
}

// schemaType accepts both "type": "string" and "type": ["string", "null"].
type schemaType string

func (t *schemaType) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		var list []string
		if err := json.Unmarshal(data, &list); err != nil {
			return err
		}
		for _, s := range list {
			if s != "null" {
				*t = schemaType(s)
				return nil
			}
		}
		return nil
	}
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	*t = schemaType(s)
	return nil
}

// additionalProps is either a boolean or a schema.
type additionalProps struct {
	Allowed bool
	Schema  *Schema
}

func (a *additionalProps) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	switch string(data) {
	case "true":
		a.Allowed = true
		return nil
	case "false", "null":
		return nil
	}
	var s Schema
	if err := json.Unmarshal(data, &s); err != nil {
		return err
	}
	a.Allowed = true
	a.Schema = &s
	return nil
}

// mapValue returns the value schema of a map-like schema, or nil if the
// schema is not a map with a described value. An empty value schema ({}) does
// not count: it says nothing worth rendering.
func (s *Schema) mapValue() *Schema {
	if s == nil || s.AdditionalProperties == nil || s.AdditionalProperties.Schema == nil {
		return nil
	}
	if s.AdditionalProperties.Schema.isEmpty() {
		return nil
	}
	return s.AdditionalProperties.Schema
}

// isEmpty reports whether the schema constrains nothing at all.
func (s *Schema) isEmpty() bool {
	return s.Ref == "" && s.Type == "" && s.Format == "" && len(s.Enum) == 0 &&
		s.Items == nil && len(s.Properties) == 0 && s.AdditionalProperties == nil &&
		len(s.AllOf) == 0 && s.Example == nil && s.Default == nil
}

func (s *Schema) isRequired(name string) bool {
	for _, r := range s.Required {
		if r == name {
			return true
		}
	}
	return false
}

func (s *Schema) propertyNames() []string {
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

const definitionPrefix = "#/definitions/"

// refName returns the definition name a $ref points to.
func refName(ref string) string {
	return strings.TrimPrefix(ref, definitionPrefix)
}

// loadSpec parses a swagger document.
func loadSpec(data []byte) (*Spec, error) {
	var spec Spec
	if err := json.Unmarshal(data, &spec); err != nil {
		return nil, fmt.Errorf("parse swagger: %w", err)
	}
	if spec.Swagger != "" && !strings.HasPrefix(spec.Swagger, "2.") {
		return nil, fmt.Errorf("unsupported swagger version %q (want 2.0)", spec.Swagger)
	}
	for path, item := range spec.Paths {
		if item == nil {
			return nil, fmt.Errorf("path %q: empty path item", path)
		}
	}
	if err := spec.checkRefs(); err != nil {
		return nil, err
	}
	return &spec, nil
}

// definition returns the schema a $ref points to.
func (s *Spec) definition(ref string) (*Schema, bool) {
	if !strings.HasPrefix(ref, definitionPrefix) {
		return nil, false
	}
	def, ok := s.Definitions[refName(ref)]
	return def, ok && def != nil
}

// checkRefs makes sure every $ref in the document resolves, so that the
// renderer never has to guess what a dangling reference means.
func (s *Spec) checkRefs() error {
	var problems []string
	var walk func(where string, sc *Schema)
	walk = func(where string, sc *Schema) {
		if sc == nil {
			return
		}
		if sc.Ref != "" {
			if _, ok := s.definition(sc.Ref); !ok {
				problems = append(problems, fmt.Sprintf("%s: unresolved $ref %q", where, sc.Ref))
			}
		}
		walk(where+".items", sc.Items)
		for _, name := range sc.propertyNames() {
			walk(where+"."+name, sc.Properties[name])
		}
		if sc.AdditionalProperties != nil {
			walk(where+".additionalProperties", sc.AdditionalProperties.Schema)
		}
		for i, sub := range sc.AllOf {
			walk(fmt.Sprintf("%s.allOf[%d]", where, i), sub)
		}
	}
	for _, name := range sortedKeys(s.Definitions) {
		walk("definitions."+name, s.Definitions[name])
	}
	for _, path := range sortedKeys(s.Paths) {
		item := s.Paths[path]
		for _, p := range item.Parameters {
			walk(path+" parameter "+p.Name, p.Schema)
		}
		for _, method := range methodOrder {
			op := item.Operations[method]
			if op == nil {
				continue
			}
			where := strings.ToUpper(method) + " " + path
			for _, p := range op.Parameters {
				if p.Ref != "" {
					if _, ok := s.Parameters[strings.TrimPrefix(p.Ref, "#/parameters/")]; !ok {
						problems = append(problems, fmt.Sprintf("%s: unresolved parameter $ref %q", where, p.Ref))
					}
					continue
				}
				walk(where+" parameter "+p.Name, p.Schema)
			}
			for _, code := range sortedKeys(op.Responses) {
				r := op.Responses[code]
				if r == nil {
					continue
				}
				if r.Ref != "" {
					if _, ok := s.Responses[strings.TrimPrefix(r.Ref, "#/responses/")]; !ok {
						problems = append(problems, fmt.Sprintf("%s: unresolved response $ref %q", where, r.Ref))
					}
					continue
				}
				walk(where+" response "+code, r.Schema)
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("swagger document has dangling references:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
