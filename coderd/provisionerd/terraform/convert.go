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
	c := &conversion{
		g:            g,
		computeByCfg: map[string][]*computeEntry{},
		agentByCfg:   map[string][]*agentEntry{},
	}
	for _, r := range list {
		if err := c.add(r); err != nil {
			return c.out, err
		}
	}
	attachAgents(g, c.computeByCfg, c.agentByCfg)
	if err := c.giveToAgents(); err != nil {
		return c.out, err
	}
	if err := c.applyMetadata(); err != nil {
		return c.out, err
	}
	if err := c.collectResources(); err != nil {
		return c.out, err
	}
	return c.out, nil
}

// conversion is the state of one convert call, shared by its steps.
type conversion struct {
	g            *graph
	out          converted
	computes     []*computeEntry
	agents       []*agentEntry
	computeByCfg map[string][]*computeEntry
	agentByCfg   map[string][]*agentEntry
	// Resources that attach to an agent or a compute resource, kept until
	// agents are attached.
	apps, scripts, envs, metadata, agentInstances []tfResource
}

// add converts data sources and agents, and sorts the other resources
// by what they attach to.
func (c *conversion) add(r tfResource) error {
	if r.Mode == "data" {
		return c.addDataSource(r)
	}
	switch r.Type {
	case "coder_agent":
		var a agentAttrs
		if err := decode(r, &a); err != nil {
			return err
		}
		e := &agentEntry{res: r, cfg: configAddress(r.Address), agent: convertAgent(r.Name, a)}
		c.agents = append(c.agents, e)
		c.agentByCfg[e.cfg] = append(c.agentByCfg[e.cfg], e)
	case "coder_app":
		c.apps = append(c.apps, r)
	case "coder_script":
		c.scripts = append(c.scripts, r)
	case "coder_env":
		c.envs = append(c.envs, r)
	case "coder_metadata":
		c.metadata = append(c.metadata, r)
	case "coder_agent_instance":
		c.agentInstances = append(c.agentInstances, r)
	default:
		if strings.HasPrefix(r.Type, "coder_") {
			return nil // other coder resources have no place in a Resource
		}
		return c.addCompute(r)
	}
	return nil
}

func (c *conversion) addDataSource(r tfResource) error {
	switch r.Type {
	case "coder_parameter":
		p, err := convertParameter(r)
		if err != nil {
			return err
		}
		c.out.parameters = append(c.out.parameters, p)
	case "coder_workspace_preset":
		var a presetAttrs
		if err := decode(r, &a); err != nil {
			return err
		}
		c.out.presets = append(c.out.presets, convertPreset(a))
	case "coder_external_auth":
		var a externalAuthAttrs
		if err := decode(r, &a); err != nil {
			return err
		}
		c.out.externalAuth = append(c.out.externalAuth, provisioner.ExternalAuthProviderRequirement{ID: a.ID, Optional: a.Optional})
	}
	return nil
}

// addCompute adds a resource that is not coder's: one agents can run on.
func (c *conversion) addCompute(r tfResource) error {
	var attrs map[string]any
	if err := decode(r, &attrs); err != nil {
		return err
	}
	e := &computeEntry{res: r, cfg: configAddress(r.Address), attrs: attrs}
	e.id, _ = attrs["id"].(string)
	e.resource = provisioner.Resource{Name: r.Name, Type: r.Type}
	if key, ok := instanceTypeAttribute[r.Type]; ok {
		e.resource.InstanceType, _ = attrs[key].(string)
	} else if s, ok := attrs["instance_type"].(string); ok {
		e.resource.InstanceType = s
	}
	c.computes = append(c.computes, e)
	c.computeByCfg[e.cfg] = append(c.computeByCfg[e.cfg], e)
	return nil
}

