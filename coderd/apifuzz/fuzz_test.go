package apifuzz_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"cdr.dev/slog"
	"cdr.dev/slog/sloggers/slogtest"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/apidoc"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// The subset of Swagger 2.0 the walk needs.
type swaggerDoc struct {
	BasePath    string                          `json:"basePath"`
	Paths       map[string]map[string]operation `json:"paths"`
	Definitions map[string]*schema              `json:"definitions"`
}

type operation struct {
	Parameters []parameter `json:"parameters"`
	Produces   []string    `json:"produces"`
}

type parameter struct {
	Name   string  `json:"name"`
	In     string  `json:"in"`
	Type   string  `json:"type"`
	Format string  `json:"format"`
	Schema *schema `json:"schema"`
}

type schema struct {
	Ref        string             `json:"$ref"`
	Type       string             `json:"type"`
	Format     string             `json:"format"`
	Enum       []any              `json:"enum"`
	Properties map[string]*schema `json:"properties"`
	Items      *schema            `json:"items"`
	AllOf      []*schema          `json:"allOf"`
}

// fuzzCase is one hostile request.
type fuzzCase struct {
	op     string // "METHOD /pattern", for the report
	method string
	// path is below the base path, already escaped.
	path     string
	rawQuery string
	body     []byte
	// what was made bad, for the report ("path organization: NUL").
	what string
	// field must be named by a 400 (validation field, message or detail).
	field string
	// mustFail: no server may accept this input (text PostgreSQL cannot
	// store); a 2xx is a failure.
	mustFail bool
	// stream routes may legitimately hold the request open.
	stream bool
}

// TestEveryOperationRefusesHostileInput loads the API's Swagger document and
// sends every operation bad path values, bad query values and bad bodies, as
// an owner and as a member, against a server with real rows behind every
// kind of path parameter. It fails on any 5xx, on a 4xx without a message,
// on a 400 for a bad field that does not name it, and on text PostgreSQL
// cannot store being accepted.
func TestEveryOperationRefusesHostileInput(t *testing.T) {
	t.Parallel()

	var doc swaggerDoc
	require.NoError(t, json.Unmarshal(apidoc.SwaggerJSON, &doc))
	require.NotEmpty(t, doc.Paths)

	// 500s are what this test looks for; it reports them itself, with the
	// request, so error logs must not end the test early.
	logger := slogtest.Make(t, &slogtest.Options{IgnoreErrors: true}).Leveled(slog.LevelError)
	owner := coderdtest.New(t, &coderdtest.Options{IncludeProvisionerDaemon: true, Logger: &logger})
	first := coderdtest.CreateFirstUser(t, owner)
	member, memberUser := coderdtest.CreateAnotherUser(t, owner, first.OrganizationID)
	real := arrange(t, owner, member, first.OrganizationID, memberUser)

	rng := rand.New(rand.NewPCG(15, 2026)) //nolint:gosec // deterministic input, not secrets
	cases := buildCases(t, doc, real, rng)
	t.Logf("%d operations, %d cases, as 2 actors", countOps(doc), len(cases))

	base := strings.TrimSuffix(owner.URL.String(), "/") + doc.BasePath
	httpClient := &http.Client{}
	t.Cleanup(httpClient.CloseIdleConnections)
	var failures []string
	statuses := map[int]int{}
	for _, actor := range []struct {
		name  string
		token string
	}{{"member", member.SessionToken()}, {"owner", owner.SessionToken()}} {
		for _, c := range cases {
			status, msg := send(t, httpClient, base, actor.token, c)
			statuses[status]++
			if msg != "" {
				failures = append(failures, fmt.Sprintf("as %s: %s %s%s [%s]: %s", actor.name, c.method, c.path, queryPart(c.rawQuery), c.what, msg))
			}
		}
	}
	t.Logf("answers by status (0: stream held open): %v", statuses)
	if len(failures) > 0 {
		max := min(len(failures), 80)
		t.Fatalf("%d of %d requests broke the contract; first %d:\n%s", len(failures), 2*len(cases), max, strings.Join(failures[:max], "\n"))
	}

	// The walk must leave a working server behind.
	_, err := owner.User(context.Background(), codersdk.Me)
	require.NoError(t, err)
}

