package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/coder/serpent"
	"golang.org/x/xerrors"
	"gopkg.in/yaml.v3"

	"github.com/devplane/devplane/cli/cliui"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/codersdk"
)

// parseRichParameterFile reads a YAML map of parameter values. Scalars are
// taken as written; a list becomes the JSON array list(string) parameters
// expect.
func parseRichParameterFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, xerrors.Errorf("read rich parameter file: %w", err)
	}
	var raw map[string]any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, xerrors.Errorf("rich parameter file %s: expected a YAML map of name: value: %w", path, err)
	}
	out := make(map[string]string, len(raw))
	for name, v := range raw {
		switch v := v.(type) {
		case []any:
			items := make([]string, 0, len(v))
			for _, item := range v {
				items = append(items, fmt.Sprint(item))
			}
			b, _ := json.Marshal(items)
			out[name] = string(b)
		case nil:
			out[name] = ""
		default:
			out[name] = fmt.Sprint(v)
		}
	}
	return out, nil
}

// mergeParameterSources layers the sources in increasing precedence.
func mergeParameterSources(sources ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, src := range sources {
		for k, v := range src {
			out[k] = v
		}
	}
	return out
}

// unknownParameters names given values the template version does not
// declare, so a typo fails before a build is queued.
func unknownParameters(params []codersdk.TemplateVersionParameter, given map[string]string) []string {
	known := make(map[string]bool, len(params))
	for _, p := range params {
		known[p.Name] = true
	}
	var unknown []string
	for name := range given {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	sort.Strings(unknown)
	return unknown
}

// toRichParameter converts the API's description of a parameter into the
// form the server's own validation uses, so the CLI rejects exactly what
// the server would.
func toRichParameter(p codersdk.TemplateVersionParameter) provisioner.RichParameter {
	opts := make([]provisioner.RichParameterOption, 0, len(p.Options))
	for _, o := range p.Options {
		opts = append(opts, provisioner.RichParameterOption{Name: o.Name, Description: o.Description, Value: o.Value, Icon: o.Icon})
	}
	return provisioner.RichParameter{
		Name:                p.Name,
		DisplayName:         p.DisplayName,
		Description:         p.Description,
		Type:                p.Type,
		FormType:            p.FormType,
		DefaultValue:        p.DefaultValue,
		Icon:                p.Icon,
		Mutable:             p.Mutable,
		Ephemeral:           p.Ephemeral,
		Required:            p.Required,
		Options:             opts,
		ValidationRegex:     p.ValidationRegex,
		ValidationError:     p.ValidationError,
		ValidationMin:       p.ValidationMin,
		ValidationMax:       p.ValidationMax,
		ValidationMonotonic: string(p.ValidationMonotonic),
	}
}

// validateParameterValue checks one value like the server will; previous
// is the workspace's earlier value, for monotonic numbers.
func validateParameterValue(p codersdk.TemplateVersionParameter, value string, previous *string) error {
	err := provisioner.ValidateParameterValue(toRichParameter(p), value, previous)
	var perr *provisioner.ParameterError
	if xerrors.As(err, &perr) {
		return xerrors.New(perr.Detail)
	}
	return err
}

// parameterLabel is how a prompt or an error names a parameter.
func parameterLabel(p codersdk.TemplateVersionParameter) string {
	if p.DisplayName != "" && p.DisplayName != p.Name {
		return fmt.Sprintf("%s (%s)", p.DisplayName, p.Name)
	}
	return p.Name
}

// parameterResolver decides the value of each of a version's parameters
// for one build: what the user gave, else (for an existing workspace) the
// previous value the server keeps, else a prompt on a terminal, else the
// default; a required parameter nobody answered is an error that names
// the flag to pass.
type parameterResolver struct {
	Given    map[string]string
	Defaults map[string]string // --parameter-default: overrides the template's
	Previous map[string]string // latest build's values; nil for a new workspace
	// Prompt is true when stdin is a terminal; Yes (--yes) then still
	// takes defaults without asking.
	Prompt       bool
	Yes          bool
	AlwaysPrompt bool
}

// Resolve returns the values to send. Parameters whose previous value
// stays are left out: the server carries them over.
func (r *parameterResolver) Resolve(inv *serpent.Invocation, params []codersdk.TemplateVersionParameter) ([]codersdk.WorkspaceBuildParameter, error) {
	if unknown := unknownParameters(params, r.Given); len(unknown) > 0 {
		names := make([]string, 0, len(params))
		for _, p := range params {
			names = append(names, p.Name)
		}
		return nil, xerrors.Errorf("unknown parameter(s) %s; this template version has: %s",
			strings.Join(unknown, ", "), strings.Join(names, ", "))
	}
	var out []codersdk.WorkspaceBuildParameter
	for _, p := range params {
		if def, ok := r.Defaults[p.Name]; ok {
			p.DefaultValue = def
		}
		var previous *string
		if v, ok := r.Previous[p.Name]; ok {
			previous = &v
		}
		if v, ok := r.Given[p.Name]; ok {
			if err := validateParameterValue(p, v, previous); err != nil {
				return nil, xerrors.Errorf("parameter %s: %w", parameterLabel(p), err)
			}
			out = append(out, codersdk.WorkspaceBuildParameter{Name: p.Name, Value: v})
			continue
		}
		if p.Ephemeral {
			continue // a build option: only what --build-option gives
		}
		if previous != nil && (!r.AlwaysPrompt || !r.Prompt) {
			continue // the server keeps the previous value
		}
		if previous != nil && !p.Mutable {
			continue // cannot change anyway
		}
		switch {
		case r.Prompt && !(r.Yes && !p.Required):
			v, err := promptParameter(inv, p, previous)
			if err != nil {
				return nil, err
			}
			out = append(out, codersdk.WorkspaceBuildParameter{Name: p.Name, Value: v})
		case p.Required && p.DefaultValue == "":
			return nil, xerrors.Errorf("parameter %s is required: pass --parameter %s=<value> (or run on a terminal to be asked)", parameterLabel(p), p.Name)
		default:
			if _, ok := r.Defaults[p.Name]; ok {
				out = append(out, codersdk.WorkspaceBuildParameter{Name: p.Name, Value: p.DefaultValue})
			}
			// Otherwise the server applies the template's default.
		}
	}
	return out, nil
}

// promptParameter asks for one value by the parameter's type: a choice
// for options and bools, a line for strings and numbers, comma-separated
// items for list(string); invalid answers are asked again.
func promptParameter(inv *serpent.Invocation, p codersdk.TemplateVersionParameter, previous *string) (string, error) {
	ctx := inv.Context()
	header := cliui.Bold(ctx, parameterLabel(p))
	if p.Required {
		header += " " + cliui.Warn(ctx, "(required)")
	}
	_, _ = fmt.Fprintln(inv.Stdout, header)
	if desc := strings.TrimSpace(p.DescriptionPlaintext); desc != "" {
		_, _ = fmt.Fprintln(inv.Stdout, "  "+cliui.Faint(ctx, desc))
	} else if desc := strings.TrimSpace(p.Description); desc != "" {
		_, _ = fmt.Fprintln(inv.Stdout, "  "+cliui.Faint(ctx, desc))
	}
	validate := func(v string) error { return validateParameterValue(p, v, previous) }
	def := p.DefaultValue
	if previous != nil {
		def = *previous
	}

	switch {
	case len(p.Options) > 0 && p.Type != "list(string)":
		labels := make([]string, len(p.Options))
		defLabel := ""
		for i, o := range p.Options {
			labels[i] = o.Name
			if o.Name != o.Value {
				labels[i] = fmt.Sprintf("%s (%s)", o.Name, o.Value)
			}
			if o.Value == def {
				defLabel = labels[i]
			}
		}
		picked, err := cliui.Select(inv, cliui.SelectOptions{Options: labels, Default: defLabel})
		if err != nil {
			return "", err
		}
		for i, l := range labels {
			if l == picked {
				return p.Options[i].Value, nil
			}
		}
		return "", xerrors.Errorf("no option %q", picked)
	case p.Type == "bool":
		return cliui.Select(inv, cliui.SelectOptions{Options: []string{"true", "false"}, Default: def})
	case p.Type == "list(string)":
		var items []string
		_ = json.Unmarshal([]byte(def), &items)
		hint := "Enter values separated by commas"
		if len(p.Options) > 0 {
			vals := make([]string, len(p.Options))
			for i, o := range p.Options {
				vals[i] = o.Value
			}
			hint += " (from: " + strings.Join(vals, ", ") + ")"
		}
		answer, err := cliui.Prompt(inv, cliui.PromptOptions{
			Text:     hint,
			Default:  strings.Join(items, ","),
			Validate: func(s string) error { return validate(listValue(s)) },
		})
		if err != nil {
			return "", err
		}
		return listValue(answer), nil
	default:
		text := "Enter a value"
		if p.Type == "number" {
			text = "Enter a number"
		}
		return cliui.Prompt(inv, cliui.PromptOptions{Text: text, Default: def, Validate: validate})
	}
}

// listValue turns "a, b" (or a JSON array as typed) into the JSON array
// list(string) parameters take.
func listValue(s string) string {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") {
		return s
	}
	items := []string{}
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	b, _ := json.Marshal(items)
	return string(b)
}

