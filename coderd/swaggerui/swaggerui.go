// Package swaggerui serves an embedded Swagger UI for the server's Swagger
// document. Every file is compiled into the binary: the page loads nothing
// from outside the server, which lets it run under a strict
// Content-Security-Policy and on air-gapped deployments.
//
// The Swagger UI files under dist/ are vendored from the swagger-ui-dist npm
// package by scripts/swaggerui/update.sh; the page (static/index.html) and
// the script that starts the UI (static/swagger-initializer.js) are ours.
package swaggerui

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
)

// ContentSecurityPolicy is sent with every response of the handler. Swagger
// UI sets inline styles, and shows some images as data: URLs; scripts only
// come from the handler itself.
const ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'"

// DocPath is the path of the Swagger document, relative to the mount point.
const DocPath = "doc.json"

var (
	//go:embed dist/swagger-ui.css dist/swagger-ui-bundle.js dist/favicon-32x32.png dist/LICENSE dist/VERSION dist/SHA256SUMS
	distFS embed.FS

	//go:embed static/index.html static/swagger-initializer.js
	staticFS embed.FS
)

// Version is the version of the embedded swagger-ui-dist package.
var Version = func() string {
	data, err := distFS.ReadFile("dist/VERSION")
	if err != nil {
		panic(err)
	}
	first, _, _ := strings.Cut(string(data), "\n")
	_, v, _ := strings.Cut(first, "@")
	return strings.TrimSpace(v)
}()

// asset is one file the handler serves.
type asset struct {
	contentType string
	data        []byte
	etag        string
	// version is a short content hash; requests that carry it as ?v= may
	// be cached for good, since another content gets another URL.
	version string
}

func newAsset(contentType string, data []byte) *asset {
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	return &asset{
		contentType: contentType,
		data:        data,
		etag:        `"` + h[:32] + `"`,
		version:     h[:12],
	}
}

// assets are the static files, by name. They do not depend on the document,
// so they are loaded once.
var assets = func() map[string]*asset {
	load := func(fsys embed.FS, name string) []byte {
		data, err := fsys.ReadFile(name)
		if err != nil {
			panic(err)
		}
		return data
	}
	return map[string]*asset{
		"swagger-ui.css":         newAsset("text/css; charset=utf-8", load(distFS, "dist/swagger-ui.css")),
		"swagger-ui-bundle.js":   newAsset("text/javascript; charset=utf-8", load(distFS, "dist/swagger-ui-bundle.js")),
		"favicon-32x32.png":      newAsset("image/png", load(distFS, "dist/favicon-32x32.png")),
		"LICENSE":                newAsset("text/plain; charset=utf-8", load(distFS, "dist/LICENSE")),
		"swagger-initializer.js": newAsset("text/javascript; charset=utf-8", load(staticFS, "static/swagger-initializer.js")),
	}
}()

var indexTemplate = template.Must(template.ParseFS(staticFS, "static/index.html"))

// Handler returns a handler that serves Swagger UI for docJSON, a Swagger
// (or OpenAPI) document in JSON. Mount it under a prefix with chi:
//
//	r.Mount("/swagger", swaggerui.Handler(doc))
//
// or, with the standard library, behind http.StripPrefix("/swagger", ...).
// Relative to that prefix it serves:
//
//	/ (and the bare prefix, redirected to it)  the Swagger UI page
//	/doc.json                                  docJSON, as application/json
//	/<asset>                                   the embedded UI files
//
// Everything else is 404. The page only uses relative URLs, so it works
// under any prefix.
func Handler(docJSON []byte) http.Handler {
	doc := newAsset("application/json", docJSON)
	index := newAsset("text/html; charset=utf-8", renderIndex(docJSON))
	return &handler{doc: doc, index: index}
}

type handler struct {
	doc   *asset
	index *asset
}

func renderIndex(docJSON []byte) []byte {
	var meta struct {
		Info struct {
			Title string `json:"title"`
		} `json:"info"`
	}
	// A document that does not parse still gets a page: Swagger UI will
	// show the error itself.
	_ = json.Unmarshal(docJSON, &meta)
	title := strings.TrimSpace(meta.Info.Title)
	if title == "" {
		title = "API"
	}
	versioned := func(name string) string {
		return "./" + name + "?v=" + assets[name].version
	}
	var buf bytes.Buffer
	err := indexTemplate.Execute(&buf, map[string]any{
		"Title": title + " - Swagger UI",
		"Assets": map[string]string{
			"css":     versioned("swagger-ui.css"),
			"bundle":  versioned("swagger-ui-bundle.js"),
			"init":    versioned("swagger-initializer.js"),
			"favicon": versioned("favicon-32x32.png"),
		},
	})
	if err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	header := w.Header()
	header.Set("Content-Security-Policy", ContentSecurityPolicy)
	header.Set("X-Content-Type-Options", "nosniff")
	header.Set("Referrer-Policy", "no-referrer")

	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		header.Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}

	rel := relativePath(r)
	switch rel {
	case "", "/":
		// The page's relative URLs need the trailing slash.
		if requested := requestPath(r); !strings.HasSuffix(requested, "/") {
			target := path.Base(requested) + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			// A relative Location (unlike http.Redirect, which resolves it
			// against the possibly prefix-stripped URL) is right under any
			// mount point.
			header.Set("Location", target)
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		serve(w, r, h.index, false)
	case "/index.html":
		serve(w, r, h.index, false)
	case "/" + DocPath:
		serve(w, r, h.doc, false)
	default:
		a, ok := assets[strings.TrimPrefix(rel, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		serve(w, r, a, r.URL.Query().Get("v") == a.version)
	}
}

// relativePath returns the request path relative to where the handler is
// mounted: chi records it in its route context; http.StripPrefix (or no
// prefix at all) leaves it in the URL.
func relativePath(r *http.Request) string {
	if rctx := chi.RouteContext(r.Context()); rctx != nil && rctx.RoutePath != "" {
		return rctx.RoutePath
	}
	return r.URL.Path
}

// requestPath returns the path the client asked for, before any prefix was
// stripped.
func requestPath(r *http.Request) string {
	if r.RequestURI != "" {
		p, _, _ := strings.Cut(r.RequestURI, "?")
		if p != "" && !strings.Contains(p, "://") {
			return p
		}
	}
	return r.URL.Path
}

func serve(w http.ResponseWriter, r *http.Request, a *asset, immutable bool) {
	header := w.Header()
	header.Set("Content-Type", a.contentType)
	header.Set("ETag", a.etag)
	if immutable {
		header.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// Revalidate every time; unchanged files cost a 304.
		header.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(a.data))
}
