package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/coder/serpent"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/cli/cliui"
	"github.com/devplane/devplane/codersdk"
)

// workspaceCommands are the everyday commands on workspaces, at the top
// level as in Coder.
func (r *RootCmd) workspaceCommands() []*serpent.Command {
	return []*serpent.Command{
		r.create(),
		r.list(),
		r.show(),
		r.start(),
		r.stop(),
		r.restart(),
		r.update(),
		r.deleteWorkspace(),
		r.rename(),
		r.favorite(),
		r.unfavorite(),
		r.schedules(),
		r.open(),
		r.logs(),
		r.portForward(),
	}
}

// adminCommands manage users, tokens, organizations and groups.
func (r *RootCmd) adminCommands() []*serpent.Command {
	return []*serpent.Command{
		r.users(),
		r.tokens(),
		r.organizations(),
		r.groups(),
	}
}

func yesFlag(inv *serpent.Invocation) bool {
	f := inv.ParsedFlags().Lookup("yes")
	return f != nil && f.Value.String() == "true"
}

func (r *RootCmd) show() *serpent.Command {
	return &serpent.Command{
		Use:        "show <workspace>",
		Short:      "Display details of a workspace's resources and agents",
		Long:       formatExamples(example{Command: "coder show my-workspace"}),
		Middleware: serpent.RequireNArgs(1),
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, ws, err := r.clientAndWorkspace(inv)
			if err != nil {
				return err
			}
			b := ws.LatestBuild
			w := inv.Stdout
			_, _ = fmt.Fprintf(w, "%s  %s\n", cliui.Bold(ctx, ws.OwnerName+"/"+ws.Name), workspaceDisplayStatus(b))
			outdated := ""
			if ws.Outdated {
				outdated = ", outdated"
			}
			_, _ = fmt.Fprintf(w, "  Template:  %s (version %s%s)\n", ws.TemplateName, b.TemplateVersionName, outdated)
			_, _ = fmt.Fprintf(w, "  Last build: #%d %s by %s, %s ago\n", b.BuildNumber, b.Transition, b.InitiatorUsername, durationDisplay(time.Since(b.Job.CreatedAt)))
			if b.Job.Error != "" {
				_, _ = fmt.Fprintf(w, "  Error:     %s\n", cliui.Error(ctx, b.Job.Error))
			}
			sched := scheduleRowFrom(time.Now(), ws)
			if sched.StartsAt != "" {
				_, _ = fmt.Fprintf(w, "  Starts at: %s (next %s)\n", sched.StartsAt, sched.StartsNext)
			}
			if sched.StopsAfter != "" {
				_, _ = fmt.Fprintf(w, "  Stops after: %s\n", sched.StopsAfter)
			}
			resources := b.Resources
			if len(resources) == 0 {
				_, _ = fmt.Fprintln(w, "\nNo resources.")
				return nil
			}
			_, _ = fmt.Fprintln(w)
			for _, res := range resources {
				if res.Hide {
					continue
				}
				line := cliui.Bold(ctx, res.Type+"."+res.Name)
				if meta := resourceMetadata(res); meta != "" {
					line += " " + cliui.Faint(ctx, meta)
				}
				_, _ = fmt.Fprintln(w, line)
				for _, agent := range res.Agents {
					_, _ = fmt.Fprintf(w, "  └ agent %s  %s  %s/%s\n", agent.Name, agent.Status, agent.OperatingSystem, agent.Architecture)
					for _, app := range agent.Apps {
						if app.Hidden {
							continue
						}
						_, _ = fmt.Fprintf(w, "      app %s  %s\n", app.Slug, cliui.Code(ctx, appURL(client, ws, agent, app)))
					}
				}
			}
			return nil
		},
	}
}

func resourceMetadata(res codersdk.WorkspaceResource) string {
	parts := make([]string, 0, len(res.Metadata))
	for _, m := range res.Metadata {
		v := m.Value
		if m.Sensitive {
			v = "********"
		}
		parts = append(parts, m.Key+"="+v)
	}
	return strings.Join(parts, " ")
}