// parameterFlags are the options every building command shares.
type parameterFlags struct {
	parameters   []string
	defaults     []string
	file         string
	alwaysPrompt bool
	buildOptions []string
}

func (f *parameterFlags) options(withDefaults bool) serpent.OptionSet {
	opts := serpent.OptionSet{
		{
			Flag:        "parameter",
			Env:         "CODER_RICH_PARAMETER",
			Description: `Rich parameter value in the format "name=value".`,
			Value:       serpent.StringArrayOf(&f.parameters),
		},
		{
			Flag:        "rich-parameter-file",
			Env:         "CODER_RICH_PARAMETER_FILE",
			Description: "Specify a file path with values for rich parameters defined in the template. The file should be in YAML format, containing key-value pairs for the parameters.",
			Value:       serpent.StringOf(&f.file),
		},
		{
			Flag:        "parameter-default",
			Env:         "CODER_RICH_PARAMETER_DEFAULT",
			Description: `Rich parameter default values in the format "name=value".`,
			Value:       serpent.StringArrayOf(&f.defaults),
		},
	}
	if !withDefaults {
		opts = append(opts,
			serpent.Option{
				Flag:        "always-prompt",
				Description: "Always prompt all parameters. Does not pull parameter values from existing workspace.",
				Value:       serpent.BoolOf(&f.alwaysPrompt),
			},
			serpent.Option{
				Flag:        "build-option",
				Env:         "CODER_BUILD_OPTION",
				Description: `Build option value in the format "name=value".`,
				Value:       serpent.StringArrayOf(&f.buildOptions),
			},
		)
	}
	return opts
}

// given merges the file and the flags (flags win) with lower-precedence
// sources such as a preset or a copied workspace.
func (f *parameterFlags) given(lower ...map[string]string) (map[string]string, error) {
	sources := append([]map[string]string{}, lower...)
	if f.file != "" {
		fromFile, err := parseRichParameterFile(f.file)
		if err != nil {
			return nil, err
		}
		sources = append(sources, fromFile)
	}
	fromFlags, err := parseKeyValues("--parameter", f.parameters)
	if err != nil {
		return nil, err
	}
	buildOpts, err := parseKeyValues("--build-option", f.buildOptions)
	if err != nil {
		return nil, err
	}
	sources = append(sources, fromFlags, buildOpts)
	return mergeParameterSources(sources...), nil
}

func (f *parameterFlags) parameterDefaults() (map[string]string, error) {
	return parseKeyValues("--parameter-default", f.defaults)
}
