package terraform

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
)

// converted is what a plan or a state declares, in provisioner terms.
type converted struct {
	resources    []provisioner.Resource
	parameters   []provisioner.RichParameter
	presets      []provisioner.Preset
	externalAuth []provisioner.ExternalAuthProviderRequirement
	// unattached names agents no resource depends on; they are dropped.
	unattached []string
}

type agentEntry struct {
	res   tfResource
	cfg   string
	agent provisioner.Agent
	// computeID is the ID of the resource it attaches to, for instance
	// identity.
	attachedTo *computeEntry
}

type computeEntry struct {
	res      tfResource
	cfg      string
	id       string
	attrs    map[string]any
	resource provisioner.Resource
	agents   []*agentEntry
}

// convert turns resource instances into what the provisioner protocol
// reports. g attaches agents to resources and, where IDs are not known
// yet (a plan), apps, scripts, env and metadata to agents and resources.
func convert(list []tfResource, g *graph) (converted, error) {
	var out converted
	var computes []*computeEntry
	var agents []*agentEntry
	computeByCfg := map[string][]*computeEntry{}
	agentByCfg := map[string][]*agentEntry{}
	var apps, scripts, envs, metadata, agentInstances []tfResource

	for _, r := range list {
		if r.Mode == "data" {
			switch r.Type {
			case "coder_parameter":
				p, err := convertParameter(r)
				if err != nil {
					return out, err
				}
				out.parameters = append(out.parameters, p)
			case "coder_workspace_preset":
				var a presetAttrs
				if err := decode(r, &a); err != nil {
					return out, err
				}
				out.presets = append(out.presets, convertPreset(a))
			case "coder_external_auth":
				var a externalAuthAttrs
				if err := decode(r, &a); err != nil {
					return out, err
				}
				out.externalAuth = append(out.externalAuth, provisioner.ExternalAuthProviderRequirement{ID: a.ID, Optional: a.Optional})
			}
			continue
		}
		switch r.Type {
		case "coder_agent":
			var a agentAttrs
			if err := decode(r, &a); err != nil {
				return out, err
			}
			e := &agentEntry{res: r, cfg: configAddress(r.Address), agent: convertAgent(r.Name, a)}
			agents = append(agents, e)
			agentByCfg[e.cfg] = append(agentByCfg[e.cfg], e)
		case "coder_app":
			apps = append(apps, r)
		case "coder_script":
			scripts = append(scripts, r)
		case "coder_env":
			envs = append(envs, r)
		case "coder_metadata":
			metadata = append(metadata, r)
		case "coder_agent_instance":
			agentInstances = append(agentInstances, r)
		default:
			if strings.HasPrefix(r.Type, "coder_") {
				continue // other coder resources have no place in a Resource
			}
			var attrs map[string]any
			if err := decode(r, &attrs); err != nil {
				return out, err
			}
			e := &computeEntry{res: r, cfg: configAddress(r.Address), attrs: attrs}
			e.id, _ = attrs["id"].(string)
			e.resource = provisioner.Resource{Name: r.Name, Type: r.Type}
			if key, ok := instanceTypeAttribute[r.Type]; ok {
				e.resource.InstanceType, _ = attrs[key].(string)
			} else if s, ok := attrs["instance_type"].(string); ok {
				e.resource.InstanceType = s
			}
			computes = append(computes, e)
			computeByCfg[e.cfg] = append(computeByCfg[e.cfg], e)
		}
	}

	attachAgents(g, computeByCfg, agentByCfg)

	agentByID := map[string]*agentEntry{}
	for _, a := range agents {
		if a.agent.ID != uuid.Nil {
			agentByID[a.agent.ID.String()] = a
		}
	}
	agentCfgs := map[string]bool{}
	for cfg := range agentByCfg {
		agentCfgs[cfg] = true
	}
	// IDs decide when they are known (state); in a plan they usually are
	// not, and the dependency graph decides.
	findAgent := func(r tfResource, agentID string) *agentEntry {
		if a, ok := agentByID[agentID]; ok && agentID != "" {
			return a
		}
		cfg := g.nearest(configAddress(r.Address), agentCfgs)
		return pickInstance(agentByCfg[cfg], r.Index, func(a *agentEntry) json.RawMessage { return a.res.Index })
	}

	for _, r := range apps {
		var a appAttrs
		if err := decode(r, &a); err != nil {
			return out, err
		}
		if agent := findAgent(r, a.AgentID); agent != nil {
			agent.agent.Apps = append(agent.agent.Apps, convertApp(a))
		}
	}
	for _, r := range scripts {
		var a scriptAttrs
		if err := decode(r, &a); err != nil {
			return out, err
		}
		if agent := findAgent(r, a.AgentID); agent != nil {
			agent.agent.Scripts = append(agent.agent.Scripts, provisioner.AgentScript{
				DisplayName:      a.DisplayName,
				Icon:             a.Icon,
				Script:           a.Script,
				Cron:             a.Cron,
				StartBlocksLogin: a.StartBlocksLogin,
				RunOnStart:       a.RunOnStart,
				RunOnStop:        a.RunOnStop,
				TimeoutSeconds:   a.Timeout,
				LogPath:          a.LogPath,
			})
		}
	}
	for _, r := range envs {
		var a envAttrs
		if err := decode(r, &a); err != nil {
			return out, err
		}
		agent := findAgent(r, a.AgentID)
		if agent == nil || a.Name == "" {
			continue
		}
		if err := mergeEnv(&agent.agent, a); err != nil {
			return out, err
		}
	}
	for _, r := range agentInstances {
		var a agentInstanceAttrs
		if err := decode(r, &a); err != nil {
			return out, err
		}
		if agent := findAgent(r, a.AgentID); agent != nil && a.InstanceID != "" {
			agent.agent.InstanceID = a.InstanceID
		}
	}

	computeByID := map[string]*computeEntry{}
	for _, c := range computes {
		if c.id != "" {
			computeByID[c.id] = c
		}
	}
	computeCfgs := map[string]bool{}
	for cfg := range computeByCfg {
		computeCfgs[cfg] = true
	}
	for _, r := range metadata {
		var a metadataAttrs
		if err := decode(r, &a); err != nil {
			return out, err
		}
		target, ok := computeByID[a.ResourceID]
		if !ok || a.ResourceID == "" {
			cfg := g.nearest(configAddress(r.Address), computeCfgs)
			target = pickInstance(computeByCfg[cfg], r.Index, func(c *computeEntry) json.RawMessage { return c.res.Index })
		}
		if target == nil {
			continue
		}
		res := &target.resource
		res.Hide = res.Hide || a.Hide
		if a.Icon != "" {
			res.Icon = a.Icon
		}
		if a.DailyCost != 0 {
			res.DailyCost = a.DailyCost
		}
		for _, item := range a.Item {
			md := provisioner.ResourceMetadata{Key: item.Key, Sensitive: item.Sensitive, IsNull: item.IsNull || item.Value == nil}
			if item.Value != nil {
				md.Value = *item.Value
			}
			res.Metadata = append(res.Metadata, md)
		}
	}

	agentNames := map[string]bool{}
	for _, c := range computes {
		for _, a := range c.agents {
			if agentNames[a.agent.Name] {
				return out, &provisioner.Failure{Message: fmt.Sprintf("duplicate agent name %q: each coder_agent must have a unique name", a.agent.Name)}
			}
			agentNames[a.agent.Name] = true
			slugs := map[string]bool{}
			for _, app := range a.agent.Apps {
				if slugs[app.Slug] {
					return out, &provisioner.Failure{Message: fmt.Sprintf("duplicate app slug %q on agent %q: app slugs must be unique per agent", app.Slug, a.agent.Name)}
				}
				slugs[app.Slug] = true
			}
			if a.agent.Auth == provisioner.AgentAuthInstanceID && a.agent.InstanceID == "" {
				if key, ok := instanceIDAttribute[c.res.Type]; ok {
					a.agent.InstanceID, _ = c.attrs[key].(string)
				}
			}
			c.resource.Agents = append(c.resource.Agents, a.agent)
		}
		sort.SliceStable(c.resource.Agents, func(i, k int) bool { return c.resource.Agents[i].Name < c.resource.Agents[k].Name })
		out.resources = append(out.resources, c.resource)
	}
	for _, a := range agents {
		if a.attachedTo == nil {
			out.unattached = append(out.unattached, a.res.Address)
		}
	}
	return out, nil
}