func (r *RootCmd) start() *serpent.Command {
	var (
		noWait bool
		params parameterFlags
	)
	return &serpent.Command{
		Use:        "start <workspace>",
		Short:      "Start a workspace",
		Long:       formatExamples(example{Command: "coder start my-workspace"}),
		Middleware: serpent.RequireNArgs(1),
		Options: append(serpent.OptionSet{
			{
				Flag:        "no-wait",
				Description: "Return immediately after starting the workspace.",
				Value:       serpent.BoolOf(&noWait),
			},
			cliui.SkipPromptOption(),
		}, params.options(false)...),
		Handler: func(inv *serpent.Invocation) error {
			return r.runWorkspaceBuilds(inv, workspaceBuilds{done: "started", queued: "starting", noWait: noWait,
				plan: func(client *codersdk.Client, ws codersdk.Workspace) ([]codersdk.CreateWorkspaceBuildRequest, error) {
					if ws.LatestBuild.Transition == codersdk.WorkspaceTransitionStart && ws.LatestBuild.Job.Status == codersdk.ProvisionerJobSucceeded {
						_, _ = fmt.Fprintf(inv.Stdout, "Workspace %s is already running.\n", cliui.Bold(inv.Context(), ws.Name))
						return nil, nil
					}
					req, err := startBuildRequest(inv, client, ws, &params, false)
					if err != nil {
						return nil, err
					}
					return []codersdk.CreateWorkspaceBuildRequest{req}, nil
				},
			})
		},
	}
}

// workspaceBuilds is what start, stop, restart and update differ in.
type workspaceBuilds struct {
	// plan decides, after any prompts, the builds to run in order; none
	// means there is nothing to do (plan said why).
	plan func(client *codersdk.Client, ws codersdk.Workspace) ([]codersdk.CreateWorkspaceBuildRequest, error)
	// done ends the message "The NAME workspace has been <done> at TIME!".
	done string
	// noWait queues the builds without following them and says "The NAME
	// workspace is <queued>." instead.
	noWait bool
	queued string
}

// runWorkspaceBuilds resolves the workspace the command names, runs the
// builds b plans while streaming their logs, and says how it ended.
func (r *RootCmd) runWorkspaceBuilds(inv *serpent.Invocation, b workspaceBuilds) error {
	ctx := inv.Context()
	client, ws, err := r.clientAndWorkspace(inv)
	if err != nil {
		return err
	}
	reqs, err := b.plan(client, ws)
	if err != nil || len(reqs) == 0 {
		return err
	}
	for _, req := range reqs {
		if _, err := buildAndWait(inv, client, ws, req, b.noWait); err != nil {
			return err
		}
	}
	if b.noWait {
		_, _ = fmt.Fprintf(inv.Stdout, "The %s workspace is %s.\n", cliui.Bold(ctx, ws.Name), b.queued)
		return nil
	}
	_, _ = fmt.Fprintf(inv.Stdout, "\nThe %s workspace has been %s at %s!\n", cliui.Bold(ctx, ws.Name), b.done, timestamp(time.Now()))
	return nil
}

// startBuildRequest prepares a start: the template's active version when
// updating (or when the template requires it), and the parameter values
// the user gave or must give for parameters the workspace has no value of.
func startBuildRequest(inv *serpent.Invocation, client *codersdk.Client, ws codersdk.Workspace, params *parameterFlags, update bool) (codersdk.CreateWorkspaceBuildRequest, error) {
	ctx := inv.Context()
	versionID := ws.LatestBuild.TemplateVersionID
	if update || ws.TemplateRequireActiveVersion || ws.AutomaticUpdates == codersdk.AutomaticUpdatesAlways {
		versionID = ws.TemplateActiveVersionID
	}
	req := codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionStart}
	if versionID != ws.LatestBuild.TemplateVersionID {
		req.TemplateVersionID = versionID
	}
	given, err := params.given()
	if err != nil {
		return req, err
	}
	defaults, err := params.parameterDefaults()
	if err != nil {
		return req, err
	}
	previous, err := buildParameterMap(inv, client, ws.LatestBuild.ID)
	if err != nil {
		return req, err
	}
	richParams, err := client.TemplateVersionRichParameters(ctx, versionID)
	if err != nil {
		return req, xerrors.Errorf("get template parameters: %w", err)
	}
	resolver := &parameterResolver{
		Given:        given,
		Defaults:     defaults,
		Previous:     previous,
		Prompt:       cliui.IsTerminal(inv.Stdin),
		Yes:          yesFlag(inv),
		AlwaysPrompt: params.alwaysPrompt,
	}
	req.RichParameterValues, err = resolver.Resolve(inv, richParams)
	return req, err
}

