package audit

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"unicode"

	"github.com/devplane/devplane/codersdk"
)

// ignoredFields change on their own or with every write; listing them in a
// diff would say nothing about what the caller did.
var ignoredFields = map[string]bool{
	"updated_at":   true,
	"last_used":    true,
	"last_seen_at": true,
}

// IsSecretField reports whether a field of this name holds a secret, whose
// value must never reach the log: passwords, key secrets and their hashes,
// private keys, tokens, and provisioner state (which may hold cloud
// credentials). The rule is by name so that a field added later is redacted
// without anyone remembering to list it.
func IsSecretField(name string) bool {
	name = strings.ToLower(name)
	switch name {
	case "key", "token", "provisioner_state", "state":
		return true
	}
	for _, suffix := range []string{"password", "secret", "private_key", "_token", "_key_hash"} {
		if strings.HasSuffix(name, suffix) {
			return true
		}
	}
	return false
}

// Diff compares two values field by field, as their JSON objects: for each
// top-level field whose value differs it gives the old and the new value.
// Either side may be nil (a creation or a deletion); fields that are absent
// or zero on both sides are left out. Fields named in secretFields, and
// every field IsSecretField names (at any depth), are marked secret and
// carry no values. Structs without JSON tags (the database rows) have their
// field names turned into snake_case, so HashedPassword is hashed_password.
func Diff(old, new any, secretFields ...string) codersdk.AuditDiff {
	secret := map[string]bool{}
	for _, f := range secretFields {
		secret[f] = true
	}
	before, after := fields(old), fields(new)
	out := codersdk.AuditDiff{}
	seen := map[string]bool{}
	for _, m := range []map[string]any{before, after} {
		for k := range m {
			if seen[k] || ignoredFields[k] {
				continue
			}
			seen[k] = true
			o, n := before[k], after[k]
			if isZero(o) && isZero(n) || reflect.DeepEqual(o, n) {
				continue
			}
			if secret[k] || IsSecretField(k) {
				out[k] = codersdk.AuditDiffField{Secret: true}
				continue
			}
			out[k] = codersdk.AuditDiffField{Old: o, New: n}
		}
	}
	return out
}

// fields turns v into its JSON object, with snake_case keys and nested
// secrets blanked. A value that is not an object becomes {"value": v}.
func fields(v any) map[string]any {
	if v == nil {
		return map[string]any{}
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return map[string]any{}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	// Numbers stay exact (a TTL in nanoseconds does not fit a float).
	dec.UseNumber()
	var decoded any
	if err := dec.Decode(&decoded); err != nil {
		return map[string]any{}
	}
	obj, ok := decoded.(map[string]any)
	if !ok {
		if decoded == nil {
			return map[string]any{}
		}
		return map[string]any{"value": decoded}
	}
	out := make(map[string]any, len(obj))
	for k, val := range obj {
		out[snakeCase(k)] = scrub(val)
	}
	return out
}

// scrub blanks the values of secret fields inside nested objects; a changed
// nested secret then shows only as a change of its parent.
func scrub(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if IsSecretField(snakeCase(k)) {
				t[k] = ""
				continue
			}
			t[k] = scrub(val)
		}
	case []any:
		for i, val := range t {
			t[i] = scrub(val)
		}
	}
	return v
}

func isZero(v any) bool {
	switch t := v.(type) {
	case nil:
		return true
	case string:
		return t == ""
	case bool:
		return !t
	case json.Number:
		f, err := t.Float64()
		return err == nil && f == 0
	case []any:
		return len(t) == 0
	case map[string]any:
		return len(t) == 0
	}
	return false
}

// snakeCase turns a Go field name into the JSON style of the API:
// OrganizationID → organization_id, UserAcl → user_acl. Names that are
// already lower case are returned as they are.
func snakeCase(s string) string {
	if strings.IndexFunc(s, unicode.IsUpper) < 0 {
		return s
	}
	rs := []rune(s)
	var b strings.Builder
	for i, r := range rs {
		if unicode.IsUpper(r) {
			// A new word starts at an upper-case letter after a lower-case
			// one, or at the last capital of an acronym followed by a
			// lower-case letter (the "D" of "IDs" does not, the "P" of
			// "HTTPServer" does).
			if i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1]) ||
				(unicode.IsUpper(rs[i-1]) && i+1 < len(rs) && unicode.IsLower(rs[i+1]) && rs[i+1] != 's')) {
				b.WriteByte('_')
			}
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
