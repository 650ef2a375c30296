package cli

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/coder/serpent"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/cli/cliui"
	"github.com/devplane/devplane/codersdk"
)

// userRow is one line of `coder users list`; JSON keeps codersdk.User.
type userRow struct {
	codersdk.User `table:"-"`

	ID        uuid.UUID `json:"-" table:"id"`
	Username  string    `json:"-" table:"username,default_sort"`
	Name      string    `json:"-" table:"name"`
	Email     string    `json:"-" table:"email"`
	CreatedAt time.Time `json:"-" table:"created at"`
	UpdatedAt time.Time `json:"-" table:"updated at"`
	Status    string    `json:"-" table:"status"`
	LoginType string    `json:"-" table:"login type"`
	Roles     string    `json:"-" table:"roles"`
}

func userRowFrom(u codersdk.User) userRow {
	roles := make([]string, 0, len(u.Roles))
	for _, role := range u.Roles {
		roles = append(roles, role.Name)
	}
	return userRow{
		User:      u,
		ID:        u.ID,
		Username:  u.Username,
		Name:      u.Name,
		Email:     u.Email,
		CreatedAt: u.CreatedAt,
		UpdatedAt: u.UpdatedAt,
		Status:    string(u.Status),
		LoginType: string(u.LoginType),
		Roles:     strings.Join(roles, ", "),
	}
}

func (r *RootCmd) users() *serpent.Command {
	return &serpent.Command{
		Use:     "users [subcommand]",
		Aliases: []string{"user"},
		Short:   "Manage users",
		Long: formatExamples(
			example{Command: "coder users list"},
			example{Command: "coder users create --username alice --email alice@example.com"},
			example{Command: "coder users suspend alice"},
		),
		Handler: func(inv *serpent.Invocation) error {
			return inv.Command.HelpHandler(inv)
		},
		Children: []*serpent.Command{
			r.userList(),
			r.userCreate(),
			r.userShow(),
			r.userStatus(codersdk.UserStatusSuspended),
			r.userStatus(codersdk.UserStatusActive),
			r.userDelete(),
		},
	}
}

