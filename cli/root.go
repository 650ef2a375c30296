// Package cli is the `coder` command line: the server and the client
// commands. Commands are serpent commands so that every option has a flag, an
// environment variable and (for the server) a YAML key from one declaration.
//
// Client commands are methods on *RootCmd: it holds the global options
// (--url, --token, --global-config, ...) and hands out an authenticated
// *codersdk.Client through Client.
package cli

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/coder/serpent"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/cli/cliui"
	"github.com/devplane/devplane/cli/config"
	"github.com/devplane/devplane/codersdk"
)

// Environment variables of the global options, Coder's names.
const (
	envURL          = "CODER_URL"
	envSessionToken = "CODER_SESSION_TOKEN"
	envConfigDir    = "CODER_CONFIG_DIR"
	envOrganization = "CODER_ORGANIZATION"
)

// RootCmd holds the global options every client command shares.
type RootCmd struct {
	clientURL    serpent.URL
	token        string
	globalConfig string
	noColor      bool
	verbose      bool
	version      bool
}

// Root returns the `coder` command with all subcommands.
func Root() *serpent.Command {
	r := &RootCmd{}
	return r.Command(r.coreSubcommands())
}

// coreSubcommands are the commands of this binary. Each helper adds its
// group in one line here.
func (r *RootCmd) coreSubcommands() []*serpent.Command {
	cmds := []*serpent.Command{
		serverCmd(),
		agentCmd(),
		r.versionCmd(),
		r.login(),
		r.logout(),
		r.whoami(),
		r.templates(),
	}
	cmds = append(cmds, r.workspaceCommands()...)
	cmds = append(cmds, r.adminCommands()...)
	return cmds
}

// Command builds the root command around subcommands.
func (r *RootCmd) Command(subcommands []*serpent.Command) *serpent.Command {
	cmd := &serpent.Command{
		Use:   "coder [global-flags] <subcommand>",
		Short: "A self-hosted control plane for developer workspaces, compatible with the Coder v2 API.",
		Long: "Run `coder server` to start the API server, then `coder login <url>` to use it from here.\n\n" +
			formatExamples(
				example{Description: "Sign in to a deployment", Command: "coder login https://coder.example.com"},
				example{Description: "Start a workspace from a template", Command: "coder create my-workspace --template docker"},
			),
		Options: r.globalOptions(),
		Handler: func(inv *serpent.Invocation) error {
			if r.version {
				return r.printVersion(inv)
			}
			return helpOrUnknown(inv)
		},
	}
	cmd.AddSubcommands(subcommands...)
	// Every command decides once, up front, whether its output may be
	// coloured, so that cliui never has to look at flags or the environment.
	cmd.Walk(func(c *serpent.Command) {
		if c.Handler == nil {
			return
		}
		next := c.Handler
		c.Handler = func(inv *serpent.Invocation) error {
			return next(inv.WithContext(cliui.WithColor(inv.Context(), r.colorEnabled(inv))))
		}
	})
	return cmd
}

func (r *RootCmd) globalOptions() serpent.OptionSet {
	return serpent.OptionSet{
		{
			Flag:        "url",
			Env:         envURL,
			Description: "URL to a deployment.",
			Value:       &r.clientURL,
		},
		{
			Flag:        "token",
			Env:         envSessionToken,
			Description: "Specify an authentication token. For security reasons setting CODER_SESSION_TOKEN is preferred.",
			Value:       serpent.StringOf(&r.token),
		},
		{
			Flag:        "global-config",
			Env:         envConfigDir,
			Description: "Path to the global `coder` config directory.",
			DefaultFn:   config.DefaultDir,
			Value:       serpent.StringOf(&r.globalConfig),
		},
		{
			Flag:          "verbose",
			FlagShorthand: "v",
			Env:           "CODER_VERBOSE",
			Description:   "Enable verbose output: every API request is logged to stderr.",
			Value:         serpent.BoolOf(&r.verbose),
		},
		{
			Flag:        "no-color",
			Description: "Disable colours in the output. Setting NO_COLOR to any value does the same.",
			Value:       serpent.BoolOf(&r.noColor),
		},
		{
			Flag:        "version",
			Description: "Print the version and exit.",
			Value:       serpent.BoolOf(&r.version),
		},
	}
}

// helpOrUnknown is the handler of a command group: help when called alone,
// an error (exit 1) for a mistyped subcommand.
func helpOrUnknown(inv *serpent.Invocation) error {
	if len(inv.Args) > 0 {
		return xerrors.Errorf("unknown subcommand %q; run '%s --help' for the list", inv.Args[0], inv.Command.FullName())
	}
	return serpent.DefaultHelpFn()(inv)
}

// colorEnabled: colours only on a terminal, and never when NO_COLOR is set
// (https://no-color.org) or --no-color is given.
func (r *RootCmd) colorEnabled(inv *serpent.Invocation) bool {
	if r.noColor {
		return false
	}
	if _, set := inv.Environ.Lookup("NO_COLOR"); set {
		return false
	}
	return cliui.IsTerminal(inv.Stdout)
}

// Config is the global config directory.
func (r *RootCmd) Config() config.Root { return config.Root(r.globalConfig) }

var errNotLoggedIn = xerrors.New("You are not logged in. Try logging in using 'coder login <url>'.")

