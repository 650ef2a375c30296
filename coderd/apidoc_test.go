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

type swaggerOperation struct {
	Security []map[string][]string `json:"security"`
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

// TestAuthenticationMatchesDocs calls every documented operation without a
// token: exactly the operations documented as needing CoderSessionToken must
// answer 401.
func TestAuthenticationMatchesDocs(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	var doc swaggerDoc
	require.NoError(t, json.Unmarshal(apidoc.SwaggerJSON, &doc))

	fill := strings.NewReplacer("{user}", "me", "{keyid}", "abcdefghij", "{keyname}", "none",
		"{organization}", "default", "{organizationname}", "coder", "{roleName}", "none",
		"{group}", "00000000-0000-0000-0000-000000000000", "{groupName}", "Everyone",
		"{fileID}", "00000000-0000-0000-0000-000000000000", "{templateversion}", "00000000-0000-0000-0000-000000000000",
		"{job}", "00000000-0000-0000-0000-000000000000", "{jobID}", "00000000-0000-0000-0000-000000000000", "{template}", "00000000-0000-0000-0000-000000000000",
		"{templatename}", "none", "{templateversionname}", "none",
		"{workspace}", "00000000-0000-0000-0000-000000000000", "{workspacebuild}", "00000000-0000-0000-0000-000000000000",
		"{workspacename}", "none", "{buildnumber}", "1", "{workspaceagent}", "00000000-0000-0000-0000-000000000000")
	for path, ops := range doc.Paths {
		for method, raw := range ops {
			var op swaggerOperation
			require.NoError(t, json.Unmarshal(raw, &op))
			secured := len(op.Security) > 0
			method := strings.ToUpper(method)
			target := doc.BasePath + fill.Replace(path)
			require.NotContains(t, target, "{", "add a value for the path parameter of %s", path)

			var body any
			if method != http.MethodGet && method != http.MethodDelete {
				body = map[string]any{}
			}
			res, err := client.Request(context.Background(), method, target, body)
			require.NoError(t, err)
			_ = res.Body.Close()
			if secured {
				assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "%s %s is documented as authenticated", method, path)
			} else {
				assert.NotEqual(t, http.StatusUnauthorized, res.StatusCode, "%s %s is documented as public", method, path)
			}
		}
	}
}
