package audit

import (
	"net/http"
	"sort"
	"strings"

	"github.com/devplane/devplane/codersdk"
)

// unaudited lists the non-GET routes that change nothing anyone would audit,
// with the reason. Everything else that is not a GET, HEAD or OPTIONS is
// recorded, failures included; TestEveryMutatingRouteIsAudited calls each
// route to make sure.
var unaudited = map[string]string{
	"POST /authcheck":               "asks whether the caller may do things; changes nothing",
	"POST /users/validate-password": "rates a candidate password; changes nothing, and its body is a password",
	"POST /csp/reports":             "a browser's content-security-policy violation report; changes nothing",
	"POST /templateversions/{templateversion}/dry-run": "a preview plan of a workspace build; applies nothing " +
		"(its throwaway job is visible through the version)",
	"PATCH /templateversions/{templateversion}/dry-run/{jobID}/cancel": "cancels a preview plan; applies nothing",
	"POST /workspaceagents/me/startup":                                 agentReport,
	"POST /workspaceagents/me/report-lifecycle":                        agentReport,
	"PATCH /workspaceagents/me/logs":                                   agentReport,
	"POST /workspaceagents/me/log-source":                              agentReport,
	"POST /workspaceagents/me/metadata":                                agentReport,
	"POST /workspaceagents/me/report-stats":                            agentReport,
	"POST /workspaceagents/me/app-health":                              agentReport,
	"POST /workspaceagents/me/listening-ports":                         agentReport,
	"POST /workspaces/{workspace}/usage": "the activity heartbeat clients send every minute while connected; it " +
		"only bumps last_used_at and would bury the log",
}

// agentReport is why the workspace agent's own reports are not audited.
const agentReport = "a workspace agent's report of its own state (telemetry); it is shown on the agent and would bury the log"

// Unaudited returns the reason a route is not audited, or "" when it is.
// route is "METHOD /path/{param}" below /api/v2.
func Unaudited(route string) string { return unaudited[route] }

// UnauditedRoutes lists the routes Unaudited names, for the test that checks
// each still exists.
func UnauditedRoutes() []string {
	out := make([]string, 0, len(unaudited))
	for r := range unaudited {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// segmentTypes maps the first path segment below /api/v2 to the resource
// type of routes no rule below names.
var segmentTypes = map[string]codersdk.ResourceType{
	"users":            codersdk.ResourceTypeUser,
	"organizations":    codersdk.ResourceTypeOrganization,
	"groups":           codersdk.ResourceTypeGroup,
	"templates":        codersdk.ResourceTypeTemplate,
	"templateversions": codersdk.ResourceTypeTemplateVersion,
	"workspaces":       codersdk.ResourceTypeWorkspace,
	"workspacebuilds":  codersdk.ResourceTypeWorkspaceBuild,
	"files":            codersdk.ResourceTypeFile,
}

// classify derives the default resource type and action of a request from
// its method and route pattern (below /api/v2, without a trailing slash).
// Handlers refine both where the route alone cannot tell (a build's start,
// stop or delete).
func classify(method, pattern string) (codersdk.ResourceType, codersdk.AuditAction) {
	action := codersdk.AuditActionWrite
	switch method {
	case http.MethodPost:
		action = codersdk.AuditActionCreate
	case http.MethodDelete:
		action = codersdk.AuditActionDelete
	}
	has := func(part string) bool { return strings.Contains(pattern, part) }
	switch {
	case pattern == "/users/login":
		// As upstream: a login creates a session key, so its type is
		// api_key, its resource the user.
		return codersdk.ResourceTypeAPIKey, codersdk.AuditActionLogin
	case pattern == "/users/logout":
		return codersdk.ResourceTypeAPIKey, codersdk.AuditActionLogout
	case has("/keys"):
		return codersdk.ResourceTypeAPIKey, action
	case has("/gitsshkey"):
		return codersdk.ResourceTypeGitSSHKey, codersdk.AuditActionWrite
	case strings.HasSuffix(pattern, "/workspaces") && method == http.MethodPost:
		// POST /users/{user}/workspaces and the organization member form.
		return codersdk.ResourceTypeWorkspace, codersdk.AuditActionCreate
	case has("/members/roles"):
		return codersdk.ResourceTypeCustomRole, action
	case has("/members/{user}"):
		return codersdk.ResourceTypeOrganizationMember, action
	case has("/groups"):
		return codersdk.ResourceTypeGroup, action
	case strings.HasPrefix(pattern, "/organizations/{organization}/templateversions"):
		return codersdk.ResourceTypeTemplateVersion, action
	case strings.HasPrefix(pattern, "/organizations/{organization}/templates"):
		return codersdk.ResourceTypeTemplate, action
	case pattern == "/templates/{template}/versions/archive":
		// Archiving unused versions changes the template's version list.
		return codersdk.ResourceTypeTemplate, codersdk.AuditActionWrite
	case pattern == "/workspaces/{workspace}/builds":
		// The handler says start, stop or delete once it has read the body.
		return codersdk.ResourceTypeWorkspaceBuild, codersdk.AuditActionWrite
	case strings.HasPrefix(pattern, "/workspacebuilds/"):
		return codersdk.ResourceTypeWorkspaceBuild, codersdk.AuditActionWrite
	case strings.HasPrefix(pattern, "/workspaces/{workspace}/") || strings.HasPrefix(pattern, "/templates/{template}/") ||
		strings.HasPrefix(pattern, "/templateversions/{templateversion}/") || strings.HasPrefix(pattern, "/users/{user}/"):
		// A sub-resource (ACL, schedule, profile, password, roles...)
		// changes its parent, even when the method is POST or DELETE.
		segment, _, _ := strings.Cut(strings.TrimPrefix(pattern, "/"), "/")
		return segmentTypes[segment], codersdk.AuditActionWrite
	}
	segment, _, _ := strings.Cut(strings.TrimPrefix(pattern, "/"), "/")
	if t, ok := segmentTypes[segment]; ok {
		return t, action
	}
	// A route outside every family above still gets a record; its type
	// says so until someone gives it a rule.
	return codersdk.ResourceType(segment), action
}
