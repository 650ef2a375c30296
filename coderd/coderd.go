// Package coderd is the HTTP API server. New builds the whole route tree in
// one place, so what the server answers can be read top to bottom here.
package coderd

import (
	"context"
	"net/http"
	"net/url"

	"cdr.dev/slog"
	"github.com/go-chi/chi/v5"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/coderd/swaggerui"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// @title devplane API
// @version 2.0
// @description The devplane server's REST API. It is wire-compatible with the Coder v2 API: the same paths, JSON fields and status codes, authenticated with the Coder-Session-Token header.

// @BasePath /api/v2

// @securitydefinitions.apiKey CoderSessionToken
// @in header
// @name Coder-Session-Token

// Options configure an API server.
type Options struct {
	Logger   slog.Logger
	Database database.Store
	// AccessURL is the URL users reach the deployment at.
	AccessURL *url.URL
	// DeploymentValues is the parsed configuration, served (redacted) by
	// GET /deployment/config.
	DeploymentValues *codersdk.DeploymentValues
	// SwaggerDoc is the generated OpenAPI document; /swagger is served when it
	// is set and DeploymentValues.Swagger.Enable is on.
	SwaggerDoc []byte
}

// API serves /api/v2 and the few routes beside it.
type API struct {
	*Options
	// DeploymentID identifies this deployment's database for ever.
	DeploymentID string

	handler http.Handler
}

// New prepares the API: it records the deployment id on first start and
// builds the router. The database must already be migrated.
func New(ctx context.Context, opts *Options) (*API, error) {
	if opts.Database == nil {
		return nil, xerrors.New("coderd: a database is required")
	}
	if opts.AccessURL == nil {
		return nil, xerrors.New("coderd: an access URL is required")
	}
	if opts.DeploymentValues == nil {
		opts.DeploymentValues = &codersdk.DeploymentValues{}
	}
	api := &API{Options: opts}

	id, err := ensureDeploymentID(ctx, opts.Database)
	if err != nil {
		return nil, err
	}
	api.DeploymentID = id
	api.handler = api.routes()
	return api, nil
}

// ServeHTTP makes the API an http.Handler.
func (api *API) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	api.handler.ServeHTTP(rw, r)
}

func (api *API) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(
		httpmw.RequestID,
		httpmw.Logger(api.Logger.Named("http")),
		httpmw.Recover(api.Logger),
		httpmw.SecurityHeaders,
	)
	r.NotFound(httpapi.RouteNotFound)
	r.MethodNotAllowed(httpapi.MethodNotAllowed)

	r.Get("/healthz", api.healthz)
	if api.DeploymentValues.Swagger.Enable.Value() && len(api.SwaggerDoc) > 0 {
		r.Mount("/swagger", swaggerui.Handler(api.SwaggerDoc))
	}

	r.Route("/api/v2", func(r chi.Router) {
		r.NotFound(httpapi.RouteNotFound)
		r.MethodNotAllowed(httpapi.MethodNotAllowed)

		r.Get("/", api.apiRoot)
		r.Get("/buildinfo", api.buildInfo)
		r.Get("/updatecheck", api.updateCheck)
	})
	return r
}

// Routes returns the chi router, for tests and tools that walk it.
func (api *API) Routes() chi.Routes {
	routes, _ := api.handler.(chi.Routes)
	return routes
}
