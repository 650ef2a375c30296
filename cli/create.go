package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/coder/serpent"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/cli/cliui"
	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/codersdk"
)

func (r *RootCmd) create() *serpent.Command {
	var (
		templateName       string
		templateVersion    string
		startAt            string
		stopAfter          time.Duration
		automaticUpdates   string
		copyParametersFrom string
		presetName         string
		orgName            string
		params             parameterFlags
	)
	cmd := &serpent.Command{
		Use:   "create [flags] [workspace]",
		Short: "Create a workspace",
		Long: formatExamples(
			example{Description: "Create a workspace from a template, with parameter values", Command: "coder create my-workspace --template docker --parameter region=eu --yes"},
			example{Description: "Create a workspace for another user (if you have permission)", Command: "coder create <username>/<workspace_name>"},
		),
		Middleware: serpent.RequireRangeArgs(0, 1),
		Options: append(serpent.OptionSet{
			{
				Flag:          "template",
				FlagShorthand: "t",
				Env:           "CODER_TEMPLATE_NAME",
				Description:   "Specify a template name.",
				Value:         serpent.StringOf(&templateName),
			},
			{
				Flag:        "template-version",
				Env:         "CODER_TEMPLATE_VERSION",
				Description: "Specify a template version name.",
				Value:       serpent.StringOf(&templateVersion),
			},
			{
				Flag:        "preset",
				Env:         "CODER_PRESET_NAME",
				Description: `Specify the name of a template version preset. Use "none" to explicitly indicate that no preset should be used.`,
				Value:       serpent.StringOf(&presetName),
			},
			{
				Flag:        "start-at",
				Env:         "CODER_WORKSPACE_START_AT",
				Description: "Specify the workspace autostart schedule. Check coder schedule start --help for the syntax.",
				Value:       serpent.StringOf(&startAt),
			},
			{
				Flag:        "stop-after",
				Env:         "CODER_WORKSPACE_STOP_AFTER",
				Description: "Specify a duration after which the workspace should shut down (e.g. 8h).",
				Value:       serpent.DurationOf(&stopAfter),
			},
			{
				Flag:        "automatic-updates",
				Env:         "CODER_WORKSPACE_AUTOMATIC_UPDATES",
				Description: "Specify automatic updates setting for the workspace (accepts 'always' or 'never').",
				Default:     string(codersdk.AutomaticUpdatesNever),
				Value:       serpent.EnumOf(&automaticUpdates, string(codersdk.AutomaticUpdatesAlways), string(codersdk.AutomaticUpdatesNever)),
			},
			{
				Flag:        "copy-parameters-from",
				Env:         "CODER_WORKSPACE_COPY_PARAMETERS_FROM",
				Description: "Specify the source workspace name to copy parameters from.",
				Value:       serpent.StringOf(&copyParametersFrom),
			},
			cliui.SkipPromptOption(),
			organizationOption(&orgName),
		}, params.options(true)...),
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			interactive := cliui.IsTerminal(inv.Stdin)

			identifier := ""
			if len(inv.Args) > 0 {
				identifier = inv.Args[0]
			}
			if identifier == "" {
				if !interactive {
					return xerrors.New("missing workspace name: coder create <name>")
				}
				identifier, err = cliui.Prompt(inv, cliui.PromptOptions{
					Text:     "Specify a name for your workspace:",
					Validate: validateWorkspaceName,
				})
				if err != nil {
					return err
				}
			}
			owner, name := splitWorkspaceName(identifier)
			if err := validateWorkspaceName(name); err != nil {
				return err
			}
			if _, err := client.WorkspaceByOwnerAndName(ctx, owner, name, false); err == nil {
				return xerrors.Errorf("A workspace with the name %q already exists.", name)
			} else if !isNotFound(err) {
				return xerrors.Errorf("check workspace name: %w", err)
			}

			org, err := r.selectOrganization(inv, client, orgName)
			if err != nil {
				return err
			}
			template, err := pickTemplate(inv, client, org, templateName, interactive)
			if err != nil {
				return err
			}
			versionID := template.ActiveVersionID
			if templateVersion != "" {
				v, err := client.TemplateVersionByName(ctx, template.ID, templateVersion)
				if err != nil {
					return xerrors.Errorf("template version %q of %q: %w", templateVersion, template.Name, err)
				}
				versionID = v.ID
			}

			var schedule *string
			if startAt != "" {
				s, err := parseStartSchedule(strings.Fields(startAt))
				if err != nil {
					return xerrors.Errorf("--start-at: %w", err)
				}
				schedule = &s
			}
			var ttlMillis *int64
			if stopAfter > 0 {
				ms := stopAfter.Milliseconds()
				ttlMillis = &ms
			}

			values, preset, err := createParameters(inv, client, versionID, presetName, copyParametersFrom, &params, interactive)
			if err != nil {
				return err
			}

			if _, err := cliui.Prompt(inv, cliui.PromptOptions{Text: "Confirm create?", IsConfirm: true}); err != nil {
				return err
			}

			req := codersdk.CreateWorkspaceRequest{
				TemplateVersionID:   versionID,
				Name:                name,
				AutostartSchedule:   schedule,
				TTLMillis:           ttlMillis,
				RichParameterValues: values,
				AutomaticUpdates:    codersdk.AutomaticUpdates(automaticUpdates),
			}
			if preset != nil {
				req.TemplateVersionPresetID = preset.ID
			}
			ws, err := client.CreateWorkspace(ctx, template.OrganizationID, owner, req)
			if err != nil {
				return xerrors.Errorf("create workspace: %w", err)
			}
			if _, err := awaitOwnBuild(inv, client, ws.LatestBuild); err != nil {
				return err
			}
			_, _ = fmt.Fprintf(inv.Stdout, "\nThe %s workspace has been created at %s!\n",
				cliui.Bold(ctx, ws.Name), timestamp(time.Now()))
			return nil
		},
	}
	return cmd
}

