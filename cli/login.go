package cli

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"os/exec"
	"runtime"
	"strings"

	"github.com/coder/serpent"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/cli/cliui"
	"github.com/devplane/devplane/codersdk"
)

type loginOptions struct {
	firstUserEmail    string
	firstUserUsername string
	firstUserFullName string
	firstUserPassword string
	firstUserTrial    bool
	useTokenAsSession bool
	noOpen            bool
}

func (r *RootCmd) login() *serpent.Command {
	var o loginOptions
	return &serpent.Command{
		Use:   "login [<url>]",
		Short: "Authenticate with Coder deployment",
		Long: "Signs in and stores the session token in the global config directory (file \"session\", mode 0600). " +
			"On a terminal it asks for an email and password, or opens <url>/cli-auth in the browser to copy a token from. " +
			"When the deployment has no users yet it sets up the first one.\n\n" +
			formatExamples(
				example{Description: "Sign in interactively", Command: "coder login https://coder.example.com"},
				example{Description: "Sign in with an existing token (scripts)", Command: "CODER_SESSION_TOKEN=... coder login https://coder.example.com"},
				example{Description: "Set up a new deployment without prompts", Command: "coder login http://localhost:3000 --first-user-username admin --first-user-email admin@example.com --first-user-password 's3cret-pass'"},
			),
		Middleware: serpent.RequireRangeArgs(0, 1),
		Options: serpent.OptionSet{
			{Flag: "first-user-email", Env: "CODER_FIRST_USER_EMAIL", Description: "Specifies an email address to use if creating the first user for the deployment.", Value: serpent.StringOf(&o.firstUserEmail)},
			{Flag: "first-user-username", Env: "CODER_FIRST_USER_USERNAME", Description: "Specifies a username to use if creating the first user for the deployment.", Value: serpent.StringOf(&o.firstUserUsername)},
			{Flag: "first-user-full-name", Env: "CODER_FIRST_USER_FULL_NAME", Description: "Specifies a human-readable name for the first user of the deployment.", Value: serpent.StringOf(&o.firstUserFullName)},
			{Flag: "first-user-password", Env: "CODER_FIRST_USER_PASSWORD", Description: "Specifies a password to use if creating the first user for the deployment.", Value: serpent.StringOf(&o.firstUserPassword)},
			{Flag: "first-user-trial", Env: "CODER_FIRST_USER_TRIAL", Description: "Accepted for compatibility with Coder; this server has no licenses.", Value: serpent.BoolOf(&o.firstUserTrial)},
			{Flag: "use-token-as-session", Description: "By default, the CLI will generate a new session token when logging in. This flag will instead use the provided token as the session token.", Value: serpent.BoolOf(&o.useTokenAsSession)},
			{Flag: "no-open", Description: "Do not open the browser for the token page; print its URL only.", Value: serpent.BoolOf(&o.noOpen)},
			cliui.SkipPromptOption(),
		},
		Handler: func(inv *serpent.Invocation) error {
			return r.runLogin(inv, &o)
		},
	}
}

func (r *RootCmd) runLogin(inv *serpent.Invocation, o *loginOptions) error {
	ctx := inv.Context()
	serverURL, err := r.loginURL(inv)
	if err != nil {
		return err
	}
	client := r.newClient(inv, serverURL)

	hasFirstUser, err := client.HasFirstUser(ctx)
	if err != nil {
		return xerrors.Errorf("reach %s: %w", serverURL, err)
	}
	var token string
	switch {
	case !hasFirstUser:
		token, err = r.setupFirstUser(inv, client, o)
	case r.token != "":
		token, err = tokenSession(ctx, client, r.token, o.useTokenAsSession)
	default:
		token, err = r.interactiveLogin(inv, client, serverURL, o)
	}
	if err != nil {
		return err
	}

	client.SetSessionToken(token)
	user, err := client.User(ctx, codersdk.Me)
	if err != nil {
		return xerrors.Errorf("check the new session: %w", err)
	}
	if err := r.Config().Session().Write(token); err != nil {
		return xerrors.Errorf("store session: %w", err)
	}
	if err := r.Config().URL().Write(serverURL.String()); err != nil {
		return xerrors.Errorf("store url: %w", err)
	}
	_, _ = fmt.Fprintf(inv.Stdout, "Welcome to Coder, %s! You're authenticated.\n", cliui.Bold(ctx, user.Username))
	return nil
}

