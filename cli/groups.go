package cli

import (
	"fmt"

	"github.com/coder/serpent"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/cli/cliui"
	"github.com/devplane/devplane/codersdk"
)

// groupRow is one line of `coder groups list`; JSON keeps codersdk.Group.
type groupRow struct {
	codersdk.Group `table:"-"`

	Name           string    `json:"-" table:"name,default_sort"`
	DisplayName    string    `json:"-" table:"display name"`
	OrganizationID uuid.UUID `json:"-" table:"organization id"`
	Members        []string  `json:"-" table:"members"`
	AvatarURL      string    `json:"-" table:"avatar url"`
}

func (r *RootCmd) groups() *serpent.Command {
	return &serpent.Command{
		Use:     "groups",
		Aliases: []string{"group"},
		Short:   "Manage groups",
		Long: formatExamples(
			example{Command: "coder groups create developers --display-name Developers"},
			example{Command: "coder groups list"},
		),
		Handler: func(inv *serpent.Invocation) error {
			return inv.Command.HelpHandler(inv)
		},
		Children: []*serpent.Command{r.groupList(), r.groupCreate()},
	}
}

func (r *RootCmd) groupList() *serpent.Command {
	var orgName string
	formatter := cliui.NewOutputFormatter(
		cliui.TableFormat([]groupRow{}, []string{"name", "display name", "organization id", "members", "avatar url"}),
		cliui.JSONFormat(),
	)
	cmd := &serpent.Command{
		Use:        "list",
		Aliases:    []string{"ls"},
		Short:      "List user groups",
		Long:       formatExamples(example{Command: "coder groups list -o json"}),
		Middleware: serpent.RequireNArgs(0),
		Options:    serpent.OptionSet{organizationOption(&orgName)},
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
			groups, err := client.GroupsByOrganization(ctx, org.ID)
			if err != nil {
				return xerrors.Errorf("list groups: %w", err)
			}
			if len(groups) == 0 && formatter.FormatID() == "table" {
				cliui.Infof(inv.Stderr, "No groups found in %s. Create one with %s.", org.Name, cliui.Code(ctx, "coder groups create <name>"))
				return nil
			}
			rows := make([]groupRow, len(groups))
			for i, g := range groups {
				members := make([]string, 0, len(g.Members))
				for _, m := range g.Members {
					members = append(members, m.Email)
				}
				rows[i] = groupRow{
					Group:          g,
					Name:           g.Name,
					DisplayName:    g.DisplayName,
					OrganizationID: g.OrganizationID,
					Members:        members,
					AvatarURL:      g.AvatarURL,
				}
			}
			out, err := formatter.Format(ctx, rows)
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

func (r *RootCmd) groupCreate() *serpent.Command {
	var avatarURL, displayName, orgName string
	return &serpent.Command{
		Use:        "create <name>",
		Short:      "Create a user group",
		Long:       formatExamples(example{Command: "coder groups create developers --display-name Developers"}),
		Middleware: serpent.RequireNArgs(1),
		Options: serpent.OptionSet{
			{Flag: "avatar-url", FlagShorthand: "u", Env: "CODER_AVATAR_URL", Description: "Set an avatar for a group.", Value: serpent.StringOf(&avatarURL)},
			{Flag: "display-name", Env: "CODER_DISPLAY_NAME", Description: "Optional human friendly name for the group.", Value: serpent.StringOf(&displayName)},
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
			group, err := client.CreateGroup(ctx, org.ID, codersdk.CreateGroupRequest{
				Name:        inv.Args[0],
				DisplayName: displayName,
				AvatarURL:   avatarURL,
			})
			if err != nil {
				return xerrors.Errorf("create group: %w", err)
			}
			_, _ = fmt.Fprintf(inv.Stdout, "Successfully created group %s!\n", cliui.Bold(ctx, group.Name))
			return nil
		},
	}
}
