package terraform

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
)

// tfShow is the part of `terraform show -json` we read, for a plan file or
// for the state.
type tfShow struct {
	// Values is set when showing state.
	Values *tfValues `json:"values"`
	// PlannedValues and PriorState are set when showing a plan. Data
	// sources read during the plan (parameters, presets) are in the prior
	// state; managed resources as they will be are in the planned values.
	PlannedValues *tfValues `json:"planned_values"`
	PriorState    *struct {
		Values *tfValues `json:"values"`
	} `json:"prior_state"`
}

type tfValues struct {
	RootModule tfModule `json:"root_module"`
}

type tfModule struct {
	Resources    []tfResource `json:"resources"`
	ChildModules []tfModule   `json:"child_modules"`
}

type tfResource struct {
	Address string          `json:"address"`
	Mode    string          `json:"mode"`
	Type    string          `json:"type"`
	Name    string          `json:"name"`
	Index   json.RawMessage `json:"index"`
	Values  json.RawMessage `json:"values"`
}

func (m tfModule) flatten(out []tfResource) []tfResource {
	out = append(out, m.Resources...)
	for _, c := range m.ChildModules {
		out = c.flatten(out)
	}
	return out
}

// resources lists every resource instance the show output describes.
// Unknown values (computed during apply) are simply absent.
func (s tfShow) resources() []tfResource {
	if s.Values != nil {
		return s.Values.RootModule.flatten(nil)
	}
	var out []tfResource
	if s.PlannedValues != nil {
		out = s.PlannedValues.RootModule.flatten(nil)
	}
	seen := make(map[string]bool, len(out))
	for _, r := range out {
		seen[r.Address] = true
	}
	if s.PriorState != nil && s.PriorState.Values != nil {
		for _, r := range s.PriorState.Values.RootModule.flatten(nil) {
			// Managed resources only in the prior state are being
			// destroyed by the plan.
			if r.Mode == "data" && !seen[r.Address] {
				out = append(out, r)
			}
		}
	}
	return out
}

func parseShow(data []byte) (tfShow, error) {
	var s tfShow
	if err := json.Unmarshal(data, &s); err != nil {
		return s, xerrors.Errorf("decode terraform show output: %w", err)
	}
	return s, nil
}

// Attributes of the coder provider's resources and data sources, as the
// provider's schema names them.

type agentAttrs struct {
	ID                    string            `json:"id"`
	Token                 string            `json:"token"`
	OS                    string            `json:"os"`
	Arch                  string            `json:"arch"`
	Auth                  string            `json:"auth"`
	Dir                   string            `json:"dir"`
	Env                   map[string]string `json:"env"`
	ConnectionTimeout     *int64            `json:"connection_timeout"`
	TroubleshootingURL    string            `json:"troubleshooting_url"`
	MOTDFile              string            `json:"motd_file"`
	StartupScript         string            `json:"startup_script"`
	StartupScriptBehavior string            `json:"startup_script_behavior"`
	ShutdownScript        string            `json:"shutdown_script"`
	Order                 int64             `json:"order"`
	Metadata              []struct {
		Key         string `json:"key"`
		DisplayName string `json:"display_name"`
		Script      string `json:"script"`
		Interval    int64  `json:"interval"`
		Timeout     int64  `json:"timeout"`
		Order       int64  `json:"order"`
	} `json:"metadata"`
	DisplayApps []struct {
		VSCode               bool `json:"vscode"`
		VSCodeInsiders       bool `json:"vscode_insiders"`
		WebTerminal          bool `json:"web_terminal"`
		SSHHelper            bool `json:"ssh_helper"`
		PortForwardingHelper bool `json:"port_forwarding_helper"`
	} `json:"display_apps"`
}

type appAttrs struct {
	AgentID     string `json:"agent_id"`
	Slug        string `json:"slug"`
	DisplayName string `json:"display_name"`
	Command     string `json:"command"`
	URL         string `json:"url"`
	Icon        string `json:"icon"`
	Subdomain   bool   `json:"subdomain"`
	External    bool   `json:"external"`
	Hidden      bool   `json:"hidden"`
	Share       string `json:"share"`
	Order       int64  `json:"order"`
	OpenIn      string `json:"open_in"`
	Group       string `json:"group"`
	Healthcheck []struct {
		URL       string `json:"url"`
		Interval  int32  `json:"interval"`
		Threshold int32  `json:"threshold"`
	} `json:"healthcheck"`
}

type scriptAttrs struct {
	AgentID          string `json:"agent_id"`
	DisplayName      string `json:"display_name"`
	Icon             string `json:"icon"`
	Script           string `json:"script"`
	Cron             string `json:"cron"`
	StartBlocksLogin bool   `json:"start_blocks_login"`
	RunOnStart       bool   `json:"run_on_start"`
	RunOnStop        bool   `json:"run_on_stop"`
	Timeout          int32  `json:"timeout"`
	LogPath          string `json:"log_path"`
}

type envAttrs struct {
	AgentID       string  `json:"agent_id"`
	Name          string  `json:"name"`
	Value         *string `json:"value"`
	MergeStrategy string  `json:"merge_strategy"`
}

