package swaggerui_test

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/devplane/devplane/coderd/swaggerui"
)

const testDoc = `{"swagger":"2.0","info":{"title":"Coder API","version":"2.0"},"basePath":"/api/v2","paths":{}}`

// mounts are the ways the handler is expected to be used; every behaviour
// test runs against each of them.
var mounts = map[string]func(h http.Handler) http.Handler{
	"chi Mount": func(h http.Handler) http.Handler {
		r := chi.NewRouter()
		r.Mount("/swagger", h)
		return r
	},
	"chi Mount in a sub-router": func(h http.Handler) http.Handler {
		r := chi.NewRouter()
		r.Route("/api", func(r chi.Router) {
			r.Mount("/swagger", h)
		})
		return r
	},
	"http.StripPrefix": func(h http.Handler) http.Handler {
		mux := http.NewServeMux()
		mux.Handle("/swagger/", http.StripPrefix("/swagger", h))
		mux.Handle("/swagger", http.StripPrefix("/swagger", h))
		return mux
	},
}

func prefixFor(mount string) string {
	if mount == "chi Mount in a sub-router" {
		return "/api/swagger"
	}
	return "/swagger"
}

type response struct {
	status int
	header http.Header
	body   string
}

func get(t *testing.T, h http.Handler, method, target string, reqHeader http.Header) response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range reqHeader {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(body)}
}

func TestIndex(t *testing.T) {
	t.Parallel()
	for mount, wrap := range mounts {
		t.Run(mount, func(t *testing.T) {
			t.Parallel()
			h := wrap(swaggerui.Handler([]byte(testDoc)))
			prefix := prefixFor(mount)

			res := get(t, h, http.MethodGet, prefix+"/", nil)
			if res.status != http.StatusOK {
				t.Fatalf("GET %s/: status %d, body %q", prefix, res.status, res.body)
			}
			if ct := res.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			if csp := res.header.Get("Content-Security-Policy"); csp != swaggerui.ContentSecurityPolicy {
				t.Errorf("Content-Security-Policy = %q", csp)
			}
			if cc := res.header.Get("Cache-Control"); cc != "no-cache" {
				t.Errorf("Cache-Control = %q", cc)
			}
			for _, want := range []string{
				`data-spec-url="./doc.json"`,
				`<title>Coder API - Swagger UI</title>`,
				`<script src="./swagger-ui-bundle.js?v=`,
				`<script src="./swagger-initializer.js?v=`,
				`href="./swagger-ui.css?v=`,
			} {
				if !strings.Contains(res.body, want) {
					t.Errorf("index lacks %q:\n%s", want, res.body)
				}
			}

			same := get(t, h, http.MethodGet, prefix+"/index.html", nil)
			if same.status != http.StatusOK || same.body != res.body {
				t.Errorf("GET %s/index.html: status %d", prefix, same.status)
			}

			// The bare prefix redirects to the slash form, relatively, so
			// that the page's relative URLs resolve under the prefix.
			redirect := get(t, h, http.MethodGet, prefix+"?x=1", nil)
			if redirect.status != http.StatusMovedPermanently || redirect.header.Get("Location") != "swagger/?x=1" {
				t.Errorf("GET %s: status %d, Location %q", prefix, redirect.status, redirect.header.Get("Location"))
			}
		})
	}
}

func TestIndexReferencesNoExternalURL(t *testing.T) {
	t.Parallel()
	h := swaggerui.Handler([]byte(testDoc))
	res := get(t, h, http.MethodGet, "/", nil)
	if res.status != http.StatusOK {
		t.Fatalf("status %d", res.status)
	}
	if regexp.MustCompile(`(?i)(https?:)?//`).MatchString(res.body) {
		t.Errorf("index references an absolute URL:\n%s", res.body)
	}
	// No inline script: the Content-Security-Policy would block it.
	for _, m := range regexp.MustCompile(`(?s)<script([^>]*)>(.*?)</script>`).FindAllStringSubmatch(res.body, -1) {
		if !strings.Contains(m[1], "src=") || strings.TrimSpace(m[2]) != "" {
			t.Errorf("inline script in index: %s", m[0])
		}
	}
	if strings.Contains(res.body, " on") && regexp.MustCompile(`\son[a-z]+=`).MatchString(res.body) {
		t.Error("inline event handler in index")
	}

	// Every file the page references is served.
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(res.body, -1)
	if len(refs) != 4 {
		t.Errorf("index references %d files, want 4", len(refs))
	}
	for _, m := range refs {
		ref := strings.TrimPrefix(m[1], ".")
		if r := get(t, h, http.MethodGet, ref, nil); r.status != http.StatusOK {
			t.Errorf("index references %s, which is %d", m[1], r.status)
		}
	}
}

