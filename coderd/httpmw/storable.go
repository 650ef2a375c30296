package httpmw

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
)

// RejectUnstorable answers 400 to a request whose path parameters, query
// values or session token hold text PostgreSQL cannot store (a NUL byte or
// invalid UTF-8), naming the field, before anything reaches the database.
// Such values can never name or match anything, and passed on they fail in
// the database as a 500. JSON bodies are checked by httpapi.Read.
//
// routes returns the root router, whose patterns give path parameters their
// names; it is read per request because the router is built after this
// middleware.
func RejectUnstorable(routes func() chi.Routes) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			if v, ok := unstorableRequestValue(r, routes); !ok {
				httpapi.Write(r.Context(), rw, http.StatusBadRequest, codersdk.Response{
					Message:     fmt.Sprintf("Invalid %s %q.", v.Where, v.Field),
					Detail:      fmt.Sprintf("The value %s.", v.Reason),
					Validations: []codersdk.ValidationError{{Field: v.Field, Detail: v.Reason}},
				})
				return
			}
			next.ServeHTTP(rw, r)
		})
	}
}

type badValue struct {
	Where, Field, Reason string
}

func unstorableRequestValue(r *http.Request, routes func() chi.Routes) (badValue, bool) {
	// Each segment of the path as the client escaped it, so "%2F" inside
	// a parameter stays inside it.
	segments := strings.Split(r.URL.EscapedPath(), "/")
	for i, seg := range segments {
		value, err := url.PathUnescape(seg)
		if err != nil {
			value = seg
		}
		if reason := httpapi.Unstorable(value); reason != "" {
			return badValue{Where: "URL path parameter", Field: pathParamName(r, routes, i), Reason: reason}, false
		}
	}

	query, _ := url.ParseQuery(r.URL.RawQuery)
	keys := make([]string, 0, len(query))
	for k := range query {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if reason := httpapi.Unstorable(k); reason != "" {
			return badValue{Where: "query parameter", Field: httpapi.Storable(k, 64), Reason: "name " + reason}, false
		}
		for _, v := range query[k] {
			if reason := httpapi.Unstorable(v); reason != "" {
				return badValue{Where: "query parameter", Field: k, Reason: reason}, false
			}
		}
	}

	// The session token is looked up by its id: it must be text too.
	if reason := httpapi.Unstorable(r.Header.Get(codersdk.SessionTokenHeader)); reason != "" {
		return badValue{Where: "header", Field: codersdk.SessionTokenHeader, Reason: reason}, false
	}
	if c, err := r.Cookie(codersdk.SessionTokenCookie); err == nil {
		if reason := httpapi.Unstorable(c.Value); reason != "" {
			return badValue{Where: "cookie", Field: codersdk.SessionTokenCookie, Reason: reason}, false
		}
	}
	return badValue{}, true
}

// pathParamName names the i-th segment of r's path by the route that matches
// it ("organization" for /api/v2/organizations/{organization}), or "path"
// when no route parameter is there.
func pathParamName(r *http.Request, routes func() chi.Routes, i int) string {
	if routes == nil {
		return "path"
	}
	root := routes()
	if root == nil {
		return "path"
	}
	path := r.URL.RawPath
	if path == "" {
		path = r.URL.Path
	}
	pattern := root.Find(chi.NewRouteContext(), r.Method, path)
	parts := strings.Split(pattern, "/")
	if i >= len(parts) {
		return "path"
	}
	part := parts[i]
	if !strings.HasPrefix(part, "{") || !strings.HasSuffix(part, "}") {
		return "path"
	}
	name := strings.TrimSuffix(strings.TrimPrefix(part, "{"), "}")
	name, _, _ = strings.Cut(name, ":")
	return name
}