// loginURL is the argument, else --url/CODER_URL, else the stored URL. A
// bare host gets https://, as people type it from the address bar.
func (r *RootCmd) loginURL(inv *serpent.Invocation) (*url.URL, error) {
	raw := ""
	switch {
	case len(inv.Args) == 1:
		raw = inv.Args[0]
	case r.clientURL.String() != "":
		raw = r.clientURL.String()
	default:
		raw, _ = r.Config().URL().Read()
	}
	if raw == "" {
		return nil, xerrors.New("no url given: run 'coder login <url>'")
	}
	if !strings.Contains(raw, "://") {
		raw = "https://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, xerrors.Errorf("%q is not an http(s) URL", raw)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return u, nil
}

// tokenSession checks an existing token and, unless asked to keep it,
// trades it for a new key of the CLI's own, so that logging out later does
// not revoke a token the user also uses elsewhere.
func tokenSession(ctx context.Context, client *codersdk.Client, token string, keep bool) (string, error) {
	client.SetSessionToken(token)
	if _, err := client.User(ctx, codersdk.Me); err != nil {
		return "", xerrors.Errorf("the token was not accepted: %w", err)
	}
	if keep {
		return token, nil
	}
	key, err := client.CreateAPIKey(ctx, codersdk.Me)
	if err != nil {
		return "", xerrors.Errorf("create a session: %w", err)
	}
	return key.Key, nil
}

func (r *RootCmd) interactiveLogin(inv *serpent.Invocation, client *codersdk.Client, serverURL *url.URL, o *loginOptions) (string, error) {
	ctx := inv.Context()
	methods, err := client.AuthMethods(ctx)
	if err != nil {
		return "", xerrors.Errorf("read sign-in methods: %w", err)
	}
	if methods.Password.Enabled {
		email, err := cliui.Prompt(inv, cliui.PromptOptions{
			Text:     "Email (leave empty to get a token from the browser):",
			Validate: validateEmailOrEmpty,
		})
		if err != nil {
			return "", loginCanceled(err)
		}
		if email != "" {
			password, err := cliui.Prompt(inv, cliui.PromptOptions{Text: "Password:", Secret: true})
			if err != nil {
				return "", loginCanceled(err)
			}
			res, err := client.LoginWithPassword(ctx, codersdk.LoginWithPasswordRequest{Email: email, Password: password})
			if err != nil {
				return "", xerrors.Errorf("sign in: %w", err)
			}
			return res.SessionToken, nil
		}
	}
	return r.browserLogin(inv, client, serverURL, o)
}

// browserLogin sends the user to the dashboard's /cli-auth page, which
// creates a token for them to paste here.
func (r *RootCmd) browserLogin(inv *serpent.Invocation, client *codersdk.Client, serverURL *url.URL, o *loginOptions) (string, error) {
	ctx := inv.Context()
	authURL := *serverURL
	authURL.Path += "/cli-auth"
	if !o.noOpen && cliui.IsTerminal(inv.Stdout) && openBrowser(authURL.String()) == nil {
		_, _ = fmt.Fprintf(inv.Stdout, "Your browser has been opened to visit:\n\n\t%s\n\n", cliui.Code(ctx, authURL.String()))
	} else {
		_, _ = fmt.Fprintf(inv.Stdout, "Open the following in your browser:\n\n\t%s\n\n", cliui.Code(ctx, authURL.String()))
	}
	token, err := cliui.Prompt(inv, cliui.PromptOptions{
		Text:   "Paste your token here:",
		Secret: true,
		Validate: func(s string) error {
			if s == "" {
				return xerrors.New("The token is empty.")
			}
			client.SetSessionToken(s)
			if _, err := client.User(ctx, codersdk.Me); err != nil {
				return xerrors.New("That's not a valid token! Copy it again from the page.")
			}
			return nil
		},
	})
	if err != nil {
		return "", loginCanceled(err)
	}
	// The page made this token for the CLI: it is the session as is.
	return token, nil
}

func (r *RootCmd) setupFirstUser(inv *serpent.Invocation, client *codersdk.Client, o *loginOptions) (string, error) {
	ctx := inv.Context()
	req := codersdk.CreateFirstUserRequest{
		Email:    o.firstUserEmail,
		Username: o.firstUserUsername,
		Name:     o.firstUserFullName,
		Password: o.firstUserPassword,
		Trial:    o.firstUserTrial,
	}
	// All three flags given: no questions, for scripts.
	if req.Email == "" || req.Username == "" || req.Password == "" {
		_, _ = fmt.Fprintln(inv.Stdout, cliui.Bold(ctx, "This deployment has no users yet."))
		if _, err := cliui.Prompt(inv, cliui.PromptOptions{Text: "Would you like to create the first user?", IsConfirm: true}); err != nil {
			return "", loginCanceled(err)
		}
		var err error
		if req.Username == "" {
			req.Username, err = cliui.Prompt(inv, cliui.PromptOptions{
				Text:    "What username would you like?",
				Default: defaultUsername(inv),
				Validate: func(s string) error {
					if s == "" {
						return xerrors.New("A username is required.")
					}
					return nil
				},
			})
			if err != nil {
				return "", loginCanceled(err)
			}
		}
		if req.Name == "" {
			req.Name, err = cliui.Prompt(inv, cliui.PromptOptions{Text: "(Optional) What is your full name?"})
			if err != nil {
				return "", loginCanceled(err)
			}
		}
		if req.Email == "" {
			req.Email, err = cliui.Prompt(inv, cliui.PromptOptions{Text: "What's your email?", Validate: validateEmail})
			if err != nil {
				return "", loginCanceled(err)
			}
		}
		if req.Password == "" {
			req.Password, err = promptNewPassword(inv)
			if err != nil {
				return "", loginCanceled(err)
			}
		}
	}
	if _, err := client.CreateFirstUser(ctx, req); err != nil {
		return "", xerrors.Errorf("create the first user: %w", err)
	}
	res, err := client.LoginWithPassword(ctx, codersdk.LoginWithPasswordRequest{Email: req.Email, Password: req.Password})
	if err != nil {
		return "", xerrors.Errorf("sign in as the first user: %w", err)
	}
	_, _ = fmt.Fprintf(inv.Stdout, "\n%s\n\n", cliui.Success(ctx, "Created the first user "+req.Username+"."))
	return res.SessionToken, nil
}

func promptNewPassword(inv *serpent.Invocation) (string, error) {
	for {
		password, err := cliui.Prompt(inv, cliui.PromptOptions{
			Text:   "Enter a password:",
			Secret: true,
			Validate: func(s string) error {
				if s == "" {
					return xerrors.New("A password is required.")
				}
				return nil
			},
		})
		if err != nil {
			return "", err
		}
		again, err := cliui.Prompt(inv, cliui.PromptOptions{Text: "Confirm password:", Secret: true})
		if err != nil {
			return "", err
		}
		if again == password {
			return password, nil
		}
		_, _ = fmt.Fprintln(inv.Stdout, cliui.Error(inv.Context(), "Passwords do not match."))
	}
}

func defaultUsername(inv *serpent.Invocation) string {
	for _, name := range []string{"USER", "USERNAME"} {
		if v := inv.Environ.Get(name); v != "" && v != "root" {
			return v
		}
	}
	return "admin"
}

func validateEmail(s string) error {
	if _, err := mail.ParseAddress(s); err != nil {
		return xerrors.New("That's not a valid email address.")
	}
	return nil
}

func validateEmailOrEmpty(s string) error {
	if s == "" {
		return nil
	}
	return validateEmail(s)
}

// loginCanceled explains a prompt that got no answer, which is what a
// script sees when it forgets --token.
func loginCanceled(err error) error {
	if errors.Is(err, cliui.ErrCanceled) {
		return xerrors.New("login canceled: no answer on stdin (use --token or CODER_SESSION_TOKEN in scripts)")
	}
	return err
}

// openBrowser starts the desktop's URL handler; failure only means the URL
// is printed for the user to open.
func openBrowser(target string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", target)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", target)
	default:
		cmd = exec.Command("xdg-open", target)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

func (r *RootCmd) logout() *serpent.Command {
	return &serpent.Command{
		Use:   "logout",
		Short: "Unauthenticate your local session",
		Long: "Deletes the session's API key on the server and removes the stored session.\n\n" +
			formatExamples(example{Command: "coder logout --yes"}),
		Middleware: serpent.RequireNArgs(0),
		Options:    serpent.OptionSet{cliui.SkipPromptOption()},
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			if _, err := cliui.Prompt(inv, cliui.PromptOptions{Text: "Are you sure you want to log out?", IsConfirm: true}); err != nil {
				return err
			}
			// A key the server no longer knows is already logged out there;
			// the local files are removed either way.
			var apiErr *codersdk.Error
			if err := client.Logout(ctx); err != nil && !(errors.As(err, &apiErr) && apiErr.StatusCode() == 401) {
				return xerrors.Errorf("delete the session on the server: %w", err)
			}
			if err := r.Config().Session().Delete(); err != nil {
				return xerrors.Errorf("remove the stored session: %w", err)
			}
			if err := r.Config().URL().Delete(); err != nil {
				return xerrors.Errorf("remove the stored url: %w", err)
			}
			_, _ = fmt.Fprintln(inv.Stdout, "You are no longer logged in. You can log in using 'coder login <url>'.")
			return nil
		},
	}
}

