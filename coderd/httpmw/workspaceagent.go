package httpmw

import (
	"context"
	"errors"
	"net/http"

	"github.com/devplane/devplane/coderd/agents"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

type workspaceAgentKey struct{}

// WithWorkspaceAgent stores the authenticated agent in ctx: the agent's
// tunnel fixes its identity once per connection and serves the same
// handlers as the token-authenticated routes.
func WithWorkspaceAgent(ctx context.Context, a agents.Agent) context.Context {
	return context.WithValue(ctx, workspaceAgentKey{}, a)
}

// WorkspaceAgent returns the agent ExtractWorkspaceAgent authenticated.
func WorkspaceAgent(r *http.Request) agents.Agent {
	a, ok := r.Context().Value(workspaceAgentKey{}).(agents.Agent)
	if !ok {
		panic("developer error: route is not behind ExtractWorkspaceAgent")
	}
	return a
}

// ExtractWorkspaceAgent authenticates a workspace agent by its token (the
// Coder-Session-Token header). A token that is unknown, of a superseded
// build, of a stopped or deleted workspace is a 401 saying which.
func ExtractWorkspaceAgent(svc *agents.Service) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			a, err := svc.Authenticate(ctx, TokenFromRequest(r))
			var refused agents.ErrTokenRefused
			if errors.As(err, &refused) {
				httpapi.Write(ctx, rw, http.StatusUnauthorized, codersdk.Response{Message: refused.Reason})
				return
			}
			if err != nil {
				httpapi.WriteError(ctx, rw, err)
				return
			}
			next.ServeHTTP(rw, r.WithContext(WithWorkspaceAgent(ctx, a)))
		})
	}
}

// ExtractWorkspaceAgentParam loads {workspaceagent} for a reader of its
// workspace; others get a 404.
func ExtractWorkspaceAgentParam(db database.Store) func(http.Handler) http.Handler {
	return extractParam("workspaceagent", "workspace agent", func(ctx context.Context, _ *http.Request, param string) (database.GetWorkspaceAgentAndWorkspaceByIDRow, error) {
		id, err := parseUUID("workspaceagent", "a workspace agent", param)
		if err != nil {
			return database.GetWorkspaceAgentAndWorkspaceByIDRow{}, err
		}
		return db.GetWorkspaceAgentAndWorkspaceByID(ctx, id)
	})
}

// WorkspaceAgentParam returns the agent named by {workspaceagent}.
func WorkspaceAgentParam(r *http.Request) database.GetWorkspaceAgentAndWorkspaceByIDRow {
	return paramValue[database.GetWorkspaceAgentAndWorkspaceByIDRow](r, "ExtractWorkspaceAgentParam")
}