// Client returns a client for the deployment the user is signed in to: the
// URL and token from --url/--token (or CODER_URL/CODER_SESSION_TOKEN), else
// from the config directory that `coder login` wrote.
func (r *RootCmd) Client(inv *serpent.Invocation) (*codersdk.Client, error) {
	serverURL := r.clientURL.Value()
	if serverURL == nil || serverURL.String() == "" {
		raw, err := r.Config().URL().Read()
		if err != nil || raw == "" {
			return nil, errNotLoggedIn
		}
		serverURL, err = url.Parse(raw)
		if err != nil {
			return nil, xerrors.Errorf("the stored URL %q is not valid (log in again): %w", raw, err)
		}
	}
	token := r.token
	if token == "" {
		stored, err := r.Config().Session().Read()
		if err != nil || stored == "" {
			return nil, errNotLoggedIn
		}
		token = stored
	}
	client := r.newClient(inv, serverURL)
	client.SetSessionToken(token)
	return client, nil
}

// newClient is an unauthenticated client that honours --verbose.
func (r *RootCmd) newClient(inv *serpent.Invocation, serverURL *url.URL) *codersdk.Client {
	client := codersdk.New(serverURL)
	if r.verbose {
		client.HTTPClient.Transport = &loggingTransport{inv: inv, next: http.DefaultTransport}
	}
	return client
}

// loggingTransport prints each request and its outcome for --verbose.
type loggingTransport struct {
	inv  *serpent.Invocation
	next http.RoundTripper
}

func (t *loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	start := time.Now()
	res, err := t.next.RoundTrip(req)
	if err != nil {
		_, _ = fmt.Fprintf(t.inv.Stderr, "%s %s: %v\n", req.Method, req.URL.Redacted(), err)
		return nil, err
	}
	_, _ = fmt.Fprintf(t.inv.Stderr, "%s %s: %d (%s)\n", req.Method, req.URL.Redacted(), res.StatusCode, time.Since(start).Round(time.Millisecond))
	return res, nil
}

// organizationOption is -O/--org, the organization a command works in.
func organizationOption(org *string) serpent.Option {
	return serpent.Option{
		Name:          "organization",
		Flag:          "org",
		FlagShorthand: "O",
		Env:           envOrganization,
		Description:   "Select which organization (uuid or name) to use.",
		Value:         serpent.StringOf(org),
	}
}

// selectOrganization resolves --org: by name or id among the user's
// organizations; when not given, the user's only organization, else the
// stored default, else the deployment's default organization.
func (r *RootCmd) selectOrganization(inv *serpent.Invocation, client *codersdk.Client, want string) (codersdk.Organization, error) {
	ctx := inv.Context()
	orgs, err := client.OrganizationsByUser(ctx, codersdk.Me)
	if err != nil {
		return codersdk.Organization{}, xerrors.Errorf("list your organizations: %w", err)
	}
	if want == "" {
		if stored, err := r.Config().Organization().Read(); err == nil {
			want = stored
		}
	}
	if want != "" {
		for _, o := range orgs {
			if o.Name == want || o.ID.String() == want {
				return o, nil
			}
		}
		return codersdk.Organization{}, xerrors.Errorf("organization %q not found among yours; pick one of: %s", want, orgNames(orgs))
	}
	if len(orgs) == 1 {
		return orgs[0], nil
	}
	for _, o := range orgs {
		if o.IsDefault {
			return o, nil
		}
	}
	if len(orgs) == 0 {
		return codersdk.Organization{}, xerrors.New("you are not a member of any organization")
	}
	return codersdk.Organization{}, xerrors.Errorf("you are in several organizations; pick one with --org: %s", orgNames(orgs))
}

func orgNames(orgs []codersdk.Organization) string {
	names := make([]string, 0, len(orgs))
	for _, o := range orgs {
		names = append(names, o.Name)
	}
	return strings.Join(names, ", ")
}

// example is one entry of a command's help.
type example struct {
	Description string
	Command     string
}

// formatExamples renders examples for a command's Long help.
func formatExamples(examples ...example) string {
	var b strings.Builder
	for i, e := range examples {
		if i > 0 {
			b.WriteString("\n\n")
		}
		if e.Description != "" {
			b.WriteString("  - " + e.Description + ":\n\n")
		}
		b.WriteString("     $ " + e.Command)
	}
	return b.String()
}

// PrettyError is how main prints a failed command: the server's message,
// detail and field errors without the request line that codersdk.Error
// starts with, and a hint when the session is gone.
func PrettyError(err error) string {
	var runErr *serpent.RunCommandError
	for errors.As(err, &runErr) {
		err = runErr.Err
	}
	var apiErr *codersdk.Error
	if !errors.As(err, &apiErr) {
		return err.Error()
	}
	var b strings.Builder
	// Keep what the command said about what it was doing, when it wrapped.
	if prefix, _, ok := strings.Cut(err.Error(), apiErr.Error()); ok && prefix != "" {
		b.WriteString(strings.TrimSuffix(strings.TrimSpace(prefix), ":") + ": ")
	}
	b.WriteString(apiErr.Message)
	if apiErr.StatusCode() == http.StatusUnauthorized {
		b.WriteString("\nYour session is missing, expired or revoked. Try logging in using 'coder login <url>'.")
	}
	if apiErr.Detail != "" {
		b.WriteString("\n  Error: " + apiErr.Detail)
	}
	for _, v := range apiErr.Validations {
		b.WriteString("\n  " + v.Field + ": " + v.Detail)
	}
	return b.String()
}
