package main

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// options controls rendering.
type options struct {
	// Server is the scheme and host used in curl samples.
	Server string
}

const (
	schemasFile        = "schemas.md"
	indexFile          = "index.md"
	authenticationFile = "authentication.md"
	defaultTag         = "Default"
	defaultBasePath    = "/api/v2"
	defaultServer      = "http://coder-server:8080"
	authenticatedLine  = "To perform this operation, you must be authenticated. [Learn more](" + authenticationFile + ")."
)

type generator struct {
	spec   *Spec
	opts   options
	server string
}

// operation is one operation with everything resolved that rendering needs.
type operation struct {
	path   string
	method string
	op     *Operation
	params []*Parameter
}

type tagPage struct {
	name string
	file string
	ops  []*operation
}

// generate renders every page for spec. The result maps file names (relative
// to the output directory) to their contents.
func generate(spec *Spec, opts options) (map[string][]byte, error) {
	if opts.Server == "" {
		opts.Server = defaultServer
	}
	g := &generator{spec: spec, opts: opts, server: strings.TrimSuffix(opts.Server, "/") + basePath(spec)}
	pages, err := g.tagPages()
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, p := range pages {
		files[p.file] = []byte(g.renderTagPage(p))
	}
	files[schemasFile] = []byte(g.renderSchemas())
	files[authenticationFile] = []byte(g.renderAuthentication())
	files[indexFile] = []byte(g.renderIndex(pages))
	return files, nil
}

func basePath(spec *Spec) string {
	bp := strings.TrimSuffix(spec.BasePath, "/")
	if spec.BasePath == "" {
		bp = defaultBasePath
	}
	return bp
}

// tagPages groups the operations by tag. Within a page operations are
// ordered by path, then by method in path-item order (GET, PUT, POST,
// DELETE, OPTIONS, HEAD, PATCH).
func (g *generator) tagPages() ([]*tagPage, error) {
	byTag := map[string]*tagPage{}
	for _, path := range sortedKeys(g.spec.Paths) {
		item := g.spec.Paths[path]
		for _, method := range methodOrder {
			op := item.Operations[method]
			if op == nil {
				continue
			}
			params, err := g.mergeParams(item.Parameters, op.Parameters)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", strings.ToUpper(method), path, err)
			}
			o := &operation{path: path, method: method, op: op, params: params}
			tags := op.Tags
			if len(tags) == 0 {
				tags = []string{defaultTag}
			}
			seen := map[string]bool{}
			for _, tag := range tags {
				if seen[tag] {
					continue
				}
				seen[tag] = true
				p := byTag[tag]
				if p == nil {
					p = &tagPage{name: tag}
					byTag[tag] = p
				}
				p.ops = append(p.ops, o)
			}
		}
	}
	names := sortedKeys(byTag)
	used := map[string]string{indexFile: "", schemasFile: "", authenticationFile: ""}
	pages := make([]*tagPage, 0, len(names))
	for _, name := range names {
		p := byTag[name]
		base := slugify(name)
		if base == "" {
			base = "tag"
		}
		file := base + ".md"
		for i := 2; ; i++ {
			if _, taken := used[file]; !taken {
				break
			}
			file = fmt.Sprintf("%s-%d.md", base, i)
		}
		used[file] = name
		p.file = file
		pages = append(pages, p)
	}
	return pages, nil
}

// mergeParams resolves parameter references and merges path-level parameters
// into the operation's (the operation's win on a name/location clash).
func (g *generator) mergeParams(pathParams, opParams []*Parameter) ([]*Parameter, error) {
	resolve := func(p *Parameter) (*Parameter, error) {
		if p == nil || p.Ref == "" {
			return p, nil
		}
		r := g.spec.Parameters[strings.TrimPrefix(p.Ref, "#/parameters/")]
		if r == nil {
			return nil, fmt.Errorf("unresolved parameter $ref %q", p.Ref)
		}
		return r, nil
	}
	var out []*Parameter
	key := func(p *Parameter) string { return p.In + "\x00" + p.Name }
	overridden := map[string]bool{}
	var ops []*Parameter
	for _, p := range opParams {
		r, err := resolve(p)
		if err != nil {
			return nil, err
		}
		if r != nil {
			ops = append(ops, r)
			overridden[key(r)] = true
		}
	}
	for _, p := range pathParams {
		r, err := resolve(p)
		if err != nil {
			return nil, err
		}
		if r != nil && !overridden[key(r)] {
			out = append(out, r)
		}
	}
	return append(out, ops...), nil
}

func (g *generator) response(r *Response) *Response {
	if r != nil && r.Ref != "" {
		return g.spec.Responses[strings.TrimPrefix(r.Ref, "#/responses/")]
	}
	return r
}

// statusCodes returns the response codes sorted numerically, with "default"
// (and anything else that is not a number) last.
func statusCodes(responses map[string]*Response) []string {
	codes := sortedKeys(responses)
	sort.SliceStable(codes, func(i, j int) bool {
		a, errA := strconv.Atoi(codes[i])
		b, errB := strconv.Atoi(codes[j])
		switch {
		case errA == nil && errB == nil:
			return a < b
		case errA == nil:
			return true
		case errB == nil:
			return false
		default:
			return codes[i] < codes[j]
		}
	})
	return codes
}

func firstOr(list []string, fallback string) string {
	for _, s := range list {
		if s != "" {
			return s
		}
	}
	return fallback
}

func isJSONMime(m string) bool {
	m = strings.ToLower(m)
	return strings.Contains(m, "json")
}

// security returns the security requirements in force for an operation.
func (g *generator) security(op *Operation) []map[string][]string {
	if op.Security != nil {
		return *op.Security
	}
	return g.spec.Security
}

// authenticated reports whether an operation requires credentials. An empty
// requirement object ({}) in the list makes authentication optional.
func (g *generator) authenticated(op *Operation) bool {
	reqs := g.security(op)
	if len(reqs) == 0 {
		return false
	}
	for _, req := range reqs {
		if len(req) == 0 {
			return false
		}
	}
	return true
}

// authHeaders returns the curl headers that carry the credentials of the
// operation's first security requirement.
func (g *generator) authHeaders(op *Operation) []string {
	if !g.authenticated(op) {
		return nil
	}
	req := g.security(op)[0]
	var headers []string
	for _, name := range sortedKeys(req) {
		scheme := g.spec.SecurityDefinitions[name]
		if scheme == nil {
			continue
		}
		switch {
		case scheme.Type == "apiKey" && strings.EqualFold(scheme.In, "header") && scheme.Name != "":
			headers = append(headers, scheme.Name+": API_KEY")
		case scheme.Type == "basic":
			headers = append(headers, "Authorization: Basic API_KEY")
		case scheme.Type == "oauth2":
			headers = append(headers, "Authorization: Bearer API_KEY")
		}
	}
	return headers
}
