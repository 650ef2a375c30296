package codersdk_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// golden is one example body from upstream's generated API reference
// (docs/reference/api/*.md), with the Go type it must round-trip through.
type golden struct {
	name    string
	example string
	newT    func() any
}

// checkGolden asserts that the docs example decodes into the type with no
// unknown field, and that encoding the result again yields exactly the keys
// of the example, nested ones included. The examples set every field to a
// non-zero value where upstream's encoder would otherwise omit it, so key
// sets compare exactly.
func checkGolden(t *testing.T, tc golden) {
	t.Helper()

	v := tc.newT()
	dec := json.NewDecoder(strings.NewReader(tc.example))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode docs example: %v", err)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}

	want := keyPaths(t, []byte(tc.example))
	got := keyPaths(t, out)
	if !slices.Equal(got, want) {
		t.Errorf("key paths differ from upstream\n missing: %v\n extra:   %v",
			difference(want, got), difference(got, want))
	}

	// Decoding our own output must give the same value back.
	again := tc.newT()
	if err := json.Unmarshal(out, again); err != nil {
		t.Fatalf("decode own output: %v", err)
	}
	if !reflect.DeepEqual(v, again) {
		t.Errorf("round trip changed the value:\n first: %+v\n again: %+v", v, again)
	}
}

// keyPaths lists every object key in a JSON document as a dotted path;
// array elements add "[]". The result is sorted and without duplicates.
func keyPaths(t *testing.T, doc []byte) []string {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("parse %s: %v", doc, err)
	}
	set := map[string]struct{}{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				p := k
				if prefix != "" {
					p = prefix + "." + k
				}
				set[p] = struct{}{}
				walk(p, child)
			}
		case []any:
			for _, child := range v {
				walk(prefix+"[]", child)
			}
		}
	}
	walk("", v)
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func difference(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// enumList splits a docs "Value(s)" cell such as "`a`, `b`, “" into values.
func enumList(cell string) []string {
	var out []string
	for _, part := range strings.Split(cell, ",") {
		out = append(out, strings.Trim(strings.TrimSpace(part), "`"))
	}
	sort.Strings(out)
	return out
}

func sortedStrings[S ~string](in []S) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, string(s))
	}
	sort.Strings(out)
	return out
}