func TestIndexEscapesTitle(t *testing.T) {
	t.Parallel()
	h := swaggerui.Handler([]byte(`{"info":{"title":"<script>alert(1)</script>"}}`))
	res := get(t, h, http.MethodGet, "/", nil)
	if strings.Contains(res.body, "<script>alert") {
		t.Errorf("title not escaped:\n%s", res.body)
	}
	// A document that is not JSON still gets a page; the UI reports it.
	if res := get(t, swaggerui.Handler([]byte("not json")), http.MethodGet, "/", nil); res.status != http.StatusOK {
		t.Errorf("invalid document: status %d", res.status)
	}
}

func TestDocJSON(t *testing.T) {
	t.Parallel()
	for mount, wrap := range mounts {
		t.Run(mount, func(t *testing.T) {
			t.Parallel()
			h := wrap(swaggerui.Handler([]byte(testDoc)))
			prefix := prefixFor(mount)
			res := get(t, h, http.MethodGet, prefix+"/doc.json", nil)
			if res.status != http.StatusOK {
				t.Fatalf("status %d", res.status)
			}
			if res.body != testDoc {
				t.Errorf("body = %q", res.body)
			}
			if ct := res.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type = %q", ct)
			}
			if cc := res.header.Get("Cache-Control"); cc != "no-cache" {
				t.Errorf("Cache-Control = %q", cc)
			}
			etag := res.header.Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			cached := get(t, h, http.MethodGet, prefix+"/doc.json", http.Header{"If-None-Match": {etag}})
			if cached.status != http.StatusNotModified || cached.body != "" {
				t.Errorf("If-None-Match: status %d", cached.status)
			}
			head := get(t, h, http.MethodHead, prefix+"/doc.json", nil)
			if head.status != http.StatusOK || head.body != "" || head.header.Get("Content-Length") != strconv.Itoa(len(testDoc)) {
				t.Errorf("HEAD: status %d, Content-Length %q", head.status, head.header.Get("Content-Length"))
			}
		})
	}
	// Another document, another ETag.
	a := get(t, swaggerui.Handler([]byte(`{"a":1}`)), http.MethodGet, "/doc.json", nil)
	b := get(t, swaggerui.Handler([]byte(`{"a":2}`)), http.MethodGet, "/doc.json", nil)
	if a.header.Get("ETag") == b.header.Get("ETag") {
		t.Error("different documents share an ETag")
	}
}

func TestAssets(t *testing.T) {
	t.Parallel()
	for mount, wrap := range mounts {
		t.Run(mount, func(t *testing.T) {
			t.Parallel()
			h := wrap(swaggerui.Handler([]byte(testDoc)))
			prefix := prefixFor(mount)
			for name, contentType := range map[string]string{
				"swagger-ui-bundle.js":   "text/javascript; charset=utf-8",
				"swagger-ui.css":         "text/css; charset=utf-8",
				"favicon-32x32.png":      "image/png",
				"swagger-initializer.js": "text/javascript; charset=utf-8",
				"LICENSE":                "text/plain; charset=utf-8",
			} {
				res := get(t, h, http.MethodGet, prefix+"/"+name, nil)
				if res.status != http.StatusOK {
					t.Errorf("%s: status %d", name, res.status)
					continue
				}
				if ct := res.header.Get("Content-Type"); ct != contentType {
					t.Errorf("%s: Content-Type = %q, want %q", name, ct, contentType)
				}
				if res.header.Get("X-Content-Type-Options") != "nosniff" {
					t.Errorf("%s: no nosniff", name)
				}
				if cc := res.header.Get("Cache-Control"); cc != "no-cache" {
					t.Errorf("%s: Cache-Control = %q without ?v=", name, cc)
				}
			}
			bundle := get(t, h, http.MethodGet, prefix+"/swagger-ui-bundle.js", nil)
			want, err := os.ReadFile("dist/swagger-ui-bundle.js")
			if err != nil {
				t.Fatal(err)
			}
			if bundle.body != string(want) {
				t.Error("bundle differs from dist/swagger-ui-bundle.js")
			}
		})
	}
}