type metadataAttrs struct {
	ResourceID string `json:"resource_id"`
	Hide       bool   `json:"hide"`
	Icon       string `json:"icon"`
	DailyCost  int32  `json:"daily_cost"`
	Item       []struct {
		Key       string  `json:"key"`
		Value     *string `json:"value"`
		Sensitive bool    `json:"sensitive"`
		IsNull    bool    `json:"is_null"`
	} `json:"item"`
}

type agentInstanceAttrs struct {
	AgentID    string `json:"agent_id"`
	InstanceID string `json:"instance_id"`
}

type parameterAttrs struct {
	Name        string  `json:"name"`
	DisplayName string  `json:"display_name"`
	Description string  `json:"description"`
	Type        string  `json:"type"`
	FormType    string  `json:"form_type"`
	Mutable     bool    `json:"mutable"`
	Ephemeral   bool    `json:"ephemeral"`
	Default     *string `json:"default"`
	Icon        string  `json:"icon"`
	Optional    bool    `json:"optional"`
	Order       int64   `json:"order"`
	Value       string  `json:"value"`
	Option      []struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Value       string `json:"value"`
		Icon        string `json:"icon"`
	} `json:"option"`
	Validation []struct {
		Min         *int64 `json:"min"`
		MinDisabled *bool  `json:"min_disabled"`
		Max         *int64 `json:"max"`
		MaxDisabled *bool  `json:"max_disabled"`
		Monotonic   string `json:"monotonic"`
		Regex       string `json:"regex"`
		Error       string `json:"error"`
	} `json:"validation"`
}

type presetAttrs struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Icon        string            `json:"icon"`
	Default     bool              `json:"default"`
	Parameters  map[string]string `json:"parameters"`
}

type externalAuthAttrs struct {
	ID       string `json:"id"`
	Optional bool   `json:"optional"`
}

// instanceIDAttribute is where well-known compute resources keep the ID
// an agent with instance identity authentication proves it runs on.
var instanceIDAttribute = map[string]string{
	"aws_instance":                    "id",
	"aws_spot_instance_request":       "spot_instance_id",
	"google_compute_instance":         "instance_id",
	"azurerm_linux_virtual_machine":   "virtual_machine_id",
	"azurerm_windows_virtual_machine": "virtual_machine_id",
}

// instanceTypeAttribute is where compute resources keep their size.
var instanceTypeAttribute = map[string]string{
	"aws_instance":                    "instance_type",
	"aws_spot_instance_request":       "instance_type",
	"google_compute_instance":         "machine_type",
	"azurerm_linux_virtual_machine":   "size",
	"azurerm_windows_virtual_machine": "size",
}

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

