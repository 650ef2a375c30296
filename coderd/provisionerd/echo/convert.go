package echo

import (
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
)

func (p Parameter) toProvisioner() provisioner.RichParameter {
	rp := provisioner.RichParameter{
		Name:         p.Name,
		DisplayName:  p.DisplayName,
		Description:  p.Description,
		Type:         p.Type,
		FormType:     p.FormType,
		DefaultValue: p.Default,
		Icon:         p.Icon,
		Mutable:      p.Mutable,
		Ephemeral:    p.Ephemeral,
		Required:     p.Required,
		Order:        p.Order,
	}
	if rp.Type == "" {
		rp.Type = provisioner.ParameterTypeString
	}
	for _, o := range p.Options {
		rp.Options = append(rp.Options, provisioner.RichParameterOption{
			Name: o.Name, Description: o.Description, Value: o.Value, Icon: o.Icon,
		})
	}
	if v := p.Validation; v != nil {
		rp.ValidationRegex = v.Regex
		rp.ValidationError = v.Error
		rp.ValidationMin = v.Min
		rp.ValidationMax = v.Max
		rp.ValidationMonotonic = v.Monotonic
	}
	return rp
}

func (v Variable) toProvisioner() provisioner.Variable {
	pv := provisioner.Variable{
		Name:         v.Name,
		Description:  v.Description,
		Type:         v.Type,
		DefaultValue: v.Default,
		Required:     v.Required,
		Sensitive:    v.Sensitive,
	}
	if pv.Type == "" {
		pv.Type = provisioner.ParameterTypeString
	}
	return pv
}

func (s Spec) parameters() []provisioner.RichParameter {
	out := make([]provisioner.RichParameter, 0, len(s.Parameters))
	for _, p := range s.Parameters {
		out = append(out, p.toProvisioner())
	}
	return out
}

func (s Spec) variables() []provisioner.Variable {
	out := make([]provisioner.Variable, 0, len(s.Variables))
	for _, v := range s.Variables {
		out = append(out, v.toProvisioner())
	}
	return out
}

func (s Spec) presets() []provisioner.Preset {
	out := make([]provisioner.Preset, 0, len(s.Presets))
	for _, p := range s.Presets {
		names := make([]string, 0, len(p.Parameters))
		for name := range p.Parameters {
			names = append(names, name)
		}
		sort.Strings(names)
		values := make([]provisioner.RichParameterValue, 0, len(names))
		for _, name := range names {
			values = append(values, provisioner.RichParameterValue{Name: name, Value: p.Parameters[name]})
		}
		out = append(out, provisioner.Preset{
			Name: p.Name, Description: p.Description, Icon: p.Icon, Default: p.Default, Parameters: values,
		})
	}
	return out
}

func (s Spec) externalAuth() []provisioner.ExternalAuthProviderRequirement {
	out := make([]provisioner.ExternalAuthProviderRequirement, 0, len(s.ExternalAuth))
	for _, ea := range s.ExternalAuth {
		out = append(out, provisioner.ExternalAuthProviderRequirement{ID: ea.ID, Optional: ea.Optional})
	}
	return out
}

func (s Spec) phase(t provisioner.Transition) Phase {
	switch t {
	case provisioner.TransitionStop:
		return s.Stop
	case provisioner.TransitionDelete:
		return s.Delete
	default:
		return s.Start
	}
}

// renderer executes the text/templates in a spec's strings.
type renderer struct {
	spec *parsedSpec
	data templateData
}

// templateData is what {{...}} in a spec sees.
type templateData struct {
	provisioner.Metadata
	Transition provisioner.Transition
	params     map[string]string
	vars       map[string]string
}

// Param returns the value of a parameter in effect for the build.
func (d templateData) Param(name string) string { return d.params[name] }

// Var returns the value of a template variable.
func (d templateData) Var(name string) string { return d.vars[name] }

// render executes s as a template; strings without "{{" are returned as
// they are, which keeps the common case free.
func (r *renderer) render(where, s string) (string, error) {
	if !strings.Contains(s, "{{") {
		return s, nil
	}
	tmpl, err := r.spec.template(s)
	if err != nil {
		return "", &provisioner.Failure{Message: fmt.Sprintf("%s: invalid template: %s", where, err)}
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, r.data); err != nil {
		return "", &provisioner.Failure{Message: fmt.Sprintf("%s: %s", where, err)}
	}
	return b.String(), nil
}

