package terraform

import (
	"fmt"
	"math"
	"sort"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
)

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

func clampInt32(v int64) int32 {
	switch {
	case v > math.MaxInt32:
		return math.MaxInt32
	case v < math.MinInt32:
		return math.MinInt32
	}
	return int32(v)
}
