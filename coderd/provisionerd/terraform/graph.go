package terraform

import (
	"bufio"
	"bytes"
	"sort"
	"strings"
)

// graph is the dependency graph of a configuration's resources, as
// `terraform graph` prints it (Terraform 1.7 and later): one node per
// resource block ("coder_agent.main", "module.m.terraform_data.box",
// "data.coder_workspace.me") and an edge from each resource to the
// resources it refers to, with locals, variables and outputs in between
// already collapsed. It decides which resource an agent belongs to, the
// way upstream Coder does: the closest resource that depends on it.
type graph struct {
	deps map[string][]string
}

// parseGraph reads the DOT output of `terraform graph`. Only edge lines
// matter: `"a" -> "b"`.
func parseGraph(dot []byte) *graph {
	g := &graph{deps: map[string][]string{}}
	sc := bufio.NewScanner(bytes.NewReader(dot))
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		from, to, ok := strings.Cut(line, "->")
		if !ok {
			continue
		}
		a, okA := unquoteNode(from)
		b, okB := unquoteNode(strings.TrimSuffix(strings.TrimSpace(to), ";"))
		if !okA || !okB {
			continue
		}
		g.deps[a] = append(g.deps[a], b)
	}
	for k := range g.deps {
		sort.Strings(g.deps[k])
	}
	return g
}

// unquoteNode turns `"[root] coder_agent.main (expand)"` or
// `"coder_agent.main"` into "coder_agent.main".
func unquoteNode(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return "", false
	}
	s = strings.ReplaceAll(s[1:len(s)-1], `\"`, `"`)
	s = strings.TrimPrefix(s, "[root] ")
	if i := strings.LastIndex(s, " ("); i > 0 && strings.HasSuffix(s, ")") {
		s = s[:i]
	}
	return s, s != ""
}

// distances returns how many dependency edges separate from from each
// node it depends on, directly or not.
func (g *graph) distances(from string) map[string]int {
	dist := map[string]int{from: 0}
	queue := []string{from}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, d := range g.deps[n] {
			if _, seen := dist[d]; seen {
				continue
			}
			dist[d] = dist[n] + 1
			queue = append(queue, d)
		}
	}
	delete(dist, from)
	return dist
}

// nearest returns the node among candidates that from depends on most
// directly, or "" when it depends on none of them. Ties go to the first
// in name order, so the answer is stable.
func (g *graph) nearest(from string, candidates map[string]bool) string {
	best, bestDist := "", -1
	for node, d := range g.distances(from) {
		if !candidates[node] {
			continue
		}
		if bestDist < 0 || d < bestDist || (d == bestDist && node < best) {
			best, bestDist = node, d
		}
	}
	return best
}

// configAddress strips instance keys from a resource instance address:
// `module.m["a"].coder_agent.main[0]` becomes `module.m.coder_agent.main`,
// the node name `terraform graph` uses.
func configAddress(addr string) string {
	var b strings.Builder
	depth := 0
	inString := false
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"' && depth > 0:
			inString = true
		case c == '[':
			depth++
		case c == ']':
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}