// attachAgents gives each agent to the closest resource that depends on
// it. When both have several instances (count or for_each) and as many,
// they are paired by position; otherwise every instance of the agent goes
// to the first instance of the resource.
func attachAgents(g *graph, computeByCfg map[string][]*computeEntry, agentByCfg map[string][]*agentEntry) {
	type choice struct {
		compute string
		dist    int
	}
	best := map[string]choice{}
	cfgs := make([]string, 0, len(computeByCfg))
	for cfg := range computeByCfg {
		cfgs = append(cfgs, cfg)
	}
	sort.Strings(cfgs)
	for _, c := range cfgs {
		for node, d := range g.distances(c) {
			if _, isAgent := agentByCfg[node]; !isAgent {
				continue
			}
			if b, ok := best[node]; !ok || d < b.dist {
				best[node] = choice{compute: c, dist: d}
			}
		}
	}
	for agentCfg, ch := range best {
		agentInstances := agentByCfg[agentCfg]
		computeInstances := computeByCfg[ch.compute]
		for i, a := range agentInstances {
			target := computeInstances[0]
			if len(agentInstances) > 1 && len(agentInstances) == len(computeInstances) {
				target = computeInstances[i]
			}
			a.attachedTo = target
			target.agents = append(target.agents, a)
		}
	}
}