func (r *RootCmd) stop() *serpent.Command {
	return &serpent.Command{
		Use:        "stop <workspace>",
		Short:      "Stop a workspace",
		Long:       formatExamples(example{Command: "coder stop my-workspace --yes"}),
		Middleware: serpent.RequireNArgs(1),
		Options:    serpent.OptionSet{cliui.SkipPromptOption()},
		Handler: func(inv *serpent.Invocation) error {
			return r.runWorkspaceBuilds(inv, workspaceBuilds{done: "stopped",
				plan: func(*codersdk.Client, codersdk.Workspace) ([]codersdk.CreateWorkspaceBuildRequest, error) {
					if _, err := cliui.Prompt(inv, cliui.PromptOptions{Text: "Confirm stop workspace?", IsConfirm: true}); err != nil {
						return nil, err
					}
					return []codersdk.CreateWorkspaceBuildRequest{{Transition: codersdk.WorkspaceTransitionStop}}, nil
				},
			})
		},
	}
}

func (r *RootCmd) restart() *serpent.Command {
	var params parameterFlags
	return &serpent.Command{
		Use:        "restart <workspace>",
		Short:      "Restart a workspace",
		Long:       formatExamples(example{Command: "coder restart my-workspace --yes"}),
		Middleware: serpent.RequireNArgs(1),
		Options:    append(serpent.OptionSet{cliui.SkipPromptOption()}, params.options(false)...),
		Handler: func(inv *serpent.Invocation) error {
			return r.runWorkspaceBuilds(inv, workspaceBuilds{done: "restarted",
				plan: func(client *codersdk.Client, ws codersdk.Workspace) ([]codersdk.CreateWorkspaceBuildRequest, error) {
					// Ask for parameters before stopping anything.
					startReq, err := startBuildRequest(inv, client, ws, &params, false)
					if err != nil {
						return nil, err
					}
					if _, err := cliui.Prompt(inv, cliui.PromptOptions{Text: "Restart workspace?", IsConfirm: true}); err != nil {
						return nil, err
					}
					return []codersdk.CreateWorkspaceBuildRequest{{Transition: codersdk.WorkspaceTransitionStop}, startReq}, nil
				},
			})
		},
	}
}

func (r *RootCmd) update() *serpent.Command {
	var params parameterFlags
	return &serpent.Command{
		Use:   "update <workspace>",
		Short: "Will update and start a given workspace if it is out of date",
		Long: "Use --always-prompt to change the parameter values of the workspace.\n\n" +
			formatExamples(example{Command: "coder update my-workspace"}),
		Middleware: serpent.RequireNArgs(1),
		Options:    params.options(false),
		Handler: func(inv *serpent.Invocation) error {
			return r.runWorkspaceBuilds(inv, workspaceBuilds{done: "updated",
				plan: func(client *codersdk.Client, ws codersdk.Workspace) ([]codersdk.CreateWorkspaceBuildRequest, error) {
					if !ws.Outdated && !params.alwaysPrompt && len(params.parameters) == 0 && params.file == "" {
						_, _ = fmt.Fprintln(inv.Stdout, "Workspace isn't outdated!")
						return nil, nil
					}
					req, err := startBuildRequest(inv, client, ws, &params, true)
					if err != nil {
						return nil, err
					}
					return []codersdk.CreateWorkspaceBuildRequest{req}, nil
				},
			})
		},
	}
}

func (r *RootCmd) deleteWorkspace() *serpent.Command {
	var orphan bool
	return &serpent.Command{
		Use:     "delete <workspace>",
		Aliases: []string{"rm"},
		Short:   "Delete a workspace",
		Long: formatExamples(
			example{Command: "coder delete my-workspace --yes"},
			example{Description: "Delete a workspace for another user (if you have permission)", Command: "coder delete <username>/<workspace_name>"},
		),
		Middleware: serpent.RequireNArgs(1),
		Options: serpent.OptionSet{
			{
				Flag:        "orphan",
				Description: "Delete a workspace without deleting its resources. This can delete a workspace in a broken state, but may also lead to unaccounted cloud resources.",
				Value:       serpent.BoolOf(&orphan),
			},
			cliui.SkipPromptOption(),
		},
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, ws, err := r.clientAndWorkspace(inv)
			if err != nil {
				return err
			}
			if _, err := cliui.Prompt(inv, cliui.PromptOptions{Text: "Confirm delete workspace?", IsConfirm: true}); err != nil {
				return err
			}
			req := codersdk.CreateWorkspaceBuildRequest{Transition: codersdk.WorkspaceTransitionDelete, Orphan: orphan}
			if build, err := buildAndWait(inv, client, ws, req, false); err != nil {
				if build.Job.Status == codersdk.ProvisionerJobFailed && !orphan {
					return xerrors.Errorf("%w\nTo delete the workspace without destroying its resources (they are left to you), run: coder delete %s --orphan", err, inv.Args[0])
				}
				return err
			}
			_, _ = fmt.Fprintf(inv.Stdout, "\nThe %s workspace was deleted at %s!\n", cliui.Bold(ctx, ws.Name), timestamp(time.Now()))
			return nil
		},
	}
}