func queryPart(q string) string {
	if q == "" {
		return ""
	}
	if len(q) > 80 {
		q = q[:80] + "…"
	}
	return "?" + q
}

func countOps(doc swaggerDoc) int {
	n := 0
	for _, ops := range doc.Paths {
		n += len(ops)
	}
	return n
}

// send makes one request and returns its status and what is wrong with the
// answer, or "".
func send(t *testing.T, hc *http.Client, base, token string, c fuzzCase) (int, string) {
	t.Helper()
	resp, raw, err := do(t, hc, base, token, c)
	if err != nil {
		if c.stream && errors.Is(err, context.DeadlineExceeded) {
			return 0, ""
		}
		return 0, err.Error()
	}
	return resp.StatusCode, check(c, resp, raw)
}

func do(t *testing.T, hc *http.Client, base, token string, c fuzzCase) (*http.Response, []byte, error) {
	t.Helper()
	timeout := 30 * time.Second
	if c.stream {
		timeout = 3 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	u := base + c.path
	if c.rawQuery != "" {
		u += "?" + c.rawQuery
	}
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(ctx, c.method, u, body)
	if err != nil {
		t.Fatalf("build request %s %s: %v", c.method, u, err)
	}
	req.Header.Set(codersdk.SessionTokenHeader, token)
	if c.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, nil, err
	}
	return resp, raw, nil
}

// check returns what is wrong with the answer to c, or "".
func check(c fuzzCase, resp *http.Response, raw []byte) string {
	snippet := string(raw)
	if len(snippet) > 300 {
		snippet = snippet[:300] + "…"
	}
	switch {
	case resp.StatusCode >= 500:
		return fmt.Sprintf("status %d: %s", resp.StatusCode, snippet)
	case resp.StatusCode >= 400:
		var r codersdk.Response
		if err := json.Unmarshal(raw, &r); err != nil {
			return fmt.Sprintf("status %d without a codersdk.Response body: %s", resp.StatusCode, snippet)
		}
		if strings.TrimSpace(r.Message) == "" {
			return fmt.Sprintf("status %d without a message: %s", resp.StatusCode, snippet)
		}
		if resp.StatusCode == http.StatusBadRequest && c.field != "" && !namesField(r, c.field) {
			return fmt.Sprintf("400 does not name field %q: %s", c.field, snippet)
		}
	case resp.StatusCode >= 200 && resp.StatusCode < 300 && c.mustFail:
		return fmt.Sprintf("status %d accepted text PostgreSQL cannot store", resp.StatusCode)
	}
	return ""
}

func namesField(r codersdk.Response, field string) bool {
	for _, v := range r.Validations {
		if strings.Contains(v.Field, field) {
			return true
		}
	}
	return strings.Contains(r.Message, field) || strings.Contains(r.Detail, field)
}

// realValues are path parameter values that name existing rows.
type realValues map[string]string