// validateWorkspaceName applies the server's name rule before anything
// is asked or built.
func validateWorkspaceName(name string) error {
	if problem := domain.NameValid(name); problem != "" {
		return xerrors.Errorf("invalid workspace name %q: %s", name, problem)
	}
	return nil
}

// pickTemplate finds --template in the organization, or on a terminal
// offers the organization's templates.
func pickTemplate(inv *serpent.Invocation, client *codersdk.Client, org codersdk.Organization, name string, interactive bool) (codersdk.Template, error) {
	ctx := inv.Context()
	if name != "" {
		t, err := client.TemplateByName(ctx, org.ID, name)
		if err != nil {
			if isNotFound(err) {
				return t, xerrors.Errorf("template %q not found in organization %q; see 'coder templates list'", name, org.Name)
			}
			return t, xerrors.Errorf("get template %q: %w", name, err)
		}
		return t, nil
	}
	if !interactive {
		return codersdk.Template{}, xerrors.New("missing template: pass --template <name> (see 'coder templates list')")
	}
	templates, err := client.TemplatesByOrganization(ctx, org.ID)
	if err != nil {
		return codersdk.Template{}, xerrors.Errorf("list templates: %w", err)
	}
	if len(templates) == 0 {
		return codersdk.Template{}, xerrors.Errorf("organization %q has no templates yet: create one with 'coder templates push'", org.Name)
	}
	names := make([]string, len(templates))
	for i, t := range templates {
		names[i] = t.Name
	}
	picked, err := cliui.Select(inv, cliui.SelectOptions{Message: "Select a template:", Options: names})
	if err != nil {
		return codersdk.Template{}, err
	}
	for _, t := range templates {
		if t.Name == picked {
			return t, nil
		}
	}
	return codersdk.Template{}, xerrors.Errorf("template %q not found", picked)
}

