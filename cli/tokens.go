package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/coder/serpent"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/cli/cliui"
	"github.com/devplane/devplane/codersdk"
)

// tokenRow is one line of `coder tokens list`; JSON keeps codersdk.APIKey,
// as Coder's does.
type tokenRow struct {
	codersdk.APIKey `table:"-"`

	ID        string    `json:"-" table:"id,default_sort"`
	TokenName string    `json:"-" table:"name"`
	LastUsed  time.Time `json:"-" table:"last used"`
	ExpiresAt time.Time `json:"-" table:"expires at"`
	CreatedAt time.Time `json:"-" table:"created at"`
	Owner     string    `json:"-" table:"owner"`
}

func (r *RootCmd) tokens() *serpent.Command {
	return &serpent.Command{
		Use:   "tokens",
		Short: "Manage personal access tokens",
		Long: "Tokens are used to authenticate automated clients to Coder.\n\n" +
			formatExamples(
				example{Description: "Create a token for automation", Command: "coder tokens create --name ci --lifetime 720h"},
				example{Description: "List your tokens", Command: "coder tokens ls"},
				example{Description: "Remove a token by name, ID or the token itself", Command: "coder tokens rm ci"},
			),
		Aliases: []string{"token"},
		Handler: func(inv *serpent.Invocation) error {
			return inv.Command.HelpHandler(inv)
		},
		Children: []*serpent.Command{r.tokenCreate(), r.tokenList(), r.tokenRemove()},
	}
}

func (r *RootCmd) tokenCreate() *serpent.Command {
	var lifetime, name, user string
	return &serpent.Command{
		Use:        "create",
		Short:      "Create a token",
		Long:       formatExamples(example{Command: "coder tokens create --name ci --lifetime 30d"}),
		Middleware: serpent.RequireNArgs(0),
		Options: serpent.OptionSet{
			{Flag: "lifetime", Env: "CODER_TOKEN_LIFETIME", Description: "Specify a duration for the lifetime of the token (e.g. 8h, 30d); the deployment's default when not given.", Value: serpent.StringOf(&lifetime)},
			{Flag: "name", FlagShorthand: "n", Env: "CODER_TOKEN_NAME", Description: "Specify a human-readable name.", Value: serpent.StringOf(&name)},
			{Flag: "user", FlagShorthand: "u", Env: "CODER_TOKEN_USER", Description: "Specify the user to create the token for (Only works if logged in user is admin).", Value: serpent.StringOf(&user)},
		},
		Handler: func(inv *serpent.Invocation) error {
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			var d time.Duration
			if lifetime != "" {
				d, err = parseLongDuration(lifetime)
				if err != nil {
					return xerrors.Errorf("--lifetime: %w", err)
				}
			}
			if user == "" {
				user = codersdk.Me
			}
			res, err := client.CreateToken(inv.Context(), user, codersdk.CreateTokenRequest{Lifetime: d, TokenName: name})
			if err != nil {
				return xerrors.Errorf("create token: %w", err)
			}
			_, err = fmt.Fprintln(inv.Stdout, res.Key)
			return err
		},
	}
}

// parseLongDuration is a Go duration that also takes days ("30d") and
// years ("1y"), which token lifetimes are usually given in.
func parseLongDuration(s string) (time.Duration, error) {
	for suffix, unit := range map[string]time.Duration{"d": 24 * time.Hour, "y": 365 * 24 * time.Hour} {
		if n, ok := strings.CutSuffix(s, suffix); ok {
			v, err := strconv.Atoi(n)
			if err != nil || v <= 0 {
				return 0, xerrors.Errorf("invalid duration %q", s)
			}
			return time.Duration(v) * unit, nil
		}
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, xerrors.Errorf("invalid duration %q: use e.g. 8h, 30d or 1y", s)
	}
	return d, nil
}

func (r *RootCmd) tokenList() *serpent.Command {
	var all bool
	formatter := cliui.NewOutputFormatter(
		cliui.TableFormat([]tokenRow{}, []string{"id", "name", "last used", "expires at", "created at"}),
		cliui.JSONFormat(),
	)
	cmd := &serpent.Command{
		Use:        "list",
		Aliases:    []string{"ls"},
		Short:      "List tokens",
		Long:       formatExamples(example{Command: "coder tokens list -o json"}),
		Middleware: serpent.RequireNArgs(0),
		Options: serpent.OptionSet{{
			Flag:          "all",
			FlagShorthand: "a",
			Description:   "Specifies whether all users' tokens will be listed or not (must have Owner role to see all tokens).",
			Value:         serpent.BoolOf(&all),
		}},
		Handler: func(inv *serpent.Invocation) error {
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			keys, err := client.Tokens(inv.Context(), codersdk.Me, codersdk.TokensFilter{IncludeAll: all})
			if err != nil {
				return xerrors.Errorf("list tokens: %w", err)
			}
			if len(keys) == 0 && formatter.FormatID() == "table" {
				cliui.Infof(inv.Stderr, "No tokens found. Create one with %s.", cliui.Code(inv.Context(), "coder tokens create"))
				return nil
			}
			rows := make([]tokenRow, len(keys))
			for i, k := range keys {
				rows[i] = tokenRow{
					APIKey:    k.APIKey,
					ID:        k.ID,
					TokenName: k.TokenName,
					LastUsed:  k.LastUsed,
					ExpiresAt: k.ExpiresAt,
					CreatedAt: k.CreatedAt,
					Owner:     k.Username,
				}
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

func (r *RootCmd) tokenRemove() *serpent.Command {
	return &serpent.Command{
		Use:        "remove <name|id|token>",
		Aliases:    []string{"delete", "rm"},
		Short:      "Delete a token",
		Long:       formatExamples(example{Command: "coder tokens remove ci"}),
		Middleware: serpent.RequireNArgs(1),
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			arg := inv.Args[0]
			key, err := client.APIKeyByName(ctx, codersdk.Me, arg)
			if isNotFound(err) {
				// Not a name: an ID, or a whole token "<id>-<secret>".
				id, _, _ := strings.Cut(arg, "-")
				key, err = client.APIKeyByID(ctx, codersdk.Me, id)
			}
			if err != nil {
				if isNotFound(err) {
					return xerrors.Errorf("no token named %q or with that ID", arg)
				}
				return xerrors.Errorf("find token: %w", err)
			}
			if err := client.DeleteAPIKey(ctx, codersdk.Me, key.ID); err != nil {
				return xerrors.Errorf("delete token: %w", err)
			}
			_, _ = fmt.Fprintln(inv.Stdout, "Token has been deleted.")
			return nil
		},
	}
}
