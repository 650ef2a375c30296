package cli

import (
	"fmt"
	"net/url"
	"runtime"
	"sort"
	"strings"

	"github.com/coder/serpent"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/cli/cliui"
	"github.com/devplane/devplane/codersdk"
)

func (r *RootCmd) open() *serpent.Command {
	return &serpent.Command{
		Use:   "open",
		Short: "Open a workspace",
		Long:  formatExamples(example{Command: "coder open app my-workspace code-server"}),
		Handler: func(inv *serpent.Invocation) error {
			return inv.Command.HelpHandler(inv)
		},
		Children: []*serpent.Command{r.openApp()},
	}
}

func (r *RootCmd) openApp() *serpent.Command {
	return &serpent.Command{
		Use:   "app <workspace> <app slug>",
		Short: "Open a workspace application.",
		Long: "Opens the app in a browser; without a browser (or not on a terminal) it prints the app's URL.\n\n" +
			formatExamples(example{Command: "coder open app my-workspace code-server"}),
		Middleware: serpent.RequireNArgs(2),
		Handler: func(inv *serpent.Invocation) error {
			client, ws, err := r.clientAndWorkspace(inv)
			if err != nil {
				return err
			}
			slug := inv.Args[1]
			var slugs []string
			for _, res := range ws.LatestBuild.Resources {
				for _, agent := range res.Agents {
					for _, app := range agent.Apps {
						if app.Slug == slug {
							link := appURL(client, ws, agent, app)
							if !canOpenBrowser(inv) || openBrowser(link) != nil {
								_, _ = fmt.Fprintln(inv.Stdout, link)
								return nil
							}
							cliui.Infof(inv.Stderr, "Opening %s", link)
							return nil
						}
						slugs = append(slugs, app.Slug)
					}
				}
			}
			if ws.LatestBuild.Transition != codersdk.WorkspaceTransitionStart {
				return xerrors.Errorf("workspace %q is not running: start it with 'coder start %s'", ws.Name, inv.Args[0])
			}
			if len(slugs) == 0 {
				return xerrors.Errorf("workspace %q has no apps", ws.Name)
			}
			sort.Strings(slugs)
			return xerrors.Errorf("app %q not found in workspace %q; available apps: %s", slug, ws.Name, strings.Join(slugs, ", "))
		},
	}
}

// appURL is where a user reaches an app: an external app's own URL, a
// command app in the web terminal, otherwise the path-based app proxy.
func appURL(client *codersdk.Client, ws codersdk.Workspace, agent codersdk.WorkspaceAgent, app codersdk.WorkspaceApp) string {
	if app.External {
		return app.URL
	}
	base := strings.TrimSuffix(client.URL.String(), "/")
	prefix := fmt.Sprintf("%s/@%s/%s.%s", base, url.PathEscape(ws.OwnerName), url.PathEscape(ws.Name), url.PathEscape(agent.Name))
	if app.Command != "" && app.URL == "" {
		return prefix + "/terminal?command=" + url.QueryEscape(app.Command)
	}
	return prefix + "/apps/" + url.PathEscape(app.Slug) + "/"
}

// canOpenBrowser: only on a terminal, and on Linux only with a desktop
// session; otherwise the URL is printed.
func canOpenBrowser(inv *serpent.Invocation) bool {
	if !cliui.IsTerminal(inv.Stdout) {
		return false
	}
	if runtime.GOOS == "linux" {
		return inv.Environ.Get("DISPLAY") != "" || inv.Environ.Get("WAYLAND_DISPLAY") != ""
	}
	return true
}