func decode(r tfResource, v any) error {
	if len(r.Values) == 0 || string(r.Values) == "null" {
		return nil
	}
	if err := json.Unmarshal(r.Values, v); err != nil {
		return &provisioner.Failure{Message: fmt.Sprintf("%s: unexpected attributes: %s", r.Address, err)}
	}
	return nil
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

func convertAgent(name string, a agentAttrs) provisioner.Agent {
	pa := provisioner.Agent{
		Name:               name,
		OperatingSystem:    a.OS,
		Architecture:       a.Arch,
		Directory:          a.Dir,
		Token:              a.Token,
		TroubleshootingURL: a.TroubleshootingURL,
		MOTDFile:           a.MOTDFile,
		Order:              a.Order,
		Auth:               provisioner.AgentAuthToken,
		// The provider's default; a plan leaves unknown values out.
		ConnectionTimeoutSeconds: 120,
	}
	if id, err := uuid.Parse(a.ID); err == nil {
		pa.ID = id
	}
	if a.Auth != "" && a.Auth != "token" {
		// google-, aws- and azure-instance-identity.
		pa.Auth = provisioner.AgentAuthInstanceID
		pa.Token = ""
	}
	if a.ConnectionTimeout != nil {
		pa.ConnectionTimeoutSeconds = clampInt32(*a.ConnectionTimeout)
	}
	if len(a.Env) > 0 {
		pa.Env = make(map[string]string, len(a.Env))
		for k, v := range a.Env {
			pa.Env[k] = v
		}
	}
	display := provisioner.DefaultDisplayApps()
	if len(a.DisplayApps) > 0 {
		d := a.DisplayApps[0]
		display = provisioner.DisplayApps{
			VSCode:               d.VSCode,
			VSCodeInsiders:       d.VSCodeInsiders,
			WebTerminal:          d.WebTerminal,
			SSHHelper:            d.SSHHelper,
			PortForwardingHelper: d.PortForwardingHelper,
		}
	}
	pa.DisplayApps = &display
	for _, m := range a.Metadata {
		pa.Metadata = append(pa.Metadata, provisioner.AgentMetadata{
			Key: m.Key, DisplayName: m.DisplayName, Script: m.Script, Interval: m.Interval, Timeout: m.Timeout, Order: m.Order,
		})
	}
	// startup_script and shutdown_script are aliases for coder_script.
	if a.StartupScript != "" {
		pa.Scripts = append(pa.Scripts, provisioner.AgentScript{
			DisplayName:      "Startup Script",
			Script:           a.StartupScript,
			RunOnStart:       true,
			StartBlocksLogin: a.StartupScriptBehavior == "blocking",
			LogPath:          "coder-startup-script.log",
		})
	}
	if a.ShutdownScript != "" {
		pa.Scripts = append(pa.Scripts, provisioner.AgentScript{
			DisplayName: "Shutdown Script",
			Script:      a.ShutdownScript,
			RunOnStop:   true,
			LogPath:     "coder-shutdown-script.log",
		})
	}
	return pa
}

func convertApp(a appAttrs) provisioner.App {
	app := provisioner.App{
		Slug:         a.Slug,
		DisplayName:  a.DisplayName,
		Command:      a.Command,
		URL:          a.URL,
		Icon:         a.Icon,
		Subdomain:    a.Subdomain,
		External:     a.External,
		Hidden:       a.Hidden,
		SharingLevel: a.Share,
		Order:        a.Order,
		OpenIn:       a.OpenIn,
		Group:        a.Group,
	}
	if app.SharingLevel == "" {
		app.SharingLevel = provisioner.AppSharingLevelOwner
	}
	if app.OpenIn == "" {
		app.OpenIn = provisioner.AppOpenInSlimWindow
	}
	if len(a.Healthcheck) > 0 {
		hc := a.Healthcheck[0]
		app.Healthcheck = &provisioner.Healthcheck{URL: hc.URL, Interval: hc.Interval, Threshold: hc.Threshold}
	}
	return app
}

// mergeEnv applies a coder_env to an agent's environment following its
// merge_strategy; append and prepend join with ":" as PATH-like values
// expect.
func mergeEnv(agent *provisioner.Agent, e envAttrs) error {
	value := ""
	if e.Value != nil {
		value = *e.Value
	}
	if agent.Env == nil {
		agent.Env = map[string]string{}
	}
	existing, exists := agent.Env[e.Name]
	switch e.MergeStrategy {
	case "append":
		if exists && existing != "" {
			value = existing + ":" + value
		}
	case "prepend":
		if exists && existing != "" {
			value = value + ":" + existing
		}
	case "error":
		if exists {
			return &provisioner.Failure{Message: fmt.Sprintf("duplicate environment variable %q on agent %q (merge_strategy = \"error\")", e.Name, agent.Name)}
		}
	}
	agent.Env[e.Name] = value
	return nil
}

func convertParameter(r tfResource) (provisioner.RichParameter, error) {
	var a parameterAttrs
	if err := decode(r, &a); err != nil {
		return provisioner.RichParameter{}, err
	}
	p := provisioner.RichParameter{
		Name:        a.Name,
		DisplayName: a.DisplayName,
		Description: a.Description,
		Type:        a.Type,
		FormType:    a.FormType,
		Icon:        a.Icon,
		Mutable:     a.Mutable,
		Ephemeral:   a.Ephemeral,
		Required:    !a.Optional,
		Order:       clampInt32(a.Order),
	}
	if p.Type == "" {
		p.Type = provisioner.ParameterTypeString
	}
	if a.Default != nil {
		p.DefaultValue = *a.Default
		p.Required = false
	}
	for _, o := range a.Option {
		p.Options = append(p.Options, provisioner.RichParameterOption{Name: o.Name, Description: o.Description, Value: o.Value, Icon: o.Icon})
	}
	if len(a.Validation) > 0 {
		v := a.Validation[0]
		p.ValidationRegex, p.ValidationError, p.ValidationMonotonic = v.Regex, v.Error, v.Monotonic
		// Providers before min_disabled existed report an absent min as 0.
		if v.Min != nil && (v.MinDisabled == nil || !*v.MinDisabled) {
			if *v.Min < math.MinInt32 || *v.Min > math.MaxInt32 {
				return p, &provisioner.Failure{Message: fmt.Sprintf("parameter %q: validation min %d is out of range", p.Name, *v.Min)}
			}
			m := int32(*v.Min)
			p.ValidationMin = &m
		}
		if v.Max != nil && (v.MaxDisabled == nil || !*v.MaxDisabled) {
			if *v.Max < math.MinInt32 || *v.Max > math.MaxInt32 {
				return p, &provisioner.Failure{Message: fmt.Sprintf("parameter %q: validation max %d is out of range", p.Name, *v.Max)}
			}
			m := int32(*v.Max)
			p.ValidationMax = &m
		}
	}
	return p, nil
}

func convertPreset(a presetAttrs) provisioner.Preset {
	names := make([]string, 0, len(a.Parameters))
	for name := range a.Parameters {
		names = append(names, name)
	}
	sort.Strings(names)
	p := provisioner.Preset{Name: a.Name, Description: a.Description, Icon: a.Icon, Default: a.Default}
	for _, name := range names {
		p.Parameters = append(p.Parameters, provisioner.RichParameterValue{Name: name, Value: a.Parameters[name]})
	}
	return p
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

func clampInt32(v int64) int32 {
	switch {
	case v > math.MaxInt32:
		return math.MaxInt32
	case v < math.MinInt32:
		return math.MinInt32
	}
	return int32(v)
}