// giveToAgents adds apps, scripts, env and instance IDs to their agents.
func (c *conversion) giveToAgents() error {
	agentByID := map[string]*agentEntry{}
	for _, a := range c.agents {
		if a.agent.ID != uuid.Nil {
			agentByID[a.agent.ID.String()] = a
		}
	}
	agentCfgs := map[string]bool{}
	for cfg := range c.agentByCfg {
		agentCfgs[cfg] = true
	}
	// IDs decide when they are known (state); in a plan they usually are
	// not, and the dependency graph decides.
	findAgent := func(r tfResource, agentID string) *agentEntry {
		if a, ok := agentByID[agentID]; ok && agentID != "" {
			return a
		}
		cfg := c.g.nearest(configAddress(r.Address), agentCfgs)
		return pickInstance(c.agentByCfg[cfg], r.Index, func(a *agentEntry) json.RawMessage { return a.res.Index })
	}

	for _, r := range c.apps {
		var a appAttrs
		if err := decode(r, &a); err != nil {
			return err
		}
		if agent := findAgent(r, a.AgentID); agent != nil {
			agent.agent.Apps = append(agent.agent.Apps, convertApp(a))
		}
	}
	for _, r := range c.scripts {
		var a scriptAttrs
		if err := decode(r, &a); err != nil {
			return err
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
	for _, r := range c.envs {
		var a envAttrs
		if err := decode(r, &a); err != nil {
			return err
		}
		agent := findAgent(r, a.AgentID)
		if agent == nil || a.Name == "" {
			continue
		}
		if err := mergeEnv(&agent.agent, a); err != nil {
			return err
		}
	}
	for _, r := range c.agentInstances {
		var a agentInstanceAttrs
		if err := decode(r, &a); err != nil {
			return err
		}
		if agent := findAgent(r, a.AgentID); agent != nil && a.InstanceID != "" {
			agent.agent.InstanceID = a.InstanceID
		}
	}
	return nil
}

// applyMetadata applies coder_metadata to the resource it names, or else
// the nearest one in the graph.
func (c *conversion) applyMetadata() error {
	computeByID := map[string]*computeEntry{}
	for _, e := range c.computes {
		if e.id != "" {
			computeByID[e.id] = e
		}
	}
	computeCfgs := map[string]bool{}
	for cfg := range c.computeByCfg {
		computeCfgs[cfg] = true
	}
	for _, r := range c.metadata {
		var a metadataAttrs
		if err := decode(r, &a); err != nil {
			return err
		}
		target, ok := computeByID[a.ResourceID]
		if !ok || a.ResourceID == "" {
			cfg := c.g.nearest(configAddress(r.Address), computeCfgs)
			target = pickInstance(c.computeByCfg[cfg], r.Index, func(e *computeEntry) json.RawMessage { return e.res.Index })
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
	return nil
}

// collectResources puts each resource's agents in it, checking that agent
// names and, per agent, app slugs are unique, and lists the agents no
// resource took.
func (c *conversion) collectResources() error {
	agentNames := map[string]bool{}
	for _, e := range c.computes {
		for _, a := range e.agents {
			if agentNames[a.agent.Name] {
				return &provisioner.Failure{Message: fmt.Sprintf("duplicate agent name %q: each coder_agent must have a unique name", a.agent.Name)}
			}
			agentNames[a.agent.Name] = true
			slugs := map[string]bool{}
			for _, app := range a.agent.Apps {
				if slugs[app.Slug] {
					return &provisioner.Failure{Message: fmt.Sprintf("duplicate app slug %q on agent %q: app slugs must be unique per agent", app.Slug, a.agent.Name)}
				}
				slugs[app.Slug] = true
			}
			if a.agent.Auth == provisioner.AgentAuthInstanceID && a.agent.InstanceID == "" {
				if key, ok := instanceIDAttribute[e.res.Type]; ok {
					a.agent.InstanceID, _ = e.attrs[key].(string)
				}
			}
			e.resource.Agents = append(e.resource.Agents, a.agent)
		}
		sort.SliceStable(e.resource.Agents, func(i, k int) bool { return e.resource.Agents[i].Name < e.resource.Agents[k].Name })
		c.out.resources = append(c.out.resources, e.resource)
	}
	for _, a := range c.agents {
		if a.attachedTo == nil {
			c.out.unattached = append(c.out.unattached, a.res.Address)
		}
	}
	return nil
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