// pickInstance chooses among a resource's instances the one with the
// same instance key as the referring resource, else the first.
func pickInstance[T any](instances []T, key json.RawMessage, keyOf func(T) json.RawMessage) T {
	var zero T
	if len(instances) == 0 {
		return zero
	}
	if len(key) > 0 {
		for _, in := range instances {
			if string(keyOf(in)) == string(key) {
				return in
			}
		}
	}
	return instances[0]
}

// validateDeclarations checks what the provider cannot see across data
// sources: unique parameter names, parameter rules the rest of the
// system relies on, presets naming declared parameters and at most one
// default preset.
func validateDeclarations(c *converted) error {
	params := map[string]provisioner.RichParameter{}
	for _, p := range c.parameters {
		if _, dup := params[p.Name]; dup {
			return &provisioner.Failure{Message: fmt.Sprintf("coder_parameter names must be unique: %q is declared more than once", p.Name)}
		}
		params[p.Name] = p
		if err := provisioner.ValidateParameter(p); err != nil {
			return &provisioner.Failure{Message: err.Error()}
		}
	}
	var defaults []string
	presets := map[string]bool{}
	for _, preset := range c.presets {
		if presets[preset.Name] {
			return &provisioner.Failure{Message: fmt.Sprintf("coder_workspace_preset names must be unique: %q is declared more than once", preset.Name)}
		}
		presets[preset.Name] = true
		if preset.Default {
			defaults = append(defaults, preset.Name)
		}
		for _, v := range preset.Parameters {
			p, ok := params[v.Name]
			if !ok {
				return &provisioner.Failure{Message: fmt.Sprintf("preset %q sets parameter %q, which the template does not declare", preset.Name, v.Name)}
			}
			if err := provisioner.ValidateParameterValue(p, v.Value, nil); err != nil {
				return &provisioner.Failure{Message: fmt.Sprintf("preset %q: %s", preset.Name, err)}
			}
		}
	}
	if len(defaults) > 1 {
		return &provisioner.Failure{Message: "only one preset can be the default, found: " + strings.Join(defaults, ", ")}
	}
	seen := map[string]bool{}
	auth := c.externalAuth[:0]
	for _, ea := range c.externalAuth {
		if !seen[ea.ID] {
			seen[ea.ID] = true
			auth = append(auth, ea)
		}
	}
	c.externalAuth = auth
	return nil
}
