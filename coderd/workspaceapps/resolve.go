// Package workspaceapps proxies browsers to the apps and ports of
// workspaces: path-based (/@owner/workspace[.agent]/apps/app/) on the
// dashboard's origin and, with a wildcard access URL, subdomain-based
// ({app}--{agent}--{workspace}--{owner}.<wildcard>). Every byte travels
// over the agent's own connection (the agent's /dial stream), so the
// workspace needs no inbound network access.
package workspaceapps

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
)

// Sharing levels of apps and port shares, as Coder names them.
const (
	LevelOwner         = "owner"
	LevelAuthenticated = "authenticated"
	LevelOrganization  = "organization"
	LevelPublic        = "public"
)

// Request names an app or port as a URL does.
type Request struct {
	Owner     string
	Workspace string
	Agent     string // empty: the workspace's only agent
	App       string // a slug, or a port number (optionally with "s" for https)
}

// target is what a Request resolved to.
type target struct {
	workspace  database.Workspace
	agent      database.WorkspaceAgent
	app        *database.WorkspaceApp // nil for a port
	level      string
	slugOrPort string
	// upstream is where requests go in the workspace: scheme, a loopback
	// host and port, and the app's base path.
	upstream *url.URL
}

// resolveError is a request that names nothing usable; status and message
// go to the client as they are.
type resolveError struct {
	status  int
	message string
	detail  string
}

func (e *resolveError) Error() string { return e.message }

func notFound(what string) error {
	return &resolveError{status: 404, message: what + " not found."}
}

// resolve finds the workspace, agent and app a request names. It reads as
// the app-proxy actor: whether the caller may use what it finds is decided
// afterwards by the sharing level.
func resolve(ctx context.Context, db database.Store, req Request) (target, error) {
	ctx = dbauthz.AsAppProxy(ctx)
	var t target
	owner, err := db.GetUserByEmailOrUsername(ctx, database.GetUserByEmailOrUsernameParams{Username: req.Owner})
	if err != nil {
		if errors.Is(err, database.ErrNoRows) {
			return t, notFound("Workspace")
		}
		return t, err
	}
	ws, err := db.GetWorkspaceByOwnerIDAndName(ctx, database.GetWorkspaceByOwnerIDAndNameParams{OwnerID: owner.ID, Name: req.Workspace})
	if err != nil {
		if errors.Is(err, database.ErrNoRows) {
			return t, notFound("Workspace")
		}
		return t, err
	}
	t.workspace = ws
	build, err := db.GetLatestWorkspaceBuildByWorkspaceID(ctx, ws.ID)
	if err != nil {
		if errors.Is(err, database.ErrNoRows) {
			return t, notFound("Workspace agent")
		}
		return t, err
	}
	agents, err := db.GetWorkspaceAgentsByBuildJobIDs(ctx, []uuid.UUID{build.JobID})
	if err != nil {
		return t, err
	}
	switch {
	case req.Agent != "":
		found := false
		for _, a := range agents {
			if a.WorkspaceAgent.Name == req.Agent {
				t.agent, found = a.WorkspaceAgent, true
			}
		}
		if !found {
			return t, notFound("Workspace agent")
		}
	case len(agents) == 1:
		t.agent = agents[0].WorkspaceAgent
	case len(agents) == 0:
		return t, &resolveError{status: 404, message: "The workspace has no agent.", detail: "Start the workspace; its agent serves its apps."}
	default:
		return t, &resolveError{status: 400, message: "The workspace has more than one agent: name it.", detail: "Use /@owner/workspace.agent/apps/..."}
	}

	if port, https, ok := parsePort(req.App); ok {
		return resolvePort(ctx, db, t, port, https)
	}
	apps, err := db.GetWorkspaceAppsByAgentID(ctx, t.agent.ID)
	if err != nil {
		return t, err
	}
	for i := range apps {
		if apps[i].Slug == req.App {
			t.app = &apps[i]
		}
	}
	if t.app == nil {
		return t, notFound("App")
	}
	if t.app.External || t.app.Url == "" {
		return t, &resolveError{status: 400, message: fmt.Sprintf("App %q is not served through the proxy.", req.App), detail: "External and command apps open on the client."}
	}
	up, err := loopbackUpstream(t.app.Url)
	if err != nil {
		return t, &resolveError{status: 502, message: fmt.Sprintf("App %q has a URL the proxy cannot reach.", req.App), detail: err.Error()}
	}
	t.upstream = up
	t.level = t.app.SharingLevel
	t.slugOrPort = t.app.Slug
	return t, nil
}

// resolvePort serves a port that is not a declared app: owners reach any
// port; others only what a port share opens to them.
func resolvePort(ctx context.Context, db database.Store, t target, port uint16, https bool) (target, error) {
	t.level = LevelOwner
	scheme := "http"
	if https {
		scheme = "https"
	}
	shares, err := db.GetWorkspaceAgentPortShares(ctx, t.workspace.ID)
	if err != nil {
		return t, err
	}
	for _, s := range shares {
		if s.AgentName == t.agent.Name && s.Port == int32(port) {
			t.level = s.ShareLevel
			scheme = s.Protocol
		}
	}
	t.slugOrPort = strconv.Itoa(int(port))
	t.upstream = &url.URL{Scheme: scheme, Host: net.JoinHostPort("127.0.0.1", t.slugOrPort), Path: "/"}
	return t, nil
}

// parsePort reads "8080" or "8080s" (https), as Coder's port URLs do.
func parsePort(s string) (uint16, bool, bool) {
	https := strings.HasSuffix(s, "s")
	s = strings.TrimSuffix(s, "s")
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false, false
	}
	n, err := strconv.ParseUint(s, 10, 16)
	if err != nil || n == 0 {
		return 0, false, false
	}
	return uint16(n), https, true
}

// loopbackUpstream checks that an app URL points at the workspace itself:
// the agent dials only its own loopback. localhost and 0.0.0.0 mean
// 127.0.0.1.
func loopbackUpstream(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("scheme %q is not http or https", u.Scheme)
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	switch host {
	case "localhost", "0.0.0.0", "":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("host %q is not a loopback address of the workspace", u.Hostname())
	}
	out := *u
	out.Host = net.JoinHostPort(host, port)
	if out.Path == "" {
		out.Path = "/"
	}
	return &out, nil
}
