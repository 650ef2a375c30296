package site

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHandler(t *testing.T) {
	t.Parallel()
	h := newHandler(fstest.MapFS{
		"index.html":            {Data: []byte("<!doctype html><div id=root></div>")},
		"favicon.svg":           {Data: []byte("<svg/>")},
		"assets/index-abc.js":   {Data: []byte("console.log(1)")},
		".vite/manifest.json":   {Data: []byte("{}")},
		"assets/index-abc.css":  {Data: []byte("body{}")},
		"assets/nested/x-1.txt": {Data: []byte("x")},
	})
	get := func(method, path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
		return rec
	}

	t.Run("HashedAssetsCachedForGood", func(t *testing.T) {
		t.Parallel()
		rec := get(http.MethodGet, "/assets/index-abc.js")
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, "console.log(1)", rec.Body.String())
		assert.Contains(t, rec.Header().Get("Content-Type"), "javascript")
		assert.Equal(t, "public, max-age=31536000, immutable", rec.Header().Get("Cache-Control"))
	})
	t.Run("PagesAreIndexNeverCached", func(t *testing.T) {
		t.Parallel()
		for _, p := range []string{"/", "/index.html", "/workspaces", "/@alice/dev/builds/3", "/.vite/manifest.json", "/a/../../etc/passwd"} {
			rec := get(http.MethodGet, p)
			require.Equal(t, http.StatusOK, rec.Code, p)
			assert.Contains(t, rec.Body.String(), "id=root", p)
			assert.Equal(t, "text/html; charset=utf-8", rec.Header().Get("Content-Type"), p)
			assert.Equal(t, "no-cache", rec.Header().Get("Cache-Control"), p)
			assert.Equal(t, ContentSecurityPolicy, rec.Header().Get("Content-Security-Policy"), p)
		}
	})
	t.Run("OtherFilesRevalidated", func(t *testing.T) {
		t.Parallel()
		rec := get(http.MethodGet, "/favicon.svg")
		require.Equal(t, http.StatusOK, rec.Code)
		assert.Equal(t, "no-cache", rec.Header().Get("Cache-Control"))
		assert.Equal(t, "image/svg+xml", rec.Header().Get("Content-Type"))
	})
	t.Run("MissingAssetIsNotFound", func(t *testing.T) {
		t.Parallel()
		// An open tab of an older build asks for a chunk that is gone.
		rec := get(http.MethodGet, "/assets/WorkspacesPage-old.js")
		assert.Equal(t, http.StatusNotFound, rec.Code)
	})
	t.Run("Head", func(t *testing.T) {
		t.Parallel()
		rec := get(http.MethodHead, "/workspaces")
		assert.Equal(t, http.StatusOK, rec.Code)
		assert.Empty(t, rec.Body.String())
	})
	t.Run("WritesRefused", func(t *testing.T) {
		t.Parallel()
		rec := get(http.MethodPost, "/workspaces")
		assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	})
}

func TestHandlerNotBuilt(t *testing.T) {
	t.Parallel()
	h := newHandler(fstest.MapFS{})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/workspaces", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), "make build")
	assert.Equal(t, "no-store", rec.Header().Get("Cache-Control"))
}