func TestVersionedAssetsAreImmutable(t *testing.T) {
	t.Parallel()
	h := swaggerui.Handler([]byte(testDoc))
	index := get(t, h, http.MethodGet, "/", nil).body
	m := regexp.MustCompile(`src="\.(/swagger-ui-bundle\.js\?v=[0-9a-f]+)"`).FindStringSubmatch(index)
	if m == nil {
		t.Fatalf("no versioned bundle URL in:\n%s", index)
	}
	res := get(t, h, http.MethodGet, m[1], nil)
	if res.status != http.StatusOK || res.header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("GET %s: status %d, Cache-Control %q", m[1], res.status, res.header.Get("Cache-Control"))
	}
	// A stale version is served, but not cached for good.
	res = get(t, h, http.MethodGet, "/swagger-ui-bundle.js?v=000000000000", nil)
	if res.status != http.StatusOK || res.header.Get("Cache-Control") != "no-cache" {
		t.Errorf("stale version: status %d, Cache-Control %q", res.status, res.header.Get("Cache-Control"))
	}
}

func TestNotFound(t *testing.T) {
	t.Parallel()
	for mount, wrap := range mounts {
		t.Run(mount, func(t *testing.T) {
			t.Parallel()
			h := wrap(swaggerui.Handler([]byte(testDoc)))
			prefix := prefixFor(mount)
			for _, p := range []string{
				"/nope.js",
				"/swagger-ui-standalone-preset.js",
				"/swagger-ui-bundle.js.map",
				"/dist/swagger-ui.css",
				"/static/index.html",
				"/VERSION",
				"/SHA256SUMS",
				"/doc.json/x",
				"/sub/",
			} {
				res := get(t, h, http.MethodGet, prefix+p, nil)
				if res.status != http.StatusNotFound {
					t.Errorf("GET %s%s: status %d, want 404", prefix, p, res.status)
				}
				if res.header.Get("Content-Security-Policy") == "" {
					t.Errorf("GET %s%s: no Content-Security-Policy", prefix, p)
				}
			}
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	h := swaggerui.Handler([]byte(testDoc))
	res := get(t, h, http.MethodPost, "/doc.json", nil)
	if res.status != http.StatusMethodNotAllowed || res.header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: status %d, Allow %q", res.status, res.header.Get("Allow"))
	}
}

func TestInitializer(t *testing.T) {
	t.Parallel()
	h := swaggerui.Handler([]byte(testDoc))
	js := get(t, h, http.MethodGet, "/swagger-initializer.js", nil).body
	for _, want := range []string{
		"persistAuthorization: true",
		"validatorUrl: null",
		"queryConfigEnabled: false",
		`getAttribute("data-spec-url")`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("initializer lacks %q", want)
		}
	}
	if regexp.MustCompile(`https?://`).MatchString(js) {
		t.Error("initializer references an absolute URL")
	}
}

// TestVendoredAssets checks that the files under dist/ are the ones
// scripts/swaggerui/update.sh copied (SHA256SUMS) and that they come from the
// version the script pins.
func TestVendoredAssets(t *testing.T) {
	t.Parallel()
	sums, err := os.Open("dist/SHA256SUMS")
	if err != nil {
		t.Fatal(err)
	}
	defer sums.Close()
	checked := 0
	scanner := bufio.NewScanner(sums)
	for scanner.Scan() {
		want, name, ok := strings.Cut(scanner.Text(), "  ")
		if !ok {
			t.Fatalf("bad SHA256SUMS line %q", scanner.Text())
		}
		data, err := os.ReadFile("dist/" + name)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != want {
			t.Errorf("dist/%s was modified (sha256 %s, SHA256SUMS says %s); rerun scripts/swaggerui/update.sh", name, got, want)
		}
		checked++
	}
	if checked != 5 {
		t.Errorf("SHA256SUMS lists %d files, want 5", checked)
	}

	script, err := os.ReadFile("../../scripts/swaggerui/update.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`SWAGGER_UI_VERSION="\$\{SWAGGER_UI_VERSION:-([^}]+)\}"`).FindSubmatch(script)
	if m == nil {
		t.Fatal("no pinned version in scripts/swaggerui/update.sh")
	}
	if swaggerui.Version != string(m[1]) {
		t.Errorf("embedded swagger-ui-dist %s, update.sh pins %s; rerun scripts/swaggerui/update.sh", swaggerui.Version, m[1])
	}
}