func arrange(t *testing.T, owner, member *codersdk.Client, orgID uuid.UUID, memberUser codersdk.User) realValues {
	t.Helper()
	ctx := context.Background()
	org, err := owner.Organization(ctx, orgID)
	require.NoError(t, err)
	_, err = owner.CreateOrganization(ctx, codersdk.CreateOrganizationRequest{Name: "fuzz-org", DisplayName: "Fuzz"})
	require.NoError(t, err)
	group, err := owner.CreateGroup(ctx, orgID, codersdk.CreateGroupRequest{Name: "fuzzers"})
	require.NoError(t, err)

	version := coderdtest.CreateTemplateVersion(t, owner, orgID, nil, uuid.Nil)
	version = coderdtest.AwaitTemplateVersionJobCompleted(t, owner, version.ID)
	template := coderdtest.CreateTemplate(t, owner, orgID, version.ID)
	ws := coderdtest.CreateWorkspace(t, member, template.ID)
	build := coderdtest.AwaitWorkspaceBuildJobCompleted(t, member, ws.LatestBuild.ID)

	token, err := member.CreateToken(ctx, codersdk.Me, codersdk.CreateTokenRequest{TokenName: "fuzz-token"})
	require.NoError(t, err)
	keyID, _, _ := strings.Cut(token.Key, "-")

	return realValues{
		"organization":        orgID.String(),
		"organizationname":    org.Name,
		"group":               group.ID.String(),
		"groupName":           group.Name,
		"user":                memberUser.Username,
		"template":            template.ID.String(),
		"templatename":        template.Name,
		"templateversion":     version.ID.String(),
		"templateversionname": version.Name,
		"workspace":           ws.ID.String(),
		"workspacename":       ws.Name,
		"workspacebuild":      build.ID.String(),
		"buildnumber":         fmt.Sprint(build.BuildNumber),
		"fileID":              version.Job.FileID.String(),
		"job":                 version.Job.ID.String(),
		"jobID":               uuid.NewString(),
		"keyid":               keyID,
		"keyname":             "fuzz-token",
		"roleName":            "fuzz-role",
	}
}

// Bad values for path parameters, escaped as they go on the wire.
var badPathValues = []struct {
	name, escaped string
	unstorable    bool
}{
	{"NUL", "%00", true},
	{"overlong encoding", "%C0%AF", true},
	{"invalid UTF-8", "a%FF%FEb", true},
	{"NUL inside", "abc%00def", true},
	{"overlong value", strings.Repeat("a", 5000), false},
	{"random uuid", "", false},
	{"me", "me", false},
	{"escaped slash", "a%2Fb", false},
	{"negative number", "-1", false},
}

var badQueryValues = []struct {
	name, escaped string
	unstorable    bool
}{
	{"NUL", "%00", true},
	{"invalid UTF-8", "%FF%FE", true},
	{"NUL inside", "status%3Arunning%00", true},
}

