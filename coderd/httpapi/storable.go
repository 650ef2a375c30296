package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// PostgreSQL text cannot hold a NUL byte, and the server encoding (UTF8)
// refuses invalid byte sequences: a request carrying either would fail in
// the database with a 500. These helpers let the API refuse such input up
// front, naming the field, or clean what it records on its own account.

// Unstorable explains why PostgreSQL cannot store s as text, or returns "".
func Unstorable(s string) string {
	if !utf8.ValidString(s) {
		return "must be valid UTF-8"
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "must not contain NUL characters"
	}
	return ""
}

// Storable returns s cleaned so PostgreSQL can store it: invalid UTF-8
// replaced by U+FFFD, NUL bytes removed, and cut to at most max bytes on a
// character boundary (max <= 0 means no bound). It is for values the server
// records about a request (user agent, audit fields), never for user input a
// handler would silently change.
func Storable(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\x00", "")
	if max > 0 && len(s) > max {
		cut := max
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return s
}

// maxJSONDepth bounds the nesting of request bodies; no request type nests
// more than a few levels, and deep nesting only costs the server.
const maxJSONDepth = 64

// errTooDeep is returned by unstorableJSONField for bodies nested deeper
// than maxJSONDepth.
var errTooDeep = errors.New("JSON nested too deeply")

// unstorableJSONField walks the JSON document raw and returns the path of
// the first string (key or value) PostgreSQL cannot store, with the reason.
// encoding/json replaces invalid UTF-8 by U+FFFD when decoding, so the raw
// bytes of each string are checked as well as its decoded value (for NUL,
// which "\u0000" decodes to). raw must be one valid JSON value.
func unstorableJSONField(raw []byte) (field, reason string, err error) {
	type frame struct {
		object   bool
		key      string
		index    int
		wantsKey bool
	}
	var stack []frame
	path := func() string {
		var b strings.Builder
		for i, f := range stack {
			if f.object {
				if i > 0 {
					b.WriteByte('.')
				}
				b.WriteString(f.key)
				continue
			}
			b.WriteString("[" + strconv.Itoa(f.index) + "]")
		}
		return b.String()
	}
	// A value just completed: the enclosing object now wants a key, the
	// enclosing array moves to its next index.
	valueDone := func() {
		if len(stack) == 0 {
			return
		}
		top := &stack[len(stack)-1]
		if top.object {
			top.wantsKey = true
		} else {
			top.index++
		}
	}

	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	prev := dec.InputOffset()
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return "", "", nil
		}
		if err != nil {
			return "", "", err
		}
		end := dec.InputOffset()
		span := raw[prev:end]
		prev = end
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{', '[':
				if len(stack) >= maxJSONDepth {
					return path(), "", errTooDeep
				}
				stack = append(stack, frame{object: v == '{', wantsKey: v == '{'})
			default:
				stack = stack[:len(stack)-1]
				valueDone()
			}
		case string:
			isKey := len(stack) > 0 && stack[len(stack)-1].object && stack[len(stack)-1].wantsKey
			if isKey {
				top := &stack[len(stack)-1]
				top.key, top.wantsKey = v, false
			}
			reason := Unstorable(v)
			if reason == "" && !utf8.Valid(span) {
				reason = "must be valid UTF-8"
			}
			if reason != "" {
				field := path()
				if field == "" {
					field = "body"
				}
				return field, reason, nil
			}
			if !isKey {
				valueDone()
			}
		default:
			valueDone()
		}
	}
}

// badField returns the JSON path of the field of t whose value in raw fails
// to decode, or "" when it cannot tell. It retries the decode field by field,
// so it is only for the error path.
func badField(raw []byte, t reflect.Type) string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil {
		return ""
	}
	switch t.Kind() {
	case reflect.Struct:
		var fields map[string]json.RawMessage
		if json.Unmarshal(raw, &fields) != nil {
			return ""
		}
		for name, value := range fields {
			ft, ok := jsonFieldType(t, name)
			if !ok {
				continue
			}
			if json.Unmarshal(value, reflect.New(ft).Interface()) == nil {
				continue
			}
			if sub := badField(value, ft); sub != "" {
				if strings.HasPrefix(sub, "[") {
					return name + sub
				}
				return name + "." + sub
			}
			return name
		}
	case reflect.Slice, reflect.Array:
		var items []json.RawMessage
		if json.Unmarshal(raw, &items) != nil {
			return ""
		}
		for i, item := range items {
			if json.Unmarshal(item, reflect.New(t.Elem()).Interface()) != nil {
				if sub := badField(item, t.Elem()); sub != "" && !strings.HasPrefix(sub, "[") {
					return "[" + strconv.Itoa(i) + "]." + sub
				}
				return "[" + strconv.Itoa(i) + "]"
			}
		}
	}
	return ""
}

// jsonFieldType finds the type of the field of struct t that the JSON key
// name decodes into, as encoding/json matches them (tag or field name,
// case-insensitively, through embedded structs).
func jsonFieldType(t reflect.Type, name string) (reflect.Type, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		key, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && key == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				if ft, ok := jsonFieldType(et, name); ok {
					return ft, true
				}
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if key == "" {
			key = f.Name
		}
		if strings.EqualFold(key, name) {
			return f.Type, true
		}
	}
	return nil, false
}