// pickPreset resolves --preset: a named preset, "none", or when not given
// the version's default preset (if it has one).
func pickPreset(inv *serpent.Invocation, client *codersdk.Client, versionID uuid.UUID, name string) (*codersdk.Preset, error) {
	if name == "none" {
		return nil, nil
	}
	presets, err := client.TemplateVersionPresets(inv.Context(), versionID)
	if err != nil {
		return nil, xerrors.Errorf("get presets: %w", err)
	}
	names := make([]string, 0, len(presets))
	for i, p := range presets {
		names = append(names, p.Name)
		if (name != "" && p.Name == name) || (name == "" && p.Default) {
			return &presets[i], nil
		}
	}
	if name == "" {
		return nil, nil
	}
	if len(names) == 0 {
		return nil, xerrors.Errorf("preset %q not found: this template version has no presets", name)
	}
	return nil, xerrors.Errorf("preset %q not found; this template version has: %s", name, strings.Join(names, ", "))
}

// createParameters decides the new workspace's parameter values and
// preset: the preset's values (see pickPreset), --copy-parameters-from,
// the file and --parameter flags, then prompts or defaults for the rest.
func createParameters(inv *serpent.Invocation, client *codersdk.Client, versionID uuid.UUID, presetName, copyFrom string, params *parameterFlags, interactive bool) ([]codersdk.WorkspaceBuildParameter, *codersdk.Preset, error) {
	ctx := inv.Context()
	preset, err := pickPreset(inv, client, versionID, presetName)
	if err != nil {
		return nil, nil, err
	}
	var copied map[string]string
	if copyFrom != "" {
		src, err := namedWorkspace(ctx, client, copyFrom)
		if err != nil {
			return nil, nil, err
		}
		copied, err = buildParameterMap(inv, client, src.LatestBuild.ID)
		if err != nil {
			return nil, nil, err
		}
	}
	given, err := params.given(copied)
	if err != nil {
		return nil, nil, err
	}
	if preset != nil {
		// The server applies a preset's values over any others. A named
		// preset that contradicts a given value is an error; the
		// version's default preset, which nobody asked for, steps aside.
		if name, value, clash := presetConflict(*preset, given, copied); clash {
			if presetName != "" {
				return nil, nil, xerrors.Errorf("parameter %s is set to %q by preset %q; pass --preset none to choose it yourself", name, value, preset.Name)
			}
			cliui.Infof(inv.Stderr, "Default preset %q not applied: it sets %s=%s.", preset.Name, name, value)
			preset = nil
		}
	}
	if preset != nil {
		for _, p := range preset.Parameters {
			given[p.Name] = p.Value
		}
		cliui.Infof(inv.Stderr, "Preset %q applied.", preset.Name)
	}
	defaults, err := params.parameterDefaults()
	if err != nil {
		return nil, nil, err
	}
	richParams, err := client.TemplateVersionRichParameters(ctx, versionID)
	if err != nil {
		return nil, nil, xerrors.Errorf("get template parameters: %w", err)
	}
	resolver := &parameterResolver{Given: given, Defaults: defaults, Prompt: interactive, Yes: yesFlag(inv)}
	values, err := resolver.Resolve(inv, richParams)
	return values, preset, err
}

// presetConflict finds a value the user gave (not merely copied from
// another workspace) that the preset sets differently.
func presetConflict(preset codersdk.Preset, given, copied map[string]string) (name, value string, clash bool) {
	for _, p := range preset.Parameters {
		if v, ok := given[p.Name]; ok && v != p.Value && copied[p.Name] != v {
			return p.Name, p.Value, true
		}
	}
	return "", "", false
}

// buildParameterMap returns a build's parameter values by name.
func buildParameterMap(inv *serpent.Invocation, client *codersdk.Client, buildID uuid.UUID) (map[string]string, error) {
	values, err := client.WorkspaceBuildParameters(inv.Context(), buildID)
	if err != nil {
		return nil, xerrors.Errorf("get build parameters: %w", err)
	}
	out := make(map[string]string, len(values))
	for _, v := range values {
		out[v.Name] = v.Value
	}
	return out, nil
}
