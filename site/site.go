// Package site serves the dashboard: the Vite build of this directory,
// embedded in the binary. Routing happens in the browser, so every path that
// is not a file answers index.html. When the binary was built without the
// dashboard (no node, or `make site` not run), a page says how to build it.
package site

import (
	"bytes"
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed all:out
var outFS embed.FS

// ContentSecurityPolicy allows only this origin's own scripts, styles,
// fonts and connections (WebSockets included): the dashboard loads nothing
// from elsewhere. Violations are reported to the API.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; " +
	"frame-ancestors 'none'; report-uri /api/v2/csp/reports"

// Handler serves the embedded dashboard.
func Handler() http.Handler {
	dist, err := fs.Sub(outFS, "out/dist")
	if err != nil {
		panic(err) // a constant, valid path
	}
	return newHandler(dist)
}

// Built reports whether the binary contains the dashboard.
func Built() bool {
	_, err := fs.Stat(outFS, "out/dist/index.html")
	return err == nil
}

type handler struct {
	files fs.FS
	index []byte // nil when the dashboard was not built
}

func newHandler(files fs.FS) *handler {
	index, err := fs.ReadFile(files, "index.html")
	if err != nil {
		index = nil
	}
	return &handler{files: files, index: index}
}

// ServeHTTP answers files under /assets/ (content-hashed names, cached for
// good), other files of the build (favicon and the like, revalidated), and
// index.html for anything else, never cached so a new build reaches
// browsers at once.
func (h *handler) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		rw.Header().Set("Allow", "GET, HEAD")
		http.Error(rw, "Method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rw.Header().Set("Content-Security-Policy", ContentSecurityPolicy)
	if h.index == nil {
		h.serveNotBuilt(rw, r)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	// Dot paths (.vite/manifest.json) are build bookkeeping, not content.
	if name != "" && name != "index.html" && !strings.HasPrefix(name, ".") && !strings.Contains(name, "/.") {
		if data, err := fs.ReadFile(h.files, name); err == nil {
			h.serveFile(rw, r, name, data)
			return
		}
		if strings.HasPrefix(name, "assets/") {
			// A missing hashed asset is an old page asking for a
			// previous build's chunk: a 404, not index.html, lets the
			// app notice and reload.
			http.Error(rw, "Not found", http.StatusNotFound)
			return
		}
	}
	rw.Header().Set("Cache-Control", "no-cache")
	serveContent(rw, r, "index.html", h.index)
}

func (h *handler) serveFile(rw http.ResponseWriter, r *http.Request, name string, data []byte) {
	if strings.HasPrefix(name, "assets/") {
		rw.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		rw.Header().Set("Cache-Control", "no-cache")
	}
	serveContent(rw, r, name, data)
}

func (h *handler) serveNotBuilt(rw http.ResponseWriter, r *http.Request) {
	rw.Header().Set("Cache-Control", "no-store")
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	_, _ = rw.Write([]byte(notBuiltPage))
}

func serveContent(rw http.ResponseWriter, r *http.Request, name string, data []byte) {
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		rw.Header().Set("Content-Type", ct)
	}
	// Embedded files have no modification time; ETags are not needed for
	// hashed assets and index.html is small.
	http.ServeContent(rw, r, name, time.Time{}, bytes.NewReader(data))
}

const notBuiltPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Dashboard not built</title></head>
<body>
<main>
<h1>The dashboard is not built into this binary</h1>
<p>The API works: see <a href="/api/v2/buildinfo">/api/v2/buildinfo</a>.</p>
<p>To build the dashboard, install Node.js 20.19 or later with npm, then run
<code>make build</code> (or <code>make site</code> and rebuild the server) from the repository.</p>
</main>
</body>
</html>
`