// whoamiRow is one line of `coder whoami -o table|json`.
type whoamiRow struct {
	URL      string   `json:"url" table:"url"`
	Username string   `json:"username" table:"username,default_sort"`
	ID       string   `json:"id" table:"id"`
	Orgs     []string `json:"orgs" table:"orgs"`
	Roles    []string `json:"roles" table:"roles"`
}

func (w whoamiRow) String() string {
	return fmt.Sprintf("Coder is running at %s, You're authenticated as %s !", w.URL, w.Username)
}

func (r *RootCmd) whoami() *serpent.Command {
	formatter := cliui.NewOutputFormatter(
		cliui.ChangeFormatterData(cliui.TextFormat(), func(data any) (any, error) {
			rows, _ := data.([]whoamiRow)
			lines := make([]string, 0, len(rows))
			for _, row := range rows {
				lines = append(lines, row.String())
			}
			return strings.Join(lines, "\n"), nil
		}),
		cliui.JSONFormat(),
		cliui.TableFormat([]whoamiRow{}, []string{"url", "username", "id"}),
	)
	cmd := &serpent.Command{
		Use:        "whoami",
		Short:      "Fetch authenticated user info for Coder deployment",
		Long:       formatExamples(example{Command: "coder whoami -o json"}),
		Middleware: serpent.RequireNArgs(0),
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			user, err := client.User(ctx, codersdk.Me)
			if err != nil {
				return err
			}
			orgs, err := client.OrganizationsByUser(ctx, codersdk.Me)
			if err != nil {
				return err
			}
			row := whoamiRow{URL: client.URL.String(), Username: user.Username, ID: user.ID.String(), Orgs: []string{}, Roles: []string{}}
			for _, o := range orgs {
				row.Orgs = append(row.Orgs, o.Name)
			}
			for _, role := range user.Roles {
				row.Roles = append(row.Roles, role.Name)
			}
			out, err := formatter.Format(ctx, []whoamiRow{row})
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(inv.Stdout, out)
			return err
		},
	}
	formatter.AttachOptions(&cmd.Options)
	return cmd
}
