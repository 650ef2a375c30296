package dashboardtest_test

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/site"
)

func TestDashboardRouting(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	ctx := context.Background()

	t.Run("PagesServeTheDashboard", func(t *testing.T) {
		t.Parallel()
		// Whether or not this binary was built with the dashboard, browser
		// paths answer an HTML page (the app, or how to build it).
		for _, p := range []string{"/", "/workspaces", "/@admin/dev", "/templates/coder/docker"} {
			res, err := client.Request(ctx, http.MethodGet, p, nil)
			require.NoError(t, err)
			body, _ := io.ReadAll(res.Body)
			_ = res.Body.Close()
			assert.Equal(t, http.StatusOK, res.StatusCode, p)
			assert.Equal(t, "text/html; charset=utf-8", res.Header.Get("Content-Type"), p)
			assert.Equal(t, site.ContentSecurityPolicy, res.Header.Get("Content-Security-Policy"), p)
			assert.Equal(t, "DENY", res.Header.Get("X-Frame-Options"), p)
			assert.NotEmpty(t, res.Header.Get(codersdk.RequestIDHeader), p)
			if site.Built() {
				assert.Contains(t, string(body), `id="root"`, p)
			} else {
				assert.Contains(t, string(body), "make build", p)
			}
		}
	})

	t.Run("ServerPathsStayJSON", func(t *testing.T) {
		t.Parallel()
		for _, tc := range []struct{ method, path string }{
			{http.MethodGet, "/api"},
			{http.MethodGet, "/api/v1/users"},
			{http.MethodGet, "/api/v2/nope"},
			{http.MethodGet, "/swagger/doc.json"}, // off by default
			{http.MethodPost, "/workspaces"},
			{http.MethodDelete, "/"},
		} {
			res, err := client.Request(ctx, tc.method, tc.path, nil)
			require.NoError(t, err)
			assert.Equal(t, http.StatusNotFound, res.StatusCode, tc.path)
			assert.Contains(t, res.Header.Get("Content-Type"), "application/json", tc.path)
			err = codersdk.ReadBodyAsError(res)
			var apiErr *codersdk.Error
			require.ErrorAs(t, err, &apiErr, tc.path)
			assert.Contains(t, apiErr.Message, "Route not found", tc.path)
		}
	})
}
