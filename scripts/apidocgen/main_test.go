package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

const (
	fixturePath = "testdata/swagger.json"
	goldenDir   = "testdata/golden"
)

func loadFixture(t *testing.T) *Spec {
	t.Helper()
	data, err := os.ReadFile(fixturePath)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := loadSpec(data)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

func generateFixture(t *testing.T) map[string]string {
	t.Helper()
	files, err := generate(loadFixture(t), options{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for name, data := range files {
		out[name] = string(data)
	}
	return out
}

// section returns the part of a page that documents one operation: from its
// "## summary" heading up to the next "## " heading.
func section(t *testing.T, page, summary string) string {
	t.Helper()
	start := strings.Index(page, "\n## "+summary+"\n")
	if start < 0 {
		t.Fatalf("no section %q", summary)
	}
	rest := page[start+1:]
	if end := strings.Index(rest[3:], "\n## "); end >= 0 {
		return rest[:end+3+1]
	}
	return rest
}

// curlHeaders returns the -H values of the curl sample of a section.
func curlHeaders(t *testing.T, sec string) []string {
	t.Helper()
	start := strings.Index(sec, "```shell\n")
	end := strings.Index(sec[start+9:], "```")
	if start < 0 || end < 0 {
		t.Fatalf("no shell sample in:\n%s", sec)
	}
	var headers []string
	for _, line := range strings.Split(sec[start+9:start+9+end], "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(line), `\`))
		if strings.HasPrefix(line, "-H '") {
			headers = append(headers, strings.TrimSuffix(strings.TrimPrefix(line, "-H '"), "'"))
		}
	}
	return headers
}

func TestGolden(t *testing.T) {
	t.Parallel()
	files := generateFixture(t)
	if *update {
		if err := os.RemoveAll(goldenDir); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(goldenDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, data := range files {
			if err := os.WriteFile(filepath.Join(goldenDir, name), []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	entries, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatalf("%v (run: go test ./scripts/apidocgen -update)", err)
	}
	var golden []string
	for _, e := range entries {
		golden = append(golden, e.Name())
	}
	var generated []string
	for name := range files {
		generated = append(generated, name)
	}
	sort.Strings(generated)
	if strings.Join(golden, ",") != strings.Join(generated, ",") {
		t.Fatalf("generated files %v, golden files %v (run: go test ./scripts/apidocgen -update)", generated, golden)
	}
	for _, name := range generated {
		want, err := os.ReadFile(filepath.Join(goldenDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := files[name]; got != string(want) {
			t.Errorf("%s differs from golden file (run: go test ./scripts/apidocgen -update)\n%s", name, firstDiff(string(want), got))
		}
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return ""
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	first := generateFixture(t)
	for i := 0; i < 5; i++ {
		again := generateFixture(t)
		if len(again) != len(first) {
			t.Fatalf("run %d produced %d files, first run %d", i, len(again), len(first))
		}
		for name, data := range first {
			if again[name] != data {
				t.Fatalf("run %d: %s differs from the first run\n%s", i, name, firstDiff(data, again[name]))
			}
		}
	}
}

func TestFiles(t *testing.T) {
	t.Parallel()
	files := generateFixture(t)
	var names []string
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	want := "authentication.md,builds.md,general.md,index.md,schemas.md,workspaces.md"
	if got := strings.Join(names, ","); got != want {
		t.Fatalf("files = %s, want %s", got, want)
	}
	for name, data := range files {
		if !strings.HasSuffix(data, "\n") || strings.HasSuffix(data, "\n\n") {
			t.Errorf("%s: must end with exactly one newline", name)
		}
		for i, line := range strings.Split(data, "\n") {
			if strings.TrimRight(line, " \t") != line {
				t.Errorf("%s:%d: trailing whitespace", name, i+1)
			}
		}
	}
	if !strings.HasPrefix(files["general.md"], "# General\n\n## API root handler\n") {
		t.Errorf("general.md starts with:\n%s", files["general.md"][:60])
	}
	if !strings.HasPrefix(files["schemas.md"], "# Schemas\n\n## coderd.cspViolation\n") {
		t.Errorf("schemas.md starts with:\n%s", files["schemas.md"][:60])
	}
	index := files["index.md"]
	for _, want := range []string{
		"# API\n",
		"`/api/v2`",
		"`Coder-Session-Token`",
		"- [Builds](builds.md)\n- [General](general.md)\n- [Workspaces](workspaces.md)\n- [Schemas](schemas.md)\n",
	} {
		if !strings.Contains(index, want) {
			t.Errorf("index.md lacks %q:\n%s", want, index)
		}
	}
	if !strings.Contains(files["authentication.md"], "-H 'Coder-Session-Token: API_KEY'") {
		t.Errorf("authentication.md lacks the header example:\n%s", files["authentication.md"])
	}
}

// TestSeedSections pins whole sections to the published format of the
// reference pages (docs/reference/api/general.md of the upstream project).
func TestSeedSections(t *testing.T) {
	t.Parallel()
	general := generateFixture(t)["general.md"]
	for _, tc := range []struct{ summary, want string }{
		{"Build info", "## Build info\n\n" +
			"### Code samples\n\n" +
			"```shell\n# Example request using curl\ncurl -X GET http://coder-server:8080/api/v2/buildinfo \\\n  -H 'Accept: application/json'\n```\n\n" +
			"`GET /buildinfo`\n\n" +
			"### Example responses\n\n" +
			"> 200 Response\n\n" +
			"```json\n{\n" +
			"  \"agent_api_version\": \"string\",\n" +
			"  \"dashboard_url\": \"string\",\n" +
			"  \"deployment_id\": \"string\",\n" +
			"  \"external_url\": \"string\",\n" +
			"  \"provisioner_api_version\": \"string\",\n" +
			"  \"telemetry\": true,\n" +
			"  \"upgrade_message\": \"string\",\n" +
			"  \"version\": \"string\",\n" +
			"  \"workspace_proxy\": true\n" +
			"}\n```\n\n" +
			"### Responses\n\n" +
			"| Status | Meaning                                                 | Description | Schema                                                             |\n" +
			"|--------|---------------------------------------------------------|-------------|--------------------------------------------------------------------|\n" +
			"| 200    | [OK](https://tools.ietf.org/html/rfc7231#section-6.3.1) | OK          | [codersdk.BuildInfoResponse](schemas.md#codersdkbuildinforesponse) |\n\n"},
		{"Report CSP violations", "## Report CSP violations\n\n" +
			"### Code samples\n\n" +
			"```shell\n# Example request using curl\ncurl -X POST http://coder-server:8080/api/v2/csp/reports \\\n  -H 'Content-Type: application/json' \\\n  -H 'Coder-Session-Token: API_KEY'\n```\n\n" +
			"`POST /csp/reports`\n\n" +
			"> Body parameter\n\n" +
			"```json\n{\n  \"csp-report\": {}\n}\n```\n\n" +
			"### Parameters\n\n" +
			"| Name   | In   | Type                                                 | Required | Description      |\n" +
			"|--------|------|------------------------------------------------------|----------|------------------|\n" +
			"| `body` | body | [coderd.cspViolation](schemas.md#coderdcspviolation) | true     | Violation report |\n\n" +
			"### Responses\n\n" +
			"| Status | Meaning                                                 | Description | Schema |\n" +
			"|--------|---------------------------------------------------------|-------------|--------|\n" +
			"| 200    | [OK](https://tools.ietf.org/html/rfc7231#section-6.3.1) | OK          |        |\n\n" +
			"To perform this operation, you must be authenticated. [Learn more](authentication.md).\n\n"},
		{"Get enabled experiments", "## Get enabled experiments\n\n" +
			"### Code samples\n\n" +
			"```shell\n# Example request using curl\ncurl -X GET http://coder-server:8080/api/v2/experiments \\\n  -H 'Accept: application/json' \\\n  -H 'Coder-Session-Token: API_KEY'\n```\n\n" +
			"`GET /experiments`\n\n" +
			"### Example responses\n\n" +
			"> 200 Response\n\n" +
			"```json\n[\n  \"example\"\n]\n```\n\n" +
			"### Responses\n\n" +
			"| Status | Meaning                                                 | Description | Schema                                                        |\n" +
			"|--------|---------------------------------------------------------|-------------|---------------------------------------------------------------|\n" +
			"| 200    | [OK](https://tools.ietf.org/html/rfc7231#section-6.3.1) | OK          | array of [codersdk.Experiment](schemas.md#codersdkexperiment) |\n\n" +
			"<h3 id=\"get-enabled-experiments-responseschema\">Response Schema</h3>\n\n" +
			"Status Code **200**\n\n" +
			"| Name           | Type  | Required | Restrictions | Description |\n" +
			"|----------------|-------|----------|--------------|-------------|\n" +
			"| `[array item]` | array | false    |              |             |\n\n" +
			"To perform this operation, you must be authenticated. [Learn more](authentication.md).\n\n"},
	} {
		if got := section(t, general, tc.summary); got != tc.want {
			t.Errorf("section %q:\n%s\n--- got:\n%s\n--- want:\n%s", tc.summary, firstDiff(tc.want, got), got, tc.want)
		}
	}
}

func TestCurlHeaders(t *testing.T) {
	t.Parallel()
	files := generateFixture(t)
	for _, tc := range []struct {
		page, summary string
		want          []string
	}{
		// No body, response schema, no security.
		{"general.md", "API root handler", []string{"Accept: application/json"}},
		{"general.md", "Build info", []string{"Accept: application/json"}},
		// Body, no response schema, security.
		{"general.md", "Report CSP violations", []string{"Content-Type: application/json", "Coder-Session-Token: API_KEY"}},
		// No body, response schema, security.
		{"general.md", "Get enabled experiments", []string{"Accept: application/json", "Coder-Session-Token: API_KEY"}},
		// Body, no response schema (204), security.
		{"workspaces.md", "Update workspace metadata by ID", []string{"Content-Type: application/json", "Coder-Session-Token: API_KEY"}},
		// Nothing but security.
		{"workspaces.md", "Favorite workspace by ID", []string{"Coder-Session-Token: API_KEY"}},
		{"workspaces.md", "Unfavorite workspace by ID", []string{"Coder-Session-Token: API_KEY"}},
		// Accept follows "produces".
		{"workspaces.md", "Watch workspace by ID", []string{"Accept: text/event-stream", "Coder-Session-Token: API_KEY"}},
	} {
		got := curlHeaders(t, section(t, files[tc.page], tc.summary))
		if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
			t.Errorf("%s: headers %q, want %q", tc.summary, got, tc.want)
		}
	}

	// A curl sample without headers ends without a line continuation.
	sec := "## X\n\n```shell\n# Example request using curl\ncurl -X GET http://h/api/v2/x\n```\n"
	if len(curlHeaders(t, sec)) != 0 {
		t.Fatal("test helper found headers where there are none")
	}
}

func TestAuthenticationLine(t *testing.T) {
	t.Parallel()
	spec := loadFixture(t)
	files := generateFixture(t)
	g := &generator{spec: spec}
	pages, err := g.tagPages()
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, p := range pages {
		for _, o := range p.ops {
			sec := section(t, files[p.file], o.op.Summary)
			secured := o.op.Security != nil && len(*o.op.Security) > 0
			has := strings.Contains(sec, authenticatedLine)
			if secured != has {
				t.Errorf("%s %s: secured=%v but authentication line present=%v", o.method, o.path, secured, has)
			}
			hasToken := strings.Contains(sec, "-H 'Coder-Session-Token: API_KEY'")
			if secured != hasToken {
				t.Errorf("%s %s: secured=%v but token header present=%v", o.method, o.path, secured, hasToken)
			}
			checked++
		}
	}
	if checked != 15 {
		t.Errorf("checked %d operations, want 15", checked)
	}
}

func TestAuthenticationRules(t *testing.T) {
	t.Parallel()
	spec := &Spec{
		Security: []map[string][]string{{"CoderSessionToken": {}}},
		SecurityDefinitions: map[string]*SecurityScheme{
			"CoderSessionToken": {Type: "apiKey", In: "header", Name: "Coder-Session-Token"},
		},
	}
	g := &generator{spec: spec}
	empty := []map[string][]string{}
	optional := []map[string][]string{{}, {"CoderSessionToken": {}}}
	for _, tc := range []struct {
		name string
		op   *Operation
		want bool
	}{
		{"inherits global security", &Operation{}, true},
		{"overrides with none", &Operation{Security: &empty}, false},
		{"optional authentication", &Operation{Security: &optional}, false},
	} {
		if got := g.authenticated(tc.op); got != tc.want {
			t.Errorf("%s: authenticated = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestOperationOrder(t *testing.T) {
	t.Parallel()
	files := generateFixture(t)
	var headings []string
	for _, line := range strings.Split(files["workspaces.md"], "\n") {
		if strings.HasPrefix(line, "## ") {
			headings = append(headings, strings.TrimPrefix(line, "## "))
		}
	}
	want := []string{
		"Get users available for workspace creation", // /organizations/...
		"List workspaces",                 // GET /workspaces
		"Get workspace metadata by ID",    // GET /workspaces/{workspace}
		"Update workspace metadata by ID", // PATCH /workspaces/{workspace}
		"Favorite workspace by ID",        // PUT /workspaces/{workspace}/favorite
		"Unfavorite workspace by ID",      // DELETE /workspaces/{workspace}/favorite
		"Watch workspace by ID",           // GET /workspaces/{workspace}/watch
	}
	if strings.Join(headings, "\n") != strings.Join(want, "\n") {
		t.Errorf("operations in order:\n  %s\nwant:\n  %s", strings.Join(headings, "\n  "), strings.Join(want, "\n  "))
	}
}

func TestExamples(t *testing.T) {
	t.Parallel()
	files := generateFixture(t)
	workspace := section(t, files["workspaces.md"], "Get workspace metadata by ID")
	general := files["general.md"]
	for _, tc := range []struct {
		name, text, want string
	}{
		{"enum uses its first value", workspace, `"automatic_updates": "always",`},
		{"nested enum uses its first value", workspace, `"status": "pending",`},
		{"enum of strings whose first value is empty", general, `"value_source": "",`},
		{"array of enum", general, "```json\n[\n  \"example\"\n]\n```"},
		{"map gets property1 and property2", general, "\"ssh_config_options\": {\n    \"property1\": \"string\",\n    \"property2\": \"string\"\n  }"},
		{"map through a $ref", general, "\"annotations\": {\n        \"property1\": \"string\",\n        \"property2\": \"string\"\n      },"},
		{"nested $ref is expanded", workspace, "\"latest_build\": {\n    \"build_number\": 0,"},
		{"date-time", workspace, `"created_at": "2019-08-24T14:15:22Z",`},
		{"uuid derived from the property name", workspace, `"template_id": "c6d67e98-83ea-49f0-8812-e4abae2b68bc",`},
		{"uuid array items use the default name", workspace, "\"failing_agents\": [\n      \"497f6eca-6276-4993-bfeb-53cbbbba6f08\"\n    ],"},
		{"explicit example wins", workspace, `"healthy": false`},
		{"uri", files["workspaces.md"], `"avatar_url": "http://example.com",`},
		{"object without properties", general, `"csp-report": {}`},
		{"schema without type", general, `"value": null,`},
		{"self reference is cut", general, "\"group\": {\n        \"description\": \"string\",\n        \"name\": \"string\",\n        \"parent\": {},"},
		{"array of self references is cut", general, "\"use_instead\": [\n        {}\n      ],"},
		{"integer", workspace, `"ttl_ms": 0,`},
		{"boolean", workspace, `"favorite": true,`},
	} {
		if !strings.Contains(tc.text, tc.want) {
			t.Errorf("%s: output lacks %q", tc.name, tc.want)
		}
	}
}

func TestExampleUUID(t *testing.T) {
	t.Parallel()
	// The values every page generated with the previous tool used.
	for name, want := range map[string]string{
		"id":              "497f6eca-6276-4993-bfeb-53cbbbba6f08",
		"template_id":     "c6d67e98-83ea-49f0-8812-e4abae2b68bc",
		"organization_id": "7c60d51f-b44e-4682-87d6-449835ea4de6",
		"workspace_id":    "0967198e-ec7b-4c6b-b4d3-f71244cadbe9",
	} {
		if got := exampleUUID(name); got != want {
			t.Errorf("exampleUUID(%q) = %s, want %s", name, got, want)
		}
	}
	if exampleUUID("ü") == exampleUUID("u") {
		t.Error("non-ASCII names must hash differently")
	}
}

func TestStringFormats(t *testing.T) {
	t.Parallel()
	for format, want := range map[string]string{
		"":          "string",
		"date-time": "2019-08-24T14:15:22Z",
		"email":     "user@example.com",
		"uri":       "http://example.com",
		"unknown":   "string",
	} {
		if got := stringExample(format, "x"); got != want {
			t.Errorf("stringExample(%q) = %q, want %q", format, got, want)
		}
	}
}

func TestResponseSchemaTable(t *testing.T) {
	t.Parallel()
	files := generateFixture(t)
	sec := section(t, files["workspaces.md"], "Get users available for workspace creation")
	want := "<h3 id=\"get-users-available-for-workspace-creation-responseschema\">Response Schema</h3>\n\n" +
		"Status Code **200**\n\n" +
		"| Name           | Type         | Required | Restrictions | Description |\n" +
		"|----------------|--------------|----------|--------------|-------------|\n" +
		"| `[array item]` | array        | false    |              |             |\n" +
		"| `» avatar_url` | string(uri)  | false    |              |             |\n" +
		"| `» id`         | string(uuid) | true     |              |             |\n" +
		"| `» name`       | string       | false    |              |             |\n" +
		"| `» username`   | string       | true     |              |             |\n"
	if !strings.Contains(sec, want) {
		t.Errorf("response schema table missing; section:\n%s", sec)
	}
	builds := section(t, files["builds.md"], "Get workspace builds by workspace ID")
	for _, want := range []string{
		"| `» job`              | [codersdk.ProvisionerJob](schemas.md#codersdkprovisionerjob)             |",
		"| `»» tags`            | object ",
		"| `»»» [any property]` | string ",
		"| `job.status` | `pending`   |",
		"| `transition` | `delete`    |",
		"| `transition` | `delete` |", // parameter enum
	} {
		if !strings.Contains(builds, want) {
			t.Errorf("builds section lacks %q:\n%s", want, builds)
		}
	}
	// A named definition is documented in schemas.md, not inline.
	if strings.Contains(section(t, files["general.md"], "Build info"), "Response Schema") {
		t.Error("a $ref response must not get a Response Schema table")
	}
}

func TestSchemasPage(t *testing.T) {
	t.Parallel()
	schemas := generateFixture(t)["schemas.md"]
	for _, want := range []string{
		"## codersdk.BuildInfoResponse\n\n```json\n{\n",
		"## codersdk.Experiment\n\n```json\n\"example\"\n```\n\n### Properties\n\n#### Enumerated Values\n\n| Value                  |\n|------------------------|\n| `example`              |\n",
		"| `validations` | array of [codersdk.ValidationError](#codersdkvalidationerror) | false    |",
		"| `ssh_config_options` | object | false    |              |             |\n| `» [any property]`   | string | false    |              |             |\n",
		"| `value_source` | `\"\"`      |",
		"## url.Userinfo\n\n```json\n{}\n```\n\n### Properties\n\n_None_\n",
		"| `id`         | string(uuid) | true     |",
	} {
		if !strings.Contains(schemas, want) {
			t.Errorf("schemas.md lacks %q", want)
		}
	}
	// Every definition has a section, in name order.
	spec := loadFixture(t)
	last := -1
	for _, name := range sortedKeys(spec.Definitions) {
		i := strings.Index(schemas, "\n## "+name+"\n")
		if i < 0 {
			t.Errorf("schemas.md has no section for %s", name)
			continue
		}
		if i < last {
			t.Errorf("%s is out of order", name)
		}
		last = i
	}
	// Every link into schemas.md from the tag pages resolves.
	anchors := map[string]bool{}
	for _, name := range sortedKeys(spec.Definitions) {
		anchors[anchor(name)] = true
	}
	for file, data := range generateFixture(t) {
		for _, part := range strings.Split(data, "](schemas.md#")[1:] {
			a := part[:strings.IndexByte(part, ')')]
			if !anchors[a] {
				t.Errorf("%s links to missing anchor schemas.md#%s", file, a)
			}
		}
	}
}

func TestAnchorAndSlug(t *testing.T) {
	t.Parallel()
	if got := anchor("codersdk.BuildInfoResponse"); got != "codersdkbuildinforesponse" {
		t.Errorf("anchor = %q", got)
	}
	if got := anchor("coderd_SCIMUser_name"); got != "coderd_scimuser_name" {
		t.Errorf("anchor = %q", got)
	}
	for in, want := range map[string]string{
		"Workspaces":        "workspaces",
		"Workspace proxies": "workspace-proxies",
		"Port Sharing":      "port-sharing",
		"AI / Tasks":        "ai-tasks",
	} {
		if got := slugify(in); got != want {
			t.Errorf("slugify(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTableEscaping(t *testing.T) {
	t.Parallel()
	got := table([]string{"A", "B"}, [][]string{{"x|y", "line one\nline two"}})
	want := "| A    | B                 |\n|------|-------------------|\n| x\\|y | line one line two |"
	if got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
}

func TestLoadSpecErrors(t *testing.T) {
	t.Parallel()
	for name, doc := range map[string]string{
		"openapi 3":                  `{"swagger": "3.0"}`,
		"invalid json":               `{`,
		"dangling ref":               `{"swagger": "2.0", "definitions": {"a": {"properties": {"b": {"$ref": "#/definitions/missing"}}}}}`,
		"dangling ref in a response": `{"swagger": "2.0", "paths": {"/x": {"get": {"responses": {"200": {"schema": {"$ref": "#/definitions/nope"}}}}}}}`,
	} {
		if _, err := loadSpec([]byte(doc)); err == nil {
			t.Errorf("%s: loadSpec succeeded", name)
		}
	}
}

func TestUntaggedAndEdgeCases(t *testing.T) {
	t.Parallel()
	doc := `{
  "swagger": "2.0",
  "basePath": "/api/v2",
  "paths": {
    "/files": {
      "post": {
        "consumes": ["application/x-tar"],
        "summary": "Upload file",
        "parameters": [
          {"type": "file", "name": "file", "in": "formData", "required": true, "description": "File to be uploaded"},
          {"type": "array", "items": {"type": "string"}, "name": "tags", "in": "query", "description": "Tags"}
        ],
        "responses": {"201": {"description": "Created", "schema": {"type": "object", "properties": {"hash": {"type": "string", "format": "uuid"}}}}}
      }
    },
    "/selfish": {
      "get": {
        "tags": ["Nodes"],
        "responses": {"200": {"description": "OK", "schema": {"$ref": "#/definitions/Node"}}, "default": {"description": "Error"}}
      }
    }
  },
  "definitions": {
    "Node": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/definitions/Node"}}, "next": {"$ref": "#/definitions/Node"}}}
  }
}`
	spec, err := loadSpec([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	files, err := generate(spec, options{Server: "https://example.test/"})
	if err != nil {
		t.Fatal(err)
	}
	def := string(files["default.md"])
	for _, want := range []string{
		"# Default\n\n## Upload file\n",
		"curl -X POST https://example.test/api/v2/files \\\n  -H 'Content-Type: application/x-tar' \\\n  -H 'Accept: application/json'\n```",
		"| `file` | formData | file          | true     | File to be uploaded |",
		"| `tags` | query    | array[string] | false    | Tags                |",
		"> 201 Response\n\n```json\n{\n  \"hash\": \"19686d84-b10d-4f90-b18e-84fd3fa038fd\"\n}\n```",
		"| 201    | [Created](https://tools.ietf.org/html/rfc7231#section-6.3.2) | Created     | object |",
		"Status Code **201**\n\n| Name   | Type         |",
	} {
		if !strings.Contains(def, want) {
			t.Errorf("default.md lacks %q:\n%s", want, def)
		}
	}
	if strings.Contains(def, "authenticated") {
		t.Error("unsecured operation got an authentication line")
	}
	nodes := string(files["nodes.md"])
	for _, want := range []string{
		"## GET /selfish\n",
		"```json\n{\n  \"children\": [\n    {}\n  ],\n  \"next\": {}\n}\n```",
		"| default | Default                                                 | Error       |",
	} {
		if !strings.Contains(nodes, want) {
			t.Errorf("nodes.md lacks %q:\n%s", want, nodes)
		}
	}
}

func TestRun(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	out := filepath.Join(dir, "api")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	// A stale page is removed; other files are left alone.
	mustWrite(t, filepath.Join(out, "old-tag.md"), "# Old\n")
	mustWrite(t, filepath.Join(out, "notes.txt"), "keep me\n")

	runOK := func(args ...string) (string, string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 0 {
			t.Fatalf("run %v = %d\nstdout:\n%s\nstderr:\n%s", args, code, stdout.String(), stderr.String())
		}
		return stdout.String(), stderr.String()
	}
	runFail := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 1 {
			t.Fatalf("run %v = %d, want 1\nstdout:\n%s\nstderr:\n%s", args, code, stdout.String(), stderr.String())
		}
		return stdout.String()
	}
	gen := []string{"-swagger", fixturePath, "-out", out}
	check := append(append([]string{}, gen...), "-check")

	if got := runFail(check...); !strings.Contains(got, "general.md: missing") || !strings.Contains(got, "old-tag.md: stale") {
		t.Errorf("-check before generating:\n%s", got)
	}
	stdout, _ := runOK(gen...)
	if !strings.Contains(stdout, "6 updated, 1 removed") {
		t.Errorf("first run: %s", stdout)
	}
	if _, err := os.Stat(filepath.Join(out, "old-tag.md")); !os.IsNotExist(err) {
		t.Error("stale page was not removed")
	}
	if _, err := os.Stat(filepath.Join(out, "notes.txt")); err != nil {
		t.Error("non-Markdown file was removed")
	}
	first := readDir(t, out)
	stdout, _ = runOK(gen...)
	if !strings.Contains(stdout, "0 updated, 0 removed") {
		t.Errorf("second run: %s", stdout)
	}
	second := readDir(t, out)
	for name, data := range first {
		if second[name] != data {
			t.Errorf("%s changed between two runs", name)
		}
	}
	runOK(check...)

	// -check reports changed, missing and stale pages and writes nothing.
	mustWrite(t, filepath.Join(out, "general.md"), "# Edited by hand\n")
	if err := os.Remove(filepath.Join(out, "schemas.md")); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(out, "extra.md"), "# Extra\n")
	got := runFail(check...)
	want := filepath.Join(out, "extra.md") + ": stale (not generated)\n" +
		filepath.Join(out, "general.md") + ": differs\n" +
		filepath.Join(out, "schemas.md") + ": missing\n"
	if got != want {
		t.Errorf("-check output:\n%s\nwant:\n%s", got, want)
	}
	if data, _ := os.ReadFile(filepath.Join(out, "general.md")); string(data) != "# Edited by hand\n" {
		t.Error("-check wrote a file")
	}

	// Usage errors.
	var stdoutBuf, stderrBuf bytes.Buffer
	if code := run([]string{"-swagger", filepath.Join(dir, "nope.json"), "-out", out}, &stdoutBuf, &stderrBuf); code != 1 {
		t.Errorf("missing input: exit %d", code)
	}
	if code := run([]string{"stray"}, &stdoutBuf, &stderrBuf); code != 2 {
		t.Errorf("stray argument: exit %d", code)
	}
}

func mustWrite(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func readDir(t *testing.T, dir string) map[string]string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = string(data)
	}
	return out
}