func buildCases(t *testing.T, doc swaggerDoc, real realValues, rng *rand.Rand) []fuzzCase {
	t.Helper()
	patterns := make([]string, 0, len(doc.Paths))
	for p := range doc.Paths {
		patterns = append(patterns, p)
	}
	sort.Strings(patterns)

	var cases []fuzzCase
	for _, pattern := range patterns {
		methods := make([]string, 0, len(doc.Paths[pattern]))
		for m := range doc.Paths[pattern] {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		for _, m := range methods {
			op := doc.Paths[pattern][m]
			method := strings.ToUpper(m)
			opName := method + " " + pattern
			stream := strings.HasSuffix(pattern, "/watch") || strings.HasSuffix(pattern, "/watch-ws") ||
				strings.HasSuffix(pattern, "/logs") || slices.Contains(op.Produces, "text/event-stream")
			mk := func(path, query string, body []byte, what, field string, mustFail bool) fuzzCase {
				return fuzzCase{op: opName, method: method, path: path, rawQuery: query, body: body,
					what: what, field: field, mustFail: mustFail, stream: stream}
			}
			realPath := fillPath(pattern, real, "", "")

			// Path parameters, one at a time, the others real.
			for _, p := range op.Parameters {
				if p.In != "path" {
					continue
				}
				for _, bad := range badPathValues {
					value := bad.escaped
					if bad.name == "random uuid" {
						value = uuidFrom(rng).String()
					}
					if value == real[p.Name] || (p.Name == "user" && value == "me") {
						continue // that is a real value, not a bad one
					}
					field := ""
					if bad.unstorable {
						field = p.Name
					}
					cases = append(cases, mk(fillPath(pattern, real, p.Name, value), "", nil,
						fmt.Sprintf("path %s: %s", p.Name, bad.name), field, bad.unstorable))
				}
			}

			// Query values: each declared one, or a stray "q" where none is.
			var queryParams []parameter
			for _, p := range op.Parameters {
				if p.In == "query" {
					queryParams = append(queryParams, p)
				}
			}
			strays := queryParams
			if len(strays) == 0 {
				strays = []parameter{{Name: "q", Type: "string"}}
			}
			for _, p := range strays {
				for _, bad := range badQueryValues {
					cases = append(cases, mk(realPath, url.QueryEscape(p.Name)+"="+bad.escaped, nil,
						fmt.Sprintf("query %s: %s", p.Name, bad.name), p.Name, true))
				}
			}
			// Huge and wrongly typed values only where the operation reads
			// them (all reads): on a write they would do the write.
			for _, p := range queryParams {
				cases = append(cases,
					mk(realPath, url.QueryEscape(p.Name)+"="+strings.Repeat("9", 100_000), nil, "query "+p.Name+": huge", "", false),
					mk(realPath, url.QueryEscape(p.Name)+"=not%20a%20"+p.Type, nil, "query "+p.Name+": wrong type", "", false),
					mk(realPath, url.QueryEscape(p.Name)+"=-99999999999999999999", nil, "query "+p.Name+": out of range", "", false),
				)
			}

			// Bodies.
			for _, p := range op.Parameters {
				if p.In != "body" || p.Schema == nil {
					continue
				}
				logOnly := pattern == "/csp/reports" // only logged, never stored
				for _, b := range badBodies(doc, p.Schema, rng) {
					cases = append(cases, mk(realPath, "", b.body, "body: "+b.what, b.field, b.unstorable && !logOnly))
				}
			}
		}
	}
	return cases
}

func uuidFrom(rng *rand.Rand) uuid.UUID {
	var u uuid.UUID
	for i := range u {
		u[i] = byte(rng.UintN(256))
	}
	u[6] = (u[6] & 0x0f) | 0x40
	u[8] = (u[8] & 0x3f) | 0x80
	return u
}

// fillPath puts real values in pattern's parameters, and value in the one
// named bad.
func fillPath(pattern string, real realValues, bad, value string) string {
	parts := strings.Split(pattern, "/")
	for i, part := range parts {
		if !strings.HasPrefix(part, "{") {
			continue
		}
		name := strings.Trim(part, "{}")
		if name == bad {
			parts[i] = value
			continue
		}
		v, ok := real[name]
		if !ok {
			v = "unknown-" + name
		}
		parts[i] = url.PathEscape(v)
	}
	return strings.Join(parts, "/")
}

type badBody struct {
	what       string
	body       []byte
	field      string
	unstorable bool
}

// Placeholders replaced in the encoded body by bytes encoding/json would not
// write: invalid UTF-8 inside a string.
const invalidUTF8Marker = "\u2603INVALID\u2603"

func badBodies(doc swaggerDoc, s *schema, rng *rand.Rand) []badBody {
	s = resolve(doc, s)
	var out []badBody
	add := func(what, field string, unstorable bool, v any) {
		raw, err := json.Marshal(v)
		if err != nil {
			panic(err)
		}
		raw = bytes.ReplaceAll(raw, []byte(invalidUTF8Marker), []byte("a\xff\xfe\xc0\xafb"))
		out = append(out, badBody{what: what, body: raw, field: field, unstorable: unstorable})
	}
	rawBody := func(what string, raw []byte) {
		out = append(out, badBody{what: what, body: raw})
	}

	// Whole bodies.
	rawBody("empty object", []byte(`{}`))
	rawBody("null", []byte(`null`))
	rawBody("array", []byte(`[]`))
	rawBody("string", []byte(`"x"`))
	rawBody("number", []byte(`42`))
	rawBody("truncated", []byte(`{"a":`))
	rawBody("trailing data", []byte(`{} {}`))
	rawBody("deeply nested arrays", []byte(strings.Repeat("[", 10_000)+strings.Repeat("]", 10_000)))
	add("NUL in an unknown key", "", true, map[string]any{"a\u0000b": 1})
	add("invalid UTF-8 in an unknown key", "", true, map[string]any{invalidUTF8Marker: 1})

	names := sortedKeys(s.Properties)
	if s.Type != "object" && len(names) == 0 {
		return out
	}
	valid := func() map[string]any {
		m := map[string]any{}
		for _, name := range names {
			m[name] = sample(doc, s.Properties[name], rng, 0)
		}
		return m
	}
	if len(names) > 0 {
		first := names[0]
		// More than the 4 MiB a JSON body may be.
		huge := valid()
		huge[first] = strings.Repeat("A", 4<<20+1024)
		add("huge", "", false, huge)
		// Nested 10,000 levels deep under a real field.
		rawBody("deeply nested objects under "+first, []byte(
			`{"`+first+`":`+strings.Repeat(`{"`+first+`":`, 10_000)+`1`+strings.Repeat("}", 10_000)+`}`))
	}
	for _, name := range names {
		prop := resolve(doc, s.Properties[name])
		if isString(prop) {
			m := valid()
			m[name] = "a\u0000b"
			add(name+": NUL", name, true, m)
			m = valid()
			m[name] = invalidUTF8Marker
			add(name+": invalid UTF-8", name, true, m)
			// Long, but under the body limit: longer than any index
			// entry PostgreSQL can hold.
			m = valid()
			m[name] = strings.Repeat("a", 100_000)
			add(name+": long", "", false, m)
		}
		m := valid()
		m[name] = wrongType(prop)
		add(name+": wrong type", name, false, m)
		m = valid()
		delete(m, name)
		add(name+": missing", "", false, m)
		m = valid()
		m[name] = nil
		add(name+": null", "", false, m)
		if prop.Type == "array" && prop.Items != nil {
			items := resolve(doc, prop.Items)
			if isString(items) {
				m = valid()
				m[name] = []any{"ok", "a\u0000b"}
				add(name+"[1]: NUL", name, true, m)
			} else if len(items.Properties) > 0 {
				m = valid()
				elem := sample(doc, items, rng, 0).(map[string]any)
				for _, k := range sortedKeys(items.Properties) {
					if isString(resolve(doc, items.Properties[k])) {
						elem[k] = "a\u0000b"
						break
					}
				}
				m[name] = []any{elem}
				add(name+"[0]: NUL in a field", name, true, m)
			}
		}
		if len(prop.Properties) > 0 {
			m = valid()
			elem := sample(doc, prop, rng, 0).(map[string]any)
			for _, k := range sortedKeys(prop.Properties) {
				if isString(resolve(doc, prop.Properties[k])) {
					elem[k] = invalidUTF8Marker
					m[name] = elem
					add(name+"."+k+": invalid UTF-8", name, true, m)
					break
				}
			}
		}
	}
	return out
}

func isString(s *schema) bool { return s.Type == "string" }

func wrongType(s *schema) any {
	switch s.Type {
	case "string":
		return 12345
	case "integer", "number":
		return "not a number"
	case "boolean":
		return "not a boolean"
	case "array":
		return map[string]any{"not": "an array"}
	default:
		return "not an object"
	}
}

func resolve(doc swaggerDoc, s *schema) *schema {
	for i := 0; s != nil && i < 10; i++ {
		switch {
		case s.Ref != "":
			s = doc.Definitions[strings.TrimPrefix(s.Ref, "#/definitions/")]
		case len(s.AllOf) == 1:
			s = s.AllOf[0]
		default:
			return s
		}
	}
	if s == nil {
		return &schema{}
	}
	return s
}

// sample is a plausible value for s, so that one bad field is the only
// thing wrong with a body.
func sample(doc swaggerDoc, s *schema, rng *rand.Rand, depth int) any {
	s = resolve(doc, s)
	if len(s.Enum) > 0 {
		return s.Enum[0]
	}
	switch s.Type {
	case "string":
		switch s.Format {
		case "uuid":
			return uuidFrom(rng).String()
		case "date-time":
			return "2026-01-02T03:04:05Z"
		case "email":
			return "fuzz@example.com"
		}
		return "fuzz"
	case "integer", "number":
		return 1
	case "boolean":
		return true
	case "array":
		return []any{}
	}
	m := map[string]any{}
	if depth > 3 {
		return m
	}
	for _, name := range sortedKeys(s.Properties) {
		m[name] = sample(doc, s.Properties[name], rng, depth+1)
	}
	return m
}

func sortedKeys(m map[string]*schema) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