func (r *RootCmd) rename() *serpent.Command {
	return &serpent.Command{
		Use:        "rename <workspace> <new name>",
		Short:      "Rename a workspace",
		Long:       formatExamples(example{Command: "coder rename my-workspace my-dev --yes"}),
		Middleware: serpent.RequireNArgs(2),
		Options:    serpent.OptionSet{cliui.SkipPromptOption()},
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, ws, err := r.clientAndWorkspace(inv)
			if err != nil {
				return err
			}
			newName := inv.Args[1]
			if err := validateWorkspaceName(newName); err != nil {
				return err
			}
			_, _ = fmt.Fprintln(inv.Stderr, cliui.Warn(ctx,
				"WARNING: A rename can result in data loss if a resource references the workspace name in the template (e.g volumes). Please backup any data before proceeding."))
			if !yesFlag(inv) {
				if _, err := cliui.Prompt(inv, cliui.PromptOptions{
					Text: fmt.Sprintf("Type %q to confirm rename:", ws.Name),
					Validate: func(s string) error {
						if s != ws.Name {
							return xerrors.New("Input does not match.")
						}
						return nil
					},
				}); err != nil {
					return err
				}
			}
			if err := client.UpdateWorkspace(ctx, ws.ID, codersdk.UpdateWorkspaceRequest{Name: newName}); err != nil {
				return xerrors.Errorf("rename workspace: %w", err)
			}
			_, _ = fmt.Fprintf(inv.Stdout, "Workspace %q renamed to %q\n", ws.Name, newName)
			return nil
		},
	}
}

func (r *RootCmd) favorite() *serpent.Command {
	return r.favoriteCmd(true, "favorite", []string{"fav", "favourite"}, "Add a workspace to your favorites")
}

func (r *RootCmd) unfavorite() *serpent.Command {
	return r.favoriteCmd(false, "unfavorite", []string{"unfav", "unfavourite"}, "Remove a workspace from your favorites")
}

func (r *RootCmd) favoriteCmd(on bool, use string, aliases []string, short string) *serpent.Command {
	return &serpent.Command{
		Use:        use + " <workspace>",
		Aliases:    aliases,
		Short:      short,
		Long:       formatExamples(example{Command: "coder " + use + " my-workspace"}),
		Middleware: serpent.RequireNArgs(1),
		Handler: func(inv *serpent.Invocation) error {
			client, ws, err := r.clientAndWorkspace(inv)
			if err != nil {
				return err
			}
			if err := client.FavoriteWorkspace(inv.Context(), ws.ID, on); err != nil {
				return xerrors.Errorf("%s workspace: %w", use, err)
			}
			if on {
				_, _ = fmt.Fprintf(inv.Stdout, "Workspace %q added to favorites.\n", ws.Name)
			} else {
				_, _ = fmt.Fprintf(inv.Stdout, "Workspace %q removed from favorites.\n", ws.Name)
			}
			return nil
		},
	}
}

// buildByNumber finds a build of ws: 0 is the latest, a negative number
// counts back from it, a positive one is the build number.
func buildByNumber(inv *serpent.Invocation, client *codersdk.Client, ws codersdk.Workspace, n int) (codersdk.WorkspaceBuild, error) {
	if n == 0 {
		return ws.LatestBuild, nil
	}
	if n < 0 {
		n = int(ws.LatestBuild.BuildNumber) + n
		if n < 1 {
			return codersdk.WorkspaceBuild{}, xerrors.Errorf("workspace %q has only %d builds", ws.Name, ws.LatestBuild.BuildNumber)
		}
	}
	b, err := client.WorkspaceBuildByUsernameAndWorkspaceNameAndBuildNumber(inv.Context(), ws.OwnerName, ws.Name, n)
	if err != nil {
		return b, xerrors.Errorf("get build #%d: %w", n, err)
	}
	return b, nil
}