func (r *RootCmd) userList() *serpent.Command {
	var search string
	formatter := cliui.NewOutputFormatter(
		cliui.TableFormat([]userRow{}, []string{"username", "email", "created at", "status"}),
		cliui.JSONFormat(),
	)
	cmd := &serpent.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "Prints the list of users.",
		Long: formatExamples(
			example{Command: "coder users list"},
			example{Description: "Suspended users as JSON", Command: "coder users list --search status:suspended -o json"},
		),
		Middleware: serpent.RequireNArgs(0),
		Options: serpent.OptionSet{{
			Flag:        "search",
			Description: `Filter users with a query, e.g. "status:active role:owner alice".`,
			Value:       serpent.StringOf(&search),
		}},
		Handler: func(inv *serpent.Invocation) error {
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			const pageSize = 100
			var users []codersdk.User
			for {
				page, err := client.Users(inv.Context(), codersdk.UsersRequest{
					SearchQuery: search,
					Pagination:  codersdk.Pagination{Offset: len(users), Limit: pageSize},
				})
				if err != nil {
					return xerrors.Errorf("list users: %w", err)
				}
				users = append(users, page.Users...)
				if len(page.Users) < pageSize || len(users) >= page.Count {
					break
				}
			}
			rows := make([]userRow, len(users))
			for i, u := range users {
				rows[i] = userRowFrom(u)
			}
			out, err := formatter.Format(inv.Context(), rows)
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

func (r *RootCmd) userShow() *serpent.Command {
	formatter := cliui.NewOutputFormatter(
		cliui.TableFormat([]userRow{}, []string{"username", "name", "email", "status", "login type", "roles", "created at"}),
		cliui.JSONFormat(),
	)
	cmd := &serpent.Command{
		Use:        "show <username|user_id|'me'>",
		Short:      "Show a single user. Use 'me' to indicate the currently authenticated user.",
		Long:       formatExamples(example{Command: "coder users show me"}),
		Middleware: serpent.RequireNArgs(1),
		Handler: func(inv *serpent.Invocation) error {
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			user, err := client.User(inv.Context(), inv.Args[0])
			if err != nil {
				return xerrors.Errorf("get user %q: %w", inv.Args[0], err)
			}
			var data any = []userRow{userRowFrom(user)}
			if formatter.FormatID() == "json" {
				data = user
			}
			out, err := formatter.Format(inv.Context(), data)
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

func (r *RootCmd) userCreate() *serpent.Command {
	var (
		email, username, fullName, password, loginType, orgName string
	)
	return &serpent.Command{
		Use:   "create",
		Short: "Create a user",
		Long: formatExamples(
			example{Command: "coder users create --username alice --email alice@example.com --password 'correct-horse-battery-staple'"},
			example{Description: "A user who can only use tokens an admin makes", Command: "coder users create -u ci -e ci@example.com --login-type none"},
		),
		Middleware: serpent.RequireNArgs(0),
		Options: serpent.OptionSet{
			{Flag: "email", FlagShorthand: "e", Description: "Specifies an email address for the new user.", Value: serpent.StringOf(&email)},
			{Flag: "username", FlagShorthand: "u", Description: "Specifies a username for the new user.", Value: serpent.StringOf(&username)},
			{Flag: "full-name", FlagShorthand: "n", Description: "Specifies an optional human-readable name for the new user.", Value: serpent.StringOf(&fullName)},
			{Flag: "password", FlagShorthand: "p", Description: "Specifies a password for the new user.", Value: serpent.StringOf(&password)},
			{
				Flag:        "login-type",
				Description: "Optionally specify the login type for the user. Valid values are: password, none, github, oidc. Using 'none' prevents the user from authenticating and requires an API key/token to be generated by an admin.",
				Value:       serpent.StringOf(&loginType),
			},
			organizationOption(&orgName),
		},
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			org, err := r.selectOrganization(inv, client, orgName)
			if err != nil {
				return err
			}
			interactive := cliui.IsTerminal(inv.Stdin)
			ask := func(value *string, flag, text string) error {
				if *value != "" {
					return nil
				}
				if !interactive {
					return xerrors.Errorf("missing --%s", flag)
				}
				v, err := cliui.Prompt(inv, cliui.PromptOptions{Text: text, Validate: func(s string) error {
					if s == "" {
						return xerrors.New("a value is required")
					}
					return nil
				}})
				*value = v
				return err
			}
			if err := ask(&username, "username", "Username:"); err != nil {
				return err
			}
			if err := ask(&email, "email", "Email:"); err != nil {
				return err
			}
			lt := codersdk.LoginType(loginType)
			switch lt {
			case "":
				lt = codersdk.LoginTypePassword
			case codersdk.LoginTypePassword, codersdk.LoginTypeNone, codersdk.LoginTypeGithub, codersdk.LoginTypeOIDC:
			default:
				return xerrors.Errorf("--login-type %q: use password, none, github or oidc", loginType)
			}
			generated := false
			if lt == codersdk.LoginTypePassword && password == "" {
				password, err = randomPassword()
				if err != nil {
					return err
				}
				generated = true
			}
			if lt != codersdk.LoginTypePassword && password != "" {
				return xerrors.Errorf("--password only goes with --login-type password")
			}
			user, err := client.CreateUserWithOrgs(ctx, codersdk.CreateUserRequestWithOrgs{
				Email:           email,
				Username:        username,
				Name:            fullName,
				Password:        password,
				UserLoginType:   lt,
				OrganizationIDs: []uuid.UUID{org.ID},
			})
			if err != nil {
				return xerrors.Errorf("create user: %w", err)
			}
			w := inv.Stdout
			_, _ = fmt.Fprintf(w, "User %s created in organization %s.\n\n", cliui.Bold(ctx, user.Username), org.Name)
			_, _ = fmt.Fprintf(w, "  Run %s to authenticate.\n\n", cliui.Code(ctx, "coder login "+client.URL.String()))
			_, _ = fmt.Fprintf(w, "  Your email is: %s\n", cliui.Code(ctx, user.Email))
			switch {
			case lt == codersdk.LoginTypePassword && generated:
				_, _ = fmt.Fprintf(w, "  Your password is: %s\n", cliui.Code(ctx, password))
			case lt == codersdk.LoginTypePassword:
				_, _ = fmt.Fprintln(w, "  Your password is the one given with --password.")
			case lt == codersdk.LoginTypeNone:
				_, _ = fmt.Fprintln(w, "  This user cannot log in; create a token for them with 'coder tokens create --user "+user.Username+"'.")
			default:
				_, _ = fmt.Fprintf(w, "  Log in with %s.\n", lt)
			}
			return nil
		},
	}
}

// randomPassword is for users created without --password: long enough
// for the server's strength check, printed once.
func randomPassword() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", xerrors.Errorf("generate password: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func (r *RootCmd) userStatus(status codersdk.UserStatus) *serpent.Command {
	verb := "suspend"
	short := "Update a user's status to 'suspended'. A suspended user cannot log into the platform"
	if status == codersdk.UserStatusActive {
		verb = "activate"
		short = "Update a user's status to 'active'. Active users can fully interact with the platform"
	}
	return &serpent.Command{
		Use:        verb + " <username|user_id>",
		Short:      short,
		Long:       formatExamples(example{Command: "coder users " + verb + " example_user"}),
		Middleware: serpent.RequireNArgs(1),
		Handler: func(inv *serpent.Invocation) error {
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			user, err := client.User(inv.Context(), inv.Args[0])
			if err != nil {
				return xerrors.Errorf("get user %q: %w", inv.Args[0], err)
			}
			if user.Status == status {
				_, _ = fmt.Fprintf(inv.Stdout, "User %s is already %s.\n", user.Username, status)
				return nil
			}
			user, err = client.UpdateUserStatus(inv.Context(), user.ID.String(), status)
			if err != nil {
				return xerrors.Errorf("%s user: %w", verb, err)
			}
			_, _ = fmt.Fprintf(inv.Stdout, "User %s is now %s!\n", cliui.Bold(inv.Context(), user.Username), user.Status)
			return nil
		},
	}
}

func (r *RootCmd) userDelete() *serpent.Command {
	return &serpent.Command{
		Use:        "delete <username|user_id>",
		Aliases:    []string{"rm"},
		Short:      "Delete a user by username or user_id.",
		Long:       formatExamples(example{Command: "coder users delete example_user"}),
		Middleware: serpent.RequireNArgs(1),
		Handler: func(inv *serpent.Invocation) error {
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			user, err := client.User(inv.Context(), inv.Args[0])
			if err != nil {
				return xerrors.Errorf("get user %q: %w", inv.Args[0], err)
			}
			if err := client.DeleteUser(inv.Context(), user.ID.String()); err != nil {
				return xerrors.Errorf("delete user: %w", err)
			}
			_, _ = fmt.Fprintf(inv.Stdout, "Successfully deleted %s.\n", cliui.Bold(inv.Context(), user.Username))
			return nil
		},
	}
}