// resources converts a phase's resources. With tokens, agents using token
// auth and no fixed token get a fresh one, as the coder provider does on
// every apply.
func (r *renderer) resources(phase string, in []Resource, tokens bool) ([]provisioner.Resource, error) {
	out := make([]provisioner.Resource, 0, len(in))
	for i, res := range in {
		where := fmt.Sprintf("%s.resources[%d]", phase, i)
		pr := provisioner.Resource{
			Name:         res.Name,
			Type:         res.Type,
			Hide:         res.Hide,
			Icon:         res.Icon,
			InstanceType: res.InstanceType,
			DailyCost:    res.DailyCost,
		}
		for j, m := range res.Metadata {
			value, err := r.render(fmt.Sprintf("%s.metadata[%d].value", where, j), m.Value)
			if err != nil {
				return nil, err
			}
			pr.Metadata = append(pr.Metadata, provisioner.ResourceMetadata{
				Key: m.Key, Value: value, Sensitive: m.Sensitive, IsNull: m.IsNull,
			})
		}
		for j, a := range res.Agents {
			agent, err := r.agent(fmt.Sprintf("%s.agents[%d]", where, j), a, tokens)
			if err != nil {
				return nil, err
			}
			pr.Agents = append(pr.Agents, agent)
		}
		out = append(out, pr)
	}
	return out, nil
}

func (r *renderer) agent(where string, a Agent, tokens bool) (provisioner.Agent, error) {
	pa := provisioner.Agent{
		Name:                     a.Name,
		OperatingSystem:          orDefault(a.OS, "linux"),
		Architecture:             orDefault(a.Arch, "amd64"),
		Directory:                a.Directory,
		Auth:                     orDefault(a.Auth, provisioner.AgentAuthToken),
		Token:                    a.Token,
		InstanceID:               a.InstanceID,
		ConnectionTimeoutSeconds: a.ConnectionTimeoutSeconds,
		TroubleshootingURL:       a.TroubleshootingURL,
		MOTDFile:                 a.MOTDFile,
		Order:                    a.Order,
	}
	if a.ID != "" {
		pa.ID = uuid.MustParse(a.ID) // checked by Validate
	}
	if pa.ConnectionTimeoutSeconds == 0 {
		pa.ConnectionTimeoutSeconds = 120 // the coder provider's default
	}
	if tokens && pa.Auth == provisioner.AgentAuthToken && pa.Token == "" {
		pa.Token = uuid.NewString()
	}
	if len(a.Env) > 0 {
		pa.Env = make(map[string]string, len(a.Env))
		for k, v := range a.Env {
			value, err := r.render(fmt.Sprintf("%s.env.%s", where, k), v)
			if err != nil {
				return pa, err
			}
			pa.Env[k] = value
		}
	}
	display := provisioner.DefaultDisplayApps()
	if d := a.DisplayApps; d != nil {
		setBool(&display.VSCode, d.VSCode)
		setBool(&display.VSCodeInsiders, d.VSCodeInsiders)
		setBool(&display.WebTerminal, d.WebTerminal)
		setBool(&display.SSHHelper, d.SSHHelper)
		setBool(&display.PortForwardingHelper, d.PortForwardingHelper)
	}
	pa.DisplayApps = &display

	for i, s := range a.Scripts {
		script, err := r.render(fmt.Sprintf("%s.scripts[%d].script", where, i), s.Script)
		if err != nil {
			return pa, err
		}
		pa.Scripts = append(pa.Scripts, provisioner.AgentScript{
			DisplayName:      s.DisplayName,
			Icon:             s.Icon,
			Script:           script,
			Cron:             s.Cron,
			StartBlocksLogin: s.StartBlocksLogin,
			RunOnStart:       s.RunOnStart,
			RunOnStop:        s.RunOnStop,
			TimeoutSeconds:   s.TimeoutSeconds,
			LogPath:          s.LogPath,
		})
	}
	for _, m := range a.Metadata {
		pa.Metadata = append(pa.Metadata, provisioner.AgentMetadata{
			Key: m.Key, DisplayName: m.DisplayName, Script: m.Script,
			Interval: m.Interval, Timeout: m.Timeout, Order: m.Order,
		})
	}
	for i, app := range a.Apps {
		appWhere := fmt.Sprintf("%s.apps[%d]", where, i)
		url, err := r.render(appWhere+".url", app.URL)
		if err != nil {
			return pa, err
		}
		command, err := r.render(appWhere+".command", app.Command)
		if err != nil {
			return pa, err
		}
		pApp := provisioner.App{
			Slug:         app.Slug,
			DisplayName:  app.DisplayName,
			Command:      command,
			URL:          url,
			Icon:         app.Icon,
			Subdomain:    app.Subdomain,
			External:     app.External,
			Hidden:       app.Hidden,
			SharingLevel: orDefault(app.SharingLevel, provisioner.AppSharingLevelOwner),
			Order:        app.Order,
			OpenIn:       orDefault(app.OpenIn, provisioner.AppOpenInSlimWindow),
			Group:        app.Group,
		}
		if hc := app.Healthcheck; hc != nil {
			pApp.Healthcheck = &provisioner.Healthcheck{URL: hc.URL, Interval: hc.Interval, Threshold: hc.Threshold}
		}
		pa.Apps = append(pa.Apps, pApp)
	}
	return pa, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

func setBool(dst *bool, v *bool) {
	if v != nil {
		*dst = *v
	}
}
