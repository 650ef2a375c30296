package coderd

import (
	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/coderd/domain/lifecycle"
	"github.com/devplane/devplane/coderd/domain/templates"
	"github.com/devplane/devplane/coderd/domain/templateversion"
	"github.com/devplane/devplane/coderd/domain/workspace"
	"github.com/devplane/devplane/coderd/domain/workspacebuild"
)

// The domain services handlers call, over the API's store. They hold no
// state of their own, so each call makes a fresh one.

// events announces what handlers and workflows commit.
func (api *API) events() domain.Events {
	return domain.Events{Pubsub: api.Pubsub, Logger: api.Logger}
}

// builds enqueues workspace builds.
func (api *API) builds() *workspacebuild.Service {
	return &workspacebuild.Service{DB: api.Database, Events: api.events(), Logger: api.Logger}
}

// workspaceCreator creates workspaces with their first build.
func (api *API) workspaceCreator() *workspace.Service {
	return &workspace.Service{DB: api.Database, Events: api.events()}
}

func (api *API) lifecycleExecutor() *lifecycle.Executor {
	return &lifecycle.Executor{DB: api.Database, Builds: api.builds(), Events: api.events(), Logger: api.Logger.Named("lifecycle")}
}

// templateVersions creates template versions and their import jobs.
func (api *API) templateVersions() *templateversion.Service {
	return &templateversion.Service{DB: api.Database, Events: api.events(), ExampleFile: api.exampleFile}
}

// templateService creates templates and changes their settings.
func (api *API) templateService() *templates.Service {
	return &templates.Service{DB: api.Database}
}
