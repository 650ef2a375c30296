package coderd_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/apidoc"
	"github.com/devplane/devplane/coderd/coderdtest"
)

type swaggerDoc struct {
	BasePath string                                `json:"basePath"`
	Paths    map[string]map[string]json.RawMessage `json:"paths"`
}

// TestEveryRouteIsDocumented walks the router and the generated spec and
// fails on any operation that is in one but not the other.
func TestEveryRouteIsDocumented(t *testing.T) {
	t.Parallel()
	_, api := coderdtest.NewWithAPI(t, nil)

	var doc swaggerDoc
	require.NoError(t, json.Unmarshal(apidoc.SwaggerJSON, &doc))
	require.Equal(t, "/api/v2", doc.BasePath)

	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[strings.ToUpper(method)+" "+path] = true
		}
	}

	routed := map[string]bool{}
	err := chi.Walk(api.Routes(), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		path, ok := strings.CutPrefix(route, doc.BasePath)
		if !ok {
			return nil // /healthz, /swagger: outside the API
		}
		if path == "" || strings.HasSuffix(path, "/") && path != "/" {
			path = strings.TrimSuffix(path, "/")
			if path == "" {
				path = "/"
			}
		}
		routed[method+" "+path] = true
		return nil
	})
	require.NoError(t, err)
	require.NotEmpty(t, routed)

	var undocumented, unrouted []string
	for op := range routed {
		if !documented[op] {
			undocumented = append(undocumented, op)
		}
	}
	for op := range documented {
		if !routed[op] {
			unrouted = append(unrouted, op)
		}
	}
	sort.Strings(undocumented)
	sort.Strings(unrouted)
	assert.Empty(t, undocumented, "routes without swag annotations (add them and run make gen)")
	assert.Empty(t, unrouted, "documented operations with no route")
}

func TestSwaggerPage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("OffByDefault", func(t *testing.T) {
		t.Parallel()
		client := coderdtest.New(t, &coderdtest.Options{SwaggerDoc: apidoc.SwaggerJSON})
		res, err := client.Request(ctx, http.MethodGet, "/swagger/doc.json", nil)
		require.NoError(t, err)
		defer res.Body.Close()
		assert.Equal(t, http.StatusNotFound, res.StatusCode)
	})

	t.Run("Enabled", func(t *testing.T) {
		t.Parallel()
		vals, _ := coderdtest.DeploymentValues(t)
		require.NoError(t, vals.Swagger.Enable.Set("true"))
		client := coderdtest.New(t, &coderdtest.Options{DeploymentValues: vals, SwaggerDoc: apidoc.SwaggerJSON})

		res, err := client.Request(ctx, http.MethodGet, "/swagger/doc.json", nil)
		require.NoError(t, err)
		defer res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode)
		var doc swaggerDoc
		require.NoError(t, json.NewDecoder(res.Body).Decode(&doc))
		assert.Contains(t, doc.Paths, "/buildinfo")

		page, err := client.Request(ctx, http.MethodGet, "/swagger/", nil)
		require.NoError(t, err)
		defer page.Body.Close()
		assert.Equal(t, http.StatusOK, page.StatusCode)
		assert.Contains(t, page.Header.Get("Content-Type"), "text/html")
	})
}
