package main

import (
	"fmt"
	"strings"
)

// renderAuthentication renders authentication.md, the page every
// "you must be authenticated" line links to.
func (g *generator) renderAuthentication() string {
	blocks := []string{"# Authentication"}
	var header string
	for _, name := range sortedKeys(g.spec.SecurityDefinitions) {
		s := g.spec.SecurityDefinitions[name]
		if s != nil && s.Type == "apiKey" && strings.EqualFold(s.In, "header") && s.Name != "" {
			header = s.Name
			break
		}
	}
	if header != "" {
		blocks = append(blocks,
			"Operations marked with \"To perform this operation, you must be authenticated\" require a session token. "+
				"Send it in the `"+header+"` header:",
			"```shell\ncurl "+g.server+g.sampleAuthPath()+" \\\n  -H '"+header+": API_KEY'\n```",
		)
	} else if len(g.spec.SecurityDefinitions) > 0 {
		blocks = append(blocks, "Operations marked with \"To perform this operation, you must be authenticated\" require credentials as described below.")
	} else {
		blocks = append(blocks, "The API document defines no security scheme.")
	}
	if len(g.spec.SecurityDefinitions) > 0 {
		rows := [][]string{}
		for _, name := range sortedKeys(g.spec.SecurityDefinitions) {
			s := g.spec.SecurityDefinitions[name]
			if s == nil {
				continue
			}
			param := ""
			if s.Name != "" {
				param = "`" + s.Name + "`"
			}
			rows = append(rows, []string{"`" + name + "`", s.Type, s.In, param, s.Description})
		}
		blocks = append(blocks, "## Security schemes", table([]string{"Name", "Type", "In", "Parameter", "Description"}, rows))
	}
	return strings.Join(blocks, "\n\n") + "\n"
}

// sampleAuthPath picks an authenticated GET operation without path
// parameters for the authentication example.
func (g *generator) sampleAuthPath() string {
	for _, path := range sortedKeys(g.spec.Paths) {
		op := g.spec.Paths[path].Operations["get"]
		if op != nil && !strings.Contains(path, "{") && g.authenticated(op) {
			return path
		}
	}
	return "/"
}

// samplePublicPath picks a GET operation that needs neither credentials nor
// path parameters for the index page's URL example.
func (g *generator) samplePublicPath() string {
	for _, path := range sortedKeys(g.spec.Paths) {
		op := g.spec.Paths[path].Operations["get"]
		if op != nil && path != "/" && !strings.Contains(path, "{") && !g.authenticated(op) {
			return path
		}
	}
	return "/"
}

func (g *generator) renderIndex(pages []*tagPage) string {
	title := strings.TrimSpace(g.spec.Info.Title)
	if title == "" {
		title = "this server"
	}
	blocks := []string{"# API"}
	if d := strings.TrimSpace(g.spec.Info.Description); d != "" {
		blocks = append(blocks, d)
	}
	version := ""
	if v := strings.TrimSpace(g.spec.Info.Version); v != "" {
		version = " (version " + v + ")"
	}
	blocks = append(blocks,
		"This is the REST API reference of "+title+version+". "+
			"It is generated from the server's Swagger document by `scripts/apidocgen`; do not edit these pages by hand.",
		"## Base path",
		"Every operation is served under the base path `"+basePath(g.spec)+"`: the URL of an operation is the "+
			"deployment's access URL, then `"+basePath(g.spec)+"`, then the operation's path, for example `"+
			g.server+g.samplePublicPath()+"`. Request and response bodies are JSON unless an operation says otherwise.",
		"## Authentication",
	)
	var header string
	for _, name := range sortedKeys(g.spec.SecurityDefinitions) {
		s := g.spec.SecurityDefinitions[name]
		if s != nil && s.Type == "apiKey" && strings.EqualFold(s.In, "header") && s.Name != "" {
			header = s.Name
			break
		}
	}
	if header != "" {
		blocks = append(blocks, "Operations that require authentication take a session token in the `"+header+"` header. "+
			"See [Authentication]("+authenticationFile+").")
	} else {
		blocks = append(blocks, "See [Authentication]("+authenticationFile+").")
	}
	var list strings.Builder
	for _, p := range pages {
		fmt.Fprintf(&list, "- [%s](%s)\n", oneLine(p.name), p.file)
	}
	fmt.Fprintf(&list, "- [Schemas](%s)", schemasFile)
	blocks = append(blocks, "## Sections", list.String())
	return strings.Join(blocks, "\n\n") + "\n"
}
